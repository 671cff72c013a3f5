"""The explorer as a Jupyter widget (JupyterLab, Jupyter Notebook, VS Code), built on anywidget.

    e = gradscape.Explorer("w1^2 + 3w2^2")      # display it: the last line of a cell, or display(e)
    e.formula = "rosenbrock"                    # change the surface from Python (or a gallery name)
    e.point                                     # (x, y): the point last hovered, clicked or visited
    e.view                                      # ((xmin, xmax), (ymin, ymax)): the window shown
    e.runs                                      # [Trajectory, ...]: the balls dropped, recomputed
    e.add_run((3, 1), optimizer="adam", lr=0.1) # drop a ball from Python; returns its Trajectory
    e.error                                     # "" or why the last formula was refused
    e.picture()                                 # PNG bytes of what it shows (gradscape.plot)
    e.observe(lambda change: print(e.point), names="_point")   # react to hover and click

    e = gradscape.Explorer("a*x^2 + y^2")       # a third variable: a slider under the formula
    e.params                                    # {"a": 1.0}: each slider's value
    e.params = {"a": 2.5}                       # move it (or e.set_params(a=2.5)): the plot redraws
    e.observe(lambda change: print(e.params), names="_params")  # react to a slider moved

    e = gradscape.Explorer("rosenbrock", compact=True)   # the compact layout, for a short cell
    e.compact = False                           # switch back, live

    e = gradscape.Explorer(slice_)              # a models.slices.Slice: the model's loss on a plane
    e = gradscape.Explorer(slice_, client=c)    # ... its tiles computed on a Dask cluster

Contract
--------
The front end is the same explorer module as the web page (``bundle("hosts/widget.js")``: a thin
adapter from anywidget's model to the explorer's). Synced traits:

- ``formula`` (str): the text in the formula box. Whenever it changes, from Python or typed in
  the widget, Python builds its payload (`payload.surface_payload`). On success ``compiled``
  gets the payload and ``error`` becomes ""; on failure ``compiled`` keeps the last good surface
  and ``error``/``error_column`` say why (the observer never raises). ``_answered`` is then set to
  the text just handled: the front end waits for it to resolve a typed formula.
- ``_view``, ``_point``, ``_runs``: the explorer's view ``{"x": [..], "y": [..]}``, point ``[x, y]``
  and runs (``{"optimizer", "lr", "start", ...}``, as the explorer stores them), exposed in Python
  as `view`, `point` and `runs` (Trajectories).
- ``_gallery``: the gallery menu.
- ``_params``: the parameter sliders and axes, ``{"axes": [x, y], "sliders": {name: {"value",
  "min", "max"}}}`` (static/core/params.js), both ways: `params` reads the values (a variable
  without a saved slider is at 1, as the explorer starts it) and `set_params` writes them; the
  explorer redraws when it changes and writes it when a slider is let go (or a moment after a
  drag stops). A value outside a slider's range widens the range to take it, as typing it in the
  slider's box does; an unknown name or a value that is not a finite number is refused.
- ``_field``: whether the gradient field is shown; front-end state.
- ``compact`` (bool, default False): the explorer's compact embed layout (``?embed=1`` on the web
  page): no help text, captions or 3D view, plot and readout side by side at a fixed height
  (about 500 px with an 800 px wide cell, plus the slider rows; one column under 500 px). The
  ``gs-embed`` class goes on the widget's own explorer element and follows the trait live.

A new *named* (gallery) surface opens in its own window, as it does in the browser; other formulas
keep the current window.

Displayed, the widget's MIME bundle carries, besides the widget view, an ``image/png`` of the
surface, its window and its runs drawn by `gradscape.plot` (the figure the Python button draws), so
a notebook rendered without a kernel (GitHub, nbconvert) still shows the figure; a front end with
the widget manager shows the live widget. If that figure cannot be drawn the bundle is the
widget's alone.

Reacting from Python: the explorer writes ``_point`` (``[x, y]``) a moment after the pointer stops
(hover, click, keys), ``_runs`` when a ball is dropped or cleared and ``_params`` when a slider
moves; observe them with ``e.observe(callback, names="_point")`` and read `point`, `runs` and
`params` in the callback (`surface`, `add_run` and `picture` use the sliders' values too).

Constructing an Explorer with a bad formula raises FormulaError or
ValueError (one line, what to do).

A slice
-------
``Explorer(slice_, span=1.0, client=None)`` shows a `Slice` (any model: built-in, PyTorch, JAX)
instead of a formula: the ``slice`` trait holds `sliceview.slice_meta`, and the kernel computes
what the page asks with custom messages (anywidget's ``model.send`` / ``msg:custom``):

- ``{"type": "field", "seq", "view", "n"}`` -> ``{"type": "field", "seq", "msg"}`` for the header
  and then each tile as it finishes (`sliceview.field_messages`, in a thread, so hover questions
  are answered meanwhile; a newer field request stops the older), then ``{"type": "field-end",
  "seq"}``;
- ``{"type": "at", "seq", "point"}`` -> ``{"type": "at", "seq", "answer"}``: the exact readout at
  that point (`sliceview.point_readout`), or ``{"error"}``.
"""

