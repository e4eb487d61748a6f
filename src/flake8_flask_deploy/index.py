"""The project index: every module under a project root, what each says about Flask apps,
blueprints, routes, endpoints and config, and the import graph between them.

Rules that need more than one module (FDP007-FDP010, cross-module FDP002) call
:func:`get_index` with the project root. The index is built lazily, on the first call for a root,
and cached in the run's session (:mod:`flake8_flask_deploy.session`); a flake8 run over N files
therefore builds it at most once per worker and project (the session drops a project's index, scans
and imports when the run moves on to another project: ``engine.enter_project``).

Cheap by construction:

* building the index lists the project's ``.py`` files and reads each one once (bytes, not parsed),
  keeping only which :data:`INDEXED_WORDS` it has and whether it loads modules by name (no bytes:
  a question about another word reads the candidate files again, see :class:`ModuleEntry`);
* a module is parsed (and scanned with :func:`scan_tree`) only when a rule asks about it, and
  questions about the whole project first narrow the candidates with a text test (a module that
  never mentions ``register_blueprint`` cannot register a blueprint; a module that never names
  ``routes`` cannot import ``routes``);
* :data:`PREFILTER` marks modules that never mention flask, ``Blueprint``, ``app`` or a secret key:
  they are never scanned for Flask facts.

Flask facts used here (sources):

* endpoints default to the view function's ``__name__``; two different functions under one endpoint
  raise ``AssertionError: View function mapping is overwriting an existing endpoint function``:
  https://github.com/pallets/flask/blob/main/src/flask/sansio/app.py (``add_url_rule``)
* a blueprint's routes exist only once it is registered:
  https://flask.palletsprojects.com/en/stable/blueprints/#registering-blueprints
* blueprints can be nested: https://flask.palletsprojects.com/en/stable/blueprints/#nesting-blueprints
* importing the views module at the end of the package ``__init__``:
  https://flask.palletsprojects.com/en/stable/patterns/packages/
* config loading (``from_object``, ``from_pyfile``, ``from_envvar``, ``from_prefixed_env``):
  https://flask.palletsprojects.com/en/stable/config/
"""
from __future__ import annotations

import ast
import copy
import os
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

from . import project, sources
from .facts import ROUTE_METHODS, ModuleFacts, collect, dotted_name, is_main_guard, is_test_path, is_true
from .inference import infer_kind
from .model import Spot
from .session import FILE, MODULE, PROJECT, current

#: A module matching none of these never says anything about Flask (it is not scanned for facts).
PREFILTER = re.compile(r"[Ff]lask|Blueprint|\bapp\b|\bapplication\b|_app\b|SECRET_KEY|secret_key")
_PREFILTER_BYTES = re.compile(PREFILTER.pattern.encode("ascii"))
#: Calls and names that load modules or blueprints by name at run time (we cannot follow them).
DYNAMIC_IMPORT = re.compile(
    r"\bimport_module\b|__import__|\bimport_string\b|\bfind_modules\b|\bwalk_packages\b|\biter_modules\b"
    r"|\bspec_from_file_location\b|\bload_source\b|\bload_module\b|\bexec_module\b"
)
_DYNAMIC_IMPORT_BYTES = re.compile(DYNAMIC_IMPORT.pattern.encode("ascii"))
#: The literal words of :data:`DYNAMIC_IMPORT`'s alternatives: a module with none of them cannot match,
#: and testing for them is ~20x faster than the pattern itself (2.3 CPU-s over the benchmark corpus).
_DYNAMIC_WORDS = tuple(alt.replace(r"\b", "").encode("ascii") for alt in DYNAMIC_IMPORT.pattern.split("|"))
#: Classes whose instances are blueprints: ``(module, class)``.
BLUEPRINT_CLASSES = frozenset(
    {("flask", "Blueprint"), ("flask.blueprints", "Blueprint"), ("flask_smorest", "Blueprint"),
     ("apiflask", "APIBlueprint")}
)
#: File names that are started directly (their imports are roots of the import graph).
ENTRY_NAMES = frozenset(
    {"wsgi.py", "asgi.py", "run.py", "manage.py", "main.py", "app.py", "server.py", "application.py",
     "__main__.py", "serve.py", "start.py", "index.py", "api.py", "runserver.py", "autoapp.py"}
)
#: Config loaders that replace values set before them (the dev-default pattern of Flask's tutorial).
OVERRIDING_LOADS = frozenset({"from_pyfile", "from_envvar", "from_prefixed_env", "from_object", "from_file"})
#: Method names that register a view function.
ADD_URL_RULE = "add_url_rule"


# ---- what one module says ---------------------------------------------------------------------
@dataclass
class Ctx:
    """Where a statement runs: ``scope`` ("" at module level, else the dotted function/class name),
    ``conditional`` (under an ``if``/``try`` handler/``match``/loop), ``guard`` (under the
    ``__main__`` guard), ``in_class`` (directly in a class body), ``loops`` (loop variable -> the
    expressions it takes)."""

    scope: str = ""
    conditional: bool = False
    guard: bool = False
    in_class: bool = False
    loops: Dict[str, List[ast.expr]] = field(default_factory=dict)

    def child(self, **changes) -> "Ctx":
        data = dict(scope=self.scope, conditional=self.conditional, guard=self.guard, in_class=self.in_class,
                    loops=dict(self.loops))
        data.update(changes)
        return Ctx(**data)

    @property
    def at_import(self) -> bool:
        """True for unconditional module-level code outside the guard."""
        return self.scope == "" and not self.conditional and not self.guard


@dataclass
class ImportRef:
    """One imported name: ``import a.b`` (``name`` None, ``local`` = ``a``) or ``from m import name``.
    ``node`` is where the statement is (one :class:`Spot` shared by the names of one statement)."""

    local: str
    module: str
    name: Optional[str]
    level: int
    node: Spot
    ctx: Ctx
    asname: bool = False


@dataclass
class Route:
    """A view registered on ``receiver``: a route decorator or an ``add_url_rule`` call.

    ``endpoint`` is the endpoint name when it can be known statically (else None); ``identity``
    tells two registrations of one function object apart from two different functions (None when
    unknown); ``how`` says where the endpoint comes from (for messages); ``node`` is where the
    decorator or call is (a :class:`Spot`)."""

    receiver: str
    node: Spot
    ctx: Ctx
    endpoint: Optional[str]
    identity: Optional[tuple]
    how: str
    view: Optional[str] = None


@dataclass
class RegisterCall:
    """``<receiver>.register_blueprint(<arg>)`` with the loop variables in force at the call."""

    receiver: str
    arg: Optional[ast.expr]
    node: ast.Call
    ctx: Ctx


@dataclass
class SecretSet:
    """A string literal stored as ``SECRET_KEY`` on ``receiver`` (``kind``: item, attribute, update)."""

    receiver: str
    node: ast.AST
    ctx: Ctx
    kind: str
    value: str
    receiver_node: Optional[ast.AST] = None


@dataclass
class ConfigLoad:
    """``<receiver>.config.<method>(...)`` or a later ``SECRET_KEY`` assignment (``method`` "set")."""

    receiver: str
    method: str
    node: ast.AST
    ctx: Ctx
    arg: Optional[ast.expr] = None


@dataclass
class ConfigClass:
    """A module-level class: its line, bases (simple names), its literal ``SECRET_KEY`` (node, value)
    if any, whether it assigns ``SECRET_KEY`` at all, and whether it says ``TESTING``/``DEBUG = True``.

    It keeps the line, not the ``ClassDef``: scans outlive the linted tree in the per-process cache,
    and a class node would keep its whole body alive (half the nodes the cache held on mlflow)."""

    name: str
    line: int
    bases: List[str]
    secret: Optional[Tuple[ast.AST, str]] = None
    sets_secret: bool = False
    testing: bool = False
    debug: bool = False


