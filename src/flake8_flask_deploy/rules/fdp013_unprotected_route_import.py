"""FDP013 unprotected-route-import: an import made only for the routes it registers, with no
``# noqa`` to keep F401 fixes from deleting it.

Flask's pattern for larger applications imports the views module for its side effect, at the end of
the package ``__init__`` (``from blog import routes``;
https://flask.palletsprojects.com/en/stable/patterns/packages/). The bound name is never used, so
pyflakes/flake8 and ruff report the import as unused (F401), and the F401 fixes delete it: ruff's
``--fix`` in a plain module (https://docs.astral.sh/ruff/rules/unused-import/), autoflake and
pycln everywhere unless told otherwise. Then the routes are never added: every URL of that module
answers 404 (what FDP009 reports once the import is gone).

Reported only where the project runs a tool that would delete it (:mod:`~flake8_flask_deploy.autofixers`:
ruff with fixes on, outside ``__init__.py``; autoflake with ``--remove-all-unused-imports``; pycln
with ``--all``), on an import statement of a non-test module, at module level (also in a ``with`` or
``try`` body; not under an ``if``, a loop, an ``except``/``else`` branch or the ``__main__`` guard)
or in an app factory, when for one of its names:

* it binds a project module (the project index resolves it) that adds at least one route at import
  time to an app or blueprint it imports from another module (:func:`imported_route_target`);
* no other import of the project (or of this module) loads that module, and no string or loader by
  name (``import_module``, ...) near it may load it (then deleting this import would not lose it);
* the bound name is never used in the module: no name or attribute read (the index's scan and the
  module's tokens, so annotations, ``del``, ``global`` and f-strings count as uses), not in
  ``__all__`` (nor in any string that is just the name), and not a redundant alias
  (``import x as x``, ``from . import x as x``: an explicit re-export for ruff);
* no line of the statement carries a ``# noqa`` covering F401 (bare, ``F401``, ``F4``, ``F``), and
  the file has no ``# flake8: noqa`` / ``# ruff: noqa`` covering it.

Nothing is reported when the index cannot answer (no scan, the file on disk is not the tree flake8
parsed). The safe fix appends ``  # noqa: F401`` (``# noqa: E402,F401`` after other statements, where
pycodestyle's E402 fires too) to a one-line import that has no comment (``fixes/fdp013.py``).

Cost, cheapest first: a loop over the module's statements for its imports (no expression walk),
folder listings (is it a file of the project?) and a literal search of the text for plain uses
(``name.attr``, ``name(``). Only an import of a project file whose name is not plainly used leads
to the index's scan of the module, then to the project index, and the module's tokens come last.
On the real corpus (docs/real-world.md) 23 of 365 modules got past the cheap part, all of them
scanned for other rules anyway, and none reached the index.
"""
from __future__ import annotations

import ast
import functools
import io
import os
import re
import sys
import tokenize
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from .. import index as idx
from .. import project, sources
from ..autofixers import F401Fixer, f401_fixers
from ..facts import FACTORY
from ..model import Finding, Spot
from ..session import current
from ..sources import LINE_BREAK
from . import APP_CREATION, BLUEPRINT_WORDS, FACTORY_WORDS, ModuleContext, Rule, register
from .fdp009_routes_module_never_imported import imported_route_target

#: An import statement or the :class:`~flake8_flask_deploy.index.Spot` a scan keeps of it (positions only).
Located = Union[ast.stmt, Spot]

#: One code of a ``noqa`` list (``F401``, ``RUF100``) or a prefix of letters (``F``, ``E``).
_CODE = r"(?:[A-Z]+[0-9]+|[A-Z]{1,3}(?![A-Za-z]))"
_CODES = r"(?::\s*(?P<codes>%s(?:\s*[,\s]\s*%s)*))?" % (_CODE, _CODE)


