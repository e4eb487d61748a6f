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
from stat import S_ISLNK
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Set, Tuple

from . import project, sources, syntax
from .sources import is_test_path
from .facts import ROUTE_METHODS, ModuleFacts, dotted_name, mapping_key
from .inference import infer_kind
from .model import Spot
from .scan import (CallSite, ConfigLoad, ImportRef, ImportsRecorder, ModuleScan, RegisterCall, Route, call_sites_in,
                   scan_and_collect, scan_tree, string_constant, visible_imports)
from .session import FILE, MODULE, PROJECT, current
from .walk import Ctx, walk
from .records import LazyPattern, Record

#: A module matching none of these never says anything about Flask (it is not scanned for facts).
_PREFILTER_TEXT = r"[Ff]lask|Blueprint|\bapp\b|\bapplication\b|_app\b|SECRET_KEY|secret_key"
PREFILTER = LazyPattern(_PREFILTER_TEXT)
_PREFILTER_BYTES = LazyPattern(_PREFILTER_TEXT.encode("ascii"))
#: Calls and names that load modules or blueprints by name at run time (we cannot follow them).
_DYNAMIC_TEXT = (
    r"\bimport_module\b|__import__|\bimport_string\b|\bfind_modules\b|\bwalk_packages\b|\biter_modules\b"
    r"|\bspec_from_file_location\b|\bload_source\b|\bload_module\b|\bexec_module\b"
)
DYNAMIC_IMPORT = LazyPattern(_DYNAMIC_TEXT)
_DYNAMIC_IMPORT_BYTES = LazyPattern(_DYNAMIC_TEXT.encode("ascii"))
#: The literal words of :data:`DYNAMIC_IMPORT`'s alternatives: a module with none of them cannot match,
#: and testing for them is ~20x faster than the pattern itself (2.3 CPU-s over the benchmark corpus).
_DYNAMIC_WORDS = tuple(alt.replace(r"\b", "").encode("ascii") for alt in _DYNAMIC_TEXT.split("|"))
#: File names that are started directly (their imports are roots of the import graph).
ENTRY_NAMES = frozenset(
    {"wsgi.py", "asgi.py", "run.py", "manage.py", "main.py", "app.py", "server.py", "application.py",
     "__main__.py", "serve.py", "start.py", "index.py", "api.py", "runserver.py", "autoapp.py"}
)


# ---- what one module says ---------------------------------------------------------------------
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
    it). Returns None when the file cannot be read or parsed. The imports of a file scanned are kept
    in its on-disk entry, as :func:`imports_of_file` keeps them (unless one is in a loop: the scan's
    record the loop's values): a later run that asks only its imports (an import followed through it,
    once its other questions are answered from the entry) need not parse it.
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
        # the same parse and walk give the module's core facts (``ModuleScan.facts`` would parse it again)
        result, facts = scan_and_collect(tree, path)
        project.remember_facts(path, facts, key)
        syntax.note_parsed(path, list(key))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        result = None
    _scans()[path] = (key, result)
    if result is not None:  # what :func:`imports_of_file` would keep of it, for the runs that do not scan it
        disk = disk_entries_of(sources.find_root(os.path.dirname(path)))
        if disk is not None and not any(ref.ctx.loops for ref in result.imports) \
                and disk.get(path, list(key), "imports") is None:
            disk.put(path, list(key), "imports", _encode_imports(result.imports))
    return result


def _imports_known(path: str) -> List[ImportRef]:
    """The imports :func:`scan_file`'s scan of ``path`` holds (``[]`` when it has none: the file cannot
    be read or parsed), without scanning it: the session's scan when it holds one for the file as it
    is (it may be the scan of the tree flake8 parsed, an editor's buffer: :func:`scan_for`), else
    :func:`imports_of_file` (the same import statements, read by the same walk)."""
    if current().overrides.get(path) is None:
        held = _scans().get(path)
        if held is not None:
            try:
                stat = os.stat(path)
            except OSError:
                return []
            if held[0] == (stat.st_size, stat.st_mtime_ns):
                return held[1].imports if held[1] is not None else []
    return imports_of_file(path)


def _module_stem(path: str) -> Tuple[str, bool]:
    """``(the last name of the module's dotted name, whether it is a package's __init__.py)``, from
    its path: ``a/b.py`` -> ``("b", False)``, ``a/b/__init__.py`` -> ``("b", True)``."""
    name = os.path.basename(path)
    if name == "__init__.py":
        return os.path.basename(os.path.dirname(path)), True
    return (name[:-3] if name.endswith(".py") else name), False


def _named_by(path: str) -> Tuple[str, bool, List[str]]:
    """``(stem, package, tail)`` of module ``path`` for :func:`_spells`: :func:`_module_stem`, and its
    path split at ``os.sep`` without ``.py`` (its package's folder for an ``__init__.py``)."""
    stem, package = _module_stem(path)
    return stem, package, (os.path.dirname(path) if package else path[:-3]).split(os.sep)


def _spells(ref: ImportRef, tail: List[str]) -> bool:
    """True when a dotted name the import ``ref`` spells (a prefix of its module; for ``from m import
    x`` also ``m.x``) is, part by part, the end of ``tail`` (a module's path split at ``os.sep``,
    without ``.py``, or its package's folder): :meth:`ProjectIndex.targets` loads a file only as
    ``<base>/<name>.py`` or ``<base>/<name>/__init__.py`` for such a name (:meth:`ProjectIndex._find`)."""
    parts = ref.module.split(".") if ref.module else []
    names = [parts[:n] for n in range(1, len(parts) + 1)]
    if ref.name is not None and ref.name != "*":
        names.append(parts + [ref.name])
    return any(len(name) <= len(tail) and tail[-len(name):] == name for name in names)


def imports_of_file(path: str) -> List[ImportRef]:
    """The imports of a file (any scope), from a walk over its statements only (no expressions):
    what the import graph needs, at a fraction of a full scan. Cached by path, size and mtime.
    A path the fixer holds a text for (``Session.overrides``) is read from that text (not cached)."""
    override = current().overrides.get(path)
    cache: Dict[str, Tuple[Tuple[int, int], List[ImportRef]]] = current().cache("index.imports", FILE)
    disk = None
    if override is None:
        try:
            stat = os.stat(path)
        except OSError:
            return []
        key = (stat.st_size, stat.st_mtime_ns)
        cached = cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        disk = disk_entries_of(sources.find_root(os.path.dirname(path)))
        stored = disk.get(path, list(key), "imports") if disk is not None else None
        if stored is not None:
            try:
                refs = _decode_imports(stored)
            except (TypeError, ValueError):
                refs = None
            if refs is not None:
                cache[path] = (key, refs)
                return refs
    out: List[ImportRef] = []
    try:
        if override is not None:
            tree: Optional[ast.AST] = ast.parse(override, filename=path)
        else:
            with open(path, "rb") as handle:
                tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if tree is not None:
        recorder = ImportsRecorder()
        walk(tree.body, [recorder])  # type: ignore[attr-defined]
        out = recorder.refs
        if override is None:
            syntax.note_parsed(path, list(key))  # ``check`` need not test it again
    if override is None:
        cache[path] = (key, out)
        if disk is not None and not any(ref.ctx.loops for ref in out):  # a loop's expressions are not kept
            disk.put(path, list(key), "imports", _encode_imports(out))
    return out


# ---- the on-disk cache of what the index learns of each module ---------------------------------
#: The fields of an entry that a module's bytes give at a glance (its words, ``dynamic``, the words
#: rules asked about, what FDP011 reads of forwarded headers): not worth rewriting ``index.json`` for
#: when they are all that a few modules (:data:`_CHEAP_MODULES`: the files an editor saved since the
#: last write) changed.
_CHEAP_FIELDS = frozenset({"entry", "has", "forwarding"})
_CHEAP_MODULES = 4


