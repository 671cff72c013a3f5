"""The JSON API and the static front end, through Starlette's test client."""

from __future__ import annotations

import json
import time

import pytest
from starlette.testclient import TestClient

from gradscape.server import CSP, Compiler, create_app, free_port


@pytest.fixture(scope="module")
def client():
    compiler = Compiler()
    with TestClient(create_app(compiler)) as c:
        yield c
    compiler.close()


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


def test_compile_refuses_three_variables_with_a_message(client):
    r = client.post("/api/compile", json={"formula": "x + y + z"})
    assert r.status_code == 400
    assert "two variables" in r.json()["error"]


def test_bad_formula_is_400_with_message_and_column(client):
    r = client.post("/api/compile", json={"formula": "x + foo(y)"})
    assert r.status_code == 400
    body = r.json()
    assert "foo*(" in body["error"]
    assert body["column"] == 4


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"formula": 3}', b"[]", b'{"formula": "x", "variables": "x"}'],
)
def test_malformed_requests_get_400_saying_what_to_send(client, body):
    r = client.post("/api/compile", content=body)
    assert r.status_code == 400
    assert r.json()["error"]


def test_oversized_request_is_refused(client):
    r = client.post("/api/compile", json={"formula": "x" * 5000})
    assert r.status_code == 413


def test_responses_have_no_nan(client):
    r = client.post("/api/compile", json={"formula": "log(x) y"})
    json.loads(r.text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


def test_every_response_carries_the_csp(client):
    for path in ("/", "/static/hosts/page.css", "/api/gallery"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-eval" not in CSP


def test_index_page_loads_the_explorer_module(client):
    html = client.get("/").text
    assert 'src="/static/hosts/page.js"' in html and 'type="module"' in html


def test_gallery_lists_the_bowl_first(client):
    entries = client.get("/api/gallery").json()
    assert entries[0]["formula"] == "w1^2 + 3w2^2"


def test_slow_compile_is_cut_off_and_the_next_one_works():
    compiler = Compiler(seconds=1.0, job=_sleepy_job)
    try:
        start = time.monotonic()
        result = compiler.compile("slow", None, False)
        assert "took over 1 s" in result["error"]
        assert time.monotonic() - start < 10
        assert compiler.compile("x^2 + y^2", None, False)["formula"] == "x^2 + y^2"
    finally:
        compiler.close()


def _sleepy_job(formula, variables, hessian):
    """Stands in for a formula that takes forever to differentiate."""
    if formula == "slow":
        time.sleep(60)
    return {"formula": formula}


def test_free_port_moves_on_when_the_preferred_port_is_taken():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        taken = s.getsockname()[1]
        assert free_port("127.0.0.1", taken) != taken


def test_a_queued_formula_is_not_blamed_for_a_slow_one_ahead_of_it():
    import threading

    compiler = Compiler(seconds=1.0, job=_sleepy_job)
    results = {}
    try:
        slow = threading.Thread(
            target=lambda: results.update(slow=compiler.compile("slow", None, False))
        )
        slow.start()
        time.sleep(0.2)
        results["quick"] = compiler.compile("x^2 + y^2", None, False)
        slow.join()
        assert "took over" in results["slow"]["error"]
        assert results["quick"] == {"formula": "x^2 + y^2"}
        # a timeout is not remembered: the same formula gets a fresh try
        assert compiler._cached(("slow", None, False)) is None
    finally:
        compiler.close()


def test_an_internal_error_is_a_400_with_a_message_not_a_500(monkeypatch):
    from gradscape import server

    def broken(*args):
        raise IndexError("boom")

    monkeypatch.setattr(server, "surface_payload", broken)
    result = server._compile_job("x", None, False)
    assert "internal error: IndexError" in result["error"]


def test_hessian_must_be_a_boolean(client):
    r = client.post("/api/compile", json={"formula": "x", "hessian": "false"})
    assert r.status_code == 400 and "true or false" in r.json()["error"]


def test_powers_of_four_and_up_compile(client):
    r = client.post("/api/compile", json={"formula": "x^2^2 + y^10"})
    assert r.status_code == 200


def test_a_worker_killed_from_outside_is_replaced_and_close_never_waits():
    compiler = Compiler()
    try:
        assert compiler.compile("x^2", None, False)["variables"] == ["x", "y"]
        compiler._worker.kill()  # as `timeout` or the OOM killer would
        compiler._worker.join()
        assert compiler.compile("x^3 + y", None, False)["variables"] == ["x", "y"]
        start = time.monotonic()
        compiler.close()
        assert time.monotonic() - start < 3
    finally:
        compiler.close()


def test_the_server_exits_on_sigterm_sent_to_its_whole_process_group(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from gradscape.server import free_port

    port = free_port("127.0.0.1", 0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gradscape.cli", "serve", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert b"gradscape explorer at" in proc.stdout.readline()
        time.sleep(1.5)  # the compile worker is starting: the moment shutdown once hung
        os.killpg(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=15) is not None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
