"""Pictures of a surface and of descent on it, with matplotlib (`gradscape plot` draws with these).

    s = Surface("w1^2 + 3w2^2")
    fig = plot_surface(s, runs=[descend(s, (3, 1))])      # a matplotlib Figure
    save_animation(s, [descend(s, (3, 1))], "descent.gif")

Contract
--------
`plot_surface(surface, runs=(), view=None, ax=None, *, minima=(), title=None, aspect="equal")`
draws on `ax` (or on a new 800x600 px figure) and returns the Figure. It shows the first two
variables over `view` = ((xmin, xmax), (ymin, ymax)) (default [-4, 4]^2):
- the loss L as a heatmap in the explorer's own ramp (palette.py, read from the browser's
  table: pale cream for low loss to deep indigo for high) with a colour bar, and dark labelled
  contour lines; the levels and the colour of each band follow the browser's rule (levels.py:
  round values, log-spaced when L spans decades as Rosenbrock does);
- the steepest-descent field −∇L as arrows of one length on a coarse grid (direction only);
- `minima` as stars, and each Trajectory in `runs` as a path in the colour (and, past the
  colours, the dash) the explorer gives the same run, a dot per step, with a legend entry:
  optimizer, lr, final loss, "diverged", "left the view". Paths never rescale the axes.
A new figure is `size` pixels; without one, 800x600, or 600x800 for a view taller than wide (so
a tall view fills a tall figure instead of a narrow strip in a wide one).

A formula of its first variable alone (`x^4 - 3x^2`, whether or not a second variable pads it,
as the explorer pads it) is drawn as the explorer's 1D view draws it: L against that variable
over the view's x range (its L range by `curve_range`, the browser's rule), each run's path on
the curve with a dot per step, the minima as stars on it; no heatmap and no second axis.
`save_animation(surface, runs, path, ...)` writes a .gif (Pillow) or .mp4 (needs ffmpeg): one
frame per step, or `frames` frames subsampling longer runs; balls move with their trails and a
caption gives the step and the losses.

`save_figure(fig, path, dpi)` writes a figure; a .png is written with a palette of 256 colours
(`png_bytes`: median cut, no dithering, the same look at about a third of the bytes, since the
smooth heatmap defeats PNG's compression of full colour); other formats as matplotlib writes them.

Figures are plain `matplotlib.figure.Figure`s on the Agg canvas: no window ever opens and
pyplot's global state is not touched. Bad input raises a one-line ValueError, which `gradscape`
prints as one line with exit status 2. This module is a library: the command is `cli/plot.py`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import sympy
from matplotlib import animation, colors, ticker
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.mathtext import MathTextParser
from matplotlib.patches import FancyArrow
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from .descent import Trajectory
from .levels import choose_levels
from .palette import LUT, run_style
from .payload import DEFAULT_VIEW
from .printing import tree_latex, tree_text
from .program import run_program
from .surface import Surface

View = tuple[tuple[float, float], tuple[float, float]]
CMAP = colors.ListedColormap(LUT / 255.0, name="gradscape")  # the explorer's ramp (palette.py)
INK = "#1a1d26"  # lines and arrows drawn over the ramp, dark as in the browser
# artist styles: a path is a dark casing under a coloured line with a dot per step, plus a ball
HALO: dict[str, Any] = dict(color="black", lw=2.7, alpha=0.35, solid_capstyle="round", zorder=4)
LINE: dict[str, Any] = dict(lw=1.5, marker="o", ms=3, mec="white", mew=0.4, zorder=4.1)
BALL: dict[str, Any] = dict(marker="o", ls="none", ms=6.5, mec="white", mew=1.2, zorder=5)
STAR: dict[str, Any] = dict(marker="*", ls="none", ms=13, color="white", mec="black", mew=0.8)
ARROWS: dict[str, Any] = dict(color=INK, alpha=0.45, width=0.003, headwidth=4.5,
                              headlength=4.5, headaxislength=4, pivot="mid", zorder=3)  # fmt: skip
CAPTION: dict[str, Any] = dict(va="top", fontsize=7, family="monospace", zorder=7,
                               bbox={"fc": "white", "alpha": 0.8, "lw": 0})  # fmt: skip


def plot_surface(
    surface: Surface,
    runs: Sequence[Trajectory] = (),
    view: View | None = None,
    ax: Axes | None = None,
    *,
    minima: Sequence[Sequence[float]] = (),
    title: str | None = None,
    aspect: str = "equal",
    size: tuple[int, int] | None = None,
    dpi: int = 150,
) -> Figure:
    """Draw the surface, its descent field, `minima` and `runs`; return the Figure (see module)."""
    own, view = ax is None, view or DEFAULT_VIEW
    shape = size or (_shape((800, 600), view) if aspect == "equal" else (800, 600))
    one = is_curve(surface)
    if one:
        shape, view = size or (800, 600), view or DEFAULT_VIEW
    elif own and aspect == "equal":
        view = _fill(view, shape)
    ax = _figure(shape, dpi).add_subplot() if ax is None else ax
    if one:
        _draw_curve(ax, surface, view, minima, title)
    else:
        _draw_surface(ax, surface, view, minima, title, aspect)
    for i, run in enumerate(runs):
        _draw_run(ax, run, view, i, curve=one)
    _legend(ax, own)
    return cast(Figure, ax.figure)


def png_bytes(fig: Figure, dpi: float | None = None) -> bytes:
    """The figure as a PNG with a palette of 256 colours (see module)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    image = Image.open(io.BytesIO(buf.getvalue()))
    if image.mode == "RGBA" and np.asarray(image.getchannel("A")).min() < 255:
        return buf.getvalue()  # see-through somewhere: keep full colour with its alpha
    palette = image.convert("RGB").quantize(
        256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    out = io.BytesIO()
    meta = PngInfo()  # matplotlib's text chunks (Software) and its dpi, kept
    for key, value in image.info.items():
        if isinstance(value, str):
            meta.add_text(str(key), value)
    dpi = image.info.get("dpi")
    palette.save(out, format="png", optimize=True, pnginfo=meta, **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def save_figure(fig: Figure, path: str | Path, dpi: float | None = None) -> None:
    """Write the figure to `path`: a .png through `png_bytes`, any other format by matplotlib."""
    path = Path(path)
    if path.suffix.lower() == ".png":
        path.write_bytes(png_bytes(fig, dpi))
    else:
        fig.savefig(path, dpi=dpi)


def save_animation(
    surface: Surface,
    runs: Sequence[Trajectory],
    path: str | Path,
    *,
    view: View | None = None,
    minima: Sequence[Sequence[float]] = (),
    title: str | None = None,
    aspect: str = "equal",
    frames: int = 120,
    fps: int = 12,
    size: tuple[int, int] = (800, 600),
    dpi: int = 150,
) -> None:
    """Animate `runs` descending `surface` into `path` (.gif, or .mp4 when ffmpeg is installed)."""
    path, view = Path(path), view or DEFAULT_VIEW
    writer = _writer(path, fps)
    if not runs:
        raise ValueError("An animation shows descent: give at least one run (add --from X,Y)")
    fig = _figure(size, dpi)
    ax = fig.add_subplot()
    one = is_curve(surface)
    if one:
        _draw_curve(ax, surface, view, minima, title)
    else:
        _draw_surface(ax, surface, view, minima, title, aspect)
    drawn = [_draw_run(ax, run, view, i, curve=one) for i, run in enumerate(runs)]
    caption = ax.text(0.02, 0.98, "", transform=ax.transAxes, **CAPTION)
    _legend(ax, own=True)

    names = [f"{run.optimizer} {run.settings.get('lr', 0):g}" for run in runs]
    width = max(len(name) for name in names)

    def frame(k: int) -> None:
        lines = [f"step {k}"]
        for run, name, (points, (halo, line, ball)) in zip(runs, names, drawn, strict=True):
            j = min(k, len(points) - 1)
            halo.set_data(points[: j + 1].T)
            line.set_data(points[: j + 1].T)
            ball.set_data(points[j : j + 1].T)
            ball.set_markersize(9)
            lines.append(f"{name:<{width}}  L = {_short(run.values[min(k, run.steps)])}")
        caption.set_text("\n".join(lines))

    _freeze(fig, keep={caption, *(a for _, artists in drawn for a in artists)})
    steps = max(run.steps for run in runs) + 1
    shown = np.round(np.linspace(0, steps - 1, min(steps, max(frames, 1)))).astype(int)
    anim = animation.FuncAnimation(fig, frame, frames=[int(k) for k in np.unique(shown)])
    anim.save(str(path), writer=writer, dpi=dpi)


def _freeze(fig: Figure, keep: set[Any]) -> None:
    """Draw `fig` once and show that as one image: frames then redraw only `keep` (5x faster)."""
    for artist in keep:
        artist.set_visible(False)
    fig.canvas.draw()
    background = np.asarray(fig.canvas.buffer_rgba()).copy()  # type: ignore[attr-defined]
    fig.set_layout_engine("none")
    for artist in [fig.patch, *fig.legends, *(a for ax in fig.axes for a in ax.get_children())]:
        artist.set_visible(artist in keep)
    fig.figimage(background, origin="upper", zorder=-1)


class _SharedPaletteGif(animation.PillowWriter):
    """PillowWriter with one palette for every frame (taken from the first and last frames, so
    the paths' colours are in it). The unchanged background is then the very same pixels in each
    frame, and the GIF stores only what moved: about ten times smaller than a palette a frame."""

    _frames: list[Image.Image]  # filled by PillowWriter.grab_frame

    def finish(self) -> None:
        frames = [f.convert("RGB") for f in self._frames]
        first, last = frames[0], frames[-1]
        both = Image.new("RGB", (first.width, first.height * 2))
        both.paste(first, (0, 0))
        both.paste(last, (0, first.height))
        palette = both.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        shared = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
        shared[0].save(
            self.outfile,
            save_all=True,
            append_images=shared[1:],
            duration=int(1000 / self.fps),
            loop=0,
        )


def _writer(path: Path, fps: int) -> animation.AbstractMovieWriter:
    if path.suffix.lower() == ".gif":
        return _SharedPaletteGif(fps=fps)
    if path.suffix.lower() != ".mp4":
        raise ValueError(f"An animation is a .gif or an .mp4 file, not {path.name!r}")
    if not animation.FFMpegWriter.isAvailable():
        raise ValueError(
            "Writing .mp4 needs ffmpeg, which is not installed; install it or use .gif"
        )
    return animation.FFMpegWriter(fps=fps)


# ---------------------------------------------------------------------------------------------
# Drawing


def _shape(size: tuple[int, int], view: View) -> tuple[int, int]:
    """`size` for a view at least as wide as tall; turned on its side for a taller one, so a tall
    view gets a tall figure (the browser's plot box is tall too) rather than a narrow strip."""
    (x0, x1), (y0, y1) = view
    return (min(size), max(size)) if (y1 - y0) > (x1 - x0) else size


def _fill(view: View, shape: tuple[int, int]) -> View:
    """A view taller than wide, widened about its centre to the plot area's shape (as the
    explorer's equal scales do): the plot fills its figure instead of standing in a narrow strip.
    The plot area is the figure less about 170 px for the colour bar and 190 px for the title,
    the axis labels and the legend."""
    (x0, x1), (y0, y1) = view
    if not (y1 - y0) > (x1 - x0) > 0:
        return view
    want = (y1 - y0) * max(100, shape[0] - 170) / max(100, shape[1] - 190)
    if want <= x1 - x0:
        return view
    cx = (x0 + x1) / 2
    return ((cx - want / 2, cx + want / 2), (y0, y1))


def _figure(size: tuple[int, int], dpi: int) -> Figure:
    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)  # draw and save with Agg, whatever pyplot's backend is
    return fig


def _draw_surface(
    ax: Axes,
    surface: Surface,
    view: View,
    minima: Sequence[Sequence[float]],
    title: str | None,
    aspect: str,
) -> None:
    (x0, x1), (y0, y1) = view
    per = 320 / max(x1 - x0, y1 - y0)  # grid points per unit: 320 along the longer side
    n = (max(40, round((x1 - x0) * per)), max(40, round((y1 - y0) * per)))
    grid = surface.grid(x=(x0, x1), y=(y0, y1), n=n)
    z = np.ma.masked_invalid(grid.value)
    scale = choose_levels(grid.value, 10)  # the browser's levels and colour scale (levels.py)
    lines = np.array(scale.levels)
    if scale.hi > scale.lo:
        norm = colors.FuncNorm((scale.normalize, scale.denormalize), vmin=scale.lo, vmax=scale.hi)
        image = ax.imshow(
            z,
            cmap=CMAP,
            norm=norm,
            origin="lower",
            extent=(x0, x1, y0, y1),
            interpolation="bilinear",
            interpolation_stage="rgba",  # colours blended between nodes, as the page smooths
            aspect="auto",
            zorder=0,
        )
        ticks = lines if lines.size else np.array([scale.lo, scale.hi])
        bar = ax.figure.colorbar(image, ax=ax, ticks=ticks, shrink=0.9, pad=0.02, aspect=30)
        bar.ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: _short(v)))
        bar.ax.set_title("$L$", fontsize=9)
        bar.ax.tick_params(labelsize=7)
        bar.outline.set_visible(False)
        bar.minorticks_off()
    elif np.isfinite(scale.lo):  # L is constant: one colour, no scale
        ax.imshow(z, cmap=CMAP, vmin=scale.lo - 1, vmax=scale.lo + 1, origin="lower",
                  extent=(x0, x1, y0, y1), aspect="auto", zorder=0)  # fmt: skip
    if lines.size:
        cs = ax.contour(grid.x, grid.y, z, levels=lines, colors=INK, linewidths=0.5,
                        alpha=0.45, negative_linestyles="solid")  # fmt: skip
        ax.clabel(cs, fmt=_short, fontsize=6.5, inline_spacing=2)
    if not np.isfinite(grid.value).all():
        ax.set_facecolor("0.88")
        ax.fill([], [], fc="0.88", ec="0.6", lw=0.5, label="L undefined")
    _draw_field(ax, surface, view, aspect)
    shown = [m[:2] for m in minima if x0 <= m[0] <= x1 and y0 <= m[1] <= y1]
    if shown:
        ax.plot(*np.array(shown, dtype=float).T, **STAR, zorder=6, label="known minimum")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal" if aspect == "equal" else "auto")
    names = [f"${sympy.latex(sympy.Symbol(v))}$" for v in surface.variables[:2]]
    ax.set_xlabel(names[0], fontsize=9)
    ax.set_ylabel(names[1], fontsize=9, rotation=0, labelpad=8)
    ax.tick_params(labelsize=7.5)
    text = _title(surface, title)
    ax.set_title(text, fontsize=9 if len(text) < 70 else 7.5)