class _DiskEntries:
    """What the index learnt of each module of a project, kept in the on-disk cache (``index.json``)
    for the runs to come: per module, its stamp (``[size, mtime_ns]``, taken before it was read) and
    the fields derived from its bytes alone: the :class:`ModuleEntry` words and ``dynamic`` flag, its
    imports, whether it has each word :meth:`ProjectIndex.mentioning` was asked about, and what other
    rules learnt of its bytes alone (FDP011: whether it handles forwarded headers). A field is
    used only while its module has the same stamp; the entries learnt are written once, when the run
    ends (``Session.on_close``), without the modules no longer there, unless all that changed is
    what a few modules' bytes tell at a glance (:data:`_CHEAP_FIELDS`), learnt again because those
    modules were saved since their entries were written: an editor's run after a save
    re-derives that of the saved modules in well under a millisecond each, and writing the whole file
    (hundreds of entries) costs a few."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.entries: Dict[str, Any] = sources.load_entries(root, "index")
        self._changes: Dict[str, Set[str]] = {}  # path -> the fields learnt this run (none: nothing to write)
        self._learnt_anew = False  # a field no entry held before (not one learnt again after a save)
        self._held: Dict[str, frozenset] = {}  # path -> the fields of its stale entry, replaced this run
        current().on_close(self.write)

    def get(self, path: str, stamp: Optional[List[int]], name: str) -> Any:
        entry = self.entries.get(path)
        if stamp is None or not isinstance(entry, list) or len(entry) != 2 or entry[0] != stamp \
                or not isinstance(entry[1], dict):
            return None
        return entry[1].get(name)

    def asked(self, path: str) -> FrozenSet[str]:
        """The fields module ``path``'s entry holds, with those of the stale entry this run replaced
        (whatever their stamp): what runs have asked of the module."""
        entry = self.entries.get(path)
        fields = entry[1] if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], dict) else {}
        return self._held.get(path, frozenset()) | frozenset(fields)

    def put(self, path: str, stamp: Optional[List[int]], name: str, value: Any) -> None:
        if stamp is None:
            return
        entry = self.entries.get(path)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != stamp or not isinstance(entry[1], dict):
            # the module changed since its entry was written: what that entry held is learnt again
            held = entry[1] if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], dict) else {}
            self._held[path] = frozenset(held)
            entry = self.entries[path] = [stamp, {}]
        self._learnt_anew = self._learnt_anew or name not in self._held.get(path, ())
        entry[1][name] = value
        self._changes.setdefault(path, set()).add(name)

    def answers(self, path: str, stamp: Optional[List[int]], words: List[str]) -> Optional[List[bool]]:
        """Whether the module has each of ``words`` as a whole word (:meth:`ProjectIndex.mentioning`),
        when every answer is stored for that stamp; else None."""
        known = self.get(path, stamp, "has")
        if not isinstance(known, dict):
            return None
        out = []
        for word in words:  # asked for every module and question: no generator
            value = known.get(word)
            if value is not True and value is not False:
                return None
            out.append(value)
        return out

    def add_answers(self, path: str, stamp: Optional[List[int]], words: List[str], answers: List[bool]) -> None:
        known = self.get(path, stamp, "has")
        merged = dict(known) if isinstance(known, dict) else {}
        merged.update(zip(words, answers))
        self.put(path, stamp, "has", merged)

    def write(self) -> None:
        changes, self._changes = self._changes, {}
        if not changes:
            return
        there = {os.path.join(self.root, rel) for rel in sources.python_files(self.root)}
        kept = {p: e for p, e in self.entries.items() if p in there}
        anew, self._learnt_anew = self._learnt_anew, False
        if not anew and len(changes) <= _CHEAP_MODULES and all(names <= _CHEAP_FIELDS for names in changes.values()) \
                and len(kept) == len(self.entries):
            return  # a few saved modules' words: found again from their bytes next time (see the class doc)
        sources.store_entries(self.root, "index", kept)


def disk_entries_of(root: str) -> Optional[_DiskEntries]:
    """The on-disk entries of the modules of the project ``root`` (``index.json``) for this session
    (read once, written when the run ends), or None when the run uses no on-disk cache or ``root``
    is the folder of a file outside any project. A field is read with ``get(path, stamp, name)``
    and kept with ``put(path, stamp, name, value)``, ``stamp`` the module's :func:`sources.stat_key`
    taken before it was read."""
    if not sources.cache_enabled() or not sources.is_project_root(root):
        return None
    store = current().cache("index.disk", PROJECT)
    found = store.get(root)
    if found is None:
        found = store[root] = _DiskEntries(root)
    return found


class _Position(NamedTuple):
    """The four position attributes a :class:`~flake8_flask_deploy.model.Spot` is made from."""

    lineno: int
    col_offset: int
    end_lineno: Optional[int]
    end_col_offset: Optional[int]


def _encode_imports(refs: List[ImportRef]) -> List[list]:
    return [[r.local, r.module, r.name, r.level, r.asname,
             [r.node.lineno, r.node.col_offset, r.node.end_lineno, r.node.end_col_offset],
             [r.ctx.scope, r.ctx.conditional, r.ctx.guard, r.ctx.in_class]] for r in refs]


def _decode_imports(data: List[list]) -> List[ImportRef]:
    """The imports :func:`_encode_imports` gave ``data`` for; the names of one statement share their
    ``Spot`` and the statements of one place their ``Ctx``, as the walk made them."""
    spots: Dict[tuple, Spot] = {}
    contexts: Dict[tuple, Ctx] = {}
    out = []
    for local, module, name, level, asname, position, where in data:
        spot = spots.get(tuple(position))
        if spot is None:
            spot = spots[tuple(position)] = Spot(_Position(*position))
        ctx = contexts.get(tuple(where))
        if ctx is None:
            ctx = contexts[tuple(where)] = Ctx(scope=where[0], conditional=where[1], guard=where[2], in_class=where[3])
        out.append(ImportRef(local, module, name, level, spot, ctx, asname))
    return out


# ---- the project ----------------------------------------------------------------------------
#: Words the index's own questions and the rules ask about in every module (``mentioning``): which of
#: them a module has, as whole words, is recorded when the index is built, so that a question about
#: them alone is answered without reading the files again.
INDEXED_WORDS = ("Flask", "APIFlask", "from_object", "register_blueprint", "import")


def _word_pattern(word: bytes) -> "re.Pattern[bytes]":
    """``word`` as a whole word (not inside an identifier) in raw source bytes."""
    return re.compile(_word_pattern_text(word))


def _word_pattern_text(word: bytes) -> bytes:
    """The regex of :func:`_word_pattern`."""
    return rb"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(word)


_INDEXED_PATTERNS = [(w.encode("ascii"), LazyPattern(_word_pattern_text(w.encode("ascii")))) for w in INDEXED_WORDS]
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

    @classmethod
    def stored(cls, path: str, dotted: str, words: List[str], dynamic: bool) -> "ModuleEntry":
        """The entry of ``path`` from what the on-disk cache holds of it (:class:`_DiskEntries`)."""
        entry = cls.__new__(cls)
        entry.path = path
        entry.dotted = dotted
        found = frozenset(w.encode("ascii") for w in INDEXED_WORDS if w in words)
        entry.words = _WORD_SETS.setdefault(found, found)
        entry.dynamic = bool(dynamic)
        return entry

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
        disk = self._disk = disk_entries_of(root)
        #: the stamp of each module when the index read it (with the on-disk cache only)
        self._stamps: Dict[str, Optional[List[int]]] = {}
        for rel in sources.python_files(root):
            path = os.path.join(root, rel)
            try:  # one ``lstat``: the file's stamp, unless it is a link (then its target's)
                st: Optional[os.stat_result] = os.lstat(path)
            except OSError:
                st = None
            if st is not None and S_ISLNK(st.st_mode):  # the walk follows no folder link: only a file can be one
                path = sources.normpath(path)
                stamp = sources.stat_key(path) if disk is not None else None
            else:
                stamp = [st.st_size, st.st_mtime_ns] if disk is not None and st is not None else None
            self._stamps[path] = stamp  # before the read
            stored = disk.get(path, stamp, "entry") if disk is not None else None
            if isinstance(stored, list) and len(stored) == 2 and isinstance(stored[0], list):
                self.modules[path] = ModuleEntry.stored(path, _dotted_name(rel), stored[0], stored[1])
                continue
            data = _read_module(path)  # the fixer's text for a file it holds (``Session.overrides``)
            if data is not None:  # only what the entry learns from the bytes is kept (see :class:`ModuleEntry`)
                entry = self.modules[path] = ModuleEntry(path, _dotted_name(rel), data)
                if disk is not None:
                    disk.put(path, stamp, "entry", [sorted(w.decode("ascii") for w in entry.words), entry.dynamic])
        self._edges: Dict[str, List[Tuple[str, ImportRef]]] = {}
        self._refs: Dict[str, List[ImportRef]] = {}  # the imports of the modules importers() looked at
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

    def disk_entries(self) -> Optional[_DiskEntries]:
        """The on-disk entries of the project's modules, or None when this run keeps none (no
        on-disk cache, or the fixer holds texts that stand for files: ``Session.overrides``)."""
        return self._disk if self._disk is not None and not current().overrides else None

    def stamp(self, path: str) -> Optional[List[int]]:
        """The stamp (``[size, mtime_ns]``) the index took of module ``path`` before it first read
        it; None without the on-disk cache or for a path the index does not hold."""
        return self._stamps.get(path)

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
        # the modules having one of the words (an answer at hand) hold every module having them all
        narrowed = [self._mentioning[(w,)] for w in key if len(key) > 1 and (w,) in self._mentioning]
        pool = min(narrowed, key=len) if narrowed else self.modules
        modules = self.modules
        candidates = [p for p in pool if known <= modules[p].words]
        if rest:
            patterns = [_word_pattern(w) for w in rest]
            names = [w.decode("utf-8") for w in rest]
            candidates = [p for p in candidates if all(self._answers(p, rest, patterns, names))]
        found = sorted(candidates)
        self._mentioning[key] = found
        return found

    def mentions(self, path: str, word: str) -> bool:
        """True when the project module ``path`` has ``word`` as a whole word (as
        :meth:`mentioning` tells, for one module: the stored answer when its stamp holds one, else
        its bytes read); False for a path the index does not hold."""
        if path not in self.modules:
            return False
        raw = word.encode("utf-8")
        if raw in _INDEXED_WORD_SET:
            return raw in self.modules[path].words
        return self._answers(path, [raw], [_word_pattern(raw)], [word])[0]

    def _answers(self, path: str, words: List[bytes], patterns: list, names: List[str]) -> List[bool]:
        """Whether module ``path`` has each of ``words`` (their :func:`_word_pattern` and ``str``
        forms beside) as a whole word: stored answers under its stamp, else its bytes read (and the
        answers stored)."""
        disk = self._disk
        stamp = self._stamps.get(path)
        answers = disk.answers(path, stamp, names) if disk is not None else None
        if answers is None:
            # stored under the stamp taken before the index first read the module: had it
            # changed since, its stamp no longer matches and the answers are never used
            data = module_bytes(path)
            answers = [w in data and pattern.search(data) is not None for w, pattern in zip(words, patterns)]
            if disk is not None:
                disk.add_answers(path, stamp, names, answers)
        return answers

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
        """Whether the module ``path`` (normalised) is a test module, by its path inside the project."""
        inside = path[len(self.root) + 1:] if path.startswith(self.root + os.sep) else os.path.relpath(path, self.root)
        return is_test_path(inside)

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
        if not dotted or _DOTTED.fullmatch(dotted) is None:
            return None
        rel = dotted.replace(".", os.sep)
        modules = self.modules
        for prefix in (base, os.path.join(base, "src")):
            head = os.path.join(prefix, rel)  # asked ~2,000 times by a run: 3 joins, not 4
            if head + ".py" in modules:
                return head + ".py"
            init = os.path.join(head, "__init__.py")
            if init in modules:
                return init
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
        for ref in _imports_known(path):
            for target in self.targets(path, ref):
                if target != path:
                    out.append((target, ref))
        self._edges[path] = out
        return out

    def importers(self, path: str, include_tests: bool = False) -> List[Tuple[str, ImportRef]]:
        """``[(importer, import)]``: the modules that import ``path`` (candidates found with the word
        index first: they name the module or sit in its package; then their imports are resolved).
        Cached per path.

        Only a candidate's imports that name the module are resolved (:meth:`edges` resolves them
        all): every file an import loads is ``<base>/<dotted name>.py`` or ``<base>/<dotted name>/__init__.py``
        for a dotted name it spells (:meth:`targets`), so the name's parts end the module's path
        (:func:`_spells`), or, for ``from . import x``, the package's ``__init__.py``; the same pairs,
        in the same order."""
        key = f"{int(include_tests)}:{path}"
        if key in self._importers:
            return self._importers[key]
        out = []
        named = _named_by(path)
        for other in self.near(path, "import"):
            if other == path or (not include_tests and self.is_test(other)):
                continue
            out.extend((other, ref) for ref in self._loading(other, path, named))
        self._importers[key] = out
        return out

    def loads(self, other: str, path: str) -> bool:
        """True when an import of module ``other`` (any scope) loads the module ``path`` (another one):
        ``path`` is a target of one of :meth:`edges` of ``other``; only the imports of ``other`` that
        name ``path`` are resolved (:meth:`importers`' test), up to the first that loads it."""
        return next(self._loading(other, path, _named_by(path)), None) is not None

    def _loading(self, other: str, path: str, named: Tuple[str, bool, List[str]]) -> Iterator[ImportRef]:
        """The imports of ``other`` (not ``path``) that load ``path``, once per time ``path`` is among an
        import's targets, in :meth:`edges`' order; ``named``: :func:`_named_by` of ``path``."""
        if other in self._edges:
            yield from (ref for target, ref in self._edges[other] if target == path)
            return
        refs = self._refs.get(other)
        if refs is None:
            refs = self._refs[other] = _imports_known(other)
        stem, package, tail = named
        for ref in refs:  # only an import naming the module can load it (:meth:`importers`)
            if (ref.name == stem or stem in ref.module.split(".")) and _spells(ref, tail) \
                    or (package and ref.level and not ref.module):
                yield from (ref for target in self.targets(other, ref) if target == path)

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
        return self._follow(path, ref, depth)

    def _follow(self, path: str, ref: ImportRef, depth: int) -> Optional[Tuple[str, str]]:
        """Where the import ``ref`` of ``path`` leads (:meth:`resolve_name`'s second half).

        In the module the import names (``origin``), :meth:`resolve_name` at module level would
        answer ``(origin, name)`` whether or not ``origin`` binds the name, unless ``origin`` imports
        it in turn; so only ``origin``'s imports are read (:func:`_imports_known`: the session's
        scan of it, else its imports, kept in the on-disk cache), never a whole scan of it."""
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
        if depth + 1 > 4:  # where :meth:`resolve_name` stops
            return (origin, ref.name)
        onward = visible_imports(_imports_known(origin), "").get(ref.name)
        if onward is None:
            return (origin, ref.name)
        return self._follow(origin, onward, depth + 1) or (origin, ref.name)

    def resolve_imported(self, path: str, name: str, scope: str = "") -> Optional[Tuple[str, str]]:
        """:meth:`resolve_name` for a name that only an import can make name another module's
        binding: what the import of ``name`` visible in ``scope`` leads to, None without one (where
        :meth:`resolve_name` may answer ``(path, name)``, a binding of ``path`` itself). Reads the
        module's imports (:func:`imports_of_file`, kept in the on-disk cache), not a whole scan:
        the same answer as :meth:`resolve_name` whenever that one names another module."""
        ref = visible_imports(imports_of_file(path), scope).get(name)
        return self._follow(path, ref, 0) if ref is not None else None

    def resolve_expr(self, path: str, expr: ast.expr, scope: str, depth: int = 0,
                     imported_only: bool = False) -> Optional[Tuple[str, str]]:
        """Resolve a ``Name`` or dotted ``Attribute`` expression to ``(defining path, name)``; with
        ``imported_only``, its first name through ``path``'s imports only (:meth:`resolve_imported`:
        the same answer whenever it is not a binding of ``path`` itself)."""
        if isinstance(expr, ast.Name):
            return self.resolve_imported(path, expr.id, scope) if imported_only else \
                self.resolve_name(path, expr.id, scope)
        if isinstance(expr, ast.Attribute):
            return self.attribute_of(self.resolve_expr(path, expr.value, scope, depth + 1, imported_only),
                                     expr.attr, depth)
        return None

    def attribute_of(self, base: Optional[Tuple[str, str]], attr: str, depth: int) -> Optional[Tuple[str, str]]:
        """:meth:`resolve_expr` of ``<x>.attr`` (at ``depth``) once ``<x>`` resolved to ``base``:
        a submodule ``(its path, "")`` or the binding ``attr`` names in the module ``base`` is
        (followed through its imports); None when ``base`` is None, not a module (``base[1]``), or
        a module that cannot be parsed."""
        if base is None or base[1]:
            return None
        scan = self.scan(base[0])
        if scan is None:
            return None
        sub = self.resolve_module(base[0], attr, 1) if base[0].endswith("__init__.py") else None
        if sub:
            return (sub, "")
        return self.resolve_name(base[0], attr, "", depth + 1) or (base[0], attr)


#: A dotted module name :meth:`ProjectIndex._find` looks up.
_DOTTED = LazyPattern(r"[A-Za-z_][\w.]*")


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
                key = (stat.st_size, stat.st_mtime_ns)
                _scans()[module.path] = (key, copy.copy(scan))
                _buffers()[module.path] = True  # unless its text proves to be the file's (:func:`_is_buffer`)
                source = getattr(module, "source", None)
                if source is not None:
                    current().cache("index.linted_text", MODULE)[module.path] = (source, stat.st_size)
    if scan._facts is None:
        scan._facts = module.facts  # the engine's facts of this very file: no second walk
    return scan


def is_file_text(path: str, source: Optional[str], size: int) -> bool:
    """True when ``source`` (the text flake8 parsed, None when the caller has none) is the file
    ``path`` as it is on disk, byte for byte in UTF-8, ``size`` bytes long (its stamp taken before
    this read): what the run learns of the tree may then be kept for the file under that stamp. An
    editor's unsaved buffer, a file in another encoding or with CRLF line ends (flake8 reads
    stdin with universal newlines) is not: the conservative answer."""
    if source is None or len(source) > size:
        return False
    try:
        data = source.encode("utf-8")
        if len(data) != size:
            return False
        with open(path, "rb") as handle:
            return handle.read(size + 1) == data
    except (OSError, UnicodeError):
        return False


#: What the run on a module keeps in its entry for other runs (:func:`keep_linted`).
_LINTED_FIELDS = frozenset({"imports", "registers", "routes"})


def keep_linted(module) -> None:
    """Keep in the on-disk entry of a rule's ``ModuleContext`` file what other modules' runs asked of
    it before and would otherwise parse it again for: its imports (as :func:`scan_file` keeps them),
    its ``register_blueprint`` calls (:func:`remember_registers`), its routes added at import
    (:func:`routes_at_import`), each when its entry (or the stale one this run replaced) held it.
    Only when ``module.source`` is the file byte for byte (:func:`is_file_text`: the scan of the
    tree is then the file's, never an editor's unsaved buffer's); the tree is scanned for it if no
    rule did. An editor saves and lints its modules in turn: the run after a save of ``create_app``'s
    module reads its registrations from the entry its own run wrote, instead of parsing it; a field
    nobody asked for is not written (the run writes ``index.json`` only for what will be read)."""
    path = module.path
    if getattr(module, "source", None) is None or getattr(module, "tree", None) is None or current().overrides:
        return
    disk = disk_entries_of(sources.find_root(os.path.dirname(path)))
    wanted = disk.asked(path) & _LINTED_FIELDS if disk is not None else frozenset()
    if disk is None or not wanted:
        return
    scan = scan_for(module)
    held = _scans().get(path)
    if scan is None or held is None or _is_buffer(path):
        return
    stamp = list(held[0])
    if "imports" in wanted and not any(ref.ctx.loops for ref in scan.imports) \
            and disk.get(path, stamp, "imports") is None:
        disk.put(path, stamp, "imports", _encode_imports(scan.imports))
    if "registers" in wanted:
        _put_registers(disk, path, stamp, scan)
    encoded = _encoded_routes(_routes_of(scan)) if "routes" in wanted else None
    if encoded is not None and disk.get(path, stamp, "routes") is None:
        disk.put(path, stamp, "routes", encoded)


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


# ---- what a module's ``register_blueprint`` calls register, kept in its on-disk entry (FDP008) ----
class RegisterSummary(NamedTuple):
    """One ``register_blueprint`` call of a module as its on-disk entry keeps it (:func:`stored_registers`).

    ``words``: the names and attributes its argument and the values of the loop variables in force
    spell (:func:`register_words`); ``plan``: how :func:`register_targets` resolves the call, reduced to
    what the module's own bytes decide (:func:`_register_plan`), the rest resolved again on every run
    (:func:`summary_targets`)."""

    words: FrozenSet[str]
    plan: Any


class ModuleRegisters(NamedTuple):
    """What FDP008 asks of a module's scan about registrations, as its on-disk entry keeps it:
    ``calls``: a :class:`RegisterSummary` per call of the scan's ``registers``, in their order;
    ``referenced``: the scan's ``register_referenced``; ``names``: the strings of the scan's
    ``strings`` that are identifiers (a blueprint's variable name is one: the only strings asked)."""

    calls: List[RegisterSummary]
    referenced: bool
    names: FrozenSet[str]


def register_words(call: RegisterCall) -> FrozenSet[str]:
    """The ``Name`` ids and ``Attribute`` attrs in the argument of the register call ``call`` and in the
    values of every loop variable in force at it (a blueprint the call may register is spelled there)."""
    nodes = [call.arg] + [v for values in call.ctx.loops.values() for v in (values or ())]
    return frozenset(n.id if isinstance(n, ast.Name) else n.attr for node in nodes if node is not None
                     for n in ast.walk(node) if isinstance(n, (ast.Name, ast.Attribute)))


def stored_registers(index: ProjectIndex, path: str) -> Optional[ModuleRegisters]:
    """What module ``path``'s on-disk entry holds of its registrations (``"registers"``, under the
    stamp the index took of it): None when it holds nothing or malformed data, or when the session
    holds a scan of the module (ask that one: it is at hand, and it may be an editor's buffer's)."""
    stored = _stored(index, path, "registers")
    if not isinstance(stored, dict):
        return None
    try:
        calls = [RegisterSummary(frozenset(_strings(words)), _decode_plan(plan)) for words, plan in stored["calls"]]
        referenced = stored["referenced"]
        if not isinstance(referenced, bool):
            raise ValueError(referenced)
        return ModuleRegisters(calls, referenced, frozenset(_strings(stored["names"])))
    except (TypeError, ValueError, KeyError):
        return None


def remember_registers(index: ProjectIndex, path: str, scan: ModuleScan) -> None:
    """Keep what :class:`ModuleRegisters` holds of ``scan`` (module ``path``'s) in the module's on-disk
    entry, when the scan is of the file under the stamp the index took of it (:func:`_storable_stamp`:
    never an editor's buffer) and the entry does not hold it already (the cache is then not written
    again)."""
    stamp = _storable_stamp(index, path)
    disk = index.disk_entries()
    if stamp is not None and disk is not None:
        _put_registers(disk, path, stamp, scan)


def _put_registers(disk: _DiskEntries, path: str, stamp: List[int], scan: ModuleScan) -> None:
    calls = [[sorted(register_words(call)), _register_plan(scan, call.arg, call.ctx)] for call in scan.registers]
    value = {"calls": calls, "referenced": scan.register_referenced,
             "names": sorted(x for x in scan.strings if x.isidentifier())}
    if disk.get(path, stamp, "registers") != value:
        disk.put(path, stamp, "registers", value)


def summary_targets(index: ProjectIndex, path: str, summary: RegisterSummary) -> Optional[List[Tuple[str, str]]]:
    """:func:`register_targets` of the call of module ``path`` that ``summary`` stands for: ``[(path,
    name)]``, or None when unknown; the imports it goes through are followed again (through the
    imports of the modules they name: :meth:`ProjectIndex._follow`), the attributes of a module
    asked of that module (:meth:`ProjectIndex.attribute_of`), as :meth:`ProjectIndex.resolve_expr`
    does."""
    return _run_plan(index, path, summary.plan)


def _register_plan(scan: ModuleScan, expr: Optional[ast.expr], ctx: Ctx, depth: int = 0) -> Any:
    """What the module of ``scan`` alone decides of :func:`_resolve_values` of ``expr`` in ``ctx``, as
    JSON data: None (unknown), ``["own", name]`` (the module's own blueprint), ``["loop", [plan, ...]]``
    (the values of a loop variable, each a plan), or ``["name", head, attrs]``: ``<head>.<attrs...>``,
    ``head`` ``["self", name]`` (a name the module binds) or ``["import", import]`` (the import of
    the name visible there, :func:`_encode_imports`' form), resolved by :func:`_run_plan`."""
    if expr is None or depth > 3:
        return None
    if isinstance(expr, ast.Name) and expr.id in ctx.loops or \
            isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in ctx.loops:
        name = expr.id if isinstance(expr, ast.Name) else expr.value.id  # type: ignore[attr-defined]
        values = ctx.loops[name]
        if not values:
            return None
        inner = ctx.child(loops={})
        attr = getattr(expr, "attr", None)  # ``m.bp`` over the values of ``m``: ``<value>.bp``
        plans = [_register_plan(scan, value if attr is None else ast.Attribute(value=value, attr=attr, ctx=ast.Load()),
                                inner, depth + 1) for value in values]
        return None if any(plan is None for plan in plans) else ["loop", plans]
    if isinstance(expr, ast.Name) and ctx.scope and expr.id in scan.bound.get(ctx.scope, set()):
        key = scan.blueprint_in(expr.id, ctx.scope)
        if key is not None and key[0] == "":
            return ["own", expr.id]
        ref = scan.imports_in(ctx.scope).get(expr.id)
        if ref is None or ref.ctx.scope != ctx.scope:
            return None  # a local variable or parameter
    attrs: List[str] = []
    node = expr
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    ref = scan.imports_in(ctx.scope).get(node.id)  # :meth:`ProjectIndex.resolve_name`, in the module
    if ref is not None:
        head = ["import", _encode_imports([ref])[0]]
    elif node.id in scan.bound.get(ctx.scope, set()) or node.id in scan.bound.get("", set()):
        head = ["self", node.id]
    else:
        return None
    return ["name", head, attrs[::-1]]


def _decode_plan(data: Any) -> Any:
    """The plan :func:`_register_plan` gave ``data`` for, its imports made again (:func:`_decode_imports`).
    Raises TypeError or ValueError on malformed data."""
    if data is None:
        return None
    if not isinstance(data, list) or not data:
        raise ValueError(data)
    kind = data[0]
    if kind == "own" and len(data) == 2 and isinstance(data[1], str):
        return ("own", data[1])
    if kind == "loop" and len(data) == 2 and isinstance(data[1], list) and data[1]:
        plans = [_decode_plan(plan) for plan in data[1]]
        if any(plan is None for plan in plans):
            raise ValueError(data)
        return ("loop", plans)
    if kind == "name" and len(data) == 3 and len(data[1]) == 2:
        head, attrs = data[1], _strings(data[2])
        if head[0] == "self" and isinstance(head[1], str):
            return ("name", ("self", head[1]), attrs)
        if head[0] == "import":
            return ("name", ("import", _decode_imports([head[1]])[0]), attrs)
    raise ValueError(data)


def _strings(data: Any) -> List[str]:
    """``data`` when it is a list of strings; raises ValueError otherwise."""
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise ValueError(data)
    return data


def _run_plan(index: ProjectIndex, path: str, plan: Any) -> Optional[List[Tuple[str, str]]]:
    """:func:`_resolve_values`' answer for the expression ``plan`` (:func:`_decode_plan`'s) stands for
    in module ``path``."""
    if plan is None:
        return None
    if plan[0] == "own":
        return [(path, plan[1])]
    if plan[0] == "loop":
        out: List[Tuple[str, str]] = []
        for inner in plan[1]:
            got = _run_plan(index, path, inner)
            if got is None:
                return None
            out.extend(got)
        return out
    head, attrs = plan[1], plan[2]
    found = (path, head[1]) if head[0] == "self" else index._follow(path, head[1], 0)
    for n, attr in enumerate(attrs):  # the innermost first, at the depth :meth:`ProjectIndex.resolve_expr` gives it
        found = index.attribute_of(found, attr, len(attrs) - 1 - n)
    return [found] if found and found[1] else None


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
@dataclass(init=False, repr=False, eq=False)
class CrossShadow(Record):
    """A module that creates its own app for its routes while the package's served app is created in
    ``other_path`` (line ``other_line``), which imports this module for those routes."""

    node: ast.AST
    name: str
    other_path: str
    other_line: int
    import_line: int

    def __init__(self, node: ast.AST, name: str, other_path: str, other_line: int, import_line: int) -> None:
        self.node = node
        self.name = name
        self.other_path = other_path
        self.other_line = other_line
        self.import_line = import_line


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


def config_targets(index: "ProjectIndex", path: str, arg: Optional[ast.expr], scope: str,
                   depth: int = 0) -> List[Tuple[str, str]]:
    """What ``config.from_object(arg)``, written in ``path`` in ``scope``, loads: ``[(path, class
    name, or "" for a module)]``; empty when it cannot be followed. ``__name__`` is the module itself;
    a string is a dotted module or ``module.Class``; a name or attribute is resolved through the
    imports; ``CONFIGS["dev"]``/``CONFIGS.get("dev")`` gives the value under that literal key (none
    when the literal mapping has no such key), ``CONFIGS[key]``/``CONFIGS.get(key)`` with a key read at
    run time every value of the mapping; a parameter of the enclosing function (``create_app(config)``)
    what its callers pass (:func:`call_sites`); ``Config()`` the class ``Config`` (``from_object``
    reads an instance's class attributes).
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
    if isinstance(arg, ast.Name) and parameter_of(index, path, scope, arg.id):
        return _bound_configs(index, path, scope, arg.id, depth)
    if isinstance(arg, (ast.Name, ast.Attribute)):
        found = index.resolve_expr(path, arg, scope)
        return [found] if found else []
    if isinstance(arg, ast.Call) and isinstance(arg.func, (ast.Name, ast.Attribute)):
        cls = index.resolve_expr(path, arg.func, scope)  # ``config.Config()``: an instance of a class
        other = index.scan(cls[0]) if cls and cls[1] else None
        if other is not None and cls[1] in other.classes:  # type: ignore[index]
            return [cls]  # type: ignore[list-item]
    returned = returned_values(index, path, arg, scope)
    if returned is not None:
        return [target for where, value in returned for target in config_targets(index, where, value, "")]
    if isinstance(arg, ast.Subscript) or (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                                          and arg.func.attr == "get"):
        return mapping_targets(index, path, arg, scope, mapping_key(arg))
    return []


def mapping_targets(index: "ProjectIndex", path: str, arg: ast.expr, scope: str,
                    key: Optional[str]) -> List[Tuple[str, str]]:
    """What ``CONFIGS[...]``/``CONFIGS.get(...)`` (``arg``) loads when its key is ``key`` (every
    value of the mapping for None): ``[(path, class name)]``, empty when the mapping is not a
    module-level literal of the project or has no such key."""
    mapping = arg.value if isinstance(arg, ast.Subscript) else arg.func.value  # type: ignore[attr-defined]
    found = index.resolve_expr(path, mapping, scope)
    if not found or not found[1]:
        return []
    other = index.scan(found[0])
    if other is None or found[1] not in other.dicts:
        return []
    if key is not None and key not in other.dict_items[found[1]]:
        return []  # ``KeyError`` (or ``None`` from ``get``): nothing is loaded from the mapping
    values = [other.dict_items[found[1]][key]] if key is not None else other.dicts[found[1]]
    out = []
    for value in values:
        if isinstance(value, (ast.Name, ast.Attribute)):
            target = index.resolve_expr(found[0], value, "")
            if target:
                out.append(target)
    return out


def mapping_lookup_key(arg: Optional[ast.expr]) -> Optional[ast.expr]:
    """The key expression of ``CONFIGS[key]`` / ``CONFIGS.get(key)`` (None for anything else)."""
    if isinstance(arg, ast.Subscript) and isinstance(arg.value, (ast.Name, ast.Attribute)):
        key = arg.slice
        return getattr(key, "value", key) if type(key).__name__ == "Index" else key  # type: ignore[return-value]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "get" \
            and isinstance(arg.func.value, (ast.Name, ast.Attribute)) and arg.args:
        return arg.args[0]
    return None


def env_read(index: "ProjectIndex", path: str, expr: Optional[ast.expr], scope: str,
             depth: int = 0) -> Optional[Tuple[str, Optional[str]]]:
    """For an expression that reads an environment variable: ``(variable, default)``, the default
    a string literal or None (``os.getenv("FLASK_CONFIG")``, ``os.environ.get("X", "dev")``,
    ``os.environ["X"]``), also through a module-level name bound to one and through a factory
    parameter when every caller outside tests and the guard passes the same read; None otherwise.
    https://docs.python.org/3/library/os.html#os.getenv"""
    if expr is None or depth > 3:
        return None
    if isinstance(expr, ast.Name):
        if parameter_of(index, path, scope, expr.id):
            reads = set()
            for caller, site in call_sites(index, path, scope):
                value = bound_argument(index, path, scope, expr.id, site.node)
                reads.add(env_read(index, caller, value, site.ctx.scope, depth + 1) if value is not None else None)
            return reads.pop() if len(reads) == 1 else None
        scan = index.scan(path)
        bound = scan.facts.constants.get(expr.id) if scan is not None and not scope else None
        return env_read(index, path, bound, "", depth + 1) if bound is not None else None
    return _env_call(expr)


def _env_call(expr: ast.expr) -> Optional[Tuple[str, Optional[str]]]:
    """``os.getenv("X"[, "d"])`` / ``getenv(...)`` / ``os.environ.get(...)`` / ``os.environ["X"]``."""
    if isinstance(expr, ast.Subscript) and dotted_name(expr.value).endswith("environ"):
        key = mapping_lookup_key(expr)
        name = string_constant(key)
        return (name, None) if name else None
    if not isinstance(expr, ast.Call) or not expr.args or expr.keywords:
        return None
    func = dotted_name(expr.func)
    if func not in ("os.getenv", "getenv", "os.environ.get", "environ.get"):
        return None
    name = string_constant(expr.args[0])
    default = string_constant(expr.args[1]) if len(expr.args) > 1 else None
    if name is None or (len(expr.args) > 1 and default is None):
        return None
    return name, default


def parameter_of(index: "ProjectIndex", path: str, scope: str, name: str) -> bool:
    """True when ``name`` read in ``scope`` of ``path`` is a parameter of the module-level function
    ``scope`` (``create_app(config)``'s ``config``, ``init_app(app)``'s ``app``)."""
    scan = index.scan(path)
    return bool(scope) and "." not in scope and scan is not None and name in scan.params.get(scope, ())


def call_sites(index: "ProjectIndex", path: str, func: str) -> List[Tuple[str, CallSite]]:
    """The calls of the module-level function ``func`` of ``path`` in the project's non-test
    modules that import ``path`` (and in ``path`` itself), outside the ``__main__`` guard:
    ``[(caller path, call site)]``. Read on demand, once per index.

    A call site names the function (``func(...)``, ``x.func(...)``: :func:`~flake8_flask_deploy.scan.call_sites_in`),
    so only the importers that have ``func`` as a word (:meth:`ProjectIndex.mentioning`, answered from
    the on-disk cache) are looked at; an identifier spelled with other characters that NFKC folds to
    ``func`` is not seen. An importer's calls named ``func`` come from the on-disk cache when it holds
    them for the importer's stamp (:func:`_caller_sites`), and are resolved through its imports only
    (:meth:`ProjectIndex.resolve_imported`: a name it binds itself is not ``path``'s); ``path`` itself
    is parsed and resolved in full. Whether a module imports ``path`` is told by resolving only its
    imports that name ``path`` (:meth:`ProjectIndex.loads`)."""
    key = f"calls:{path}:{func}"
    found = index.memo.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    out: List[Tuple[str, CallSite]] = []
    named = set(index.mentioning(func)) & set(index.near(path, "import"))
    callers = [path] + sorted(other for other in named - {path}
                              if not index.is_test(other) and index.loads(other, path))
    for caller in callers:
        sites = _caller_sites(index, caller, func) if caller != path else _own_sites(path, func)
        for site in sites or ():
            if not site.ctx.guard and index.resolve_expr(caller, site.node.func, site.ctx.scope,
                                                         imported_only=caller != path) == (path, func):
                out.append((caller, site))
    index.memo[key] = out
    return out


def _own_sites(path: str, func: str) -> Optional[List[CallSite]]:
    """The calls named ``func`` in ``path``, the module that defines ``func`` (every caller of
    :func:`call_sites` names a function or class of ``path``: its ``def``/``class`` statement has the
    word once): none when the word appears only once in the module's bytes, without a parse; else
    :func:`_parsed_sites`."""
    data = module_bytes(path)
    word = func.encode("utf-8")
    if data.count(word) <= 1 or len(_word_pattern(word).findall(data)) <= 1:
        return []
    return _parsed_sites(path, func)


def _parsed_sites(path: str, func: str) -> Optional[List[CallSite]]:
    """The calls named ``func`` in ``path`` (:func:`~flake8_flask_deploy.scan.call_sites_in`), from
    a parse of its bytes; None when it cannot be parsed."""
    try:
        return call_sites_in(ast.parse(module_bytes(path), filename=path), func)
    except (SyntaxError, ValueError, RecursionError):
        return None


def _caller_sites(index: "ProjectIndex", path: str, func: str) -> Optional[List[CallSite]]:
    """:func:`_parsed_sites`, kept in the module's on-disk entry (``"calls"``: ``func`` -> the
    sites, under the stamp the index took of the module) when every site is a call without
    arguments outside any loop: such a call's node is made again from its stored position, scope
    flags and dotted name (all :func:`call_sites` and its readers ask of it); any other module is
    parsed on every run."""
    disk = index.disk_entries()
    stamp = index.stamp(path) if disk is not None else None
    stored = disk.get(path, stamp, "calls") if disk is not None else None
    if isinstance(stored, dict) and func in stored:
        try:
            return [_decode_site(data) for data in stored[func]]
        except (TypeError, ValueError):
            pass
    sites = _parsed_sites(path, func)
    if disk is not None and sites is not None and all(_storable(site) for site in sites):
        merged = dict(stored) if isinstance(stored, dict) else {}
        merged[func] = [_encode_site(site) for site in sites]
        disk.put(path, stamp, "calls", merged)
    return sites


def _storable(site: CallSite) -> bool:
    call = site.node
    return not call.args and not call.keywords and not site.ctx.loops and bool(dotted_name(call.func))


def _encode_site(site: CallSite) -> list:
    call, ctx = site.node, site.ctx
    return [dotted_name(call.func), [call.lineno, call.col_offset, call.end_lineno, call.end_col_offset],
            [ctx.scope, ctx.conditional, ctx.guard, ctx.in_class]]


def _decode_site(data: list) -> CallSite:
    """The :class:`CallSite` :func:`_encode_site` gave ``data`` for: ``name(...)`` or ``a.b.name(...)``
    without arguments, at the stored position. Raises TypeError or ValueError on malformed data."""
    dotted, position, where = data
    parts = str(dotted).split(".")
    if not all(part.isidentifier() for part in parts) or len(position) != 4 or len(where) != 4:
        raise ValueError(dotted)
    func: ast.expr = ast.Name(id=parts[0], ctx=ast.Load())
    for part in parts[1:]:
        func = ast.Attribute(value=func, attr=part, ctx=ast.Load())
    lineno, col, end_lineno, end_col = (int(x) if x is not None else None for x in position)
    call = ast.Call(func=func, args=[], keywords=[], lineno=lineno, col_offset=col, end_lineno=end_lineno,
                    end_col_offset=end_col)
    scope, conditional, guard, in_class = where
    return CallSite(call, Ctx(scope=str(scope), conditional=bool(conditional), guard=bool(guard),
                              in_class=bool(in_class)))


# ---- what a module binds and registers at module level, kept in its on-disk entry (FDP009, FDP010) ----
def _buffers() -> Dict[str, bool]:
    """path -> True for the modules whose session scan is made of a tree flake8 parsed (an editor's
    buffer may differ from the file: :func:`scan_for`); nothing derived from them is stored. Ask
    :func:`_is_buffer`."""
    return current().cache("index.buffers", FILE)


def _is_buffer(path: str) -> bool:
    """True when the session's scan of ``path`` is of a tree flake8 parsed from a text that is not
    the file's. The text is compared with the file (:func:`is_file_text`) only when this is first
    asked during that module's own run (kept until the module is done: a ``MODULE`` entry), so a run
    that stores nothing of the module reads it no second time; asked later, or with no text
    given, the scan stays an editor's buffer's (the conservative answer)."""
    if path not in _buffers():
        return False
    pending = current().cache("index.linted_text", MODULE).pop(path, None)
    if pending is not None and is_file_text(path, *pending):
        del _buffers()[path]
        return False
    return True


def _storable_stamp(index: "ProjectIndex", path: str) -> Optional[List[int]]:
    """The stamp under which what the session's scan of ``path`` says may be stored in the module's
    entry: the index's stamp of the module, when the scan was made of the file under that very stamp
    (not of an editor's buffer); None otherwise (no on-disk cache, another stamp, no scan)."""
    stamp = index.stamp(path) if index.disk_entries() is not None else None
    held = _scans().get(path)
    if stamp is None or held is None or held[1] is None or held[0] != tuple(stamp) or _is_buffer(path):
        return None
    return stamp


def _stored(index: "ProjectIndex", path: str, name: str) -> Any:
    """The field ``name`` of ``path``'s on-disk entry under the stamp the index took of it, unless
    the session holds a scan of the module (asked instead: it is at hand, and it may be an editor's
    buffer's); None when there is none."""
    disk = index.disk_entries()
    if disk is None or path in _scans():
        return None
    return disk.get(path, index.stamp(path), name)


def binding_kind(index: "ProjectIndex", path: str, name: str) -> Optional[str]:
    """What the module-level name ``name`` of the project module ``path`` is by the ``ast``:
    ``"blueprint"`` (bound to a ``Blueprint(...)``: ``("", name)`` in its scan's ``blueprints``), else
    ``"app"`` (its facts bind it at module level to ``Flask(...)`` or an app factory's result), else
    None (neither, or the module cannot be parsed).

    Read from the module's on-disk entry (``"kinds"``: name -> answer, under the module's stamp)
    when it holds the answer, else from its scan. Only an answer the module's own bytes give is
    stored: a blueprint, an app binding of its own facts; an app binding accepted from another module
    (a factory imported from elsewhere) can change when only that module changes, so it is asked again."""
    stored = _stored(index, path, "kinds")
    if isinstance(stored, dict) and stored.get(name) in ("blueprint", "app"):
        return stored[name]
    scan = index.scan(path)
    if scan is None:
        return None
    if ("", name) in scan.blueprints:
        kind = "blueprint"
    elif any(b.scope == "" and b.name == name and b.kind in ("flask", "factory") for b in scan.facts.app_bindings):
        kind = "app"
    else:
        return None
    stamp = _storable_stamp(index, path)
    if stamp is not None and (kind == "blueprint" or _binds_app_itself(path, name)):
        known = index.disk_entries().get(path, stamp, "kinds")  # type: ignore[union-attr]
        merged = dict(known) if isinstance(known, dict) else {}
        merged[name] = kind
        index.disk_entries().put(path, stamp, "kinds", merged)  # type: ignore[union-attr]
    return kind


def _binds_app_itself(path: str, name: str) -> bool:
    """True when the facts of ``path`` alone (before the names it imports are accepted as apps)
    bind ``name`` at module level to ``Flask(...)`` or a factory's result."""
    own = project.facts_of_file(path)
    return own is not None and any(b.scope == "" and b.name == name and b.kind in ("flask", "factory")
                                   for b in own.app_bindings)


def routes_at_import(index: "ProjectIndex", path: str) -> Optional[List[Tuple[Route, str]]]:
    """The routes module ``path`` adds at import (module level, unconditional, outside the guard)
    with a known endpoint and view, in its scan's order, each with what its receiver is in the
    module: ``"blueprint"`` (a blueprint the module binds: :meth:`ModuleScan.blueprint_in`),
    ``"import"`` (a name the module imports at module level), ``""`` (anything else: only the
    module's facts tell whether it is an app). None when the module cannot be parsed.

    Read from the module's on-disk entry (``"routes"``, under its stamp) when it holds them: each
    route made again from its receiver, endpoint, view, how, placeholder flag, position and scope
    flags; ``identity`` is then ``("stored", n)``, equal for two registrations of one function of
    the module as the scan's are (identities of two modules are never compared). A module with a
    route inside a loop is scanned on every run (loop variables are not kept)."""
    stored = _stored(index, path, "routes")
    if isinstance(stored, list):
        try:
            return [_decode_route(data) for data in stored]
        except (TypeError, ValueError):
            pass
    scan = index.scan(path)
    if scan is None:
        return None
    out = _routes_of(scan)
    stamp = _storable_stamp(index, path)
    encoded = _encoded_routes(out) if stamp is not None else None
    if encoded is not None:
        index.disk_entries().put(path, stamp, "routes", encoded)  # type: ignore[union-attr]
    return out


def _routes_of(scan: ModuleScan) -> List[Tuple[Route, str]]:
    """:func:`routes_at_import` of a module's scan."""
    return [(route, _receiver_kind(scan, route.receiver)) for route in scan.routes
            if route.ctx.at_import and route.endpoint is not None and route.identity is not None]


def _encoded_routes(routes: List[Tuple[Route, str]]) -> Optional[list]:
    """``routes`` (:func:`_routes_of`) as the on-disk entry keeps them, or None when one is inside a
    loop (its loop variables are not kept)."""
    if any(route.ctx.loops for route, _kind in routes):
        return None
    identities: Dict[tuple, int] = {}
    return [_encode_route(route, kind, identities.setdefault(route.identity, len(identities)))  # type: ignore
            for route, kind in routes]


def _receiver_kind(scan: ModuleScan, receiver: str) -> str:
    if scan.blueprint_in(receiver, "") is not None:
        return "blueprint"
    return "import" if receiver in scan.imports_in("") else ""


def _encode_route(route: Route, kind: str, identity: int) -> list:
    spot, ctx = route.node, route.ctx
    return [route.receiver, route.endpoint, identity, route.how, route.view, route.stub,
            [spot.lineno, spot.col_offset, spot.end_lineno, spot.end_col_offset],
            [ctx.scope, ctx.conditional, ctx.guard, ctx.in_class], kind]


def _decode_route(data: list) -> Tuple[Route, str]:
    """The route and receiver kind :func:`_encode_route` gave ``data`` for. Raises TypeError or
    ValueError on malformed data."""
    receiver, endpoint, identity, how, view, stub, position, where, kind = data
    if not all(isinstance(x, str) for x in (receiver, endpoint, how, kind)) or len(position) != 4 \
            or len(where) != 4 or not isinstance(identity, int) or not (view is None or isinstance(view, str)):
        raise ValueError(receiver)
    lineno, col, end_lineno, end_col = (int(x) if x is not None else None for x in position)
    ctx = Ctx(scope=str(where[0]), conditional=bool(where[1]), guard=bool(where[2]), in_class=bool(where[3]))
    return Route(receiver, Spot(_Position(lineno, col, end_lineno, end_col)), ctx, endpoint, ("stored", identity),
                 how, view, bool(stub)), kind


def bound_argument(index: "ProjectIndex", path: str, func: str, param: str, call: ast.Call) -> Optional[ast.expr]:
    """The argument ``call`` passes for the parameter ``param`` of the function ``func`` of
    ``path`` (by keyword or position), or None (not passed, behind ``*args``/``**kwargs``)."""
    scan = index.scan(path)
    params = scan.params.get(func, []) if scan is not None else []
    if param not in params:
        return None
    for kw in call.keywords:
        if kw.arg == param:
            return kw.value
    position = params.index(param)
    head = call.args[:position + 1]
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in head):
        return call.args[position]
    return None


