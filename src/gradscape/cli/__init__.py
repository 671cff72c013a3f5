"""The `gradscape` command: the parser, the error rule, and one module per command family.

    gradscape                         the explorer in your browser (same as `gradscape serve`)
    gradscape grad FORMULA --at 3,1   value, partial derivatives, gradient, descent direction
    gradscape descend FORMULA --from 3,1 [--optimizer adam] [--lr 0.1] [--steps 50]
    gradscape gallery                 the named surfaces; a name works wherever a formula does
    gradscape plot FORMULA -o bowl.png [--from 3,1]...   a picture or an animation (matplotlib)
    gradscape export FORMULA -o bowl.html                one self-contained HTML file
    gradscape model [--model mlp] [--train STEPS]        a built-in network, its gradient
    gradscape slice [--directions random] -o s.png       loss and 2D gradient on a plane

Commands live in `formula.py` (grad, descend, gallery), `plot.py`, `export.py`, `serve.py` and
`models.py` (model, slice); each registers itself with `add_commands(subparsers)` and imports its
heavy library (matplotlib, the server) only when it runs. Bad input exits with status 2 and a
one-line message (with a caret under the problem in a formula), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from ..formula import FormulaError
from ..payload import error_payload
from . import export, formula, models, plot, serve
from .args import UsageError


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    ns = _parser().parse_args(_protect_negatives(args))
    command: Callable[[argparse.Namespace], int] = getattr(ns, "run", serve.run)
    try:
        return command(ns)
    except (ValueError, OverflowError) as err:
        print(f"gradscape: {error_payload(err)['error']}", file=sys.stderr)
        if isinstance(err, FormulaError):
            print(_indent(err.caret(getattr(ns, "formula", "") or "")), file=sys.stderr)
    except OSError as err:  # a port or host that cannot be bound, a file that cannot be written
        if isinstance(err, BrokenPipeError):  # `gradscape gallery | head`: the reader left
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more is printed
            return 0
        print(f"gradscape: {err.strerror or err}; check the address, port or path", file=sys.stderr)
    except KeyboardInterrupt:
        return 130
    return 2


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# Options whose value may start with '-' (a negative coordinate); argparse would take it for an
# option, so `--at -3,1` is rewritten to `--at=-3,1`.
_VALUED = {"--at", "--from", "--view"}
_FORMULA_COMMANDS = {"grad", "descend", "plot", "export"}


def _protect_negatives(args: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in _VALUED and i + 1 < len(args) and args[i + 1].startswith("-"):
            out.append(f"{a}={args[i + 1]}")
            i += 2
            continue
        # a formula such as "-x^2" right after the subcommand: a leading space keeps it positional
        # (an option such as --lesson or -o may come first too: formulas never start with "--")
        if (
            out
            and out[-1] in _FORMULA_COMMANDS
            and a.startswith("-")
            and not a.startswith("--")
            and a not in ("-h", "-o")
        ):
            a = " " + a
        out.append(a)
        i += 1
    return out


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"gradscape: {message}. See 'gradscape --help'\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="gradscape",
        description="See and understand the gradient. With no command, opens the explorer.",
    )
    sub = p.add_subparsers(metavar="COMMAND")
    for family in (serve, formula, plot, export, models):
        family.add_commands(sub)
    return p


__all__ = ["UsageError", "main"]
