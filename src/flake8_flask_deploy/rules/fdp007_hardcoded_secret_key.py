"""FDP007 hardcoded-secret-key: a string literal is the app's ``SECRET_KEY``.

Flask signs the session cookie (and Flask-WTF its CSRF tokens, Flask-Login its remember cookie)
with ``SECRET_KEY``; whoever reads the source can forge them. Flask's docs: "keep this really
secret" and generate it with ``secrets.token_hex()``:
https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY

Not reported: test files, demo code (under ``examples/``, ``docs/``, ``demo/``, ``tutorial/``
folders of the project), test and development config classes (``TESTING = True``,
``DEBUG = True``, names with Test/Dev/Local), code under the ``__main__`` guard or a condition, and a
development default that a later ``from_pyfile`` / ``from_envvar`` / ``from_prefixed_env`` /
``from_object`` / ``SECRET_KEY`` assignment in the same setup overrides (the pattern of Flask's
tutorial: https://flask.palletsprojects.com/en/stable/tutorial/factory/).
"""
from __future__ import annotations

import ast
import os
import re
from dataclasses import replace
from typing import Iterator, List, Optional, Tuple

from .. import index as idx
from ..facts import FACTORY, IMPORT, mapping_key
from ..model import DeploymentContext, Finding, Launch, Location
from ..scan import ConfigClass, SecretSet, string_constant
from ..session import current
from . import SECRET_WORDS, ModuleContext, Rule, launch_finding, register

#: Folders of demo code: a key in a library's example app is not a deployment secret.
DEMO_DIRS = frozenset({"examples", "example", "docs", "doc", "demo", "demos", "sample", "samples", "tutorial",
                       "tutorials", "test", "tests", "testing"})
#: Class names of configs that never run in production.
NON_PRODUCTION_CLASS = re.compile(r"test|dev|local|debug|example|sample|ci\b", re.IGNORECASE)


