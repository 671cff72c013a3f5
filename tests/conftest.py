"""Fixtures shared by the Python tests."""

from __future__ import annotations

import sys

import pytest

from gradscape.formula import parse


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The text of every formula.parse call, from whichever gradscape module makes it."""
    calls: list[str] = []

    def counting(text, variables=None):
        calls.append(text)
        return parse(text, variables)

    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "") or ""
        if name.startswith("gradscape") and getattr(module, "parse", None) is parse:
            monkeypatch.setattr(module, "parse", counting)
    return calls
