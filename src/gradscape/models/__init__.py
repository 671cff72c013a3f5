"""Models: loss functions of many weights (a flat vector) with exact gradients, on real data."""

from .model import Model, digits_model, lesson_model

__all__ = ["Model", "digits_model", "lesson_model"]
