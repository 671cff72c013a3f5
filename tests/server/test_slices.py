"""The slice routes (server/slices.py), through Starlette's test client (no lifespan needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from starlette.testclient import TestClient

from gradscape.models.mlp import builtin
from gradscape.models.slices import make_slice
from gradscape.server.app import create_app
from gradscape.server.pool import CompilePool
from gradscape.server.slices import SliceRegistry
from gradscape.sliceview import SliceSpec


@pytest.fixture(scope="module")
def client():
    reg = SliceRegistry()
    s = make_slice(builtin("logistic", 100), "gradient", seed=1)
    reg.register("given", s, 1.0, None, remote=True)
    app = create_app(CompilePool(1), slices=reg)  # the pool never starts: no compile here
    with_client = TestClient(app)
    with_client.slice = s  # type: ignore[attr-defined]
    return with_client


def test_a_link_builds_a_built_in_slice_with_the_pages_own_copy(client):
    r = client.get("/api/slice?m=logistic&d=random&s=2&span=0.5&t=0")
    assert r.status_code == 200
    body = r.json()
    assert body["remote"] is False and body["browser"]["format"] == "gradscape-slice/1"
    assert body["id"] == SliceSpec("logistic", "random", 2, 0.5, 0).key()
    assert body["view"] == {"x": [-0.5, 0.5], "y": [-0.5, 0.5]}
    assert body["spec"] == {"m": "logistic", "d": "random", "s": 2, "span": 0.5, "t": 0}


def test_a_given_slice_is_computed_by_the_server_tile_by_tile(client):
    meta = client.get("/api/slice?id=given").json()
    assert meta["remote"] is True and "browser" not in meta and meta["labels"][0] == "gradient"
    with client.stream(
        "POST",
        "/api/slice/field",
        json={"id": "given", "view": {"x": [-1, 1], "y": [0, 1]}, "n": 8},
    ) as r:
        assert r.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in r.iter_lines() if line]
    assert lines[0]["total"] == 64 and sum(len(t["value"]) for t in lines[1:]) == 64
    at = client.post("/api/slice/at", json={"id": "given", "point": [0.25, 0.5]}).json()
    v, g = client.slice.value_and_gradient((0.25, 0.5))
    assert at["value"] == v
    np.testing.assert_array_equal(at["gradient"], g)


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "says"),
    [
        ("GET", "/api/slice?m=vgg", None, 400, "Unknown model 'vgg'"),
        ("GET", "/api/slice?id=nope", None, 404, "no such slice"),
        ("POST", "/api/slice/at", {"id": "nope", "point": [0, 0]}, 404, "no such slice"),
        ("POST", "/api/slice/at", {"point": [0, 0]}, 400, 'slice\'s "id"'),
        ("POST", "/api/slice/at", {"id": "given", "point": "x"}, 400, "two numbers"),
        ("POST", "/api/slice/field", {"id": "given", "view": {}, "n": 5}, 400, "The window is"),
        ("POST", "/api/slice/field", {"id": "given", "view": {"x": [0, 1], "y": [0, 1]}, "n": 999},
         400, "n (nodes a side)"),
        ("POST", "/api/slice/at", {"id": "given", "pad": "x" * 5000}, 413, "over 2048 bytes"),
    ],
)  # fmt: skip
def test_bad_requests_get_a_one_line_message(client, method, url, body, status, says):
    r = client.request(method, url, json=body) if body is not None else client.request(method, url)
    assert r.status_code == status
    assert says in r.json()["error"] and "\n" not in r.json()["error"]


def test_a_link_with_unknown_directions_is_refused_before_any_training(client, monkeypatch):
    import gradscape.models.train as training

    def never(*args, **kwargs):
        raise AssertionError("trained a model for a link it then refused")

    monkeypatch.setattr(training, "train", never)
    r = client.get("/api/slice?m=mlp&d=sideways&s=9&t=50")
    assert r.status_code == 400 and "Unknown directions 'sideways'" in r.json()["error"]
    r = client.get("/api/slice?m=mlp&d=weights:W1[0,0],W1[0,0]&s=9&t=50")
    assert r.status_code == 400 and "Both directions are the weight" in r.json()["error"]
