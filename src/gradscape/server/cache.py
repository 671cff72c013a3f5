"""The compile cache: answers by canonical form, least recently used out first, in a byte budget.

It lives in the server process, which every request goes through, so all workers share it: a
formula compiled once (by any worker, for any student) is answered from here for everyone.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

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


class ByteLRU:
    """A least-recently-used map of JSON-ready answers whose total size stays under `budget`.

    The size of an entry is the length of its JSON plus its key; an answer bigger than the whole
    budget is not kept. Not thread-safe: the server uses it from its event loop only.
    """

    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self.budget = budget
        self.bytes = 0
        self._entries: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        self._entries.move_to_end(key)
        return hit[0]

    def put(self, key: tuple[Any, ...], value: dict[str, Any]) -> None:
        size = len(json.dumps(value, separators=(",", ":"))) + len(repr(key))
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        if size > self.budget:
            return
        self._entries[key] = (value, size)
        self.bytes += size
        while self.bytes > self.budget:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped
