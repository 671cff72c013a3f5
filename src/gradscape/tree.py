"""gradscape's own parse tree: `Node`, what `formula.parse` builds and `program/` compiles.

Within one parse each distinct part is one Node (hash-consing), so a part typed twice is built
into the program once, and identity is equality. Nothing here needs SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, eq=False)  # eq=False: nodes are shared, so identity is equality
class Node:
    """One part of a parsed formula. Within one parse each distinct part is one Node.

    kind: "num" (`number`, exact as typed), "const" and "var" (`name`), "call" (`name` is the
    function as typed, `args` its argument), or "add" "sub" "mul" "div" "pow" (two args), "neg".
    `value` is the float64 value of a constant part (None for a part with a variable), and
    `zero` says the part is zero wherever it is defined (`x - x`, `0 y`).
    """

    kind: str
    args: tuple[Node, ...] = ()
    name: str = ""
    number: Fraction | None = None
    value: float | None = None
    zero: bool = False


def used_variables(tree: Node) -> set[str]:
    """The names of the variables a tree uses."""
    names: set[str] = set()
    seen: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.kind == "var":
            names.add(node.name)
        stack.extend(node.args)
    return names


__all__ = ["Node", "used_variables"]
