"""AutoKeras 1.1 on the OpenML study 218 datasets: one case per dataset × setting."""

import pytest

from automl_bench.plugin import case_params


@pytest.mark.parametrize("case", case_params("autokeras1"))
def test_autokeras1(case, automl):
    automl.run(case)
