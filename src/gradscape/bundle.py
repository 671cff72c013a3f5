"""Join gradscape's own ES modules into one module, for hosts that can load only one.

The web page loads `static/<folder>/*.js` as separate modules. The Jupyter widget (anywidget's
`_esm`) and the one-file HTML export need a single self-contained module instead. This is not a
general bundler: it handles exactly the forms gradscape's modules use, and refuses anything else
loudly:

    import { a, b as c } from "./x.js";          (relative imports: the same folder,
    import { a } from "../core/x.js";             or a sibling folder under static/)
    export function f / export async function f / export class C / export const X / export let X
    export { a, b as c };
    export default EXPR;
    const NAME = null; // bundle: source of "./worker.js"

The last form is for workers: the bundler replaces that line with the worker's own bundle as a
string (``const NAME = "...";``), so a page built from one file can start the worker from a Blob
URL; served as separate files, the module sees null and loads the worker's file instead.

Modules are named by their path under static/ ("core/format.js"); an import is resolved against
the importing module's folder and must stay inside static/. Each module becomes a function scope
that returns its exports, in dependency order, so private names never collide and every module
runs once. The entry's exports are re-exported.
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import cache
from importlib import resources

STATIC = resources.files("gradscape") / "static"

_IMPORT = re.compile(
    r'^import\s*\{([^}]*)\}\s*from\s*"(\.\.?/(?:[\w.-]+/)*[\w.-]+\.js)";[ \t]*$', re.M
)
_DECL = re.compile(
    r"^export\s+((?:async\s+)?function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)", re.M
)
_LIST = re.compile(r"^export\s*\{([^}]*)\};?[ \t]*$", re.M)
_DEFAULT = re.compile(r"^export\s+default\s+", re.M)
_SOURCE_OF = re.compile(
    r'^const ([A-Za-z_$][\w$]*) = null; // bundle: source of "(\.\.?/(?:[\w.-]+/)*[\w.-]+\.js)"[ \t]*$',
    re.M,
)
_ANY_IMPORT_EXPORT = re.compile(r"^\s*(import\b(?!\()|export\b)", re.M)


class BundleError(RuntimeError):
    """A module uses a form this bundler does not handle (a gradscape bug, not user input)."""


def _names(spec: str) -> list[tuple[str, str]]:
    """'a, b as c' -> [('a', 'a'), ('b', 'c')] as (exported name, local name)."""
    pairs = []
    for part in spec.replace("\n", " ").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) == 3 and words[1] == "as":
            pairs.append((words[0], words[2]))
        elif len(words) == 1:
            pairs.append((words[0], words[0]))
        else:
            raise BundleError(f"cannot bundle import/export list {part.strip()!r}")
    return pairs


def _var(module: str) -> str:
    return "__gs_" + re.sub(r"\W", "_", module.removesuffix(".js"))


def _resolve(importer: str, spec: str) -> str:
    """The path under static/ that `spec` ("./x.js", "../core/x.js") names, seen from `importer`."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    if path.startswith("../") or path.startswith("/"):
        raise BundleError(f"{importer}: import {spec!r} leaves static/")
    return path


def _transform(name: str, source: str) -> tuple[str, list[str]]:
    """One module as a function scope returning its exports; and the modules it imports."""
    deps: list[str] = []
    lines: list[str] = []

    def take_import(m: re.Match[str]) -> str:
        dep = _resolve(name, m[2])
        deps.append(dep)
        binds = ", ".join(a if a == b else f"{a}: {b}" for a, b in _names(m[1]))
        return f"const {{ {binds} }} = {_var(dep)};"

    def take_source(m: re.Match[str]) -> str:
        text = json.dumps(bundle(_resolve(name, m[2]))).replace("<", "\\u003c")
        return f"const {m[1]} = {text};"

    body = _SOURCE_OF.sub(take_source, source)
    body = _IMPORT.sub(take_import, body)
    exports = [(n, n) for _, n in _DECL.findall(body)]
    body = _DECL.sub(lambda m: f"{m[1]} {m[2]}", body)
    for m in _LIST.finditer(body):
        exports += [(local, exported) for local, exported in _names(m[1])]
    body = _LIST.sub("", body)
    if _DEFAULT.search(body):
        body = _DEFAULT.sub("const __default = ", body, count=1)
        exports.append(("__default", "default"))
    leftover = _ANY_IMPORT_EXPORT.search(body)
    if leftover:
        line = body[leftover.start() : body.find("\n", leftover.start())]
        raise BundleError(f"{name}: cannot bundle {line.strip()!r}")
    ret = ", ".join(
        local if local == exported else f"{exported}: {local}" for local, exported in exports
    )
    lines.append(f"// ---- {name}")
    lines.append(f"const {_var(name)} = (() => {{\n{body}\nreturn {{ {ret} }};\n}})();")
    return "\n".join(lines), deps


@cache
def bundle(entry: str) -> str:
    """The entry module (a path under static/, e.g. 'hosts/widget.js') and everything it imports,
    as one ES module."""
    order: list[str] = []
    parts: dict[str, str] = {}
    visiting: set[str] = set()
    owners: dict[str, str] = {}

    def visit(name: str) -> None:
        if name in parts:
            return
        if name in visiting:
            raise BundleError(f"import cycle through {name}")
        if owners.setdefault(_var(name), name) != name:  # "a-b/c.js" and "a/b-c.js" would clash
            raise BundleError(f"{name} and {owners[_var(name)]} would share one bundle name")
        visiting.add(name)
        code, deps = _transform(name, (STATIC / name).read_text(encoding="utf-8"))
        for dep in deps:
            visit(dep)
        visiting.discard(name)
        parts[name] = code
        order.append(name)

    visit(entry)
    entry_var = _var(entry)
    names = re.findall(r"return \{ ([^}]*) \};\n\}\)\(\);$", parts[entry])
    exported = [n.split(":")[0].strip() for n in names[0].split(",")] if names and names[0] else []
    footer = [f"export const {n} = {entry_var}.{n};" for n in exported if n != "default"]
    if "default" in exported:
        footer.append(f"export default {entry_var}.default;")
    return "\n".join([*(parts[n] for n in order), *footer]) + "\n"
