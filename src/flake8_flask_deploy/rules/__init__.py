"""Rules: one module per rule in this package, found by walking the package (no list to edit).

A rule is a subclass of :class:`Rule` decorated with :func:`register`. It reads
:class:`ModuleContext` (facts of one module plus the deployment context) in :meth:`Rule.check`, and
the deployment context alone in :meth:`Rule.check_launch` for findings that live in a deployment file.
A rule is in one place: besides its checks, its class holds its metadata, its documentation page
(:attr:`Rule.docs`) and what a module's text must hold for it to fire (:attr:`Rule.prefilter`,
:attr:`Rule.prefilter_triggers`); the engine's text test, the docs pages, the rules index, the mkdocs
nav and README's table are derived from them.
"""
from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import textwrap
from dataclasses import dataclass, field, replace
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Type, Union

from .. import index as idx
from ..facts import ModuleFacts, Where
from ..model import DeploymentContext, Finding, Launch, Location, Spot, attr_name
from ..project import facts_of_file, required_major
from ..records import FROM_FACTORY, Record

#: Folders of demo and documentation code (``examples/``, ``python_examples/``, ``docs/``, ``demo/``,
#: ``tutorial/``, ``samples/``, ``snippets/``): a module there that no deployment runs is a development
#: launcher or a snippet, not what production serves.
DEMO_FOLDER = re.compile(r"(?i)(?:\w+_)?(?:examples?|demos?|docs?|samples?|tutorials?|snippets?)(?:_\w+)?")

DOCS_URL = "https://github.com/flake8-flask-deploy/flake8-flask-deploy/blob/main/docs/rules/{code}.md"


def docs_url(code: str) -> str:
    """The address of the documentation page of ``code`` (a rule's, or ``FDP000``'s)."""
    return DOCS_URL.format(code=code)


#: The page of :data:`~flake8_flask_deploy.model.PARSE_ERROR` (not a rule: ``check``'s report of a file
#: it cannot analyse), printed by ``rule FDP000`` and generated to docs/rules/FDP000.md like a rule's.
PARSE_ERROR_DOCS = """\
## What it does
Reports a Python file that `flake8-flask-deploy check` checks but could not parse or decode: a
syntax error (often Python 2 code such as `print "x"`), bytes invalid in the file's encoding, or
nesting too deep for Python's parser. The finding is at the line and column the parser names, with
its message.

Every Python file checked is tested, also one whose text no rule could concern (it is not analysed,
only tested to parse, cheaply: see the configuration page). Under flake8 the plugin reports no
`FDP000`: flake8's own `E999`/`E902` does, on every file.

## Why is this bad?
No rule can judge a file it cannot read: a route registered only under the `__main__` guard, a
debug flag or a hard-coded key in that file goes unreported. A WSGI server that imports the file
fails at start-up with the same `SyntaxError`.

## Example
```python
from flask import Flask

app = Flask(__name__)
print "serving"   # Python 2
```

## Use instead
```python
from flask import Flask

app = Flask(__name__)
print("serving")
```

## Fix safety
No fix: the right rewrite depends on what the code meant.

## Options
`FDP000` is not a rule: `--select` never drops it (as ruff keeps its syntax errors); only an
`--ignore`/`ignore` entry naming `FDP000` exactly does (`F` or `FDP` does not).

## References
- flake8's `E999`/`E902`: https://flake8.pycqa.org/en/latest/user/error-codes.html
- Python's `ast.parse`: https://docs.python.org/3/library/ast.html#ast.parse
"""

#: The headings of a rule's documentation page, in order (:attr:`Rule.docs`; ``tests/test_meta.py``).
DOCS_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options", "References")

# ---- what a module's text must hold for a rule to fire (the engine's text test) ------------------
# A rule names, in :attr:`Rule.prefilter`, literal words and, in :attr:`Rule.prefilter_triggers`, the
# structured patterns below: the text the facts it reads come from, so that a module it can report in
# holds one of them. The engine's text test (``engine.TEXT_TEST``, in ``engine.might_matter`` before
# any parse or walk) is their union over the rules: it lets a module through when it holds one of them
# (or when a deployment file runs or serves it, so a rule that reads only deployment files names
# nothing). Words are ASCII: the CLI tests raw bytes. ``tests/test_prefilter.py`` holds every finding of
# the test projects to its rule's declaration.