@register
class HardcodedSecretKey(Rule):
    code = "FDP007"
    name = "hardcoded-secret-key"
    summary = "A string literal is the app's `SECRET_KEY`: anyone who reads the code can forge sessions"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "a string literal is the app's `SECRET_KEY`: anyone who reads the code can forge sessions"
    )
    fix_safety = "unsafe"
    #: A security issue: the literal is the key that signs the session cookie, so whoever reads the
    #: code can forge any session (log in as anyone when the app keeps the user there). 7.5 (high):
    #: CodeQL's ``py/hardcoded-credentials`` (CWE-798, CWE-321) guesses credentials from names and
    #: scores 5.9; this literal is known to be the signing key
    #: (https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY).
    security_severity = "7.5"
    cwe = ("CWE-798", "CWE-321")
    #: What a module's text must hold for this rule to fire: ``SECRET_KEY`` in the config, a config
    #: class or a module constant, or ``app.secret_key``.
    prefilter = SECRET_WORDS
    reports_in_tests = False
    docs = """\
## What it does
Reports a string (or bytes) literal used as the app's `SECRET_KEY`:
`app.config["SECRET_KEY"] = "..."`, `app.secret_key = "..."`,
`app.config.update(SECRET_KEY="...")` / `update({"SECRET_KEY": ...})` / `from_mapping(...)` (also on
the parameter of a project function that a caller outside tests and the guard passes the app to:
`def init_app(app): app.config["SECRET_KEY"] = "..."` with `init_app(app)`), a
`SECRET_KEY = "..."` attribute of a config class that `app.config.from_object(...)` loads anywhere
in the project (by name, by `"module.Class"` string, or through a `{"production": ProdConfig}`
mapping, returned by a project function: `from_object(pick_config())`, or passed by the callers of
a factory: `create_app(config.Config())` to `def create_app(config): app.config.from_object(config)`;
subclasses that inherit the attribute count), and a module constant loaded with
`from_object(__name__)`; also a name or attribute (`= API_SECRET_KEY` imported from another module,
`= settings.SECRET_KEY`, a constant of the same module) that names a module-level constant bound
once, at import, to a string literal in a project module. The receiver must be a Flask app: by the
`ast` facts (`Flask(...)`, any alias, an imported app, an app factory), else by astroid inference
(an app returned by a factory of any name in another module).

In deployment files: `SECRET_KEY` (or `FLASK_SECRET_KEY`, read by `config.from_prefixed_env()`) set
to a literal for a production launch, by a Dockerfile `ENV` or a compose `environment:` entry, when
the project's code reads that variable from the environment. The finding is on that line, where
the fix is (`check`; the served module's app definition is its related location). `${SECRET_KEY}` (passed from the host) is not a literal;
files named for development and a developer's stack (the development server with
`FLASK_ENV=development`) are not production.

Also in a settings file of the repository that a production launch points a `from_envvar("VAR")` at
(`export CARDS_SETTINGS=/src/config.txt` in the start script, a compose `environment:` entry):
`from_envvar` executes the file as Python, so its top-level `SECRET_KEY = "..."` is the key of the
app that launch serves. The `from_envvar` must run where that app is built (at import, in a factory,
or in a function called outside the `__main__` guard) with nothing after it replacing the key; an
absolute container path is matched to the repository by its longest tail that exists there.

Not reported:
- test files (`test_*.py`, `*_test.py`, `conftest.py`, files under `tests/`) and demo code (files
  under `examples/`, `docs/`, `demo/`, `tutorial/` folders of the project), test functions, and
  an app on which the same setup sets `TESTING = True`;
- config classes named for tests or development, or with `TESTING = True` / `DEBUG = True` (a
  `DEBUG = True` class is still reported when an unconditional `from_object` of the project can
  load no other: by name, string, literal mapping key or a project function with one return value,
  it is then the app's config, and FDP003 reports its `DEBUG`);
- a development default that a later `from_pyfile`, `from_envvar`, `from_prefixed_env`,
  `from_file` or `SECRET_KEY` assignment in the same setup overrides (the pattern of Flask's own
  tutorial: `from_mapping(SECRET_KEY="dev")` then `from_pyfile("config.py", silent=True)`), or a
  later `from_object(X)` where X may set `SECRET_KEY` (a class or module of the project that assigns
  it, or one the index cannot see into); a `from_object` of a config without a `SECRET_KEY` leaves
  the literal in force, and it is reported, and so does storing the config's own key again
  (`app.secret_key = app.config["SECRET_KEY"]`); a later `from_envvar("VAR")` leaves it in force
  too when every production launch serving the app sets VAR to a file of the repository that binds
  no `SECRET_KEY` (or, in a container, leaves VAR unset while the load is conditional or
  `silent=True`), and so does a load of a factory parameter that no caller passes
  (`if config is not None: app.config.update(config)` with `create_app()` everywhere);
- code under `if __name__ == "__main__":` or another condition;
- `os.environ.get("SECRET_KEY", "fallback")` (or `os.environ.get("SECRET_KEY") or "fallback"`,
  `os.getenv(...)` alike): not a literal (a fallback is a weaker smell, left
  to security linters), except in a config class that `from_object` loads for an app whose
  production launches all run in containers (the repository describes their environment: compose,
  Dockerfile) and none sets the variable, nor does the app load a dotenv file: there the fallback is
  the key production signs with, and it is reported; a Procfile's platform sets variables outside
  the repository.

## Why is this bad?
Flask signs the session cookie with `SECRET_KEY` (and Flask-Login signs its remember-me cookie,
Flask-WTF its CSRF tokens). A key in the source is in every clone, fork, container image layer and
CI log: anyone who has seen it can forge a session that says they are logged in as an admin. The
key works the same in development and production, so nothing fails until someone uses it.

## Example
```python
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "be35984218226b31d6ca0bf1ccefdaf78e47c9181177a41a"
```

## Use instead
```python
import os

from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
```
or keep a development default and load the real key afterwards:
```python
app.config.from_mapping(SECRET_KEY="dev")
app.config.from_prefixed_env()  # FLASK_SECRET_KEY from the environment wins
```

## Fix safety
Unsafe (`flake8-flask-deploy fix --unsafe-fixes`): the fix replaces the literal with `os.environ["SECRET_KEY"]` and adds
`import os` when missing. The app then fails at start-up until the deployment sets `SECRET_KEY`,
and every existing session cookie becomes invalid once a new key is used: users are logged out.

## Options
None.

## References
- [Flask: `SECRET_KEY`](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
- [Flask: configuring from environment variables](https://flask.palletsprojects.com/en/stable/config/#configuring-from-environment-variables)
- [Flask tutorial: the application factory (dev default overridden by instance config)](https://flask.palletsprojects.com/en/stable/tutorial/factory/)
- [Flask tutorial: deploy to production, configure the secret key](https://flask.palletsprojects.com/en/stable/tutorial/deploy/#configure-the-secret-key)
"""  # noqa: E501

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        facts = module.facts
        if not _mentions_secret(facts):
            return
        root = idx.root_of(module)
        parts = os.path.relpath(module.path, root).replace(os.sep, "/").split("/")[:-1]
        if any(part.lower() in DEMO_DIRS for part in parts):
            return
        scan = idx.scan_for(module)
        if scan is None:
            return
        for secret in scan.secrets:
            if self._direct_applies(scan, secret, module, root):
                yield module.finding(self, secret.node, _message(""), offers_fix=True)
            elif not (secret.ctx.guard or secret.ctx.conditional or _testish(secret.ctx.scope)):
                passed = _app_passed_in(idx.get_index(root), module.path, scan, secret)
                if passed:
                    yield module.finding(self, secret.node, _message("") + f" (set on the app {passed})",
                                         offers_fix=True)
        for secret in scan.secret_refs:
            where = _constant_literal(idx.get_index(root), module.path, secret)
            if where and self._direct_applies(scan, secret, module, root):
                yield module.finding(self, secret.node, _message(f"the constant {where}"))
        if scan.classes or scan.module_secret is not None:
            yield from self._loaded(module, scan, root)

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        """A production launch whose environment sets ``SECRET_KEY`` (``FLASK_SECRET_KEY`` for
        ``from_prefixed_env``) to a literal written in a deployment file (a Dockerfile ``ENV``, a
        compose ``environment:``), in a project whose code reads it from the environment: the key is in
        the repository (and in every layer of the image)."""
        found = _deployment_literal(launch, context)
        if found is not None:
            key, where = found  # several launches that get one line: one finding (engine.deployment_findings)
            finding = launch_finding(self, launch, f"`{key}` is a literal in a deployment file: anyone who can read "
                                     "the repository (or the image) can forge session cookies; pass it from a secret "
                                     "store or the host's environment (`" + key + ": ${" + key + "}`)", where.line)
            yield replace(finding, path=where.path)
        yield from self._settings_files(launch, context)

    def _settings_files(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        """A production launch that points a ``from_envvar("VAR")`` of the project at a file of the
        repository (``export CARDS_SETTINGS=/src/config.txt``) whose ``SECRET_KEY`` is a literal:
        the served app loads that key. ``from_envvar`` executes the file as Python:
        https://flask.palletsprojects.com/en/stable/api/#flask.Config.from_envvar"""
        if not launch.production or not launch.env:
            return
        index = idx.get_index(context.root)
        served = launch.target_path or launch.script
        for var, path, load in _envvar_loads(index):
            if served is None or not idx.imports_transitively(index, served, path):
                continue  # another app's loader
            value = launch.env.get(var, "").strip().strip("'\"")
            settings = _repository_file(value, launch, context.root) if value and "$" not in value else None
            found = _literal_assignment(settings) if settings else None
            if found is None:
                continue
            rel = os.path.relpath(path, context.root).replace(os.sep, "/")
            set_at = launch.env_location(var).short(context.root)
            message = _message(os.path.relpath(settings, context.root).replace(os.sep, "/")) + (  # type: ignore
                f" (`from_envvar(\"{var}\")` at {rel}:{load.node.lineno} loads it: {set_at} sets {var}={value})")
            yield replace(launch_finding(self, launch, message, found), path=settings)  # type: ignore[arg-type]

    # -- app.config["SECRET_KEY"] = "...", app.secret_key = "...", config.update(SECRET_KEY="...")
    def _direct_applies(self, scan: idx.ModuleScan, secret: SecretSet, module: ModuleContext, root: str) -> bool:
        ctx = secret.ctx
        if ctx.guard or ctx.conditional or ctx.in_class or _testish(ctx.scope):
            return False
        if (ctx.scope, secret.receiver) in scan.testing_sets:
            return False
        if _overridden(scan, secret.receiver, ctx.scope, secret.node.lineno, (idx.get_index(root), module.path),
                       module.deployment):
            return False
        if idx.is_app(scan, secret.receiver, ctx.scope):
            return True
        if secret.receiver in scan.bound.get(ctx.scope, set()) and ctx.scope:
            local_assign = True
        else:
            local_assign = False
        if secret.receiver in ("app", "application") or local_assign or not ctx.scope:
            kind = idx.infer_receiver(idx.get_index(root), module.path, secret.receiver_node)
            return kind == "Flask"
        return False

    # -- class Config: SECRET_KEY = "..." loaded by from_object; SECRET_KEY = "..." + from_object(__name__)
    def _loaded(self, module: ModuleContext, scan: idx.ModuleScan, root: str) -> Iterator[Finding]:
        if not any(c.secret is not None or c.fallback is not None for c in scan.classes.values()) \
                and scan.module_secret is None:
            return
        index = idx.get_index(root)
        loads = _from_object_loads(index, module.deployment)
        definite = _definite_targets(index, loads)
        for cls in scan.classes.values():
            if (cls.secret is None and cls.fallback is None) or _non_production(cls, module.path, definite):
                continue
            users = [cls.name] + _inheritors(scan, cls.name)
            users = [u for u in users if not _non_production(scan.classes[u], module.path, definite)]
            hit = _first_load(index, loads, module.path, set(users))
            if hit is None:
                continue
            where, name = hit
            loaded = f" (loaded as `{name}` by from_object at {where})"
            if cls.secret is not None:
                yield module.finding(self, cls.secret[0], _message(f"config class `{cls.name}`") + loaded)
                continue
            node, var = cls.fallback  # type: ignore[misc]
            loader = os.path.join(index.root, where.rsplit(":", 1)[0])
            unset = _unset_where_served(index, module, loader, var)
            if unset:
                yield module.finding(self, node, f"`SECRET_KEY` falls back to a string literal in config class "
                                     f"`{cls.name}` when {var} is unset, and {unset}{loaded}: anyone who can read "
                                     f"the code can forge session cookies; set {var} in the deployment and drop "
                                     f"the fallback (os.environ[\"{var}\"])")
        if scan.module_secret is not None and not scan.module_secret_overridden:
            hit = _first_load(index, loads, module.path, {""})
            if hit is not None:
                node, _ = scan.module_secret
                where, _name = hit
                yield module.finding(self, node, _message("this module") + f" (loaded by from_object at {where})")


def _unset_where_served(index: idx.ProjectIndex, module: ModuleContext, loader: str, var: str) -> str:
    """How the deployment leaves ``var`` unset for the app built by ``loader`` (the module that loads
    the config): ``"no production launch serving the app sets it (docker-compose.yml:35)"`` when
    production launches serve an app importing ``loader``, all in containers (whose environment the
    repository describes: a compose file, a Dockerfile), none sets ``var`` and no module the app
    imports mentions dotenv; ``""`` otherwise (a platform such as Heroku sets its config vars
    outside the repository)."""
    launches = [x for x in module.deployment.production_launches
                if (x.target_path or x.script)
                and idx.imports_transitively(index, x.target_path or x.script, loader)]
    if not launches or any(not x.container or var in x.env for x in launches):
        return ""
    served = {x.target_path or x.script for x in launches}
    if any(idx.imports_transitively(index, start, other) for start in served for other in index.mentioning("dotenv")):
        return ""  # a dotenv file the deployment may provide
    where = ", ".join(dict.fromkeys(x.source.short(module.root or None) for x in launches))
    return f"no production launch serving the app sets it ({where})"


def _app_passed_in(index: idx.ProjectIndex, path: str, scan: idx.ModuleScan, secret: SecretSet) -> str:
    """For a key set on a parameter of a project function (``def init_app(app):
    app.config["SECRET_KEY"] = "..."``): where a caller passes it a Flask app (``"`init_app(app)`
    passes at app.py:24"``), outside tests and the ``__main__`` guard, with nothing after the
    setting in the function overriding it; ``""`` otherwise."""
    func = secret.ctx.scope
    if not idx.parameter_of(index, path, func, secret.receiver) or secret.ctx.in_class \
            or (func, secret.receiver) in scan.testing_sets:
        return ""
    if _overridden(scan, secret.receiver, func, secret.node.lineno, (index, path)):  # type: ignore[attr-defined]
        return ""
    for caller, site in idx.call_sites(index, path, func):
        value = idx.bound_argument(index, path, func, secret.receiver, site.node)
        other = index.scan(caller)
        if isinstance(value, ast.Name) and other is not None and not other.is_test \
                and idx.is_app(other, value.id, site.ctx.scope):
            rel = os.path.relpath(caller, index.root).replace(os.sep, "/")
            return f"that `{func}({value.id})` passes at {rel}:{site.node.lineno}"
    return ""


def _envvar_loads(index: idx.ProjectIndex) -> List[Tuple[str, str, idx.ConfigLoad]]:
    """``(variable, path, load)`` for each ``app.config.from_envvar("VAR")`` of the project that
    runs where production runs the app (at import, in a factory, or in a function called outside
    the guard, also under a condition such as ``__name__ == "flash_cards"``; not in tests or
    demos) and that nothing later in the same setup overrides; once per index."""
    memo = index.memo.get("fdp007-envvar")
    if memo is not None:
        return memo  # type: ignore[return-value]
    out = []
    for path in index.mentioning("from_envvar"):
        rel = os.path.relpath(path, index.root).replace(os.sep, "/")
        if index.is_test(path) or any(part.lower() in DEMO_DIRS for part in rel.split("/")[:-1]):
            continue
        scan = index.scan(path)
        for load in scan.loads if scan is not None else ():
            var = string_constant(load.arg) if load.method == "from_envvar" else None
            if var is None or load.ctx.guard or _testish(load.ctx.scope):
                continue
            top = load.ctx.scope.split(".")[0]
            if top and scan.facts.function_regions.get(top) not in (IMPORT, FACTORY) \
                    and not idx.call_sites(index, path, top):  # called only under the guard, or never
                continue
            if not _overridden(scan, load.receiver, load.ctx.scope, load.node.lineno,  # type: ignore[union-attr]
                               (index, path)):
                out.append((var, path, load))
    index.memo["fdp007-envvar"] = out
    return out


def _repository_file(written: str, launch: Launch, root: str) -> Optional[str]:
    """The file of the repository a path written in a deployment file names: relative to the
    deployment file's folder or the root, or an absolute (container) path whose longest tail
    exists there (``/src/config.txt`` -> ``config.txt`` when the image copies the root to /src)."""
    parts = [p for p in written.split("/") if p and p != "."]
    bases = (os.path.dirname(launch.source.path), root)
    tails = range(len(parts), 0, -1) if written.startswith("/") else [len(parts)]
    for n in tails:
        for base in bases:
            candidate = os.path.normpath(os.path.join(base, *parts[-n:]))
            if candidate.startswith(root) and os.path.isfile(candidate):
                return candidate
    return None


def _literal_assignment(path: str) -> Optional[int]:
    """The line of a top-level ``SECRET_KEY = "literal"`` in the Python file ``path`` (the last
    assignment of the name decides), or None (not Python, no such assignment)."""
    try:
        tree = ast.parse(current().read_bytes(path), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
    line = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SECRET_KEY" for t in stmt.targets):
            value = stmt.value
            literal = isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)) and value.value
            line = stmt.lineno if literal else None
    return line


