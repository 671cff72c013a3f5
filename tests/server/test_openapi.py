"""The API against its own OpenAPI description, by schemathesis: no 5xx, every answer as
described. Runs against the live server on 127.0.0.1, a bounded number of examples each
(valid requests and, from the same description, invalid ones)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
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
    }


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_endpoint_answers_as_described_and_never_with_a_server_error(operations, mode):
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # nothing to get wrong in a GET without parameters

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()
