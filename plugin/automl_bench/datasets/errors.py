"""Errors raised while finding and loading datasets."""


class DatasetError(ValueError):
    """Raised for a dataset file that is invalid: wrong checksum, missing target, one class."""


class DatasetNotAvailableError(LookupError):
    """Raised when a dataset is in no local folder, not cached and not reachable on OpenML.

    The benchmark case is skipped with this message, so it names the dataset,
    where the loader looked and how to provide the data.
    """
