"""Sources: where a project's files are and how their text is read, below every analysis.

- Walking: the project root around a file (:func:`find_root`), the project's files
  (:func:`walk_project`, :func:`python_files`) and the normalised path every cache is keyed by
  (:func:`normpath`); each kept in the run's session (a fix edits files, it never creates one).
- Decoding: Python source bytes as Python reads them (:func:`decode`, PEP 263 cookies and BOM).
- ``# noqa`` as flake8 reads it (:func:`is_noqa`).
- The files a command line names (:func:`iter_python_files`) and how paths are shown (:func:`relative_path`).
"""
from __future__ import annotations

import codecs
import contextlib
import io
import json
import os
import re
import stat
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

try:  # CPython's own BLAKE2: importing ``hashlib`` starts OpenSSL (~2 ms of every warm editor run)
    from _blake2 import blake2b as _blake2b
except ImportError:  # another interpreter, or a build without it
    from hashlib import blake2b as _blake2b
from . import __version__
from .session import LAYOUT, current
from .records import LazyPattern, Record

#: Files whose presence marks a project root.
ROOT_MARKERS = (".git", "pyproject.toml", "setup.cfg", "setup.py", "tox.ini")
#: Folders never searched for project files.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv", "env",
     ".env", "site-packages", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist", ".eggs"}
)
#: Most folders walked when looking for files in one project (a guard against walking a home folder).
MAX_WALK_DIRS = 20000


def normpath(path: str) -> str:
    """Absolute, normalised path (symlinks resolved) used as the key of every cache (kept for the
    session: a fix never creates or moves a file). ``os.path.realpath`` of the absolute path: for a
    last component that is no symbolic link, its folder's answer (kept too: a project's files share
    a few folders) joined with the name, which is what ``realpath`` gives (one ``lstat``, not one
    per component)."""
    store = current().cache("sources.normpath", LAYOUT)
    found = store.get(path)
    if found is None:
        absolute = os.path.abspath(path)
        folder, name = os.path.split(absolute)
        if name and folder != absolute and not os.path.islink(absolute):
            found = os.path.join(normpath(folder), name)
        else:
            found = os.path.realpath(absolute)
        store[path] = found
    return found


def is_test_path(filename: str) -> bool:
    """True for a test module's path (``/`` or ``\\`` separated, as given): a ``test_*.py``,
    ``*_test.py`` or ``conftest.py`` file (pytest's default discovery,
    https://docs.pytest.org/en/stable/explanation/goodpractices.html#conventions-for-python-test-discovery),
    or any file under a ``tests``, ``test`` or ``testing`` folder. Give it the path inside the project
    (:func:`path_inside`): a project that itself lies under a ``tests`` folder is no test module."""
    parts = filename.replace("\\", "/").split("/")
    base = parts[-1]
    if base.startswith("test_") or base.endswith("_test.py") or base == "conftest.py":
        return True
    return any(p in ("tests", "test", "testing") for p in parts[:-1])


def path_inside(path: str, root: str, filename: str) -> str:
    """The path of module ``path`` (normalised: :func:`normpath`) relative to its project ``root``,
    as the facts judge a test module by it; ``filename`` (as given) when ``path`` is not under
    ``root`` (``/tmp/tests/proj/app.py`` is not a test module of ``proj``)."""
    return path[len(root) + 1:] if path.startswith(root + os.sep) else filename


def find_root(directory: str) -> str:
    """Return the nearest ancestor of ``directory`` (itself included) holding a root marker.

    Args:
        directory: absolute folder of the linted file.
    Returns:
        str: the root folder; ``directory`` itself when no ancestor has a marker.
    """
    store = current().cache("sources.roots", LAYOUT)
    found = store.get(directory)
    if found is None:
        found = store[directory] = _find_root(directory, store)
    return found


def is_project_root(folder: str) -> bool:
    """True when ``folder`` holds a root marker (:data:`ROOT_MARKERS`): :func:`find_root` found a
    project there, not the folder of a file outside any project. Kept for the session, as
    :func:`find_root`'s answers are (every cache question asks it)."""
    store = current().cache("sources.is_root", LAYOUT)
    found = store.get(folder)
    if found is None:
        found = store[folder] = any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS)
    return found