def _deployment_literal(launch: Launch, context: DeploymentContext) -> Optional[Tuple[str, Location]]:
    """``(variable, where it is set)`` when a production ``launch`` gets ``SECRET_KEY`` (or
    ``FLASK_SECRET_KEY``, which ``config.from_prefixed_env()`` reads) as a literal from a deployment
    file and some non-test module of the project reads that variable from the environment
    (``os.environ``/``os.getenv``; ``from_prefixed_env`` for the ``FLASK_`` one). A value with ``$``
    (``${SECRET_KEY}``, interpolated from the host) or empty is no literal.
    https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY"""
    if not launch.production:
        return None
    index = None
    readers_of = (("SECRET_KEY", (("environ",), ("getenv",))), ("FLASK_SECRET_KEY", (("from_prefixed_env",),)))
    for key, reader_words in readers_of:
        value = launch.env.get(key, "").strip().strip("'\"")
        if not value or "$" in value:
            continue
        index = index or idx.get_index(context.root)
        readers = [p for words in reader_words for p in index.mentioning("SECRET_KEY", *words)
                   if not index.is_test(p)] if key == "SECRET_KEY" else \
            [p for words in reader_words for p in index.mentioning(*words) if not index.is_test(p)]
        if readers:
            return key, launch.env_location(key)
    return None