@functools.lru_cache(maxsize=None)
def noqa_patterns() -> Tuple[re.Pattern, re.Pattern]:
    """``(NOQA, FILE_NOQA)``, compiled on first use (a run with no unused route import asks neither).
    ``NOQA``: ``# noqa`` with an optional code list (flake8 and ruff spellings: ``# noqa:F401``,
    ``# NOQA: E402, F401``); a list that does not parse as codes (``# noqa: keep``) leaves a bare
    ``# noqa``, as in flake8. ``FILE_NOQA``: file-level exemptions, ``# flake8: noqa`` (flake8 and
    ruff skip the file) and ``# ruff: noqa[: codes]``."""
    return (re.compile(r"#\s*(?i:noqa)\b" + _CODES),
            re.compile(r"#\s*(?i:flake8|ruff)\s*:\s*(?i:noqa)\b" + _CODES))


#: Top-level names of the standard library: never a project module (Python 3.10+; empty before).
STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__"}


@register
class UnprotectedRouteImport(Rule):
    code = "FDP013"
    name = "unprotected-route-import"
    summary = ("An import made only to register routes has no `# noqa: F401`: F401 fixes delete it and its "
               "URLs answer 404")
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "`from blog import routes` is there only for its routes and has no `# noqa: F401`: the "
        "next F401 fix (ruff, autoflake) deletes it and its URLs answer 404"
    )
    fix_safety = "safe"
    #: What a module's text must hold for this rule to fire: the imports of the module that creates
    #: the app, builds it in a factory or defines a blueprint.
    prefilter = FACTORY_WORDS + BLUEPRINT_WORDS
    prefilter_triggers = (APP_CREATION,)
    reports_in_tests = False
    docs = """\
## What it does
Reports an import that is there only for the routes its module adds, when nothing protects it from
the tools that delete unused imports: `from blog import routes` or `import blog.views` whose bound
name the module never uses, on a line with no `# noqa` covering F401.

It is reported only where a tool of the project would delete the import: the project runs an F401
autofixer (in `.pre-commit-config.yaml`, a GitHub or GitLab CI workflow, a `Makefile`, `tox.ini` or
`noxfile.py`, with the tools' own settings from `pyproject.toml`, `ruff.toml` or `setup.cfg`):

- ruff with fixes on (`--fix`/`--fix-only`, or `fix = true`) and F401 selected, not ignored and not
  `unfixable`: in modules other than `__init__.py` (ruff does not apply the F401 fix there);
- autoflake with `--remove-all-unused-imports` (or the same setting in its config): everywhere
  unless `--ignore-init-module-imports`, and not on a line that carries a comment (autoflake leaves
  such a line alone);
- pycln with `--all` (or `all = true`): everywhere (without it, pycln keeps imports that may have
  side effects, as a routes module does).

The message names the tool and the line that runs it. Without such evidence nothing is reported:
a project that only reports F401 (flake8, `ruff check` without fixes) shows the import to a person,
who can see it registers routes.

And then, for a name of the import statement:

- the statement runs whenever the module is imported: at module level (also in a `with` or `try`
  body; not under an `if`, a loop, an `except`/`else` branch or the `__main__` guard), or in an app
  factory (a function that returns the app it
  creates, or one a deployment file calls: `gunicorn 'blog:create_app()'`);
- the name binds a module of the project that adds at least one route at import time (a route
  decorator or `add_url_rule`, at module level) to an app or blueprint it imports from another
  module (`from blog import app` + `@app.route(...)`; the same test as
  [FDP009](FDP009.md));
- nothing else would load that module if this import went away: no other import of it in the
  project (tests aside), no string naming it, no loader by name (`import_module`, `import_string`,
  ...) near it;
- the module never uses the name: no read of it or of an attribute of it (annotations, `del`,
  `global` and f-strings count), it is not in `__all__` (nor in any string that is just the name),
  and it is not a redundant alias (`import views as views`, `from . import views as views`), which
  ruff treats as an explicit re-export;
- no line of the statement carries `# noqa`, `# noqa: F401` or a code list with F401 or a prefix of
  it (`F4`, `F`), and the file has no `# flake8: noqa` or `# ruff: noqa` (for all codes or F401).

A project whose lint configuration ignores F401 for the file (`per-file-ignores`) is reported
too when autoflake or pycln runs: the `noqa` also keeps the import from the tools that do not read
that configuration and from the next change of it.

Not reported in test files, or whenever the project index cannot answer (the module or the
imported one does not parse, the file on disk is not the text flake8 checks, the app comes from a
library: `from flask import current_app as app`).

## Why is this bad?
Route decorators run when their module is imported, so Flask's pattern for larger applications
imports the views module at the end of the package `__init__.py`, only for that side effect. The
import looks unused: pyflakes (flake8) and ruff report it as `F401`, and the tools that fix `F401`
delete it: `ruff check --fix` in a plain module (in an `__init__.py` recent versions report it
without a fix), autoflake with `--remove-all-unused-imports` (it leaves lines that carry a comment
alone) and pycln. The app still starts, and every URL of the views module answers 404: the bug
[FDP009](FDP009.md) reports once the import is gone.

Note that pyflakes, and so autoflake, also reports a redundant alias (`from . import views as
views`); only ruff reads it as a re-export. This rule follows ruff there and stays quiet.

## Example
```python
# blog/__init__.py
from flask import Flask

app = Flask(__name__)

from blog import routes

# blog/routes.py
from blog import app

@app.route("/")
def home(): ...
```

## Use instead
```python
# blog/__init__.py
from flask import Flask

app = Flask(__name__)

from blog import routes  # noqa: E402,F401
```

Or turn the views module into a blueprint that the app registers explicitly
(`app.register_blueprint(routes.bp)`): the import is then used, and nothing can delete it.

## Fix safety
Safe. The fix appends `  # noqa: F401` to the import's line, or `  # noqa: E402,F401` when
module-level code other than imports, the docstring and dunder assignments (`__all__ = ...`)
precedes it (pycodestyle's and ruff's E402 "module level import not at top of file" fires there too).
Nothing else changes: the code runs exactly as before.

Not fixed (the finding is reported, not marked fixable): an import that spans several lines (ruff
reads the `noqa` on the line of each name), a line that already has a comment (the fixer does not
rewrite a comment that may say why the import is there; add the `noqa` by hand), and an import
followed by another statement on its line.

## Options
None.

## References
- [Flask: large applications as packages](https://flask.palletsprojects.com/en/stable/patterns/packages/)
- [ruff: unused-import (F401) and its fix safety](https://docs.astral.sh/ruff/rules/unused-import/)
- [ruff: error suppression with `noqa`](https://docs.astral.sh/ruff/linter/#error-suppression)
- [flake8: selecting and ignoring violations (`# noqa`)](https://flake8.pycqa.org/en/latest/user/violations.html)
- [pycodestyle E402](https://pycodestyle.pycqa.org/en/latest/intro.html#error-codes)
- [autoflake](https://github.com/PyCQA/autoflake)
"""

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        root = idx.root_of(module)
        is_init = os.path.basename(module.path) == "__init__.py"
        fixers = [f for f in f401_fixers(root) if f.in_init or not is_init]
        if not fixers:
            return  # no tool of the project deletes unused imports here: nothing will delete it
        tree = getattr(module, "tree", None)
        candidates = list(_candidate_imports(module, tree)) if tree is not None else None
        if candidates == []:
            return  # no import of a module outside the standard library
        text = _source_text(module.path)
        if text is None:
            return
        if candidates is not None and not _project_imports(module.path, candidates, text):
            return  # the cheap exit: no unused-looking import of a file of the project (nothing built)
        lines = LINE_BREAK.split(text)
        if _file_noqa(lines):
            return
        scan = idx.scan_for(module)
        if scan is None:
            return
        read = _scan_uses(scan)
        refs = [r for r in scan.imports if r.local not in read and _eligible(module, r)
                and not _plainly_used(text, r.local) and project.importer_base(module.path, _dotted(r), r.level)]
        if not refs:
            return
        refs = [r for r in refs if _statement_matches(lines, r.node) and not _has_f401_noqa(lines, r.node)]
        if not refs:
            return
        index = idx.get_index(root)
        found = [(ref, target) for ref, target in ((r, _route_module(index, module.path, r)) for r in refs)
                 if target is not None]
        if not found:
            return
        used = _token_uses(scan, lines, {ref.local for ref, _ in found})  # the last, dearest question
        if used is None:
            return
        done: Set[int] = set()
        for ref, target in found:
            stmt = ref.node
            if id(stmt) in done or ref.local in used:
                continue
            done.add(id(stmt))
            offers_fix = _fixable(lines, stmt)
            message = _message(ref, target, index.root, root, fixers, lines, tree)
            if message is None:
                continue
            yield module.finding(self, stmt, message, offers_fix=offers_fix)


