"""gradscape: see and understand the gradient.

import gradscape
s = gradscape.Surface("w1^2 + 3w2^2")
s.gradient((3, 1))                       # array([6., 6.])
gradscape.descend(s, start=(3, 1), optimizer="gd", lr=0.1, steps=100)
"""

from .descent import OPTIMIZERS, Trajectory, descend
from .formula import FormulaError, parse
from .gallery import GALLERY
from .surface import CompileError, Grid, Surface, numeric_gradient

__all__ = [
    "GALLERY",
    "OPTIMIZERS",
    "CompileError",
    "FormulaError",
    "Grid",
    "Surface",
    "Trajectory",
    "descend",
    "numeric_gradient",
    "parse",
]
__version__ = "0.1.0"