def _constant_literal(index: idx.ProjectIndex, path: str, secret: SecretSet) -> str:
    """For ``SECRET_KEY`` set from a name or attribute (``= API_SECRET_KEY`` imported from another
    module, ``= data.SECRET_KEY``, a constant of this module): where the string literal it names is
    (``"`API_SECRET_KEY` (my_secrets.py:1)"``), or ``""`` when it is not a module-level name bound
    once, at import, to a literal in a project module outside tests and demos."""
    found = index.resolve_expr(path, secret.node, secret.ctx.scope)  # type: ignore[arg-type]
    if not found or not found[1]:
        return ""
    other_path, name = found
    rel = os.path.relpath(other_path, index.root).replace(os.sep, "/")
    if index.is_test(other_path) or any(part.lower() in DEMO_DIRS for part in rel.split("/")[:-1]):
        return ""
    other = index.scan(other_path)
    constant = other.string_constants.get(name) if other is not None else None
    if constant is None:
        return ""
    return f"`{name}` ({rel}:{constant[0].lineno})"  # type: ignore[attr-defined]


def _mentions_secret(facts) -> bool:
    """The cheap test before any scan, on the nodes flake8's tree already has: a config setting or a
    class body that names ``SECRET_KEY`` / ``secret_key``, or a module constant ``SECRET_KEY``."""
    if "SECRET_KEY" in facts.constants:
        return True
    for reg in facts.registrations:
        if reg.kind != "config":
            continue
        for node in ast.walk(reg.node):
            if isinstance(node, ast.Constant) and node.value == "SECRET_KEY":
                return True
            if isinstance(node, ast.keyword) and node.arg == "SECRET_KEY":
                return True
            if isinstance(node, ast.Attribute) and node.attr == "secret_key":
                return True
    for info in facts.functions.values():
        if isinstance(info.node, ast.ClassDef):
            for item in info.node.body:
                targets = item.targets if isinstance(item, ast.Assign) else (
                    [item.target] if isinstance(item, ast.AnnAssign) else [])
                if any(isinstance(t, ast.Name) and t.id == "SECRET_KEY" for t in targets):
                    return True
    return False