from __future__ import annotations

import base64
import math
import numbers
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from . import gallery
from .bundle import STATIC, bundle
from .descent import OPTIMIZERS, Trajectory, descend
from .jsondata import jsonable
from .payload import error_payload, surface_payload
from .surface import Surface

if TYPE_CHECKING:
    from .models.slices import Slice

EXPLORER_STEPS = 2000  # the explorer's cap on a run's steps (optimizers.js MAX_STEPS)

_CARD_CSS = """
.gs-widget {
  background: #fbfaf7; color: #1d2129; color-scheme: light;
  padding: 12px 14px 16px; border-radius: 8px; border: 1px solid #e4e1da;
}
/* a notebook cell shows formula, plot and buttons at once: the plot is sized for the cell
   (presentation mode keeps explorer.css's size: the window's) */
.gs-widget .gs-explorer:not(.gs-present) .gs-plot {
  height: clamp(300px, calc(100vh - 420px), 520px);
}
/* compact (Explorer(compact=True)): explorer.css's embed layout, at a fixed height in the cell
   (the page's embed fills its frame's 100vh, the notebook's window here), the 3D view left out,
   and the Python panel over the widget (the buttons under the plot left in sight) instead of over
   the window. The side column is as tall
   as the plot's (its own height left out of the row's by size containment) and scrolls. */
.gs-widget { position: relative; overflow: clip; } /* a screen reader's wide table: no scrollbar */
.gs-widget.gs-compact { padding: 6px 8px 4px; }
.gs-widget .gs-embed:not(.gs-present) .gs-plot { height: 316px; }
.gs-widget .gs-embed:not(.gs-present) .gs-side {
  max-height: none; align-self: stretch; contain: size;
}
.gs-widget .gs-embed .gs-figure3d { display: none; }
.gs-widget .gs-embed .gs-code-slot {
  position: absolute; top: 8px; bottom: auto; max-height: calc(100% - 64px);
}
@container gs-explorer (max-width: 500px) {
  .gs-widget .gs-embed .gs-code-slot { position: static; max-height: none; box-shadow: none; }
  .gs-widget .gs-embed:not(.gs-present) .gs-plot { height: auto; max-height: 420px; }
  .gs-widget .gs-embed:not(.gs-present) .gs-side { contain: none; }
}
"""

View = tuple[tuple[float, float], tuple[float, float]]


