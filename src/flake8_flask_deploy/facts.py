"""What one module says about Flask, from one walk of its ``ast`` tree.

Rules read :class:`ModuleFacts`; they never walk trees themselves. The walk follows statements
(not every node), records for each relevant statement where it executes (at import, only under the
``if __name__ == "__main__":`` guard, or inside a function) and whether it is conditional, and then
resolves which functions run at import time, which only from the guard, and which are app factories.

Facts encoded here and their sources:

* ``Flask.run(host=None, port=None, debug=None, load_dotenv=True, **options)``; host defaults to
  ``127.0.0.1``: https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run
* ``use_debugger`` is passed through to ``werkzeug.serving.run_simple``:
  https://werkzeug.palletsprojects.com/en/stable/serving/#werkzeug.serving.run_simple
* the app factory names Flask's CLI looks for (``create_app``, ``make_app``):
  https://flask.palletsprojects.com/en/stable/cli/#application-discovery
* setup methods (route decorators, hooks, ``add_url_rule``, ``register_blueprint``):
  https://flask.palletsprojects.com/en/stable/api/#application-object
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Dict, Iterable, List, Optional, Set, Tuple

from .model import Spot, attr_name
from .sources import is_test_path
from .walk import FUNCTION, GUARD, IMPORT, Block, Recorder, Where, expression_nodes, walk
from .records import FROM_FACTORY, Record

#: Decorator methods that add a URL rule (Flask 2.0+ shortcuts included).
ROUTE_METHODS = frozenset({"route", "get", "post", "put", "delete", "patch"})
#: Methods of an app that register setup which must exist when a WSGI server imports the module.
SETUP_METHODS = frozenset(
    {
        "add_url_rule",
        "register_blueprint",
        "register_error_handler",
        "errorhandler",
        "before_request",
        "after_request",
        "teardown_request",
        "teardown_appcontext",
        "before_first_request",
        "context_processor",
        "url_value_preprocessor",
        "url_defaults",
        "template_filter",
        "template_global",
        "template_test",
        "add_template_filter",
        "add_template_global",
        "add_template_test",
        "shell_context_processor",
    }
)
#: ``app.config.<method>(...)`` calls that load configuration.
CONFIG_METHODS = frozenset(
    {"from_object", "from_pyfile", "from_envvar", "from_mapping", "from_file", "from_prefixed_env", "update",
     "setdefault"}
)
#: Config keys that only matter during development; setting them under the guard is intended.
DEV_ONLY_CONFIG_KEYS = frozenset(
    {"DEBUG", "TESTING", "ENV", "TEMPLATES_AUTO_RELOAD", "EXPLAIN_TEMPLATE_LOADING", "PROPAGATE_EXCEPTIONS"}
)
#: Attributes that only a Flask app or blueprint has (used to recognise an imported app).
FLASK_ONLY_ATTRS = frozenset(
    {"route", "add_url_rule", "register_blueprint", "errorhandler", "before_request", "after_request",
     "teardown_appcontext", "teardown_request", "wsgi_app", "url_map", "test_client", "app_context",
     "test_request_context", "jinja_env", "before_first_request", "context_processor"}
)
#: Factory names Flask's CLI discovers (see module docstring).
FACTORY_NAMES = frozenset({"create_app", "make_app"})

UNKNOWN = "unknown"  # a function nothing in the module is seen to call at import or from the guard
FACTORY = "factory"  # an app factory: runs in production through the server's call


@dataclass(init=False, repr=False, eq=False)
class AppBinding(Record):
    """A name bound to a Flask app: ``kind`` is ``"flask"`` (a ``Flask(...)`` call), ``"factory"``
    (the result of an app factory call) or ``"import"`` (imported from ``module``)."""

    name: str
    scope: str
    node: ast.AST
    kind: str
    module: Optional[str] = None
    imported_name: Optional[str] = None
    level: int = 0
    where: Optional[Where] = None

    def __init__(self, name: str, scope: str, node: ast.AST, kind: str, module: Optional[str] = None,
                 imported_name: Optional[str] = None, level: int = 0, where: Optional[Where] = None) -> None:
        self.name = name
        self.scope = scope
        self.node = node
        self.kind = kind
        self.module = module
        self.imported_name = imported_name
        self.level = level
        self.where = where


@dataclass(init=False, repr=False, eq=False)
class RunCall(Record):
    """An ``<app>.run(...)`` call with its host, port and debug arguments (``None`` when absent).

    ``wrapper`` is ``"socketio"`` for Flask-SocketIO's ``socketio.run(app, host, port, ...)``
    (``receiver`` is then its app argument), ``"connexion"`` for a connexion app's
    ``run(port, server, debug, host)`` (see :meth:`FactsRecorder.run_call`), None for
    ``app.run``; ``werkzeug`` says whether that run serves with the Werkzeug development server:
    always for ``app.run``, for a connexion app's run unless another ``server`` is named (and
    connexion 2 is the project's: the rules ask), for ``socketio.run``
    only with ``allow_unsafe_werkzeug=True`` (without it Flask-SocketIO serves with eventlet or
    gevent when installed, and refuses Werkzeug in production:
    https://flask-socketio.readthedocs.io/en/latest/api.html#flask_socketio.SocketIO.run).
    Both bind ``127.0.0.1`` without ``host``.
    """

    node: ast.Call
    stmt: ast.stmt
    receiver: str
    where: Where
    host: Optional[ast.expr] = None
    port: Optional[ast.expr] = None
    debug: Optional[ast.expr] = None
    use_debugger: Optional[ast.expr] = None
    star_kwargs: bool = False  # ``**options``: any argument may be in there
    wrapper: Optional[str] = None
    werkzeug: bool = True

    def __init__(self, node: ast.Call, stmt: ast.stmt, receiver: str, where: Where,
                 host: Optional[ast.expr] = None, port: Optional[ast.expr] = None,
                 debug: Optional[ast.expr] = None, use_debugger: Optional[ast.expr] = None,
                 star_kwargs: bool = False, wrapper: Optional[str] = None, werkzeug: bool = True) -> None:
        self.node = node
        self.stmt = stmt
        self.receiver = receiver
        self.where = where
        self.host = host
        self.port = port
        self.debug = debug
        self.use_debugger = use_debugger
        self.star_kwargs = star_kwargs
        self.wrapper = wrapper
        self.werkzeug = werkzeug


@dataclass(init=False, repr=False, eq=False)
class DebugSet(Record):
    """A place that turns debug mode on: ``node`` is the keyword / assignment / dict key found."""

    node: ast.AST
    stmt: ast.stmt
    receiver: str
    where: Where
    kind: str  # "run-keyword", "run-positional", "use_debugger", "attribute", "config-item",
    # "config-update", "config-from-object", "config-object" (``from_object(Config)``: the value is the argument)
    value: Optional[ast.expr] = None

    def __init__(self, node: ast.AST, stmt: ast.stmt, receiver: str, where: Where, kind: str,
                 value: Optional[ast.expr] = None) -> None:
        self.node = node
        self.stmt = stmt
        self.receiver = receiver
        self.where = where
        self.kind = kind
        self.value = value


@dataclass(init=False, repr=False, eq=False)
class Registration(Record):
    """A piece of app setup (route, blueprint, hook, extension, config)."""

    node: ast.AST
    stmt: ast.stmt
    receiver: str
    where: Where
    kind: str  # "route", "setup", "extension", "config"

    def __init__(self, node: ast.AST, stmt: ast.stmt, receiver: str, where: Where, kind: str) -> None:
        self.node = node
        self.stmt = stmt
        self.receiver = receiver
        self.where = where
        self.kind = kind


@dataclass(init=False, repr=False, eq=False)
class FunctionInfo(Record):
    """A function defined in the module, with what its body calls."""

    qualname: str
    node: ast.AST
    calls: List[Tuple[str, Where]] = field(default_factory=list)
    returns: Set[str] = field(default_factory=set)

    def __init__(self, qualname: str, node: ast.AST, calls: List[Tuple[str, Where]] = FROM_FACTORY,
                 returns: Set[str] = FROM_FACTORY) -> None:
        self.qualname = qualname
        self.node = node
        self.calls = [] if calls is FROM_FACTORY else calls
        self.returns = set() if returns is FROM_FACTORY else returns


@dataclass(init=False, repr=False, eq=False)
class ModuleFacts(Record):
    """Everything the rules need to know about one module.

    Build it with :func:`collect`. All ``ast`` positions are those of the tree flake8 parsed.
    """

    flask_class_names: Set[str] = field(default_factory=set)
    flask_module_names: Set[str] = field(default_factory=set)
    extension_names: Set[str] = field(default_factory=set)
    imports: Dict[str, Tuple[str, str, int, ast.AST]] = field(default_factory=dict)
    app_bindings: List[AppBinding] = field(default_factory=list)
    import_candidates: List[AppBinding] = field(default_factory=list)
    #: ``from <module> import *`` at module level (``module``, ``level``, the statement, where): the
    #: names it binds are known only from that module (:func:`flake8_flask_deploy.project.resolve_imported_apps`).
    star_imports: List[Tuple[str, int, ast.ImportFrom, Where]] = field(default_factory=list)
    #: ``name = f(...)`` where ``f`` is imported (``from pkg.factory import make_site``): an app when
    #: ``f`` builds or returns one in its module (decided by :func:`flake8_flask_deploy.project.resolve_imported_apps`).
    factory_call_candidates: List[AppBinding] = field(default_factory=list)
    other_bindings: Dict[Tuple[str, str], int] = field(default_factory=dict)
    functions: Dict[str, FunctionInfo] = field(default_factory=dict)
    guards: List[ast.If] = field(default_factory=list)
    runs: List[RunCall] = field(default_factory=list)
    debug_sets: List[DebugSet] = field(default_factory=list)
    registrations: List[Registration] = field(default_factory=list)
    constants: Dict[str, ast.expr] = field(default_factory=dict)
    shadowing: List[Tuple[ast.Assign, str, str, ast.AST]] = field(default_factory=list)
    function_regions: Dict[str, str] = field(default_factory=dict)
    function_guards: Dict[str, Optional[ast.If]] = field(default_factory=dict)
    used_attrs: Dict[str, Set[str]] = field(default_factory=dict)
    is_test_file: bool = False

    def __init__(self, flask_class_names: Set[str] = FROM_FACTORY, flask_module_names: Set[str] = FROM_FACTORY,
                 extension_names: Set[str] = FROM_FACTORY,
                 imports: Dict[str, Tuple[str, str, int, ast.AST]] = FROM_FACTORY,
                 app_bindings: List[AppBinding] = FROM_FACTORY, import_candidates: List[AppBinding] = FROM_FACTORY,
                 star_imports: List[Tuple[str, int, ast.ImportFrom, Where]] = FROM_FACTORY,
                 factory_call_candidates: List[AppBinding] = FROM_FACTORY,
                 other_bindings: Dict[Tuple[str, str], int] = FROM_FACTORY,
                 functions: Dict[str, FunctionInfo] = FROM_FACTORY, guards: List[ast.If] = FROM_FACTORY,
                 runs: List[RunCall] = FROM_FACTORY, debug_sets: List[DebugSet] = FROM_FACTORY,
                 registrations: List[Registration] = FROM_FACTORY, constants: Dict[str, ast.expr] = FROM_FACTORY,
                 shadowing: List[Tuple[ast.Assign, str, str, ast.AST]] = FROM_FACTORY,
                 function_regions: Dict[str, str] = FROM_FACTORY,
                 function_guards: Dict[str, Optional[ast.If]] = FROM_FACTORY,
                 used_attrs: Dict[str, Set[str]] = FROM_FACTORY, is_test_file: bool = False) -> None:
        self.flask_class_names = set() if flask_class_names is FROM_FACTORY else flask_class_names
        self.flask_module_names = set() if flask_module_names is FROM_FACTORY else flask_module_names
        self.extension_names = set() if extension_names is FROM_FACTORY else extension_names
        self.imports = {} if imports is FROM_FACTORY else imports
        self.app_bindings = [] if app_bindings is FROM_FACTORY else app_bindings
        self.import_candidates = [] if import_candidates is FROM_FACTORY else import_candidates
        self.star_imports = [] if star_imports is FROM_FACTORY else star_imports
        self.factory_call_candidates = [] if factory_call_candidates is FROM_FACTORY else factory_call_candidates
        self.other_bindings = {} if other_bindings is FROM_FACTORY else other_bindings
        self.functions = {} if functions is FROM_FACTORY else functions
        self.guards = [] if guards is FROM_FACTORY else guards
        self.runs = [] if runs is FROM_FACTORY else runs
        self.debug_sets = [] if debug_sets is FROM_FACTORY else debug_sets
        self.registrations = [] if registrations is FROM_FACTORY else registrations
        self.constants = {} if constants is FROM_FACTORY else constants
        self.shadowing = [] if shadowing is FROM_FACTORY else shadowing
        self.function_regions = {} if function_regions is FROM_FACTORY else function_regions
        self.function_guards = {} if function_guards is FROM_FACTORY else function_guards
        self.used_attrs = {} if used_attrs is FROM_FACTORY else used_attrs
        self.is_test_file = is_test_file

    # ---- imported apps ---------------------------------------------------------------------
    def looks_like_app(self, binding: AppBinding) -> bool:
        """Guess, without the imported module, whether an imported name is a Flask app: it is named
        ``app``/``application`` (the names Flask's CLI discovers) or the module uses it with an
        attribute only a Flask app (or blueprint) has."""
        if binding.imported_name in ("app", "application"):
            return True
        return bool(self.used_attrs.get(binding.name, set()) & FLASK_ONLY_ATTRS)

    def receivers(self) -> Set[str]:
        """Names used as the receiver of a run call, debug setting or registration: the only
        imported names worth resolving."""
        names = {r.receiver for r in self.runs}
        names.update(d.receiver for d in self.debug_sets)
        names.update(r.receiver for r in self.registrations)
        return names

    def accept_imported_apps(self, accepted: Iterable[AppBinding]) -> None:
        """Make the given import candidates (and factory-call candidates) app bindings (once the
        importer decided which are)."""
        for binding in accepted:
            if binding not in self.app_bindings:
                self.app_bindings.append(binding)
                key = (binding.scope, binding.name)
                if binding in self.factory_call_candidates and self.other_bindings.get(key):
                    self.other_bindings[key] -= 1
                    if not self.other_bindings[key]:
                        del self.other_bindings[key]

    # ---- queries -------------------------------------------------------------------------
    def app_names(self, scope: str) -> Set[str]:
        """Names bound to a Flask app in ``scope`` or, for reads, the module scope."""
        names = {b.name for b in self.app_bindings if b.scope == scope}
        if scope:
            local_other = {n for (s, n) in self.other_bindings if s == scope}
            names |= {b.name for b in self.app_bindings if b.scope == "" and b.name not in local_other}
        return names

    def is_app(self, name: str, scope: str) -> bool:
        """True when ``name`` read in ``scope`` refers to a Flask app (and to nothing else)."""
        own = [b for b in self.app_bindings if b.scope == scope and b.name == name]
        if own:
            return (scope, name) not in self.other_bindings
        if scope and (scope, name) in self.other_bindings:
            return False
        module = [b for b in self.app_bindings if b.scope == "" and b.name == name]
        return bool(module) and ("", name) not in self.other_bindings

    def module_app_bindings(self) -> List[AppBinding]:
        """App bindings at module level that execute at import time (not under the guard)."""
        return [b for b in self.app_bindings if b.scope == "" and b.where is not None and b.where.region == IMPORT]

    def region_of(self, where: Where) -> str:
        """Resolve where a statement runs: ``IMPORT``, ``GUARD``, ``FACTORY`` or ``UNKNOWN``."""
        if where.region != FUNCTION:
            return where.region
        top = where.scope
        while top and top not in self.function_regions and "." in top:
            top = top.rsplit(".", 1)[0]
        return self.function_regions.get(top, UNKNOWN)

    def runs_in_production_import(self, where: Where) -> bool:
        """True when the statement runs, unconditionally, whenever the module is imported or its app
        factory is called."""
        return not where.conditional and self.region_of(where) in (IMPORT, FACTORY)

    def is_guarded(self, where: Where) -> bool:
        """True when the statement runs only when the module is executed as ``__main__``."""
        return self.region_of(where) == GUARD

    def app_definition(self, attr: Optional[str] = None) -> Optional[ast.AST]:
        """The node defining the served app: the binding named ``attr`` if given and present, else
        the first module-level app binding, else the first factory function."""
        name = attr_name(attr) or None
        candidates = [b for b in self.app_bindings if b.scope == ""]
        for b in candidates:
            if name and b.name == name:
                return b.node
        if name and name in self.functions:
            return self.functions[name].node
        if candidates:
            return candidates[0].node
        for qualname, region in self.function_regions.items():
            if region == FACTORY:
                return self.functions[qualname].node
        return None

    def constant_value(self, expr: Optional[ast.expr]) -> Optional[ast.expr]:
        """Follow a module constant one step: ``DEBUG`` -> its literal value node, else ``expr``."""
        if isinstance(expr, ast.Name) and expr.id in self.constants:
            return self.constants[expr.id]
        return expr


def is_true(expr: Optional[ast.expr]) -> bool:
    """True for the literals ``True`` and non-zero integers (what turns debug on for sure)."""
    return isinstance(expr, ast.Constant) and (expr.value is True or (type(expr.value) is int and expr.value != 0))


def string_value(expr: Optional[ast.expr]) -> Optional[str]:
    """Return the literal string of ``expr``, or the default of ``os.environ.get(K, "d")`` /
    ``os.getenv(K, "d")`` / ``environ.get``; None when it cannot be known statically."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.Call) and len(expr.args) >= 2 and not expr.keywords:
        func = expr.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("get", "getenv"):
            return string_value(expr.args[1])
    if isinstance(expr, ast.Call):
        for kw in expr.keywords:
            if kw.arg == "default":
                return string_value(kw.value)
    return None


def subscript_key(node: ast.Subscript) -> Optional[str]:
    """The string literal between the brackets of ``x["KEY"]`` (``"KEY"``), else None."""
    key = node.slice
    if type(key).__name__ == "Index":  # pragma: no cover - Python 3.8
        key = key.value  # type: ignore[attr-defined]
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def mapping_key(expr: Optional[ast.expr]) -> Optional[str]:
    """The literal key of a lookup in a mapping named by a name or attribute: ``"dev"`` for
    ``CONFIGS["dev"]`` and ``CONFIGS.get("dev")``; None for anything else (a key read at run time)."""
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, (ast.Name, ast.Attribute)):
        return subscript_key(expr)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" \
            and isinstance(expr.func.value, (ast.Name, ast.Attribute)) and len(expr.args) == 1 and not expr.keywords:
        key = expr.args[0]
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    return None


def _is_socketio_run(node: ast.Call, recv: str) -> bool:
    """``socketio.run(app, ...)``: Flask-SocketIO's run, told apart by its receiver's name or its
    ``allow_unsafe_werkzeug`` keyword, with a name as its first argument."""
    return bool(node.args) and isinstance(node.args[0], ast.Name) and (
        "socketio" in recv.lower().replace("_", "") or any(kw.arg == "allow_unsafe_werkzeug" for kw in node.keywords))


#: Callables that call the function given as ``target=`` (in a thread or a process).
THREAD_RUNNERS = frozenset({"Thread", "Process"})


def called_name(func: ast.expr) -> str:
    """The name a call's callee ends with: ``"Thread"`` for ``Thread`` and ``threading.Thread``;
    ``""`` for anything else (a subscript, a call)."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _run_argument(run: RunCall, name: str, value: ast.expr) -> None:
    """Set the run's ``name`` argument; connexion's ``server`` other than ``"flask"`` is no Werkzeug."""
    if name != "server":
        setattr(run, name, value)
    elif not (isinstance(value, ast.Constant) and value.value == "flask"):
        run.werkzeug = False


def _self_attribute(expr: ast.expr) -> str:
    """``"self.app"`` for ``self.app``; ``""`` for anything else."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self":
        return f"self.{expr.attr}"
    return ""


def _receiver(expr: ast.expr) -> Optional[str]:
    return expr.id if isinstance(expr, ast.Name) else None


def dotted_name(expr: ast.expr) -> str:
    """``"a.b.c"`` for a chain of attributes on a name (``a.b.c``); ``""`` for anything else."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return ""


class FactsRecorder(Recorder):
    """Fills a :class:`ModuleFacts` from the walk of a module (:func:`~flake8_flask_deploy.walk.walk`);
    :meth:`result` completes them once the walk is over. :func:`collect` is the usual way in."""

    enters_classes = False

    def __init__(self, facts: ModuleFacts) -> None:
        self.f = facts
        self.pending_apps: List[Tuple[str, str, ast.AST, ast.Call, Where]] = []
        self.flask_subclasses: Set[str] = set()
        self.extension_calls: List[Tuple[ast.Call, ast.stmt, Where]] = []
        self.attr_uses: List[Tuple[str, str, str]] = []  # (scope, name, attr)
        self.module_calls: List[Tuple[str, Where]] = []  # calls of plain names outside functions
        self.connexion_names: Set[str] = set()  # ``connexion`` module / ``App``, ``FlaskApp`` class names
        self.connexion_apps: Set[Tuple[str, str]] = set()  # (scope, name) bound to ``connexion.App(...)``

    # ---- names -------------------------------------------------------------------------------
    def is_flask_ctor(self, func: ast.expr) -> bool:
        if isinstance(func, ast.Name):
            return func.id in self.f.flask_class_names or func.id in self.flask_subclasses
        if isinstance(func, ast.Attribute) and func.attr == "Flask":
            return dotted_name(func.value) in self.f.flask_module_names
        return False

    def is_factory_call(self, call: ast.Call) -> bool:
        func = call.func
        name = func.id if isinstance(func, ast.Name) else (func.attr if isinstance(func, ast.Attribute) else "")
        return name in FACTORY_NAMES

    # ---- the walk's hooks (:class:`~flake8_flask_deploy.walk.Recorder`) -----------------------
    def guard(self, stmt: ast.If, block: Block, kind: bool) -> None:
        self.f.guards.append(stmt)

    def if_test(self, stmt: ast.If, block: Block) -> None:
        self.expr_stmt(stmt, stmt.test, block.where)

    def function(self, stmt: ast.stmt, block: Block, qualname: str) -> None:
        assert isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        where = block.where
        self.decorators(stmt, where)
        self.f.functions[qualname] = FunctionInfo(qualname, stmt)
        self.bind_other(where.scope, stmt.name)
        for arg in stmt.args.args + stmt.args.posonlyargs + stmt.args.kwonlyargs:
            self.bind_other(qualname, arg.arg)

    def class_def(self, stmt: ast.ClassDef, block: Block, qualname: str) -> None:
        where = block.where
        self.decorators(stmt, where)
        for base in stmt.bases:
            if self.is_flask_ctor(base):
                self.flask_subclasses.add(stmt.name)
        self.bind_other(where.scope, stmt.name)
        # Nothing in a class body or its methods runs at import or from the guard by a plain call
        # (methods are reached through instances, which this walk does not follow), so no rule
        # of this module's facts can fire there: the body is not walked (``enters_classes``; the
        # largest share of most Flask code bases: views, models, forms).
        self.f.functions.setdefault(qualname, FunctionInfo(qualname, stmt))

    def loop(self, stmt: ast.stmt, block: Block) -> None:
        self.expr_stmt(stmt, stmt.test if isinstance(stmt, ast.While) else stmt.iter, block.where)  # type: ignore

    def with_items(self, stmt: ast.stmt, block: Block) -> None:
        for item in stmt.items:  # type: ignore[attr-defined]
            self.expr_stmt(stmt, item.context_expr, block.where)

    def simple(self, stmt: ast.stmt, block: Block) -> None:
        where = block.where
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                local = alias.asname or alias.name.split(".")[0]
                if alias.name == "connexion":
                    self.connexion_names.add(f"{local}.App")
                    self.connexion_names.add(f"{local}.FlaskApp")
                if alias.name == "flask":
                    self.f.flask_module_names.add(local)
                elif alias.name.startswith(("flask_", "flask.ext.")):
                    self.f.extension_names.add(local)  # ``import flask_x as x; x.bind(app)``
                self.bind_other(where.scope, local)
            return
        if isinstance(stmt, ast.ImportFrom):
            self.import_from(stmt, where)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            self.assign(stmt, where)
            return
        if isinstance(stmt, ast.AugAssign) and where.scope == "" and isinstance(stmt.target, ast.Name) \
                and stmt.target.id == "__all__":
            self.extend_all(stmt)
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name):
            owner = self.f.functions.get(where.scope)
            if owner is not None:
                owner.returns.add(stmt.value.id)
        self.expr_stmt(stmt, stmt, where)

    def import_from(self, stmt: ast.ImportFrom, where: Where) -> None:
        module = stmt.module or ""
        for alias in stmt.names:
            local = alias.asname or alias.name
            if module == "flask" and alias.name in ("Flask", "*"):
                self.f.flask_class_names.add("Flask" if alias.name == "*" else local)  # ``*`` binds ``Flask``
                continue
            if module == "connexion" and alias.name in ("App", "FlaskApp"):
                self.connexion_names.add(local)
            if module in ("apiflask",) and alias.name == "APIFlask":
                self.f.flask_class_names.add(local)
                continue
            if module.startswith("flask_") or module.startswith("flask.ext"):
                self.f.extension_names.add(local)
            self.f.imports[local] = (module, alias.name, stmt.level, stmt)
            if where.scope == "" and alias.name == "*" and module != "flask":
                self.f.star_imports.append((module, stmt.level, stmt, where))
            elif where.scope == "" and alias.name != "*" and module != "flask":
                self.f.import_candidates.append(
                    AppBinding(local, "", stmt, "import", module, alias.name, stmt.level, where)
                )
            else:
                self.bind_other(where.scope, local)

    def extend_all(self, stmt: ast.AugAssign) -> None:
        """``__all__ += [...]``: the module constant ``__all__`` (what ``from module import *`` binds)
        holds both lists; anything else makes it a value no literal test accepts."""
        before = self.f.constants.get("__all__")
        if isinstance(before, (ast.List, ast.Tuple)) and isinstance(stmt.op, ast.Add) \
                and isinstance(stmt.value, (ast.List, ast.Tuple)):
            self.f.constants["__all__"] = ast.List(elts=before.elts + stmt.value.elts, ctx=ast.Load())
        else:
            self.f.constants["__all__"] = stmt.value

    def bind_other(self, scope: str, name: str) -> None:
        key = (scope, name)
        self.f.other_bindings[key] = self.f.other_bindings.get(key, 0) + 1

    def assign(self, stmt: ast.stmt, where: Where) -> None:
        value = stmt.value
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if value is None:
            return
        for target in targets:
            if isinstance(target, ast.Name):
                if isinstance(value, ast.Call) and self.is_flask_ctor(value.func):
                    self.f.app_bindings.append(AppBinding(target.id, where.scope, stmt, "flask", where=where))
                elif isinstance(value, ast.Call) and dotted_name(value.func) in self.connexion_names:
                    # ``connexion.App(__name__)``: a Flask app wrapped by connexion (its ``.app``)
                    self.f.app_bindings.append(AppBinding(target.id, where.scope, stmt, "connexion", where=where))
                    self.connexion_apps.add((where.scope, target.id))
                elif isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
                    # maybe a factory; decided once all functions are known
                    self.pending_apps.append((target.id, where.scope, stmt, value, where))
                else:
                    self.bind_other(where.scope, target.id)
                if where.scope == "" and isinstance(stmt, ast.Assign) and len(targets) == 1:
                    self.f.constants[target.id] = value
            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                recv = target.value.id
                self.attr_uses.append((where.scope, recv, target.attr))
                if target.attr == "debug":
                    self.f.debug_sets.append(DebugSet(target, stmt, recv, where, "attribute", value))
                elif target.attr in ("secret_key", "wsgi_app", "json_encoder", "json_provider_class",
                                     "session_interface", "jinja_env"):
                    self.f.registrations.append(Registration(target, stmt, recv, where, "config"))
            elif isinstance(target, ast.Subscript):
                base = target.value
                if isinstance(base, ast.Attribute) and base.attr == "config" and isinstance(base.value, ast.Name):
                    recv = base.value.id
                    self.attr_uses.append((where.scope, recv, "config"))
                    keyname = subscript_key(target)
                    if keyname == "DEBUG":
                        self.f.debug_sets.append(DebugSet(target, stmt, recv, where, "config-item", value))
                    if keyname not in DEV_ONLY_CONFIG_KEYS:
                        self.f.registrations.append(Registration(target, stmt, recv, where, "config"))
            elif isinstance(target, (ast.Tuple, ast.List)):
                for elt in ast.walk(target):
                    if isinstance(elt, ast.Name):
                        self.bind_other(where.scope, elt.id)
        self.expr_stmt(stmt, value, where)

    def decorators(self, stmt: ast.stmt, where: Where) -> None:
        for dec in stmt.decorator_list:  # type: ignore[attr-defined]
            call = dec.func if isinstance(dec, ast.Call) else dec
            if isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name):
                recv = call.value.id
                self.attr_uses.append((where.scope, recv, call.attr))
                if call.attr in ROUTE_METHODS:
                    self.f.registrations.append(Registration(dec, stmt, recv, where, "route"))
                elif call.attr in SETUP_METHODS:
                    self.f.registrations.append(Registration(dec, stmt, recv, where, "setup"))
            if isinstance(dec, ast.Call):
                self.expr_stmt(stmt, dec, where, skip_top=True)

    def expr_stmt(self, stmt: ast.stmt, root: ast.AST, where: Where, skip_top: bool = False) -> None:
        for node, _receiver in expression_nodes(root, enter_scopes=False):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                self.attr_uses.append((where.scope, node.value.id, node.attr))
            if not isinstance(node, ast.Call) or (skip_top and node is root):
                continue
            self.call(node, stmt, where)

    def call(self, node: ast.Call, stmt: ast.stmt, where: Where) -> None:
        func = node.func
        if called_name(func) in THREAD_RUNNERS:
            self.thread_target(node, stmt, where)
        if isinstance(func, ast.Name):
            owner = self.f.functions.get(where.scope)
            if owner is not None:
                owner.calls.append((func.id, where))
            else:
                self.module_calls.append((func.id, where))
            if func.id in self.f.extension_names and node.args and isinstance(node.args[0], ast.Name):
                self.extension_calls.append((node, stmt, where))
            return
        if not isinstance(func, ast.Attribute):
            return
        method = func.attr
        value = func.value
        if method == "run" and _self_attribute(value):
            self.run_call(node, stmt, _self_attribute(value), where)  # ``self.app.run()`` in a method
        elif isinstance(value, ast.Name):
            recv = value.id
            if method == "run":
                self.run_call(node, stmt, recv, where)
            elif method in SETUP_METHODS or method in ROUTE_METHODS and isinstance(stmt, ast.Expr) and \
                    self._is_route_application(node, stmt):
                self.f.registrations.append(Registration(node, stmt, recv, where, "setup"))
            elif method == "init_app":
                for arg in node.args[:1]:
                    if isinstance(arg, ast.Name):
                        self.f.registrations.append(Registration(node, stmt, arg.id, where, "extension"))
            elif value.id in self.f.extension_names and node.args and isinstance(node.args[0], ast.Name):
                self.extension_calls.append((node, stmt, where))
        elif isinstance(value, ast.Attribute) and value.attr == "config" and isinstance(value.value, ast.Name):
            recv = value.value.id
            if method in CONFIG_METHODS:
                self.config_call(node, stmt, recv, method, where)

    def thread_target(self, node: ast.Call, stmt: ast.stmt, where: Where) -> None:
        """``Thread(target=app.run, kwargs={"host": ..., "debug": True})``: the thread calls
        ``app.run(**kwargs)``, recorded as that call (positions of the target and the dict's keys)."""
        target = next((k.value for k in node.keywords if k.arg == "target"), None)
        if not isinstance(target, ast.Attribute) or target.attr != "run":
            return
        recv = target.value.id if isinstance(target.value, ast.Name) else _self_attribute(target.value)
        if not recv:
            return
        call = ast.copy_location(ast.Call(func=target, args=[], keywords=[]), target)
        for kw in node.keywords:
            if kw.arg == "args" and isinstance(kw.value, (ast.Tuple, ast.List)):
                call.args = list(kw.value.elts)
            elif kw.arg == "kwargs" and isinstance(kw.value, ast.Dict):
                for key, value in zip(kw.value.keys, kw.value.values):
                    name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
                    call.keywords.append(ast.copy_location(ast.keyword(arg=name, value=value), key or value))
            elif kw.arg in ("args", "kwargs"):
                call.keywords.append(ast.copy_location(ast.keyword(arg=None, value=kw.value), kw.value))
        self.run_call(call, stmt, recv, where)

    @staticmethod
    def _is_route_application(node: ast.Call, stmt: ast.Expr) -> bool:
        # ``app.route("/")(view)``: the route call is the callee of the statement's call
        outer = stmt.value
        return isinstance(outer, ast.Call) and outer.func is node

    def run_call(self, node: ast.Call, stmt: ast.stmt, recv: str, where: Where) -> None:
        """Record ``recv.run(...)``: Flask's ``run(host, port, debug)``; Flask-SocketIO's
        ``socketio.run(app, host, port)``; a connexion app's ``run(port, server, debug, host)``, which
        under connexion 2 serves with Flask's ``app.run`` (the Werkzeug development server) on
        ``host or "0.0.0.0"`` unless ``server`` names another, and under connexion 3 with uvicorn (the
        rules tell the two apart by the project's requirements; no debug setting is recorded for it:
        https://github.com/spec-first/connexion/blob/2.14.2/connexion/apps/flask_app.py)."""
        args = list(node.args)
        run = RunCall(node, stmt, recv, where)
        names: Tuple[str, ...] = ("host", "port", "debug")
        if _is_socketio_run(node, recv):
            run.receiver, run.wrapper, names, args = args[0].id, "socketio", ("host", "port"), args[1:]  # type: ignore
            run.werkzeug = any(kw.arg == "allow_unsafe_werkzeug" and is_true(kw.value) for kw in node.keywords)
        elif (where.scope, recv) in self.connexion_apps or ("", recv) in self.connexion_apps:
            run.wrapper, names = "connexion", ("port", "server", "debug", "host")
        for i, arg in enumerate(args):
            if isinstance(arg, ast.Starred):
                run.star_kwargs = True
                break
            if i < len(names):
                _run_argument(run, names[i], arg)
        keywords = ("host", "port", "debug", "use_debugger") + (("server",) if run.wrapper == "connexion" else ())
        for kw in node.keywords:
            if kw.arg is None:
                run.star_kwargs = True
            elif kw.arg in keywords:
                _run_argument(run, kw.arg, kw.value)
        self.f.runs.append(run)
        if not run.werkzeug or run.wrapper == "connexion":
            return  # debug without the Werkzeug debugger serves no console
        recv = run.receiver
        if run.debug is not None:
            kind = "run-keyword" if any(kw.value is run.debug for kw in node.keywords) else "run-positional"
            target = next((kw for kw in node.keywords if kw.value is run.debug), run.debug)
            self.f.debug_sets.append(DebugSet(target, stmt, recv, where, kind, run.debug))
        if run.use_debugger is not None:
            target = next(kw for kw in node.keywords if kw.value is run.use_debugger)
            self.f.debug_sets.append(DebugSet(target, stmt, recv, where, "use_debugger", run.use_debugger))

    def config_call(self, node: ast.Call, stmt: ast.stmt, recv: str, method: str, where: Where) -> None:
        self.attr_uses.append((where.scope, recv, "config"))
        self.f.registrations.append(Registration(node, stmt, recv, where, "config"))
        if method in ("update", "from_mapping"):
            for kw in node.keywords:
                if kw.arg == "DEBUG":
                    self.f.debug_sets.append(DebugSet(kw, stmt, recv, where, "config-update", kw.value))
            for arg in node.args[:1]:
                if isinstance(arg, ast.Dict):
                    for key, val in zip(arg.keys, arg.values):
                        if isinstance(key, ast.Constant) and key.value == "DEBUG":
                            self.f.debug_sets.append(DebugSet(key, stmt, recv, where, "config-update", val))
        elif method == "from_object" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Name) and arg.id == "__name__":
                self.f.debug_sets.append(DebugSet(node, stmt, recv, where, "config-from-object", None))
            elif isinstance(arg, (ast.Name, ast.Attribute, ast.Subscript)) \
                    or (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) \
                    or (isinstance(arg, ast.Call) and isinstance(arg.func, (ast.Name, ast.Attribute))):
                # a config class or module of the project (or ``CONFIGS["dev"]``: the class a literal
                # key picks from a mapping, ``CONFIGS[os.getenv("X")]``: the one the deployment's X
                # picks; ``pick_config()``: what a project function returns), judged with the
                # project index (FDP003)
                self.f.debug_sets.append(DebugSet(node, stmt, recv, where, "config-object", arg))

    # ---- resolution --------------------------------------------------------------------------
    def result(self, tree: ast.Module, filename: str) -> ModuleFacts:
        """The facts, complete, once ``tree`` has been walked (arguments as :func:`collect`'s)."""
        self.finish()
        if any(b.kind == "flask" for b in self.f.app_bindings):  # no ``Flask(...)``: nothing rebinds one
            self.f.shadowing = list(_shadowing(tree, self))
        self.f.is_test_file = is_test_path(filename)
        return self.f

    def finish(self) -> None:
        f = self.f
        factories = set()
        for qualname, info in f.functions.items():
            local_apps = {b.name for b in f.app_bindings if b.scope == qualname and b.kind == "flask"}
            if info.returns & local_apps:
                factories.add(qualname)
        for name, scope, stmt, call, where in self.pending_apps:
            func = call.func
            callee = func.id if isinstance(func, ast.Name) else func.attr  # type: ignore[union-attr]
            if callee in factories or callee in FACTORY_NAMES:
                f.app_bindings.append(AppBinding(name, scope, stmt, "factory", where=where))
            else:
                self.bind_other(scope, name)
                imported = f.imports.get(callee) if isinstance(func, ast.Name) else None
                if imported is not None:
                    module, original, level, _ = imported
                    f.factory_call_candidates.append(AppBinding(name, scope, stmt, "factory", module, original, level,
                                                                where))
        # imported names that are not apps are dropped unless they look like one (resolved by the
        # project index when possible, see project.resolve_imported_apps)
        for scope, name, attr in self.attr_uses:
            f.used_attrs.setdefault(name, set()).add(attr)
        for node, stmt, where in self.extension_calls:
            arg = node.args[0]
            assert isinstance(arg, ast.Name)
            f.registrations.append(Registration(node, stmt, arg.id, where, "extension"))
        # which functions run at import, only from the guard, or as factories
        regions: Dict[str, str] = {q: FACTORY for q in factories}
        import_called, guard_called = set(), set()
        work = [(name, where.region, where.guard, where.conditional) for name, where in self.module_calls]
        seen = set()
        while work:
            name, region, guard, conditional = work.pop()
            if name not in f.functions or conditional or region not in (IMPORT, GUARD):
                continue
            if (name, region) in seen:
                continue
            seen.add((name, region))
            if region == IMPORT:
                import_called.add(name)
            else:
                guard_called.add(name)
                f.function_guards.setdefault(name, guard)
            for callee, w in f.functions[name].calls:
                work.append((callee, region, guard, w.conditional))
        for name in guard_called:
            if name not in import_called:
                # a factory that only the guard calls builds the development app (a deployment that
                # serves it as ``module:create_app()`` is judged by the rules from the launch)
                regions[name] = GUARD
        for name in import_called:
            if regions.get(name) != FACTORY:
                regions[name] = IMPORT
        f.function_regions = regions


def detached(facts: ModuleFacts) -> ModuleFacts:
    """A copy of ``facts`` fit for the per-process cache of other modules' facts: the statements it
    refers to only to place them become :class:`~flake8_flask_deploy.model.Spot` s.

    A function's or a guard's node holds its whole body, a decorated view's statement too: kept in
    the cache, they keep most of a module's tree alive after the tree flake8 parsed (or the one
    parsed for the question) is gone. What becomes a ``Spot``: ``FunctionInfo.node``, the ``stmt``
    and ``node`` of registrations, the ``stmt`` of run calls and debug settings, the guards (also
    in every :class:`Where` and ``function_guards``), the nodes of ``shadowing``, ``imports`` and
    ``star_imports``. Kept as nodes (other modules' questions read them): app bindings made by an
    assignment (their targets are inferred; an imported app's statement becomes a ``Spot``), run
    calls and their ``host``/``port``/``debug`` arguments, debug values and module constants.
    The rules that walk those statements (FDP001's fix, FDP002, FDP007's ``SECRET_KEY`` test) do so
    on the linted module's own facts, never on a cached copy.

    Args: facts: facts from :func:`collect` (not changed).
    Returns: a new :class:`ModuleFacts`; sets and dicts of names are shared with ``facts``.
    """
    spots: Dict[int, Spot] = {}
    wheres: Dict[int, Where] = {}

    def spot(node):
        if node is None or isinstance(node, Spot):
            return node
        found = spots.get(id(node))
        if found is None:
            found = spots[id(node)] = Spot(node)
        return found

    def where(w: Optional[Where]) -> Optional[Where]:
        if w is None or w.guard is None:
            return w
        found = wheres.get(id(w))
        if found is None:
            found = wheres[id(w)] = Where(w.scope, w.region, w.conditional, spot(w.guard))
        return found

    def binding(b: AppBinding) -> AppBinding:
        node = spot(b.node) if b.kind == "import" else b.node  # an import statement holds all its names
        return AppBinding(b.name, b.scope, node, b.kind, b.module, b.imported_name, b.level, where(b.where))

    return replace(  # the fields not named here are shared as they are
        facts,
        imports={k: (m, n, level, spot(node)) for k, (m, n, level, node) in facts.imports.items()},
        app_bindings=[binding(b) for b in facts.app_bindings],
        import_candidates=[binding(b) for b in facts.import_candidates],
        star_imports=[(m, level, spot(node), where(w)) for m, level, node, w in facts.star_imports],
        functions={q: FunctionInfo(i.qualname, spot(i.node), [(c, where(w)) for c, w in i.calls], i.returns)
                   for q, i in facts.functions.items()},
        guards=[spot(g) for g in facts.guards],
        runs=[RunCall(r.node, spot(r.stmt), r.receiver, where(r.where), r.host, r.port, r.debug, r.use_debugger,
                      r.star_kwargs, r.wrapper, r.werkzeug) for r in facts.runs],
        debug_sets=[DebugSet(spot(d.node), spot(d.stmt), d.receiver, where(d.where), d.kind, d.value)
                    for d in facts.debug_sets],
        registrations=[Registration(spot(r.node), spot(r.stmt), r.receiver, where(r.where), r.kind)
                       for r in facts.registrations],
        shadowing=[(spot(a), name, kind, spot(prev)) for a, name, kind, prev in facts.shadowing],
        function_guards={k: spot(g) for k, g in facts.function_guards.items()},
    )


def collect(tree: ast.Module, filename: str = "") -> ModuleFacts:
    """Walk ``tree`` once and return its :class:`ModuleFacts`.

    Args:
        tree: the module's ``ast`` (as flake8 gives it).
        filename: used only to tell test files (``test_*.py``, ``*_test.py``, ``conftest.py``,
            files under a ``tests``/``test`` folder) apart.
    Returns:
        ModuleFacts: never None; an empty module gives empty facts.
    Raises:
        RecursionError: on pathologically deep trees (the plugin turns it into a skip).
    """
    recorder = FactsRecorder(ModuleFacts())
    walk(tree.body, [recorder])
    return recorder.result(tree, filename)


class _MethodRecorder(FactsRecorder):
    """The facts recorder walking the body of a class whose methods a launch reaches
    (:func:`with_methods`): a parameter annotated ``Flask`` holds an app, and so does an attribute
    of ``self`` that a method of the class assigns an app (``self.flask_app = Flask(...)``,
    ``self.app = app``)."""

    enters_classes = True

    def __init__(self, facts: ModuleFacts) -> None:
        super().__init__(facts)
        self.self_apps: Set[Tuple[str, str]] = set()  # (class, "self.attr")

    def function(self, stmt: ast.stmt, block: Block, qualname: str) -> None:
        super().function(stmt, block, qualname)
        assert isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        for arg in stmt.args.args + stmt.args.posonlyargs + stmt.args.kwonlyargs:
            if arg.annotation is not None and self.is_flask_ctor(arg.annotation):
                self.f.other_bindings.pop((qualname, arg.arg), None)
                self.f.app_bindings.append(AppBinding(arg.arg, qualname, stmt, "flask", where=block.where))

    def assign(self, stmt: ast.stmt, where: Where) -> None:
        super().assign(stmt, where)
        value = getattr(stmt, "value", None)
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        is_app = isinstance(value, ast.Call) and (self.is_flask_ctor(value.func) or self.is_factory_call(value)) \
            or isinstance(value, ast.Name) and self.f.is_app(value.id, where.scope)
        for target in targets:
            if is_app and target is not None and _self_attribute(target) and "." in where.scope:
                self.self_apps.add((where.scope.split(".")[0], _self_attribute(target)))


def with_methods(facts: ModuleFacts, tree: ast.Module, methods: Iterable[str]) -> ModuleFacts:
    """``facts`` with the run calls and debug settings of the methods ``methods`` (qualified names,
    ``"ApiServer.__init__"``) of top-level classes of ``tree``: the module's walk skips class bodies
    (:class:`FactsRecorder`), but a deployment that runs a program reaching these methods runs their
    ``self.app.run(...)`` (:func:`~flake8_flask_deploy.deploy.reach.reached_calls`). A new object;
    ``facts`` is not changed."""
    wanted = set(methods)
    classes = {name.split(".")[0] for name in wanted}
    nodes = [s for s in tree.body if isinstance(s, ast.ClassDef) and s.name in classes]
    if not nodes:
        return facts
    sub = ModuleFacts(flask_class_names=set(facts.flask_class_names),
                      flask_module_names=set(facts.flask_module_names),
                      extension_names=set(facts.extension_names), imports=dict(facts.imports),
                      app_bindings=[b for b in facts.app_bindings if b.scope == ""],
                      other_bindings=dict(facts.other_bindings), constants=dict(facts.constants))
    recorder = _MethodRecorder(sub)
    walk(nodes, [recorder])
    recorder.finish()

    def reached(scope: str) -> bool:
        return any(scope == name or scope.startswith(name + ".") for name in wanted)

    selfs = [AppBinding(attr, scope, node, "flask") for cls, attr in recorder.self_apps
             for scope, node in ((q, i.node) for q, i in sub.functions.items() if q.startswith(cls + "."))]
    params = [b for b in sub.app_bindings if b.scope and reached(b.scope)]
    return replace(facts,
                   app_bindings=facts.app_bindings + selfs + params,
                   runs=facts.runs + [r for r in sub.runs if reached(r.where.scope)],
                   debug_sets=facts.debug_sets + [d for d in sub.debug_sets if reached(d.where.scope)
                                                  and d.kind in ("run-keyword", "run-positional", "use_debugger")])


def _bound_names(target: ast.expr) -> List[ast.Name]:
    """The names an assignment target binds (``a``, ``a, (b, *c)``); ``a.x =``/``a[k] =`` bind none."""
    if isinstance(target, ast.Name):
        return [target]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _bound_names(elt)]
    return []


