"""The F401 autofixers a project runs: the tools that would delete an import they think unused.

FDP013 (an import made only to register routes, with no ``# noqa: F401``) is a real risk only where
such a tool runs over the code, so it reports nothing without evidence of one:

- **ruff** with fixes on: the pre-commit hook (``id: ruff`` / ``ruff-check``) with ``--fix`` or
  ``--fix-only`` in ``args``, a CI or Makefile command ``ruff [check] ... --fix``, or ``fix = true``
  in ``[tool.ruff]`` (``pyproject.toml``) or ``ruff.toml``/``.ruff.toml`` together with a ruff hook
  or command. F401 must be selected (ruff's default rules include it) and neither ignored nor
  ``unfixable``. ruff does not delete unused imports in ``__init__.py`` by default (their fix is
  not applied there: https://docs.astral.sh/ruff/rules/unused-import/ ), so ruff counts for other
  modules only.
- **autoflake** with ``--remove-all-unused-imports`` (without it autoflake removes only unused
  standard-library imports: https://github.com/PyCQA/autoflake#usage ), as hook ``args``, on a
  command line, or ``remove-all-unused-imports = true`` in ``[tool.autoflake]``/``[autoflake]`` with
  an autoflake hook or command; ``--ignore-init-module-imports`` spares ``__init__.py``. autoflake
  leaves an import line that carries a comment alone.
- **pycln** with ``--all``/``-a`` (by default it keeps imports that may have side effects, as a
  routes module does: https://hadialqattan.github.io/pycln/#/?id=-a-all-flag ), or ``all = true``
  in ``[tool.pycln]``, with a pycln hook or command.

Read: ``.pre-commit-config.yaml``/``.yml``, ``pyproject.toml``, ``ruff.toml``, ``.ruff.toml``,
``setup.cfg``, ``tox.ini``, ``Makefile``, ``noxfile.py``, ``.gitlab-ci.yml`` and GitHub workflows, at
the project root. Unreadable or malformed files are skipped (they show no evidence). Kept for the
session per root, and between runs in the project's on-disk cache (``autofixers.json``), keyed by the
stamps of every file above (present or not) and the listing of ``.github/workflows``.
"""
from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import sources
from .session import PROJECT, current
from .records import FrozenRecord, LazyPattern

RUFF = "ruff"
AUTOFLAKE = "autoflake"
PYCLN = "pycln"

#: Files whose commands run tools (one command a line is enough for what is looked for).
COMMAND_FILES = ("Makefile", "tox.ini", "noxfile.py", ".gitlab-ci.yml", "justfile")
PRE_COMMIT_FILES = (".pre-commit-config.yaml", ".pre-commit-config.yml")
#: A tool on a command line, with the option that makes it delete unused project imports.
_COMMANDS = {
    RUFF: LazyPattern(r"\bruff\b(?![-\w])[^\n#]*?\s--fix(?:-only)?\b"),
    AUTOFLAKE: LazyPattern(r"\bautoflake\b[^\n#]*?\s--remove-all-unused-imports\b"),
    PYCLN: LazyPattern(r"\bpycln\b[^\n#]*?\s(?:--all|-a)\b"),
}
_MENTIONS = {tool: LazyPattern(rf"\b{tool}\b") for tool in (RUFF, AUTOFLAKE, PYCLN)}


@dataclass(init=False, repr=False, eq=False)
class F401Fixer(FrozenRecord):
    """One tool the project runs that deletes unused imports.

    Attributes:
        tool: ``"ruff"``, ``"autoflake"`` or ``"pycln"``.
        path: the file that shows it runs (absolute); line: 1-based line there (0 when unknown).
        in_init: True when it also deletes unused imports in ``__init__.py`` files.
        keeps_commented: True when it leaves an import line that carries a comment (autoflake).
    """

    tool: str
    path: str
    line: int
    in_init: bool
    keeps_commented: bool = False

    def __init__(self, tool: str, path: str, line: int, in_init: bool, keeps_commented: bool = False) -> None:
        object.__setattr__(self, "tool", tool)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "in_init", in_init)
        object.__setattr__(self, "keeps_commented", keeps_commented)

    def describe(self, root: str) -> str:
        """``ruff --fix (.pre-commit-config.yaml:12)``: the tool and where the project runs it."""
        flag = {RUFF: "ruff --fix", AUTOFLAKE: "autoflake --remove-all-unused-imports", PYCLN: "pycln --all"}[self.tool]
        where = os.path.relpath(self.path, root).replace(os.sep, "/")
        return f"{flag} ({where}:{self.line})" if self.line else f"{flag} ({where})"


