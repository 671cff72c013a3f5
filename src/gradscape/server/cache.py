"""The compile cache: answers by canonical form, least recently used out first, in a byte budget.

It lives in the server process, which every request goes through, so all workers share it: a
formula compiled once (by any worker, for any student) is answered from here for everyone.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from typing import Any, NamedTuple

from .. import gallery

CACHE_BYTES = 64 * 1024 * 1024  # the answers' JSON, summed


def canonical(formula: str, variables: list[str] | None, hessian: bool) -> tuple[Any, ...]:
    """The cache key: texts that mean the same compile share it.

    A gallery name and its formula (spaces aside) are one entry; any other formula is keyed by
    its text with runs of whitespace made one space and the ends stripped (whitespace never
    changes a formula's meaning except between two names, where one space keeps them apart).
    """
    entry = gallery.resolve(formula)
    text = f"gallery:{entry.name}" if entry else " ".join(formula.split())
    return (text, None if variables is None else tuple(variables), hessian)


class Answer(NamedTuple):
    """A compile answer as sent: its status, its JSON body, and the formula it echoes (None for
    a gallery entry or a refusal)."""

    status: int
    body: bytes
    formula: str | None


class ByteLRU:
    """A least-recently-used map of compile answers, kept as their JSON bytes, whose total size
    stays under `budget` (so the budget is close to the memory they take).

    The size of an entry is the memory its body, formula and key take, plus the objects that
    hold them (ENTRY_OVERHEAD); an answer bigger than the whole budget is not kept. Not
    thread-safe: the server uses it from its event loop.
    """

    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self.budget = budget
        self.bytes = 0
        self._entries: OrderedDict[tuple[Any, ...], tuple[Answer, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Any, ...]) -> Answer | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return hit[0]

    def put(self, key: tuple[Any, ...], value: dict[str, Any]) -> Answer:
        """Keep `value` (a payload or a refusal) and return it as an Answer."""
        answer = to_answer(value)
        size = (
            sys.getsizeof(answer.body)
            + (sys.getsizeof(answer.formula) if answer.formula is not None else 0)
            + sys.getsizeof(key)
            + sum(sys.getsizeof(part) for part in key)
            + ENTRY_OVERHEAD
        )
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        if size <= self.budget:
            self._entries[key] = (answer, size)
            self.bytes += size
            while self.bytes > self.budget:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped
        return answer


# bytes of Python objects around each entry: the Answer, the (answer, size) pair, the size,
# the ordered dict's slot and link (measured with tracemalloc: tests/server/test_cache.py)
ENTRY_OVERHEAD = 320


def to_answer(value: dict[str, Any]) -> Answer:
    if "error" in value:
        refusal = {"error": value["error"], "column": value.get("column")}
        return Answer(400, _dumps(refusal), None)
    formula = value.get("formula") if value.get("name") is None else None
    return Answer(200, _dumps(value), formula)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=False, separators=(",", ":")).encode()
