"""The text pre-filter, before any project-wide work: may a rule fire on this module, or a launch run it?

flake8 imports the plugin at the start of every run and hands it every file; in an editor, the run
lints one file, which is most often one that no rule can concern (no app, no run call, no guard, no
debug setting...) and that no deployment file names. This module answers for such a file without
importing the engine, the rules, the deployment readers or the project index (which together cost
more than the rest of the plugin's run): :func:`verdict` asks the text test of the rules and the
words of the deployment files, both kept in the project's on-disk cache
(``.flake8-flask-deploy-cache/prefilter.json``), checked against the files they come from (the
deployment files and the files they name, the project walk, the tool's own modules: an edited rule
is another tool). When no cache holds them they are computed, importing the rules and the readers
(those imports are deferred here for that reason alone: ``tests/test_architecture.py`` lists them).

The engine's text test (``engine.TEXT_TEST``) is a :class:`TextTest` of every registered rule;
``engine.might_matter`` and ``engine.may_be_launched`` are the answers the CLI and the fixer use.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterable, List, NamedTuple, Optional, Tuple, Union

from . import sources
from .records import LazyPattern
from .session import LAYOUT, PROJECT, current

#: The structured triggers a rule may name (the values of ``rules.APP_CREATION``, ``rules.RUN_CALL``,
#: ``rules.DEBUG_SETTING``, ``rules.ROUTE_DECORATOR`` and their order in ``rules.TRIGGERS``; a test
#: holds them equal: this module does not import the rules).
APP_CREATION = "app-creation"
RUN_CALL = "run-call"
DEBUG_SETTING = "debug-setting"
ROUTE_DECORATOR = "route-decorator"
TRIGGERS = (APP_CREATION, RUN_CALL, DEBUG_SETTING, ROUTE_DECORATOR)
#: What ``check`` and the plugin call the mode that reads no deployment file.
CONTEXT_OFF = "off"


#: How a module creates an app (:data:`~flake8_flask_deploy.rules.APP_CREATION`):
#: ``Flask(...)``/``flask.Flask(...)``, ``Flask as F``, or a subclass (``class App(Flask):``). The word
#: ``Flask`` alone (``from flask_appbuilder ...``, annotations, ``FlaskForm``) creates nothing a rule
#: looks at.
_APP_CLASS_WORDS = ("Flask(", "Flask)", "Flask,", "Flask as")
#: Receivers of ``.run(`` that are never a Flask app (``facts`` records a run call only on a plain
#: name: ``subprocess.run(...)`` is such a call, ``x.y.run()`` and ``f().run()`` are not).
_NOT_APPS = frozenset({"subprocess", "asyncio", "self", "cls"})


def _conv(text: str, kind: type):
    return text.encode("ascii") if kind is bytes else text


#: ``.run`` passed, not called: ``target=app.run,`` / ``target=self.app.run)``.
_RUN_PASSED = {kind: LazyPattern(_conv(r"\.run\s*[,)]", kind)) for kind in (str, bytes)}

_APP_WORDS = {kind: tuple(_conv(w, kind) for w in _APP_CLASS_WORDS) for kind in (str, bytes)}
#: The same with whitespace after the class name (``Flask (__name__)``), rare enough for a regex.
_APP_SPACED = {kind: LazyPattern(_conv(r"Flask\s+(?:[(),]|as\b)", kind)) for kind in (str, bytes)}
#: The debug setting and route decorator triggers, split so that each regex starts with a literal
#: (the regex engine then skips to that literal instead of trying every position): ``.debug =``,
#: ``DEBUG =`` (after a non-word character), and ``@x.get(``-style route decorators.
_DEBUG_ATTR = {kind: LazyPattern(_conv(r"\.debug\s*=", kind)) for kind in (str, bytes)}
_DEBUG_NAME = {kind: LazyPattern(_conv(r"DEBUG\s*=", kind)) for kind in (str, bytes)}
_DECORATOR = {kind: LazyPattern(_conv(r"@\s*[\w.]+\.(?:get|post|put|delete|patch)\(", kind)) for kind in (str, bytes)}


def _is_name_char(char) -> bool:
    """True for a character (``str`` or one byte) that may be part of a Python name: ASCII letters,
    digits, ``_``, and anything beyond ASCII (``café``; in bytes, the parts of its UTF-8 form)."""
    if not char:
        return False
    if isinstance(char, (bytes, bytearray)):
        return char.isalnum() or char == b"_" or char[0] >= 0x80
    return char.isalnum() or char == "_" or char >= "\x80"


def _has_run_call(source, kind: type) -> bool:
    """:data:`~flake8_flask_deploy.rules.RUN_CALL`: some ``name.run(`` has a plain name as receiver
    that may be an app (whitespace, line breaks included, may stand between the name and the dot:
    ``(app\n .run())``), or an attribute of ``self`` (``self.app.run(``, in a method a launch
    reaches), or a ``.run`` is passed rather than called (``Thread(target=app.run, ...)``)."""
    dot_run = _conv(".run(", kind)
    found = source.find(dot_run)
    while found != -1:
        end = found
        while end > 0 and source[end - 1:end].isspace():
            end -= 1
        start = end
        while start > 0 and _is_name_char(source[start - 1:start]):
            start -= 1
        name = source[start:end]
        if name and source[start - 1:start] != _conv(".", kind) and not name[:1].isdigit():
            if (name.decode("utf-8", "replace") if kind is bytes else name) not in _NOT_APPS:
                return True
        elif name and source[max(0, start - 5):start] == _conv("self.", kind):
            return True
        found = source.find(dot_run, found + 1)
    return _conv(".run", kind) in source and _RUN_PASSED[kind].search(source) is not None


def _creates_app(source, kind: type) -> bool:
    """:data:`~flake8_flask_deploy.rules.APP_CREATION`: ``Flask(``, ``Flask)``, ``Flask,``,
    ``Flask as`` (whitespace may follow the name)."""
    return _conv("Flask", kind) in source and (any(word in source for word in _APP_WORDS[kind])
                                               or _APP_SPACED[kind].search(source) is not None)


def _mentions_debug(source, kind: type) -> bool:
    """:data:`~flake8_flask_deploy.rules.DEBUG_SETTING`: ``.debug =``, ``"DEBUG"``/``'DEBUG'``,
    ``DEBUG =``."""
    if _conv(".debug", kind) in source and _DEBUG_ATTR[kind].search(source) is not None:
        return True
    if _conv("DEBUG", kind) not in source:
        return False
    if _conv('"DEBUG"', kind) in source or _conv("'DEBUG'", kind) in source:
        return True
    for match in _DEBUG_NAME[kind].finditer(source):
        before = source[match.start() - 1:match.start()]
        if not before or not (before.isalnum() or before == _conv("_", kind)):
            return True
    return False


def _has_route_decorator(source, kind: type) -> bool:
    """:data:`~flake8_flask_deploy.rules.ROUTE_DECORATOR`: ``@x.get(`` and the other methods."""
    return _conv("@", kind) in source and _DECORATOR[kind].search(source) is not None


#: Each structured trigger a rule may name (:data:`~flake8_flask_deploy.rules.TRIGGERS`): the fast
#: test ``(source, kind) -> bool``, and the regex that states the same in :attr:`TextTest.pattern`.
_TRIGGER_TESTS = {
    APP_CREATION: (_creates_app, r"Flask(?:\s*[(),]|\s+as\b)"),
    RUN_CALL: (_has_run_call, r"(?<![\w.])(?!(?:subprocess|asyncio|self|cls)\b)\w+\s*\.run\(|self\.\w+\s*\.run\("
                              r"|\.run\s*[,)]"),
    DEBUG_SETTING: (_mentions_debug, r"\.debug\s*=|[\"']DEBUG[\"']|\bDEBUG\s*="),
    ROUTE_DECORATOR: (_has_route_decorator, r"@\s*[\w.]+\.(?:get|post|put|delete|patch)\("),
}


class TextTest:
    """The text test of some rules: True for a module's text (``str``, or its raw bytes) that holds
    one of the words (:attr:`~flake8_flask_deploy.rules.Rule.prefilter`) or structured triggers
    (:attr:`~flake8_flask_deploy.rules.Rule.prefilter_triggers`) they declare.

    Attributes:
        words: the words, each once, in the order of the rules (by code) and of their declarations.
        triggers: the triggers, in the order of :data:`~flake8_flask_deploy.rules.TRIGGERS`.
        pattern: one regex that matches exactly where the test is True (it documents the test; the
            test itself is faster: ``in`` for the words, a literal first for each trigger), compiled
            when first asked for.
        declarations: ``(code, words, triggers, reports_in_tests)`` of each rule given, as the
            on-disk cache keeps them.
        in_tests: the text test of a test module: that of the rules given that report in test
            modules (:attr:`~flake8_flask_deploy.rules.Rule.reports_in_tests`; the engine runs no
            other there); this test itself when every rule given does.
    Raises:
        ValueError: a rule names a trigger the engine does not implement, or a word that is not ASCII.
    """

    def __init__(self, rules: Iterable[Any]) -> None:
        words: List[str] = []
        named = set()
        declarations = []
        rules = list(rules)
        for rule in rules:
            declarations.append((rule.code, tuple(rule.prefilter), tuple(rule.prefilter_triggers),
                                 bool(rule.reports_in_tests)))
            for word in rule.prefilter:
                if not word or not word.isascii():
                    raise ValueError(f"{rule.code}: prefilter word {word!r} is not a non-empty ASCII string")
                if word not in words:
                    words.append(word)
            unknown = set(rule.prefilter_triggers) - set(_TRIGGER_TESTS)
            if unknown:
                raise ValueError(f"{rule.code}: unknown prefilter triggers {sorted(unknown)} (known: {TRIGGERS})")
            named.update(rule.prefilter_triggers)
        self.words = tuple(words)
        self.triggers = tuple(t for t in TRIGGERS if t in named)
        self._words = {kind: tuple(_conv(w, kind) for w in self.words) for kind in (str, bytes)}
        self._tests = tuple(_TRIGGER_TESTS[t][0] for t in self.triggers)
        self.declarations = tuple(declarations)
        self._pattern: Optional[re.Pattern] = None
        in_tests = [rule for rule in rules if rule.reports_in_tests]
        self.in_tests = self if len(in_tests) == len(rules) else TextTest(in_tests)

    @property
    def pattern(self) -> re.Pattern:
        if self._pattern is None:
            parts = [re.escape(w) for w in self.words] + [_TRIGGER_TESTS[t][1] for t in self.triggers]
            self._pattern = re.compile("|".join(parts) if parts else r"(?!)")
        return self._pattern

    def __call__(self, source: Union[str, bytes], test_module: bool = False) -> bool:
        """True when a rule given may fire on a module of text ``source``; ``test_module``: the
        module is a test module (:func:`~flake8_flask_deploy.sources.is_test_path`), asked of
        :attr:`in_tests`."""
        if test_module and self.in_tests is not self:
            return self.in_tests(source)
        kind = bytes if isinstance(source, (bytes, bytearray)) else str
        if any(word in source for word in self._words[kind]):
            return True
        return any(test(source, kind) for test in self._tests)


#: Modules ``flask run`` serves when no ``FLASK_APP`` names one (``app.py``, ``wsgi.py``, or such a package).
_FLASK_RUN_DEFAULTS = frozenset({"app", "wsgi"})
#: The words of a deployment file: names (``\w+``, ``[\w-]+``) and file names (``[\w.-]+``).
_WORDS = (LazyPattern(r"\w+"), LazyPattern(r"[\w-]+"), LazyPattern(r"[\w.-]+"))
#: Names of the files the context builder may follow from a deployment file: start scripts (any
#: name without an extension, ``.sh``), env files, server configs (``gunicorn -c conf.py``, ``--ini``).
_FOLLOWED = LazyPattern(r"^(?:[^.]+|.+\.(?:sh|bash|env|ini|conf|cfg|py)|\.env.*)$")
#: Files at the project root that declare its console scripts (:mod:`flake8_flask_deploy.deploy.clis`).
_PACKAGING_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
#: Most files read for :func:`deployment_words` (deployment files and the files they name).
_MAX_WORD_FILES = 200


def may_be_launched(filename: str) -> bool:
    """The raw-text test before any deployment context is built: False when no deployment file of the
    project (nor a file one of them names, a start script or an env file, followed as the context
    builder follows them) holds the module's stem (a package's folder name) as a word, the module is no
    ``flask run`` default (``app``, ``wsgi``), and no ``entrypoints`` option is set: then no launch
    can run or serve it. True means "maybe": the context decides."""
    if current().options.entrypoints or os.path.islink(filename):
        return True
    return _named_in_deployment(filename, _folder_of(filename))


def _folder_of(filename: str) -> str:
    """The normalised folder of ``filename`` (:func:`~flake8_flask_deploy.sources.normpath`), asked
    by the folder's name as given: one ``getcwd`` and ``lstat`` per folder, not per file."""
    return sources.normpath(os.path.dirname(filename) or os.curdir)


def _named_in_deployment(filename: str, folder: str) -> bool:
    """:func:`may_be_launched` for a ``filename`` that is no link, in the normalised ``folder``."""
    stem = os.path.splitext(os.path.basename(filename))[0]
    # a package is served or run by its folder's name (``gunicorn blog:app``, ``python -m blog``)
    names = {stem, os.path.basename(folder)} if stem in ("__init__", "__main__") else {stem}
    if names & _FLASK_RUN_DEFAULTS:
        return True
    words = deployment_words(sources.find_root(folder))
    return words is None or not names.isdisjoint(words)


def deployment_words(root: str) -> Optional[frozenset]:
    """Every word (:data:`_WORDS`) of the deployment files of the project ``root`` and of the project
    files they name by file name, transitively (kept for the session in a project cache); None when
    there are more than :data:`_MAX_WORD_FILES` such files to read (then every module may be named).
    Kept on disk with the rules' text test (:func:`text_test_of_rules`)."""
    return _entry(root).words


def _words_of(root: str) -> Tuple[Optional[frozenset], List[str]]:
    """:func:`deployment_words` computed, and the files it looked at (the deployment files, the
    packaging files and the files they name: read, or not readable); the deployment readers' package
    is imported here, when no cache holds the answer."""
    from .deploy import find_deployment_files  # deferred: the start-up path (see the module doc)
    from .deploy.readers import DeployFileError, read_text

    by_name: dict = {}
    for folder, files in sources.walk_project(root):
        for name in files:
            by_name.setdefault(name, []).append(os.path.join(folder, name))
    words: set = set()
    # the packaging files name the modules of the project's own commands (a FlaskGroup console
    # script: ``alertad = alerta.commands:cli``, see deploy/clis.py); their words count, unfollowed
    packaging = [os.path.join(root, n) for n in _PACKAGING_FILES if os.path.isfile(os.path.join(root, n))]
    queue = list(find_deployment_files(root)) + packaging
    seen = set(queue)
    while queue and len(seen) <= _MAX_WORD_FILES:
        path = queue.pop()
        try:
            text = read_text(path)
        except DeployFileError:
            continue
        found = set()
        for pattern in _WORDS:
            found.update(pattern.findall(text))
        words |= found
        if path.endswith(".py") or path in packaging:
            continue  # a config module (gunicorn -c conf.py) is read, not followed further
        for word in found.intersection(by_name):
            paths = by_name.pop(word)
            if not _FOLLOWED.match(word) or word.endswith(".py") and len(paths) > 1:
                continue  # what the builder never follows (data, docs, a common module name)
            for named in paths:
                if named not in seen:
                    seen.add(named)
                    queue.append(named)
    return (None if queue else frozenset(words)), sorted(seen)


class _Entry(NamedTuple):
    """What the pre-filter knows of one project: the rules' text test and the deployment words."""

    text_test: TextTest
    words: Optional[frozenset]


class _Declared(NamedTuple):
    """A rule's text-test declaration as the on-disk cache holds it (``TextTest`` reads these names)."""

    code: str
    prefilter: tuple
    prefilter_triggers: tuple
    reports_in_tests: bool


def text_test_of_rules() -> TextTest:
    """The text test of every registered rule (imports the rules: see the module doc); made once per
    session."""
    store = current().cache("prefilter.rules_test", LAYOUT)
    found = store.get("")
    if found is None:
        from .rules import all_rules  # deferred: the start-up path (see the module doc)

        found = store[""] = TextTest(all_rules())
    return found


def _stored_entry(root: str) -> Optional[_Entry]:
    """The pre-filter's knowledge of the project ``root`` from the on-disk cache, when it is fresh
    (read once per session); None otherwise (nothing computed)."""
    return _stored(root)[0]


def _stored_rules_test(root: str) -> Optional[TextTest]:
    """The rules' text test from a ``prefilter.json`` the same tool wrote, even when its deployment
    words are stale (a served script saved: its words are in them): the rules' declarations depend
    on the tool alone, and reading them spares importing every rule on a plain module's run. None
    when there is none."""
    return _stored(root)[1]


def _stored(root: str) -> Tuple[Optional[_Entry], Optional[TextTest]]:
    """``(the fresh entry or None, the stored rules' text test or None)`` of ``prefilter.json``, read
    once per session."""
    store = current().cache("prefilter.stored", PROJECT)
    if root not in store:
        entry, test = None, None
        found = sources.read_cached(root, "prefilter") if _usable(root) else None
        if found is not None:
            (cached, fresh) = found
            try:
                test = TextTest(_Declared(c, tuple(w), tuple(t), i is True) for c, w, t, i in cached["rules"])
                if fresh:
                    entry = _Entry(test, None if cached["words"] is None else frozenset(cached["words"]))
            except (KeyError, TypeError, ValueError):
                entry, test = None, None
        store[root] = (entry, test)
    return store[root]


def _usable(root: str) -> bool:
    """The run may use the on-disk cache of ``root``: a project root (a file outside any project
    writes no cache folder into its own)."""
    return sources.cache_enabled() and sources.is_project_root(root)


def _entry(root: str) -> _Entry:
    """The pre-filter's knowledge of the project ``root``, once per session: from the on-disk cache
    when it is fresh, else computed (and stored when the cache may be used)."""
    store = current().cache("prefilter.entries", PROJECT)
    found = store.get(root)
    if found is not None:
        return found
    found = _stored_entry(root)
    if found is None:
        with sources.recording_reads(root) as read:
            words, looked_at = _words_of(root)
        found = _Entry(_stored_rules_test(root) or text_test_of_rules(), words)
        if _usable(root):
            value = {"rules": [[c, list(w), list(t), i] for c, w, t, i in found.text_test.declarations],
                     "words": None if words is None else sorted(words)}
            files = dict(read)
            for path in looked_at:  # one not read (too large, binary) is in the key too
                files.setdefault(os.path.abspath(path), sources.stat_key(path))
            sources.store_cached(root, "prefilter", value, files)
    store[root] = found
    return found


def verdict(source: Union[str, bytes], filename: str, mode: str) -> Optional[bool]:
    """The plugin's question before it imports the engine: True when the module passes the rules'
    text test (the engine lints it), False when no rule can fire on it and no launch can run or serve
    it (skipped: ``engine.might_matter`` would say False), None when only the engine can tell (an
    ``app_names`` or ``entrypoints`` option is set, or a deployment file names the module and no fresh
    context in the on-disk cache tells that no production launch runs or serves a file of its name)."""
    options = current().options
    if options.app_names or options.entrypoints:
        return None
    folder = _folder_of(filename)
    root = sources.find_root(folder)
    stored = _stored_entry(root)  # a module that passes computes no words: the rules' test is enough
    test = stored.text_test if stored is not None else _stored_rules_test(root) or text_test_of_rules()
    if test(source, is_test_module(filename)):
        return True
    if mode == CONTEXT_OFF:
        return False
    link = os.path.islink(filename)
    if not link and not options.entrypoints and not _named_in_deployment(filename, folder):
        return False  # :func:`may_be_launched` is False
    targets = _cached_targets(root)
    if targets is not None and os.path.basename(filename) not in targets and not link:
        return False  # named in a deployment file, but no production launch runs or serves it
    return None


def is_test_module(filename: str) -> bool:
    """Whether the engine takes the module ``filename`` (as given) for a test module: its path
    inside its project (``ModuleFacts.is_test_file``, :func:`~flake8_flask_deploy.sources.path_inside`).
    A name that does not look like a test module as given is answered False at once: True must
    mean the engine says so (the text test of a test module is the narrower one), False is always
    safe (a module taken for no test module gets every rule's text test)."""
    if not sources.is_test_path(filename):
        return False
    path = sources.normpath(filename)
    return sources.is_test_path(sources.path_inside(path, sources.find_root(os.path.dirname(path)), filename))


def _cached_targets(root: str) -> Optional[frozenset]:
    """The file names the production launches of the project ``root`` run or serve
    (``deploy.target_names``), from the deployment context's entry of the on-disk cache when it is
    fresh (its ``targets``: no context is decoded, no reader imported); None when there is none."""
    store = current().cache("prefilter.targets", PROJECT)
    if root not in store:
        found = None
        if sources.cache_enabled() and sources.is_project_root(root):
            cached = sources.load_cached(root, "context")
            targets = cached.get("targets") if isinstance(cached, dict) else None
            if isinstance(targets, list) and all(isinstance(t, str) for t in targets):
                found = frozenset(targets)
        store[root] = found
    return store[root]
