"""A slice in the explorer: what the page needs from Python to show a `Slice`.

    spec = SliceSpec.parse({"m": "mlp", "d": "random", "s": "0", "span": "1"})  # a URL's query
    slice_ = spec.build()                          # the model (trained as the CLI does) and slice
    meta = slice_meta(slice_, spec.span, spec)     # labels, kind, window: the view's header
    point_readout(slice_, (0.2, -0.1))             # the hover readout, exact, for one point
    for header_or_tile in field_messages(slice_, ((-1, 1), (-1, 1)), 41): ...   # tiles

The built-in models are computed in the page itself (static/core/slice.js, from
`models.browser.slice_payload`); any other slice (PyTorch, JAX, or any slice on a Dask cluster)
is computed here and sent as tiles (`field_messages`: a header, then one message a tile as it
finishes) with exact readouts asked point by point (`point_readout`). The server
(server/slices.py) and the widget (widget.py) both speak these messages.

A `SliceSpec` is what a link carries: ``m`` model, ``d`` directions, ``s`` seed, ``span``, ``t``
Adam steps of training first (default: the CLI's, 200 for mlp). Bad values raise ValueError
with one line saying what to give.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .jsondata import jsonable
from .models.base import WeightModel
from .models.slices import Slice, TileResult, axes

TRAIN_DEFAULTS = {"mlp": 200, "logistic": 200, "mlp-large": 30, "lesson": 0}
TRAIN_LR = {"mlp": 0.01, "logistic": 0.01, "mlp-large": 0.001, "lesson": 0.01}
LESSON = "lesson"  # the lesson's own network, with the weights its section 6 shows
MAX_NODES = 101  # nodes a side the page may ask for
MAX_SPAN = 1e6
MAX_TRAIN = 1000  # training steps a link may ask the server for


@dataclass(frozen=True)
class SliceSpec:
    """A built-in model's slice as a link names it (see the module doc)."""

    model: str = "mlp"
    directions: str = "random"
    seed: int = 0
    span: float = 1.0
    train: int | None = None

    @property
    def steps(self) -> int:
        return TRAIN_DEFAULTS.get(self.model, 0) if self.train is None else self.train

    @classmethod
    def parse(cls, q: Mapping[str, str]) -> SliceSpec:
        from .models.mlp import BUILTIN

        model = str(q.get("m", "mlp")).strip().lower()
        if model not in BUILTIN and model != LESSON:
            names = ", ".join([*BUILTIN, LESSON])
            raise ValueError(f"Unknown model {model!r} (m=); use one of: {names}")
        directions = str(q.get("d", "random")).strip() or "random"
        seed = _whole(q.get("s", "0"), "s (the seed)", 0, 2**31 - 1)
        span = _number(q.get("span", "1"), "span")
        if not 0 < span <= MAX_SPAN:
            raise ValueError(f"span must be a number above 0 and at most {MAX_SPAN:g}; got {span}")
        t = q.get("t")
        train = None if t in (None, "") else _whole(t, "t (training steps)", 0, MAX_TRAIN)
        return cls(model, directions, seed, span, train)

    def query(self) -> str:
        """The link's query for this slice (without '?')."""
        parts = [f"m={self.model}", f"d={_quote(self.directions)}", f"s={self.seed}"]
        parts.append(
            f"span={self.span!r}" if self.span != int(self.span) else f"span={int(self.span)}"
        )
        if self.train is not None:
            parts.append(f"t={self.train}")
        return "&".join(parts)

    def key(self) -> str:
        """A canonical name for the slice (the cache's and the routes' key)."""
        return f"{self.model}|{self.directions.lower()}|{self.seed}|{self.steps}"

    def build(self) -> Slice:
        """The model, trained `steps` Adam steps as the CLI does, and the slice through it."""
        from .models.mlp import builtin
        from .models.slices import check_directions, make_slice
        from .models.train import train

        if self.model == LESSON:
            from .models.mlp import lesson_mlp
            from .models.model import lesson_model

            model = lesson_mlp()
            model.w = lesson_model().w.copy()  # the same layout: W1 (64, 16), b1, W2, b2
        else:
            model = builtin(self.model)
        check_directions(model, self.directions)  # a bad text is refused before any training
        if self.steps:
            train(model, self.steps, "adam", TRAIN_LR[self.model])
        return make_slice(model, self.directions, seed=self.seed)

    def python(self) -> str:
        """Python that rebuilds this slice with gradscape's API."""
        steps = self.steps
        if self.model == LESSON:
            lines = [
                "from gradscape.models.mlp import lesson_mlp",
                "from gradscape.models.model import lesson_model",
                "from gradscape.models.slices import make_slice",
                "from gradscape.models.train import train",
                "",
                "model = lesson_mlp()",
                "model.w = lesson_model().w.copy()  # the lesson's network, trained as it shows it",
            ]
        else:
            lines = [
                "from gradscape.models.mlp import builtin",
                "from gradscape.models.slices import make_slice",
                "from gradscape.models.train import train",
                "",
                f"model = builtin({self.model!r})",
            ]
        if steps:
            lines.append(f"train(model, {steps}, 'adam', {TRAIN_LR[self.model]!r})")
        lines += [
            f"slice_ = make_slice(model, {self.directions!r}, seed={self.seed})",
            f"span = ({-self.span!r}, {self.span!r})",
            "grid = slice_.grid(span, span, 51)  # the loss and exact 2D gradient on a 51x51 grid",
            "value, gradient = slice_.value_and_gradient((0.0, 0.0))  # the loss and 2D gradient",
        ]
        return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe=",:")


