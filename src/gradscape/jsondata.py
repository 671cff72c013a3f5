"""JSON as gradscape hands it to a front end: never NaN (null instead), and safe inside HTML.

    jsonable({"x": float("nan"), "g": np.array([1.0, np.inf])})   # {"x": None, "g": [1.0, None]}
    json_script("gradscape-data", data)   # <script type="application/json" id=...>...</script>

Every payload (the compile API, a trajectory, an exported page's data, the lesson's data) goes
through `jsonable`, so ``json.dumps(..., allow_nan=False)`` never fails; `json_script` is the one
way a page inlines data.
"""

from __future__ import annotations

import json
import math
from typing import Any


def jsonable(obj: Any) -> Any:
    """Replace NaN and infinities by None, recursively, so json.dumps(allow_nan=False) works.

    NumPy arrays and scalars become lists and Python numbers; tuples become lists.
    """
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if hasattr(obj, "tolist"):  # NumPy arrays and scalars
        return jsonable(obj.tolist())
    return obj


def json_script(element_id: str, data: Any) -> str:
    """`data` as a ``<script type="application/json">`` element a page reads with JSON.parse.

    Compact, strict JSON (NaN refused: pass it through `jsonable` first), with every ``<``
    written ``\\u003c`` so nothing in the data can close the element early.
    """
    text = json.dumps(data, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


__all__ = ["json_script", "jsonable"]
