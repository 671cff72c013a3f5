"""`gradscape model` and `gradscape slice`: the many-parameter side on the command line.

    gradscape model [--model mlp] [--train 200] [--json]
    gradscape slice [--model mlp] [--directions random|gradient|hessian|weights:W1[3,7],b2[1]]
                    [--grid 51] [--span 1.0] -o out.png|.npz|.json
                    [--cluster tcp://HOST:8786|local[:N]] [--tiles DIR]   (distributed)
                    [--open [--port 8000] [--no-browser]]   (serve it in the explorer)

`add_commands(sub)` registers both on the CLI's subparsers. Bad input raises `ValueError` with
one line (the CLI prints it and exits 2); Ctrl-C propagates as KeyboardInterrupt (exit 130).
Progress goes to stderr as a bar when stderr is a terminal, and nowhere otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..models.base import Progress
from ..models.distributed import add_cluster_arguments, slice_grid
from ..models.mlp import BUILTIN, MLP, builtin
from ..models.slices import DIRECTIONS, Slice, make_slice
from ..models.train import train

TRAIN_DEFAULTS = {"mlp": 200, "logistic": 200, "mlp-large": 30}
OUTPUTS = (".png", ".npz", ".json")


def add_commands(sub: Any) -> None:
    """Register `model` and `slice` on argparse subparsers."""
    m = sub.add_parser("model", help="train a built-in model briefly; print loss and gradient")
    _model_args(m)
    m.add_argument("--top", type=int, default=10, help="largest gradient components shown (10)")
    m.add_argument("--json", action="store_true", help="print one JSON object")
    m.set_defaults(run=run_model)

    s = sub.add_parser("slice", help="loss and exact 2D gradient on a plane through weight space")
    _model_args(s)
    s.add_argument(
        "--directions",
        default="random",
        metavar="KIND",
        help="random (filter-normalised), gradient, hessian, or weights:W1[3,7],b2[1]",
    )
    s.add_argument("--grid", type=int, default=51, help="nodes a side (51)")
    s.add_argument("--span", type=float, default=1.0, help="a and b run over [-span, span] (1.0)")
    s.add_argument("--seed", type=int, default=0, help="seed for random directions (0)")
    s.add_argument("-o", "--output", default=None, metavar="FILE", help=".png .npz or .json")
    s.add_argument(
        "--open",
        action="store_true",
        help="serve the slice in the explorer and open it (with --cluster: tiles computed there)",
    )
    s.add_argument("--port", type=int, default=8000, help="with --open: the port (8000)")
    s.add_argument("--no-browser", action="store_true", help="with --open: do not open a browser")
    add_cluster_arguments(s)
    s.set_defaults(run=run_slice)


def _model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="mlp", help=f"one of {', '.join(BUILTIN)} (mlp)")
    p.add_argument(
        "--train",
        type=int,
        default=None,
        metavar="STEPS",
        help="Adam steps first (mlp 200, logistic 200, mlp-large 30; 0: untrained)",
    )
    p.add_argument("--samples", type=int, default=None, help="use the first N digits (all 1,797)")


def progress_bar(label: str, stream: Any = None) -> Progress | None:
    """A progress callback drawing a bar on stderr, or None when stderr is not a terminal."""
    out = stream if stream is not None else sys.stderr
    if not getattr(out, "isatty", lambda: False)():
        return None
    start = time.monotonic()
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        frac = done / total if total else 1.0
        bar = "#" * int(30 * frac)
        out.write(f"\r{label} [{bar:<30}] {100 * frac:3.0f}% {now - start:5.1f}s")
        if done >= total:
            out.write("\n")
        out.flush()

    return show


def _built(ns: argparse.Namespace) -> tuple[MLP, dict[str, Any]]:
    name = ns.model.strip().lower()
    if name not in BUILTIN:
        raise ValueError(f"Unknown model {ns.model!r}; use one of: {', '.join(BUILTIN)}")
    steps = TRAIN_DEFAULTS[name] if ns.train is None else ns.train
    if not 0 <= steps <= 100_000:
        raise ValueError(f"--train takes 0 to 100000 steps; got {steps}")
    model = builtin(name, ns.samples)
    info: dict[str, Any] = {"model": name, "train_steps": steps}
    if steps:
        lr = 0.001 if name == "mlp-large" else 0.01
        t = train(model, steps, "adam", lr, progress=progress_bar(f"training {name}"))
        info.update(optimizer="adam", lr=lr, stopped=t.stopped, loss_before=float(t.values[0]))
    return model, info


def run_model(ns: argparse.Namespace) -> int:
    if ns.top < 0:
        raise ValueError(f"--top takes a number >= 0; got {ns.top}")
    model, info = _built(ns)
    loss, grad = model.value_and_gradient(model.w)
    order = np.argsort(-np.abs(grad))[: ns.top]
    top = [{"name": model.names[i], "partial": float(grad[i])} for i in order]
    info.update(
        loss=loss,
        accuracy=model.accuracy(),
        n_weights=model.n_weights,
        n_samples=len(model.data),
        layers=list(model.sizes),
        gradient_norm=float(np.linalg.norm(grad)),
        largest=top,
    )
    if ns.json:
        print(json.dumps(_finite(info), allow_nan=False))
        return 0
    sizes = " -> ".join(str(s) for s in model.sizes)
    print(f"{info['model']}: {sizes}, {model.n_weights:,} weights, {len(model.data):,} digits")
    if info["train_steps"]:
        print(f"trained {info['train_steps']} Adam steps (lr {info['lr']:g})")
    print(f"  loss       {loss:.6g}")
    print(f"  accuracy   {100 * info['accuracy']:.1f}%")
    print(f"  |gradient| {info['gradient_norm']:.6g}  ({model.n_weights:,} partial derivatives)")
    if top:
        print(f"  largest partial derivatives (of {model.n_weights:,}):")
        width = max(len(t["name"]) for t in top)
        for t in top:
            print(f"    dL/d{t['name']:<{width}}  {t['partial']: .6g}")
    return 0


def run_slice(ns: argparse.Namespace) -> int:
    if ns.output is None and not ns.open:
        raise ValueError("Give -o FILE (.png .npz or .json), or --open to see it in the explorer")
    if ns.open and ns.samples is not None:
        raise ValueError("--open shows the built-in models on all their digits; drop --samples")
    if ns.open and ns.output is None:
        return open_slice(ns)
    path = Path(ns.output)
    if path.suffix.lower() not in OUTPUTS:
        raise ValueError(f"-o must end in {', '.join(OUTPUTS)}; got {ns.output!r}")
    if ns.grid < 2:
        raise ValueError(f"--grid must be at least 2 nodes a side; got {ns.grid}")
    if not (math.isfinite(ns.span) and ns.span > 0):
        raise ValueError(f"--span must be a positive number; got {ns.span}")
    model, info = _built(ns)
    s = make_slice(
        model, ns.directions, seed=ns.seed, progress=progress_bar("Hessian eigenvectors")
    )
    span = (-ns.span, ns.span)
    grid = slice_grid(s, span, ns.grid, ns, progress=progress_bar(f"slice {ns.grid}x{ns.grid}"))
    meta = {**info, **s.describe(), "span": ns.span, "directions": s.kind}
    suffix = path.suffix.lower()
    if suffix == ".npz":
        np.savez_compressed(
            path,
            a=grid.x,
            b=grid.y,
            loss=grid.value,
            grad_a=grid.gradient[0],
            grad_b=grid.gradient[1],
            w0=s.w0,
            d1=s.d1,
            d2=s.d2,
            meta=np.array(json.dumps(_finite(meta))),
        )
    elif suffix == ".json":
        data = {
            **meta,
            "a": grid.x.tolist(),
            "b": grid.y.tolist(),
            "loss": grid.value.tolist(),
            "grad_a": grid.gradient[0].tolist(),
            "grad_b": grid.gradient[1].tolist(),
        }
        path.write_text(json.dumps(_finite(data), allow_nan=False))
    else:
        _picture(s, grid, path, meta)
    lo, hi = float(np.nanmin(grid.value)), float(np.nanmax(grid.value))
    print(
        f"wrote {path}: {s.kind} slice of {model.n_weights:,} weights, {ns.grid}x{ns.grid}, "
        f"loss {lo:.4g} to {hi:.4g}, {100 * meta['in_plane']:.1f}% of the gradient in the plane"
    )
    if ns.open:
        return open_slice(ns, s)
    return 0


def open_slice(ns: argparse.Namespace, s: Slice | None = None) -> int:
    """Serve the slice in the explorer (until Ctrl-C): built-in models are computed in the page,
    a --cluster slice on the cluster, tile by tile as the page asks."""
    from ..server.run import serve
    from ..server.slices import SliceRegistry
    from ..sliceview import SliceSpec

    if not (math.isfinite(ns.span) and ns.span > 0):
        raise ValueError(f"--span must be a positive number; got {ns.span}")
    if not 0 <= ns.port <= 65535:
        raise ValueError(f"--port takes 0 to 65535; got {ns.port}")
    spec = SliceSpec.parse(
        {
            "m": ns.model,
            "d": ns.directions,
            "s": str(ns.seed),
            "span": repr(ns.span),
            **({} if ns.train is None else {"t": str(ns.train)}),
        }
    )
    if s is None:
        model, _ = _built(ns)
        s = make_slice(model, ns.directions, seed=ns.seed, progress=progress_bar("Hessian"))
    slices = SliceRegistry()
    cluster = getattr(ns, "cluster", None)
    if cluster is None:
        slices.register(spec.key(), s, ns.span, spec, remote=False)
        serve(port=ns.port, open_browser=not ns.no_browser, slices=slices,
              open_path=f"?{spec.query()}")  # fmt: skip
        return 0
    from ..models.distributed import connect

    with connect(cluster) as client:
        slices.register(spec.key(), s, ns.span, spec, remote=True, client=client)
        serve(port=ns.port, open_browser=not ns.no_browser, slices=slices,
              open_path=f"?{spec.query()}")  # fmt: skip
    return 0


def _picture(s: Slice, grid: Any, path: Path, meta: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 5.6), dpi=120)
    try:
        filled = ax.contourf(grid.x, grid.y, grid.value, levels=30, cmap="viridis")
        ax.contour(grid.x, grid.y, grid.value, levels=15, colors="white", linewidths=0.5)
        fig.colorbar(filled, ax=ax, label="loss")
        step = max(1, len(grid.x) // 17)
        ga, gb = grid.gradient[0][::step, ::step], grid.gradient[1][::step, ::step]
        norm = np.hypot(ga, gb)
        scale = np.where(norm > 0, 1 / np.where(norm > 0, norm, 1), 0)
        ax.quiver(
            grid.x[::step],
            grid.y[::step],
            -ga * scale,
            -gb * scale,
            color="white",
            alpha=0.8,
            width=0.003,
        )
        ax.plot([0], [0], "r*", markersize=10, label="w0")
        ax.set_xlabel("a (direction 1)")
        ax.set_ylabel("b (direction 2)")
        ax.set_title(
            f"{meta['model']} ({s.model.n_weights:,} weights), {s.kind} slice\n"
            f"arrows: steepest descent in the plane; {100 * meta['in_plane']:.1f}% of |grad| "
            "lies in it",
            fontsize=9,
        )
        ax.set_aspect("equal")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)


def _finite(x: Any) -> Any:
    """Plain JSON: NaN and infinities become None, NumPy numbers become floats."""
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if isinstance(x, float | np.floating):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


__all__ = ["DIRECTIONS", "add_commands", "progress_bar", "run_model", "run_slice"]
