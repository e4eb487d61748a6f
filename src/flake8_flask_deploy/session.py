"""One analysis session per run: the options, the rule filter, the source overlay and every cache.

A run is a flake8 process (the plugin opens a session in ``parse_options``), a ``check``, a ``fix`` or
a test (an autouse fixture opens a fresh one). Nothing derived from files is process-global: every
module that remembers something asks the current session for a registered cache, and the session
forgets generically, by the kind each cache declares, so the engine names no rule and no module when
files change or the run moves to another project.

Kinds of cache (what makes an entry stale):

- :data:`FILE` -- keyed by a normalised file path (or a tuple whose first item is one); derived from
  that file alone. Dropped when that file changes (:meth:`Session.forget`) or its project is left
  (:meth:`Session.forget_project`). Entries also check the file's ``(size, mtime_ns)`` themselves.
- :data:`PROJECT` -- derived from several files of a project (an index, a deployment context).
  Cleared whenever any file changes; when the project is left, its entries (keyed by the root or by a
  path in it) are dropped unless the cache was registered with ``keep_on_leave``.
- :data:`LAYOUT` -- where files are (project roots, the project walk, normalised paths). A fix edits
  files but never creates or deletes one, so these stay for the whole session.
- :data:`MODULE` -- what one linted module's rules share (the scan of the tree flake8 parsed);
  dropped when the module is done (:meth:`Session.module_done`), so the tree is not kept alive.

Values derived from one :class:`~flake8_flask_deploy.model.DeploymentContext` are kept on the
context itself (``context.memo``), so they live exactly as long as it does.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple
from .records import FrozenRecord

LOG = logging.getLogger(__name__)

FILE = "file"
PROJECT = "project"
LAYOUT = "layout"
MODULE = "module"
_KINDS = (FILE, PROJECT, LAYOUT, MODULE)


@dataclass(init=False, repr=False, eq=False)
class Options(FrozenRecord):
    """User options that change what the engine assumes (from flake8's options and config files, or
    ``[tool.flake8-flask-deploy]`` for the CLI).

    Attributes:
        app_names: names, besides ``app`` and ``application``, that hold a Flask app: a name imported
            under one of them, or bound at module level to a call (``server = build()``), is an app.
        entrypoints: what production runs, for deployments no file of the project tells:
            ``"pkg.wsgi:app"`` (a WSGI server serves that module) or ``"run.py"`` (``python run.py``),
            paths relative to the project root.
        assume_production: every ``if __name__ == "__main__":`` block runs in production (as if a
            deployment file ran each module with ``python``), in addition to what the files say.
    """

    app_names: Tuple[str, ...] = ()
    entrypoints: Tuple[str, ...] = ()
    assume_production: bool = False

    def __init__(self, app_names: Tuple[str, ...] = (), entrypoints: Tuple[str, ...] = (),
                 assume_production: bool = False) -> None:
        object.__setattr__(self, "app_names", app_names)
        object.__setattr__(self, "entrypoints", entrypoints)
        object.__setattr__(self, "assume_production", assume_production)


def in_project(path: str, root: str, nested: Sequence[str] = ()) -> bool:
    """True when the normalised ``path`` lies under ``root`` and not under one of the roots
    ``nested`` (other projects kept, such as one inside it)."""
    if not path.startswith(root + os.sep):
        return False
    return not any(path == other or path.startswith(other + os.sep) for other in nested if other != root)


def _path_of(key: Any) -> Optional[str]:
    if isinstance(key, str):
        return key
    if isinstance(key, tuple) and key and isinstance(key[0], str):
        return key[0]
    return None


class Session:
    """The state of one run.

    Attributes:
        options: the :class:`Options` in force.
        select, ignore: code prefixes of the rules that run (empty ``select``: all); a rule that is
            not reported is not run either (the CLI's ``--select``/``--ignore``).
        overrides: normalised path -> text that stands for the file on disk while the fixer rewrites
            it in memory (Python modules and deployment files alike); :meth:`read_text` and
            :meth:`read_bytes` see it.
        deploy_texts: absolute path -> text of a deployment file as the fixer left it without writing
            it (``fix --diff``); the deployment readers read it instead of the disk.
        recent_roots, left_roots, projects_kept: which projects' caches are kept (see
            ``engine.enter_project``).
        fix_scope: ``(paths, deployment)`` of the run: the paths the command was given and whether
            ``fix`` may edit the projects' deployment files outside them (``fix-deployment``). ``check``
            records it (``config.apply_to_check``) so that ``--show-fixes`` marks what ``fix`` with
            the same paths and options changes (``fix_safety``); None: no restriction.
        disk_cache: the run may read and write the on-disk cache at each project's root
            (``sources.CACHE_DIR``): the plugin and ``check`` turn it on unless ``--no-cache`` or
            ``cache = false``; ``fix`` and tests leave it off.
        recording: ``(folder prefix, files opened)`` while a cached value is computed
            (``sources.recording_reads``).
    """

    def __init__(self, options: Optional[Options] = None) -> None:
        self.options = options or Options()
        self.select: Tuple[str, ...] = ()
        self.ignore: Tuple[str, ...] = ()
        self.overrides: Dict[str, str] = {}
        self.deploy_texts: Dict[str, str] = {}
        self.recent_roots: List[str] = []
        self.left_roots: Set[str] = set()
        self.projects_kept = 1
        self.fix_scope: Optional[Tuple[Tuple[str, ...], bool]] = None
        self.disk_cache = False
        self.recording: List[Tuple[str, Dict[str, Any]]] = []
        self._caches: Dict[str, Tuple[str, bool, Dict[Any, Any]]] = {}
        self._counters: Dict[str, float] = {}
        self._closing: List[Callable[[], None]] = []

    # ---- caches ---------------------------------------------------------------------------------
    def cache(self, name: str, kind: str, keep_on_leave: bool = False) -> Dict[Any, Any]:
        """The cache ``name`` of this session (created empty on first use).

        Args:
            name: unique name, by convention ``module.what`` (``"index.scans"``).
            kind: :data:`FILE`, :data:`PROJECT`, :data:`LAYOUT` or :data:`MODULE` (see the module doc).
            keep_on_leave: for :data:`PROJECT` caches, keep the entries when the run leaves their project.
        Returns:
            the cache's dict (the same object on every call within the session).
        Raises:
            ValueError: an unknown kind, or a name registered before with another kind.
        """
        held = self._caches.get(name)
        if held is not None:
            if held[0] != kind:
                raise ValueError(f"cache {name!r} is a {held[0]} cache, not {kind}")
            return held[2]
        if kind not in _KINDS:
            raise ValueError(f"unknown cache kind {kind!r}")
        store: Dict[Any, Any] = {}
        self._caches[name] = (kind, keep_on_leave, store)
        return store

    def counters(self) -> Dict[str, float]:
        """Counters that live as long as the session (inference's budget, for instance)."""
        return self._counters

    def forget(self, changed: Iterable[str] = ()) -> None:
        """Forget what the files ``changed`` (normalised paths) invalidate: their :data:`FILE`
        entries, every :data:`PROJECT` and :data:`MODULE` entry, and the counters; :data:`LAYOUT`
        stays (the fixer calls it after each edit: no file is created or deleted)."""
        gone = set(changed)
        for kind, _keep, store in self._caches.values():
            if kind == FILE:
                if gone:
                    for key in [k for k in store if _path_of(k) in gone]:
                        del store[key]
            elif kind != LAYOUT:
                store.clear()
        self._counters.clear()

    def forget_project(self, root: str, nested: Sequence[str] = ()) -> None:
        """Drop the :data:`FILE` and :data:`PROJECT` entries of the project ``root``: keyed by the
        root itself, or by a path in it that is not in one of the projects ``nested`` (those kept);
        not those of caches registered ``keep_on_leave``."""
        for kind, keep, store in self._caches.values():
            if kind == FILE or (kind == PROJECT and not keep):
                for key in [k for k in store if (p := _path_of(k)) is not None
                            and (p == root or in_project(p, root, nested))]:
                    del store[key]

    def clear(self) -> None:
        """Forget every cache, counter and project kept; the options, the rule filter and the
        fixer's texts stay."""
        for _kind, _keep, store in self._caches.values():
            store.clear()
        self._counters.clear()
        self.recent_roots.clear()
        self.left_roots.clear()
        self.projects_kept = 1

    def module_done(self) -> None:
        """The linted module is done: drop every :data:`MODULE` entry."""
        for kind, _keep, store in self._caches.values():
            if kind == MODULE:
                store.clear()

    @contextlib.contextmanager
    def holding(self, texts: Dict[str, str]) -> Iterator[None]:
        """While active, each text of ``texts`` (normalised path -> text) stands for its file in
        :attr:`overrides`; on exit the entries are as they were before."""
        saved = {path: self.overrides.get(path) for path in texts}
        self.overrides.update(texts)
        try:
            yield
        finally:
            self.restore(saved)

    def restore(self, saved: Dict[str, Optional[str]]) -> None:
        """Put back :attr:`overrides` entries as ``saved`` holds them (None: the path had none)."""
        for path, previous in saved.items():
            if previous is None:
                self.overrides.pop(path, None)
            else:
                self.overrides[path] = previous

    # ---- the end of the run --------------------------------------------------------------------
    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once when the run ends (:meth:`close`): what it learnt that later runs
        may reuse (the project index's entries) is written then, not after every module."""
        self._closing.append(callback)

    def close(self) -> None:
        """End the run: call the :meth:`on_close` callbacks, once each. :func:`new_session` closes the
        session it replaces (the next flake8 run in a long-lived process) and the interpreter closes
        the last one at exit (flake8's ``-j`` workers end without it: they write nothing)."""
        callbacks, self._closing = self._closing, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # a bug of ours must not fail the run that replaces this one, nor its exit
                LOG.exception("flake8-flask-deploy: cannot write what the run learnt; the next run computes it again")

    # ---- sources --------------------------------------------------------------------------------
    def read_bytes(self, path: str) -> bytes:
        """The bytes of ``path`` as this run holds it: the fixer's text (UTF-8) when it holds one,
        else the file on disk.

        Raises:
            OSError: the file cannot be read.
        """
        text = self.overrides.get(path)
        if text is not None:
            return text.encode("utf-8")
        with open(path, "rb") as handle:
            return handle.read()


def configure(app_names: Sequence[str] = (), entrypoints: Sequence[str] = (),
              assume_production: bool = False) -> Options:
    """Set the current session's :class:`~flake8_flask_deploy.session.Options` (empty strings are
    dropped) and return them."""
    options = Options(tuple(n.strip() for n in app_names if n.strip()),
                      tuple(e.strip() for e in entrypoints if e.strip()), bool(assume_production))
    current().options = options
    return options


def set_rule_filter(select: Sequence[str] = (), ignore: Sequence[str] = ()) -> None:
    """Run only the rules whose code starts with one of ``select`` (empty: all) and with none of
    ``ignore``, for the current session (the CLI's ``--select``/``--ignore``: a rule that is not
    reported is not run either). flake8 filters reported codes itself and never calls this."""
    session = current()
    session.select, session.ignore = tuple(select), tuple(ignore)


def code_selected(code: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> bool:
    """flake8's decision for ``code`` (``flake8.style_guide.DecisionEngine``): with no ``select`` a
    code is selected implicitly and any matching ``ignore`` entry drops it; a code matching both an
    explicit ``select`` and an ``ignore`` entry goes with the longer of the two (``select =
    FDP003`` beats ``ignore = FDP``, ``ignore = FDP0`` beats ``select = FDP``; a tie ignores it).
    An empty string in ``select`` stands for flake8's implicit selection (``extend-select`` alone)."""
    chosen = max((len(s) for s in select if code.startswith(s)), default=-1) if select else 0
    if chosen < 0:
        return False
    return chosen > max((len(i) for i in ignore if code.startswith(i)), default=-1)


_CURRENT: List[Session] = [Session()]
atexit.register(lambda: _CURRENT[0].close())


def current() -> Session:
    """The session of the run in progress."""
    return _CURRENT[0]


def new_session(options: Optional[Options] = None) -> Session:
    """Close the current session and open a fresh one (no cache, default rule filter), made the
    current one."""
    _CURRENT[0].close()
    session = Session(options)
    _CURRENT[0] = session
    return session
