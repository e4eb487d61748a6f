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

from typing import Dict, Iterator, List, Optional, Tuple

from .. import index as idx
from ..model import Finding
from . import ModuleContext, Rule, register


@register
class DuplicateEndpoint(Rule):
    code = "FDP010"
    name = "duplicate-endpoint"
    summary = "Two view functions share one endpoint: Flask raises AssertionError at import"
    fix_safety = None

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if facts.is_test_file:
            return
        if sum(1 for r in facts.registrations if r.kind in ("route", "setup")) < 2:
            return
        scan = idx.scan_for(module)
        if scan is None:
            return
        groups: Dict[Tuple, List[idx.Route]] = {}
        for route in scan.routes:
            if route.ctx.conditional or route.ctx.in_class or route.endpoint is None or route.identity is None:
                continue
            registry = _registry(scan, route, module)
            if registry is None:
                continue
            groups.setdefault((registry, route.ctx.scope, route.ctx.guard, route.endpoint), []).append(route)
        for (registry, _scope, _guard, endpoint), routes in groups.items():
            routes.sort(key=lambda r: (r.node.lineno, r.node.col_offset))  # type: ignore[attr-defined]
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
                line = first.node.lineno  # type: ignore[attr-defined]
                message = (f"endpoint `{endpoint}` of {kind} `{later.receiver}` is already taken by "
                           f"`{first.view}` on line {line}{why}: Flask raises \"AssertionError: "
                           f"View function mapping is overwriting an existing endpoint function\" at import")
                yield module.finding(self, later.node, message)
                break


def _registry(scan: idx.ModuleScan, route: idx.Route, module: ModuleContext) -> Optional[Tuple]:
    """Which app or blueprint object ``route.receiver`` is: ``(kind, defining path, scope, name)``,
    or None when it is neither (or unknown)."""
    scope = route.ctx.scope
    key = scan.blueprint_in(route.receiver, scope)
    if key is not None:
        return ("bp", module.path) + key
    imported = scan.imports_in(scope).get(route.receiver)
    if imported is not None:
        index = idx.get_index(idx.root_of(module))
        found = index.resolve_name(module.path, route.receiver, scope)
        if found is None or not found[1] or found[0] == module.path:
            return None
        other = index.scan(found[0])
        if other is None:
            return None
        if ("", found[1]) in other.blueprints:
            return ("bp", found[0], "", found[1])
        if any(b.scope == "" and b.name == found[1] and b.kind in ("flask", "factory")
               for b in other.facts.app_bindings):
            return ("app", found[0], "", found[1])
        return None
    if idx.is_app(scan, route.receiver, scope):
        own = route.receiver in scan.bound.get(scope, set()) and scope
        return ("app", module.path, scope if own else "", route.receiver)
    return None