class Explorer(anywidget.AnyWidget):
    """The gradscape explorer in a notebook: hover for the gradient, click to descend."""

    _esm = bundle("hosts/widget.js")
    _css = (STATIC / "explorer" / "explorer.css").read_text(encoding="utf-8") + _CARD_CSS

    formula = traitlets.Unicode("w1^2 + 3w2^2").tag(sync=True)
    compiled = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    error_column = traitlets.Int(None, allow_none=True).tag(sync=True)
    _answered = traitlets.Unicode("").tag(sync=True)
    _view = traitlets.Dict().tag(sync=True)
    _point: traitlets.List[float] = traitlets.List().tag(sync=True)
    _runs: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _params = traitlets.Dict().tag(sync=True)  # the sliders and axes (static/core/params.js)
    _field = traitlets.Bool(False).tag(sync=True)  # the gradient field shown
    compact = traitlets.Bool(False).tag(sync=True)  # the compact embed layout (a short cell)
    _gallery: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    slice = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        formula: str | Slice = "w1^2 + 3w2^2",
        *,
        view: View | Mapping[str, Sequence[float]] | None = None,
        point: Sequence[float] | None = None,
        runs: Iterable[Trajectory | Mapping[str, Any]] = (),
        params: Mapping[str, float] | None = None,
        span: float = 1.0,
        client: Any = None,
        compact: bool = False,
        **kwargs: Any,
    ) -> None:
        if not isinstance(compact, bool):
            raise ValueError(f"compact is True or False; got {compact!r}")
        kwargs["compact"] = compact
        if not isinstance(formula, str):
            if params:
                raise ValueError("params are a formula's sliders; a slice has none: drop params")
            self._init_slice(formula, span, client, view, point, kwargs)
            return
        self.slice_: Slice | None = None
        compiled = surface_payload(formula)  # a bad formula raises here, not in an observer
        self._surface: tuple[Any, Surface] | None = None
        self._from_front_end = False
        super().__init__(**kwargs)
        with self.hold_sync():
            self._gallery = gallery.listing()
            self._accept(formula, compiled)
            self.formula = formula  # already answered: the observer does nothing more
            if view is not None:
                self.view = view
            if point is not None:
                self.point = point
            if params is not None:
                self.set_params(params)
            self.runs = runs

    # --- a slice ------------------------------------------------------------------------------

    def _init_slice(
        self,
        slice_: Any,
        span: float,
        client: Any,
        view: Any,
        point: Any,
        kwargs: dict[str, Any],
    ) -> None:
        from .models.slices import Slice
        from .sliceview import slice_meta

        if not isinstance(slice_, Slice):
            raise ValueError(
                "Explorer takes a formula (text) or a gradscape.models.slices.Slice; got "
                f"{type(slice_).__name__}"
            )
        if not (isinstance(span, int | float) and 0 < span < float("inf")):
            raise ValueError(f"span must be a positive number; got {span!r}")
        self._surface = None
        self._from_front_end = False
        self.slice_ = slice_
        self._client = client
        self._field_stop = threading.Event()
        super().__init__(**kwargs)
        meta = slice_meta(slice_, float(span))
        meta.update(id="widget", remote=True, python=_slice_code(meta))
        if client is None:  # a built-in network small enough: the page computes it itself
            from .models.browser import slice_payload

            try:
                meta["browser"] = slice_payload(slice_, float(span), 51)
                meta["remote"] = False
            except ValueError:
                pass  # PyTorch, JAX, or too big: the kernel computes it
        with self.hold_sync():
            self.slice = meta
            self._view = dict(meta["view"]) if view is None else {}
            if view is not None:
                self.view = view
            self._point = [0.0, 0.0] if point is None else _pair(point, "point")
        self.on_msg(self._on_slice_msg)

    def _on_slice_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        """The page's questions about the slice (see the module doc); never raises."""
        if not isinstance(content, Mapping) or self.slice_ is None:
            return
        kind, seq = content.get("type"), content.get("seq")
        if kind == "at":
            from .sliceview import point_readout

            try:
                answer = point_readout(self.slice_, content.get("point"))
            except ValueError as err:
                answer = {"error": str(err).splitlines()[0]}
            except Exception as err:  # the model failed here: say so in the readout
                answer = {"error": f"The model failed at this point: {err}".splitlines()[0]}
            self.send({"type": "at", "seq": seq, "answer": answer})
        elif kind == "field":
            from .sliceview import check_field

            try:
                x, y, n = check_field(content.get("view"), content.get("n"))
            except ValueError as err:
                self.send({"type": "field", "seq": seq, "msg": {"error": str(err)}})
                self.send({"type": "field-end", "seq": seq})
                return
            self._field_stop.set()  # the older field, if still running, stops between tiles
            stop = self._field_stop = threading.Event()
            worker = threading.Thread(
                target=self._send_field, args=(seq, x, y, n, stop), daemon=True,
                name="gradscape-widget-field",
            )  # fmt: skip
            worker.start()

    def _send_field(
        self,
        seq: Any,
        x: tuple[float, float],
        y: tuple[float, float],
        n: int,
        stop: threading.Event,
    ) -> None:
        from .sliceview import field_messages

        assert self.slice_ is not None
        messages = field_messages(self.slice_, x, y, n, client=self._client)
        try:
            for msg in messages:
                if stop.is_set():
                    return
                self.send({"type": "field", "seq": seq, "msg": msg})
        except Exception as err:  # shown in the page; the kernel carries on
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            self.send({"type": "field", "seq": seq, "msg": {"error": first}})
        finally:
            messages.close()
            if not stop.is_set():
                self.send({"type": "field-end", "seq": seq})

    # --- compiling ------------------------------------------------------------------------------

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """State from the front end (the comm): its own view and point win over our defaults."""
        self._from_front_end = True
        try:
            super().set_state(sync_data)
        finally:
            self._from_front_end = False

    @traitlets.observe("formula")
    def _on_formula(self, change: Mapping[str, Any]) -> None:
        text = change["new"]
        if text == self._answered:
            return
        try:
            compiled = surface_payload(text)
        except (ValueError, RecursionError) as err:
            refusal = error_payload(err)
            self._refuse(text, refusal["error"], refusal["column"])
        else:
            self._accept(text, compiled)

    def _accept(self, text: str, compiled: dict[str, Any]) -> None:
        with self.hold_sync():
            old = self.compiled.get("name") if self.compiled else None
            fresh = not self.compiled or (compiled["name"] and compiled["name"] != old)
            if fresh and not self._from_front_end:
                # A new named surface opens in its own window, at its start, as in the browser
                # (whose explorer does this itself, and saves its view and point, when the
                # formula comes from there).
                self._view = dict(compiled["view"])
                v = compiled["view"]
                start = compiled.get("start")
                centre = [(v["x"][0] + v["x"][1]) / 2, (v["y"][0] + v["y"][1]) / 2]
                self._point = list(start) if start else centre
            if self.compiled and fresh and not self._from_front_end:
                self._runs = []  # balls dropped on another gallery surface, cleared as there
            self.compiled = compiled
            self.error = ""
            self.error_column = None
            self._answered = text

    def _refuse(self, text: str, message: str, column: int | None) -> None:
        with self.hold_sync():
            self.error = message
            self.error_column = column
            self._answered = text

    @property
    def surface(self) -> Surface:
        """The Surface shown (the last formula that compiled), in the explorer's variables: its
        two axes, any other variable held at its slider's value (1 until the slider moves)."""
        formula = self.compiled["formula"]
        axes, sliders = self._param_state()
        values = {n: s["value"] for n, s in sliders.items()}
        key = (formula, tuple(axes), tuple(values.items()))
        if self._surface is None or self._surface[0] != key:
            self._surface = (key, Surface(formula, axes, params=values or None))
        return self._surface[1]

    # --- parameters (the sliders) ----------------------------------------------------------------

    def _param_state(self) -> tuple[list[str], dict[str, dict[str, float]]]:
        """The axes and sliders of the surface shown, as the explorer derives them from
        ``_params`` (paramState in static/core/params.js): the saved axes if they still name two
        of its variables, else its own two; for every other variable its saved slider, else 1 on
        [-10, 10] (a slider's range always holds its value)."""
        if not self.compiled:
            return [], {}
        every = list(self.compiled.get("program", {}).get("variables", self.compiled["variables"]))
        saved = self._params if isinstance(self._params, dict) else {}
        axes = saved.get("axes")
        if not (
            isinstance(axes, list)
            and len(axes) == 2
            and axes[0] != axes[1]
            and set(axes) <= set(every)
        ):
            axes = list(self.compiled["variables"])
        old = saved.get("sliders")
        old = old if isinstance(old, dict) else {}
        sliders = {n: _slider(old.get(n)) for n in every if n not in axes}
        return list(axes), sliders

    @property
    def params(self) -> dict[str, float]:
        """Each parameter slider's value, ``{name: value}``: the formula's variables that are not
        on the plot's axes (``{}`` for a formula of two variables, or a slice)."""
        return {n: s["value"] for n, s in self._param_state()[1].items()}

    @params.setter
    def params(self, values: Mapping[str, float]) -> None:
        self.set_params(values)

    def set_params(self, values: Mapping[str, float] | None = None, /, **more: float) -> None:
        """Move parameter sliders: ``e.set_params(a=2.5)`` or ``e.set_params({"a": 2.5})``; the
        sliders not named keep their values. A value outside a slider's range widens the range to
        take it (as typing it in the slider's box does). An unknown name or a value that is not a
        finite number raises ValueError and changes nothing."""
        if values is not None and not isinstance(values, Mapping):
            raise ValueError(
                f"params takes a dict of slider values, e.g. {{'a': 2.5}}; got {values!r}"
            )
        changes = {**(values or {}), **more}
        axes, sliders = self._param_state()
        checked: dict[str, float] = {}
        for name, value in changes.items():
            if name not in sliders:
                if name in axes:
                    raise ValueError(
                        f"{name} is on an axis of the plot, not a slider; the sliders here: "
                        f"{', '.join(sliders) or 'none'}"
                    )
                known = ", ".join(sliders) if sliders else "none: this surface has no parameters"
                raise ValueError(f"Unknown parameter {name!r}; the sliders here: {known}")
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"parameter {name} takes a number, e.g. 2.5; got {value!r}")
            if not math.isfinite(float(value)):
                raise ValueError(f"parameter {name} takes a finite number; got {value!r}")
            checked[name] = float(value)
        for name, v in checked.items():
            s = sliders[name]
            sliders[name] = {"value": v, "min": min(s["min"], v), "max": max(s["max"], v)}
        self._params = {"axes": axes, "sliders": sliders}

    # --- state, in Python's terms ---------------------------------------------------------------

    @property
    def point(self) -> tuple[float, float] | None:
        """The point whose gradient the explorer shows (last hovered, clicked or visited)."""
        p = self._point
        return (float(p[0]), float(p[1])) if len(p) >= 2 else None

    @point.setter
    def point(self, value: Sequence[float]) -> None:
        self._point = _pair(value, "point")

    @property
    def view(self) -> View:
        """The window ((xmin, xmax), (ymin, ymax)), as `gradscape.plot.plot_surface` takes it."""
        v = self._view or self.compiled["view"]
        return ((float(v["x"][0]), float(v["x"][1])), (float(v["y"][0]), float(v["y"][1])))

    @view.setter
    def view(self, value: View | Mapping[str, Sequence[float]]) -> None:
        if isinstance(value, Mapping):
            x, y = _pair(value["x"], "view x"), _pair(value["y"], "view y")
        else:
            x, y = _pair(value[0], "view x"), _pair(value[1], "view y")
        if not (x[0] < x[1] and y[0] < y[1]):
            raise ValueError(f"view is ((xmin, xmax), (ymin, ymax)) with min < max; got {value!r}")
        self._view = {"x": x, "y": y}

    @property
    def runs(self) -> list[Trajectory]:
        """Every ball dropped, as Trajectories recomputed in Python from its settings."""
        return [self._trajectory(spec) for spec in self._runs]

    @runs.setter
    def runs(self, value: Iterable[Trajectory | Mapping[str, Any]]) -> None:
        self._runs = [_spec(r) for r in value]

    @property
    def run_settings(self) -> list[dict[str, Any]]:
        """The runs as the explorer stores them: optimizer, lr, start and any other setting."""
        return [dict(r) for r in self._runs]

    def add_run(
        self,
        start: Sequence[float],
        optimizer: str = "gd",
        lr: float | None = None,
        steps: int = EXPLORER_STEPS,
        **hyper: float,
    ) -> Trajectory:
        """Drop a ball at `start` (shown at once in the explorer); returns its Trajectory.

        Bad settings raise ValueError (one line, what to do), as `gradscape.descend` does.
        """
        t = descend(self.surface, start, optimizer=optimizer, lr=lr, steps=steps, **hyper)
        self._runs = [*self._runs, _spec(t)]
        return t

    def clear_runs(self) -> None:
        self._runs = []

    # --- the static picture ---------------------------------------------------------------------

    def picture(self, size: tuple[int, int] = (800, 600), dpi: int = 100) -> bytes:
        """A PNG of the surface in the current window with its runs (gradscape.plot's figure)."""
        from .plot import plot_surface, png_bytes  # matplotlib: only when a picture is asked for

        c = self.compiled
        fig = plot_surface(
            self.surface,
            self.runs,
            self.view,
            minima=c.get("minima") or (),
            title=c.get("title") or c.get("formula"),
            size=size,
            dpi=dpi,
        )
        try:
            return png_bytes(fig, dpi)  # a palette PNG: a saved notebook stays small
        finally:
            import matplotlib.pyplot as plt

            plt.close(fig)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widget view, plus a static PNG for renderers without widgets (GitHub, nbconvert)."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        try:
            png = self.picture()
        except Exception:  # the live widget must show even if the figure cannot be drawn
            return data, metadata
        return {**data, "image/png": base64.b64encode(png).decode("ascii")}, metadata

    def _trajectory(self, spec: Mapping[str, Any]) -> Trajectory:
        extra = {
            k: float(v) for k, v in spec.items() if k not in ("optimizer", "lr", "start", "steps")
        }
        steps = spec.get("steps")
        steps = steps if isinstance(steps, int) and 0 <= steps <= EXPLORER_STEPS else EXPLORER_STEPS
        return descend(
            self.surface,
            [float(c) for c in spec["start"][:2]],
            optimizer=spec["optimizer"],
            lr=float(spec["lr"]) if spec.get("lr") else None,
            steps=steps,
            **extra,
        )


