"""What a slice link costs the server before it answers: building the slice a link names
(`SliceSpec.parse(query).build()`, what GET /api/slice runs on a cache miss), for a good link and
for a link whose directions are wrong, this checkout against another one side by side.

A link with bad directions should be refused in milliseconds: the server trains a model (one
build at a time) only for a link it will answer. Each checkout runs in its own Python process
(the two cannot share one), alternately, so both see the same machine.

    python benchmarks/slice_link.py --baseline-src ../other-checkout/src [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1] / "src"
LINKS = {
    "good link (mlp, random, 200 steps)": {"m": "mlp", "d": "random", "t": "200"},
    "bad directions (mlp, d=sideways, 200 steps)": {"m": "mlp", "d": "sideways", "t": "200"},
    "same weight twice (mlp, 200 steps)": {"m": "mlp", "d": "weights:W1[0,0],W1[0,0]", "t": "200"},
}
CHILD = """
import json, sys, time
from gradscape.models.data import digits
from gradscape.sliceview import SliceSpec
digits()  # a running server keeps the digits in memory after its first build: not timed
query = json.loads(sys.argv[1])
start = time.perf_counter()
try:
    SliceSpec.parse(query).build()
    said = "built"
except ValueError as err:
    said = str(err).splitlines()[0]
print(json.dumps({"ms": (time.perf_counter() - start) * 1e3, "said": said}))
"""


def once(src: Path, query: dict[str, str]) -> dict[str, object]:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(query)],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    answer: dict[str, object] = json.loads(run.stdout)
    return answer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-src", type=Path, required=True, help="the other checkout's src/")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not (args.baseline_src / "gradscape" / "sliceview.py").is_file():
        sys.exit(f"--baseline-src {args.baseline_src} has no gradscape/sliceview.py; give a src/")
    print(f"{'link':46} {'baseline ms':>12} {'this ms':>10} {'ratio':>8}  this checkout says")
    for name, query in LINKS.items():
        base, this = [], []
        said = ""
        for _ in range(args.repeat):
            base.append(float(once(args.baseline_src, query)["ms"]))  # type: ignore[arg-type]
            answer = once(HERE, query)
            this.append(float(answer["ms"]))  # type: ignore[arg-type]
            said = str(answer["said"])
        b, t = statistics.median(base), statistics.median(this)
        print(f"{name:46} {b:12.1f} {t:10.1f} {b / t:7.1f}x  {said[:60]}")


if __name__ == "__main__":
    main()