#: Structured trigger: the creation of an app: ``Flask(...)``, ``flask.Flask(...)``, ``Flask as F``,
#: a subclass (``class App(Flask):``); the word ``Flask`` alone (``FlaskForm``) creates nothing.
APP_CREATION = "app-creation"
#: Structured trigger: ``name.run(`` on a plain name that may be an app (not ``subprocess``,
#: ``asyncio``, ``self``, ``cls``; facts records a run call only on a plain name).
RUN_CALL = "run-call"
#: Structured trigger: a debug setting: ``.debug =``, ``"DEBUG"``/``'DEBUG'``, ``DEBUG =`` (after a
#: character that is not part of a name).
DEBUG_SETTING = "debug-setting"
#: Structured trigger: a Flask 2.0 route decorator ``@x.get(`` (``post``, ``put``, ``delete``, ``patch``).
ROUTE_DECORATOR = "route-decorator"
#: Every structured trigger the engine implements.
TRIGGERS = (APP_CREATION, RUN_CALL, DEBUG_SETTING, ROUTE_DECORATOR)

#: Words of the facts several rules read (``facts.py`` records them in one walk). Other set-up
#: (``register_blueprint``, ``init_app``, hooks: registrations of kinds ``setup``, ``extension``,
#: ``config``) has no words: FDP001 and FDP002, which read it, fire only with the guard or an app
#: created in the module, and FDP010 only with routes;
#: the ``__main__`` guard (``ModuleFacts.guards``);
GUARD_WORDS = ("__main__",)
#: an app built by a factory Flask's CLI discovers (``facts.FACTORY_NAMES``);
FACTORY_WORDS = ("create_app", "make_app")
#: routes added by a call (decorators: :data:`ROUTE_DECORATOR`) (registrations of kind ``route``);
ROUTE_WORDS = (".route(", "add_url_rule")
#: the secret key, as a config key or an app attribute;
SECRET_WORDS = ("SECRET_KEY", "secret_key")
#: a blueprint (``Blueprint``, ``APIBlueprint``, ``flask.Blueprint``).
BLUEPRINT_WORDS = ("Blueprint",)


