"""A gallery of named surfaces to explore: data and a lookup, nothing else.

Contract
--------
`GALLERY` maps a name (lowercase ASCII words joined by "-", e.g. ``"three-hump-camel"``) to an
`Entry`, in teaching order, the lesson's bowl ``"w1^2 + 3w2^2"`` first. Every formula is gradscape
formula text with exactly two variables (the bowl uses w1, w2; every other entry x, y, in that
order), so ``Surface(entry.formula)`` parses it; this module does not parse anything itself.

For each entry (checked by ``tests/test_gallery.py``):

- ``view`` is ``((xmin, xmax), (ymin, ymax))``, a window that shows the interesting part;
- ``minima`` lists *every* global minimum, to about 1e-12 (within ``view``; McCormick's function
  is unbounded below outside its usual window, so its minimum is the window's), and is empty when
  there is none (the saddles). The gradient there is 0 except for Ackley's, whose minimum is a
  sharp tip where the gradient does not exist;
- ``start`` and ``lr`` are a place to drop the first ball and a learning rate with which plain
  gradient descent behaves well from there: it does not blow up, and it shows what the surface
  teaches (for the egg crates that means settling in a dimple that is *not* the global minimum,
  for the saddles sliding away).

`RATES` gives a tuned learning rate for every optimizer on every surface, from its start, chosen
by the reproducible search in `rates.py` (not by hand).

`get(name)` finds an entry ignoring case, accents and separators (``"Three_Hump Camel"``,
``"levi n.13"``), or returns None.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["GALLERY", "RATES", "Entry", "get"]

Point = tuple[float, float]


@dataclass(frozen=True)
class Entry:
    """One named surface."""

    name: str  # the key: lowercase ASCII, words joined by "-"
    title: str  # for people, e.g. "Rosenbrock's banana valley"
    formula: str  # gradscape formula text in two variables
    view: tuple[tuple[float, float], tuple[float, float]]  # ((xmin, xmax), (ymin, ymax))
    minima: tuple[Point, ...]  # every global minimum; () if there is none
    start: Point  # a good place to drop the first ball
    lr: float  # a learning rate with which gd behaves well from `start`
    blurb: str  # one sentence: what it teaches


_ENTRIES = (
    Entry(
        "bowl",
        "The lesson's bowl",
        "w1^2 + 3w2^2",
        ((-4.0, 4.0), (-3.0, 3.0)),
        ((0.0, 0.0),),
        (3.0, 1.0),
        0.1,
        "Three times steeper along w2 than along w1, so the gradient does not point at the "
        "minimum and descent curves in; it is stable only for lr < 1/3.",
    ),
    Entry(
        "round-bowl",
        "A round bowl",
        "x^2 + y^2",
        ((-3.0, 3.0), (-3.0, 3.0)),
        ((0.0, 0.0),),
        (2.5, 1.5),
        0.1,
        "Equally steep in every direction, so the gradient points straight away from the "
        "minimum and descent walks straight in.",
    ),
    Entry(
        "ravine",
        "A narrow ravine",
        "0.1x^2 + 10y^2",
        ((-10.0, 10.0), (-2.5, 2.5)),
        ((0.0, 0.0),),
        (-9.0, 1.0),
        0.09,
        "A hundred times steeper across than along: the steep walls force a small step (lr < "
        "0.1), so descent zigzags across and crawls along; momentum and Adam help here.",
    ),
    Entry(
        "saddle",
        "A saddle",
        "x^2 - y^2",
        ((-3.0, 3.0), (-3.0, 3.0)),
        (),
        (2.0, 0.01),
        0.1,
        "The gradient is zero at (0, 0) but that is no minimum: the surface falls forever along "
        "y, so there is no minimum at all, and a ball started just off the ridge rolls in, "
        "stalls, then slides away.",
    ),
    Entry(
        "monkey-saddle",
        "The monkey saddle",
        "x^3 - 3x y^2",
        ((-2.0, 2.0), (-2.0, 2.0)),
        (),
        (1.0, 0.05),
        0.05,
        "Three valleys (and room for a monkey's tail) meet at a flat point where both the "
        "gradient and the curvature vanish; it has no minimum, and descent slows near the "
        "centre before escaping down a valley.",
    ),
    Entry(
        "rosenbrock",
        "Rosenbrock's banana valley",
        "(1 - x)^2 + 100(y - x^2)^2",
        ((-2.0, 2.0), (-1.0, 3.0)),
        ((1.0, 1.0),),
        (-1.2, 1.0),
        0.0015,
        "The valley floor is easy to reach but nearly flat and curved, so gradient descent "
        "finds it at once and then takes thousands of steps along it to reach (1, 1).",
    ),
    Entry(
        "himmelblau",
        "Himmelblau's four valleys",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        ((-5.0, 5.0), (-5.0, 5.0)),
        (
            (3.0, 2.0),
            (-2.805118086952745, 3.131312518250573),
            (-3.779310253377747, -3.283185991286170),
            (3.584428340330492, -1.848126526964404),
        ),
        (0.0, 0.0),
        0.01,
        "Four equally deep minima: which one descent finds depends only on where it starts.",
    ),
    Entry(
        "booth",
        "Booth's function",
        "(x + 2y - 7)^2 + (2x + y - 5)^2",
        ((-4.0, 6.0), (-2.0, 8.0)),
        ((1.0, 3.0),),
        (-3.0, -1.0),
        0.05,
        "A tilted quadratic bowl: its contours are slanted ellipses, so steepest descent is "
        "not aimed along either axis.",
    ),
    Entry(
        "matyas",
        "The Matyas function",
        "0.26(x^2 + y^2) - 0.48x y",
        ((-10.0, 10.0), (-10.0, 10.0)),
        ((0.0, 0.0),),
        (8.0, 3.0),
        1.5,
        "A long, shallow diagonal valley: descent drops onto the line y = x quickly, then "
        "creeps along it, because the surface curves 25 times more gently along that line "
        "than across it.",
    ),
    Entry(
        "beale",
        "Beale's function",
        "(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2",
        ((-1.0, 4.5), (-1.5, 2.0)),
        ((3.0, 0.5),),
        (1.0, 1.5),
        0.01,
        "Steep walls around flat, curving valleys: a rate small enough for the walls is slow "
        "on the flats.",
    ),
    Entry(
        "three-hump-camel",
        "The three-hump camel",
        "2x^2 - 1.05x^4 + x^6/6 + x y + y^2",
        ((-2.5, 2.5), (-2.5, 2.5)),
        ((0.0, 0.0),),
        (2.0, 1.0),
        0.1,
        "Three valleys, only the middle one the global minimum: from the suggested start the "
        "ball settles in a side valley, a local minimum, where the gradient is just as zero.",
    ),
    Entry(
        "six-hump-camel",
        "The six-hump camel",
        "(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2",
        ((-2.5, 2.5), (-1.5, 1.5)),
        (
            (0.08984201310031806, -0.7126564030207396),
            (-0.08984201310031806, 0.7126564030207396),
        ),
        (-1.0, 1.0),
        0.05,
        "Six valleys, two of them equally deepest and mirror images, so the global minimum is "
        "not unique.",
    ),
    Entry(
        "mccormick",
        "McCormick's function",
        "sin(x + y) + (x - y)^2 - 1.5x + 2.5y + 1",
        ((-1.5, 4.0), (-3.0, 4.0)),
        ((-0.5471975511965977, -1.5471975511965979),),
        (0.0, 0.0),
        0.1,
        "A trough that ripples downhill: its global minimum in this window is at "
        "(1/2 - pi/3, -1/2 - pi/3), but a ball started at (0, 3) stops in a shallower dip.",
    ),
    Entry(
        "styblinski-tang",
        "The Styblinski-Tang function",
        "(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)/2",
        ((-5.0, 5.0), (-5.0, 5.0)),
        ((-2.903534027771177, -2.903534027771177),),
        (-0.5, -4.5),
        0.01,
        "Four valleys of three different depths: the side of the central hump you start on "
        "decides which one you reach.",
    ),
    Entry(
        "rastrigin",
        "Rastrigin's egg crate",
        "20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)",
        ((-5.12, 5.12), (-5.12, 5.12)),
        ((0.0, 0.0),),
        (2.2, -1.3),
        0.002,
        "A bowl covered in dimples: gradient descent stops in the nearest dimple, a local "
        "minimum, however good the overall trend toward (0, 0).",
    ),
    Entry(
        "ackley",
        "Ackley's function",
        "-20exp(-0.2sqrt(0.5(x^2 + y^2))) - exp(0.5(cos(2pi x) + cos(2pi y))) + e + 20",
        ((-5.0, 5.0), (-5.0, 5.0)),
        ((0.0, 0.0),),
        (2.3, 1.6),
        0.02,
        "A nearly flat plain full of ripples around one deep funnel whose tip, the minimum, is "
        "so sharp that the gradient does not exist there; descent gets caught by a ripple.",
    ),
    Entry(
        "levi-n13",
        "Lévi function N.13",
        "sin(3pi x)^2 + (x - 1)^2(1 + sin(3pi y)^2) + (y - 1)^2(1 + sin(2pi y)^2)",
        ((-2.0, 4.0), (-2.0, 4.0)),
        ((1.0, 1.0),),
        (0.85, 1.3),
        0.01,
        "Ridges every third of a unit across x trap descent in narrow troughs unless it starts "
        "close to (1, 1).",
    ),
    Entry(
        "goldstein-price",
        "The Goldstein-Price function",
        "(1 + (x + y + 1)^2(19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
        "(30 + (2x - 3y)^2(18 - 32x + 12x^2 + 48y - 36x y + 27y^2))",
        ((-2.0, 2.0), (-2.0, 2.0)),
        ((0.0, -1.0),),
        (0.5, -0.5),
        1e-4,
        "Values range from 3 to about a million, so the gradient is huge on the walls and only "
        "a tiny learning rate survives them.",
    ),
)

GALLERY: dict[str, Entry] = {e.name: e for e in _ENTRIES}

# fmt: off
RATES: dict[str, dict[str, float]] = {
    "bowl": {
        "gd": 0.178,
        "momentum": 0.01,
        "nesterov": 0.1,
        "adagrad": 3.16,
        "rmsprop": 0.178,
        "adam": 0.1,
        "newton": 1.0,
    },
    "round-bowl": {
        "gd": 0.562,
        "momentum": 0.316,
        "nesterov": 0.316,
        "adagrad": 1.78,
        "rmsprop": 0.316,
        "adam": 1.0,
        "newton": 1.0,
    },
    "ravine": {
        "gd": 0.0562,
        "momentum": 0.1,
        "nesterov": 0.0316,
        "adagrad": 5.62,
        "rmsprop": 0.0562,
        "adam": 3.16,
        "newton": 1.0,
    },
    "saddle": {
        "gd": 0.01,
        "momentum": 0.00178,
        "nesterov": 0.00178,
        "adagrad": 0.1,
        "rmsprop": 0.0178,
        "adam": 0.0178,
    },
    "monkey-saddle": {
        "gd": 0.00316,
        "momentum": 0.000316,
        "nesterov": 0.000316,
        "adagrad": 0.0562,
        "rmsprop": 0.01,
        "adam": 0.01,
    },
    "rosenbrock": {
        "gd": 0.00316,
        "momentum": 0.00178,
        "nesterov": 0.001,
        "adagrad": 1.78,
        "rmsprop": 0.0316,
        "adam": 1.0,
        "newton": 0.562,
    },
    "himmelblau": {
        "gd": 0.0178,
        "momentum": 0.00562,
        "nesterov": 0.00562,
        "adagrad": 1.78,
        "rmsprop": 0.178,
        "adam": 0.178,
    },
    "booth": {
        "gd": 0.0562,
        "momentum": 0.01,
        "nesterov": 0.0316,
        "adagrad": 3.16,
        "rmsprop": 1.0,
        "adam": 5.62,
        "newton": 1.0,
    },
    "matyas": {
        "gd": 1.0,
        "momentum": 0.178,
        "nesterov": 0.562,
        "adagrad": 5.62,
        "rmsprop": 0.0562,
        "adam": 1.0,
        "newton": 1.0,
    },
    "beale": {
        "gd": 0.0178,
        "momentum": 0.00316,
        "nesterov": 0.00316,
        "adagrad": 1.78,
        "rmsprop": 0.0316,
        "adam": 3.16,
    },
    "three-hump-camel": {
        "gd": 0.178,
        "momentum": 0.0178,
        "nesterov": 0.0562,
        "adagrad": 1.78,
        "rmsprop": 0.316,
        "adam": 0.562,
        "newton": 1.0,
    },
    "six-hump-camel": {
        "gd": 0.0562,
        "momentum": 0.0178,
        "nesterov": 0.0562,
        "adagrad": 0.316,
        "rmsprop": 0.1,
        "adam": 0.1,
    },
    "mccormick": {
        "gd": 0.178,
        "momentum": 0.0316,
        "nesterov": 0.178,
        "adagrad": 1.78,
        "rmsprop": 0.178,
        "adam": 0.178,
    },
    "styblinski-tang": {
        "gd": 0.0316,
        "momentum": 0.000562,
        "nesterov": 0.01,
        "adagrad": 1.78,
        "rmsprop": 0.178,
        "adam": 0.316,
    },
    "rastrigin": {
        "gd": 0.00316,
        "momentum": 0.001,
        "nesterov": 0.00178,
        "adagrad": 1.0,
        "rmsprop": 0.0316,
        "adam": 0.178,
    },
    "ackley": {
        "gd": 0.1,
        "momentum": 0.0178,
        "nesterov": 0.0316,
        "adagrad": 1.0,
        "rmsprop": 0.316,
        "adam": 0.316,
    },
    "levi-n13": {
        "gd": 0.01,
        "momentum": 0.00562,
        "nesterov": 0.00562,
        "adagrad": 0.178,
        "rmsprop": 0.00178,
        "adam": 0.1,
    },
    "goldstein-price": {
        "gd": 0.0001,
        "momentum": 3.16e-05,
        "nesterov": 5.62e-05,
        "adagrad": 0.1,
        "rmsprop": 0.0316,
        "adam": 0.178,
    },
}
# fmt: on
"""For each surface, a learning rate for every optimizer (descent.OPTIMIZERS) from its `start`:
the result of the search in `rates.py` (``python -m gradscape.rates`` prints this table, ``--check``
compares it): the rate of a log grid whose 200-step run ends lowest while neither it nor the next
larger rate blows up and it stays in the picture. Newton's method has none on the surfaces whose
Hessian at the start is not positive definite (it stops at once there). The explorer starts each
optimizer at these rates and compares them all from one start."""


def _key(name: str) -> str:
    """'Three_Hump Camel' -> 'threehumpcamel', 'Lévi N.13' -> 'levin13'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in plain.lower() if c.isalnum())


