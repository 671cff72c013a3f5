"""`gradscape slice --open` and `gradscape export --slice`: a slice in the explorer from the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from gradscape.cli import main


def test_slice_needs_an_output_or_open(capsys):
    assert main(["slice", "--model", "logistic"]) == 2
    assert "Give -o FILE (.png .npz or .json), or --open" in capsys.readouterr().err


def test_open_refuses_samples_it_cannot_link(capsys):
    assert main(["slice", "--open", "--samples", "50", "--no-browser"]) == 2
    assert "drop --samples" in capsys.readouterr().err


def test_export_slice_writes_one_offline_file(tmp_path, capsys):
    out = tmp_path / "s.html"
    assert (
        main(["export", "--slice", "m=logistic&d=gradient&s=1&span=0.5&t=0", "-o", str(out)]) == 0
    )
    html = out.read_text()
    assert "worker-src blob:" in html and '"slice"' in html and "gradscape-slice/1" in html
    assert (
        "<script src" not in html and "http://" not in html.split("<body>")[1].split("<script")[0]
    )
    assert "the page computes the slice itself" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("query", "says"),
    [("q=1", "unknown key 'q'"), ("m=vgg", "Unknown model 'vgg'"), ("", "--slice takes")],
)
def test_export_slice_refuses_a_bad_query(tmp_path, capsys, query, says):
    assert main(["export", "--slice", query, "-o", str(tmp_path / "x.html")]) == 2
    assert says in capsys.readouterr().err


def test_slice_open_serves_the_slice_at_the_printed_address(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "gradscape.cli", "slice", "--open", "--no-browser", "--port", "0",
         "--model", "logistic", "--train", "0", "--directions", "gradient"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 180
        line = proc.stdout.readline().decode()
        assert "gradscape explorer at http://127.0.0.1:" in line, line
        url = line.split(" at ")[1].split()[0]
        assert url.endswith("/?m=logistic&d=gradient&s=0&span=1&t=0")
        base, query = url.split("/?")
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/slice?{query}", timeout=60) as r:
                    meta = json.loads(r.read())
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.3)
        assert meta["labels"][0] == "gradient" and meta["browser"]["model"]["n_weights"] == 650
        with urllib.request.urlopen(base + "/", timeout=30) as r:
            assert b"/static/hosts/page.js" in r.read()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
