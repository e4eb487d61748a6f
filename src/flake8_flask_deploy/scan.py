"""What the project index knows about one module: its :class:`ModuleScan` (imports, blueprints,
routes and endpoints, ``register_blueprint`` calls, secret keys, config loads and config classes, the
names it binds and uses), recorded during the one walk of the module (:mod:`flake8_flask_deploy.walk`)
by :func:`scan_tree`. The questions across modules are :mod:`flake8_flask_deploy.index`'s.

Flask facts used here (sources):

* endpoints default to the view function's ``__name__``; ``endpoint=`` and ``add_url_rule``'s
  second argument name it: https://flask.palletsprojects.com/en/stable/api/#flask.Flask.add_url_rule
* a decorator without ``functools.wraps`` gives every view it wraps the wrapper's ``__name__``:
  https://docs.python.org/3/library/functools.html#functools.wraps
* config loading (``from_object``, ``from_pyfile``, ``from_envvar``, ``from_prefixed_env``):
  https://flask.palletsprojects.com/en/stable/config/
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set, Tuple

from . import project
from .facts import ROUTE_METHODS, FactsRecorder, ModuleFacts, dotted_name, is_true, subscript_key
from .sources import is_test_path
from .model import Spot
from .walk import Block, Ctx, Recorder, expression_nodes, walk
from .records import FROM_FACTORY, Record

#: Classes whose instances are blueprints: ``(module, class)``.
BLUEPRINT_CLASSES = frozenset(
    {("flask", "Blueprint"), ("flask.blueprints", "Blueprint"), ("flask_smorest", "Blueprint"),
     ("apiflask", "APIBlueprint")}
)
#: Config loaders that replace values set before them (the dev-default pattern of Flask's tutorial).
OVERRIDING_LOADS = frozenset({"from_pyfile", "from_envvar", "from_prefixed_env", "from_object", "from_file"})
#: Method names that register a view function.
ADD_URL_RULE = "add_url_rule"


@dataclass(init=False, repr=False, eq=False)
class ImportRef(Record):
    """One imported name: ``import a.b`` (``name`` None, ``local`` = ``a``) or ``from m import name``.
    ``node`` is where the statement is (one :class:`Spot` shared by the names of one statement)."""

    local: str
    module: str
    name: Optional[str]
    level: int
    node: Spot
    ctx: Ctx
    asname: bool = False

    def __init__(self, local: str, module: str, name: Optional[str], level: int, node: Spot, ctx: Ctx,
                 asname: bool = False) -> None:
        self.local = local
        self.module = module
        self.name = name
        self.level = level
        self.node = node
        self.ctx = ctx
        self.asname = asname


@dataclass(init=False, repr=False, eq=False)
class Route(Record):
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
    #: the view's body is a placeholder (:func:`is_stub`): a route not written yet
    stub: bool = False

    def __init__(self, receiver: str, node: Spot, ctx: Ctx, endpoint: Optional[str], identity: Optional[tuple],
                 how: str, view: Optional[str] = None, stub: bool = False) -> None:
        self.receiver = receiver
        self.node = node
        self.ctx = ctx
        self.endpoint = endpoint
        self.identity = identity
        self.how = how
        self.view = view
        self.stub = stub


@dataclass(init=False, repr=False, eq=False)
class RegisterCall(Record):
    """``<receiver>.register_blueprint(<arg>)`` with the loop variables in force at the call."""

    receiver: str
    arg: Optional[ast.expr]
    node: ast.Call
    ctx: Ctx

    def __init__(self, receiver: str, arg: Optional[ast.expr], node: ast.Call, ctx: Ctx) -> None:
        self.receiver = receiver
        self.arg = arg
        self.node = node
        self.ctx = ctx


@dataclass(init=False, repr=False, eq=False)
class SecretSet(Record):
    """A string literal stored as ``SECRET_KEY`` on ``receiver`` (``kind``: item, attribute, update)."""

    receiver: str
    node: ast.AST
    ctx: Ctx
    kind: str
    value: str
    receiver_node: Optional[ast.AST] = None

    def __init__(self, receiver: str, node: ast.AST, ctx: Ctx, kind: str, value: str,
                 receiver_node: Optional[ast.AST] = None) -> None:
        self.receiver = receiver
        self.node = node
        self.ctx = ctx
        self.kind = kind
        self.value = value
        self.receiver_node = receiver_node


@dataclass(init=False, repr=False, eq=False)
class ConfigLoad(Record):
    """``<receiver>.config.<method>(...)`` or a later ``SECRET_KEY`` assignment (``method`` "set").

    ``key``: the one key a "set" load sets (``"SECRET_KEY"`` for ``app.secret_key = x``), None when
    it may set any key (``config.update(mapping)``, every loader)."""

    receiver: str
    method: str
    node: ast.AST
    ctx: Ctx
    arg: Optional[ast.expr] = None
    key: Optional[str] = None

    def __init__(self, receiver: str, method: str, node: ast.AST, ctx: Ctx, arg: Optional[ast.expr] = None,
                 key: Optional[str] = None) -> None:
        self.receiver = receiver
        self.method = method
        self.node = node
        self.ctx = ctx
        self.arg = arg
        self.key = key


@dataclass(init=False, repr=False, eq=False)
class ConfigClass(Record):
    """A module-level class: its line, bases (simple names), its literal ``SECRET_KEY`` (node, value)
    if any, whether it assigns ``SECRET_KEY`` at all, and whether it says ``TESTING``/``DEBUG = True``
    (``debug_line``: the line of its ``DEBUG = True``; ``sets_debug``: it assigns ``DEBUG`` at all).

    It keeps the line, not the ``ClassDef``: scans outlive the linted tree in the per-process cache,
    and a class node would keep its whole body alive (half the nodes the cache held on mlflow)."""

    name: str
    line: int
    bases: List[str]
    secret: Optional[Tuple[ast.AST, str]] = None
    sets_secret: bool = False
    testing: bool = False
    debug: bool = False
    debug_line: int = 0
    sets_debug: bool = False
    #: ``SECRET_KEY = os.getenv("SECRET_KEY", "literal")``: (the literal's node, the variable)
    fallback: Optional[Tuple[ast.AST, str]] = None

    def __init__(self, name: str, line: int, bases: List[str], secret: Optional[Tuple[ast.AST, str]] = None,
                 sets_secret: bool = False, testing: bool = False, debug: bool = False, debug_line: int = 0,
                 sets_debug: bool = False, fallback: Optional[Tuple[ast.AST, str]] = None) -> None:
        self.name = name
        self.line = line
        self.bases = bases
        self.secret = secret
        self.sets_secret = sets_secret
        self.testing = testing
        self.debug = debug
        self.debug_line = debug_line
        self.sets_debug = sets_debug
        self.fallback = fallback


@dataclass(init=False, repr=False, eq=False)
class ModuleScan(Record):
    """Everything the index knows about one module (computed once per file by :func:`scan_tree`)."""

    path: str
    imports: List[ImportRef] = field(default_factory=list)
    blueprints: Dict[Tuple[str, str], ast.AST] = field(default_factory=dict)  # (scope, name) -> Assign
    blueprint_ctx: Dict[Tuple[str, str], Ctx] = field(default_factory=dict)
    routes: List[Route] = field(default_factory=list)
    registers: List[RegisterCall] = field(default_factory=list)
    register_referenced: bool = False  # ``register_blueprint`` used other than by a call
    secrets: List[SecretSet] = field(default_factory=list)
    #: ``SECRET_KEY`` set from a name or attribute (``= API_SECRET_KEY``, ``= data.SECRET_KEY``):
    #: ``value`` is "" and ``node`` the expression, resolved by FDP007 through the project index
    secret_refs: List[SecretSet] = field(default_factory=list)
    #: module-level names bound once, at import, to a non-empty string literal: name -> (node, value)
    string_constants: Dict[str, Tuple[ast.AST, str]] = field(default_factory=dict)
    loads: List[ConfigLoad] = field(default_factory=list)
    testing_sets: List[Tuple[str, str]] = field(default_factory=list)  # (scope, receiver)
    classes: Dict[str, ConfigClass] = field(default_factory=dict)
    module_secret: Optional[Tuple[ast.AST, str]] = None  # module-level ``SECRET_KEY = "..."``
    module_secret_overridden: bool = False
    sequences: Dict[str, List[ast.expr]] = field(default_factory=dict)  # module-level lists/tuples
    dicts: Dict[str, List[ast.expr]] = field(default_factory=dict)  # module-level dict values
    #: module-level dict -> its values under string-literal keys (``CONFIGS = {"dev": DevConfig}``)
    dict_items: Dict[str, Dict[str, ast.expr]] = field(default_factory=dict)
    #: module-level function -> what it returns, when every ``return`` of its own gives a string
    #: literal, a name or a dotted attribute (``return "config.DefaultConfig"``): the config
    #: ``from_object(func())`` loads (:func:`flake8_flask_deploy.index.config_targets`)
    returns: Dict[str, List[ast.expr]] = field(default_factory=dict)
    #: module-level function -> its parameter names in order (positional, then keyword-only): which
    #: argument of a call binds a factory's ``config`` or an ``init_app``'s ``app``
    params: Dict[str, List[str]] = field(default_factory=dict)
    value_names: Set[str] = field(default_factory=set)
    value_attrs: Set[Tuple[str, str]] = field(default_factory=set)
    strings: Set[str] = field(default_factory=set)
    has_guard: bool = False
    has_run: bool = False
    #: scope -> names assigned there; after the scan, only for the scopes questions can name
    #: (module level, and the scopes of the records with their enclosing scopes)
    bound: Dict[str, Set[str]] = field(default_factory=dict)
    _facts: Optional[ModuleFacts] = None

    def __init__(self, path: str, imports: List[ImportRef] = FROM_FACTORY,
                 blueprints: Dict[Tuple[str, str], ast.AST] = FROM_FACTORY,
                 blueprint_ctx: Dict[Tuple[str, str], Ctx] = FROM_FACTORY, routes: List[Route] = FROM_FACTORY,
                 registers: List[RegisterCall] = FROM_FACTORY, register_referenced: bool = False,
                 secrets: List[SecretSet] = FROM_FACTORY, secret_refs: List[SecretSet] = FROM_FACTORY,
                 string_constants: Dict[str, Tuple[ast.AST, str]] = FROM_FACTORY,
                 loads: List[ConfigLoad] = FROM_FACTORY,
                 testing_sets: List[Tuple[str, str]] = FROM_FACTORY, classes: Dict[str, ConfigClass] = FROM_FACTORY,
                 module_secret: Optional[Tuple[ast.AST, str]] = None, module_secret_overridden: bool = False,
                 sequences: Dict[str, List[ast.expr]] = FROM_FACTORY, dicts: Dict[str, List[ast.expr]] = FROM_FACTORY,
                 dict_items: Dict[str, Dict[str, ast.expr]] = FROM_FACTORY,
                 returns: Dict[str, List[ast.expr]] = FROM_FACTORY, params: Dict[str, List[str]] = FROM_FACTORY,
                 value_names: Set[str] = FROM_FACTORY, value_attrs: Set[Tuple[str, str]] = FROM_FACTORY,
                 strings: Set[str] = FROM_FACTORY, has_guard: bool = False, has_run: bool = False,
                 bound: Dict[str, Set[str]] = FROM_FACTORY, _facts: Optional[ModuleFacts] = None) -> None:
        self.path = path
        self.imports = [] if imports is FROM_FACTORY else imports
        self.blueprints = {} if blueprints is FROM_FACTORY else blueprints
        self.blueprint_ctx = {} if blueprint_ctx is FROM_FACTORY else blueprint_ctx
        self.routes = [] if routes is FROM_FACTORY else routes
        self.registers = [] if registers is FROM_FACTORY else registers
        self.register_referenced = register_referenced
        self.secrets = [] if secrets is FROM_FACTORY else secrets
        self.secret_refs = [] if secret_refs is FROM_FACTORY else secret_refs
        self.string_constants = {} if string_constants is FROM_FACTORY else string_constants
        self.loads = [] if loads is FROM_FACTORY else loads
        self.testing_sets = [] if testing_sets is FROM_FACTORY else testing_sets
        self.classes = {} if classes is FROM_FACTORY else classes
        self.module_secret = module_secret
        self.module_secret_overridden = module_secret_overridden
        self.sequences = {} if sequences is FROM_FACTORY else sequences
        self.dicts = {} if dicts is FROM_FACTORY else dicts
        self.dict_items = {} if dict_items is FROM_FACTORY else dict_items
        self.returns = {} if returns is FROM_FACTORY else returns
        self.params = {} if params is FROM_FACTORY else params
        self.value_names = set() if value_names is FROM_FACTORY else value_names
        self.value_attrs = set() if value_attrs is FROM_FACTORY else value_attrs
        self.strings = set() if strings is FROM_FACTORY else strings
        self.has_guard = has_guard
        self.has_run = has_run
        self.bound = {} if bound is FROM_FACTORY else bound
        self._facts = _facts

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
        return visible_imports(self.imports, scope)

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


def visible_imports(imports: List[ImportRef], scope: str) -> Dict[str, ImportRef]:
    """Local name -> import, for the names ``imports`` (a module's, any scope) bind that code in
    ``scope`` sees: the scope's own imports and its enclosing scopes' over the module's."""
    out = {i.local: i for i in imports if i.ctx.scope == ""}
    parts = scope.split(".") if scope else []
    for n in range(1, len(parts) + 1):
        prefix = ".".join(parts[:n])
        out.update({i.local: i for i in imports if i.ctx.scope == prefix})
    return out


def import_refs(stmt: ast.stmt, ctx: Ctx) -> List[ImportRef]:
    """The :class:`ImportRef` s of an ``import``/``from ... import`` statement (one per name, sharing
    one :class:`Spot`), in ``ctx``; ``[]`` for any other statement."""
    if isinstance(stmt, ast.Import):
        spot = Spot(stmt)
        return [ImportRef(alias.asname or alias.name.split(".")[0], alias.name, None, 0, spot, ctx, bool(alias.asname))
                for alias in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        spot = Spot(stmt)
        return [ImportRef(alias.asname or alias.name, stmt.module or "", alias.name, stmt.level, spot, ctx,
                          bool(alias.asname)) for alias in stmt.names]
    return []


class ImportsRecorder(Recorder):
    """Records only the imports of a module (any scope) into ``refs``: what the import graph needs,
    at a fraction of a full :class:`ModuleScan` (no expression is looked at)."""

    def __init__(self) -> None:
        self.refs: List[ImportRef] = []

    def simple(self, stmt: ast.stmt, block: Block) -> None:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            self.refs.extend(import_refs(stmt, block.ctx))


@dataclass(init=False, repr=False, eq=False)
class CallSite(Record):
    """A call found by :func:`call_sites_in`: the ``ast.Call`` (its arguments) and where it runs."""

    node: ast.Call
    ctx: Ctx

    def __init__(self, node: ast.Call, ctx: Ctx) -> None:
        self.node = node
        self.ctx = ctx


class CallsRecorder(Recorder):
    """Records the calls of functions named ``name`` (``name(...)``, ``x.name(...)``) in the
    statements of a module, each with where it runs (:func:`call_sites_in`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.found: List[CallSite] = []

    def simple(self, stmt: ast.stmt, block: Block) -> None:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and dotted_name(node.func).rpartition(".")[2] == self.name:
                self.found.append(CallSite(node, block.ctx))


def call_sites_in(tree: ast.Module, name: str) -> List[CallSite]:
    """The calls of functions named ``name`` in ``tree``'s statements (module level and function
    bodies), in source order; the caller resolves which function each one calls."""
    recorder = CallsRecorder(name)
    walk(tree.body, [recorder])
    return recorder.found


class ScanRecorder(Recorder):
    """Fills a :class:`ModuleScan` of ``tree`` (at ``path``) from the walk of the module
    (:func:`~flake8_flask_deploy.walk.walk`); :meth:`result` completes it once the walk is over.
    :func:`scan_tree` is the usual way in."""

    def __init__(self, tree: ast.Module, path: str) -> None:
        self.s = ModuleScan(path)
        self.blueprint_classes: Set[str] = set()
        self.flask_modules: Set[str] = set()
        self.wrappers: Dict[str, Optional[str]] = {}
        #: module-level ``def`` name -> its statements (decorators and view identities look them up;
        #: the scan keeps none: a function node holds its whole body)
        self.defs: Dict[str, List[ast.AST]] = {}
        self.module_names: Set[str] = set()  # names assigned at module level so far
        # module-level defs are known before the walk: decorators and add_url_rule can name functions
        # defined later
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.defs.setdefault(stmt.name, [])

    def result(self) -> ModuleScan:
        """The scan, once the walk is over (bindings kept only for the scopes questions can name)."""
        _keep_asked_scopes(self.s)
        return self.s

    # -- names ------------------------------------------------------------------------------
    def is_blueprint_ctor(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.blueprint_classes
        if isinstance(func, ast.Attribute) and func.attr in ("Blueprint", "APIBlueprint"):
            return dotted_name(func.value) in self.flask_modules
        return False

    def bind(self, scope: str, name: str) -> None:
        self.s.bound.setdefault(scope, set()).add(name)

    # -- the walk's hooks (:class:`~flake8_flask_deploy.walk.Recorder`) --------------------------
    def guard(self, stmt: ast.If, block: Block, kind: bool) -> None:
        self.exprs(stmt.test, block.ctx)
        self.s.has_guard = True

    def if_test(self, stmt: ast.If, block: Block) -> None:
        self.exprs(stmt.test, block.ctx)

    def class_def(self, stmt: ast.ClassDef, block: Block, qualname: str) -> None:
        ctx = block.ctx
        for dec in stmt.decorator_list:
            self.exprs(dec, ctx)
        for base in stmt.bases:
            self.exprs(base, ctx)
        self.bind(ctx.scope, stmt.name)
        if ctx.scope == "":
            self.config_class(stmt)

    def loop(self, stmt: ast.stmt, block: Block) -> Optional[Dict[str, List[ast.expr]]]:
        ctx = block.ctx
        if isinstance(stmt, ast.While):
            self.exprs(stmt.test, ctx)
            return None
        self.exprs(stmt.iter, ctx)  # type: ignore[attr-defined]
        loops: Dict[str, List[ast.expr]] = {}
        self.loop_targets(stmt.target, stmt.iter, ctx, loops)  # type: ignore[attr-defined]
        return loops

    def with_items(self, stmt: ast.stmt, block: Block) -> None:
        for item in stmt.items:  # type: ignore[attr-defined]
            self.exprs(item.context_expr, block.ctx)

    def match(self, stmt: ast.stmt, block: Block) -> None:
        self.exprs(stmt.subject, block.ctx)  # type: ignore[attr-defined]

    def simple(self, stmt: ast.stmt, block: Block) -> None:
        s, ctx = self.s, block.ctx
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name == "flask":
                    self.flask_modules.add(alias.asname or "flask")
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if (stmt.module or "", alias.name) in BLUEPRINT_CLASSES:
                    self.blueprint_classes.add(alias.asname or alias.name)
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for ref in import_refs(stmt, ctx):
                s.imports.append(ref)
                self.bind(ctx.scope, ref.local)
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

    def function(self, stmt: ast.stmt, block: Block, qualname: str) -> None:
        assert isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        ctx = block.ctx
        for dec in stmt.decorator_list:
            self.exprs(dec, ctx, decorator=True)
        for default in stmt.args.defaults + [d for d in stmt.args.kw_defaults if d is not None]:
            self.exprs(default, ctx)
        self.bind(ctx.scope, stmt.name)
        if ctx.scope == "":
            self.defs.setdefault(stmt.name, []).append(stmt)
            self.function_returns(stmt)
            args = stmt.args
            self.s.params[stmt.name] = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
        for arg in stmt.args.args + stmt.args.posonlyargs + stmt.args.kwonlyargs:
            self.bind(qualname, arg.arg)
        for arg in (stmt.args.vararg, stmt.args.kwarg):
            if arg is not None:
                self.bind(qualname, arg.arg)
        self.route_decorators(stmt, ctx)

    def function_returns(self, stmt: ast.stmt) -> None:
        """Record :attr:`ModuleScan.returns` for a module-level ``def`` (a second ``def`` of the
        same name drops it: which one is called depends on when)."""
        if stmt.name in self.s.returns or len(self.defs.get(stmt.name, ())) > 1:  # type: ignore[attr-defined]
            self.s.returns.pop(stmt.name, None)  # type: ignore[attr-defined]
            return
        values = [r.value for r in _own_returns(stmt)]
        if values and all(string_constant(v) is not None or dotted_name(v) for v in values):  # type: ignore[arg-type]
            self.s.returns[stmt.name] = values  # type: ignore[attr-defined,assignment]

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
                                       stmt.name, is_stub(stmt)))  # type: ignore[attr-defined]

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
        value = getattr(stmt, "value", None)
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[attr-defined]
        if value is not None:
            self.exprs(value, ctx)
        for target in targets:
            if isinstance(target, ast.Name):
                self.assign_name(target.id, stmt, value, ctx)
            elif isinstance(target, ast.Attribute):
                self.exprs(target.value, ctx)
                if isinstance(target.value, ast.Name):
                    self.config_setting(target.value.id, target.attr, "attribute", stmt, value, ctx, target.value)
            elif isinstance(target, ast.Subscript):
                self.exprs(target, ctx)
                base = target.value
                if isinstance(base, ast.Attribute) and base.attr == "config" and isinstance(base.value, ast.Name):
                    self.config_setting(base.value.id, subscript_key(target), "item", stmt, value, ctx, base.value)
            else:
                for node in ast.walk(target):
                    if isinstance(node, ast.Name):
                        self.bind(ctx.scope, node.id)
                        if ctx.scope == "":
                            self.module_constant(node.id, stmt, ctx.child(conditional=True))  # not a literal

    def assign_name(self, name: str, stmt: ast.stmt, value: Optional[ast.expr], ctx: Ctx) -> None:
        """``name = value`` (or ``name += value``): bindings, blueprints, module-level sequences,
        mappings and constants, and a module-level ``SECRET_KEY``."""
        s = self.s
        self.bind(ctx.scope, name)
        if ctx.scope == "":
            self.module_constant(name, stmt, ctx)
        if isinstance(stmt, ast.AugAssign):
            if ctx.scope == "" and name in s.sequences and isinstance(value, (ast.List, ast.Tuple)):
                s.sequences[name] = s.sequences[name] + list(value.elts)
            return
        if isinstance(value, ast.Call) and self.is_blueprint_ctor(value.func):
            s.blueprints[(ctx.scope, name)] = stmt
            s.blueprint_ctx[(ctx.scope, name)] = ctx
        if ctx.scope == "":
            self.module_collection(name, value)
        if name == "SECRET_KEY" and ctx.scope == "" and not ctx.in_class:  # a class's: config_class
            literal = _secret_literal(value)
            if s.module_secret is None and literal is not None and not ctx.conditional and not ctx.guard:
                s.module_secret = (value, literal)  # type: ignore[assignment]
            elif s.module_secret is not None:
                s.module_secret_overridden = True

    def module_collection(self, name: str, value: Optional[ast.expr]) -> None:
        """A module-level list/tuple/set (:attr:`ModuleScan.sequences`) or mapping (``dicts``,
        ``dict_items``: a dict literal or ``dict(dev=DevConfig, ...)``) bound to ``name``."""
        s = self.s
        if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
            s.sequences[name] = list(value.elts)
        if isinstance(value, ast.Dict):
            s.dicts[name] = [v for v in value.values if v is not None]
            s.dict_items[name] = {k.value: v for k, v in zip(value.keys, value.values)
                                  if isinstance(k, ast.Constant) and isinstance(k.value, str)}
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" \
                and not value.args and value.keywords and all(kw.arg for kw in value.keywords):
            s.dicts[name] = [kw.value for kw in value.keywords]
            s.dict_items[name] = {kw.arg: kw.value for kw in value.keywords}  # type: ignore[misc]

    def config_setting(self, recv: str, key: Optional[str], kind: str, stmt: ast.stmt, value: Optional[ast.expr],
                       ctx: Ctx, receiver_node: ast.expr) -> None:
        """``recv.secret_key = value`` / ``recv.testing = ...`` (``kind`` "attribute", ``key`` the
        attribute) or ``recv.config[key] = value`` (``kind`` "item")."""
        s = self.s
        if key == ("secret_key" if kind == "attribute" else "SECRET_KEY"):
            literal = _secret_literal(value)
            if literal is not None:
                s.secrets.append(SecretSet(recv, value, ctx, kind, literal, receiver_node))  # type: ignore[arg-type]
            elif _reads_own_secret(value, recv):
                return  # ``app.secret_key = app.config["SECRET_KEY"]``: the key stays what the config holds
            else:
                s.loads.append(ConfigLoad(recv, "set", stmt, ctx, key="SECRET_KEY"))
                self.secret_ref(SecretSet(recv, value, ctx, kind, "", receiver_node))  # type: ignore[arg-type]
        elif key == ("testing" if kind == "attribute" else "TESTING") and is_true(value):
            s.testing_sets.append((ctx.scope, recv))

    def secret_ref(self, secret: SecretSet) -> None:
        """Keep a ``SECRET_KEY`` set from a name or a dotted attribute (:attr:`ModuleScan.secret_refs`)."""
        if isinstance(secret.node, (ast.Name, ast.Attribute)) and (
                isinstance(secret.node, ast.Name) or dotted_name(secret.node)):
            self.s.secret_refs.append(secret)

    def module_constant(self, name: str, stmt: ast.stmt, ctx: Ctx) -> None:
        """Track :attr:`ModuleScan.string_constants`: a module-level name bound once, at import,
        to a non-empty string literal (a second binding anywhere at module level drops it)."""
        s = self.s
        if name in self.module_names:
            s.string_constants.pop(name, None)
            return
        self.module_names.add(name)
        value = getattr(stmt, "value", None)
        literal = _secret_literal(value) if not isinstance(stmt, ast.AugAssign) else None
        if literal is not None and ctx.at_import and isinstance(value, ast.Constant) and isinstance(value.value, str):
            s.string_constants[name] = (value, literal)

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
                    info.fallback = env_fallback(value)
                elif name == "TESTING" and is_true(value):
                    info.testing = True
                elif name == "DEBUG":
                    info.sets_debug = True
                    info.debug = is_true(value)
                    info.debug_line = item.lineno if info.debug else 0
        self.s.classes[stmt.name] = info

    # -- expressions ---------------------------------------------------------------------------
    def exprs(self, root: ast.AST, ctx: Ctx, decorator: bool = False) -> None:
        """One pass over an expression: names and attributes used as values, strings, calls."""
        s = self.s
        Name, Attribute, Constant, Call, Load = ast.Name, ast.Attribute, ast.Constant, ast.Call, ast.Load
        for node, is_receiver in expression_nodes(root):
            kind = type(node)
            if kind is Name:
                if not is_receiver and type(node.ctx) is Load:  # type: ignore[attr-defined]
                    s.value_names.add(node.id)  # type: ignore[attr-defined]
            elif kind is Attribute:
                if type(node.ctx) is Load:  # type: ignore[attr-defined]
                    if not is_receiver:
                        base = dotted_name(node.value)  # type: ignore[attr-defined]
                        if base:
                            s.value_attrs.add((base, node.attr))  # type: ignore[attr-defined]
                    if node.attr == "register_blueprint" and not decorator:  # type: ignore[attr-defined]
                        s.register_referenced = True
            elif kind is Constant:
                value = node.value  # type: ignore[attr-defined]
                if type(value) is str and len(value) < 200:
                    s.strings.add(value)
            elif kind is Call:
                self.call(node, ctx, decorator and node is root)  # type: ignore[arg-type]

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
                elif not _reads_own_secret(value, recv):
                    s.loads.append(ConfigLoad(recv, "set", node, ctx, key="SECRET_KEY"))
                    self.secret_ref(SecretSet(recv, value, ctx, "update", "", node.func.value.value))  # type: ignore
            elif key == "TESTING" and is_true(value):
                s.testing_sets.append((ctx.scope, recv))
            elif key is None and node.keywords:
                s.loads.append(ConfigLoad(recv, "set", node, ctx))  # **mapping


def env_fallback(value: Optional[ast.expr]) -> Optional[Tuple[ast.AST, str]]:
    """For ``os.getenv("VAR", "literal")`` / ``os.environ.get("VAR", "literal")``, and for
    ``os.environ.get("VAR") or "literal"`` (the literal also where VAR is set but empty): the
    literal's node and ``VAR`` (the literal is the value wherever VAR is unset); None otherwise.
    https://docs.python.org/3/library/os.html#os.getenv"""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) and len(value.values) == 2:
        read, default = value.values
        if not isinstance(read, ast.Call) or read.keywords or len(read.args) not in (1, 2) \
                or (len(read.args) == 2 and not (isinstance(read.args[1], ast.Constant) and not read.args[1].value)):
            return None
    elif isinstance(value, ast.Call) and len(value.args) == 2 and not value.keywords:
        read, default = value, value.args[1]
    else:
        return None
    if dotted_name(read.func) not in ("os.getenv", "getenv", "os.environ.get", "environ.get"):
        return None
    var = string_constant(read.args[0])
    if var is None or _secret_literal(default) is None:
        return None
    return default, var


def _reads_own_secret(value: Optional[ast.expr], recv: str) -> bool:
    """True for a value that reads ``recv``'s own key back: ``recv.config["SECRET_KEY"]``,
    ``recv.config.get("SECRET_KEY")`` or ``recv.secret_key`` (Flask's ``secret_key`` is the
    ``SECRET_KEY`` config item: https://flask.palletsprojects.com/en/stable/api/#flask.Flask.secret_key);
    storing it again changes nothing."""
    if isinstance(value, ast.Attribute) and value.attr == "secret_key":
        return isinstance(value.value, ast.Name) and value.value.id == recv
    if isinstance(value, ast.Subscript):
        base, key = value.value, subscript_key(value)
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" \
            and value.args:
        base, key = value.func.value, string_constant(value.args[0])
    else:
        return False
    return key == "SECRET_KEY" and isinstance(base, ast.Attribute) and base.attr == "config" \
        and isinstance(base.value, ast.Name) and base.value.id == recv


def _kw(node: ast.Call, name: str) -> Optional[ast.expr]:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _is_none(expr: Optional[ast.AST]) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def is_stub(func: ast.AST) -> bool:
    """True when the body of the function ``func`` is a placeholder: after its docstring, nothing but
    ``pass``, ``...`` or ``raise NotImplementedError`` (a view not written yet)."""
    body = list(getattr(func, "body", []))
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    for stmt in body:
        if isinstance(stmt, ast.Pass) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                and stmt.value.value is Ellipsis:
            continue
        raised = stmt.exc.func if isinstance(stmt, ast.Raise) and isinstance(stmt.exc, ast.Call) else \
            stmt.exc if isinstance(stmt, ast.Raise) else None
        if not (isinstance(raised, ast.Name) and raised.id == "NotImplementedError"):
            return False
    return True


def _own_returns(func: ast.AST) -> List[ast.Return]:
    """The ``return`` statements of ``func`` itself (not of functions nested in it)."""
    out: List[ast.Return] = []
    todo = list(getattr(func, "body", []))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Return):
            out.append(node)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # a ``return`` is a statement: only the statement lists of a compound statement (and of its
            # ``except``/``case`` clauses) can hold one, in the order ``ast.iter_child_nodes`` gives
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    todo.extend(v for v in value if isinstance(v, _STATEMENT_HOLDERS))
    return out