def _number(text: Any, what: str) -> float:
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{what} takes a number; got {text!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{what} takes a finite number; got {text!r}")
    return v


def _whole(text: Any, what: str, lo: int, hi: int) -> int:
    s = str(text).strip()
    if not s.isdigit() or not lo <= int(s) <= hi:
        raise ValueError(f"{what} takes a whole number from {lo} to {hi}; got {text!r}")
    return int(s)


# ---------------------------------------------------------------------------------------------
# What the view shows


def slice_meta(slice_: Slice, span: float = 1.0, spec: SliceSpec | None = None) -> dict[str, Any]:
    """The view's description of a slice: names, labels, window, what it is."""
    model = slice_.model
    desc = slice_.describe()
    sizes = getattr(model, "sizes", None)
    name = spec.model if spec is not None else type(model).__name__
    from .models.browser import axis_labels

    out: dict[str, Any] = {
        "variables": ["a", "b"],
        "labels": axis_labels(slice_),
        "kind": slice_.kind,
        "model": name,
        "title": _title(name, model, slice_.kind),
        "nWeights": model.n_weights,
        "layers": list(sizes) if sizes is not None else None,
        "samples": _samples(model),
        "view": {"x": [-span, span], "y": [-span, span]},
        "start": [0.0, 0.0],
        "span": span,
        "lossAtW0": desc["loss_at_w0"],
        "inPlaneAtW0": desc["in_plane"],
        "eigenvalues": desc.get("eigenvalues"),
        "stableLr": desc.get("stable_lr"),
        "hasAccuracy": callable(getattr(model, "accuracy", None)),
        "spec": None,
        "python": None,
    }
    if spec is not None:
        out["spec"] = {
            "m": spec.model,
            "d": spec.directions,
            "s": spec.seed,
            "span": spec.span,
            "t": spec.train,
        }
        out["python"] = spec.python()
    return jsonable(out)


def _samples(model: WeightModel) -> int | None:
    from .models.data import Dataset

    data = getattr(model, "data", None)
    return len(data) if isinstance(data, Dataset) else None


def _title(name: str, model: WeightModel, kind: str) -> str:
    what = "weights " + kind.split(":", 1)[1] if kind.startswith("weights:") else kind
    return f"{name}: {model.n_weights:,} weights, {what} directions"


def point_readout(slice_: Slice, point: Any) -> dict[str, Any]:
    """The readout at (a, b), computed for that point: the loss, the exact 2D gradient, the full
    gradient's length, the share of it in the plane, the accuracy (None if the model has none)."""
    ab = _point(point)
    w = slice_.point(ab)
    value, g = slice_.model.value_and_gradient(w)
    g = np.asarray(g, dtype=np.float64)
    ga, gb = float(g @ slice_.d1), float(g @ slice_.d2)
    norm = float(np.linalg.norm(g))
    c = slice_._gram_inv @ np.array([ga, gb])
    projected = float(np.linalg.norm(c[0] * slice_.d1 + c[1] * slice_.d2))
    share = 1.0 if norm == 0 else min(1.0, projected / norm)
    acc = getattr(slice_.model, "accuracy", None)
    accuracy = float(acc(w)) if callable(acc) else None
    return jsonable(
        {
            "point": [ab[0], ab[1]],
            "value": float(value),
            "gradient": [ga, gb],
            "gradNorm": norm,
            "inPlane": share,
            "accuracy": accuracy,
        }
    )


def _point(point: Any) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in point)
    except (TypeError, ValueError):
        raise ValueError(f"A slice's point is two numbers [a, b]; got {point!r}") from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"A slice's point takes two finite numbers; got {point!r}")
    return a, b


def check_field(view: Any, n: Any) -> tuple[tuple[float, float], tuple[float, float], int]:
    """A field request's window and size, or ValueError saying what to send."""
    try:
        x = (float(view["x"][0]), float(view["x"][1]))
        y = (float(view["y"][0]), float(view["y"][1]))
    except (TypeError, ValueError, KeyError, IndexError):
        raise ValueError('The window is {"x": [lo, hi], "y": [lo, hi]}') from None
    for lo, hi in (x, y):
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError("The window's ranges must be finite with lo < hi")
    if not isinstance(n, int) or isinstance(n, bool) or not 2 <= n <= MAX_NODES:
        raise ValueError(f"n (nodes a side) must be a whole number from 2 to {MAX_NODES}")
    return x, y, n


def field_messages(
    slice_: Slice,
    x: tuple[float, float],
    y: tuple[float, float],
    n: int,
    client: Any = None,
    tile_size: int | tuple[int, int] | None = None,
) -> Generator[dict[str, Any], None, None]:
    """The field on the window as messages: a header {"xs", "ys", "tiles"}, then each tile as
    it finishes {"rows": [r0, r1], "cols": [c0, c1], "value", "ga", "gb"} (row-major lists,
    None for NaN). With a Dask `client` the tiles are computed on its cluster."""
    from .models.distributed import TileRun

    xs, ys = axes(x, y, n)
    if tile_size is None and client is None:
        tile_size = max(4, math.ceil(n / 4))  # sixteen tiles: the picture fills in visibly
    run = TileRun(slice_, xs, ys, client=client, tile_size=tile_size)
    yield {"xs": xs.tolist(), "ys": ys.tolist(), "total": int(xs.size * ys.size)}
    for res in run:
        yield tile_message(res)


def tile_message(res: TileResult) -> dict[str, Any]:
    return jsonable(
        {
            "rows": list(res.tile.rows),
            "cols": list(res.tile.cols),
            "value": res.value.ravel().tolist(),
            "ga": res.gradient[0].ravel().tolist(),
            "gb": res.gradient[1].ravel().tolist(),
        }
    )


__all__ = [
    "MAX_NODES",
    "SliceSpec",
    "check_field",
    "field_messages",
    "point_readout",
    "slice_meta",
    "tile_message",
]
