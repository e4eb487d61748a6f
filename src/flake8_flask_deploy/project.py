"""The project around a linted file: its root, its modules, and facts of modules it imports.

Everything here is cached in the run's :class:`~flake8_flask_deploy.session.Session` (flake8 runs the
plugin once per file, possibly in several worker processes; each builds what it needs once).
"""
from __future__ import annotations

import ast
import os
import re
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from .facts import FACTORY, IMPORT, AppBinding, ModuleFacts, Where, collect, detached
from .records import LazyPattern
from .session import FILE, PROJECT, current
from .sources import find_root, normpath, python_files, walk_project


def module_file(base: str, dotted: str) -> Optional[str]:
    """Find the file of the dotted module ``dotted`` under folder ``base`` (also under ``base/src``).

    Returns:
        Optional[str]: the normalised path of ``mod.py`` or ``mod/__init__.py``, or None.
    """
    if not dotted or not re.fullmatch(r"[A-Za-z_][\w.]*", dotted):
        return None
    rel = dotted.replace(".", os.sep)
    for prefix in (base, os.path.join(base, "src")):
        for candidate in (os.path.join(prefix, rel + ".py"), os.path.join(prefix, rel, "__init__.py")):
            if os.path.isfile(candidate):
                return normpath(candidate)
    return None


def find_file_by_suffix(root: str, rel: str) -> Optional[str]:
    """Find the one file under ``root`` whose path ends with ``rel`` (``"app.py"``, ``"web/app.py"``).

    Returns None when there is none or more than one (an ambiguous match is no match).
    """
    rel = rel.replace("/", os.sep).lstrip(os.sep)
    matches = [p for p in python_files(root) if p == rel or p.endswith(os.sep + rel)]
    if len(matches) == 1:
        return normpath(os.path.join(root, matches[0]))
    return None


def dotted_to_file(root: str, dotted: str, bases: Tuple[str, ...] = ()) -> Optional[str]:
    """Resolve a dotted module name against ``bases`` (tried in order), then ``root``, then a
    unique suffix match in the project (``app`` may live in ``backend/app.py``)."""
    for base in bases + (root,):
        found = module_file(base, dotted)
        if found:
            return found
    return find_file_by_suffix(root, dotted.replace(".", os.sep) + ".py") or find_file_by_suffix(
        root, os.path.join(dotted.replace(".", os.sep), "__init__.py")
    )


#: Most files whose facts are kept (the oldest entry goes first).
MAX_FACTS = 512


def _facts_cache() -> Dict[str, Tuple[Tuple[int, int], Optional[ModuleFacts]]]:
    """path -> ((size, mtime_ns), facts or None): the facts of other project files, for the session."""
    return current().cache("project.facts", FILE)


def _stat_key(path: str) -> Optional[Tuple[int, int]]:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def remember_facts(path: str, facts: Optional[ModuleFacts], key: Optional[Tuple[int, int]] = None
                   ) -> Optional[ModuleFacts]:
    """Keep ``facts`` as :func:`facts_of_file`'s answer for ``path`` (a caller that parsed the file
    for another reason saves the second parse). ``key`` is the file's ``(size, mtime_ns)`` when it
    was read (default: now). What is kept is :func:`~flake8_flask_deploy.facts.detached` from
    ``facts`` (no function or guard bodies: the cache outlives the tree); it is returned."""
    kept = detached(facts) if facts is not None else None
    key = key or _stat_key(path)
    if key is None:
        return kept
    store = _facts_cache()
    if len(store) >= MAX_FACTS and path not in store:
        del store[next(iter(store))]
    store[path] = (key, kept)
    return kept


#: Most whole trees :func:`module_tree` keeps (the oldest goes first): scripts a launch runs and the
#: modules they call into, a handful per project, not every module (those keep detached facts).
MAX_TREES = 64


def module_tree(path: str) -> Optional[ast.Module]:
    """The ``ast`` of the Python file ``path`` (never executed), or None when it cannot be read or
    parsed: parsed once for the session while its size and modification time stay the same, for the
    readers that look at a launch's script or a function it calls (``waitress.serve``, a Flask-Script
    manager, a thin launcher's calls, a set-up function under the guard) rather than each parsing it."""
    key = _stat_key(path)
    if key is None:
        return None
    store = current().cache("project.trees", FILE)
    cached = store.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with open(path, "rb") as handle:
            tree: Optional[ast.Module] = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    if len(store) >= MAX_TREES and path not in store:
        del store[next(iter(store))]
    store[path] = (key, tree)
    return tree