def is_curve(surface: Surface) -> bool:
    """Whether L depends on the first variable alone: then it is drawn as a curve (the
    explorer's 1D view, static/explorer/curve1d.js)."""
    return surface.used == {surface.variables[0]}


def curve_range(values: np.ndarray) -> tuple[float, float]:
    """The L range a curve shows (curve1d.js curveRange, the same rule): every finite value,
    unless a few (a pole, a steep wall) would squash the rest into a line; then the 2nd to 98th
    percentile with a quarter of that span around it; 6% of room either side."""
    finite = np.sort(np.asarray(values, dtype=np.float64)[np.isfinite(values)])
    if finite.size == 0:
        return -1.0, 1.0
    lo, hi = float(finite[0]), float(finite[-1])
    last = finite.size - 1
    qlo = float(finite[min(last, max(0, _round_half_up(0.02 * last)))])
    qhi = float(finite[min(last, max(0, _round_half_up(0.98 * last)))])
    if qhi > qlo and hi - lo > 12 * (qhi - qlo):
        room = (qhi - qlo) * 0.25
        lo, hi = max(lo, qlo - room), min(hi, qhi + room)
    if not hi > lo:
        d = max(1.0, abs(lo)) * 0.5
        lo, hi = lo - d, hi + d
    pad = (hi - lo) * 0.06
    return lo - pad, hi + pad


