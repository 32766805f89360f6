"""Argument checks the teaching modules share (attention, positional encodings, search): each error names the
argument and says what would be accepted, instead of a stack trace from deep inside NumPy.

    >>> from labkit.checks import real_array
    >>> real_array([[1, 2], [3, 4]], "x").dtype
    dtype('float64')
    >>> real_array([[1, 2], [3]], "x")
    Traceback (most recent call last):
    ...
    ValueError: x is ragged (rows of different lengths); it must be a rectangular array
"""
from __future__ import annotations

import numpy as np


def as_array(x, name: str) -> np.ndarray:
    """``np.asarray(x)``, or a ValueError naming ``name`` when ``x`` is a ragged nested list."""
    try:
        return np.asarray(x)
    except ValueError:
        raise ValueError(f"{name} is ragged (rows of different lengths); it must be a rectangular array") from None


def real_array(x, name: str, *, dtype=float, finite: bool = True, minus_inf: bool = False) -> np.ndarray:
    """``x`` as a ``dtype`` array of real numbers (bools count), else a TypeError naming ``name`` (strings, complex
    numbers, None). With ``finite``, NaN and infinities are a ValueError (``-inf`` allowed if ``minus_inf``)."""
    array = as_array(x, name)
    if array.dtype != bool and not (np.issubdtype(array.dtype, np.number)
                                    and not np.issubdtype(array.dtype, np.complexfloating)):
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    array = array.astype(dtype, copy=False)
    if finite and not (np.isfinite(array) | (minus_inf & (array == -np.inf))).all():
        raise ValueError(f"{name} contains NaN or infinite values" + (" (only -inf, hidden, is allowed)"
                                                                       if minus_inf else ""))
    return array
