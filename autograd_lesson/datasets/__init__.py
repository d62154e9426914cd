"""Small data sets shipped with the course, loaded without any download."""

from .digits import Digits, load_digits, split_digits

__all__ = ["Digits", "load_digits", "split_digits"]