def _round_half_up(v: float) -> int:
    """Math.round's rounding (halves up), not Python's (halves to even)."""
    return int(np.floor(v + 0.5))


def _draw_curve(
    ax: Axes, surface: Surface, view: View, minima: Sequence[Sequence[float]], title: str | None
) -> None:
    """L against the first variable over the view's x range, as the explorer's 1D view."""
    (x0, x1), _ = view
    xs = np.linspace(x0, x1, 801)
    rest = [np.zeros_like(xs)] * (len(surface.variables) - 1)  # padding: L does not read it
    value, _, _ = run_program(surface.program(), [xs, *rest])
    ys = np.broadcast_to(np.asarray(value, dtype=np.float64), xs.shape)
    lo, hi = curve_range(ys)
    ax.plot(xs, np.ma.masked_invalid(ys), color=INK, lw=1.6, zorder=3)
    if lo < 0 < hi:
        ax.axhline(0, color=INK, lw=0.6, alpha=0.5, zorder=1)
    ax.grid(True, color=INK, alpha=0.12, lw=0.5)
    bad = ~np.isfinite(ys)
    if bad.any():  # hatched where L is undefined, as the page's curve and the surface show it
        half = (xs[1] - xs[0]) / 2
        edges = np.flatnonzero(np.diff(np.concatenate([[0], bad.astype(int), [0]])))
        for a, b in zip(edges[::2], edges[1::2] - 1, strict=True):
            if b > a:  # one sample alone is a pole, not a region
                ax.axvspan(xs[a] - half, xs[b] + half, fc="none", ec="0.75", hatch="//", lw=0)
        ax.fill([], [], fc="none", ec="0.6", hatch="//", lw=0.5, label="L undefined")
    shown = [m[0] for m in minima if x0 <= m[0] <= x1]
    if shown:
        at = np.array(shown, dtype=float)
        value, _, _ = run_program(surface.program(), [at, *([np.zeros_like(at)] * len(rest))])
        ax.plot(at, np.broadcast_to(value, at.shape), **STAR, zorder=6, label="known minimum")
    ax.set(xlim=(x0, x1), ylim=(lo, hi))
    ax.set_xlabel(f"${sympy.latex(sympy.Symbol(surface.variables[0]))}$", fontsize=9)
    ax.set_ylabel("$L$", fontsize=9, rotation=0, labelpad=8)
    ax.tick_params(labelsize=7.5)
    text = _title(surface, title, surface.variables[:1])
    ax.set_title(text, fontsize=9 if len(text) < 70 else 7.5)