def returned_values(index: "ProjectIndex", path: str, call: Optional[ast.expr],
                    scope: str) -> Optional[List[Tuple[str, ast.expr]]]:
    """For a call of a project function (``set_environment_config()``, ``settings.pick()``) whose
    every ``return`` gives a string literal, a name or an attribute: ``[(the function's path, the
    returned expression)]``, one per ``return``; None for anything else (a ``.get`` lookup, a
    function the index cannot see into)."""
    if not isinstance(call, ast.Call) or not isinstance(call.func, (ast.Name, ast.Attribute)):
        return None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "get":
        return None
    found = index.resolve_expr(path, call.func, scope)
    if not found or not found[1]:
        return None
    other = index.scan(found[0])
    values = other.returns.get(found[1]) if other is not None else None
    return [(found[0], value) for value in values] if values else None


def config_may_set(index: "ProjectIndex", target: Tuple[str, str], key: str, depth: int = 0) -> bool:
    """Whether what ``from_object`` loads as ``target`` (``(path, class name)``, ``""`` for the
    module) may set the config ``key`` (``"SECRET_KEY"`` or ``"DEBUG"``): the class or one of its
    bases assigns it, the module binds it; True when it cannot be told (an unknown class or base).
    ``from_object`` copies the uppercase attributes, inherited ones too:
    https://flask.palletsprojects.com/en/stable/api/#flask.Config.from_object"""
    path, name = target
    scan = index.scan(path)
    if scan is None:
        return True
    if not name:
        return key in scan.bound.get("", ()) or (key == "SECRET_KEY" and scan.module_secret is not None)
    cls = scan.classes.get(name)
    if cls is None or (cls.sets_secret if key == "SECRET_KEY" else cls.sets_debug):
        return True
    for base in cls.bases:
        if base == "object":
            continue
        if base not in scan.classes or depth > 5 or config_may_set(index, (path, base), key, depth + 1):
            return True
    return False