#: Files that start a project from the folder they are in (a container build context, a Procfile
#: platform): a folder holding one owns the sub-projects below it that have none (see :func:`_find_root`).
LAUNCHING_FILES = re.compile(r"^(Dockerfile(\..*)?|.*\.[Dd]ockerfile|(docker-)?compose.*\.ya?ml|Procfile)$")


def _find_root(directory: str, store: Optional[Dict[str, str]] = None) -> str:
    """The nearest folder with a root marker, unless that folder launches nothing itself (no
    :data:`LAUNCHING_FILES`, no ``.git``) and a folder above it, inside the same repository, does:
    then that folder (``backend/pyproject.toml`` built by the repository's ``Dockerfile`` with
    ``COPY backend /app`` belongs to the repository's project, whose deployment files run it).
    ``store``: the session's answers for other folders, reused for the ancestors and filled in for
    the folders passed on the way up."""
    folder = directory
    passed = []  # the folders below ``folder`` without a marker: their root is the one found above
    while True:
        known = store.get(folder) if store is not None and folder != directory else None
        if known is not None and (known != folder or is_project_root(folder)):
            found = known  # ``folder``'s own search, already made (from here up it is the same)
            break
        if known is None and is_project_root(folder):
            found = _launching_ancestor(folder) or folder
            break
        parent = os.path.dirname(folder)
        if parent == folder or known is not None:
            return directory  # no marker up to the file system's root
        passed.append(folder)
        folder = parent
    if store is not None:
        for below in passed:
            store.setdefault(below, found)
    return found


def _launches(folder: str) -> bool:
    """True when ``folder`` holds one of :data:`LAUNCHING_FILES` (listed once per session: the walks
    ask it of every sub-project they meet)."""
    store = current().cache("sources.launching", LAYOUT)
    found = store.get(folder)
    if found is None:
        try:
            found = any(LAUNCHING_FILES.match(name) for name in os.listdir(folder))
        except OSError:
            found = False
        store[folder] = found
    return found


def _launching_ancestor(folder: str) -> Optional[str]:
    """For a marker folder that neither launches anything nor is a repository: the nearest root
    above it (a folder with a root marker), up to the repository root (the nearest ``.git``), that
    holds :data:`LAUNCHING_FILES`; None when there is none (or no repository above)."""
    if os.path.exists(os.path.join(folder, ".git")) or _launches(folder):
        return None
    candidates = []
    current_dir = os.path.dirname(folder)
    while True:
        candidates.append(current_dir)
        if os.path.exists(os.path.join(current_dir, ".git")):
            break
        parent = os.path.dirname(current_dir)
        if parent == current_dir:
            return None  # no repository above: do not wander up the file system
        current_dir = parent
    return next((c for c in candidates
                 if _launches(c) and any(os.path.exists(os.path.join(c, marker)) for marker in ROOT_MARKERS)), None)


def walk_project(root: str, nested: bool = False) -> Iterator[Tuple[str, List[str]]]:
    """Yield ``(folder, file names)`` under ``root``, skipping virtualenvs, VCS, hidden and build
    folders and, unless ``nested`` is true, nested projects (a sub-folder with its own root marker:
    its deployment files are its own), never following symlinks. Stops after :data:`MAX_WALK_DIRS`
    folders. The walk of a project (``nested`` false) is done once per session: the deployment
    context, the module list and the index all ask for it."""
    if nested:
        yield from _walk(root, True)
        return
    for folder, files in _project_walk(root):
        yield folder, list(files)


def _project_walk(root: str) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    store = current().cache("sources.walks", LAYOUT)
    found = store.get(root)
    if found is None:
        found = _stored_walk(root)
        if found is None:
            seen: Dict[str, Dict[str, Any]] = {"folders": {}, "nested": {}, "links": {}}
            started = time.time_ns()
            found = tuple((folder, tuple(files)) for folder, files in _walk(root, False, seen=seen))
            _store_walk(root, found, seen, started)
        store[root] = found
    return found


