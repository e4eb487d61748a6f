"""astroid inference, for what the ``ast`` facts cannot tell: is this receiver a ``flask.Flask``, a
``flask.Blueprint`` or a ``flask.Config``?

The ``ast`` facts recognise ``Flask(...)``, ``flask.Flask(...)`` under any alias, apps imported
from project modules, and the app factories Flask's CLI knows (``create_app``, ``make_app``).
astroid follows what they cannot: a factory with another name defined in another module
(``app = build_application()``), assignments through other names (``application = app``),
subclasses of ``Flask``, ``config = app.config``.

Costs are bounded: astroid is imported on the first question only; each question infers at most
:data:`NODE_BUDGET` nodes; after :data:`TIME_BUDGET` seconds spent in inference in one session,
every further question answers None, and the caller keeps its ``ast`` answer (the budget and the
answers belong to the run's session, and are given back when files change). Nothing here ever
raises.

astroid is given a small stub of ``flask`` (whether or not Flask is installed: parsing the real
Flask, Werkzeug and click sources costs seconds), so inference knows the classes; the stub mirrors
the public names of https://flask.palletsprojects.com/en/stable/api/ (``Flask``, ``Blueprint``,
``Config``, ``current_app``).
"""
from __future__ import annotations

import os
import sys
import time
from typing import Dict, Optional, Tuple

from .session import PROJECT, current

#: Most nodes astroid may infer for one question (astroid's own ``InferenceContext.max_inferred``,
#: shared by the contexts it clones).
NODE_BUDGET = 100
#: Most seconds spent in inference per process (then the ``ast`` answers stand alone).
TIME_BUDGET = 5.0
#: Most seconds for one question.
QUESTION_BUDGET = 1.0

FLASK = "Flask"
BLUEPRINT = "Blueprint"
CONFIG = "Config"

_KINDS = {"Flask": FLASK, "APIFlask": FLASK, "App": FLASK, "Blueprint": BLUEPRINT, "APIBlueprint": BLUEPRINT,
          "Config": CONFIG}
_ROOTS = ("flask", "apiflask", "flask_smorest")

_STUB = '''
class Config(dict):
    def from_object(self, obj): pass
    def from_pyfile(self, filename, silent=False): pass
    def from_envvar(self, variable_name, silent=False): pass
    def from_mapping(self, mapping=None, **kwargs): pass
    def from_prefixed_env(self, prefix="FLASK", *, loads=None): pass

class App:
    def __init__(self, import_name, *args, **kwargs):
        self.config = Config()
        self.secret_key = None
        self.debug = False

class Flask(App):
    pass

class Blueprint:
    def __init__(self, name, import_name, *args, **kwargs):
        self.name = name

current_app = Flask("current_app")
'''


def _state() -> Dict[str, float]:
    """``{"spent": seconds, "questions": n}`` of the session (its counters; empty means nothing spent)."""
    counters = current().counters()
    counters.setdefault("spent", 0.0)
    counters.setdefault("questions", 0)
    return counters


def _answers() -> Dict[Tuple[str, int, int, float], Optional[str]]:
    return current().cache("inference.answers", PROJECT)


def stats() -> Dict[str, float]:
    """What inference cost this session so far: ``{"questions": n, "seconds": s, "imported": 0|1}``
    (questions answered by astroid, not from the cache; wall seconds spent in them; whether astroid
    was imported at all). For the benchmarks."""
    state = _state()
    return {"questions": state["questions"], "seconds": state["spent"],
            "imported": 1 if "astroid" in sys.modules else 0}


def budget_left() -> float:
    """Seconds of inference left in this session."""
    return max(0.0, TIME_BUDGET - _state()["spent"])


def reset_budget() -> None:
    """Give the session its whole budget back and forget cached answers (tests use it)."""
    current().counters().clear()
    _answers().clear()


def _manager():
    import astroid
    from astroid.manager import AstroidManager

    manager = AstroidManager()
    if "flask" not in manager.astroid_cache:  # a stub, even when Flask is installed: parsing the real
        # flask, werkzeug and click sources costs seconds, and only the classes matter here
        manager.astroid_cache["flask"] = astroid.parse(_STUB, module_name="flask")
    return manager


def _kind_of_class(cls) -> Optional[str]:
    try:
        names = [cls.qname()] + [a.qname() for a in cls.ancestors()]
    except Exception:
        return None
    for qname in names:
        parts = qname.split(".")
        if parts[0] in _ROOTS and parts[-1] in _KINDS:
            return _KINDS[parts[-1]]
    return None


def infer_kind(path: str, line: int, col: int, root: Optional[str] = None, modname: str = "") -> Optional[str]:
    """What the expression starting at ``line``/``col`` of ``path`` evaluates to.

    Args:
        path: absolute path of a Python file (parsed by astroid, never executed).
        line, col: the ``ast`` position (1-based line, 0-based byte column) of a name or attribute
            expression, e.g. the receiver of ``app.config[...]``.
        root: the project root, put first on ``sys.path`` while inferring so that project imports
            resolve (``root/src`` too).
        modname: the module's dotted name (for relative imports).
    Returns:
        ``"Flask"``, ``"Blueprint"`` or ``"Config"`` when every inferred value is an instance of that
        kind (subclasses included); None when unknown, mixed, over budget, or on any error.
    """
    key = (path, line, col, os.path.getmtime(path) if os.path.exists(path) else 0.0)
    answers = _answers()
    if key in answers:
        return answers[key]
    if budget_left() <= 0:
        return None
    try:
        _manager()  # the one-time import of astroid is not charged to the question
    except Exception:
        return None
    start = time.perf_counter()
    _state()["questions"] += 1
    added = []
    try:
        for folder in (os.path.join(root, "src"), root) if root else ():
            if folder not in sys.path:
                sys.path.insert(0, folder)
                added.append(folder)
        answer = _infer(path, line, col, modname, start)
    except Exception:  # astroid raises many kinds of errors on odd code; never ours to propagate
        answer = None
    finally:
        for folder in added:
            try:
                sys.path.remove(folder)
            except ValueError:
                pass
        _state()["spent"] += time.perf_counter() - start
    answers[key] = answer
    return answer


def _infer(path: str, line: int, col: int, modname: str, start: float) -> Optional[str]:
    from astroid import bases, nodes, util
    from astroid.context import InferenceContext

    manager = _manager()
    module = manager.ast_from_file(path, modname=modname or None, source=True)
    target = None
    for node in module.nodes_of_class((nodes.Name, nodes.Attribute, nodes.Call)):
        if node.lineno == line and node.col_offset == col:
            if target is None or isinstance(node, nodes.Name):
                target = node
    if target is None:
        return None
    context = InferenceContext()
    kinds = set()
    for value in target.infer(context=context):
        if time.perf_counter() - start > QUESTION_BUDGET:
            return None
        if value is util.Uninferable:
            return None
        if isinstance(value, bases.Instance) and not isinstance(value, nodes.Const):
            kinds.add(_kind_of_class(value._proxied))
        else:
            kinds.add(None)
    if len(kinds) == 1:
        return kinds.pop()
    return None