def _draw_field(ax: Axes, surface: Surface, view: View, aspect: str) -> None:
    """Arrows of −∇L on a coarse grid, all the same length on screen whatever the window."""
    (x0, x1), (y0, y1) = view
    sx, sy = x1 - x0, y1 - y0
    nx, ny = 15, 15  # aspect auto: the axes are about square on screen
    if aspect == "equal":  # square cells, 15 along the longer side
        nx, ny = (max(4, round(15 * s / max(sx, sy))) for s in (sx, sy))
    cx, cy = sx / nx, sy / ny
    grid = surface.grid(x=(x0 + cx / 2, x1 - cx / 2), y=(y0 + cy / 2, y1 - cy / 2), n=(nx, ny))
    a, b = -grid.gradient[0] / cx, -grid.gradient[1] / cy  # measured in cells
    with np.errstate(all="ignore"):
        r = np.hypot(a, b) / 0.55  # every arrow 0.55 cell long
        u, v = np.ma.masked_invalid(a / r * cx), np.ma.masked_invalid(b / r * cy)
    gx, gy = np.meshgrid(grid.x, grid.y)
    label = "steepest descent (−∇L), direction only" if u.count() else None
    ax.quiver(gx, gy, u, v, angles="xy", scale_units="xy", scale=1, label=label, **ARROWS)