def _walk(root: str, nested: bool, excluded: Optional[Callable[[str], bool]] = None,
          seen: Optional[Dict[str, Dict[str, Any]]] = None) -> Iterator[Tuple[str, List[str]]]:
    """``os.walk(root)`` top down, sub-folders sorted and pruned (:data:`SKIP_DIRS`, hidden folders,
    ``*.egg-info``, virtualenvs, nested projects unless ``nested``, ``excluded``), symlinked folders
    not followed, file names sorted without the symlinks that point out of the project. Each folder
    is listed once (``os.scandir``): the tests of a sub-folder (``pyvenv.cfg``, a root marker) read
    the listing its walk uses, not one ``stat`` per name. ``seen``: filled with what the walk's
    answer depends on, for :func:`_stored_walk` (each listed folder's mtime and listing; the
    nested-project test of each sub-folder holding a root marker; the symlinks' test)."""
    real_root = os.path.realpath(root)
    listing = _seen_listing(root, seen)
    if listing is None:
        return
    stack = [(root, listing)]
    count = 0
    while stack:
        folder, (dirs, files, links, _names) = stack.pop()
        count += 1
        if count > MAX_WALK_DIRS:
            return
        kept = []
        for name in sorted(dirs):
            if name in SKIP_DIRS or name.startswith(".") or name.endswith(".egg-info"):
                continue
            path = os.path.join(folder, name)
            if excluded and excluded(path):
                continue
            below = _seen_listing(path, seen)
            if below is None or _is_venv(path, below):
                continue
            if not nested:
                inner = _is_nested_root(path, below)
                if seen is not None and any(marker in below[3] for marker in ROOT_MARKERS):
                    seen["nested"][path] = inner
                if inner:
                    continue
            kept.append((path, below))
        outside = {f for f in links if _links_out(os.path.join(folder, f), real_root)}
        if seen is not None:
            seen["links"].update((os.path.join(folder, f), f in outside) for f in links)
        yield folder, sorted(f for f in files if f not in outside)
        stack.extend(reversed(kept))


def _seen_listing(folder: str, seen: Optional[Dict[str, Dict[str, Any]]]) -> Optional["_Listing"]:
    """:func:`_listing` of ``folder``; with ``seen``, its mtime (taken before the listing) and the
    listing are noted in ``seen["folders"]``."""
    if seen is None:
        return _listing(folder)
    try:
        mtime = os.stat(folder).st_mtime_ns
    except OSError:
        return None
    found = _listing(folder)
    if found is not None:
        seen["folders"][folder] = [mtime, sorted(found[0]), sorted(found[1]), sorted(found[2])]
    return found


#: A folder whose mtime is this close to the walk's start (or later) is listed again before a stored
#: walk is trusted: a file system that keeps mtimes in whole seconds (FAT: two) would show a change
#: made in the same second as the walk with the same mtime (git's "racy clean" entries).
RACY_NS = 3_000_000_000


