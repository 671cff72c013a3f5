"""The API against its own OpenAPI description, by schemathesis: no 5xx, every answer as
described. Runs against the live server on 127.0.0.1, a bounded number of examples each
(valid requests and, from the same description, invalid ones)."""

from __future__ import annotations

import json
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture(scope="module")
def operations(live_server):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_the_description_covers_every_json_endpoint(operations):
    assert {(op.method.upper(), op.path) for op in operations} == {
        ("POST", "/api/compile"),
        ("GET", "/api/gallery"),
        ("GET", "/healthz"),
        ("GET", "/api/slice"),
        ("POST", "/api/slice/field"),
        ("POST", "/api/slice/at"),
    }


MAX_TRAIN_IN_TESTS = 3  # a link may ask for 1,000 training steps: seconds each, so fewer here
SLICE_LINK = "/api/slice?m=logistic&d=random&s=0&t=0"


def _bounded(case):
    """A GET /api/slice case with its training steps kept small (the rest as generated)."""
    t = (case.query or {}).get("t")
    if isinstance(t, int) and t > MAX_TRAIN_IN_TESTS:
        case.query["t"] = t % (MAX_TRAIN_IN_TESTS + 1)
    return case


def _with_real_id(slice_id):
    """A POST /api/slice/* case whose body names a slice that exists, half of the time."""

    def use(pair):
        case, real = pair
        if real and isinstance(case.body, dict):
            case.body["id"] = slice_id
        return case

    return use


def _strategy(operation, mode, base_url):
    strategy = operation.as_strategy(generation_mode=mode)
    if operation.path == "/api/slice":
        return strategy.map(_bounded), 12
    if operation.path.startswith("/api/slice/"):
        with urllib.request.urlopen(base_url + SLICE_LINK, timeout=60) as answer:
            slice_id = json.loads(answer.read())["id"]  # built now, so it is in the server's LRU
        return st.tuples(strategy, st.booleans()).map(_with_real_id(slice_id)), 30
    return strategy, 40


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_endpoint_answers_as_described_and_never_with_a_server_error(
    operations, mode, live_server
):
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.path in ("/api/gallery", "/healthz"):
            continue  # nothing to get wrong in a GET without parameters
        strategy, examples = _strategy(operation, mode, live_server.url)

        @given(case=strategy)
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()