def _draw_run(
    ax: Axes, run: Trajectory, view: View, i: int, curve: bool = False
) -> tuple[np.ndarray, list[Line2D]]:
    """Halo, line (labelled for the legend) and start ball of run `i`; its drawable points
    (on a `curve`: each point's x and its L, so the path runs along the curve)."""
    points, left = _track_on_curve(run, view) if curve else _track(run, view)
    colour, dash = run_style(i)  # the explorer's colour for run i (and its dash past the colours)
    halo = ax.plot(*points.T, **HALO)[0]
    line = ax.plot(*points.T, color=colour, label=_label(run, left), **LINE)[0]
    if dash:
        line.set_dashes([d / 1.5 for d in dash])  # the browser's pixels at 1.5 px per point
    if len(points) > 150:  # dense dots: white rims would merge into a white worm
        line.set_markeredgecolor(colour)
    ball = ax.plot(*points[:1].T, color=colour, **BALL)[0]
    return points, [halo, line, ball]


def _track(run: Trajectory, view: View) -> tuple[np.ndarray, bool]:
    """The run's points safe to draw, and whether it left the view.

    Drawing stops at the first non-finite point; the first point far outside (a divergence) is
    pulled back along its step to a box 10 views wide, so the renderer never sees 1e300.
    """
    p = np.asarray(run.points, dtype=float)[:, :2]
    finite = np.all(np.isfinite(p), axis=1)
    p = p if finite.all() else p[: int(np.argmin(finite))]
    (x0, x1), (y0, y1) = view
    left = bool(np.any((p[:, 0] < x0) | (p[:, 0] > x1) | (p[:, 1] < y0) | (p[:, 1] > y1)))
    centre, reach = np.array([x0 + x1, y0 + y1]) / 2, 5 * np.array([x1 - x0, y1 - y0])
    far = np.any(np.abs(p - centre) > reach, axis=1)
    if far.any():
        k = int(np.argmax(far))
        if k == 0:
            return p[:0], True
        a, step = p[k - 1], p[k] - p[k - 1]
        with np.errstate(all="ignore"):
            t = np.where(step != 0, (centre + np.sign(step) * reach - a) / step, np.inf).min()
        p = np.vstack([p[:k], a + t * step])
    return p, left