@dataclass
class ModuleScan:
    """Everything the index knows about one module (computed once per file by :func:`scan_tree`)."""

    path: str
    imports: List[ImportRef] = field(default_factory=list)
    blueprints: Dict[Tuple[str, str], ast.AST] = field(default_factory=dict)  # (scope, name) -> Assign
    blueprint_ctx: Dict[Tuple[str, str], Ctx] = field(default_factory=dict)
    routes: List[Route] = field(default_factory=list)
    registers: List[RegisterCall] = field(default_factory=list)
    register_referenced: bool = False  # ``register_blueprint`` used other than by a call
    secrets: List[SecretSet] = field(default_factory=list)
    loads: List[ConfigLoad] = field(default_factory=list)
    testing_sets: List[Tuple[str, str]] = field(default_factory=list)  # (scope, receiver)
    classes: Dict[str, ConfigClass] = field(default_factory=dict)
    module_secret: Optional[Tuple[ast.AST, str]] = None  # module-level ``SECRET_KEY = "..."``
    module_secret_overridden: bool = False
    sequences: Dict[str, List[ast.expr]] = field(default_factory=dict)  # module-level lists/tuples
    dicts: Dict[str, List[ast.expr]] = field(default_factory=dict)  # module-level dict values
    value_names: Set[str] = field(default_factory=set)
    value_attrs: Set[Tuple[str, str]] = field(default_factory=set)
    strings: Set[str] = field(default_factory=set)
    has_guard: bool = False
    has_run: bool = False
    #: scope -> names assigned there; after the scan, only for the scopes questions can name
    #: (module level, and the scopes of the records with their enclosing scopes)
    bound: Dict[str, Set[str]] = field(default_factory=dict)
    _facts: Optional[ModuleFacts] = None

    @property
    def facts(self) -> ModuleFacts:
        """The core :class:`ModuleFacts` of the module, computed on first use (the file is parsed
        again: scans keep no tree) with imported apps resolved, or the ones the engine already
        computed for the linted file (see :func:`scan_for`)."""
        if self._facts is None:
            shared = project.facts_of_file(self.path) or ModuleFacts()
            facts = copy.copy(shared)  # the project cache's object stays as it is
            facts.app_bindings = list(shared.app_bindings)
            facts.accept_imported_apps(project.resolve_imported_apps(facts, self.path))
            self._facts = facts
        return self._facts

    @property
    def is_test(self) -> bool:
        return is_test_path(self.path)

    def imports_in(self, scope: str) -> Dict[str, ImportRef]:
        """Imported names visible in ``scope``: the scope's own imports over the module's."""
        out = {i.local: i for i in self.imports if i.ctx.scope == ""}
        parts = scope.split(".") if scope else []
        for n in range(1, len(parts) + 1):
            prefix = ".".join(parts[:n])
            out.update({i.local: i for i in self.imports if i.ctx.scope == prefix})
        return out

    def blueprint_in(self, name: str, scope: str) -> Optional[Tuple[str, str]]:
        """The blueprint binding ``name`` refers to in ``scope`` (its own or an enclosing scope)."""
        parts = scope.split(".") if scope else []
        for n in range(len(parts), -1, -1):
            key = (".".join(parts[:n]), name)
            if key in self.blueprints:
                return key
            if name in self.bound.get(key[0], set()):
                return None
        return None


def string_constant(expr: Optional[ast.AST]) -> Optional[str]:
    """The value of a string literal, or None for any other expression."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _secret_literal(expr: Optional[ast.AST]) -> Optional[str]:
    """The literal of a hard-coded secret: a non-empty ``str`` or ``bytes`` constant, else None."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, (str, bytes)) and expr.value:
        value = expr.value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def _subscript_key(target: ast.Subscript) -> Optional[str]:
    key = target.slice
    if type(key).__name__ == "Index":  # pragma: no cover - Python 3.8
        key = key.value  # type: ignore[attr-defined]
    return string_constant(key)


