"""labkit.checks: the shared argument checks name the argument and the accepted values."""
import numpy as np
import pytest

from labkit.checks import int_in_range


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.int32(1)])
def test_int_in_range_accepts_python_and_numpy_ints(value):
    out = int_in_range(value, "k")
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value, minimum, maximum, message", [
    (0, 1, None, "k must be a positive int, got 0"),
    (True, 1, None, "k must be a positive int, got True"),      # a bool is not a count
    (2.0, 1, None, "k must be a positive int, got 2.0"),
    ("3", 1, None, "k must be a positive int, got '3'"),
    (-1, 0, None, "k must be an int >= 0, got -1"),
    (11, 2, 10, r"k must be an int in 2\.\.10, got 11"),
    (1, 2, 10, r"k must be an int in 2\.\.10, got 1"),
])
def test_int_in_range_names_the_argument_and_the_range(value, minimum, maximum, message):
    with pytest.raises(ValueError, match=message):
        int_in_range(value, "k", minimum, maximum)


def test_int_in_range_bounds_are_inclusive():
    assert int_in_range(2, "k", 2, 10) == 2 and int_in_range(10, "k", 2, 10) == 10


def test_long_values_are_cut_in_the_message():
    with pytest.raises(ValueError) as error:
        int_in_range("x" * 500, "k")
    assert len(str(error.value)) < 100
