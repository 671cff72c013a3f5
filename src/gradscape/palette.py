"""gradscape's colours for Python's figures, read from the browser's own table.

The table lives once, in ``static/core/palette.js`` (the JSON between its markers): the heatmap's
ramp as OKLCH stops and the runs' colours and dash patterns. This module builds the same 256
colours the browser's ``core/colormap.js`` builds (interpolated in OKLab, out-of-gamut colours
losing chroma, not lightness), so ``gradscape plot`` and the explorer look alike: pale cream for
low loss, deep indigo for high loss, and the same colour for the same run.

    LUT            (256, 3) uint8, index 0 the lowest value
    RUN_COLOURS    ("#0072B2", ...)   DASHES ((), (7, 3), (2, 2.5))
    run_style(i)   (colour, dash) of run i, as in the browser
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

_MARKED = re.compile(r"/\* palette-json \*/(.*?)/\* end-palette-json \*/", re.S)


@cache
def table() -> dict[str, Any]:
    """The shared table: {"ramp": [[L, C, h], ...], "runs": [hex, ...], "dashes": [[...], ...]}."""
    text = (resources.files("gradscape") / "static" / "core" / "palette.js").read_text("utf-8")
    found = _MARKED.search(text)
    if found is None:
        raise RuntimeError("static/core/palette.js lost its palette-json markers")
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _encode(c: float) -> float:
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _oklab_to_linear(L: float, a: float, b: float) -> tuple[float, float, float]:
    l_ = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s = (L - 0.0894841775 * a - 1.2914855480 * b) ** 3
    return (
        4.0767416621 * l_ - 3.3077115913 * m + 0.2309699292 * s,
        -1.2684380046 * l_ + 2.6097574011 * m - 0.3413193965 * s,
        -0.0041960863 * l_ - 0.7034186147 * m + 1.7076147010 * s,
    )


def oklch(L: float, C: float, h: float) -> tuple[int, int, int]:
    """An OKLCH colour as sRGB bytes; out of gamut, chroma falls in 0.002 steps until it fits."""
    rad = h * math.pi / 180
    c = C
    while c >= 0:
        rgb = _oklab_to_linear(L, c * math.cos(rad), c * math.sin(rad))
        if all(-1e-4 <= v <= 1 + 1e-4 for v in rgb) or c < 0.002:
            r, g, b = (round(255 * _encode(min(1.0, max(0.0, v)))) for v in rgb)
            return r, g, b
        c -= 0.002
    return 0, 0, 0


def _lut() -> np.ndarray:
    stops = table()["ramp"]
    lab = [
        (L, C * math.cos(h * math.pi / 180), C * math.sin(h * math.pi / 180)) for L, C, h in stops
    ]
    out = np.zeros((256, 3), dtype=np.uint8)
    for i in range(256):
        t = i / 255 * (len(lab) - 1)
        k = min(len(lab) - 2, math.floor(t))
        f = t - k
        L, a, b = (lab[k][j] * (1 - f) + lab[k + 1][j] * f for j in range(3))
        out[i] = oklch(L, math.hypot(a, b), math.atan2(b, a) * 180 / math.pi)
    return out


LUT = _lut()
RUN_COLOURS: tuple[str, ...] = tuple(table()["runs"])
DASHES: tuple[tuple[float, ...], ...] = tuple(tuple(d) for d in table()["dashes"])


def run_style(i: int) -> tuple[str, tuple[float, ...]]:
    """Run i's colour and dash pattern (on, off in pixels; () for solid), as runs-player.js."""
    n = len(RUN_COLOURS)
    k = max(0, int(i))
    return RUN_COLOURS[k % n], DASHES[(k // n) % len(DASHES)]
