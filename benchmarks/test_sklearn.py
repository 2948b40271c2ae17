"""scikit-learn baselines on the OpenML study 218 datasets: one case per dataset × setting."""

import pytest

from automl_bench.plugin import case_params


@pytest.mark.parametrize("case", case_params("sklearn"))
def test_sklearn(case, automl):
    automl.run(case)