def _message(what: str) -> str:
    where = f" in {what}" if what else ""
    return (f"`SECRET_KEY` is a string literal{where}: anyone who can read the code can forge session "
            f"cookies; read it from the environment (os.environ[\"SECRET_KEY\"])")


def _testish(scope: str) -> bool:
    return any(part.startswith(("test", "_test")) or part in ("client", "app_fixture") for part in scope.split("."))


def _non_production(cls: ConfigClass, path: str = "", definite: frozenset = frozenset()) -> bool:
    """A config class for tests or development: ``TESTING = True``, a name with Test/Dev/Local...,
    or ``DEBUG = True``, unless a load of the project can load nothing else (``definite``: then it
    is the app's config whatever it says, and FDP003 reports its ``DEBUG``)."""
    if cls.testing or NON_PRODUCTION_CLASS.search(cls.name):
        return True
    return cls.debug and (path, cls.name) not in definite


def _no_choice(index: idx.ProjectIndex, path: str, load: idx.ConfigLoad) -> bool:
    """The argument of ``from_object`` picks nothing at run time: a name, a string, a literal key
    (``CONFIGS["prod"]``), a project function with one return value."""
    if not isinstance(load.arg, (ast.Subscript, ast.Call)) or mapping_key(load.arg) is not None:
        return True
    return len(idx.returned_values(index, path, load.arg, load.ctx.scope) or ()) == 1