def f401_fixers(root: str) -> Tuple[F401Fixer, ...]:
    """The F401 autofixers the project at ``root`` runs (see the module doc), in file order.

    Args:
        root: absolute project root.
    Returns:
        the fixers found, possibly none. Never raises.
    """
    store = current().cache("autofixers.f401", PROJECT)
    found = store.get(root)
    if found is None:
        found = store[root] = _cached_or_found(root)
    return found


#: The files at the project root whose text or presence can change the answer.
_ROOT_FILES = PRE_COMMIT_FILES + COMMAND_FILES + ("pyproject.toml", "ruff.toml", ".ruff.toml", "setup.cfg")


def _workflows(root: str) -> Optional[List[str]]:
    """The file names in ``.github/workflows`` (sorted), None when there is no such folder: the project
    walk skips hidden folders, so a workflow added or removed is seen by this listing."""
    try:
        return sorted(os.listdir(os.path.join(root, ".github", "workflows")))
    except OSError:
        return None


def _cached_or_found(root: str) -> Tuple[F401Fixer, ...]:
    """:func:`_find`, or its answer from the on-disk cache when every file it reads (and each of
    :data:`_ROOT_FILES`, present or not) has its stamp and the workflows folder lists the same files."""
    if not sources.cache_enabled() or not sources.is_project_root(root):
        return tuple(_find(root))
    listing = _workflows(root)
    cached = sources.load_cached(root, "autofixers")
    if isinstance(cached, dict) and cached.get("workflows") == listing:
        try:
            return tuple(F401Fixer(str(t), str(p), int(n), bool(i), bool(k)) for t, p, n, i, k in cached["fixers"])
        except (KeyError, TypeError, ValueError):
            pass
    with sources.recording_reads(root) as read:
        found = tuple(_find(root))
    files = dict(read)
    for name in _ROOT_FILES:
        path = os.path.join(root, name)
        if path not in files:
            files[path] = sources.stat_key(path)
    value = {"workflows": listing, "fixers": [[f.tool, f.path, f.line, f.in_init, f.keeps_commented] for f in found]}
    sources.store_cached(root, "autofixers", value, files)
    return found


def _find(root: str) -> Iterable[F401Fixer]:
    settings = _settings(root)
    for name in PRE_COMMIT_FILES:
        yield from _pre_commit(os.path.join(root, name), settings)
    for path in _command_files(root):
        text = _read(path)
        if text is not None:
            yield from _commands(path, text, settings)


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _command_files(root: str) -> List[str]:
    paths = [os.path.join(root, name) for name in COMMAND_FILES]
    workflows = os.path.join(root, ".github", "workflows")
    try:
        paths += [os.path.join(workflows, n) for n in sorted(os.listdir(workflows)) if n.endswith((".yml", ".yaml"))]
    except OSError:
        pass
    return [p for p in paths if os.path.isfile(p)]


# ---- settings: what the tools' own configuration turns on ---------------------------------------
@dataclass(init=False, repr=False, eq=False)
class _Settings(FrozenRecord):
    ruff_fix: bool = False  # ``fix = true``
    ruff_f401: bool = True  # F401 selected, not ignored, fixable
    autoflake_all: bool = False
    autoflake_init: bool = True  # not ``ignore-init-module-imports``
    pycln_all: bool = False

    def __init__(self, ruff_fix: bool = False, ruff_f401: bool = True, autoflake_all: bool = False,
                 autoflake_init: bool = True, pycln_all: bool = False) -> None:
        object.__setattr__(self, "ruff_fix", ruff_fix)
        object.__setattr__(self, "ruff_f401", ruff_f401)
        object.__setattr__(self, "autoflake_all", autoflake_all)
        object.__setattr__(self, "autoflake_init", autoflake_init)
        object.__setattr__(self, "pycln_all", pycln_all)


def _toml(path: str) -> Dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError):
        return {}


def _codes(value: Any) -> List[str]:
    return [str(v).upper() for v in value] if isinstance(value, list) else []


def _covers(codes: List[str]) -> bool:
    """True when a code list of ruff's (select/ignore/unfixable) names F401 (``F``, ``F4``, ``ALL``)."""
    return any(c == "ALL" or "F401".startswith(c) for c in codes if c)