_BY_KEY: dict[str, Entry] = {_key(e.name): e for e in _ENTRIES}


def get(name: str) -> Entry | None:
    """The entry called `name` (case, accents, spaces, "-", "_" and "." ignored), or None."""
    if not isinstance(name, str):
        return None
    key = _key(name)
    return _BY_KEY.get(key) if key else None


def resolve(text: str) -> Entry | None:
    """The entry a formula box or command line means by `text`, or None.

    Either its name typed without spaces (any case; "-", "_" and "." alike: `Rosenbrock`,
    `three_hump_camel`) or its very formula, spaces aside. Text with spaces is a formula, so
    `round - bowl` means round minus bowl, not the round bowl.
    """
    stripped = text.strip()
    if stripped and not any(c.isspace() for c in stripped):
        entry = get(stripped)
        if entry:
            return entry
    key = formula_key(stripped)
    return next((e for e in GALLERY.values() if formula_key(e.formula) == key), None)


def formula_key(text: str) -> str:
    """A formula with its spaces taken out: two texts with one key are the same formula."""
    return "".join(text.split())


def listing() -> list[dict[str, str]]:
    """The gallery as the menu, the API and `gradscape gallery --json` show it."""
    return [
        {"name": e.name, "title": e.title, "formula": e.formula, "blurb": e.blurb}
        for e in GALLERY.values()
    ]