def _definite_targets(index: idx.ProjectIndex, loads) -> frozenset:
    """``(path, class)`` of the configs that an unconditional ``from_object`` of the project loads
    with no choice (its argument names one class: ``DefaultConfig``, ``"config.DefaultConfig"``, a
    function returning that string); a mapping looked up by a key read at run time is a choice."""
    memo = index.memo.get("fdp007-definite")
    if memo is None:
        found = set()
        for where, scan, load in loads:
            targets = [t for t in _load_targets(index, where, scan, load) if t[1]]
            if len(targets) == 1 and not load.ctx.conditional and _no_choice(index, where, load):
                found.add(targets[0])
        memo = index.memo["fdp007-definite"] = frozenset(found)
    return memo  # type: ignore[return-value]


def _inheritors(scan: idx.ModuleScan, name: str) -> List[str]:
    """Classes of the module that inherit ``name`` (directly or not) without setting SECRET_KEY."""
    out: List[str] = []
    frontier = [name]
    while frontier:
        base = frontier.pop()
        for cls in scan.classes.values():
            if base in cls.bases and cls.name not in out and not cls.sets_secret:
                out.append(cls.name)
                frontier.append(cls.name)
    return out


def _overridden(scan: idx.ModuleScan, receiver: str, scope: str, line: int,
                where: Optional[Tuple[idx.ProjectIndex, str]] = None,
                context: Optional[DeploymentContext] = None) -> bool:
    """A later config load or ``SECRET_KEY`` assignment on the same app in the same setup.

    With ``where`` (the project index and the module's path), a later ``from_object(X)`` counts only
    when X may set ``SECRET_KEY`` (:func:`_may_set_secret`): loading a config without one leaves the
    literal in force (the precision issue's class 8). With the deployment ``context`` too, a load
    of a factory parameter that no caller (nor launch) passes (``if config is not None:
    app.config.update(config)``) never runs, and a ``from_envvar("VAR")`` counts only when a
    production launch serving the app may load a key with it (:func:`_envvar_may_set`).
    ``from_pyfile``/``from_prefixed_env`` and a later assignment always count."""
    for load in idx.later_config_loads(scan, receiver, scope, line):
        if where is not None and load.method == "from_object":
            targets = _load_targets(where[0], where[1], scan, load)
            if targets and not any(_may_set_secret(where[0], target) for target in targets):
                continue
        if where is not None and context is not None and (
                _never_passed(where[0], where[1], load, context)
                or load.method == "from_envvar" and not _envvar_may_set(where[0], where[1], load, context)):
            continue
        return True
    return False


