"""Multilayer perceptrons on class labels, in NumPy, with exact gradients and Hessian products.

    x (n, features) -> h1 = tanh(x W1 + b1) -> ... -> z = h W_L + b_L (scores) -> softmax

The loss is the mean cross-entropy, -log(probability of the right class). ``sizes`` lists the
layer widths, input first: ``(64, 16, 10)`` is the lesson's network (1,210 weights, the same
numbers as `gradscape.models.Model`: same weight order, same names, same arithmetic), ``(64, 10)``
is a logistic regression (650), ``(64, 256, 256, 10)`` the large network (85,002). Weights are
laid out W1 (row by row, shape (in, out)), b1, W2, b2, ...; weight ``W1[3,7]`` joins input 3 to
unit 7.

Three passes are written out by hand, one line per step, so the chain rule stays visible:

- ``value_and_gradient``: forward, then backward (backpropagation);
- ``hessian_vector``: the R-operator (Pearlmutter 1994), the forward and backward passes
  differentiated once more along v, so H v is exact and costs about two gradients;
- `MLPPlane.evaluate`: loss and the two directional derivatives at many points of a plane
  w0 + a d1 + b d2 at once. The first layer is affine in (a, b):
  ``x (W1 + a D1 + b D2) = Z0 + a Z1 + b Z2``, three matrix products once for the whole grid, and
  its share of ``grad L . d`` is ``sum(dz1 * Z)`` with no product at all; the later layers run
  batched over points.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from ..landscape import Point
from .base import Plane, WeightModel
from .data import Dataset, digits
from .model import Layout

LESSON = (64, 16, 10)
LOGISTIC = (64, 10)
LARGE = (64, 256, 256, 10)

BUILTIN: dict[str, tuple[int, ...]] = {"mlp": LESSON, "logistic": LOGISTIC, "mlp-large": LARGE}
"""The built-in models by name: their layer sizes, all on the digits."""


def layouts_for(sizes: Sequence[int]) -> tuple[Layout, ...]:
    """W1, b1, W2, b2, ... for layer widths `sizes` (input first)."""
    out, start = [], 0
    for l_, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes), start=1):
        for name, shape in ((f"W{l_}", (fan_in, fan_out)), (f"b{l_}", (fan_out,))):
            out.append(Layout(name, shape, start))
            start += int(np.prod(shape))
    return tuple(out)


class MLP(WeightModel):
    """A tanh MLP with a softmax cross-entropy loss on `data` (see the module doc).

    `w` is the current point; by default seeded weights N(0, 1/fan_in) and zero biases, drawn
    layer by layer (for the lesson's sizes, exactly `Model.initial_weights`).
    """

    filter_axis = -1  # W has shape (in, out): a unit's incoming weights are a column

    def __init__(
        self,
        data: Dataset,
        sizes: Sequence[int] = LESSON,
        w: Point | None = None,
        seed: int = 0,
    ) -> None:
        self.sizes = tuple(int(s) for s in sizes)
        if len(self.sizes) < 2 or min(self.sizes) < 1:
            raise ValueError(f"sizes must be two or more positive widths; got {sizes}")
        if data.features != self.sizes[0]:
            raise ValueError(
                f"The data has {data.features} features but the network takes {self.sizes[0]}; "
                "give x of shape (n, sizes[0])"
            )
        if data.classes != self.sizes[-1]:
            raise ValueError(
                f"The data has {data.classes} classes but the network has {self.sizes[-1]} outputs"
            )
        self.data = data
        self._rows = np.arange(len(data))  # with data.y: each example's right score
        self.layouts = layouts_for(self.sizes)
        self.w = self.initial_weights(seed) if w is None else self.check_point(w)

    def initial_weights(self, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        w = np.zeros(self.n_weights)
        for W, _ in self.unpack(w):
            W[...] = rng.normal(0.0, 1.0 / np.sqrt(W.shape[0]), W.shape)
        return w

    def unpack(self, w: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(W1, b1), (W2, b2), ...] as views into w."""
        arrays = [w[lay.start : lay.stop].reshape(lay.shape) for lay in self.layouts]
        return list(zip(arrays[0::2], arrays[1::2], strict=True))

    def on(self, data: Dataset) -> MLP:
        """The same network, same weights, judged on other data (a minibatch, a test set)."""
        return MLP(data, self.sizes, self.w)

    # -- the function and its gradient --------------------------------------------------------

    def _forward(self, w: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """The activations [x, h1, ..., h_{L-1}] and the scores z_L."""
        acts = [self.data.x]
        layers = self.unpack(w)
        for W, b in layers[:-1]:
            z = acts[-1] @ W
            z += b
            acts.append(np.tanh(z, out=z))  # in place: one array a layer
        W, b = layers[-1]
        z = acts[-1] @ W
        z += b
        return acts, z

    def _losses(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-example cross-entropy, exp(z - max) and its row sums (softmax = e / total)."""
        top = z.max(axis=1, keepdims=True)  # subtract the largest score: exp cannot overflow
        e = z - top
        np.exp(e, out=e)
        total = e.sum(axis=1, keepdims=True)
        logsumexp = top[:, 0] + np.log(total[:, 0])
        right = z[self._rows, self.data.y]
        return logsumexp - right, e, total

    def value(self, point: Point, /) -> float:
        with np.errstate(all="ignore"):
            _, z = self._forward(self.check_point(point))
            return float(self._losses(z)[0].mean())

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        w = self.check_point(point)
        with np.errstate(all="ignore"):
            acts, z = self._forward(w)
            losses, e, total = self._losses(z)
            dz = np.divide(e, total, out=e)  # d logsumexp / dz = softmax(z)
            dz[self._rows, self.data.y] -= 1.0  # d(-z[label]) / dz = -onehot
            dz /= len(self.data)  # the mean
            grads: list[np.ndarray] = []
            layers = self.unpack(w)
            for depth in range(len(layers) - 1, -1, -1):
                W, _ = layers[depth]
                a = acts[depth]
                grads.append(dz.sum(axis=0))  # z = a W + b
                grads.append((a.T @ dz).ravel())
                if depth:
                    slope = np.multiply(a, a, out=a)  # a = tanh(z'), tanh' = 1 - tanh^2
                    np.subtract(1.0, slope, out=slope)  # (a is not needed after this)
                    dz = dz @ W.T
                    dz *= slope
            return float(losses.mean()), np.concatenate(grads[::-1])

    def accuracy(self, w: Point | None = None) -> float:
        """The fraction of examples whose highest score is the right class."""
        _, z = self._forward(self.check_point(w))
        return float((z.argmax(axis=1) == self.data.y).mean())

    def hessian_vector(self, w: Point, v: np.ndarray) -> np.ndarray:
        """H(w) v exactly, by the R-operator: each pass differentiated along v (R{.} below)."""
        w = self.check_point(w)
        v = np.asarray(v, dtype=np.float64).reshape(-1)
        if v.shape != w.shape:
            raise ValueError(f"v must have {self.n_weights} entries; got {v.size}")
        layers, dirs = self.unpack(w), self.unpack(v)
        acts, z = self._forward(w)
        r_acts = [np.zeros_like(self.data.x)]  # R{x} = 0
        for depth, ((W, _), (V, vb)) in enumerate(zip(layers, dirs, strict=True)):
            r_z = r_acts[-1] @ W + acts[depth] @ V + vb  # R{a W + b}
            if depth < len(layers) - 1:
                h = acts[depth + 1]
                r_acts.append((1.0 - h * h) * r_z)  # R{tanh(z)}
        _, e, total = self._losses(z)
        n = len(self.data)
        p = e / total
        dz = p.copy()
        dz[np.arange(n), self.data.y] -= 1.0
        dz /= n
        r_dz = p * (r_z - (p * r_z).sum(axis=1, keepdims=True)) / n  # R{softmax} / n
        out: list[np.ndarray] = []
        for depth in range(len(layers) - 1, -1, -1):
            (W, _), (V, _) = layers[depth], dirs[depth]
            a, r_a = acts[depth], r_acts[depth]
            out.append(r_dz.sum(axis=0))
            out.append((r_a.T @ dz + a.T @ r_dz).ravel())
            if depth:
                da = dz @ W.T
                r_da = r_dz @ W.T + dz @ V.T
                dz, r_dz = da * (1.0 - a * a), r_da * (1.0 - a * a) - 2.0 * da * a * r_a
        return np.concatenate(out[::-1])

    def plane(self, w0: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> Plane:
        return MLPPlane(self, w0, d1, d2)


class MLPPlane(Plane):
    """The batched plane of an MLP (see the module doc); equals `Plane` (brute force) to 1e-12."""

    budget = 64_000  # floats per intermediate array: 0.5 MB stays in cache (measured best)

    def __init__(self, model: MLP, w0: np.ndarray, d1: np.ndarray, d2: np.ndarray):
        super().__init__(model, w0, d1, d2)
        self.mlp = model
        x, n = model.data.x, len(model.data)
        layers = [model.unpack(v) for v in (self.w0, self.d1, self.d2)]  # [point][layer]
        (W0, b0), (D1, e1), (D2, e2) = (layers[p][0] for p in range(3))
        # The first layer is affine in (a, b): three products once, for every point of the plane,
        # kept as rows of one matrix so a batch's pre-activations are one product [1 a b] @ Z.
        self.Z = np.stack([(x @ W0 + b0).ravel(), (x @ D1 + e1).ravel(), (x @ D2 + e2).ravel()])
        self.width = model.sizes[1]
        # Each later layer as rows [W0; D1; D2] (and the biases): [1 a b] @ rows = W(a, b).
        self.rest = [
            (
                np.stack([layers[p][depth][0].ravel() for p in range(3)]),
                np.stack([layers[p][depth][1] for p in range(3)]),
                layers[0][depth][0].shape,
            )
            for depth in range(1, len(layers[0]))
        ]
        self.right = self._rows(n) * model.sizes[-1] + model.data.y  # flat index of each label
        self.ones = np.ones(n)
        self.onehot = np.zeros((n, model.sizes[-1]))
        self.onehot[self._rows(n), model.data.y] = 1.0 / n
        self.chunk = max(1, self.budget // (n * max(model.sizes[1:])))

    @staticmethod
    def _rows(n: int) -> np.ndarray:
        return np.arange(n)

    @staticmethod
    def _exp_scores(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """exp(z - top), top ((k, 1, 1) or (k, n, 1)) and row sums, for scores z (k, n, classes).

        Any top at least each row's largest score keeps exp from overflowing; each point's
        largest score overall is one fast reduction (a row's own largest, along the short last
        axis, is several times slower). Only if some row's sum underflows (its scores are all
        ~700 below that top) is the batch redone with each row's own largest score.
        """
        k, n, classes = z.shape
        top = z.reshape(k, -1).max(axis=1)[:, None, None]  # (k, 1, 1): one number a point
        for _ in range(2):
            e = z - top
            np.exp(e, out=e)
            total = (e.reshape(k * n, classes) @ np.ones(classes)).reshape(k, n, 1)
            if total.min() > 1e-250:
                break
            top = z.max(axis=2, keepdims=True)
        return e, top, total

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = np.asarray(a, dtype=np.float64).ravel()
        b = np.asarray(b, dtype=np.float64).ravel()
        values, grads = np.empty(a.size), np.empty((a.size, 2))
        with np.errstate(all="ignore"):
            for start in range(0, a.size, self.chunk):
                stop = min(a.size, start + self.chunk)
                values[start:stop], grads[start:stop] = self._batch(a[start:stop], b[start:stop])
        return values, grads

    def _batch(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """k points at once: arrays carry a leading axis of k (in place wherever possible)."""
        k, n = a.size, len(self.mlp.data)
        coef = np.stack([np.ones(k), a, b], axis=1)  # (k, 3): [1, a, b]
        weights = [
            ((coef @ W).reshape(k, *shape), (coef @ e)[:, None, :]) for W, e, shape in self.rest
        ]
        z = (coef @ self.Z).reshape(k, n, self.width)  # Z0 + a Z1 + b Z2
        acts: list[np.ndarray] = []
        for W, bias in weights:
            acts.append(np.tanh(z, out=z))
            z = acts[-1] @ W
            z += bias
        classes = z.shape[2]
        e, top, total = self._exp_scores(z)
        right = z.reshape(k, n * classes)[:, self.right]
        values = (top[..., 0] + np.log(total[..., 0]) - right) @ self.ones / n
        dz = e
        dz *= 1.0 / (n * total)  # softmax, and the mean's 1/n
        dz -= self.onehot  # minus onehot / n (a dense pass beats scattered indexing here)
        grad = np.zeros((k, 2))
        for depth in range(len(weights) - 1, -1, -1):
            W, _ = weights[depth]
            rows, bias_rows, _shape = self.rest[depth]
            h = acts[depth]
            dW = h.transpose(0, 2, 1) @ dz  # (k, in, out): this layer's weight gradient
            db = self.ones @ dz  # (k, out): sums over examples as a product, far faster here
            grad += dW.reshape(k, -1) @ rows[1:].T + db @ bias_rows[1:].T
            slope = np.multiply(h, h, out=h)  # tanh' = 1 - tanh^2 (h is not needed after this)
            np.subtract(1.0, slope, out=slope)
            dz = dz @ W.transpose(0, 2, 1)
            dz *= slope
        # The first layer's share of grad . d is sum(dz1 * (x D + e)) = sum(dz1 * Z): no product.
        grad += dz.reshape(k, -1) @ self.Z[1:].T
        return values, grad


class Minibatches(WeightModel):
    """A model's loss on a fresh minibatch at every call: the noisy gradient SGD follows.

    Each ``value_and_gradient`` call takes the next `batch_size` examples of a seeded shuffle
    (reshuffled each epoch), so a run is reproducible from `seed`, but two calls at the same point
    differ: this landscape is not a function, and `descend` on it is stochastic gradient descent.
    ``value`` alone uses the same batch as the last gradient call.
    """

    def __init__(self, model: MLP, batch_size: int, seed: int = 0) -> None:
        if not 1 <= batch_size <= len(model.data):
            raise ValueError(f"batch_size must be from 1 to {len(model.data)}; got {batch_size}")
        self.model, self.batch_size = model, int(batch_size)
        self.layouts, self.w = model.layouts, model.w
        self._rng = np.random.default_rng(seed)
        self._order = np.empty(0, dtype=np.int64)
        self._current = self.next_batch()

    def next_batch(self) -> MLP:
        """The model on the next minibatch."""
        if self._order.size < self.batch_size:
            self._order = self._rng.permutation(len(self.model.data))
        rows, self._order = self._order[: self.batch_size], self._order[self.batch_size :]
        self._current = self.model.on(self.model.data.take(rows))
        return self._current

    def value(self, point: Point, /) -> float:
        return self._current.value(point)

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        return self.next_batch().value_and_gradient(point)


def builtin(name: str = "mlp", n: int | None = None, seed: int = 0) -> MLP:
    """A built-in model by name (`BUILTIN`) on the first n digits (default all 1,797)."""
    sizes = BUILTIN.get(name.strip().lower())
    if sizes is None:
        raise ValueError(f"Unknown model {name!r}; use one of: {', '.join(BUILTIN)}")
    return MLP(digits(n), sizes, seed=seed)


def logistic_regression(data: Dataset | None = None, seed: int = 0) -> MLP:
    """Softmax regression on the digits: 64 x 10 weights and 10 biases (650)."""
    return MLP(data if data is not None else digits(), LOGISTIC, seed=seed)


def lesson_mlp(data: Dataset | None = None, seed: int = 0) -> MLP:
    """The lesson's 64 -> 16 -> 10 network (1,210), untrained."""
    return MLP(data if data is not None else digits(), LESSON, seed=seed)


def large_mlp(data: Dataset | None = None, seed: int = 0) -> MLP:
    """64 -> 256 -> 256 -> 10 (85,002 weights), for scale."""
    return MLP(data if data is not None else digits(), LARGE, seed=seed)


__all__ = [
    "BUILTIN",
    "LARGE",
    "LESSON",
    "LOGISTIC",
    "MLP",
    "MLPPlane",
    "Minibatches",
    "builtin",
    "large_mlp",
    "layouts_for",
    "lesson_mlp",
    "logistic_regression",
]