def facts_of_file(path: str) -> Optional[ModuleFacts]:
    """Parse another project file (never execute it) and return its facts, or None when it cannot
    be read or parsed. Cached for the session by path, size and modification time; the facts are
    :func:`~flake8_flask_deploy.facts.detached` (statements only to be placed are positions)."""
    key = _stat_key(path)
    if key is None:
        return None
    cached = _facts_cache().get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    facts: Optional[ModuleFacts]
    try:
        with open(path, "rb") as handle:
            source = handle.read()
        facts = collect(ast.parse(source, filename=path), path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        facts = None
    return remember_facts(path, facts, key)


def importer_base(path: str, module: str, level: int) -> Optional[str]:
    """The file of the module named by ``from <level dots><module> import x`` written in ``path``."""
    folder = os.path.dirname(path)
    if level:
        for _ in range(level - 1):
            folder = os.path.dirname(folder)
        if not module:
            init = os.path.join(folder, "__init__.py")
            return normpath(init) if os.path.isfile(init) else None
        return module_file(folder, module)
    # absolute import: look in the importer's folder, then each ancestor up to the project root
    root = find_root(folder)
    current = folder
    while True:
        found = module_file(current, module)
        if found:
            return found
        if current == root or os.path.dirname(current) == current:
            return None
        current = os.path.dirname(current)


def resolve_imported_apps(facts: ModuleFacts, path: Optional[str], depth: int = 0) -> List[AppBinding]:
    """Decide which names imported at module level are Flask apps.

    A name imported from a project module counts when that module binds it to a Flask app (directly,
    through a factory call, or by importing it in turn, up to three hops); a name from a module that
    is not in the project counts when :meth:`ModuleFacts.looks_like_app` says so.

    Args:
        facts: the importing module's facts.
        path: the importing module's absolute path, or None (no project to look in).
    Returns:
        the accepted :class:`AppBinding` candidates.
    """
    accepted = []
    wanted = facts.receivers()
    for binding in facts.import_candidates:
        if binding.name not in wanted and depth == 0:
            continue
        target = importer_base(path, binding.module or "", binding.level) if path else None
        if target is None and path and binding.module is not None and binding.imported_name:
            # ``from blog import app`` where blog/app.py is a submodule, not an attribute
            sub = importer_base(path, f"{binding.module}.{binding.imported_name}".lstrip("."), binding.level)
            if sub is not None:
                continue
        if target is None:
            if facts.looks_like_app(binding):
                accepted.append(binding)
            continue
        if _module_has_app(target, binding.imported_name or "", depth):
            accepted.append(binding)
    if path:
        accepted.extend(_star_imported_apps(facts, path, wanted, accepted, depth))
    for binding in facts.factory_call_candidates if depth == 0 and path else ():
        target = importer_base(path, binding.module or "", binding.level) if binding.name in wanted else None
        if target is not None and _builds_app(target, binding.imported_name or ""):
            accepted.append(binding)
    return accepted


def _star_imported_apps(facts: ModuleFacts, path: str, wanted: Set[str], accepted: List[AppBinding],
                        depth: int) -> List[AppBinding]:
    """The apps ``from <module> import *`` of a project module binds among ``wanted`` (the names the
    module uses as an app): a public name (or one in that module's literal ``__all__``) the module
    binds to an app, as :func:`_module_has_app` decides for ``from <module> import name``; a name the
    module imports by name is that import's. Names it would bind that the module also binds itself
    stay ambiguous (:meth:`ModuleFacts.is_app`). Python's rule for ``*``:
    https://docs.python.org/3/reference/simple_stmts.html#the-import-statement"""
    out: List[AppBinding] = []
    taken = {b.name for b in facts.import_candidates} | {b.name for b in accepted}
    for module, level, stmt, where in facts.star_imports:
        target = importer_base(path, module, level)
        if target is None:
            continue
        for name in sorted(wanted - taken):
            if not _module_has_app(target, name, depth):
                continue
            exported = _dunder_all(target)
            if (name not in exported) if exported is not None else name.startswith("_"):
                continue
            out.append(AppBinding(name, "", stmt, "import", module, name, level, where))
            taken.add(name)
    return out


def _dunder_all(path: str) -> Optional[Set[str]]:
    """The names of the literal ``__all__`` of the module ``path`` (an empty set when it is set to
    something else: what ``*`` binds is then unknown), or None when it has none; from the module's
    facts (``__all__`` is a module constant there, ``+=`` included), parsed once for the session."""
    facts = facts_of_file(path)
    value = facts.constants.get("__all__") if facts is not None else None
    if value is None:
        return None
    names = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)] \
        if isinstance(value, (ast.List, ast.Tuple)) else []
    return set(names) if len(names) == len(getattr(value, "elts", ())) else set()