def _slice_code(meta: Mapping[str, Any]) -> str:
    """The Python button's code for a slice shown in a notebook: `e` is the Explorer."""
    span = meta["span"]
    return (
        "s = e.slice_                      # the Slice shown: gradscape.models.slices.Slice\n"
        "value, gradient = s.value_and_gradient((0.0, 0.0))   # the loss and 2D gradient at w0\n"
        f"grid = s.grid(({-span!r}, {span!r}), ({-span!r}, {span!r}), 51)   # the field, exact\n"
        "w = s.point((0.0, 0.0))            # all the weights at (a, b)\n"
    )


def _slider(saved: Any) -> dict[str, float]:
    """A saved slider as the explorer reads it (validSlider in static/core/params.js), else the
    default: 1 on [-10, 10]."""
    lo, hi = -10.0, 10.0
    try:
        value = float(saved["value"])
    except (TypeError, KeyError, ValueError):
        return {"value": 1.0, "min": lo, "max": hi}
    if not math.isfinite(value):
        return {"value": 1.0, "min": lo, "max": hi}
    try:
        a, b = float(saved["min"]), float(saved["max"])
    except (TypeError, KeyError, ValueError):
        a = b = math.nan
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        a, b = min(lo, value), max(hi, value)
    return {"value": value, "min": min(a, value), "max": max(b, value)}


