"""Slices: the plane w0 + a d1 + b d2 through a model's weight space, a landscape of (a, b).

A `Slice` is a `Landscape` of two variables, ``a`` and ``b``; its value is the model's loss at
``w0 + a d1 + b d2`` and its exact gradient is the projection of the full gradient,
``(grad L . d1, grad L . d2)``. Directions (each function returns a `Slice`):

- `weight_slice`: two weights by name or index, unit axis vectors: "every other weight held
  fixed", the lesson's partial derivatives; ``a`` is the change of the first weight.
- `gradient_slice`: the unit gradient at w0 and a unit random direction orthogonal to it.
- `random_slice`: two filter-normalised random directions (Li et al. 2018, "Visualizing the Loss
  Landscape of Neural Nets"): Gaussian, then each output unit's incoming weights rescaled to the
  norm of the model's own weights for that unit (for a conv layer, each filter), biases zero.
  ``a = 1`` is then a perturbation the size of the weights themselves.
- `hessian_slice`: the unit eigenvectors of the Hessian's two largest eigenvalues (Lanczos on
  Hessian-vector products, `hessian.top_eigen`): the two steepest curvatures.

``slice.in_plane()`` is the fraction of the full gradient's length that lies in the plane,
``|P g| / |g|`` with P the orthogonal projection onto span(d1, d2): 1 for a gradient slice, about
sqrt(2 / P) for random directions.

Grids, and tiles
----------------
``slice.grid(x, y, n)`` samples loss and exact 2D gradient on an n-by-n grid. The NumPy networks
compute it batched (`mlp.MLPPlane`); any other model runs one forward and backward pass a node.
A grid is computed as tiles, rectangular blocks of nodes, and the tiles are the unit a
distributed run ships (issue 12, Dask)::

    xs, ys = axes(x, y, n)                  # the grid's coordinates, once
    for tile in tiles((len(ys), len(xs)), size=16):
        block = slice_.tile(xs, ys, tile)   # TileResult: value (r, c), gradient (2, r, c)
    grid = assemble(xs, ys, blocks)         # the Grid, from tiles in any order

A node's numbers depend only on its (a, b) and the slice, never on which tile holds it or in what
order tiles run, so any partition reproduces the one-machine grid (equal up to BLAS blocking, far
below 1e-12). `Slice` pickles (model, w0, d1, d2; the plane's cached first-layer products are
rebuilt on first use in each process), so a worker needs the slice once and tiles after that.

Descent on a slice
------------------
`descend_on_slice` runs `gradscape.descend` on the *model* (all weights move) and keeps, each
step, only the projection of the weights onto the slice (a, b), the projected gradient, the loss
and the distance from the plane: two thousand steps of 85,002 weights are 1.4 GB; projected, 80 kB.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..descent import Trajectory, descend
from ..landscape import Grid, LandscapeBase, Point, grid_shape
from .base import Plane, Progress, Recorded, WeightModel, check_loss
from .hessian import top_eigen


class Slice(LandscapeBase):
    """The loss on the plane w0 + a d1 + b d2 (see the module doc)."""

    variables = ("a", "b")

    def __init__(
        self,
        model: WeightModel,
        d1: np.ndarray,
        d2: np.ndarray,
        w0: Point | None = None,
        kind: str = "custom",
        eigenvalues: Sequence[float] | np.ndarray | None = None,
    ) -> None:
        self.model = model
        self.w0 = model.check_point(w0).copy()
        self.d1, self.d2 = (_direction(model, d, k) for k, d in ((1, d1), (2, d2)))
        n1, n2 = float(np.linalg.norm(self.d1)), float(np.linalg.norm(self.d2))
        if abs(float(self.d1 @ self.d2)) >= (1 - 1e-10) * n1 * n2:
            raise ValueError("The two directions are parallel; choose two independent directions")
        self.kind = kind
        self.eigenvalues = None if eigenvalues is None else np.asarray(eigenvalues, float)
        self.loss0 = check_loss(model.value(self.w0))
        basis = np.stack([self.d1, self.d2], axis=1)  # (P, 2)
        self._gram_inv = np.linalg.inv(basis.T @ basis)
        self._plane: Plane | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_plane"] = None  # rebuilt where it is used
        return state

    # -- the landscape ------------------------------------------------------------------------

    def point(self, ab: Point) -> np.ndarray:
        """The full weight vector at (a, b)."""
        a, b = _ab(ab)
        return self.w0 + a * self.d1 + b * self.d2

    def value(self, point: Point, /) -> float:
        return self.model.value(self.point(point))

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        v, g = self.model.value_and_gradient(self.point(point))
        return v, np.array([g @ self.d1, g @ self.d2])

    def coordinates(self, w: np.ndarray) -> tuple[np.ndarray, float]:
        """(a, b) of the point of the plane nearest to w, and w's distance from the plane."""
        offset = np.asarray(w, dtype=np.float64) - self.w0
        ab = self._gram_inv @ np.array([offset @ self.d1, offset @ self.d2])
        rest = offset - ab[0] * self.d1 - ab[1] * self.d2
        return ab, float(np.linalg.norm(rest))

    def in_plane(self, ab: Point = (0.0, 0.0)) -> float:
        """The fraction of the full gradient's length lying in the plane, |P g| / |g| at (a, b)."""
        g = self.model.gradient(self.point(ab))
        norm = float(np.linalg.norm(g))
        if norm == 0:
            return 1.0
        c = self._gram_inv @ np.array([g @ self.d1, g @ self.d2])
        return min(1.0, float(np.linalg.norm(c[0] * self.d1 + c[1] * self.d2)) / norm)

    # -- grids and tiles ----------------------------------------------------------------------

    @property
    def plane(self) -> Plane:
        if self._plane is None:
            self._plane = self.model.plane(self.w0, self.d1, self.d2)
        return self._plane

    def tile(self, xs: np.ndarray, ys: np.ndarray, tile: Tile) -> TileResult:
        """The nodes of one tile of the grid xs (a) by ys (b)."""
        r0, r1 = tile.rows
        c0, c1 = tile.cols
        value, gradient = self.plane.block(xs[c0:c1], ys[r0:r1])
        return TileResult(tile, value, gradient)

    def grid(
        self,
        x: tuple[float, float] = (-1.0, 1.0),
        y: tuple[float, float] = (-1.0, 1.0),
        n: int | tuple[int, int] = 51,
        at: Sequence[float] | None = None,
        *,
        tile_size: int | tuple[int, int] = 16,
        progress: Progress | None = None,
        brute_force: bool = False,
    ) -> Grid:
        """Loss and exact 2D gradient on the grid, tile by tile; `progress(done, total)` counts
        nodes. ``brute_force=True`` runs one full forward and backward pass a node (the
        reference the fast path must equal)."""
        if at is not None and len(at) != 0:
            raise ValueError("A slice has only the variables a and b; give no at=")
        xs, ys = axes(x, y, n)
        total = xs.size * ys.size
        plane = Plane(self.model, self.w0, self.d1, self.d2) if brute_force else self.plane
        results, done = [], 0
        for t in tiles((ys.size, xs.size), tile_size):
            (r0, r1), (c0, c1) = t.rows, t.cols
            value, gradient = plane.block(xs[c0:c1], ys[r0:r1])
            results.append(TileResult(t, value, gradient))
            done += value.size
            if progress is not None:
                progress(done, total)
        return assemble(xs, ys, results)

    def describe(self) -> dict[str, Any]:
        """What the slice is, for a report or a file: kind, loss at w0, in-plane fraction."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "n_weights": self.model.n_weights,
            "loss_at_w0": self.loss0,
            "in_plane": self.in_plane(),
            "norm_d1": float(np.linalg.norm(self.d1)),
            "norm_d2": float(np.linalg.norm(self.d2)),
            "cos_d1_d2": float(
                self.d1 @ self.d2 / (np.linalg.norm(self.d1) * np.linalg.norm(self.d2))
            ),
        }
        if self.eigenvalues is not None:
            out["eigenvalues"] = [float(v) for v in self.eigenvalues]
            out["stable_lr"] = 2.0 / float(self.eigenvalues[0]) if self.eigenvalues[0] > 0 else None
        return out


@dataclass(frozen=True)
class Tile:
    """A rectangular block of grid nodes: rows [r0, r1) of ys (b), columns [c0, c1) of xs (a)."""

    rows: tuple[int, int]
    cols: tuple[int, int]


@dataclass(frozen=True)
class TileResult:
    """One computed tile: value (rows, cols) and gradient (2, rows, cols)."""

    tile: Tile
    value: np.ndarray
    gradient: np.ndarray


def axes(
    x: tuple[float, float], y: tuple[float, float], n: int | tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The grid's coordinates: xs (nx,) along a, ys (ny,) along b (2 to 4,000 a side)."""
    for name, r in (("x", x), ("y", y)):
        lo, hi = float(r[0]), float(r[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"The {name} range must be two finite numbers, low < high; got {r}")
    nx, ny = grid_shape(n)
    return np.linspace(float(x[0]), float(x[1]), nx), np.linspace(float(y[0]), float(y[1]), ny)


def tiles(shape: tuple[int, int], size: int | tuple[int, int] = 16) -> list[Tile]:
    """The tiles covering a (ny, nx) grid, row-major, each at most size (rows, cols)."""
    rows, cols = (size, size) if isinstance(size, int) else size
    if rows < 1 or cols < 1:
        raise ValueError(f"A tile must be at least 1 x 1 nodes; got {size}")
    ny, nx = shape
    return [
        Tile((r, min(ny, r + rows)), (c, min(nx, c + cols)))
        for r in range(0, ny, rows)
        for c in range(0, nx, cols)
    ]


def assemble(xs: np.ndarray, ys: np.ndarray, results: Iterable[TileResult]) -> Grid:
    """The Grid from computed tiles, in any order; every node must be covered once."""
    value = np.full((ys.size, xs.size), np.nan)
    gradient = np.full((2, ys.size, xs.size), np.nan)
    covered = np.zeros((ys.size, xs.size), dtype=np.int64)
    for res in results:
        (r0, r1), (c0, c1) = res.tile.rows, res.tile.cols
        value[r0:r1, c0:c1] = res.value
        gradient[:, r0:r1, c0:c1] = res.gradient
        covered[r0:r1, c0:c1] += 1
    if not np.all(covered == 1):
        raise ValueError("The tiles do not cover the grid exactly once; compute the missing ones")
    return Grid(xs, ys, value, gradient)


# -- directions --------------------------------------------------------------------------------


def weight_slice(
    model: WeightModel, first: str | int, second: str | int, w0: Point | None = None
) -> Slice:
    """Two weights by name or index: a and b are their changes from w0, all others held."""
    i, j = _two_weights(model, first, second)
    d1, d2 = np.zeros(model.n_weights), np.zeros(model.n_weights)
    d1[i] = d2[j] = 1.0
    return Slice(model, d1, d2, w0, kind=f"weights:{model.names[i]},{model.names[j]}")


def _two_weights(model: WeightModel, first: str | int, second: str | int) -> tuple[int, int]:
    i, j = model.index(first), model.index(second)
    if i == j:
        raise ValueError(f"Both directions are the weight {model.names[i]}; give two different")
    return i, j


def gradient_slice(model: WeightModel, w0: Point | None = None, seed: int = 0) -> Slice:
    """The unit gradient at w0 and a unit random direction orthogonal to it."""
    w = model.check_point(w0)
    g = model.gradient(w)
    norm = float(np.linalg.norm(g))
    if not math.isfinite(norm):
        raise ValueError("The gradient is not finite at w0; start from other weights")
    if norm == 0:
        raise ValueError("The gradient is zero at w0, so it gives no direction; use random")
    d1 = g / norm
    r = np.random.default_rng(seed).normal(size=w.size)
    r -= (r @ d1) * d1
    return Slice(model, d1, r / np.linalg.norm(r), w, kind="gradient")


def filter_normalized(model: WeightModel, w: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction, each output unit's incoming weights scaled to the norm of w's."""
    d = np.zeros(model.n_weights)
    for lay in model.layouts:
        if len(lay.shape) < 2:
            continue  # biases: zero (Li et al.'s choice, so only the weights' scale matters)
        wl = w[lay.start : lay.stop].reshape(lay.shape)
        dl = rng.normal(size=lay.shape)
        axis = model.filter_axis % len(lay.shape)
        others = tuple(k for k in range(len(lay.shape)) if k != axis)
        wn = np.sqrt((wl * wl).sum(axis=others, keepdims=True))
        dn = np.sqrt((dl * dl).sum(axis=others, keepdims=True))
        d[lay.start : lay.stop] = (dl * (wn / np.where(dn > 0, dn, 1.0))).ravel()
    return d


def random_slice(model: WeightModel, w0: Point | None = None, seed: int = 0) -> Slice:
    """Two filter-normalised random directions (Li et al. 2018), from a seed."""
    w = model.check_point(w0)
    rng = np.random.default_rng(seed)
    d1, d2 = filter_normalized(model, w, rng), filter_normalized(model, w, rng)
    return Slice(model, d1, d2, w, kind="random")


def hessian_slice(
    model: WeightModel,
    w0: Point | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> Slice:
    """The unit eigenvectors of the Hessian's two largest eigenvalues at w0."""
    w = model.check_point(w0)
    eig = top_eigen(model, w, k=2, seed=seed, progress=progress)
    return Slice(
        model, eig.vectors[:, 0], eig.vectors[:, 1], w, kind="hessian", eigenvalues=eig.values
    )


DIRECTIONS = ("random", "gradient", "hessian", "weights:NAME,NAME")


def make_slice(
    model: WeightModel,
    directions: str = "random",
    w0: Point | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> Slice:
    """A slice from a description: random, gradient, hessian or weights:W1[3,7],b2[1]."""
    kind, names = check_directions(model, directions)
    if kind == "random":
        return random_slice(model, w0, seed)
    if kind == "gradient":
        return gradient_slice(model, w0, seed)
    if kind == "hessian":
        return hessian_slice(model, w0, seed, progress)
    return weight_slice(model, names[0], names[1], w0)


def check_directions(model: WeightModel, directions: str) -> tuple[str, list[str]]:
    """The kind of a directions text and its weight names, or ValueError saying what to write.

    Cheap (nothing is computed), so a caller can refuse a bad text before training a model.
    """
    spec = directions.strip()
    kind, _, rest = spec.partition(":")
    kind = kind.lower()
    if kind in ("random", "gradient", "hessian") and not rest:
        return kind, []
    if kind == "weights":
        names = split_names(rest)
        if len(names) != 2:
            raise ValueError(
                f"weights: takes two weight names or indices, e.g. weights:{model.names[0]},"
                f"{model.names[-1]}; got {rest!r}"
            )
        _two_weights(model, names[0], names[1])
        return kind, names
    raise ValueError(f"Unknown directions {spec!r}; use one of: {', '.join(DIRECTIONS)}")


def split_names(text: str) -> list[str]:
    """'W1[3,7],b2[1]' -> ['W1[3,7]', 'b2[1]']: commas inside brackets belong to a name."""
    out, depth, current = [], 0, ""
    for ch in text:
        depth += {"[": 1, "]": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current.strip())
    return out


# -- descent, projected ------------------------------------------------------------------------


@dataclass(frozen=True)
class SliceRun:
    """A descent of the whole model, seen on a slice.

    ``trajectory.points`` are the (a, b) coordinates of each step's weights projected onto the
    plane, ``trajectory.gradients`` the projected gradients (grad . d1, grad . d2),
    ``trajectory.values`` the model's loss; ``off_plane`` the distance of each step's weights
    from the plane; ``end`` the final weights (all of them).
    """

    trajectory: Trajectory
    off_plane: np.ndarray
    end: np.ndarray


def descend_on_slice(
    slice_: Slice,
    optimizer: str = "gd",
    lr: float | None = None,
    steps: int = 100,
    start: Point | None = None,
    tol: float = 1e-6,
    progress: Progress | None = None,
    **hyper: float,
) -> SliceRun:
    """`descend` on the slice's model from `start` (default w0), recorded on the slice;
    `progress(done, total)` counts gradient evaluations (steps + 1, more for nesterov)."""
    x0 = slice_.model.check_point(start if start is not None else slice_.w0)
    off: list[float] = []
    last = [x0]

    def record(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ab, dist = slice_.coordinates(x)
        off.append(dist)
        last[0] = x
        return ab, np.array([g @ slice_.d1, g @ slice_.d2])

    watched = Recorded(slice_.model, record, progress, steps + 1)
    t = descend(watched, x0, optimizer, lr, steps, tol, **hyper)
    return SliceRun(t, np.array(off), np.array(last[0], dtype=np.float64))


def _ab(point: Point) -> tuple[float, float]:
    arr = np.asarray(point, dtype=np.float64).reshape(-1)
    if arr.size != 2:
        raise ValueError(f"A slice's point is (a, b); got {arr.size} coordinates")
    return float(arr[0]), float(arr[1])


def _direction(model: WeightModel, d: Any, k: int) -> np.ndarray:
    arr = np.asarray(d, dtype=np.float64).reshape(-1)
    if arr.size != model.n_weights:
        raise ValueError(f"Direction {k} has {arr.size} entries; give {model.n_weights}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"Direction {k} has NaN or infinite entries")
    if not np.any(arr):
        raise ValueError(f"Direction {k} is zero (length 0); give a nonzero direction")
    return arr


__all__ = [
    "DIRECTIONS",
    "Slice",
    "SliceRun",
    "Tile",
    "TileResult",
    "assemble",
    "axes",
    "descend_on_slice",
    "filter_normalized",
    "gradient_slice",
    "hessian_slice",
    "make_slice",
    "random_slice",
    "split_names",
    "tiles",
    "weight_slice",
]