@dataclass(init=False, repr=False, eq=False)
class ModuleContext(Record):
    """What a rule sees of one module.

    Attributes:
        path: absolute, normalised path of the module.
        facts: its :class:`~flake8_flask_deploy.facts.ModuleFacts`.
        deployment: the project's deployment context (empty when ``--flask-deploy-context=off``).
        launches: the production launches that run or serve this very file.
        tree: the module's ``ast`` (the one flake8 parsed), for rules that scan it further
            (:func:`flake8_flask_deploy.index.scan_for`); None when the caller has none.
        source: the text ``tree`` was parsed from, when the caller has it (the plugin: flake8's
            lines); when it is the file on disk, what is learnt of the tree is kept for the file
            (:func:`flake8_flask_deploy.index.is_file_text`). None: taken for an editor's buffer.
    """

    path: str
    facts: ModuleFacts
    deployment: DeploymentContext
    launches: List[Launch] = field(default_factory=list)
    tree: Optional[ast.Module] = None
    source: Optional[str] = None

    def __init__(self, path: str, facts: ModuleFacts, deployment: DeploymentContext,
                 launches: List[Launch] = FROM_FACTORY, tree: Optional[ast.Module] = None,
                 source: Optional[str] = None) -> None:
        self.path = path
        self.facts = facts
        self.deployment = deployment
        self.launches = [] if launches is FROM_FACTORY else launches
        self.tree = tree
        self.source = source

    @property
    def root(self) -> str:
        return self.deployment.root

    def script_launches(self, exposed_only: bool = False) -> List[Launch]:
        """Production launches that execute this file as ``__main__`` (``python app.py``)."""
        return [x for x in self.launches if x.runs_as_main and (x.exposed or not exposed_only)]

    def entry_launches(self, where: Where, exposed_only: bool = False) -> List[Launch]:
        """Production ``python`` launches whose script, when it runs, reaches the function or method
        of this module that ``where`` is in (``Launch.calls``: ``changedetectionio.main()`` from a
        thin launcher, ``FlaskAppManager(app).run()``): what that function runs, runs in those
        launches. ``[]`` outside a function."""
        if not where.scope:
            return []
        return [x for x in self.deployment.production_launches if x.runs_as_main and self._reached_by(x, where)
                and (x.exposed or not exposed_only)]

    def _reached_by(self, launch: Launch, where: Where) -> Optional[str]:
        """The name of the function or method of ``launch.calls`` in this module that holds ``where``."""
        return next((name for path, name in launch.calls
                     if path == self.path and (where.scope == name or where.scope.startswith(name + "."))), None)

    def entry_finding(self, rule: "Rule", node: Union[ast.AST, Spot], message: str, launches: Sequence[Launch],
                      where: Where, offers_fix: bool = False) -> Finding:
        """A finding at ``node`` of this module, in a function that ``launches`` (from
        :meth:`entry_launches`) reach: the message names the first launch and the function, e.g.
        ``(Dockerfile:150 runs changedetection.py with python, which calls `main()`)``; a class's
        ``__init__`` is named as the class (``ApiServer()``)."""
        first = launches[0]
        script = os.path.relpath(first.script, self.root) if first.script and self.root else first.script
        called = self._reached_by(first, where) or where.scope.split(".")[0]
        if called.endswith(".__init__"):
            called = called[:-len(".__init__")]
        suffix = f" ({first.source.short(self.root or None)} runs {script} with python, which calls `{called}()`)"
        found = self.finding(rule, node, message + suffix, offers_fix=offers_fix)
        also = tuple(x.source for x in launches[1:] if x.source != first.source)
        return replace(found, related=first.source, also=also)

    def constant_value(self, expr: Optional[ast.expr]) -> Optional[ast.expr]:
        """``expr`` followed to the literal it names (the precision issue's class 6): a constant of
        this module (``HOST``), or a literal constant of a project module it imports
        (``from settings import HOST``; ``settings.HOST`` after ``import settings`` or
        ``from pkg import settings``), assigned at that module's top level; else ``expr``."""
        value = self.facts.constant_value(expr)
        if value is not expr or expr is None:
            return value
        found = self._imported_constant(expr)
        return found if found is not None else expr

    def _imported_constant(self, expr: ast.expr) -> Optional[ast.expr]:
        if isinstance(expr, ast.Name) and expr.id in self.facts.imports:
            module, name, level, _stmt = self.facts.imports[expr.id]
            return self._constant_of(module, level, name)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            local = expr.value.id
            if local in self.facts.imports:  # ``from pkg import settings``
                module, name, level, _stmt = self.facts.imports[local]
                return self._constant_of(f"{module}.{name}" if module else name, level, expr.attr)
            for stmt in self.tree.body if self.tree is not None else ():
                for alias in stmt.names if isinstance(stmt, ast.Import) else ():
                    if (alias.asname or alias.name) == local:
                        return self._constant_of(alias.name, 0, expr.attr)
        return None

    def _constant_of(self, module: str, level: int, name: str) -> Optional[ast.expr]:
        """The literal assigned to ``name`` at the top level of the project module ``module``
        (imported with ``level`` dots from this one), or None."""
        path = idx.get_index(idx.root_of(self)).resolve_module(self.path, module, level)
        facts = facts_of_file(path) if path else None
        value = facts.constants.get(name) if facts is not None else None
        return value if isinstance(value, ast.Constant) else None

    def serves_with_werkzeug(self, run) -> bool:
        """True when the run call ``run`` (a :class:`~flake8_flask_deploy.facts.RunCall`) starts the
        Werkzeug development server: ``app.run`` always, ``socketio.run`` as its facts say, a
        connexion app's ``run`` only when the project asks for connexion 2 (which serves with
        Flask's ``app.run``; connexion 3 serves with uvicorn, an unknown version is not judged)."""
        if run.wrapper == "connexion":
            return run.werkzeug and bool(self.root) and required_major(self.root, "connexion") == 2
        return run.werkzeug

    def default_host(self, run) -> Optional[str]:
        """What the run call ``run`` binds without ``host``, as a message shows it, or None when that
        is not a loopback address or not known: Flask's and Flask-SocketIO's ``127.0.0.1``; a
        connexion 2 app's ``0.0.0.0`` (None), a connexion 3 app's uvicorn ``127.0.0.1``
        (https://www.uvicorn.org/settings/#socket-binding)."""
        if run.wrapper == "connexion":
            major = required_major(self.root, "connexion") if self.root else None
            return "127.0.0.1 (uvicorn's default under connexion 3)" if major == 3 else None
        return "127.0.0.1 (Flask-SocketIO's default)" if run.wrapper else "127.0.0.1 (Flask's default)"

    def served_factories(self) -> Set[str]:
        """Functions of this module that a deployment calls to build the app
        (``gunicorn 'app:create_app()'``)."""
        return {attr_name(x.attr) for x in self.launches if x.attr and "(" in x.attr}

    def runs_in_production(self, where: Where) -> bool:
        """True when a statement runs unconditionally whenever production imports this module or
        builds its app: at import, in a function called at import, or in a served factory."""
        if self.facts.runs_in_production_import(where):
            return True
        return not where.conditional and where.scope.split(".")[0] in self.served_factories()

    def is_script_only(self) -> bool:
        """True when deployment files run this module, and every one of them runs it as a script."""
        return bool(self.launches) and all(x.runs_as_main for x in self.launches)

    def is_demo_module(self) -> bool:
        """True for a module in a demo or documentation folder of the project (:data:`DEMO_FOLDER`)
        that no deployment runs or serves: the assumption that a WSGI server imports every module
        does not hold for it (the precision issue's class 5)."""
        if self.launches or not self.root or not self.path.startswith(self.root + os.sep):
            return False
        folders = os.path.relpath(self.path, self.root).split(os.sep)[:-1]
        return any(DEMO_FOLDER.fullmatch(part) for part in folders)

    def is_side_launcher(self) -> bool:
        """True for a launcher script the deployment does not use: production launches exist and
        all resolve to other files, none runs or serves this file, and this file starts the
        development server itself at import (``from blog import app; app.run()``)."""
        prod = self.deployment.production_launches
        if not prod or self.launches:
            return False
        if any((x.script or x.target_path) is None for x in prod):
            return False
        f = self.facts
        return any(f.runs_in_production_import(r.where) and f.is_app(r.receiver, r.where.scope) for r in f.runs)

    def finding(self, rule: "Rule", node: Union[ast.AST, Spot], message: str, related: Optional[Launch] = None,
                offers_fix: bool = False, also: Sequence[Launch] = ()) -> Finding:
        """Build a finding at ``node``, an ``ast`` node or the :class:`~flake8_flask_deploy.model.Spot`
        a scan keeps of one (its position kept for the fixer). ``related``: the launch that makes it
        a finding (its line is the finding's related location, named in the message); ``also``: other
        launches that do the same (``Finding.also``: one finding, however many launches run it)."""
        suffix = f" ({related.describe(self.root or None)})" if related is not None else ""
        return Finding(
            code=rule.code,
            message=message + suffix,
            path=self.path,
            line=getattr(node, "lineno", 1),
            col=getattr(node, "col_offset", 0),
            end_line=getattr(node, "end_lineno", None),
            end_col=getattr(node, "end_col_offset", None),
            related=related.source if related is not None else None,
            offers_fix=offers_fix,
            also=tuple(x.source for x in also if related is not None and x.source != related.source),
        )