def _bound_configs(index: "ProjectIndex", path: str, func: str, param: str, depth: int) -> List[Tuple[str, str]]:
    """What the callers of ``func`` pass for its parameter ``param``, as config targets."""
    if depth > 2:
        return []
    out: List[Tuple[str, str]] = []
    for caller, site in call_sites(index, path, func):
        value = bound_argument(index, path, func, param, site.node)
        if value is not None:
            out.extend(t for t in config_targets(index, caller, value, site.ctx.scope, depth + 1) if t not in out)
    return out


def pyfile_may_set(index: "ProjectIndex", path: str, arg: Optional[ast.expr], key: str) -> bool:
    """Whether ``config.from_pyfile(arg)`` written in ``path`` may set ``key``: False only when
    ``arg`` is a relative file name whose copies in the project (beside ``path``, or in the
    ``instance`` folder next to it or its package: ``instance_relative_config``) all parse and bind
    no top-level ``key``; True otherwise (a file the deployment provides may set anything).
    https://flask.palletsprojects.com/en/stable/config/#instance-folders"""
    name = string_constant(arg)
    if not name or os.path.isabs(name) or "$" in name:
        return True
    folder = os.path.dirname(path)
    bases = (folder, os.path.join(folder, "instance"), os.path.join(os.path.dirname(folder), "instance"))
    candidates = {os.path.normpath(os.path.join(base, name)) for base in bases}
    found = [c for c in sorted(candidates) if c.startswith(index.root + os.sep) and os.path.isfile(c)]
    if not found:
        return True
    for candidate in found:
        try:
            tree = ast.parse(module_bytes(candidate), filename=candidate)
        except (SyntaxError, ValueError, RecursionError):
            return True
        for stmt in tree.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
            star = isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names)
            if star or any(isinstance(t, ast.Name) and t.id == key for t in targets):
                return True
    return False


def imports_transitively(index: "ProjectIndex", start: str, path: str) -> bool:
    """True when importing the project module ``start`` imports ``path`` (or is it)."""
    seen, todo = {start}, [start]
    while todo:
        current_path = todo.pop()
        if current_path == path:
            return True
        for target, _ref in index.edges(current_path):
            if target not in seen and len(seen) < 500:
                seen.add(target)
                todo.append(target)
    return False


def later_config_loads(scan: ModuleScan, receiver: str, scope: str, line: int) -> List[ConfigLoad]:
    """The config loads (``from_object``/``from_pyfile``/... and ``SECRET_KEY`` assignments) of the
    app ``receiver`` in ``scope`` after ``line``: what may override a setting made at ``line``."""
    return [load for load in scan.loads
            if load.receiver == receiver and load.ctx.scope == scope and load.node.lineno > line]  # type: ignore
