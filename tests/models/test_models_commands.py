"""`gradscape model` and `gradscape slice`: outputs parse, bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gradscape.cli import main


def test_model_json_parses_and_the_mlp_trains_above_90_percent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["model", "--json", "--samples", "500", "--train", "100"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_weights"] == 1210 and out["accuracy"] > 0.9
    assert out["loss"] < out["loss_before"]
    assert len(out["largest"]) == 10 and out["largest"][0]["name"].startswith(("W", "b"))
    sizes = [abs(t["partial"]) for t in out["largest"]]
    assert sizes == sorted(sizes, reverse=True)


def test_model_text_names_the_largest_partials(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "--model", "logistic", "--train", "5", "--samples", "100"]) == 0
    out = capsys.readouterr().out
    assert "650 weights" in out and "|gradient|" in out and "dL/dW1[" in out


def test_slice_writes_npz_a_user_can_open(tmp_path: Path) -> None:
    path = tmp_path / "s.npz"
    args = ["slice", "--train", "5", "--samples", "100", "--grid", "5", "-o", str(path)]
    assert main([*args, "--directions", "weights:W1[3,7],b2[1]"]) == 0
    with np.load(path) as f:
        assert f["loss"].shape == (5, 5) and f["grad_a"].shape == (5, 5)
        assert f["a"][0] == -1 and f["b"][-1] == 1
        assert json.loads(str(f["meta"]))["directions"] == "weights:W1[3,7],b2[1]"


@pytest.mark.parametrize("directions", ["random", "gradient", "hessian"])
def test_slice_writes_json_without_nan(tmp_path: Path, directions: str) -> None:
    path = tmp_path / "s.json"
    args = ["slice", "--model", "logistic", "--train", "3", "--samples", "80", "--grid", "4"]
    assert main([*args, "--directions", directions, "--span", "0.5", "-o", str(path)]) == 0
    data = json.loads(path.read_text())  # strict JSON: NaN would not parse with this check
    assert "NaN" not in path.read_text()
    assert np.array(data["loss"]).shape == (4, 4) and data["a"][0] == -0.5
    assert 0 <= data["in_plane"] <= 1


def test_slice_draws_a_png(tmp_path: Path) -> None:
    path = tmp_path / "s.png"
    args = ["slice", "--train", "3", "--samples", "80", "--grid", "6", "-o", str(path)]
    assert main(args) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["slice", "--directions", "weights:W1[3,77],b2[1]", "-o", "x.npz"], "did you mean"),
        (["slice", "--directions", "weights:b2[1],b2[1]", "-o", "x.npz"], "two different"),
        (["slice", "--grid", "1", "-o", "x.npz"], "at least 2"),
        (["slice", "-o", "x.txt"], "-o must end in"),
        (["slice", "--span", "0", "-o", "x.npz"], "--span must be"),
        (["model", "--model", "resnet"], "Unknown model"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main([*args, "--train", "0", "--samples", "20"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_ctrl_c_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gradscape.models import slices

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(slices.Slice, "grid", interrupted)
    assert main(["slice", "--train", "0", "--samples", "20", "-o", "x.npz"]) == 130
    assert "Traceback" not in capsys.readouterr().err


def test_progress_bar_draws_only_on_a_terminal() -> None:
    import io

    from gradscape.cli.models import progress_bar

    assert progress_bar("x", io.StringIO()) is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = progress_bar("slice", out)
    assert bar is not None
    bar(5, 5)
    assert "100%" in out.getvalue() and out.getvalue().endswith("\n")
