"""Argument checks the teaching modules share (attention, positional encodings, search, tokenizers, mlm): each
error names the argument and says what would be accepted, instead of a stack trace from deep inside NumPy.

    >>> from labkit.checks import real_array
    >>> real_array([[1, 2], [3, 4]], "x").dtype
    dtype('float64')
    >>> real_array([[1, 2], [3]], "x")
    Traceback (most recent call last):
    ...
    ValueError: x is ragged (rows of different lengths); it must be a rectangular array
    >>> int_in_range(0, "k")
    Traceback (most recent call last):
    ...
    ValueError: k must be a positive int, got 0
"""
from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING

if TYPE_CHECKING:                                  # numpy is imported when a check runs, not with labkit
    import numpy as np


def as_array(x, name: str) -> np.ndarray:
    """``np.asarray(x)``, or a ValueError naming ``name`` when ``x`` is a ragged nested list."""
    import numpy as np

    try:
        return np.asarray(x)
    except ValueError:
        raise ValueError(f"{name} is ragged (rows of different lengths); it must be a rectangular array") from None


def real_array(x, name: str, *, dtype=float, finite: bool = True, minus_inf: bool = False) -> np.ndarray:
    """``x`` as a ``dtype`` array of real numbers (bools count), else a TypeError naming ``name`` (strings, complex
    numbers, None). With ``finite``, NaN and infinities are a ValueError (``-inf`` allowed if ``minus_inf``)."""
    import numpy as np

    array = as_array(x, name)
    if array.dtype != bool and not (np.issubdtype(array.dtype, np.number)
                                    and not np.issubdtype(array.dtype, np.complexfloating)):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    array = array.astype(dtype, copy=False)
    if finite and not (np.isfinite(array) | (minus_inf & (array == -np.inf))).all():
        raise ValueError(f"{name} contains NaN or infinite values" + (" (only -inf, hidden, is allowed)"
                                                                       if minus_inf else ""))
    return array


def int_in_range(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer (Python or NumPy, not a bool) in ``minimum..maximum``, else a
    ValueError naming ``name`` and the accepted range: "a positive int" (the default), "an int >= m" or "an int in
    m..n"."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum \
            or (maximum is not None and value > maximum):
        if maximum is not None:
            accepted = f"an int in {minimum}..{maximum}"
        else:
            accepted = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{name} must be {accepted}, got {value!r:.40}")
    return int(value)
