"""Data for the built-in models: scikit-learn's bundled digits (read from disk, no download).

A `Dataset` is inputs ``x`` (n, features), float64, and integer class labels ``y`` (n,) from 0
to ``classes - 1``, checked once so a wrong shape fails with one line before any arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .model import PIXEL_MAX


@dataclass(frozen=True)
class Dataset:
    """Inputs x (n, features) and class labels y (n,)."""

    x: np.ndarray
    y: np.ndarray
    classes: int

    def __post_init__(self) -> None:
        x = np.asarray(self.x, dtype=np.float64)
        y = np.asarray(self.y)
        if x.ndim != 2 or x.shape[0] == 0:
            raise ValueError(f"x must be (n, features) with n >= 1; got shape {x.shape}")
        if y.shape != (x.shape[0],):
            raise ValueError(f"y must have one label per row of x ({x.shape[0]}); got {y.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("x has NaN or infinite entries; clean the data first")
        if y.size and (not np.all(y == np.rint(y)) or y.min() < 0 or y.max() >= self.classes):
            raise ValueError(f"y must hold whole numbers from 0 to {self.classes - 1}")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y.astype(np.int64))

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def features(self) -> int:
        return int(self.x.shape[1])

    def take(self, rows: np.ndarray | slice) -> Dataset:
        """The rows given (indices or a slice), in that order."""
        return Dataset(self.x[rows], self.y[rows], self.classes)


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = np.rint(digits.data).astype(np.int64)
    return pixels, np.asarray(digits.target, dtype=np.int64)


def digits(n: int | None = None) -> Dataset:
    """The 1,797 8x8 digits (or the first n), pixels scaled to 0..1 exactly as the lesson's
    network reads them (k / 16, exact in binary)."""
    pixels, labels = _digits()
    if n is not None:
        if not 1 <= n <= len(labels):
            raise ValueError(f"Ask for 1 to {len(labels)} digits; got {n}")
        pixels, labels = pixels[:n], labels[:n]
    return Dataset(pixels / PIXEL_MAX, labels, 10)


__all__ = ["Dataset", "digits"]