class Rule:
    """Base class of every rule.

    Class attributes:
        code: ``"FDP001"``; name: kebab-case slug; summary: one line for the rules index;
        consequence: what goes wrong in production, for README's rule table (generated by
        ``scripts/gen_rules_index.py``);
        fix_safety: ``"safe"``, ``"unsafe"``, ``"mixed"`` (per finding) or ``None`` (no fix); the
        fix itself lives in ``fixes/<code>.py`` (found by its name);
        prefilter, prefilter_triggers: what a module's text must hold for :meth:`check` to fire;
        reports_in_tests: whether :meth:`check` runs on test modules;
        docs: the rule's documentation page;
        security_severity, cwe: for a rule whose findings are security issues, its score (a string,
        0.1-10.0, CVSS-like) and the CWE ids it reports (SARIF ``security-severity`` and tags).
    """

    code: str = ""
    name: str = ""
    summary: str = ""
    consequence: str = ""
    fix_safety: Optional[str] = None
    #: Literal words (ASCII) a module's text holds when :meth:`check` may fire on it: the text of the
    #: facts the rule reads (the shared groups above, or words of its own). Empty for a rule that
    #: reports only from deployment files (:meth:`check_launch`): the engine lets the modules they
    #: run or serve through by path.
    prefilter: Tuple[str, ...] = ()
    #: Structured patterns the engine tests besides the words (names from :data:`TRIGGERS`).
    prefilter_triggers: Tuple[str, ...] = ()
    #: False for a rule that never reports in a test module (``ModuleFacts.is_test_file``: tests build
    #: an app per case, run it, turn debug on, on purpose): the engine does not call its
    #: :meth:`check` there, and a test module's text test asks only the rules that do report there
    #: (:class:`~flake8_flask_deploy.prefilter.TextTest`), so most test modules cost no walk at all.
    reports_in_tests: bool = True
    #: The documentation page below its ``# CODE name`` title, in Markdown, with the headings of
    #: :data:`DOCS_HEADINGS` (What it does, Why is this bad?, Example, Use instead, Fix safety,
    #: Options, References), written from column 0 as the page shows it (a text indented as a whole is
    #: dedented). ``flake8-flask-deploy rule CODE`` prints :meth:`page`, and
    #: ``scripts/gen_rules_index.py`` writes it to ``docs/rules/CODE.md``. Lines longer than flake8's
    #: limit: end the string with ``# noqa: E501``.
    docs: str = ""
    #: True when the fix of what :meth:`check_launch` finds is in the served module, not in the
    #: deployment file (FDP011 wraps the app in ``ProxyFix``): the engine then reports such a finding
    #: once, at the module's app definition (``Finding.from_deployment``, the deployment line as
    #: ``related``), and the rule's module fix (``fixes/<code>.py``) rewrites it. Otherwise a
    #: deployment-file finding stays at its deployment line, with the module as ``related``, and is
    #: left to the deployment-file rewrites.
    fixes_mapped_copy: bool = False
    #: Only for a rule whose findings are security issues: its severity score for GitHub code
    #: scanning, a string from "0.1" to "10.0" (over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
    #: 0.1-3.9 low: SARIF ``properties.security-severity`` of a ``reportingDescriptor``,
    #: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object).  # noqa: E501
    #: None for a rule about correctness (a 404, a 502): code scanning then files it as a quality issue.
    security_severity: Optional[str] = None
    #: The CWE ids (``"CWE-215"``) of a security rule, written as ``external/cwe/cwe-215`` SARIF tags.
    cwe: Tuple[str, ...] = ()

    @property
    def docs_url(self) -> str:
        return docs_url(self.code)

    def page(self) -> Optional[str]:
        """The rule's documentation page (Markdown): ``# CODE name``, a blank line and :attr:`docs`
        dedented; None when the rule has no docs."""
        body = textwrap.dedent(self.docs).strip("\n")
        if not body:
            return None
        return f"# {self.code} {self.name}\n\n{body}\n"

    def check(self, module: ModuleContext) -> Iterator[Finding]:
        """Yield findings located in the Python module."""
        return iter(())

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        """Yield findings located in a deployment file (``path``/``line`` of ``launch.source``).

        Set ``related`` to None; the engine adds the launch's target module (its app definition) as
        ``related``, or, for a rule whose fix is in the module (:attr:`fixes_mapped_copy`), reports
        the finding there instead (see :func:`launch_finding`).
        """
        return iter(())


