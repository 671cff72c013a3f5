"""Gradients with many parameters: a small neural network whose gradient has 1,210 entries."""

from .model import Model, digits_model, lesson_model

__all__ = ["Model", "digits_model", "lesson_model"]