# ---- FDP002: names rebound to a new Flask app, with branches taken apart -------------------------
#: The dataflow state of :class:`_Rebinds`: name -> (``"import"`` or ``"flask"``, the binding statement).
_State = Dict[str, Tuple[str, ast.stmt]]


def _shadowing(tree: ast.Module, collector: FactsRecorder) -> List[Tuple[ast.Assign, str, str, ast.AST]]:
    """``(assign, name, previous_kind, previous_node)`` for each ``X = Flask(...)`` that rebinds an
    ``X`` that was imported or already bound to a Flask app in the same scope on the same path.

    This is the one pass over statements besides :func:`~flake8_flask_deploy.walk.walk`: it follows
    paths (what is bound after an ``if`` is what both branches agree on), which the walk's
    statement-by-statement hooks cannot express. It runs only on modules that create an app."""
    rebinds = _Rebinds(collector, [b.node.lineno for b in collector.f.app_bindings if b.kind == "flask"])
    rebinds.flow(tree.body, {})
    return rebinds.out


class _Rebinds:
    """The path-sensitive pass of :func:`_shadowing`; ``out`` collects what it finds."""

    def __init__(self, collector: FactsRecorder, app_lines: List[int]) -> None:
        self.collector = collector
        self.app_lines = app_lines
        self.out: List[Tuple[ast.Assign, str, str, ast.AST]] = []

    def flow(self, stmts: Iterable[ast.stmt], state: _State) -> _State:
        for stmt in stmts:
            state = self.one(stmt, state)
        return state

    @staticmethod
    def merge(a: _State, b: _State) -> _State:
        return {k: v for k, v in a.items() if k in b and b[k][0] == v[0]}

    def creates_app_within(self, stmt: ast.AST) -> bool:
        end = getattr(stmt, "end_lineno", None) or stmt.lineno  # type: ignore[attr-defined]
        return any(stmt.lineno <= line <= end for line in self.app_lines)  # type: ignore[attr-defined]

    def one(self, stmt: ast.stmt, state: _State) -> _State:
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign)):
            return self.binding(stmt, dict(state))
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and self.creates_app_within(stmt):
            self.flow(stmt.body, {})  # only a function that creates an app can rebind one
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            state = dict(state)
            state.pop(stmt.name, None)
            return state
        return self.compound(stmt, state)

    def binding(self, stmt: ast.stmt, state: _State) -> _State:
        """``state`` (a copy) after an import or assignment."""
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                state.pop(alias.asname or alias.name.split(".")[0], None)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                local = alias.asname or alias.name
                if stmt.module == "flask" and alias.name == "Flask":
                    state.pop(local, None)
                else:
                    state[local] = ("import", stmt)
        elif isinstance(stmt, ast.Assign):
            is_app = isinstance(stmt.value, ast.Call) and self.collector.is_flask_ctor(stmt.value.func)
            for target in stmt.targets:
                for name in _bound_names(target):
                    if is_app and name is target:
                        if name.id in state:
                            kind, prev = state[name.id]
                            self.out.append((stmt, name.id, kind, prev))
                        state[name.id] = ("flask", stmt)
                    else:
                        state.pop(name.id, None)
        elif isinstance(stmt.target, ast.Name):  # type: ignore[attr-defined]
            state.pop(stmt.target.id, None)  # type: ignore[attr-defined]
        return state

    def compound(self, stmt: ast.stmt, state: _State) -> _State:
        """``state`` after a statement with a body (the branches merged), or unchanged."""
        if isinstance(stmt, ast.If):
            return self.merge(self.flow(stmt.body, dict(state)), self.flow(stmt.orelse, dict(state)))
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            after = self.flow(stmt.orelse, self.flow(stmt.body, dict(state)))  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                after = self.merge(after, self.flow(handler.body, dict(state)))
            return self.flow(stmt.finalbody, after)  # type: ignore[attr-defined]
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            merged = self.merge(state, self.flow(stmt.body, dict(state)))
            return self.merge(merged, self.flow(stmt.orelse, dict(merged)))
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            return self.flow(stmt.body, state)
        if type(stmt).__name__ == "Match":
            result = state
            for case in stmt.cases:  # type: ignore[attr-defined]
                result = self.merge(result, self.flow(case.body, dict(state)))
            return result
        return state
