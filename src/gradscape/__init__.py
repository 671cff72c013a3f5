"""gradscape: see and understand the gradient.

import gradscape
s = gradscape.Surface("w1^2 + 3w2^2")
s.gradient((3, 1))                       # array([6., 6.])
gradscape.descend(s, start=(3, 1), optimizer="gd", lr=0.1, steps=100)
"""

from typing import Any

from .descent import OPTIMIZERS, Trajectory, descend
from .formula import FormulaError, parse
from .gallery import GALLERY
from .landscape import Grid, Landscape, numeric_gradient
from .program import CompileError
from .surface import Surface

__all__ = [
    "GALLERY",
    "OPTIMIZERS",
    "CompileError",
    "Explorer",
    "FormulaError",
    "Grid",
    "Landscape",
    "Surface",
    "Trajectory",
    "descend",
    "numeric_gradient",
    "parse",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`gradscape.Explorer` (the notebook widget) is imported on first use, with anywidget."""
    if name == "Explorer":
        from .widget import Explorer

        return Explorer
    raise AttributeError(f"module 'gradscape' has no attribute {name!r}")
