"""gradscape.models.browser: the payload the page computes a slice from, and what it refuses."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gradscape.bundle import bundle
from gradscape.models.browser import (
    BUDGET,
    FORMAT,
    axis_labels,
    computable,
    f64,
    from_f64,
    network_payload,
    slice_payload,
)
from gradscape.models.data import Dataset, digits
from gradscape.models.mlp import BUILTIN, MLP, builtin
from gradscape.models.model import DIGITS
from gradscape.models.slices import Slice, make_slice


@pytest.fixture(scope="module")
def lesson_sized() -> MLP:
    return builtin("mlp", 200)


def test_a_payload_carries_the_model_the_data_and_the_plane(lesson_sized: MLP) -> None:
    s = make_slice(lesson_sized, "random", seed=3)
    p = slice_payload(s, span=0.5, n=41, seed=3)
    json.dumps(p, allow_nan=False)  # JSON-able, nothing undefined
    assert p["format"] == FORMAT
    m = p["model"]
    assert m["name"] == "mlp" and m["sizes"] == [64, 16, 10] and m["n_weights"] == 1210
    assert m["activations"] == ["tanh", "softmax"] and m["n_samples"] == 200
    assert [(lay["name"], lay["shape"], lay["start"]) for lay in m["layout"]] == [
        ("W1", [64, 16], 0),
        ("b1", [16], 1024),
        ("W2", [16, 10], 1040),
        ("b2", [10], 1200),
    ]
    pixels = np.array([DIGITS.index(c) for c in p["data"]["pixels"]]).reshape(200, 64)
    np.testing.assert_array_equal(pixels / 16, lesson_sized.data.x)
    assert [int(c) for c in p["data"]["labels"]] == list(lesson_sized.data.y)
    for key, v in (("w0", s.w0), ("d1", s.d1), ("d2", s.d2)):
        np.testing.assert_array_equal(from_f64(p[key]), v)  # exact, bit for bit
    assert p["kind"] == p["directions"] == "random" and p["seed"] == 3
    assert p["labels"] == ["random 1", "random 2"]
    assert p["span"] == 0.5 and p["view"] == {"x": [-0.5, 0.5], "y": [-0.5, 0.5]} and p["n"] == 41
    assert p["eigenvalues"] is None and p["loss_at_w0"] == pytest.approx(s.loss0, rel=1e-15)


def test_axis_labels_say_what_each_direction_is(lesson_sized: MLP) -> None:
    assert axis_labels(make_slice(lesson_sized, "weights:W1[3,7],b2[1]")) == ["W1[3,7]", "b2[1]"]
    assert axis_labels(make_slice(lesson_sized, "gradient")) == ["gradient", "random 1"]
    h = make_slice(lesson_sized, "hessian", seed=1)
    assert h.eigenvalues is not None
    labels = axis_labels(h)
    assert labels == [
        f"Hessian eigenvector 1, λ = {h.eigenvalues[0]:.3g}",
        f"Hessian eigenvector 2, λ = {h.eigenvalues[1]:.3g}",
    ]
    p = slice_payload(h)
    assert p["kind"] == "hessian" and p["eigenvalues"] == [float(v) for v in h.eigenvalues]
    custom = Slice(lesson_sized, np.ones(1210), np.arange(1210.0))
    assert axis_labels(custom) == ["d1", "d2"] and slice_payload(custom)["kind"] == "custom"
    weights = slice_payload(make_slice(lesson_sized, "weights:W1[3,7],b2[1]"))
    assert weights["kind"] == "weights" and weights["directions"] == "weights:W1[3,7],b2[1]"


def test_data_that_are_not_pixels_travel_as_float64() -> None:
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(30, 5)), rng.integers(0, 12, 30), 12)
    model = MLP(data, (5, 4, 12))
    p = network_payload(model)
    assert "pixels" not in p["data"]
    np.testing.assert_array_equal(from_f64(p["data"]["x"]).reshape(30, 5), data.x)
    assert p["data"]["labels"] == [int(v) for v in data.y]  # 12 classes: a list, not digits
    assert p["model"]["name"] is None


def test_f64_is_exact_and_little_endian() -> None:
    v = np.array([1.0, -0.0, np.pi, 5e-324, 1e308])
    assert f64(np.array([1.0])) == "AAAAAAAA8D8="
    np.testing.assert_array_equal(from_f64(f64(v)), v)


def test_models_the_page_cannot_compute_are_refused_in_one_line() -> None:
    large = builtin("mlp-large", 30)
    with pytest.raises(ValueError) as err:
        slice_payload(make_slice(large, "random"))
    message = str(err.value)
    assert "\n" not in message
    assert f"{BUDGET:,} weights x examples" in message and "85,002 x 30" in message
    assert "at most 25 examples" in message
    computable(builtin("mlp-large", 25))  # the budget's own edge fits
    computable(builtin("mlp"))  # the lesson's network on all 1,797 digits fits
    with pytest.raises(ValueError, match=r"^Give a gradscape Slice"):
        slice_payload(builtin("mlp", 20))  # type: ignore[arg-type]
    s = make_slice(builtin("logistic", 20), "random")
    with pytest.raises(ValueError, match="span must be a positive number"):
        slice_payload(s, span=0)
    for bad in (1, 1002, 2.5, True):
        with pytest.raises(ValueError, match="n \\(nodes a side\\) must be a whole number"):
            slice_payload(s, n=bad)  # type: ignore[arg-type]


def test_a_pytorch_model_is_computed_in_python_not_in_the_page() -> None:
    torch = pytest.importorskip("torch")
    from gradscape.models.pytorch import TorchModel

    data = digits(20)
    net = torch.nn.Sequential(torch.nn.Linear(64, 4), torch.nn.Tanh(), torch.nn.Linear(4, 10))
    model = TorchModel(
        net,
        torch.nn.functional.cross_entropy,
        (torch.tensor(data.x), torch.tensor(data.y)),
    )
    with pytest.raises(ValueError) as err:
        slice_payload(make_slice(model, "random"))
    assert "this is a TorchModel, so compute its slice in Python" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("name", list(BUILTIN))
def test_payload_sizes_of_the_built_in_models(name: str) -> None:
    """The lesson's 200 images and all 1,797 digits: sizes stay reasonable (printed with -s)."""
    for n in (200, None):
        model = builtin(name, n)
        try:
            size = len(json.dumps(slice_payload(make_slice(model, "random"))))
        except ValueError:
            assert model.n_weights * len(model.data) > BUDGET
            continue
        print(f"{name} on {len(model.data)} digits: {size / 1e3:.0f} kB")
        # pixels 1 byte, weights 3 x 8 bytes in base64 (4/3), some JSON around them
        expected = len(model.data) * 65 + 3 * model.n_weights * 32 / 3
        assert size < 1.1 * expected + 2000


def test_a_bundle_with_the_slice_engine_carries_its_worker_source() -> None:
    code = bundle("core/slice.js")
    assert "const WORKER_SOURCE = null;" not in code
    start = code.index("const WORKER_SOURCE = ") + len("const WORKER_SOURCE = ")
    source = json.loads(code[start : code.index(";\n", start)])
    assert source == bundle("core/slice-worker.js")
    assert "export " not in source.split("// ---- core/slice-worker.js")[1]  # a classic script
    assert "<" not in code[start : code.index(";\n", start)]  # cannot close an inline <script>