def _never_passed(index: idx.ProjectIndex, path: str, load: idx.ConfigLoad, context: DeploymentContext) -> bool:
    """``update(config)`` / ``from_pyfile(config)`` / ``from_object(config)`` of a parameter of the
    module-level function that no call of the project binds (``create_app()`` everywhere) and no
    launch calls with arguments (``gunicorn "app:create_app('prod.cfg')"``): the load never runs
    with a value (it sits under ``if config is not None:``, or fails)."""
    arg = load.arg if load.method != "set" else _update_argument(load)
    scope = load.ctx.scope
    if not isinstance(arg, ast.Name) or not load.ctx.conditional or not idx.parameter_of(index, path, scope, arg.id):
        return False
    for _caller, site in idx.call_sites(index, path, scope):
        call = site.node
        if idx.bound_argument(index, path, scope, arg.id, call) is not None \
                or any(isinstance(a, ast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
            return False
    return not any(x.attr and f"{scope}(" in x.attr and not x.attr.replace(" ", "").endswith(f"{scope}()")
                   for x in context.launches)


def _update_argument(load: idx.ConfigLoad) -> Optional[ast.expr]:
    """The mapping argument of a ``config.update(mapping)`` load (None for any other "set")."""
    node = load.node
    loaders = ("update", "from_mapping")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in loaders:
        return node.args[0] if node.args else None
    return None


def _envvar_may_set(index: idx.ProjectIndex, path: str, load: idx.ConfigLoad, context: DeploymentContext) -> bool:
    """Whether ``from_envvar("VAR")`` (``load`` in ``path``) may replace ``SECRET_KEY`` where the
    project is deployed: False only when production launches serve the app and each either sets VAR
    to a file of the repository that binds no ``SECRET_KEY`` (``FLASK_CONF=/app/configs/docker_config.py``),
    or, in a container whose environment the repository describes, leaves it unset while the load
    is conditional or ``silent=True`` (nothing is loaded). A platform sets what it likes (Heroku's
    config vars), so a launch outside a container leaving VAR unset may load a key.
    https://flask.palletsprojects.com/en/stable/api/#flask.Config.from_envvar"""
    var = string_constant(load.arg)
    launches = [x for x in context.production_launches
                if (x.target_path or x.script) and idx.imports_transitively(index, x.target_path or x.script, path)]
    if not var or not launches:
        return True
    skippable = load.ctx.conditional or any(kw.arg == "silent" and kw.value is not None and getattr(
        kw.value, "value", False) is True for kw in getattr(load.node, "keywords", ()))
    for launch in launches:
        value = launch.env.get(var, "").strip().strip("'\"")
        if not value:
            if not (launch.container and skippable):
                return True
            continue
        settings = _repository_file(value, launch, index.root) if "$" not in value else None
        if settings is None or _binds_secret(settings):
            return True
    return False


def _binds_secret(path: str) -> bool:
    """True unless the Python file ``path`` parses and binds no top-level ``SECRET_KEY``."""
    try:
        tree = ast.parse(current().read_bytes(path), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return True
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names):
            return True
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "SECRET_KEY" for t in targets):
            return True
    return False


def _may_set_secret(index: idx.ProjectIndex, target: Tuple[str, str]) -> bool:
    """Whether the class ``target[1]`` (or, for ``""``, the module) of ``target[0]`` may set
    ``SECRET_KEY``; True when it cannot be told (an unknown class or base, a module that binds the name)."""
    return idx.config_may_set(index, target, "SECRET_KEY")


def _from_object_loads(index: idx.ProjectIndex,
                       context: Optional[DeploymentContext] = None) -> List[Tuple[str, idx.ModuleScan, idx.ConfigLoad]]:
    """Every ``from_object`` load of the project that nothing overrides later; once per index."""
    memo = index.memo.get("fdp007")
    if memo is None:
        memo = index.memo["fdp007"] = _collect_loads(index, context)
    return memo  # type: ignore[return-value]


def _collect_loads(index: idx.ProjectIndex,
                   context: Optional[DeploymentContext] = None) -> List[Tuple[str, idx.ModuleScan, idx.ConfigLoad]]:
    out = []
    for path in index.mentioning("from_object"):
        if index.is_test(path):
            continue
        scan = index.scan(path)
        if scan is None:
            continue
        for load in scan.loads:
            if load.method != "from_object" or load.ctx.guard or _testish(load.ctx.scope):
                continue
            if _overridden(scan, load.receiver, load.ctx.scope, load.node.lineno,  # type: ignore[attr-defined]
                           (index, path), context):
                continue
            out.append((path, scan, load))
    return out


def _first_load(index: idx.ProjectIndex, loads, path: str, names: set) -> Optional[Tuple[str, str]]:
    """The first from_object load of one of ``names`` of ``path`` ("" = the module itself):
    ``("file:line", name)``."""
    for where, scan, load in loads:
        for target in _load_targets(index, where, scan, load):
            if target[0] == path and target[1] in names:
                rel = os.path.relpath(where, index.root)
                return f"{rel}:{load.node.lineno}", target[1] or os.path.basename(path)  # type: ignore
    return None


def _load_targets(index: idx.ProjectIndex, path: str, scan: idx.ModuleScan, load: idx.ConfigLoad):
    """What one ``from_object(arg)`` loads: ``[(path, class name or "")]``."""
    return idx.config_targets(index, path, load.arg, load.ctx.scope)