def launch_finding(rule: Rule, launch: Launch, message: str, line: Optional[int] = None,
                   offers_fix: bool = False) -> Finding:
    """A finding located at a deployment file line (``line`` defaults to the command's line)."""
    return Finding(rule.code, message, launch.source.path, line or launch.source.line, 0,
                   related=None, offers_fix=offers_fix)


def flask_run_name(launch: Launch, flag: str = "") -> str:
    """How a message names a ``flask run`` launch: ```flask run``` (with ``flag``, e.g. ``--debug``),
    or, for the project's own Flask CLI program (``launch.options["cli"]``, a ``FlaskGroup``
    console script), ```alertad run` (a Flask CLI group: `flask run`)``."""
    tail = f" {flag}" if flag else ""
    cli = launch.options.get("cli")
    return f"`{cli} run{tail}` (a Flask CLI group: `flask run`)" if cli else f"`flask run{tail}`"


def is_simple_command(launch: Launch) -> bool:
    """True when the launch's command is one plain command (no ``&&``/``;`` chain, no ``sh -c``):
    the only shape a deployment-file rewrite can take apart safely."""
    text = launch.command
    if " -c " in f" {text} " or "&&" in text or "||" in text or ";" in text:
        return False
    from ..deploy.commands import split_shell  # deferred: a warm run on a module imports no command parser

    return len(split_shell(text)) <= 1


_REGISTRY: Dict[str, Rule] = {}


def register(cls: Type[Rule]) -> Type[Rule]:
    """Class decorator: add one instance of ``cls`` to the registry (codes and names are unique)."""
    if cls.code in _REGISTRY:
        raise ValueError(f"duplicate rule code {cls.code}")
    if any(r.name == cls.name for r in _REGISTRY.values()):
        raise ValueError(f"duplicate rule name {cls.name}")
    _REGISTRY[cls.code] = cls()
    return cls


_LOADED: List[bool] = []


def all_rules() -> List[Rule]:
    """Every registered rule, sorted by code (imports the rule modules on first call: also when one
    rule module was imported directly before, e.g. by a test)."""
    if not _LOADED:
        for info in pkgutil.iter_modules(__path__):
            if info.name.startswith("fdp"):
                importlib.import_module(f"{__name__}.{info.name}")
        _LOADED.append(True)
    return [_REGISTRY[c] for c in sorted(_REGISTRY)]


def get_rule(code: str) -> Optional[Rule]:
    """The rule with this code, or None."""
    all_rules()
    return _REGISTRY.get(code.upper())


__all__ = ["ModuleContext", "Rule", "register", "all_rules", "get_rule", "launch_finding", "Location"]