def _message(ref: idx.ImportRef, target, index_root: str, root: str, fixers: Sequence[F401Fixer],
             lines: Sequence[str], tree: Optional[ast.Module]) -> Optional[str]:
    """The finding's message for the import ``ref`` and its :func:`_route_module` answer ``target``
    (``index_root``: the project index's root, for the routes module's relative path), naming the
    first of the project's F401 ``fixers`` (``root``: the module's project root) that deletes the
    statement and the comment that keeps it; None when none of them deletes it."""
    stmt = ref.node
    path, (receiver, what, _origin, count) = target
    rel = os.path.relpath(path, index_root).replace(os.sep, "/")
    noun = "route" if count == 1 else "routes"
    to = f"`{receiver.local}`" if what == "the app" else f"blueprint `{receiver.local}`"
    comment = noqa_comment(tree if tree is not None else _parse(lines), stmt)
    # autoflake leaves an import line that carries a comment alone; ruff and pycln do not
    deleting = [f for f in fixers if not (f.keeps_commented and _has_comment(lines, stmt))]
    if not deleting:
        return None
    who = deleting[0].describe(root) + (f" and {len(deleting) - 1} more" if len(deleting) > 1 else "")
    return (f"`{_statement_text(ref)}` only registers routes ({rel} adds {count} {noun} to {to}) "
            f"and looks unused: the project's F401 fix, {who}, deletes it and its URLs answer "
            f"404; mark it `{comment}`")