class _Scanner:
    """One walk over a module's statements, filling a :class:`ModuleScan`."""

    def __init__(self, scan: ModuleScan) -> None:
        self.s = scan
        self.blueprint_classes: Set[str] = set()
        self.flask_modules: Set[str] = set()
        self.wrappers: Dict[str, Optional[str]] = {}
        #: module-level ``def`` name -> its statements (decorators and view identities look them up;
        #: the scan keeps none: a function node holds its whole body)
        self.defs: Dict[str, List[ast.AST]] = {}

    # -- names ------------------------------------------------------------------------------
    def is_blueprint_ctor(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.blueprint_classes
        if isinstance(func, ast.Attribute) and func.attr in ("Blueprint", "APIBlueprint"):
            return dotted_name(func.value) in self.flask_modules
        return False

    def bind(self, scope: str, name: str) -> None:
        self.s.bound.setdefault(scope, set()).add(name)

    # -- walk --------------------------------------------------------------------------------
    def block(self, stmts: Iterable[ast.stmt], ctx: Ctx) -> None:
        for stmt in stmts:
            self.stmt(stmt, ctx)

    def stmt(self, stmt: ast.stmt, ctx: Ctx) -> None:  # noqa: C901 - one dispatch by node type
        s = self.s
        if isinstance(stmt, ast.If):
            kind = is_main_guard(stmt.test) if ctx.scope == "" else None
            self.exprs(stmt.test, ctx)
            if kind is not None:
                s.has_guard = True
                self.block(stmt.body, ctx.child(guard=bool(kind)))
                self.block(stmt.orelse, ctx.child(guard=not kind))
                return
            self.block(stmt.body, ctx.child(conditional=True))
            self.block(stmt.orelse, ctx.child(conditional=True))
            return
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(stmt, ctx)
            return
        if isinstance(stmt, ast.ClassDef):
            for dec in stmt.decorator_list:
                self.exprs(dec, ctx)
            for base in stmt.bases:
                self.exprs(base, ctx)
            self.bind(ctx.scope, stmt.name)
            if ctx.scope == "":
                self.config_class(stmt)
            qual = f"{ctx.scope}.{stmt.name}" if ctx.scope else stmt.name
            self.block(stmt.body, ctx.child(scope=qual, in_class=True))
            return
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.exprs(stmt.iter, ctx)
            loops = dict(ctx.loops)
            self.loop_targets(stmt.target, stmt.iter, ctx, loops)
            body = ctx.child(loops=loops)
            self.block(stmt.body, body)
            self.block(stmt.orelse, ctx)
            return
        if isinstance(stmt, ast.While):
            self.exprs(stmt.test, ctx)
            self.block(stmt.body, ctx.child(conditional=True))
            self.block(stmt.orelse, ctx.child(conditional=True))
            return
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.exprs(item.context_expr, ctx)
            self.block(stmt.body, ctx)
            return
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.block(stmt.body, ctx)
            for handler in stmt.handlers:
                self.block(handler.body, ctx.child(conditional=True))
            self.block(stmt.orelse, ctx.child(conditional=True))
            self.block(stmt.finalbody, ctx)
            return
        if type(stmt).__name__ == "Match":
            self.exprs(stmt.subject, ctx)  # type: ignore[attr-defined]
            for case in stmt.cases:  # type: ignore[attr-defined]
                self.block(case.body, ctx.child(conditional=True))
            return
        if isinstance(stmt, ast.Import):
            spot = Spot(stmt)
            for alias in stmt.names:
                if alias.name == "flask":
                    self.flask_modules.add(alias.asname or "flask")
                local = alias.asname or alias.name.split(".")[0]
                module = alias.name if alias.asname else alias.name
                s.imports.append(ImportRef(local, module, None, 0, spot, ctx, bool(alias.asname)))
                self.bind(ctx.scope, local)
            return
        if isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            spot = Spot(stmt)
            for alias in stmt.names:
                local = alias.asname or alias.name
                if (module, alias.name) in BLUEPRINT_CLASSES:
                    self.blueprint_classes.add(local)
                s.imports.append(ImportRef(local, module, alias.name, stmt.level, spot, ctx, bool(alias.asname)))
                self.bind(ctx.scope, local)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.assign(stmt, ctx)
            return
        if isinstance(stmt, ast.Expr):
            self.exprs(stmt.value, ctx)
            return
        for child in ast.iter_child_nodes(stmt):
            if isinstance(child, ast.expr):
                self.exprs(child, ctx)

    def loop_targets(self, target: ast.expr, iterable: ast.expr, ctx: Ctx, loops: Dict[str, List[ast.expr]]) -> None:
        """Record what a loop variable takes: the elements of a literal list/tuple (or of a module
        constant holding one); for ``for a, b in [(x, y), ...]`` each position separately."""
        elements = self.sequence_of(iterable, ctx)
        if isinstance(target, ast.Name):
            loops[target.id] = elements if elements is not None else []
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for pos, elt in enumerate(target.elts):
                if not isinstance(elt, ast.Name):
                    continue
                picked: List[ast.expr] = []
                for item in elements or []:
                    if isinstance(item, (ast.Tuple, ast.List)) and pos < len(item.elts):
                        picked.append(item.elts[pos])
                loops[elt.id] = picked

    def sequence_of(self, expr: ast.expr, ctx: Ctx) -> Optional[List[ast.expr]]:
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            return list(expr.elts)
        if isinstance(expr, ast.Name) and expr.id in ctx.loops:
            return None
        if isinstance(expr, ast.Name) and expr.id in self.s.sequences:
            return list(self.s.sequences[expr.id])
        wrappers = ("enumerate", "list", "tuple", "reversed", "sorted")
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in wrappers:
            inner = self.sequence_of(expr.args[0], ctx) if expr.args else None
            if inner is not None and expr.func.id == "enumerate":
                return [ast.Tuple(elts=[ast.Constant(i), e], ctx=ast.Load()) for i, e in enumerate(inner)]
            return inner
        return None

    def function(self, stmt: ast.stmt, ctx: Ctx) -> None:
        assert isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        for dec in stmt.decorator_list:
            self.exprs(dec, ctx, decorator=True)
        for default in stmt.args.defaults + [d for d in stmt.args.kw_defaults if d is not None]:
            self.exprs(default, ctx)
        self.bind(ctx.scope, stmt.name)
        if ctx.scope == "":
            self.defs.setdefault(stmt.name, []).append(stmt)
        qual = f"{ctx.scope}.{stmt.name}" if ctx.scope else stmt.name
        inner = ctx.child(scope=qual, in_class=False, conditional=False)
        for arg in stmt.args.args + stmt.args.posonlyargs + stmt.args.kwonlyargs:
            self.bind(qual, arg.arg)
        for arg in (stmt.args.vararg, stmt.args.kwarg):
            if arg is not None:
                self.bind(qual, arg.arg)
        self.route_decorators(stmt, ctx)
        self.block(stmt.body, inner)

    # -- routes ------------------------------------------------------------------------------
    def route_decorators(self, stmt: ast.stmt, ctx: Ctx) -> None:
        decorators = stmt.decorator_list  # type: ignore[attr-defined]
        for i, dec in enumerate(decorators):
            call = dec.func if isinstance(dec, ast.Call) else dec
            if not (isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name)):
                continue
            if call.attr not in ROUTE_METHODS or not isinstance(dec, ast.Call):
                continue
            endpoint, how = None, "name"
            explicit = False
            for kw in dec.keywords:
                if kw.arg == "endpoint":
                    explicit = True
                    endpoint = string_constant(kw.value)
                    how = "endpoint="
                elif kw.arg is None:
                    explicit = True  # **options may hold an endpoint
            name = stmt.name  # type: ignore[attr-defined]
            for other in reversed(decorators[i + 1:]):
                ocall = other.func if isinstance(other, ast.Call) else other
                if isinstance(ocall, ast.Attribute) and ocall.attr in ROUTE_METHODS | {"errorhandler"}:
                    continue  # route decorators return the function unchanged
                wrapper = self.wrapper_name(other)
                if wrapper:
                    name = wrapper
                    how = f"`{wrapper}`, the wrapper of @{dotted_name(ocall) or 'decorator'} (no functools.wraps)"
            if not explicit:
                endpoint = name
            elif endpoint is None:
                how = "unknown"
            # two different ``def`` statements are two different function objects
            self.s.routes.append(Route(call.value.id, Spot(dec), ctx, endpoint, (id(stmt),), how,
                                       stmt.name))  # type: ignore[attr-defined]

    def wrapper_name(self, decorator: ast.expr) -> Optional[str]:
        """For a decorator defined in this module: the ``__name__`` of what it returns when it is a
        nested function without ``functools.wraps`` (``"wrapper"``); ``""`` when it keeps the name
        (wraps, returns its argument); None when unknown."""
        target = decorator
        factory = False
        if isinstance(decorator, ast.Call):
            target = decorator.func
            factory = True
        if not isinstance(target, ast.Name) or target.id not in self.defs:
            return None
        nodes = self.defs[target.id]
        if len(nodes) != 1:
            return None
        func = nodes[0]
        if factory:
            inner = _returned_def(func)
            if inner is None:
                return None
            func = inner
        return _wrapper_of(func)

    def add_url_rule(self, call: ast.Call, receiver: str, ctx: Ctx) -> None:
        args = list(call.args)
        endpoint_expr = args[1] if len(args) > 1 else None
        view = args[2] if len(args) > 2 else None
        explicit = len(args) > 1
        for kw in call.keywords:
            if kw.arg == "endpoint":
                endpoint_expr, explicit = kw.value, True
            elif kw.arg == "view_func":
                view = kw.value
            elif kw.arg is None:
                return
        endpoint: Optional[str] = None
        identity: Optional[tuple] = None
        how = "endpoint="
        view_name = None
        if isinstance(view, ast.Name) and view.id in self.defs and len(self.defs[view.id]) == 1:
            identity = (id(self.defs[view.id][0]),)
            view_name = view.id
        elif isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            identity = (id(view),)  # each as_view() call makes a new function
            name = string_constant(view.args[0]) if view.args else None
            view_name = name
            if not (explicit and endpoint_expr is not None and not _is_none(endpoint_expr)):
                endpoint, how = name, "as_view name"
                explicit = True
                endpoint_expr = None
        if endpoint_expr is not None and not _is_none(endpoint_expr):
            endpoint = string_constant(endpoint_expr)
        elif not explicit or _is_none(endpoint_expr):
            if isinstance(view, ast.Name):
                endpoint, how = view.id, "name"
        if view is None or _is_none(view):
            identity = None
        self.s.routes.append(Route(receiver, Spot(call), ctx, endpoint, identity, how, view_name))

    # -- assignments ---------------------------------------------------------------------------
    def assign(self, stmt: ast.stmt, ctx: Ctx) -> None:
        s = self.s
        value = getattr(stmt, "value", None)
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[attr-defined]
        if value is not None:
            self.exprs(value, ctx)
        for target in targets:
            if isinstance(target, ast.Name):
                self.bind(ctx.scope, target.id)
                if isinstance(stmt, ast.AugAssign):
                    if ctx.scope == "" and target.id in s.sequences and isinstance(value, (ast.List, ast.Tuple)):
                        s.sequences[target.id] = s.sequences[target.id] + list(value.elts)
                    continue
                if isinstance(value, ast.Call) and self.is_blueprint_ctor(value.func):
                    s.blueprints[(ctx.scope, target.id)] = stmt
                    s.blueprint_ctx[(ctx.scope, target.id)] = ctx
                if ctx.scope == "" and isinstance(value, (ast.List, ast.Tuple, ast.Set)):
                    s.sequences[target.id] = list(value.elts)
                if ctx.scope == "" and isinstance(value, ast.Dict):
                    s.dicts[target.id] = [v for v in value.values if v is not None]
                if target.id == "SECRET_KEY":
                    if ctx.in_class:
                        pass  # handled by config_class
                    elif ctx.scope == "":
                        literal = _secret_literal(value)
                        if s.module_secret is None and literal is not None and not ctx.conditional and not ctx.guard:
                            s.module_secret = (value, literal)  # type: ignore[assignment]
                        elif s.module_secret is not None:
                            s.module_secret_overridden = True
            elif isinstance(target, ast.Attribute):
                self.exprs(target.value, ctx)
                if isinstance(target.value, ast.Name):
                    recv = target.value.id
                    if target.attr == "secret_key":
                        literal = _secret_literal(value)
                        if literal is not None:
                            s.secrets.append(SecretSet(recv, value, ctx, "attribute", literal, target.value))
                        else:
                            s.loads.append(ConfigLoad(recv, "set", stmt, ctx))
                    elif target.attr == "testing" and is_true(value):
                        s.testing_sets.append((ctx.scope, recv))
            elif isinstance(target, ast.Subscript):
                self.exprs(target, ctx)
                base = target.value
                if isinstance(base, ast.Attribute) and base.attr == "config" and isinstance(base.value, ast.Name):
                    recv = base.value.id
                    key = _subscript_key(target)
                    if key == "SECRET_KEY":
                        literal = _secret_literal(value)
                        if literal is not None:
                            s.secrets.append(SecretSet(recv, value, ctx, "item", literal, base.value))
                        else:
                            s.loads.append(ConfigLoad(recv, "set", stmt, ctx))
                    elif key == "TESTING" and is_true(value):
                        s.testing_sets.append((ctx.scope, recv))
            else:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        self.bind(ctx.scope, node.id)

    def config_class(self, stmt: ast.ClassDef) -> None:
        info = ConfigClass(stmt.name, stmt.lineno, [dotted_name(b) for b in stmt.bases])
        for item in stmt.body:
            if isinstance(item, ast.Assign):
                names = [t.id for t in item.targets if isinstance(t, ast.Name)]
                value = item.value
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.value is not None:
                names, value = [item.target.id], item.value
            else:
                continue
            for name in names:
                if name == "SECRET_KEY":
                    info.sets_secret = True
                    literal = _secret_literal(value)
                    info.secret = (value, literal) if literal is not None else None
                elif name == "TESTING" and is_true(value):
                    info.testing = True
                elif name == "DEBUG" and is_true(value):
                    info.debug = True
        self.s.classes[stmt.name] = info

    # -- expressions ---------------------------------------------------------------------------
    def exprs(self, root: ast.AST, ctx: Ctx, decorator: bool = False) -> None:
        """One pass over an expression: names and attributes used as values, strings, calls."""
        s = self.s
        stack: List[Tuple[ast.AST, bool]] = [(root, False)]
        Name, Attribute, Constant, Call, Load = ast.Name, ast.Attribute, ast.Constant, ast.Call, ast.Load
        while stack:
            node, is_receiver = stack.pop()
            kind = type(node)
            if kind is Name:
                if not is_receiver and type(node.ctx) is Load:  # type: ignore[attr-defined]
                    s.value_names.add(node.id)  # type: ignore[attr-defined]
                continue
            if kind is Attribute:
                if type(node.ctx) is Load:  # type: ignore[attr-defined]
                    if not is_receiver:
                        base = dotted_name(node.value)  # type: ignore[attr-defined]
                        if base:
                            s.value_attrs.add((base, node.attr))  # type: ignore[attr-defined]
                    if node.attr == "register_blueprint" and not decorator:  # type: ignore[attr-defined]
                        s.register_referenced = True
                stack.append((node.value, True))  # type: ignore[attr-defined]
                continue
            if kind is Constant:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is str and len(value) < 200:
                    s.strings.add(value)
                continue
            if kind is Call:
                self.call(node, ctx, decorator and node is root)  # type: ignore[arg-type]
            for name in node._fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    stack.extend((item, False) for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    stack.append((value, False))

    def call(self, node: ast.Call, ctx: Ctx, is_decorator: bool) -> None:
        s = self.s
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "run":
            s.has_run = True
        if isinstance(func.value, ast.Name):
            recv = func.value.id
            if func.attr == "register_blueprint":
                s.registers.append(RegisterCall(recv, node.args[0] if node.args else _kw(node, "blueprint"),
                                                node, ctx))
            elif func.attr == ADD_URL_RULE and not is_decorator:
                self.add_url_rule(node, recv, ctx)
        elif isinstance(func.value, ast.Attribute) and func.value.attr == "config" \
                and isinstance(func.value.value, ast.Name):
            recv = func.value.value.id
            method = func.attr
            if method in OVERRIDING_LOADS:
                s.loads.append(ConfigLoad(recv, method, node, ctx, node.args[0] if node.args else _kw(node, "obj")))
            elif method in ("update", "from_mapping"):
                self.config_update(node, recv, ctx)

    def config_update(self, node: ast.Call, recv: str, ctx: Ctx) -> None:
        s = self.s
        pairs: List[Tuple[Optional[str], ast.expr]] = [(kw.arg, kw.value) for kw in node.keywords]
        for arg in node.args[:1]:
            if isinstance(arg, ast.Dict):
                pairs += [(string_constant(k), v) for k, v in zip(arg.keys, arg.values)]
            elif isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "dict":
                pairs += [(kw.arg, kw.value) for kw in arg.keywords]
            else:
                s.loads.append(ConfigLoad(recv, "set", node, ctx))  # an unknown mapping may hold the key
        for key, value in pairs:
            if key == "SECRET_KEY":
                literal = _secret_literal(value)
                if literal is not None:
                    receiver_node = node.func.value.value  # type: ignore[attr-defined]
                    s.secrets.append(SecretSet(recv, value, ctx, "update", literal, receiver_node))
                else:
                    s.loads.append(ConfigLoad(recv, "set", node, ctx))
            elif key == "TESTING" and is_true(value):
                s.testing_sets.append((ctx.scope, recv))
            elif key is None and node.keywords:
                s.loads.append(ConfigLoad(recv, "set", node, ctx))  # **mapping


def _kw(node: ast.Call, name: str) -> Optional[ast.expr]:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _is_none(expr: Optional[ast.AST]) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _own_returns(func: ast.AST) -> List[ast.Return]:
    """The ``return`` statements of ``func`` itself (not of functions nested in it)."""
    out: List[ast.Return] = []
    todo = list(getattr(func, "body", []))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return):
            out.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))
    return out