#: What a statement list holds, or holds one: statements, ``except`` handlers and ``case`` clauses
#: (``ast.match_case`` from Python 3.10).
_STATEMENT_HOLDERS = (ast.stmt, ast.excepthandler) + ((ast.match_case,) if hasattr(ast, "match_case") else ())


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
    recorder = ScanRecorder(tree, path)
    walk(tree.body, [recorder])
    return recorder.result()


def scan_and_collect(tree: ast.Module, path: str) -> Tuple[ModuleScan, ModuleFacts]:
    """:func:`scan_tree` and :func:`~flake8_flask_deploy.facts.collect` of one module in one walk.

    Args:
        tree: the module's ``ast``; path: its absolute path.
    Returns:
        ``(scan, facts)``, as the two functions return them.
    Raises:
        RecursionError: on pathologically nested trees.
    """
    scanner, collector = ScanRecorder(tree, path), FactsRecorder(ModuleFacts())
    walk(tree.body, [scanner, collector])
    return scanner.result(), collector.result(tree, path)


def _keep_asked_scopes(scan: ModuleScan) -> None:
    """Keep :attr:`ModuleScan.bound` only for the scopes a question can name: module level and
    the scopes (with their enclosing ones) of the scan's records. Every question about bindings
    reads a record's scope (a route's, a register call's, a secret's or config load's, an
    import's); most functions of a module hold none, and a scan outlives its tree in the
    per-process cache."""
    scopes = {ctx.scope for ctx in scan.blueprint_ctx.values()}
    for records in (scan.imports, scan.routes, scan.registers, scan.secrets, scan.secret_refs, scan.loads):
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