def _builds_app(path: str, name: str) -> bool:
    """True when the function ``name`` of the project module ``path`` is an app factory there, or
    returns that module's own app (``def make_site(): ...; return app``)."""
    other = facts_of_file(path)
    if other is None or name not in other.functions:
        return False
    if other.function_regions.get(name) == FACTORY:
        return True
    return bool(other.functions[name].returns & {b.name for b in other.module_app_bindings()})


def _module_has_app(path: str, name: str, depth: int) -> bool:
    other = facts_of_file(path)
    if other is None:
        return False
    for binding in other.app_bindings:
        if binding.scope == "" and binding.name == name:
            return True
    if depth >= 3:
        return False
    for binding in other.import_candidates:
        if binding.name == name:
            return any(b.name == name for b in resolve_imported_apps(_only(other, binding), path, depth + 1))
    return bool(_star_imported_apps(other, path, {name}, [], depth + 1))


def _only(facts: ModuleFacts, binding: AppBinding) -> ModuleFacts:
    clone = ModuleFacts()
    clone.import_candidates = [binding]
    clone.used_attrs = facts.used_attrs
    return clone


def complete_facts(tree: ast.Module, path: str, label: Optional[str] = None) -> ModuleFacts:
    """The facts of one module, complete: collected from ``tree`` (one walk), the names it imports
    accepted as apps where the project module they come from binds an app
    (:func:`resolve_imported_apps`), and the names of the session's ``app_names`` option accepted.
    The engine, the fixer, SARIF and the deployment fixes all take their facts from here, so that
    what ``check`` reports as fixable is what ``fix`` finds.

    Args:
        tree: the module's ``ast``; path: its file path (any form: it is normalised);
        label: the path test-module detection reads (the engine gives the path inside the project);
            default ``path``.
    Returns:
        ModuleFacts: the facts (owned by the caller).
    """
    facts = collect(tree, label or path)
    facts.accept_imported_apps(resolve_imported_apps(facts, normpath(path)))
    names = current().options.app_names
    if names:
        _accept_named_apps(tree, facts, names)
    return facts


def _accept_named_apps(tree: ast.Module, facts: ModuleFacts, names: Sequence[str]) -> None:
    """Make the ``app_names`` option's names apps: imported names, and module-level ``name = call(...)``."""
    accepted = [b for b in facts.import_candidates if b.imported_name in names or b.name in names]
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id in names and isinstance(stmt.value, ast.Call):
            accepted.append(AppBinding(stmt.targets[0].id, "", stmt, "factory", where=Where("", IMPORT)))
            facts.other_bindings.pop(("", stmt.targets[0].id), None)
    facts.accept_imported_apps(accepted)


#: The files that declare a project's dependencies (``requirements*.txt``/``*.in``, ``pyproject.toml``,
#: ``Pipfile``, ``setup.py``, ``setup.cfg``, ``environment.yml``).
DEPENDENCY_FILE = LazyPattern(r"^(?:requirements.*\.(?:txt|in)|pyproject\.toml|Pipfile|setup\.py|setup\.cfg"
                              r"|environment\.ya?ml)$")


def dependency_texts(root: str) -> Iterator[Tuple[str, bytes]]:
    """``(file name, first MB of its bytes)`` of each dependency file (:data:`DEPENDENCY_FILE`) of the
    project ``root``, in the project walk's order; a file that cannot be read is left out. Read each
    time (the deployment context's build records what it reads for its cache)."""
    for folder, files in walk_project(root):
        for name in sorted(n for n in files if DEPENDENCY_FILE.match(n)):
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    yield name, handle.read(1_000_000)
            except OSError:
                continue


def required_major(root: str, package: str) -> Optional[int]:
    """The major version of ``package`` that the dependency files (:data:`DEPENDENCY_FILE`) of the
    project ``root`` ask for: the first ``==``/``~=``/``>=``/``===`` version written after its name
    (``connexion[swagger-ui]==2.13.1``, ``"connexion>=3.0"``, Pipfile's ``connexion = "==2.7"``),
    one less than a bare upper bound (``connexion<3``); None when no file names it with a version
    (then the version is unknown). Read once per session (a project cache)."""
    store = current().cache("project.required_major", PROJECT)
    key = (root, package)
    if key not in store:
        spec = re.compile(rb"(?<![\w-])" + re.escape(package.encode()) + rb"(?:\[[^\]]*\])?[\"']?\s*=?\s*[\"']?\s*"
                          rb"(==|~=|>=|===|<|<=)\s*v?(\d+)", re.IGNORECASE)
        found: Optional[int] = None
        for _name, text in dependency_texts(root):
            match = spec.search(text)
            if match:
                major = int(match.group(2))
                found = major - 1 if match.group(1) == b"<" else major
                break
        store[key] = found
    return store[key]
