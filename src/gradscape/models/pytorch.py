"""Bring your own PyTorch model: an `nn.Module`, a loss function and data, as a `WeightModel`.

    from gradscape.models.pytorch import TorchModel
    model = TorchModel(net, torch.nn.functional.cross_entropy, (inputs, targets))
    loss, grad = model.value_and_gradient(model.w)     # float, (P,) float64 NumPy

The module's parameters (``named_parameters()`` order) become one flat float64 vector, named
``"0.weight[7,3]"`` and so on; the loss at w runs the module with those weights through
``torch.func.functional_call`` (the module itself is never modified) and the gradient comes from
autograd. ``hessian_vector`` is exact (``torch.func.jvp`` of ``torch.func.grad``).

- ``loss_fn(outputs, targets)`` must return a scalar tensor: the mean over the examples given.
- ``data``: a pair of tensors ``(inputs, targets)`` or anything iterable yielding such pairs (a
  ``DataLoader``); with several batches the loss is their mean weighted by batch size (right for
  a mean-reduced loss), one pass over the loader per evaluation, so keep it deterministic
  (``shuffle=False``).
- ``dtype``: ``torch.float64`` (the default; needed for 1e-10 agreement) or ``torch.float32``
  (faster; the gradient is then good to about 1e-6). The module and floating inputs are cast on
  a copy.
- Runs on the CPU. Requires the ``torch`` extra (``pip install 'gradscape[torch]'``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..landscape import Point
from .base import WeightModel, check_loss
from .model import Layout


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            "PyTorch is not installed; install the extra: pip install 'gradscape[torch]'"
        ) from None
    return torch


class TorchModel(WeightModel):
    """A PyTorch module's loss as a function of its flat weights (see the module doc)."""

    filter_axis = 0  # torch weights are (out, in, ...): a unit's incoming weights are a row

    def __init__(
        self,
        module: Any,
        loss_fn: Callable[[Any, Any], Any],
        data: Any,
        dtype: Any = None,
    ) -> None:
        torch = _torch()
        self.dtype = torch.float64 if dtype is None else dtype
        if not isinstance(module, torch.nn.Module):
            raise ValueError("module must be a torch.nn.Module")
        self.module = copy.deepcopy(module).to(dtype=self.dtype).eval()
        self.loss_fn = loss_fn
        self.batches = self._batches(data)
        params = dict(self.module.named_parameters())
        if not params:
            raise ValueError("The module has no parameters to differentiate")
        self._shapes = {k: tuple(p.shape) for k, p in params.items()}
        out, start = [], 0
        for name, shape in self._shapes.items():
            out.append(Layout(name, shape, start))
            start += int(np.prod(shape))
        self.layouts = tuple(out)
        self.w = torch.cat([p.detach().reshape(-1) for p in params.values()]).double().numpy()
        try:
            check_loss(self.value(self.w), "the module's own weights")
        except RuntimeError as err:  # a shape mismatch inside the module or the loss
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ValueError(
                f"The module cannot run on the data ({first}); check the inputs' shape"
            ) from None

    def _batches(self, data: Any) -> list[tuple[Any, Any]]:
        torch = _torch()
        pairs: Iterable[Any] = [data] if isinstance(data, tuple | list) and _is_pair(data) else data
        out = []
        try:
            for pair in pairs:
                if not _is_pair(pair):
                    raise TypeError
                x, y = pair
                if torch.is_floating_point(x):
                    x = x.to(self.dtype)
                out.append((x, y))
        except TypeError:
            raise ValueError(
                "data must be (inputs, targets) tensors or a DataLoader yielding such pairs"
            ) from None
        if not out or sum(len(x) for x, _ in out) == 0:
            raise ValueError("data is empty; give at least one example")
        return out

    def _params(self, w: Any) -> dict[str, Any]:
        return {lay.name: w[lay.start : lay.stop].reshape(lay.shape) for lay in self.layouts}

    def _loss(self, w: Any) -> Any:
        """The loss as a torch scalar of the flat torch vector w (differentiable)."""
        torch = _torch()
        params = self._params(w)
        total = None
        count = sum(len(x) for x, _ in self.batches)
        for x, y in self.batches:
            out = torch.func.functional_call(self.module, params, (x,))
            loss = self.loss_fn(out, y)
            if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
                shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss)
                raise ValueError(
                    f"The loss function must return a scalar tensor; got {shape} "
                    "(reduce it, e.g. with .mean())"
                )
            part = loss.reshape(()) * (len(x) / count)
            total = part if total is None else total + part
        return total

    def _tensor(self, point: Point) -> Any:
        torch = _torch()
        return torch.as_tensor(self.check_point(point), dtype=self.dtype)

    def value(self, point: Point, /) -> float:
        torch = _torch()
        with torch.no_grad():
            return float(self._loss(self._tensor(point)))

    def value_and_gradient(self, point: Point, /) -> tuple[float, np.ndarray]:
        w = self._tensor(point).requires_grad_(True)
        loss = self._loss(w)
        (grad,) = _torch().autograd.grad(loss, w)
        return float(loss.detach()), grad.detach().to(dtype=_torch().float64).numpy()

    def hessian_vector(self, w: Point, v: np.ndarray) -> np.ndarray:
        torch = _torch()
        wt = self._tensor(w)
        vt = torch.as_tensor(np.asarray(v, dtype=np.float64).reshape(-1), dtype=self.dtype)
        _, hv = torch.func.jvp(torch.func.grad(self._loss), (wt,), (vt,))
        return hv.detach().to(dtype=torch.float64).numpy()


def _is_pair(x: Any) -> bool:
    return isinstance(x, tuple | list) and len(x) == 2 and all(hasattr(t, "shape") for t in x)


__all__ = ["TorchModel"]