# ---- the cheap part: import statements of files that exist ---------------------------------------
def _candidate_imports(module: ModuleContext, tree: ast.Module) -> Iterator[Tuple[str, str, int]]:
    """``(bound name, dotted module, level)`` of the imports that run whenever the module is
    imported or its app factory runs, outside the standard library (a loop over statements)."""
    for stmt in _import_statements(module, tree):
        for local, dotted, level in _imported_modules(stmt):
            if level or dotted.split(".")[0] not in STDLIB:
                yield local, dotted, level


def _project_imports(path: str, candidates: Sequence[Tuple[str, str, int]], text: str) -> bool:
    """True when one of ``candidates`` names a file of the project (:func:`_exists`) and binds a
    name that the text does not plainly use (:func:`_plainly_used`); nothing is parsed or scanned."""
    listings: Dict[str, Set[str]] = {}
    starts: Dict[int, Dict[str, List[str]]] = {}
    for local, dotted, level in candidates:
        if _exists(path, dotted, level, listings, starts) and not _plainly_used(text, local):
            return True
    return False


def _import_statements(module: ModuleContext, tree: ast.Module) -> Iterator[ast.stmt]:
    """Import statements that run whenever the module is imported (module level, also in ``with``
    and ``try`` bodies) or its app factory runs, found by a loop over statements (expressions are
    not visited; ``if``, loops, ``match``, classes and other functions are not entered)."""
    factories = {q for q, region in module.facts.function_regions.items() if region == FACTORY}
    factories |= module.served_factories()
    todo: List[ast.stmt] = list(reversed(tree.body))
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            yield stmt
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if stmt.name in factories:
                todo.extend(reversed(stmt.body))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            todo.extend(reversed(stmt.body))
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            todo.extend(reversed(stmt.body + stmt.finalbody))  # type: ignore[attr-defined]


