"""The OpenAPI 3.1 description of the JSON endpoints, served at /openapi.json."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import __version__
from ..models.mlp import BUILTIN
from ..parameters import MAX_PARAMETERS
from ..sliceview import LESSON, MAX_NODES, MAX_SPAN, MAX_TRAIN

_ERROR = {
    "type": "object",
    "required": ["error", "column"],
    "properties": {
        "error": {"type": "string", "description": "one line saying what to do"},
        "column": {
            "type": ["integer", "null"],
            "description": "where in the formula (0-based), when the formula is at fault",
        },
    },
}
_NUMBERS = {"type": "array", "items": {"type": "number"}}
_PAIR = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
_OP = {  # an op name, then its registers (integers) or constant (a number)
    "type": "array",
    "minItems": 1,
    "items": {"type": ["number", "string"]},
}
_PROGRAM = {
    "type": "object",
    "required": ["variables", "value", "gradient", "ops"],
    "properties": {
        "variables": {"type": "array", "items": {"type": "string"}},
        "value": {"type": "integer"},
        "gradient": {"type": "array", "items": {"type": "integer"}},
        "hessian": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        "ops": {"type": "array", "items": _OP},
    },
}
_PARTIAL = {
    "type": "object",
    "required": ["variable", "text", "latex", "html"],
    "properties": {k: {"type": "string"} for k in ("variable", "text", "latex", "html")},
}
_OPTIONAL_STRING = {"type": ["string", "null"]}
_SURFACE = {
    "type": "object",
    "required": ["formula", "variables", "text", "partials", "program", "view", "minima"],
    "properties": {
        "formula": {"type": "string"},
        "name": _OPTIONAL_STRING,
        "title": _OPTIONAL_STRING,
        "blurb": _OPTIONAL_STRING,
        "variables": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
        "parameters": {
            "type": "array",
            "items": {"type": "string"},
            "description": "the variables past the two axes (sliders), after them in the program",
        },
        "text": {"type": "string"},
        "latex": {"type": "string"},
        "html": {"type": "string"},
        "partials": {"type": "array", "items": _PARTIAL},
        "program": _PROGRAM,
        "view": {
            "type": "object",
            "required": ["x", "y"],
            "properties": {"x": _PAIR, "y": _PAIR},
        },
        "minima": {"type": "array", "items": _NUMBERS},
        "start": {"type": ["array", "null"], "items": {"type": "number"}},
        "lr": {"type": ["number", "null"]},
        "hint": _OPTIONAL_STRING,
        "own_variables": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": 2 + MAX_PARAMETERS,
        },
        "rates": {"type": ["object", "null"], "additionalProperties": {"type": "number"}},
    },
}
_REQUEST = {
    "type": "object",
    "required": ["formula"],
    "additionalProperties": False,
    "properties": {
        "formula": {
            "type": "string",
            "description": "a formula or a gallery name, e.g. w1^2 + 3w2^2 or rosenbrock",
            "example": "w1^2 + 3w2^2",
        },
        "variables": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "the variables' order (default: as the formula names them)",
        },
        "hessian": {"type": "boolean", "description": "also compile the Hessian"},
    },
}


_NUMBER_OR_NULL = {"type": ["number", "null"], "description": "null where it is not finite"}
_WINDOW = {
    "type": "object",
    "required": ["x", "y"],
    "properties": {"x": _PAIR, "y": _PAIR},
}
_SLICE = {
    "type": "object",
    "required": ["id", "remote", "variables", "labels", "kind", "title", "nWeights", "view"],
    "properties": {
        "id": {"type": "string", "description": "the slice's key for /api/slice/field and /at"},
        "remote": {
            "type": "boolean",
            "description": "true: the server computes the field (/api/slice/field and /at)",
        },
        "browser": {
            "type": "object",
            "description": "the network, its examples and the plane, for the page to compute",
        },
        "variables": {"type": "array", "items": {"type": "string"}},
        "labels": {"type": "array", "items": {"type": "string"}},
        "kind": {"type": "string"},
        "model": {"type": "string"},
        "title": {"type": "string"},
        "nWeights": {"type": "integer"},
        "layers": {"type": "array", "items": {"type": "integer"}},
        "samples": {"type": ["integer", "null"]},
        "view": _WINDOW,
        "start": {"type": "array", "items": {"type": "number"}},
        "span": {"type": "number"},
        "lossAtW0": _NUMBER_OR_NULL,
        "inPlaneAtW0": _NUMBER_OR_NULL,
        "eigenvalues": {"type": ["array", "null"], "items": _NUMBER_OR_NULL},
        "stableLr": _NUMBER_OR_NULL,
        "hasAccuracy": {"type": "boolean"},
        "spec": {"type": "object", "description": "the link's m, d, s, span and t"},
        "python": {"type": "string", "description": "Python that rebuilds this slice"},
    },
}
_SLICE_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    for name, description, schema in [
        ("id", "a slice the server was started with (the others are ignored)", {"type": "string"}),
        ("m", "a built-in model", {"enum": [*BUILTIN, LESSON]}),
        (
            "d",
            "the directions: random, gradient, hessian or weights:NAME,NAME",
            {"type": "string", "example": "random"},
        ),
        ("s", "the seed", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}),
        (
            "span",
            "the window's half-width",
            {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_SPAN},
        ),
        (
            "t",
            "Adam steps the model is trained before it is sliced",
            {"type": "integer", "minimum": 0, "maximum": MAX_TRAIN},
        ),
    ]
]
_FIELD_REQUEST = {
    "type": "object",
    "required": ["id", "view", "n"],
    "properties": {
        "id": {"type": "string"},
        "view": _WINDOW,
        "n": {"type": "integer", "minimum": 2, "maximum": MAX_NODES},
    },
}
_AT_REQUEST = {
    "type": "object",
    "required": ["id", "point"],
    "properties": {"id": {"type": "string"}, "point": _PAIR},
}
_READOUT = {
    "type": "object",
    "required": ["point", "value", "gradient", "gradNorm", "inPlane", "accuracy"],
    "properties": {
        "point": _PAIR,
        "value": _NUMBER_OR_NULL,
        "gradient": {"type": "array", "items": _NUMBER_OR_NULL, "minItems": 2, "maxItems": 2},
        "gradNorm": _NUMBER_OR_NULL,
        "inPlane": _NUMBER_OR_NULL,
        "accuracy": _NUMBER_OR_NULL,
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _retry(description: str) -> dict[str, Any]:
    answer = _json(_ERROR, description)
    answer["headers"] = {"Retry-After": {"schema": {"type": "string"}}}
    return answer


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    """The description (the same object every call: treat it as read-only)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "gradscape explorer server",
            "version": __version__,
            "description": (
                "Compiles formulas to programs the explorer runs, and serves slices of"
                " models' loss landscapes."
            ),
        },
        "paths": {
            "/api/compile": {
                "post": {
                    "summary": "Compile a formula: its partials and the program for them",
                    "description": (
                        "A refused formula is answered 400 with {error, column}; a client that"
                        " sends the header Gradscape-Refusal-Status: 200 gets the same body with"
                        " status 200 instead (the explorer does, so typing logs no console error)."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _REQUEST}},
                    },
                    "responses": {
                        "200": _json(_SURFACE, "the compiled surface"),
                        "400": _json(_ERROR, "the formula or the request was refused"),
                        "408": _json(_ERROR, "the body did not arrive in time"),
                        "413": _json(_ERROR, "the request is too big"),
                        "429": _retry("this client has too many compiles waiting"),
                        "503": _retry("the server is busy or a worker failed: retry"),
                    },
                }
            },
            "/api/gallery": {
                "get": {
                    "summary": "The gallery of named surfaces",
                    "responses": {
                        "200": _json(
                            {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["name", "title", "formula", "blurb"],
                                    "properties": {
                                        k: {"type": "string"}
                                        for k in ("name", "title", "formula", "blurb")
                                    },
                                },
                            },
                            "the gallery, the bowl first",
                        )
                    },
                }
            },
            "/api/slice": {
                "get": {
                    "summary": "A slice of a model's loss landscape, by its link or its id",
                    "description": (
                        "A built-in model's slice is built on demand (trained t steps, one build"
                        " at a time) and carries `browser`, for the page to compute; a slice the"
                        " server was started with (`gradscape slice --open`) is `remote`."
                    ),
                    "parameters": _SLICE_PARAMETERS,
                    "responses": {
                        "200": _json(_SLICE, "the slice"),
                        "400": _json(_ERROR, "a parameter was refused"),
                        "404": _json(_ERROR, "no slice has that id"),
                    },
                }
            },
            "/api/slice/field": {
                "post": {
                    "summary": "A remote slice's field, tile by tile as they are computed",
                    "description": (
                        "NDJSON: a header line {xs, ys, total}, then tiles {rows, cols, value,"
                        " ga, gb}, or a line {error} if the computation failed midway."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _FIELD_REQUEST}},
                    },
                    "responses": {
                        "200": {
                            "description": "the field, one JSON object a line",
                            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                        },
                        "400": _json(_ERROR, "the request was refused"),
                        "404": _json(_ERROR, "no slice has that id"),
                        "413": _json(_ERROR, "the request is too big"),
                    },
                }
            },
            "/api/slice/at": {
                "post": {
                    "summary": "The exact readout at one point of a slice",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _AT_REQUEST}},
                    },
                    "responses": {
                        "200": _json(_READOUT, "the loss, its 2D gradient, the full norm"),
                        "400": _json(_ERROR, "the request was refused"),
                        "404": _json(_ERROR, "no slice has that id"),
                        "413": _json(_ERROR, "the request is too big"),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Whether the server is up, with its pool and cache",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["status", "pool", "cache"],
                                "properties": {
                                    "status": {"const": "ok"},
                                    "pool": {
                                        "type": "object",
                                        "required": list(_POOL_STATS),
                                        "properties": {k: {"type": "integer"} for k in _POOL_STATS},
                                    },
                                    "cache": {
                                        "type": "object",
                                        "required": ["entries", "bytes", "budget"],
                                        "properties": {
                                            k: {"type": "integer"}
                                            for k in ("entries", "bytes", "budget")
                                        },
                                    },
                                },
                            },
                            "up",
                        )
                    },
                }
            },
        },
    }


_POOL_STATS = ("workers", "back", "busy", "queued", "replaced", "recycled", "inlined")
