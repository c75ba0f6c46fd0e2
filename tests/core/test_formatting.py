"""How progress lines print values, step times and ETAs (as Keras)."""

import numpy as np

from ember.core.formatting import format_eta
from ember.core.formatting import format_time_per_unit
from ember.core.formatting import format_value


def test_format_value():
    assert format_value(0.12345) == "0.1235"
    assert format_value(-2.0) == "-2.0000"
    assert format_value(1e-5) == "1.0000e-05"
    assert format_value(np.float32(0.5)) == "0.5000"
    assert format_value(np.array([0.25, 0.75])) == "0.5000"
    assert format_value("n/a") == "n/a"


def test_format_time_per_unit():
    assert format_time_per_unit(3.2, "step") == "3s/step"
    assert format_time_per_unit(0.0123, "step") == "12ms/step"
    assert format_time_per_unit(8e-5, "sample") == "80us/sample"
    assert format_time_per_unit(0, "step") == "0s/step"


def test_format_eta():
    assert format_eta(42.9) == "42s"
    assert format_eta(185) == "3:05"
    assert format_eta(3723) == "1:02:03"
