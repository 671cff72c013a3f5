"""Imported once by the fork server that compile workers are forked from: it loads the compiler
and compiles a formula, so that every worker starts with SymPy imported and its caches warm."""

from __future__ import annotations

from .pool import compile_job

compile_job("x^2 + 3y^2 + sin(x y)", None, True)
