"""gradscape.sliceview: what a link names, and what the slice view gets from Python."""

from __future__ import annotations

import numpy as np
import pytest

from gradscape.models.mlp import builtin
from gradscape.models.slices import Tile, TileResult, assemble, axes, make_slice
from gradscape.sliceview import (
    SliceSpec,
    check_field,
    field_messages,
    point_readout,
    slice_meta,
)


@pytest.fixture(scope="module")
def small():
    return make_slice(builtin("logistic", 120), "random", seed=4)


def test_a_link_query_parses_and_writes_back_the_same_slice():
    spec = SliceSpec.parse({"m": "MLP ", "d": "weights:W1[3,7],b2[1]", "s": "5", "span": "0.5"})
    assert spec == SliceSpec("mlp", "weights:W1[3,7],b2[1]", 5, 0.5, None)
    assert spec.steps == 200
    assert spec.query() == "m=mlp&d=weights:W1%5B3,7%5D,b2%5B1%5D&s=5&span=0.5"
    from urllib.parse import parse_qsl

    assert SliceSpec.parse(dict(parse_qsl(spec.query()))) == spec
    assert SliceSpec.parse({"m": "lesson"}).steps == 0


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"m": "resnet"}, "Unknown model 'resnet'"),
        ({"s": "-1"}, "s (the seed) takes a whole number"),
        ({"span": "0"}, "span must be a number above 0"),
        ({"span": "nan"}, "span takes a finite number"),
        ({"span": "x"}, "span takes a number"),
        ({"t": "99999"}, "t (training steps) takes a whole number from 0 to 1000"),
    ],
)
def test_bad_link_values_say_what_to_give(query, says):
    with pytest.raises(ValueError, match=r"^" + says.replace("(", r"\(").replace(")", r"\)")):
        SliceSpec.parse(query)


def test_the_lesson_spec_builds_the_lessons_own_network():
    from gradscape.models.model import lesson_model

    s = SliceSpec.parse({"m": "lesson", "d": "gradient"}).build()
    lesson = lesson_model()
    np.testing.assert_array_equal(s.w0, lesson.w)
    assert s.loss0 == lesson.loss(lesson.w)


def test_the_python_code_rebuilds_the_same_slice():
    spec = SliceSpec.parse({"m": "logistic", "d": "gradient", "s": "2", "t": "3"})
    scope: dict[str, object] = {}
    exec(compile(spec.python(), "<code>", "exec"), scope)
    built = spec.build()
    np.testing.assert_array_equal(scope["slice_"].d1, built.d1)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(scope["slice_"].w0, built.w0)  # type: ignore[attr-defined]


def test_point_readout_is_the_slice_at_that_point(small):
    r = point_readout(small, [0.3, -0.2])
    v, g = small.value_and_gradient((0.3, -0.2))
    assert r["value"] == v and r["gradient"] == [g[0], g[1]]
    full = small.model.gradient(small.point((0.3, -0.2)))
    assert r["gradNorm"] == pytest.approx(np.linalg.norm(full), rel=1e-14)
    assert r["inPlane"] == pytest.approx(small.in_plane((0.3, -0.2)), rel=1e-12)
    assert r["accuracy"] == small.model.accuracy(small.point((0.3, -0.2)))
    with pytest.raises(ValueError, match="two numbers"):
        point_readout(small, [1])
    with pytest.raises(ValueError, match="finite"):
        point_readout(small, [float("inf"), 0])


def test_field_messages_are_a_header_then_tiles_that_assemble_the_grid(small):
    msgs = list(field_messages(small, (-1, 0.5), (-0.25, 1), 9))
    head, tiles = msgs[0], msgs[1:]
    xs, ys = axes((-1, 0.5), (-0.25, 1), 9)
    assert head == {"xs": xs.tolist(), "ys": ys.tolist(), "total": 81}
    assert len(tiles) > 1  # the picture fills in visibly
    results = []
    for t in tiles:
        (r0, r1), (c0, c1) = t["rows"], t["cols"]
        shape = (r1 - r0, c1 - c0)
        value = np.array(t["value"]).reshape(shape)
        grad = np.stack([np.array(t["ga"]).reshape(shape), np.array(t["gb"]).reshape(shape)])
        results.append(TileResult(Tile((r0, r1), (c0, c1)), value, grad))
    got = assemble(xs, ys, results)
    want = small.grid((-1, 0.5), (-0.25, 1), 9)
    np.testing.assert_allclose(got.value, want.value, rtol=1e-13)
    np.testing.assert_allclose(got.gradient, want.gradient, rtol=1e-12, atol=1e-14)


def test_check_field_refuses_what_it_cannot_draw():
    assert check_field({"x": [0, 1], "y": [-1, 1]}, 5) == ((0.0, 1.0), (-1.0, 1.0), 5)
    square = {"x": [0, 1], "y": [0, 1]}
    for view, n in [
        ({"x": [1, 0], "y": [0, 1]}, 5),
        ({"x": [0, 1]}, 5),
        (square, 500),
        (square, True),
    ]:
        with pytest.raises(ValueError):
            check_field(view, n)


def test_slice_meta_names_the_axes_and_the_model(small):
    meta = slice_meta(small, 2.0)
    assert meta["labels"] == ["random 1", "random 2"]
    assert meta["view"] == {"x": [-2.0, 2.0], "y": [-2.0, 2.0]}
    assert meta["nWeights"] == 650 and meta["samples"] == 120 and meta["hasAccuracy"]
    h = make_slice(builtin("logistic", 120), "hessian")
    assert slice_meta(h)["labels"][0].startswith("Hessian eigenvector 1, λ = ")
