"""A small neural network with 1,210 weights, and its gradient by backpropagation.

The lesson's "thousand parameters" example. The network reads an 8x8 image of a handwritten digit
(scikit-learn's bundled copy of the UCI digits, so no download) and guesses which digit it is:

    pixels x (64)  ->  h = tanh(x W1 + b1)  (16)  ->  z = h W2 + b2  (10 scores)  ->  softmax

Its loss is the average cross-entropy, -log(probability given to the right digit), over the
images. All the weights live in one flat vector w of 64*16 + 16 + 16*10 + 10 = 1,210 numbers, in
the order W1 (row by row), b1, W2 (row by row), b2; weight i has a name such as "W1[3,7]" (the
weight from pixel 3 to hidden unit 7).

    model = lesson_model()              # trained briefly, deterministically
    model.loss(model.w)                 # a float
    model.gradient(model.w)             # 1,210 partial derivatives, by backpropagation
    model.names[i]                      # "W1[3,7]", ...

A `Model` is a `landscape.Landscape` of its weights (``variables`` are the weight names,
``value_and_gradient`` the loss and its gradient), so `descend` trains it: `Model.train` is plain
full-batch gradient descent run by `descent.descend`, the same code that descends a formula.

Forward and backward passes are written out by hand in NumPy, one line per step, so the chain
rule is visible; tests/test_model.py checks every entry of the gradient against central finite
differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from ..descent import descend
from ..landscape import LandscapeBase, Point

PIXELS = 64  # 8 x 8
CLASSES = 10
HIDDEN = 16
PIXEL_MAX = 16  # the digits' pixel values are the whole numbers 0..16
DIGITS = "0123456789abcdefg"  # pixel value v is written as DIGITS[v] in the browser's copy


@dataclass(frozen=True)
class Layout:
    """Where each weight array sits in the flat vector."""

    name: str
    shape: tuple[int, ...]
    start: int

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def stop(self) -> int:
        return self.start + self.size


def _layouts(hidden: int) -> tuple[Layout, ...]:
    shapes = [
        ("W1", (PIXELS, hidden)),
        ("b1", (hidden,)),
        ("W2", (hidden, CLASSES)),
        ("b2", (CLASSES,)),
    ]
    out, start = [], 0
    for name, shape in shapes:
        out.append(Layout(name, shape, start))
        start += int(np.prod(shape))
    return tuple(out)


class Model(LandscapeBase):
    """The network as a function of its weights: L(w) and the gradient of L, for given images.

    `pixels` is (n, 64) with whole numbers 0..16, `labels` is (n,) with digits 0..9. The weights
    are not part of the function; `self.w` is merely the current point (its initial value is
    seeded, so every run of gradscape shows the same network).
    """

    def __init__(
        self,
        pixels: np.ndarray,
        labels: np.ndarray,
        hidden: int = HIDDEN,
        w: np.ndarray | None = None,
        seed: int = 0,
    ) -> None:
        self.pixels = np.asarray(pixels, dtype=np.int64)
        self.labels = np.asarray(labels, dtype=np.int64)
        if self.pixels.ndim != 2 or self.pixels.shape[1] != PIXELS:
            raise ValueError(f"pixels must be (n, {PIXELS}); got {self.pixels.shape}")
        if self.labels.shape != (self.pixels.shape[0],):
            raise ValueError("labels must have one digit per image")
        self.x = self.pixels / PIXEL_MAX  # exact in binary: k/16
        self.hidden = hidden
        self.layouts = _layouts(hidden)
        self.n_weights = self.layouts[-1].stop
        self.w = np.array(w, dtype=np.float64) if w is not None else self.initial_weights(seed)
        if self.w.shape != (self.n_weights,):
            raise ValueError(f"w must have {self.n_weights} entries")

    # -- the weight vector --------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """A name for every weight, in vector order: "W1[3,7]", ..., "b2[9]"."""
        return names_for(self.layouts)

    @cached_property
    def variables(self) -> tuple[str, ...]:  # type: ignore[override]
        """The landscape's variables: the weights' names, in vector order."""
        return tuple(self.names)

    def unpack(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """W1 (64, h), b1 (h,), W2 (h, 10), b2 (10,): views into w."""
        w = np.asarray(w, dtype=np.float64)
        W1, b1, W2, b2 = (w[lay.start : lay.stop].reshape(lay.shape) for lay in self.layouts)
        return W1, b1, W2, b2

    def initial_weights(self, seed: int = 0) -> np.ndarray:
        """Small random weights (scaled by 1/sqrt(fan-in)) and zero biases, from a fixed seed."""
        rng = np.random.default_rng(seed)
        w = np.zeros(self.n_weights)
        W1, _, W2, _ = self.unpack(w)
        W1[...] = rng.normal(0.0, 1.0 / np.sqrt(PIXELS), W1.shape)
        W2[...] = rng.normal(0.0, 1.0 / np.sqrt(self.hidden), W2.shape)
        return w

    # -- the function and its gradient --------------------------------------------------------

    def forward(self, w: np.ndarray) -> dict[str, Any]:
        """Every intermediate value of the forward pass (backward needs them)."""
        W1, b1, W2, b2 = self.unpack(w)
        z1 = self.x @ W1 + b1  # (n, h)   hidden pre-activations
        h = np.tanh(z1)  # (n, h)   hidden activations
        z2 = h @ W2 + b2  # (n, 10)  scores
        top = z2.max(axis=1, keepdims=True)  # subtract the largest score: exp cannot overflow
        e = np.exp(z2 - top)
        total = e.sum(axis=1, keepdims=True)
        logsumexp = top[:, 0] + np.log(total[:, 0])  # log(sum(exp(z2))), per image
        right = z2[np.arange(len(self.labels)), self.labels]  # the right digit's score
        losses = logsumexp - right  # -log softmax(z2)[label]
        return {"h": h, "p": e / total, "losses": losses, "loss": float(losses.mean())}

    def loss(self, w: np.ndarray | None = None) -> float:
        """The average cross-entropy over the images at weights w (default: self.w)."""
        return float(self.forward(self.w if w is None else w)["loss"])

    def gradient(self, w: Point | None = None, /) -> np.ndarray:
        """dL/dw, all 1,210 partial derivatives, by backpropagation (the chain rule, backwards)."""
        return self.loss_and_gradient(self.w if w is None else self._weights(w))[1]

    def value(self, point: Point, /) -> float:
        """The landscape's value: the loss at weights `point`."""
        return self.loss(self._weights(point))

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        """The landscape's value and gradient: the loss and dL/dw at weights `point`."""
        return self.loss_and_gradient(self._weights(point))

    def _weights(self, point: Point) -> np.ndarray:
        w = np.asarray(point, dtype=np.float64).ravel()
        if w.shape != (self.n_weights,):
            raise ValueError(f"Give {self.n_weights} weights, one per variable; got {w.size}")
        return w

    def loss_and_gradient(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss and its gradient at w in one forward and one backward pass."""
        _W1, _, W2, _ = self.unpack(w)
        f = self.forward(w)
        h, p = f["h"], f["p"]
        n = len(self.labels)
        # L = mean over images of (logsumexp(z2) - z2[label]); its derivative by the scores:
        dz2 = p.copy()  # d logsumexp / d z2 = softmax(z2)
        dz2[np.arange(n), self.labels] -= 1.0  # d(-z2[label]) / d z2 = -onehot
        dz2 /= n  # the mean
        # z2 = h W2 + b2
        dW2 = h.T @ dz2
        db2 = dz2.sum(axis=0)
        dh = dz2 @ W2.T
        # h = tanh(z1), and tanh' = 1 - tanh^2
        dz1 = dh * (1.0 - h * h)
        # z1 = x W1 + b1
        dW1 = self.x.T @ dz1
        db1 = dz1.sum(axis=0)
        grad = np.concatenate([dW1.ravel(), db1, dW2.ravel(), db2])
        return f["loss"], grad

    def accuracy(self, w: np.ndarray | None = None) -> float:
        """The fraction of images whose highest score is the right digit."""
        p = self.forward(self.w if w is None else w)["p"]
        return float((p.argmax(axis=1) == self.labels).mean())

    # -- training and sharing -----------------------------------------------------------------

    def train(self, steps: int = 300, lr: float = 0.5) -> list[float]:
        """Full-batch gradient descent from self.w, in place: w <- w - lr * grad L(w).

        `descend(self, self.w, "gd", lr=lr, steps=steps, tol=0)` does the work. Returns the loss
        before each step (fewer than `steps` only if the loss became undefined or ran away:
        descend's "diverged", after which self.w is the point where it did).
        """
        run = descend(self, self.w, "gd", lr=lr, steps=steps, tol=0.0)
        self.w = run.points[-1].copy()
        return [float(v) for v in run.values[: run.steps]]

    def subset(self, n: int) -> Model:
        """The same network (same weights) judged on the first n images only."""
        return Model(self.pixels[:n], self.labels[:n], self.hidden, self.w)

    def to_browser_json(self, n_samples: int = 200) -> dict[str, Any]:
        """What the browser needs to recompute the loss of a nudged weight (lesson-model.js).

        The loss is over the first `n_samples` images; "loss" and "gradient" are for that loss.
        Pixels are one character each (DIGITS), labels one digit each, so 200 images are 13 kB.
        """
        sub = self.subset(n_samples)
        loss, grad = sub.loss_and_gradient(sub.w)
        return {
            "hidden": self.hidden,
            "layout": [
                {"name": lay.name, "shape": list(lay.shape), "start": lay.start}
                for lay in self.layouts
            ],
            "n_weights": self.n_weights,
            "n_samples": len(sub.labels),
            "n_train": len(self.labels),
            "pixels": "".join(DIGITS[v] for v in sub.pixels.ravel()),
            "labels": "".join(str(v) for v in sub.labels),
            "weights": [float(v) for v in sub.w],
            "gradient": [float(v) for v in grad],
            "loss": loss,
            "accuracy": sub.accuracy(),
        }

    @classmethod
    def from_browser_json(cls, data: dict[str, Any]) -> Model:
        """The inverse of to_browser_json (for tests): the model on the shared images."""
        pixels = np.array([DIGITS.index(c) for c in data["pixels"]], dtype=np.int64)
        labels = np.array([int(c) for c in data["labels"]], dtype=np.int64)
        return cls(
            pixels.reshape(-1, PIXELS), labels, int(data["hidden"]), np.array(data["weights"])
        )


def digits_model(hidden: int = HIDDEN, seed: int = 0) -> Model:
    """The untrained network on all 1,797 digits bundled with scikit-learn (read offline)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = np.rint(digits.data).astype(np.int64)
    return Model(pixels, digits.target, hidden, seed=seed)


@lru_cache(maxsize=1)
def _trained(steps: int, lr: float) -> tuple[float, ...]:
    model = digits_model()
    model.train(steps, lr)
    return tuple(float(v) for v in model.w)


def lesson_model(steps: int = 300, lr: float = 0.5) -> Model:
    """The lesson's network: briefly trained (full-batch gradient descent), so its gradient is
    neither random noise nor nearly zero. Deterministic; the training is cached."""
    model = digits_model()
    model.w = np.array(_trained(steps, lr))
    return model


def names_for(layouts: Sequence[Layout]) -> list[str]:
    """Weight names for a layout (the browser builds the same list)."""
    out = []
    for lay in layouts:
        for idx in np.ndindex(*lay.shape):
            out.append(f"{lay.name}[{','.join(str(i) for i in idx)}]")
    return out
