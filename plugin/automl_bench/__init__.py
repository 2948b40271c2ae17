"""pytest-automl-bench: AutoML frameworks measured on OpenML binary classification tasks."""

__version__ = "0.1.0"