def _imported_modules(stmt: ast.stmt) -> Iterator[Tuple[str, str, int]]:
    """``(bound name, dotted module, level)`` for each name of an import statement that may be a
    module (not ``*``, not a redundant alias)."""
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            if alias.asname != alias.name:
                yield alias.asname or alias.name.split(".")[0], alias.name, 0
    elif isinstance(stmt, ast.ImportFrom):
        for alias in stmt.names:
            if alias.name != "*" and alias.asname != alias.name:
                dotted = f"{stmt.module}.{alias.name}" if stmt.module else alias.name
                yield alias.asname or alias.name, dotted, stmt.level


def _exists(path: str, dotted: str, level: int, listings: Dict[str, Set[str]],
            starts: Dict[int, Dict[str, List[str]]]) -> bool:
    """True when ``dotted`` (imported with ``level`` dots from ``path``) is a file of the project
    (``mod.py`` or ``mod/__init__.py``), by the rules of :func:`project.importer_base`: its package
    for a relative import, else the importer's folder and each parent up to the project root, each
    also under ``src/``. Answered from folder listings read once per module (``listings``;
    ``starts``: level -> first name -> the folders of the search path that hold it)."""
    by_name = starts.get(level)
    if by_name is None:
        by_name = starts[level] = {}
        for start in _search_path(path, level):
            for name in _listing(start, listings):
                key = name[:-3] if name.endswith(".py") else name
                by_name.setdefault(key, []).append(start)
    parts = dotted.split(".")
    return any(_holds(start, parts, listings) for start in by_name.get(parts[0], ()))


def _search_path(path: str, level: int) -> List[str]:
    folder = os.path.dirname(path)
    if level:
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
        chain = [folder]
    else:
        root = sources.find_root(folder)
        chain = [folder]
        while folder != root and os.path.dirname(folder) != folder:
            folder = os.path.dirname(folder)
            chain.append(folder)
    return [start for base in chain for start in (base, os.path.join(base, "src"))]


def _listing(folder: str, listings: Dict[str, Set[str]]) -> Set[str]:
    names = listings.get(folder)
    if names is None:
        try:
            names = listings[folder] = set(os.listdir(folder))
        except OSError:
            names = listings[folder] = set()
    return names


def _holds(folder: str, parts: Sequence[str], listings: Dict[str, Set[str]]) -> bool:
    """True when ``folder`` holds the module ``parts`` (``["blog", "routes"]``: ``blog/routes.py``
    or ``blog/routes/__init__.py``)."""
    for number, part in enumerate(parts):
        names = _listing(folder, listings)
        if number == len(parts) - 1 and part + ".py" in names:
            return True
        if part not in names:
            return False
        folder = os.path.join(folder, part)
    return "__init__.py" in _listing(folder, listings)


def _plainly_used(text: str, name: str) -> bool:
    """True when the text reads ``name`` in a way prose and import lines do not: ``name.attr``
    (not ``name.py``), ``name(`` or ``name[``. A cheap test (a literal search): a module whose
    imports are all used this way is never scanned."""
    for match in re.finditer(re.escape(name) + r"(?=[ \t]*[(\[]|\.(?!py\b)[A-Za-z_])", text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "_."):
            continue
        line = text[text.rfind("\n", 0, start) + 1:start].lstrip()
        if line.startswith(("import ", "from ")) or line.startswith("#") or "#" in line:
            continue  # an import line, or a comment
        return True
    return False


# ---- which imports qualify ------------------------------------------------------------------------
def _eligible(module: ModuleContext, ref: idx.ImportRef) -> bool:
    """An import that runs unconditionally at import (or in an app factory), binds a name, and is
    not a redundant alias (an explicit re-export)."""
    ctx = ref.ctx
    if ctx.conditional or ctx.guard or ctx.in_class or ctx.loops or ref.name == "*":
        return False
    if ctx.scope:
        regions = module.facts.function_regions
        if "." in ctx.scope or (regions.get(ctx.scope) != FACTORY and ctx.scope not in module.served_factories()):
            return False
    if ref.asname and ref.local == (ref.name if ref.name is not None else ref.module):
        return False  # ``import x as x`` / ``from . import x as x``
    if ref.name is None and ref.module.split(".")[0] in STDLIB:
        return False
    return True


