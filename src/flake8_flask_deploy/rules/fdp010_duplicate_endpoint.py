"""FDP010 duplicate-endpoint: two different view functions get the same endpoint on one app or
blueprint.

The endpoint defaults to the view function's ``__name__``. When an endpoint already maps to another
function, ``add_url_rule`` raises ``AssertionError: View function mapping is overwriting an existing
endpoint function: <name>`` -- at import, so the WSGI server never boots
(https://github.com/pallets/flask/blob/main/src/flask/sansio/app.py, ``add_url_rule``). Three ways
to get there: two views with the same function name, two ``endpoint=`` arguments with one value,
and views wrapped by a decorator that does not use ``functools.wraps`` (every view is then named
``wrapper``: https://docs.python.org/3/library/functools.html#functools.wraps).

Not reported under a condition (one of two alternatives runs), when a view comes from something
the index cannot see (a variable, ``**options``), or in test files. No fix: which view should keep
the endpoint is the author's choice.
"""
from __future__ import annotations

import os
from typing import Dict, Iterator, List, Optional, Tuple

from .. import index as idx
from .. import sources
from ..model import Finding
from . import ROUTE_DECORATOR, ROUTE_WORDS, ModuleContext, Rule, register


@register
class DuplicateEndpoint(Rule):
    code = "FDP010"
    name = "duplicate-endpoint"
    summary = "Two view functions share one endpoint: Flask raises AssertionError at import"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "two views share one endpoint: Flask raises `AssertionError` at import and the server "
        "never boots"
    )
    fix_safety = None
    #: What a module's text must hold for this rule to fire: routes and their endpoints.
    prefilter = ROUTE_WORDS
    prefilter_triggers = (ROUTE_DECORATOR,)
    reports_in_tests = False
    docs = """\
## What it does
Reports a view registration whose endpoint is already mapped to a *different* function on the same
app or blueprint: two route decorators on two `def`s with the same name, two `endpoint=` arguments
with one value, two `add_url_rule` calls with one endpoint (`MethodView.as_view("items")` twice),
and views wrapped by a decorator defined in the project that returns an inner function without
`functools.wraps` (every view is then called `wrapper`). Works in one module and for routes added
from another module to an imported app or blueprint.

Not reported: the same function under several routes (stacked `@app.route`), views on different
apps or blueprints, one of them behind an `if`/`try` handler, registrations the index cannot
resolve (`**options`, a variable holding the view), decorators from libraries (assumed to use
`functools.wraps`), and test files.

## Why is this bad?
`add_url_rule` maps the endpoint to the view function; when the endpoint already maps to another
function it raises `AssertionError: View function mapping is overwriting an existing endpoint
function: <endpoint>`. The routes are registered at import, so the WSGI server fails to load the
app and never boots (`gunicorn` exits with "Worker failed to boot").

## Example
```python
def log_call(view):
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return wrapper

@bp.route("/about")
@log_call
def about(): ...

@bp.route("/contact")
@log_call
def contact(): ...      # endpoint "wrapper" again
```

## Use instead
```python
import functools

def log_call(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return wrapper
```
or give each view a unique `endpoint=`.

## Fix safety
No fix, because no rewrite keeps every `url_for` caller right. The two views share one endpoint
name, so every `url_for("blog.index")` (in Python and in templates, `{{ url_for(...) }}`), every
`redirect(url_for(...))` and every `endpoint` check in a hook means one of them, and which one cannot
be read from the code: Flask never built the second. Renaming either view (or giving it an
`endpoint=`) silently sends the callers that meant it to the other view, or makes them raise
`BuildError`; adding `functools.wraps` to a decorator changes the endpoint of every view it wraps.
Pick the name each view should have, then update the callers that mean it.

## Options
None.

## References
- [Flask API: `add_url_rule` and endpoints](https://flask.palletsprojects.com/en/stable/api/#flask.Flask.add_url_rule)
- [Flask source: the endpoint assertion in `add_url_rule`](https://github.com/pallets/flask/blob/main/src/flask/sansio/app.py)
- [Flask: view decorators must use `functools.wraps`](https://flask.palletsprojects.com/en/stable/patterns/viewdecorators/)
- [Python: `functools.wraps`](https://docs.python.org/3/library/functools.html#functools.wraps)
"""  # noqa: E501

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        imported = {b.name for b in facts.import_candidates}
        count = sum(1 for r in facts.registrations if r.kind in ("route", "setup"))
        if count < 2 and not any(r.receiver in imported for r in facts.registrations if r.kind == "route"):
            return
        scan = idx.scan_for(module)
        if scan is None:
            return
        groups: Dict[Tuple, List[idx.Route]] = {}
        for route in scan.routes:
            if route.ctx.conditional or route.ctx.in_class or route.endpoint is None or route.identity is None:
                continue
            registry = _registry(scan, route, module.path)
            if registry is None:
                continue
            groups.setdefault((registry, route.ctx.scope, route.ctx.guard, route.endpoint), []).append(route)
        for (registry, _scope, _guard, endpoint), routes in groups.items():
            routes.sort(key=lambda r: (r.node.lineno, r.node.col_offset))
            first = routes[0]
            for later in routes[1:]:
                if later.identity == first.identity:
                    continue
                kind = "blueprint" if registry[0] == "bp" else "app"
                why = ""
                if later.how.startswith("`"):
                    why = f" (the endpoint is {later.how})"
                elif later.how == "endpoint=":
                    why = " (same `endpoint=`)"
                line = first.node.lineno
                message = (f"endpoint `{endpoint}` of {kind} `{later.receiver}` is already taken by "
                           f"`{first.view}` on line {line}{why}: Flask raises \"AssertionError: "
                           f"View function mapping is overwriting an existing endpoint function\" at import")
                yield module.finding(self, later.node, message)
                break
        yield from self._across_modules(module, scan, groups)

    def _across_modules(self, module: ModuleContext, scan: idx.ModuleScan, groups) -> Iterator[Finding]:
        """Views added at import by two modules to one app or blueprint under one endpoint (both
        modules imported by the project). Only modules that add views to an app or blueprint
        defined elsewhere look (a single-file app never builds the index); the finding is in such a
        module: the one whose path sorts first when neither defines the app or blueprint. The other
        modules' routes come from :func:`~flake8_flask_deploy.index.routes_at_import` (kept in each
        module's on-disk entry: an unchanged module is not parsed), resolved again on every run."""
        mine = {}
        for (registry, scope, guard, endpoint), routes in groups.items():
            if scope == "" and not guard and registry[1] != module.path:
                mine.setdefault((registry, endpoint), routes[0])
        if not mine:
            return
        index = idx.get_index(idx.root_of(module))
        if not index.importers(module.path):
            return
        seen = set()
        for name in {registry[-1] for registry, _endpoint in mine}:
            index.mentioning(name)  # asked first: each endpoint's question then looks at these modules only
        for (registry, endpoint), route in sorted(mine.items(), key=lambda kv: kv[1].node.lineno):
            name = registry[-1]
            for other in index.mentioning(name, endpoint):
                defines = other == registry[1]
                if other == module.path or (other < module.path and not defines) or index.is_test(other) \
                        or (registry, endpoint) in seen:
                    continue
                oroutes = idx.routes_at_import(index, other)
                if oroutes is None:
                    continue
                for oroute, bound in oroutes:
                    if oroute.endpoint != endpoint or _stored_registry(index, other, oroute, bound) != registry:
                        continue
                    if not defines and not index.importers(other):
                        continue
                    seen.add((registry, endpoint))
                    kind = "blueprint" if registry[0] == "bp" else "app"
                    where = f"{os.path.relpath(other, index.root)}:{oroute.node.lineno}"
                    message = (f"endpoint `{endpoint}` of {kind} `{route.receiver}` is also taken by "
                               f"`{oroute.view}` in {where}: when both modules are imported Flask raises "
                               f"\"AssertionError: View function mapping is overwriting an existing endpoint "
                               f"function\"")
                    yield module.finding(self, route.node, message)
                    break


