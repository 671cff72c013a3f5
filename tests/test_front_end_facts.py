"""Facts the front end repeats from Python, held equal to Python's (the one truth) by reading
the JavaScript sources: the explorer's step cap and the Greek letter names."""

from __future__ import annotations

import re
from pathlib import Path

from gradscape import descent, widget
from gradscape.bundle import STATIC


def _js(path: str) -> str:
    return (STATIC / path).read_text(encoding="utf-8")


def _python_greek() -> dict[str, str]:
    try:  # the printers' own module, once the Python side has split it out of surface.py
        from gradscape import printing

        return dict(printing.GREEK)
    except ImportError:
        from gradscape import surface

        return dict(surface._GREEK)


def test_the_explorers_step_cap_is_the_widgets_and_within_descends_limit() -> None:
    m = re.search(r"^export const EXPLORER_STEPS = (\d+);", _js("core/optimizers.js"), re.M)
    assert m, "core/optimizers.js must export EXPLORER_STEPS as a number literal"
    assert int(m[1]) == widget.EXPLORER_STEPS
    assert 0 < widget.EXPLORER_STEPS <= descent.MAX_STEPS


def test_the_greek_names_are_pythons() -> None:
    m = re.search(r"^const GREEK = \{(.*?)\};", _js("core/format.js"), re.M | re.S)
    assert m, 'core/format.js must declare const GREEK = { name: "letter", ... };'
    js = dict(re.findall(r'(\w+): "([^"]+)"', m[1]))
    assert js == _python_greek()


def test_no_front_end_copy_of_the_gallery() -> None:
    """The menu comes from gallery.py through the host (server, widget, export): no JS list."""
    for path in Path(str(STATIC)).rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        assert "Himmelblau" not in source and "banana" not in source, path