def _track_on_curve(run: Trajectory, view: View) -> tuple[np.ndarray, bool]:
    """(x, L) at each step up to the first undefined one, and whether x left the view; a point
    far outside (a divergence) ends the path, as `_track` ends it."""
    p = np.column_stack([np.asarray(run.points, dtype=float)[:, 0], run.values])
    finite = np.all(np.isfinite(p), axis=1)
    p = p if finite.all() else p[: int(np.argmin(finite))]
    (x0, x1), _ = view
    left = bool(np.any((p[:, 0] < x0) | (p[:, 0] > x1)))
    far = np.abs(p[:, 0] - (x0 + x1) / 2) > 5 * (x1 - x0)
    return (p[: int(np.argmax(far))] if far.any() else p), left


def _label(run: Trajectory, left: bool) -> str:
    name = f"{run.optimizer}, lr {run.settings.get('lr', float('nan')):g}"
    if run.stopped == "diverged":
        tail = f"diverged at step {run.steps}"
    else:
        tail = f"L = {_short(run.values[-1])} after {run.steps} step{'s' * (run.steps != 1)}"
    return f"{name}: {tail}" + (", left the view" if left else "")


def _legend(ax: Axes, own: bool) -> None:
    handles, labels = ax.get_legend_handles_labels()
    arrow = FancyArrow(0, 0, 1, 0, color="0.4")  # quiver has no legend glyph: draw an arrow
    handles = [
        arrow if t.startswith("steepest") else h for h, t in zip(handles, labels, strict=True)
    ]
    options: dict[str, Any] = {
        "fontsize": 7,
        "markerscale": 0.75,
        "handler_map": {FancyArrow: HandlerPatch(patch_func=_arrow_glyph)},
    }
    if not own:
        ax.legend(handles, labels, **options)
        return
    fig = cast(Figure, ax.figure)
    for ncols in (2, 1):  # below the axes, in two columns if they fit across the figure
        legend = fig.legend(
            handles, labels, loc="outside lower center", ncols=ncols, frameon=False, **options
        )
        if ncols == 1 or legend.get_window_extent().width <= fig.bbox.width:
            break
        legend.remove()


def _arrow_glyph(*, width: float, height: float, **_: Any) -> FancyArrow:
    """The legend's picture of a field arrow (HandlerPatch passes everything by keyword)."""
    return FancyArrow(0, height / 2, width, 0, width=height * 0.15, head_width=height * 0.7,
                      head_length=height * 0.7, length_includes_head=True)  # fmt: skip


def _title(surface: Surface, title: str | None, variables: Sequence[str] | None = None) -> str:
    shown = surface.variables if variables is None else variables
    names = ", ".join(sympy.latex(sympy.Symbol(v)) for v in shown)
    text = f"$L({names}) = {tree_latex(surface.tree)}$"  # the formula as typed
    try:
        MathTextParser("path").parse(text)
    except Exception:  # mathtext knows less than LaTeX: fall back to the formula as typed
        text = f"L({', '.join(shown)}) = {tree_text(surface.tree)}"
    return f"{title}\n{text}" if title else text


def _short(v: float) -> str:
    """A number for a label: 0, 0.05, 12.5, 2500, 3.2e-07."""
    v = float(v)
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return f"{v:.2g}"
