"""The Hessian's top eigenvalues and eigenvectors, from Hessian-vector products alone.

The Hessian of a model with P weights is P x P (85,002^2 floats is 58 GB), so it is never
formed: SciPy's `eigsh` (ARPACK's Lanczos iteration) runs on a `LinearOperator` whose product is
the model's ``hessian_vector(w, v)``. For the NumPy networks that product is exact (the
R-operator: forward and backward passes differentiated along v, about the cost of two gradients);
for PyTorch and JAX it is forward-over-reverse autodiff, also exact; any other model falls back
to central differences of its exact gradient (`WeightModel.hessian_vector`).

The largest eigenvalue is the steepest curvature: gradient descent with a constant learning rate
is stable near w only if ``lr < 2 / lambda_max``, exactly as on the lesson's bowl.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import Progress, WeightModel


@dataclass(frozen=True)
class Eigen:
    """The k largest (algebraic) eigenvalues, descending, and their unit eigenvectors (P, k)."""

    values: np.ndarray
    vectors: np.ndarray
    products: int  # Hessian-vector products used

    @property
    def stable_lr(self) -> float:
        """2 / lambda_max: above this learning rate, gradient descent diverges near w."""
        top = float(self.values[0])
        return 2.0 / top if top > 0 else float("inf")


def top_eigen(
    model: WeightModel,
    w: np.ndarray | None = None,
    k: int = 2,
    tol: float = 1e-8,
    seed: int = 0,
    progress: Progress | None = None,
) -> Eigen:
    """The k largest eigenvalues of the Hessian at w (default the model's weights), by Lanczos.

    `progress(done, total)` is called after each Hessian-vector product; ``total`` is an
    estimate (ARPACK decides when it has converged).
    """
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    w0 = model.check_point(w)
    p = model.n_weights
    if not 1 <= k < p:
        raise ValueError(f"k must be from 1 to {p - 1}; got {k}")
    count = [0]
    estimate = max(20, 2 * k + 1) * 3

    def matvec(v: np.ndarray) -> np.ndarray:
        out = model.hessian_vector(w0, np.asarray(v, dtype=np.float64).ravel())
        count[0] += 1
        if progress is not None:
            progress(min(count[0], estimate - 1), estimate)
        return out

    op = LinearOperator((p, p), matvec=matvec, dtype=np.float64)
    # A seeded start vector: the same eigenvectors (and signs) on every run.
    v0 = np.random.default_rng(seed).normal(size=p)
    try:
        values, vectors = eigsh(op, k=k, which="LA", tol=tol, v0=v0, maxiter=max(300, 10 * k))
    except ArpackNoConvergence as err:
        raise ValueError(
            "The Hessian's eigenvalues did not converge; try a looser tol or another point"
        ) from err
    order = np.argsort(values)[::-1]
    vectors = vectors[:, order]
    # Fix each sign so the largest component is positive: eigenvectors are only defined up to sign.
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(k)])
    if progress is not None:
        progress(estimate, estimate)
    return Eigen(values[order], vectors * signs, count[0])


__all__ = ["Eigen", "top_eigen"]