def _dotted(ref: idx.ImportRef) -> str:
    """The dotted module an import loads (``from m import x`` -> ``m.x``, ``import a.b`` -> ``a.b``)."""
    if ref.name is None:
        return ref.module
    return f"{ref.module}.{ref.name}" if ref.module else ref.name


def _route_module(index: idx.ProjectIndex, path: str, ref: idx.ImportRef):
    """``(module path, imported_route_target answer)`` when the import binds a project module that
    adds routes at import to an app or blueprint from another module, and nothing else of the
    project would load it if this import went away; else None."""
    target = index.resolve_module(path, _dotted(ref), ref.level)
    if target is None or target == path or target not in index.modules or index.is_test(target):
        return None
    scan = index.scan(target)
    if scan is None:
        return None
    found = imported_route_target(index, target, scan)
    if found is None:
        return None
    for other, other_ref in index.importers(target):
        if other != path or other_ref.node.lineno != ref.node.lineno:
            return None  # another import loads it too: deleting this one loses nothing
    if idx.string_mentions(index, target, "") or index.dynamic_loading_near(target):
        return None
    return target, found


# ---- the module's text: uses, noqa, comments ------------------------------------------------------
def _source_text(path: str) -> Optional[str]:
    """The module's text as the fixer or the file holds it (``Session.overrides`` first)."""
    text = current().overrides.get(path)
    if text is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding, "replace")
        except (OSError, SyntaxError, LookupError):
            return None
        if text.startswith("\ufeff"):
            text = text[1:]
    return text


def _covers_f401(codes: Optional[str]) -> bool:
    if not codes:
        return True
    return any("F401".startswith(code) for code in re.split(r"[,\s]+", codes) if code)


def _file_noqa(lines: Sequence[str]) -> bool:
    """True when the file says ``# flake8: noqa`` or ``# ruff: noqa`` (for every code or for F401)."""
    for line in lines:
        if "noqa" in line.lower():
            match = noqa_patterns()[1].search(line)
            if match and _covers_f401(match.group("codes")):
                return True
    return False


def _has_f401_noqa(lines: Sequence[str], stmt: Located) -> bool:
    """True when a line of ``stmt`` carries ``# noqa`` covering F401 (any line: flake8 applies a
    ``noqa`` to a whole multi-line statement, ruff to the line of the name)."""
    for number in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
        line = lines[number - 1] if number <= len(lines) else ""
        for match in noqa_patterns()[0].finditer(line):
            if _covers_f401(match.group("codes")):
                return True
    return False


def _statement_matches(lines: Sequence[str], stmt: Located) -> bool:
    """True when the text holds ``import``/``from`` where the tree has the statement (the file on
    disk is the tree flake8 parsed)."""
    if stmt.lineno > len(lines):
        return False
    rest = lines[stmt.lineno - 1].encode("utf-8")[stmt.col_offset:]
    return rest.startswith(b"import") or rest.startswith(b"from")


def _fixable(lines: Sequence[str], stmt: Located) -> bool:
    """True when the fix can append the comment: the statement is on one line, ends it, and the
    line has no comment."""
    if stmt.end_lineno != stmt.lineno or stmt.end_col_offset is None:
        return False
    rest = lines[stmt.lineno - 1].encode("utf-8")[stmt.end_col_offset:]
    return not rest.strip()


def _has_comment(lines: Sequence[str], stmt: Located) -> bool:
    """True when a line of the statement has a comment (an import statement holds no string, so a
    ``#`` after its start begins one; a ``#`` in a statement after it on the line counts too)."""
    for number in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
        line = lines[number - 1].encode("utf-8") if number <= len(lines) else b""
        if b"#" in (line[stmt.col_offset:] if number == stmt.lineno else line):
            return True
    return False


def _scan_uses(scan: idx.ModuleScan) -> Set[str]:
    """Names the module reads, by the index's scan: a name read as a value, or the base of an
    attribute read (``views.bp``)."""
    return set(scan.value_names) | {base.split(".")[0] for base, _ in scan.value_attrs}


