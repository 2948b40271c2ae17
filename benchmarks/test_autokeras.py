"""AutoKeras on the OpenML study 218 datasets: one case per dataset × setting."""

import pytest

from automl_bench.plugin import case_params


@pytest.mark.parametrize("case", case_params("autokeras"))
def test_autokeras(case, automl):
    automl.run(case)