def _stored_walk(root: str) -> Optional[Tuple[Tuple[str, Tuple[str, ...]], ...]]:
    """The walk of ``root`` from the on-disk cache (``walk.json``), when nothing it depends on has
    changed since it was stored: every folder it listed has the mtime it had (a name added, removed
    or renamed in a folder changes the folder's mtime: POSIX ``rename``/``unlink``/``creat``) or,
    if not (an editor's save through a temporary file) or too close to the walk, lists the same
    sub-folders, files and symlinks again; each nested-project test and symlink test gives the same
    answer; the same tool wrote it. Else None (rebuild). Also notes the virtualenvs it skipped."""
    data = _read_cache(root, "walk")
    if data is None:
        return None
    try:
        racy = data["started"] - RACY_NS
        for folder, (mtime, dirs, files, links) in data["folders"].items():
            if os.stat(folder).st_mtime_ns == mtime and mtime < racy:
                continue
            listing = _listing(folder)
            if listing is None or [sorted(listing[0]), sorted(listing[1]), sorted(listing[2])] != [dirs, files, links]:
                return None
        if any(_is_nested_root(path) != inner for path, inner in data["nested"].items()):
            return None
        real_root = os.path.realpath(root)
        if any(_links_out(path, real_root) != outside for path, outside in data["links"].items()):
            return None
        venvs = current().cache("sources.venvs", LAYOUT)
        for venv in data["venvs"]:
            venvs.setdefault(os.path.dirname(venv), set()).add(venv)
        return tuple((folder, tuple(files)) for folder, files in data["walk"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _store_walk(root: str, walked: Tuple[Tuple[str, Tuple[str, ...]], ...], seen: Dict[str, Dict[str, Any]],
                started: int) -> None:
    """Write the walk of ``root`` and what it depends on (``seen``, see :func:`_walk`) to
    ``walk.json`` for :func:`_stored_walk` (atomically, as every cache file; not for the folder of
    a file outside any project)."""
    if not cache_enabled() or not is_project_root(root):
        return
    _write_cache(root, "walk", {"format": CACHE_FORMAT, "tool": tool_stamp(), "root": root, "started": started,
                                "walk": walked, "venvs": _skipped_beside(walked), **seen})


#: What :func:`_listing` gives for a folder.
_Listing = Tuple[List[str], List[str], frozenset, frozenset]


def _listing(folder: str) -> Optional[_Listing]:
    """``(sub-folders, other names, symlinks among them, every name)`` of ``folder`` as ``os.walk``
    sorts them (a symlink to a folder is neither: it is never followed); None when it cannot be listed."""
    dirs: List[str] = []
    files: List[str] = []
    links: List[str] = []
    names: List[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                    is_link = entry.is_symlink()
                except OSError:
                    is_dir = is_link = False
                names.append(entry.name)
                if is_dir and is_link:
                    continue
                (dirs if is_dir else files).append(entry.name)
                if is_link:
                    links.append(entry.name)
    except OSError:
        return None
    return dirs, files, frozenset(links), frozenset(names)


def _is_venv(folder: str, listing: _Listing) -> bool:
    """True for a virtualenv by its whole layout: ``pyvenv.cfg`` beside a ``bin``/``Scripts`` folder
    and a ``lib``/``Lib`` folder, as ``venv`` and ``virtualenv`` create it
    (https://docs.python.org/3/library/venv.html#how-venvs-work). A ``pyvenv.cfg`` alone in an app's
    folder does not hide the app (the precision issue's class 9). Each one skipped is noted for the
    project's context (:func:`virtualenvs_skipped`)."""
    dirs = set(listing[0])
    if "pyvenv.cfg" not in listing[3] or not dirs & {"bin", "Scripts"} or not dirs & {"lib", "Lib"}:
        return False
    current().cache("sources.venvs", LAYOUT).setdefault(os.path.dirname(folder), set()).add(folder)
    return True


def virtualenvs_skipped(root: str) -> List[str]:
    """The virtualenv folders (:func:`_is_venv`) the walk of the project ``root`` left out, sorted:
    the deployment context says so, rather than hiding code silently."""
    return _skipped_beside(_project_walk(root))  # the walk notes them


def _skipped_beside(walked: Sequence[Tuple[str, Sequence[str]]]) -> List[str]:
    """The virtualenvs :func:`_is_venv` noted in the folders of ``walked`` (a walk's answer), sorted."""
    found = current().cache("sources.venvs", LAYOUT)
    folders = {folder for folder, _files in walked}
    return sorted(venv for parent, venvs in found.items() if parent in folders for venv in venvs)


def _links_out(path: str, real_root: str) -> bool:
    """True for a symlink whose target lies outside the project root (never read)."""
    if not os.path.islink(path):
        return False
    target = os.path.realpath(path)
    return target != real_root and not target.startswith(real_root + os.sep)


def _is_nested_root(folder: str, listing: Optional[_Listing] = None) -> bool:
    """A sub-folder with a root marker of its own is another project (its deployment files are its
    own), unless a folder above it launches it (:func:`_launching_ancestor`). ``listing``: the
    folder's (:func:`_listing`), when the caller has it."""
    if listing is not None:
        if not any(marker in listing[3] for marker in ROOT_MARKERS):
            return False
    return any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS) \
        and _launching_ancestor(folder) is None


def python_files(root: str) -> Tuple[str, ...]:
    """The ``.py`` files of the project ``root`` (paths relative to it), from its walk; kept for the session."""
    store = current().cache("sources.python_files", LAYOUT)
    found = store.get(root)
    if found is None:
        out = []
        prefix = os.path.join(root, "")
        for folder, files in walk_project(root):
            # the walk joins names onto ``root``: the folder below it is the rest of the string
            # (``os.path.relpath`` makes both paths absolute for every file: ~1 ms a run on 300 modules)
            below = "" if folder == root else folder[len(prefix):] + os.sep if folder.startswith(prefix) else None
            for name in files:
                if name.endswith(".py"):
                    out.append(below + name if below is not None else
                               os.path.relpath(os.path.join(folder, name), root))
        found = store[root] = tuple(out)
    return found


def iter_python_files(paths: Sequence[str], excluded: Optional[Callable[[str], bool]] = None) -> Iterable[str]:
    """Yield the ``.py`` files named by ``paths`` (files as given, folders walked).

    Args:
        excluded: a test of a path (a file, a folder, a path given) that leaves it out, as flake8's
            ``exclude`` does: an excluded folder is not walked.
    """
    for path in paths:
        if excluded and excluded(path):
            continue
        if os.path.isdir(path):
            # every project below a folder named on the command line is checked (``check mono``)
            for folder, files in _walk(os.path.abspath(path), True, excluded):
                for name in files:
                    if name.endswith(".py") and not (excluded and excluded(os.path.join(folder, name))):
                        yield os.path.join(folder, name)
        else:
            yield path


#: A line break as Python reads source: ``\r\n``, ``\r`` or ``\n`` (``text.split`` on it gives lines
#: numbered as ``ast`` numbers them).
LINE_BREAK = LazyPattern(r"\r\n|\r|\n")


# flake8's own ``# noqa`` syntax: https://flake8.pycqa.org/en/latest/user/violations.html#in-line-ignoring-errors
NOQA = LazyPattern(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def is_noqa(line: str, code: str) -> bool:
    """True when ``line`` carries ``# noqa`` or ``# noqa: <codes>`` naming ``code`` (or a prefix)."""
    match = NOQA.search(line)
    if not match:
        return False
    codes = match.group("codes")
    if not codes:
        return True
    return any(code.startswith(c.strip().upper()) for c in re.split(r"[,\s]+", codes) if c.strip())


def relative_path(path: str) -> str:
    """``path`` relative to the current directory, or as given when it lies outside it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


@dataclass(init=False, repr=False, eq=False)
class Source(Record):
    """A Python file's text and how to write it back (``encoding`` includes ``-sig`` for a BOM)."""

    text: str
    encoding: str

    def __init__(self, text: str, encoding: str) -> None:
        self.text = text
        self.encoding = encoding


def decode(data: bytes) -> Source:
    """Decode Python source bytes as Python does (BOM, PEP 263 coding cookie, else UTF-8).

    Raises:
        SyntaxError: invalid or conflicting coding cookie; UnicodeDecodeError: bytes invalid in the
        encoding; LookupError: unknown encoding.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    return Source(data.decode(encoding), encoding)


def encode(source: Source, text: str) -> bytes:
    """Encode ``text`` back the way ``source`` was read (a BOM stays, a cookie's codec is used)."""
    return text.encode(source.encoding)


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically, keeping its permission bits.

    A temporary file is written in the same folder (same file system) and moved over the target
    with :func:`os.replace`; a symlink is followed (its target is replaced).

    Raises:
        OSError: the file is read-only (no user write bit) or cannot be written.
    """
    target = os.path.realpath(path)
    st = os.stat(target)
    if not st.st_mode & stat.S_IWUSR:
        raise PermissionError(f"{path} is read-only")
    folder = os.path.dirname(target)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".", suffix=".fdp-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---- the on-disk cache ----------------------------------------------------------------------------
#: The folder of the on-disk cache, at a project's root (a ``.gitignore`` holding ``*`` keeps it out
#: of git, as ``.ruff_cache`` and ``.mypy_cache`` do). Deleting it is always safe.
CACHE_DIR = ".flake8-flask-deploy-cache"
#: The layout of a cache file; another value is never read.
CACHE_FORMAT = 1


def stat_key(path: str) -> Optional[List[int]]:
    """``[size, mtime_ns]`` of the file ``path``, None when it cannot be stat'ed (missing)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def tool_stamp() -> str:
    """The tool's version and the size and mtime of each of its modules (an edited development
    install is another tool): a cache written by another one is never read (kept for the session)."""
    store = current().cache("sources.tool_stamp", LAYOUT)
    found = store.get("")
    if found is None:
        parts = [__version__]
        _stamp_modules(os.path.dirname(os.path.abspath(__file__)), "", parts)
        found = store[""] = "\n".join(parts)
    return found


def _stamp_modules(folder: str, rel: str, parts: List[str]) -> None:
    """Append ``rel/name.py:[size, mtime_ns]`` for each module under ``folder`` (``rel`` its path
    inside the package), by name, folders after the files beside them (one ``scandir`` per folder:
    every editor run asks it)."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return
    below = []
    for entry in entries:
        if entry.name.endswith(".py"):
            try:
                st = entry.stat()
                parts.append(f"{rel}{entry.name}:{[st.st_size, st.st_mtime_ns]}")
            except OSError:
                parts.append(f"{rel}{entry.name}:None")
        elif entry.name != "__pycache__" and entry.is_dir():
            below.append(entry)
    for entry in below:
        _stamp_modules(entry.path, f"{rel}{entry.name}/", parts)


def _walk_key(root: str) -> str:
    """What the project walk found (every folder and file name): a file added, removed or renamed in a
    folder the walk lists changes it. Kept for the session, as the walk is."""
    store = current().cache("sources.walk_keys", LAYOUT)
    found = store.get(root)
    if found is None:
        walked = repr((_project_walk(root), virtualenvs_skipped(root)))  # a virtualenv's folder too: it is named
        found = store[root] = _blake2b(walked.encode("utf-8", "surrogateescape")).hexdigest()
    return found


def cache_enabled() -> bool:
    """True when the current session may use the on-disk cache: it was asked for (the plugin and
    ``check`` unless ``--no-cache`` or ``cache = false``) and no text of the fixer stands for a file."""
    session = current()
    return session.disk_cache and not session.overrides and not session.deploy_texts


def _read_cache(root: str, name: str) -> Optional[Dict[str, Any]]:
    """The cache file ``name`` of the project ``root`` as stored, when the current session may use
    the cache and the same tool wrote it for this root; None otherwise (missing, unreadable, foreign:
    never an error). Every loader below reads through it."""
    if not cache_enabled():
        return None
    try:
        with open(os.path.join(root, CACHE_DIR, name + ".json"), "rb") as handle:
            data = json.loads(handle.read())
        if data["format"] != CACHE_FORMAT or data["root"] != root or data["tool"] != tool_stamp():
            return None
        return data if isinstance(data, dict) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def read_cached(root: str, name: str) -> Optional[Tuple[Any, bool]]:
    """``(value, fresh)`` stored under ``name`` in the cache of the project ``root`` by the same tool:
    ``fresh`` when every file it was derived from has the size and mtime it had then and the project
    walk lists the same files (:func:`load_cached`'s test); a stale value serves a caller that knows
    a part of it depends on the tool alone (the rules' text test of ``prefilter.json``). None when
    there is none."""
    data = _read_cache(root, name)
    if data is None or "value" not in data:
        return None
    try:
        fresh = data["walk"] == _walk_key(root) and all(stat_key(p) == key for p, key in data["files"].items())
    except (KeyError, TypeError, AttributeError):
        fresh = False
    return data["value"], fresh


def load_cached(root: str, name: str) -> Any:
    """The value stored under ``name`` in the cache of the project ``root``, when every file it was
    derived from has the size and mtime it had then, the project walk lists the same files, and the
    same tool wrote it; else None (a missing, unreadable or foreign cache file is no error)."""
    found = read_cached(root, name)
    return found[0] if found is not None and found[1] else None


@contextlib.contextmanager
def recording_reads(inside: str = "", alone: bool = False) -> Iterator[Dict[str, Optional[List[int]]]]:
    """While active, every file the process opens (under the folder ``inside``, when given: the
    project's; the modules a parser's import opens are not its files) is recorded with its size and
    mtime *before* it is read (``sys.addaudithook``'s ``open`` event): a file changed while it is read
    is stored with its old stamp, so the entry is found stale next time, never wrongly fresh.

    ``alone``: the recordings already active do not see the files opened meanwhile (a part of a
    value kept in the cache with its own files: the scripts of a deployment context)."""
    seen: Dict[str, Optional[List[int]]] = {}
    session = current()
    _install_audit_hook()
    outer = session.recording
    if alone:
        session.recording = []
    session.recording.append((inside + os.sep if inside else "", seen))
    try:
        yield seen
    finally:
        session.recording.pop()
        if alone:
            session.recording = outer


_HOOKED: List[bool] = []


def _install_audit_hook() -> None:
    if _HOOKED:
        return
    _HOOKED.append(True)

    def hook(event: str, args: tuple) -> None:
        if event != "open":
            return
        recording = current().recording
        if recording and isinstance(args[0], str):
            path = os.path.abspath(args[0])
            for inside, seen in recording:
                if path not in seen and path.startswith(inside):
                    seen[path] = stat_key(path)

    sys.addaudithook(hook)


def store_cached(root: str, name: str, value: Any, files: Dict[str, Optional[List[int]]]) -> None:
    """Write ``value`` (plain JSON data) under ``name`` in the cache of the project ``root``, keyed by
    the stamps of ``files`` (path -> ``[size, mtime_ns]``, None for a missing file; only those inside
    the project are kept), the project walk and the tool. Written to a temporary file and moved into
    place (``os.replace``): a process reading at the same time sees the old file or the new one, and
    two writing at once leave one of theirs. A project that cannot be written is left alone."""
    if not cache_enabled():
        return
    folder = os.path.join(root, CACHE_DIR)
    inside = {p: k for p, k in files.items()
              if p.startswith(root + os.sep) and not p.startswith(folder + os.sep)}
    _write_cache(root, name, {"format": CACHE_FORMAT, "tool": tool_stamp(), "root": root, "walk": _walk_key(root),
                              "files": inside, "value": value})


def replace_cached_value(root: str, name: str, previous: Any, value: Any) -> None:
    """Store ``value`` under ``name`` in the cache of the project ``root`` in place of ``previous``,
    keyed as that one was (its files, walk and tool): for a value derived from the same files, with
    parts checked on their own (the scripts of a deployment context). Nothing is written when the
    entry there no longer holds ``previous`` (another process replaced it), is another tool's or
    cannot be read."""
    data = _read_cache(root, name)
    if data is None or "value" not in data or data["value"] != previous:
        return
    data["value"] = value
    _write_cache(root, name, data)


def load_entries(root: str, name: str) -> Dict[str, Any]:
    """The per-file entries stored under ``name`` in the cache of the project ``root`` (path ->
    ``[[size, mtime_ns], value]``), when the same tool wrote them; ``{}`` otherwise. Each entry is
    derived from its own file alone: the caller uses it only when that file has the stamp it holds
    (:func:`stat_key`), so no project walk or other file is checked."""
    entries = (_read_cache(root, name) or {}).get("entries")
    return entries if isinstance(entries, dict) else {}


def store_entries(root: str, name: str, entries: Dict[str, Any]) -> None:
    """Write the per-file ``entries`` (see :func:`load_entries`) under ``name`` in the cache of the
    project ``root``, as :func:`store_cached` writes (atomically; a project that cannot be written is
    left alone). Only files inside the project are kept."""
    if not cache_enabled():
        return
    folder = os.path.join(root, CACHE_DIR)
    inside = {p: e for p, e in entries.items() if p.startswith(root + os.sep) and not p.startswith(folder + os.sep)}
    _write_cache(root, name, {"format": CACHE_FORMAT, "tool": tool_stamp(), "root": root, "entries": inside})


def _write_cache(root: str, name: str, data: Dict[str, Any]) -> None:
    folder = os.path.join(root, CACHE_DIR)
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        ignore = os.path.join(folder, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write("# written by flake8-flask-deploy: its cache, safe to delete\n*\n")
        # one ``dumps`` and one write: ``json.dump`` writes chunk by chunk (5 ms for the 126 KB
        # index.json of a 292-module project that every editor run after a save rewrites; 0.9 ms so)
        text = json.dumps(data, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=name + ".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp made it private; the project's files are not
        os.replace(tmp, os.path.join(folder, name + ".json"))
        tmp = None
    except (OSError, TypeError, ValueError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