def _token_uses(scan: idx.ModuleScan, lines: Sequence[str], names: Set[str]) -> Optional[Set[str]]:
    """Which of ``names`` the module's tokens use where the scan does not look: a name token outside
    the import statements and not after a dot (annotations, ``del``, ``global``, keyword names), or
    a string that is just the name or starts with it and a dot (``__all__``, string annotations).
    None when the text does not tokenize."""
    used: Set[str] = set()
    spans = sorted({(i.node.lineno, i.node.end_lineno or i.node.lineno) for i in scan.imports})
    import_lines: Dict[int, bool] = {}
    for start, end in spans:
        for number in range(start, end + 1):
            import_lines[number] = True
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline):
            kind, text = token.type, token.string
            if kind == tokenize.NAME and text in names and not (previous is not None and previous.string == "."):
                if token.start[0] not in import_lines or not _in_import(scan, token.start):
                    used.add(text)
            elif kind == tokenize.STRING:
                body = re.sub(r"^[A-Za-z]*('''|\"\"\"|'|\")|('''|\"\"\"|'|\")$", "", text).strip()
                head = re.split(r"[.\[]", body, maxsplit=1)[0]
                if head in names:
                    used.add(head)
            if kind not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
                previous = token
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return used


def _in_import(scan: idx.ModuleScan, position: Tuple[int, int]) -> bool:
    """True when the token at ``(line, character column)`` lies inside an import statement (positions
    compared by line, then by column on the first and last line; import statements are ASCII)."""
    line, col = position
    for ref in scan.imports:
        node = ref.node
        end_line = node.end_lineno or node.lineno
        if not node.lineno <= line <= end_line:
            continue
        if line == node.lineno and col < node.col_offset:
            continue
        if line == end_line and node.end_col_offset is not None and col >= node.end_col_offset:
            continue
        return True
    return False


def _parse(lines: Sequence[str]) -> Optional[ast.Module]:
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# ---- messages and the comment the fix adds ------------------------------------------------------
def _statement_text(ref: idx.ImportRef) -> str:
    """The import as written for one name: ``from blog import routes``, ``import blog.views``."""
    alias = f" as {ref.local}" if ref.asname else ""
    if ref.name is None:
        return f"import {ref.module}{alias}"
    return f"from {'.' * ref.level}{ref.module} import {ref.name}{alias}"


def noqa_comment(tree: Optional[ast.Module], stmt: Located) -> str:
    """The comment that keeps ``stmt``: ``# noqa: F401``, or ``# noqa: E402,F401`` when it is a
    top-level statement after module-level code other than imports, the docstring and dunder
    assignments (pycodestyle and ruff report E402 "module level import not at top of file" there;
    both allow ``__all__ = ...``-style assignments).

    Args:
        tree: the module (None: only F401); stmt: the import statement, or the :class:`~flake8_flask_deploy.index.Spot`
            a scan keeps of it (matched by position among the top-level import statements, so a
            fresh parse of the same text works too).
    """
    if tree is None:
        return "# noqa: F401"
    position = next((n for n, other in enumerate(tree.body) if other is stmt or (
        isinstance(other, (ast.Import, ast.ImportFrom)) and other.lineno == stmt.lineno
        and other.col_offset == stmt.col_offset)), None)
    if position is None:
        return "# noqa: F401"  # not a top-level statement: E402 looks at top-level imports only
    for number, other in enumerate(tree.body[:position]):
        if isinstance(other, (ast.Import, ast.ImportFrom)):
            continue
        if number == 0 and isinstance(other, ast.Expr) and isinstance(other.value, ast.Constant) \
                and isinstance(other.value.value, str):
            continue  # the docstring
        if _is_dunder_assignment(other):
            continue
        return "# noqa: E402,F401"
    return "# noqa: F401"


def _is_dunder_assignment(stmt: ast.stmt) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return False
    return all(isinstance(t, ast.Name) and t.id.startswith("__") and t.id.endswith("__") for t in targets)


__all__ = ["UnprotectedRouteImport", "noqa_comment"]