def _settings(root: str) -> _Settings:
    tool = _toml(os.path.join(root, "pyproject.toml")).get("tool", {})
    ruff = dict(tool.get("ruff", {}) or {})
    for name in ("ruff.toml", ".ruff.toml"):
        if os.path.isfile(os.path.join(root, name)):
            ruff = _toml(os.path.join(root, name))
    lint = ruff.get("lint", {}) if isinstance(ruff.get("lint"), dict) else {}
    option = lambda key: lint.get(key, ruff.get(key))  # noqa: E731 - ``[tool.ruff.lint]`` first
    select = _codes(option("select"))
    selected = not select or _covers(select) or _covers(_codes(option("extend-select")))
    blocked = _covers(_codes(option("ignore")) + _codes(option("extend-ignore")) + _codes(option("unfixable")))
    autoflake = dict(tool.get("autoflake", {}) or {})
    parser = configparser.ConfigParser()
    try:
        parser.read(os.path.join(root, "setup.cfg"), encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        pass
    if parser.has_section("autoflake"):
        autoflake.update({k: v.strip().lower() in ("1", "true", "yes", "on") for k, v in parser["autoflake"].items()})
    pycln = tool.get("pycln", {}) or {}
    remove_all = autoflake.get("remove-all-unused-imports", autoflake.get("remove_all_unused_imports"))
    ignore_init = autoflake.get("ignore-init-module-imports", autoflake.get("ignore_init_module_imports"))
    return _Settings(ruff_fix=ruff.get("fix") is True, ruff_f401=selected and not blocked,
                     autoflake_all=bool(remove_all), autoflake_init=not ignore_init, pycln_all=bool(pycln.get("all")))


# ---- where the tools run ---------------------------------------------------------------------------
def _fixer(tool: str, path: str, line: int, words: str, settings: _Settings) -> Optional[F401Fixer]:
    """The fixer a hook or command of ``tool`` makes, with ``words`` its arguments; None when, with
    those arguments and the project's settings, it deletes no unused project import."""
    if tool == RUFF:
        fixes = re.search(r"--fix(?:-only)?\b", words) is not None or settings.ruff_fix
        if fixes and settings.ruff_f401 and "--no-fix" not in words:
            return F401Fixer(RUFF, path, line, in_init=False)
    elif tool == AUTOFLAKE:
        if "--remove-all-unused-imports" in words or settings.autoflake_all:
            init = settings.autoflake_init and "--ignore-init-module-imports" not in words
            return F401Fixer(AUTOFLAKE, path, line, in_init=init, keeps_commented=True)
    elif tool == PYCLN:
        if re.search(r"(?:--all|(?<![\w-])-a)\b", words) or settings.pycln_all:
            return F401Fixer(PYCLN, path, line, in_init=True)
    return None


def _pre_commit(path: str, settings: _Settings) -> Iterable[F401Fixer]:
    text = _read(path)
    if text is None:
        return
    import yaml

    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError:
        return
    repos = config.get("repos") if isinstance(config, dict) else None
    lines = text.splitlines()
    for repo in repos if isinstance(repos, list) else ():
        for hook in (repo.get("hooks") or []) if isinstance(repo, dict) else ():
            if not isinstance(hook, dict):
                continue
            hook_id = str(hook.get("id", ""))
            tool = {"ruff": RUFF, "ruff-check": RUFF, "autoflake": AUTOFLAKE, "pycln": PYCLN}.get(hook_id)
            if tool is None:
                continue
            args = hook.get("args") or []
            words = " " + " ".join(str(a) for a in args) if isinstance(args, list) else " " + str(args)
            pattern = rf"\bid:\s*['\"]?{re.escape(hook_id)}\b"
            line = next((n for n, x in enumerate(lines, 1) if re.search(pattern, x)), 0)
            fixer = _fixer(tool, path, line, words, settings)
            if fixer is not None:
                yield fixer


def _commands(path: str, text: str, settings: _Settings) -> Iterable[F401Fixer]:
    is_config = path.endswith(("setup.cfg", "tox.ini"))
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        setting = re.match(r"[\w-]+\s*=", stripped) and not stripped.startswith("commands")
        if stripped.startswith("#") or (is_config and (stripped.startswith("[") or setting)):
            continue
        for tool, pattern in _COMMANDS.items():
            if pattern.search(line) or (_MENTIONS[tool].search(line) and _configured(tool, settings)
                                        and re.search(rf"(?:^|[\s\"'`;&|(]){tool}\s+(?:check\s+)?[\w./-]", line)):
                fixer = _fixer(tool, path, number, " " + line, settings)
                if fixer is not None:
                    yield fixer


def _configured(tool: str, settings: _Settings) -> bool:
    """True when the tool's own configuration turns deleting on (a plain ``ruff check .`` then fixes)."""
    return {RUFF: settings.ruff_fix, AUTOFLAKE: settings.autoflake_all, PYCLN: settings.pycln_all}[tool]