def _registry(scan: idx.ModuleScan, route: idx.Route, path: str) -> Optional[Tuple]:
    """Which app or blueprint object ``route.receiver`` is: ``(kind, defining path, scope, name)``,
    or None when it is neither (or unknown)."""
    scope = route.ctx.scope
    key = scan.blueprint_in(route.receiver, scope)
    if key is not None:
        return ("bp", path) + key
    imported = scan.imports_in(scope).get(route.receiver)
    if imported is not None:
        index = idx.get_index(sources.find_root(os.path.dirname(path)))
        return _imported_registry(index, path, index.resolve_name(path, route.receiver, scope))
    if idx.is_app(scan, route.receiver, scope):
        own = route.receiver in scan.bound.get(scope, set()) and scope
        return ("app", path, scope if own else "", route.receiver)
    return None


def _imported_registry(index: idx.ProjectIndex, path: str, found: Optional[Tuple[str, str]]) -> Optional[Tuple]:
    """:func:`_registry` for a receiver that module ``path`` imports, ``found`` where the import
    leads: the app or blueprint another module binds at module level, or None."""
    if found is None or not found[1] or found[0] == path:
        return None
    kind = idx.binding_kind(index, found[0], found[1])
    if kind is None:
        return None
    return ("bp" if kind == "blueprint" else "app", found[0], "", found[1])


def _stored_registry(index: idx.ProjectIndex, path: str, route: idx.Route, bound: str) -> Optional[Tuple]:
    """:func:`_registry` for a route of :func:`~flake8_flask_deploy.index.routes_at_import` (module
    level) of another module ``path``, with ``bound`` what its receiver is there: a blueprint of
    ``path`` is known from that, an imported name is followed through ``path``'s imports only (what
    :meth:`~flake8_flask_deploy.index.ProjectIndex.resolve_name` answers for a name the module
    imports), anything else is asked of the module's scan."""
    if bound == "blueprint":
        return ("bp", path, "", route.receiver)
    if bound == "import":
        return _imported_registry(index, path, index.resolve_imported(path, route.receiver, ""))
    scan = index.scan(path)
    return _registry(scan, route, path) if scan is not None else None