def _pair(value: Sequence[float], what: str) -> list[float]:
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} takes two numbers, e.g. (3, 1); got {value!r}") from None
    if not all(abs(c) < float("inf") for c in (x, y)):
        raise ValueError(f"{what} takes two finite numbers; got {value!r}")
    return [x, y]


def _spec(run: Trajectory | Mapping[str, Any]) -> dict[str, Any]:
    """A run as the explorer stores it. A Trajectory keeps its own step count, so the explorer
    redraws exactly its path; settings equal to the optimizer's defaults are left out."""
    if isinstance(run, Trajectory):
        opt = OPTIMIZERS[run.optimizer]
        spec: dict[str, Any] = {
            "optimizer": run.optimizer,
            "lr": float(run.settings["lr"]),
            "start": [float(c) for c in run.points[0][:2]],
            "steps": run.steps,
        }
        for k, v in run.settings.items():
            if k != "lr" and v != opt.params[k].default:
                spec[k] = float(v)
        return jsonable(spec)
    if not isinstance(run, Mapping) or "start" not in run:
        raise ValueError(
            "a run is a gradscape.Trajectory or a dict such as "
            "{'optimizer': 'gd', 'lr': 0.1, 'start': [3, 1]}"
        )
    optimizer = str(run.get("optimizer", "gd"))
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}; use one of {', '.join(OPTIMIZERS)}")
    spec = {k: v for k, v in run.items() if k not in ("optimizer", "start", "lr")}
    lr = run.get("lr")
    return jsonable(
        {
            "optimizer": optimizer,
            "lr": float(lr) if lr is not None else OPTIMIZERS[optimizer].defaults["lr"],
            "start": _pair(list(run["start"])[:2], "start"),
            **spec,
        }
    )
