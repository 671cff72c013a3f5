"""The JSON API, the pages and the static front end, through Starlette's test client."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import time

import pytest
from starlette.testclient import TestClient

from gradscape.server import CSP, CompilePool, create_app


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(CompilePool(2))) as c:
        yield c


def test_compile_returns_program_partials_and_view(client):
    r = client.post("/api/compile", json={"formula": "w1^2 + 3w2^2"})
    assert r.status_code == 200
    data = r.json()
    assert data["variables"] == ["w1", "w2"]
    assert [p["text"] for p in data["partials"]] == ["2 w1", "6 w2"]
    assert data["program"]["variables"] == ["w1", "w2"]
    assert data["view"] == {"x": [-4.0, 4.0], "y": [-3.0, 3.0]}
    assert data["minima"] == [[0.0, 0.0]]


def test_compile_accepts_gallery_names(client):
    data = client.post("/api/compile", json={"formula": "rosenbrock"}).json()
    assert data["name"] == "rosenbrock"
    assert data["minima"] == [[1.0, 1.0]]


def test_compile_pads_one_variable_formula_with_an_unused_second(client):
    data = client.post("/api/compile", json={"formula": "w1^2"}).json()
    assert data["variables"] == ["w1", "w2"]
    assert data["partials"][1]["text"] == "0"


def test_compile_makes_a_third_variable_a_parameter(client):
    data = client.post("/api/compile", json={"formula": "x + y + z"}).json()
    assert data["variables"] == ["x", "y"] and data["parameters"] == ["z"]
    assert data["program"]["variables"] == ["x", "y", "z"]


def test_compile_refuses_too_many_parameters_with_a_message(client):
    many = " + ".join(f"p{i}" for i in range(11))
    r = client.post("/api/compile", json={"formula": many})
    assert r.status_code == 400
    assert "at most 8 can be sliders" in r.json()["error"]


def test_bad_formula_is_400_with_message_and_column(client):
    r = client.post("/api/compile", json={"formula": "x + foo(y)"})
    assert r.status_code == 400
    body = r.json()
    assert "foo*(" in body["error"]
    assert body["column"] == 4


def test_a_client_may_ask_for_refusals_as_200_and_bad_requests_stay_400(client):
    ask = {"Gradscape-Refusal-Status": "200"}
    for _ in range(2):  # computed, then from the cache
        r = client.post("/api/compile", json={"formula": "x + foo(y)"}, headers=ask)
        assert r.status_code == 200
        assert r.json()["column"] == 4 and "foo*(" in r.json()["error"]
    assert client.post("/api/compile", json={"formula": "x^2"}, headers=ask).json()["program"]
    assert client.post("/api/compile", content=b"not json", headers=ask).status_code == 400
    assert client.post("/api/compile", json={"formula": "x + foo(y)"}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"formula": 3}', b"[]", b'{"formula": "x", "variables": "x"}'],
)
def test_malformed_requests_get_400_saying_what_to_send(client, body):
    r = client.post("/api/compile", content=body)
    assert r.status_code == 400
    assert r.json()["error"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"formula": NaN}', "NaN is not JSON"),
        (b'{"formula": "x", "hessian": Infinity}', "Infinity is not JSON"),
        (b'"x^2"', "one JSON object"),
        (b'{"formula": "x", "hesian": true}', 'Unknown field "hesian"'),
        (b'{"formula": ["x"]}', '"formula" string'),
        (b'{"formula": "x", "variables": ["x", 2]}', "list of names"),
    ],
)
def test_json_is_strict_and_each_refusal_is_one_line(client, body, says):
    r = client.post("/api/compile", content=body)
    assert r.status_code == 400
    message = r.json()["error"]
    assert says in message and "\n" not in message


def test_oversized_request_is_refused(client):
    r = client.post("/api/compile", json={"formula": "x" * 5000})
    assert r.status_code == 413


def test_responses_have_no_nan(client):
    r = client.post("/api/compile", json={"formula": "log(x) y"})
    json.loads(r.text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


def test_every_response_carries_the_csp(client):
    for path in ("/", "/static/hosts/page.css", "/api/gallery", "/healthz"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-eval" not in CSP


def test_a_static_file_asked_again_and_again_keeps_one_set_of_headers(client):
    # static files are answered from memory with the same header list each time; the security
    # middleware once appended to that list in place, so each answer carried more headers
    # (838 header lines after a minute of a class), until clients could not read them
    for _ in range(5):
        r = client.get("/static/hosts/page.css")
        assert r.status_code == 200
    names = [k for k, _ in r.headers.multi_items()]
    assert names.count("content-security-policy") == 1
    assert names.count("server-timing") == 1
    assert len(names) == len(set(names))


def test_index_page_loads_the_explorer_module(client):
    html = client.get("/").text
    assert 'src="/static/hosts/page.js"' in html and 'type="module"' in html


def test_gallery_lists_the_bowl_first(client):
    entries = client.get("/api/gallery").json()
    assert entries[0]["formula"] == "w1^2 + 3w2^2"


def test_hessian_must_be_a_boolean(client):
    r = client.post("/api/compile", json={"formula": "x", "hessian": "false"})
    assert r.status_code == 400 and "true or false" in r.json()["error"]


def test_powers_of_four_and_up_compile(client):
    r = client.post("/api/compile", json={"formula": "x^2^2 + y^10"})
    assert r.status_code == 200


# ---------------------------------------------------------------------------------------------
# The cache


def test_a_formula_typed_with_other_spaces_is_answered_from_the_cache_as_typed(client):
    first = client.post("/api/compile", json={"formula": "x^3 - 2x y"}).json()
    state = _state(client)
    entries = len(state.cache)
    again = client.post("/api/compile", json={"formula": "  x^3  -  2x   y "}).json()
    assert len(state.cache) == entries
    assert again["formula"] == "  x^3  -  2x   y "
    assert again["program"] == first["program"]


def test_a_gallery_name_and_its_formula_share_one_cache_entry(client):
    state = _state(client)
    by_name = client.post("/api/compile", json={"formula": "himmelblau"}).json()
    entries = len(state.cache)
    by_formula = client.post("/api/compile", json={"formula": by_name["formula"]}).json()
    assert len(state.cache) == entries
    assert by_formula == by_name


def test_a_refusal_is_cached_with_the_column_of_the_text_typed(client):
    r1 = client.post("/api/compile", json={"formula": "x + foo(y)"}).json()
    r2 = client.post("/api/compile", json={"formula": "x +  foo(y)"}).json()
    assert (r1["column"], r2["column"]) == (4, 5)


def _state(client):
    app = client.app
    while not hasattr(app, "state"):
        app = app.app
    return app.state


# ---------------------------------------------------------------------------------------------
# Start-up, health, faults


def test_the_lesson_is_rendered_at_start_up_not_on_the_first_request():
    from gradscape.lesson import lesson_html

    with TestClient(create_app(CompilePool(2))) as c:
        lesson = _state(c).lesson
        deadline = time.monotonic() + 60
        while not (lesson._page is not None and lesson._page.done()):
            assert time.monotonic() < deadline, "the lesson was not rendered within 60 s"
            time.sleep(0.2)
        start = time.monotonic()
        r = c.get("/lesson")
        assert r.status_code == 200 and time.monotonic() - start < 1.0
        # the same page; its trained weights may differ in the last bits, since the child
        # process that rendered it may run BLAS with other threads (sums in another order)
        assert _to_10_digits(r.text) == _to_10_digits(lesson_html())


def _to_10_digits(page: str) -> str:
    return re.sub(r"-?\d+\.\d{10,}(?:e-?\d+)?", lambda m: f"{float(m[0]):.10g}", page)


def test_healthz_reports_the_pool_and_the_cache(client):
    client.post("/api/compile", json={"formula": "x^2 + y"})
    data = client.get("/healthz").json()
    assert data["status"] == "ok"
    assert data["pool"]["workers"] == 2
    assert data["cache"]["entries"] >= 1 and data["cache"]["bytes"] > 0


def test_a_worker_killed_mid_request_gives_a_503_saying_retry_and_the_next_succeeds():
    import threading

    with TestClient(create_app(CompilePool(1, job=_sleepy_job))) as c:
        pool = _state(c).pool
        while not pool._idle:
            time.sleep(0.05)
        worker = pool._idle[0]

        def kill_once_busy():
            while worker not in pool._busy:  # the request has reached the worker
                time.sleep(0.01)
            time.sleep(0.2)
            os.kill(worker.process.pid, signal.SIGKILL)

        threading.Thread(target=kill_once_busy, daemon=True).start()
        r = c.post("/api/compile", json={"formula": "slow"})
        assert r.status_code == 503
        assert "try again" in r.json()["error"] and r.headers["retry-after"]
        r = c.post("/api/compile", json={"formula": "quick"})
        assert r.status_code == 200 and r.json() == {"formula": "quick"}


def _sleepy_job(formula, variables, hessian):
    """Stands in for a formula that takes forever to differentiate."""
    if formula == "slow":
        time.sleep(60)
    return {"formula": formula}


def test_a_timed_out_formula_is_not_cached():
    with TestClient(create_app(CompilePool(1, seconds=0.5, job=_sleepy_job))) as c:
        r = c.post("/api/compile", json={"formula": "slow"})
        assert r.status_code == 400 and "took over 0.5 s" in r.json()["error"]
        assert len(_state(c).cache) == 0


# ---------------------------------------------------------------------------------------------
# HTTP hygiene


def test_a_host_that_is_not_ours_is_refused_with_421():
    app = create_app(CompilePool(1), allowed_hosts=["localhost", "127.0.0.1"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/healthz", headers={"host": "evil.example:8000"})
        assert r.status_code == 421 and "127.0.0.1" in r.json()["error"]
        assert c.get("/healthz", headers={"host": "localhost:9999"}).status_code == 200


def test_cors_is_closed_unless_an_origin_is_given():
    origin = {"origin": "https://course.example"}
    with TestClient(create_app(CompilePool(1))) as c:
        r = c.get("/api/gallery", headers=origin)
        assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(CompilePool(1), cors_origin="https://course.example")) as c:
        r = c.get("/api/gallery", headers=origin)
        assert r.headers["access-control-allow-origin"] == "https://course.example"
        r = c.get("/api/gallery", headers={"origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers


def test_the_access_log_has_one_line_per_request_with_status_latency_and_client(caplog):
    app = create_app(CompilePool(1), access_log=True)
    with TestClient(app) as c, caplog.at_level(logging.INFO, logger="gradscape.access"):
        c.get("/api/gallery")
        c.post("/api/compile", json={"formula": "x +"})
    lines = [r.getMessage() for r in caplog.records if r.name == "gradscape.access"]
    assert len(lines) == 2
    assert " testclient GET /api/gallery 200 " in lines[0] and lines[0].endswith(" ms")
    assert " POST /api/compile 400 " in lines[1]


def test_openapi_describes_every_json_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    app = client.app
    while not hasattr(app, "routes"):  # under the middleware, the Starlette app
        app = app.app
    routes = {route.path for route in app.routes if hasattr(route, "methods")}
    json_routes = {path for path in routes if path.startswith("/api/") or path == "/healthz"}
    assert "/api/slice/at" in json_routes  # the app's own routes, so a new one must be described
    assert set(spec["paths"]) == json_routes