def _returned_def(func: ast.AST) -> Optional[ast.AST]:
    """The nested ``def`` a function returns by name (``return decorator``), or None."""
    inner = {n.name: n for n in getattr(func, "body", []) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    returns = _own_returns(func)
    names = {r.value.id for r in returns if isinstance(r.value, ast.Name)}
    if len(names) == 1 and len(returns) == 1:
        name = names.pop()
        return inner.get(name)
    return None


def _wrapper_of(func: ast.AST) -> Optional[str]:
    """Classify a plain decorator ``func(f)``: the name of the nested function it returns when that
    function is not made with ``functools.wraps``/``update_wrapper`` and no ``__name__`` is copied;
    ``""`` when it returns ``f`` itself or keeps the name; None when unknown."""
    args = getattr(func, "args", None)
    if args is None or len(args.args) != 1:
        return None
    param = args.args[0].arg
    returns = _own_returns(func)
    if not returns:
        return None
    inner = {n.name: n for n in func.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}  # type: ignore
    result = None
    for ret in returns:
        if isinstance(ret.value, ast.Name) and ret.value.id == param:
            return ""
        if not (isinstance(ret.value, ast.Name) and ret.value.id in inner):
            return None
        result = ret.value.id
    if result is None:
        return None
    wrapper = inner[result]
    for dec in wrapper.decorator_list:
        if "wraps" in dotted_name(dec.func if isinstance(dec, ast.Call) else dec):
            return ""
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and dotted_name(node.func).endswith("update_wrapper"):
            return ""
        if isinstance(node, ast.Attribute) and node.attr in ("__name__", "__wrapped__") and \
                isinstance(node.ctx, ast.Store):
            return ""
    return wrapper.name


def scan_tree(tree: ast.Module, path: str) -> ModuleScan:
    """Scan one parsed module.

    Args:
        tree: the module's ``ast``.
        path: its absolute path (test files are told apart by it).
    Returns:
        ModuleScan: never None.
    Raises:
        RecursionError: on pathologically nested trees.
    """
    scan = ModuleScan(path)
    scanner = _Scanner(scan)
    # first pass: module-level defs, so decorators and add_url_rule can see functions defined later
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scanner.defs.setdefault(stmt.name, [])
    scanner.block(tree.body, Ctx())
    _keep_asked_scopes(scan)
    return scan


def _keep_asked_scopes(scan: ModuleScan) -> None:
    """Keep :attr:`ModuleScan.bound` only for the scopes a question can name: module level and
    the scopes (with their enclosing ones) of the scan's records. Every question about bindings
    reads a record's scope (a route's, a register call's, a secret's or config load's, an
    import's); most functions of a module hold none, and a scan outlives its tree in the
    per-process cache."""
    scopes = {ctx.scope for ctx in scan.blueprint_ctx.values()}
    for records in (scan.imports, scan.routes, scan.registers, scan.secrets, scan.loads):
        scopes.update(record.ctx.scope for record in records)  # type: ignore[attr-defined]
    scopes.update(scope for scope, _ in scan.blueprints)
    scopes.update(scope for scope, _ in scan.testing_sets)
    asked = {""}
    for scope in scopes:
        while scope and scope not in asked:
            asked.add(scope)
            scope = scope.rpartition(".")[0]
    if len(asked) < len(scan.bound):
        scan.bound = {scope: names for scope, names in scan.bound.items() if scope in asked}


def _scans() -> Dict[str, Tuple[Tuple[int, int], Optional[ModuleScan]]]:
    """path -> ((size, mtime_ns), scan or None): the scans of project files, for the session."""
    return current().cache("index.scans", FILE)


def _override_scans() -> Dict[str, Tuple[str, Optional[ModuleScan]]]:
    """path -> (the fixer's text scanned, its scan): :func:`scan_file`'s cache for ``Session.overrides``."""
    return current().cache("index.override_scans", PROJECT)


def scan_file(path: str) -> Optional[ModuleScan]:
    """Parse (never execute) ``path`` and scan it; cached for the session by path, size and mtime.

    A path the fixer holds a text for (``Session.overrides``) is scanned from that text instead
    (cached by the text: the fixer asks about the module it rewrites once per route while it analyses
    it). Returns None when the file cannot be read or parsed.
    """
    override = current().overrides.get(path)
    if override is not None:
        held = _override_scans().get(path)
        if held is not None and (held[0] is override or held[0] == override):
            return held[1]
        try:
            scanned: Optional[ModuleScan] = scan_tree(ast.parse(override, filename=path), path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            scanned = None
        _override_scans()[path] = (override, scanned)
        return scanned
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (stat.st_size, stat.st_mtime_ns)
    cached = _scans().get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    result: Optional[ModuleScan]
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
        result = scan_tree(tree, path)
        # the same parse gives the module's core facts (``ModuleScan.facts`` would parse it again)
        project.remember_facts(path, collect(tree, path), key)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        result = None
    _scans()[path] = (key, result)
    return result


def imports_of_file(path: str) -> List[ImportRef]:
    """The imports of a file (any scope), from a walk over its statements only (no expressions):
    what the import graph needs, at a fraction of a full scan. Cached by path, size and mtime.
    A path the fixer holds a text for (``Session.overrides``) is read from that text (not cached)."""
    override = current().overrides.get(path)
    cache: Dict[str, Tuple[Tuple[int, int], List[ImportRef]]] = current().cache("index.imports", FILE)
    if override is None:
        try:
            stat = os.stat(path)
        except OSError:
            return []
        key = (stat.st_size, stat.st_mtime_ns)
        cached = cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
    out: List[ImportRef] = []
    try:
        if override is not None:
            tree: Optional[ast.AST] = ast.parse(override, filename=path)
        else:
            with open(path, "rb") as handle:
                tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    todo: List[Tuple[ast.AST, str]] = [(tree, "")] if tree is not None else []
    contexts: Dict[str, Ctx] = {}
    while todo:
        node, scope = todo.pop()
        children: List[ast.AST] = []
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                children.extend(v for v in value if isinstance(v, ast.AST))
        where = contexts.get(scope)
        if where is None:
            where = contexts[scope] = Ctx(scope)  # one per scope: the refs of a scope share it
        for stmt in children:
            if isinstance(stmt, ast.Import):
                spot = Spot(stmt)
                for alias in stmt.names:
                    local = alias.asname or alias.name.split(".")[0]
                    out.append(ImportRef(local, alias.name, None, 0, spot, where, bool(alias.asname)))
            elif isinstance(stmt, ast.ImportFrom):
                spot = Spot(stmt)
                for alias in stmt.names:
                    out.append(ImportRef(alias.asname or alias.name, stmt.module or "", alias.name, stmt.level, spot,
                                         where, bool(alias.asname)))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                todo.append((stmt, f"{scope}.{stmt.name}" if scope else stmt.name))
            else:
                todo.append((stmt, scope))
    if override is None:
        cache[path] = (key, out)
    return out


# ---- the project ----------------------------------------------------------------------------
#: Words the index's own questions and the rules ask about in every module (``mentioning``): which of
#: them a module has, as whole words, is recorded when the index is built, so that a question about
#: them alone is answered without reading the files again.
INDEXED_WORDS = ("Flask", "APIFlask", "from_object", "register_blueprint", "import")


def _word_pattern(word: bytes) -> "re.Pattern[bytes]":
    """``word`` as a whole word (not inside an identifier) in raw source bytes."""
    return re.compile(rb"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(word))


_INDEXED_PATTERNS = [(w.encode("ascii"), _word_pattern(w.encode("ascii"))) for w in INDEXED_WORDS]
_INDEXED_WORD_SET = frozenset(w for w, _ in _INDEXED_PATTERNS)


def _read_module(path: str) -> Optional[bytes]:
    """The raw bytes of a project module as the index sees it: the fixer's text when it holds one
    (``Session.overrides``, UTF-8), else the file on disk; None when it cannot be read."""
    try:
        return current().read_bytes(path)
    except OSError:
        return None


def module_bytes(path: str) -> bytes:
    """:func:`_read_module`, with ``b""`` for a file that cannot be read (it mentions nothing)."""
    data = _read_module(path)
    return b"" if data is None else data


#: The distinct :attr:`ModuleEntry.words` sets: entries share them (a frozenset costs ~200 bytes,
#: and mlflow's 1,315 modules have a handful of distinct ones).
_WORD_SETS: Dict[frozenset, frozenset] = {}


class ModuleEntry:
    """A module of the project: its path, dotted name (from the root, or from ``src/``) and what the
    index learnt from its bytes when it was built: which :data:`INDEXED_WORDS` it has (``words``)
    and whether it loads modules by name (``dynamic``: :data:`DYNAMIC_IMPORT`).

    The bytes themselves are not kept (they were the index's whole memory cost: 16 MB for mlflow's
    1,315 modules); a question about other words reads the file again (:attr:`data`).
    """

    __slots__ = ("path", "dotted", "words", "dynamic")

    def __init__(self, path: str, dotted: str, data: bytes) -> None:
        self.path = path
        self.dotted = dotted
        words = frozenset(w for w, pattern in _INDEXED_PATTERNS if w in data and pattern.search(data))
        self.words = _WORD_SETS.setdefault(words, words)  # one object per distinct set (at most 32)
        self.dynamic = (any(w in data for w in _DYNAMIC_WORDS)
                        and _DYNAMIC_IMPORT_BYTES.search(data) is not None)

    @property
    def mentions_flask(self) -> bool:
        """True when the module may say anything about Flask (:data:`PREFILTER`; the file is read again)."""
        return _PREFILTER_BYTES.search(self.data) is not None

    @property
    def data(self) -> bytes:
        """The module's raw bytes, read again (see :func:`module_bytes`)."""
        return module_bytes(self.path)

    @property
    def text(self) -> str:
        """The module's text (UTF-8, undecodable bytes replaced), read again."""
        return self.data.decode("utf-8", "replace")


class ProjectIndex:
    """All Python modules under ``root`` and the questions the cross-module rules ask about them.

    Build it with :func:`get_index`. Modules are scanned on demand (:meth:`scan`).
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self.modules: Dict[str, ModuleEntry] = {}
        for rel in sources.python_files(root):
            path = os.path.join(root, rel)
            if os.path.islink(path):  # the walk follows no folder link: only a file can be one
                path = sources.normpath(path)
            data = _read_module(path)  # the fixer's text for a file it holds (``Session.overrides``)
            if data is not None:  # only what the entry learns from the bytes is kept (see :class:`ModuleEntry`)
                self.modules[path] = ModuleEntry(path, _dotted_name(rel), data)
        self._edges: Dict[str, List[Tuple[str, ImportRef]]] = {}
        self._mentioning: Dict[Tuple[str, ...], List[str]] = {}
        self._importers: Dict[str, List[Tuple[str, ImportRef]]] = {}
        self._resolved: Dict[Tuple[str, str, int], Optional[str]] = {}
        self._loader_paths: Optional[List[str]] = None
        self._loaders_naming: Dict[str, bool] = {}  # package name -> a loader's text names it
        #: per-index answers of the rules (computed once per process and root)
        self.memo: Dict[str, object] = {}

    # -- modules -----------------------------------------------------------------------------
    def scan(self, path: str) -> Optional[ModuleScan]:
        """The :class:`ModuleScan` of a project module (None if it is not parsable)."""
        return scan_file(path)

    def mentioning(self, *words: str) -> List[str]:
        """Paths of modules whose text has every one of ``words`` as a whole word; answers cached.

        The :data:`INDEXED_WORDS` among ``words`` are answered from the entries; only the modules
        that have those are read again for the other words (a substring test, then a word-boundary
        check on the hits)."""
        key = tuple(sorted(set(words)))
        found = self._mentioning.get(key)
        if found is not None:
            return found
        raw = [w.encode("utf-8") for w in key]
        known = frozenset(w for w in raw if w in _INDEXED_WORD_SET)
        rest = [w for w in raw if w not in known]
        candidates = [p for p, m in self.modules.items() if known <= m.words]
        if rest:
            patterns = [_word_pattern(w) for w in rest]
            hits = []
            for p in candidates:
                data = module_bytes(p)
                if all(w in data for w in rest) and all(pattern.search(data) for pattern in patterns):
                    hits.append(p)
            candidates = hits
        found = sorted(candidates)
        self._mentioning[key] = found
        return found

    def near(self, path: str, *words: str) -> List[str]:
        """Modules that mention ``words`` and could import module ``path``: they name its module (or
        package) or live in its package (relative imports)."""
        entry = self.modules.get(path)
        if entry is None:
            return []
        parts = entry.dotted.split(".")
        stem = parts[-2] if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]
        folder = os.path.dirname(path)
        if parts[-1] == "__init__":
            folder = os.path.dirname(folder)
        named = set(self.mentioning(stem, *words))
        local = {p for p in self.mentioning(*words) if p.startswith(folder + os.sep)}
        return sorted(named | local)

    def is_test(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        return is_test_path(rel)

    def has_app(self) -> bool:
        """True when some non-test module creates a Flask app (``Flask(``/an app factory). Cached."""
        if "has_app" not in self.memo:
            self.memo["has_app"] = self._has_app()
        return bool(self.memo["has_app"])

    def _has_app(self) -> bool:
        for path in sorted(set(self.mentioning("Flask")) | set(self.mentioning("APIFlask"))):
            if self.is_test(path):
                continue
            scan = self.scan(path)
            if scan and (any(b.kind in ("flask", "factory") for b in scan.facts.app_bindings)
                         or "factory" in scan.facts.function_regions.values()):
                return True
        return False

    def dynamic_loading(self) -> bool:
        """True when a non-test module loads modules by name at run time (importlib, import_string,
        find_modules, ...): the import graph is then incomplete."""
        return bool(self._loaders())

    def _loaders(self) -> List[str]:
        """The non-test modules that load modules by name (:attr:`ModuleEntry.dynamic`); cached."""
        if self._loader_paths is None:
            self._loader_paths = [p for p, e in self.modules.items() if e.dynamic and not self.is_test(p)]
        return self._loader_paths

    def dynamic_loading_near(self, path: str) -> bool:
        """True when a non-test module that loads modules by name (see :data:`DYNAMIC_IMPORT`) sits in
        the package of ``path`` (or a parent package) or names that package: it may load ``path``."""
        entry = self.modules.get(path)
        if entry is None:
            return True
        parts = entry.dotted.split(".")
        packages = parts[:-2] if parts[-1] == "__init__" else parts[:-1]
        folder = os.path.dirname(path)
        loaders = self._loaders()
        for other in loaders:
            other_folder = os.path.dirname(other)
            if folder == other_folder or folder.startswith(other_folder + os.sep) and other_folder != self.root:
                return True
        if not packages:
            return False
        name = packages[-1]
        if name not in self._loaders_naming:  # the loaders' files are read again only for this question
            pattern = re.compile(rb"\b%s\b" % re.escape(name.encode("utf-8")))
            self._loaders_naming[name] = any(pattern.search(module_bytes(other)) for other in loaders)
        return self._loaders_naming[name]

    # -- imports -----------------------------------------------------------------------------
    def resolve_module(self, importer: str, module: str, level: int) -> Optional[str]:
        """The project file of ``module`` imported (with ``level`` dots) from ``importer``; cached by
        the importer's folder (what resolution depends on)."""
        key = (os.path.dirname(importer), module, level)
        if key in self._resolved:
            return self._resolved[key]
        result = self._resolve(importer, module, level)
        self._resolved[key] = result
        return result

    def _find(self, base: str, dotted: str) -> Optional[str]:
        """``base/<dotted>.py`` or ``base/<dotted>/__init__.py`` (also under ``base/src``) when it is a
        module of the project: the rules of :func:`project.module_file`, answered from memory."""
        if not dotted or not re.fullmatch(r"[A-Za-z_][\w.]*", dotted):
            return None
        rel = dotted.replace(".", os.sep)
        for prefix in (base, os.path.join(base, "src")):
            for candidate in (os.path.join(prefix, rel + ".py"), os.path.join(prefix, rel, "__init__.py")):
                if candidate in self.modules:
                    return candidate
        return None

    def _resolve(self, importer: str, module: str, level: int) -> Optional[str]:
        """:func:`project.importer_base` over the index's files (no file system calls), then the
        root for an absolute import."""
        folder = os.path.dirname(importer)
        if level:
            for _ in range(level - 1):
                folder = os.path.dirname(folder)
            if not module:
                init = os.path.join(folder, "__init__.py")
                return init if init in self.modules else None
            return self._find(folder, module)
        current = folder
        while True:
            found = self._find(current, module)
            if found:
                return found
            if current == self.root or os.path.dirname(current) == current or not current.startswith(self.root):
                break
            current = os.path.dirname(current)
        return self._find(self.root, module)

    def targets(self, importer: str, ref: ImportRef) -> List[str]:
        """Project files an import loads: every package on the way and the module itself; for
        ``from m import x`` also ``m/x.py`` when ``x`` is a submodule."""
        out: List[str] = []
        if ref.name is None:
            parts = ref.module.split(".")
            for n in range(1, len(parts) + 1):
                found = self.resolve_module(importer, ".".join(parts[:n]), 0)
                if found:
                    out.append(found)
            return out
        parts = ref.module.split(".") if ref.module else []
        for n in range(1, len(parts) + 1):
            found = self.resolve_module(importer, ".".join(parts[:n]), ref.level)
            if found:
                out.append(found)
        if ref.level and not ref.module:
            found = self.resolve_module(importer, "", ref.level)
            if found:
                out.append(found)
        if ref.name != "*":
            sub = f"{ref.module}.{ref.name}" if ref.module else ref.name
            found = self.resolve_module(importer, sub, ref.level)
            if found:
                out.append(found)
        return out

    def edges(self, path: str) -> List[Tuple[str, ImportRef]]:
        """``[(imported project file, import)]`` for every import in ``path`` (any scope)."""
        if path in self._edges:
            return self._edges[path]
        out: List[Tuple[str, ImportRef]] = []
        cached = _scans().get(path)
        refs = cached[1].imports if cached is not None and cached[1] is not None else imports_of_file(path)
        for ref in refs:
            for target in self.targets(path, ref):
                if target != path:
                    out.append((target, ref))
        self._edges[path] = out
        return out

    def importers(self, path: str, include_tests: bool = False) -> List[Tuple[str, ImportRef]]:
        """``[(importer, import)]``: the modules that import ``path`` (candidates found with the word
        index first: they name the module or sit in its package; then their imports are resolved).
        Cached per path."""
        key = f"{int(include_tests)}:{path}"
        if key in self._importers:
            return self._importers[key]
        out = []
        for other in self.near(path, "import"):
            if other == path or (not include_tests and self.is_test(other)):
                continue
            for target, ref in self.edges(other):
                if target == path:
                    out.append((other, ref))
        self._importers[key] = out
        return out

    # -- names -------------------------------------------------------------------------------
    def resolve_name(self, path: str, name: str, scope: str = "", depth: int = 0) -> Optional[Tuple[str, str]]:
        """Follow ``name`` (read in ``scope`` of module ``path``) through imports to the module-level
        binding it names: ``(defining path, name there)``; a submodule gives ``(its path, "")``."""
        scan = self.scan(path)
        if scan is None or depth > 4:
            return None
        ref = scan.imports_in(scope).get(name)
        locally = name in scan.bound.get(scope, set()) or name in scan.bound.get("", set())
        if ref is None:
            return (path, name) if locally else None
        if ref.name is None:
            if ref.asname:
                target = self.resolve_module(path, ref.module, 0)
            else:
                target = self.resolve_module(path, ref.local, 0)
            return (target, "") if target else None
        sub = f"{ref.module}.{ref.name}" if ref.module else ref.name
        submodule = self.resolve_module(path, sub, ref.level)
        if submodule:
            return (submodule, "")
        origin = self.resolve_module(path, ref.module, ref.level) if (ref.module or ref.level) else None
        if origin is None:
            return None
        return self.resolve_name(origin, ref.name, "", depth + 1) or (origin, ref.name)

    def resolve_expr(self, path: str, expr: ast.expr, scope: str, depth: int = 0) -> Optional[Tuple[str, str]]:
        """Resolve a ``Name`` or dotted ``Attribute`` expression to ``(defining path, name)``."""
        if isinstance(expr, ast.Name):
            return self.resolve_name(path, expr.id, scope)
        if isinstance(expr, ast.Attribute):
            base = self.resolve_expr(path, expr.value, scope, depth + 1)
            if base is None or base[1]:
                return None
            scan = self.scan(base[0])
            if scan is None:
                return None
            sub = self.resolve_module(base[0], expr.attr, 1) if base[0].endswith("__init__.py") else None
            if sub:
                return (sub, "")
            return self.resolve_name(base[0], expr.attr, "", depth + 1) or (base[0], expr.attr)
        return None


def _dotted_name(rel: str) -> str:
    rel = rel[:-3] if rel.endswith(".py") else rel
    parts = rel.replace(os.sep, "/").split("/")
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def get_index(root: str) -> ProjectIndex:
    """The :class:`ProjectIndex` of ``root``, built on first call and cached for the session (a
    :data:`~flake8_flask_deploy.session.PROJECT` cache: dropped when files change or the run leaves
    the project)."""
    root = sources.normpath(root)
    store = current().cache("index.indexes", PROJECT)
    found = store.get(root)
    if found is None:
        found = store[root] = ProjectIndex(root)
    return found


def root_of(module) -> str:
    """The project root of a rule's ``ModuleContext`` (its deployment root, else discovered)."""
    return module.root or sources.find_root(os.path.dirname(module.path))


def consistent(path: str, facts: ModuleFacts) -> bool:
    """True when the file on disk is the one flake8 parsed (the same functions, classes and route
    decorators at the same places); False for an editor buffer on stdin that differs from the
    saved file, or a file that cannot be read or parsed. The file is parsed again: only the
    tree-less :func:`scan_for` asks (scans keep no positions)."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    on_disk: Set[Tuple[int, int]] = set()
    disk_routes: Set[Tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            on_disk.add((node.lineno, node.col_offset))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            disk_routes.update((dec.lineno, dec.col_offset) for dec in node.decorator_list
                               if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)
                               and isinstance(dec.func.value, ast.Name) and dec.func.attr in ROUTE_METHODS)
    defs = {(i.node.lineno, i.node.col_offset) for i in facts.functions.values()}  # type: ignore[attr-defined]
    if not defs <= on_disk:
        return False
    routes = {(r.node.lineno, r.node.col_offset) for r in facts.registrations  # type: ignore[attr-defined]
              if r.kind == "route" and isinstance(r.node, ast.Call)
              and isinstance(r.stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return routes == disk_routes


# ---- questions the rules ask ----------------------------------------------------------------
def scan_for(module) -> Optional[ModuleScan]:
    """The scan of a rule's ``ModuleContext`` file.

    When the context carries the ``ast`` flake8 parsed (``module.tree``), that tree is scanned (never
    the file again; several rules ask for the same module, so the last scan is kept) and the scan
    stands for the file in the session's scan cache, so other modules' questions reuse it. The scan
    of the tree is a :data:`~flake8_flask_deploy.session.MODULE` entry: dropped when the module is
    done, or the whole tree would stay alive while flake8 parses the next file (26k nodes, about
    10 MB, for mlflow's largest module); the copy in the scan cache holds only the nodes it names.
    Without a
    tree, the file on disk is scanned, and None is returned when it is not the tree the facts came
    from (an editor buffer on stdin) or cannot be parsed.
    """
    tree = getattr(module, "tree", None)
    tree_scans = current().cache("index.tree_scan", MODULE)
    if tree is None:
        scan = scan_file(module.path)
        if scan is None or not consistent(module.path, module.facts):
            return None
    elif tree_scans.get("") is not None and tree_scans[""][0] is tree:
        return tree_scans[""][1]
    else:
        scan = scan_tree(tree, module.path)
        tree_scans[""] = (tree, scan)
        override = current().overrides.get(module.path)
        if override is not None:  # the fixer's text of this module, parsed into this tree
            _override_scans()[module.path] = (override, copy.copy(scan))
        else:
            try:
                stat = os.stat(module.path)
            except OSError:
                pass
            else:
                # kept for other modules' questions without this module's facts (they hold the
                # whole tree); ``ModuleScan.facts`` computes them again if ever asked
                _scans()[module.path] = ((stat.st_size, stat.st_mtime_ns), copy.copy(scan))
    if scan._facts is None:
        scan._facts = module.facts  # the engine's facts of this very file: no second walk
    return scan


def infer_receiver(index: "ProjectIndex", path: str, node: Optional[ast.AST]) -> Optional[str]:
    """astroid's answer for a receiver node (``"Flask"``, ``"Blueprint"``, ``"Config"`` or None);
    astroid is imported only here, on first need."""
    if node is None:
        return None
    entry = index.modules.get(path)
    modname = entry.dotted[:-9] if entry and entry.dotted.endswith(".__init__") else (entry.dotted if entry else "")
    return infer_kind(path, node.lineno, node.col_offset, index.root, modname)  # type: ignore[attr-defined]


def deployment_mentions(index: "ProjectIndex", path: str) -> bool:
    """True when a non-Python project file (Makefile, shell script, .flaskenv, config, compose,
    Dockerfile; not prose or assets) names this module (``blog.routes``, ``blog/routes.py``,
    ``routes:app``): it may be started directly."""
    entry = index.modules.get(path)
    if entry is None:
        return False
    dotted = entry.dotted
    base = dotted.rsplit(".", 1)[-1]
    rel = os.path.relpath(path, index.root).replace(os.sep, "/")
    wanted = [rel, os.path.basename(path), f"{base}:"]
    if "." in dotted:
        wanted.append(dotted)
    for folder, files in sources.walk_project(index.root):
        for name in files:
            if name.endswith((".py", ".pyc", ".html", ".js", ".css", ".json", ".lock", ".txt", ".md", ".rst",
                              ".svg", ".png", ".jpg", ".ico", ".map", ".po", ".mo")):
                continue  # code, assets and prose (a README's file tree names every module)
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    text = handle.read(200000).decode("utf-8", "replace")
            except OSError:
                continue
            if any(w in text for w in wanted):
                return True
    return False


def is_app(scan: ModuleScan, name: str, scope: str) -> bool:
    """True when ``name`` in ``scope`` is a Flask app by the ``ast`` facts."""
    return scan.facts.is_app(name, scope)


def blueprint_routes(index: ProjectIndex, path: str, name: str) -> List[Tuple[str, Route]]:
    """Routes registered on the module-level blueprint ``name`` of ``path``, in that module or in
    any module that imports it (``from app.main import bp`` + ``@bp.route``)."""
    out: List[Tuple[str, Route]] = []
    scan = index.scan(path)
    if scan is None:
        return out
    for route in scan.routes:
        if scan.blueprint_in(route.receiver, route.ctx.scope) == ("", name):
            out.append((path, route))
    for other in index.near(path, name):
        if other == path:
            continue
        oscan = index.scan(other)
        if oscan is None or not oscan.routes:
            continue
        for route in oscan.routes:
            if route.receiver in oscan.bound.get(route.ctx.scope, set()) and route.ctx.scope:
                continue
            if index.resolve_name(other, route.receiver, route.ctx.scope) == (path, name):
                out.append((other, route))
    return out


def register_targets(index: ProjectIndex, path: str, call: RegisterCall) -> Optional[List[Tuple[str, str]]]:
    """What a ``register_blueprint`` call registers: ``[(path, name)]``, or None when unknown."""
    scan = index.scan(path)
    if scan is None or call.arg is None:
        return None
    return _resolve_values(index, path, scan, call.arg, call.ctx, 0)


def _resolve_values(index, path, scan, expr, ctx, depth) -> Optional[List[Tuple[str, str]]]:
    if depth > 3:
        return None
    if isinstance(expr, ast.Name) and expr.id in ctx.loops:
        values = ctx.loops[expr.id]
        if not values:
            return None
        out = []
        for value in values:
            got = _resolve_values(index, path, scan, value, ctx.child(loops={}), depth + 1)
            if got is None:
                return None
            out.extend(got)
        return out
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in ctx.loops:
        values = ctx.loops[expr.value.id]
        out = []
        for value in values or [None]:
            if value is None:
                return None
            got = _resolve_values(index, path, scan, ast.Attribute(value=value, attr=expr.attr, ctx=ast.Load()),
                                  ctx.child(loops={}), depth + 1)
            if got is None:
                return None
            out.extend(got)
        return out
    if isinstance(expr, ast.Name) and ctx.scope and expr.id in scan.bound.get(ctx.scope, set()):
        key = scan.blueprint_in(expr.id, ctx.scope)
        if key is not None and key[0] == "":
            return [(path, expr.id)]
        ref = scan.imports_in(ctx.scope).get(expr.id)
        if ref is None or ref.ctx.scope != ctx.scope:
            return None  # a local variable or parameter
    if isinstance(expr, (ast.Name, ast.Attribute)):
        found = index.resolve_expr(path, expr, ctx.scope)
        if found is None or not found[1]:
            return None
        return [found]
    return None


def blueprint_referenced(index: ProjectIndex, path: str, name: str) -> bool:
    """True when the blueprint ``name`` of ``path`` is used as a value anywhere (passed, listed,
    returned, imported and used): something we cannot follow may register it."""
    scan = index.scan(path)
    if scan is None:
        return True
    if name in scan.value_names:
        return True
    candidates = {other for other, _ in index.importers(path)}  # a use needs an import
    for other in sorted(candidates):
        if other == path:
            continue
        oscan = index.scan(other)
        if oscan is None:
            return True
        for ref in oscan.imports:
            if ref.name == "*" and index.resolve_module(other, ref.module, ref.level) == path:
                return True  # ``from views import *``: every name of the module may be used
            if ref.name == name and index.resolve_name(other, ref.local, ref.ctx.scope) == (path, name):
                if ref.local in oscan.value_names:
                    return True
        for base, attr in oscan.value_attrs:
            if attr == name:
                root_name = base.split(".")[0]
                found = index.resolve_expr(other, _parse_expr(base), "") if root_name else None
                if found is None or found[0] == path:
                    return True
    return False


def _parse_expr(dotted: str) -> ast.expr:
    return ast.parse(dotted, mode="eval").body


def string_mentions(index: ProjectIndex, path: str, name: str) -> bool:
    """True when some non-test module holds a string naming this module, ``module:attr`` or
    ``module.name`` (loaded by name: ``import_string("blog.views:bp")``, a gunicorn config's
    ``wsgi_app = "blog.views:app"``); a string may name the module by a dotted suffix."""
    entry = index.modules.get(path)
    if entry is None:
        return False
    dotted = entry.dotted[:-9] if entry.dotted.endswith(".__init__") else entry.dotted
    stem = dotted.rsplit(".", 1)[-1]

    def names_it(text: str) -> bool:
        module = text.split(":", 1)[0]
        if name and module.endswith("." + name):
            module = module[: -len(name) - 1]
        return bool(module) and (dotted == module or dotted.endswith("." + module))

    for other in index.mentioning(stem):
        if other == path or index.is_test(other):
            continue
        scan = index.scan(other)
        if scan and any(stem in text and names_it(text) for text in scan.strings):
            return True
    return False


# ---- FDP002 across modules ------------------------------------------------------------------
@dataclass
class CrossShadow:
    """A module that creates its own app for its routes while the package's served app is created in
    ``other_path`` (line ``other_line``), which imports this module for those routes."""

    node: ast.AST
    name: str
    other_path: str
    other_line: int
    import_line: int


def cross_module_shadowing(index: ProjectIndex, path: str) -> List[CrossShadow]:
    """FDP002 across modules: ``path`` creates ``X = Flask(...)`` at import and registers routes on
    it, and another non-test module that also creates a Flask app at import imports ``path`` (the
    pattern "``from blog import routes`` at the end of ``blog/__init__.py``") without taking its app.

    Not reported when ``path`` is a test file, runs its own app (``X.run``, the ``__main__`` guard),
    or the importer imports the app object itself (``from blog.routes import app``).

    Returns:
        list of :class:`CrossShadow`, empty when nothing is wrong.
    """
    scan = index.scan(path)
    if scan is None or scan.is_test or scan.has_run or scan.has_guard:
        return []
    apps = [b for b in scan.facts.app_bindings if b.kind == "flask" and b.scope == "" and b.where is not None
            and b.where.region == "import" and not b.where.conditional]
    out: List[CrossShadow] = []
    for binding in apps:
        routes = [r for r in scan.routes if r.receiver == binding.name and r.ctx.at_import]
        if not routes:
            continue
        for importer, ref in index.importers(path):
            other = index.scan(importer)
            if other is None or other.has_run and importer.endswith("__main__.py"):
                continue
            own = [b for b in other.facts.app_bindings if b.kind == "flask" and b.scope == "" and b.where is not None
                   and b.where.region == "import"]
            if not own:
                continue
            if ref.name == binding.name and index.resolve_module(importer, ref.module, ref.level) == path:
                continue  # it takes our app: then ours is the served one
            if ref.name is not None and ref.name not in ("*",) and index.resolve_name(
                    importer, ref.local, ref.ctx.scope) != (path, ""):
                continue  # ``from .routes import helper``: not a route import
            out.append(CrossShadow(binding.node, binding.name, importer, own[0].node.lineno, ref.node.lineno))
            break
    return out


def iter_blueprints(scan: ModuleScan) -> Iterator[Tuple[str, ast.AST]]:
    """Module-level blueprints bound unconditionally at import: ``(name, assignment)``."""
    for (scope, name), node in scan.blueprints.items():
        ctx = scan.blueprint_ctx[(scope, name)]
        if scope == "" and ctx.at_import:
            yield name, node


def config_targets(index: "ProjectIndex", path: str, arg: Optional[ast.expr], scope: str) -> List[Tuple[str, str]]:
    """What ``config.from_object(arg)``, written in ``path`` in ``scope``, loads: ``[(path, class
    name, or "" for a module)]``; empty when it cannot be followed. ``__name__`` is the module itself;
    a string is a dotted module or ``module.Class``; a name or attribute is resolved through the
    imports; ``CONFIGS[key]``/``CONFIGS.get(key)`` gives every value of the mapping.
    https://flask.palletsprojects.com/en/stable/api/#flask.Config.from_object"""
    if isinstance(arg, ast.Name) and arg.id == "__name__":
        return [(path, "")]
    text = string_constant(arg)
    if text is not None:
        modname, _, attr = text.replace(":", ".").rpartition(".")
        out = []
        found = index.resolve_module(path, modname, 0) if modname else None
        if found:
            out.append((found, attr))
        whole = index.resolve_module(path, text.replace(":", "."), 0)
        if whole:
            out.append((whole, ""))
        return out
    if isinstance(arg, (ast.Name, ast.Attribute)):
        found = index.resolve_expr(path, arg, scope)
        return [found] if found else []
    if isinstance(arg, ast.Subscript) or (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                                          and arg.func.attr == "get"):
        mapping = arg.value if isinstance(arg, ast.Subscript) else arg.func.value  # type: ignore[union-attr]
        found = index.resolve_expr(path, mapping, scope)
        if not found or not found[1]:
            return []
        other = index.scan(found[0])
        if other is None or found[1] not in other.dicts:
            return []
        out = []
        for value in other.dicts[found[1]]:
            if isinstance(value, (ast.Name, ast.Attribute)):
                target = index.resolve_expr(found[0], value, "")
                if target:
                    out.append(target)
        return out
    return []


def later_config_loads(scan: ModuleScan, receiver: str, scope: str, line: int) -> List[ConfigLoad]:
    """The config loads (``from_object``/``from_pyfile``/... and ``SECRET_KEY`` assignments) of the
    app ``receiver`` in ``scope`` after ``line``: what may override a setting made at ``line``."""
    return [load for load in scan.loads
            if load.receiver == receiver and load.ctx.scope == scope and load.node.lineno > line]  # type: ignore

