"""The package's declared layers (docs/architecture.md), enforced on the source: a module imports only
from its own layer or the layers before it; our modules import each other at module level, except
those that pull in a heavy library (libcst, astroid, the deployment-file parsers), which are imported
lazily; no import cycle; no private name used across modules; no function over 60 lines without its
reason written on the line of its ``def`` (``# long: <reason>``)."""
from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "flake8_flask_deploy"
NAME = "flake8_flask_deploy"

#: The layers, first to last (docs/architecture.md). ``x.*`` stands for every module of package ``x``.
LAYERS: List[Tuple[str, ...]] = [
    ("", "records", "model", "session"),
    ("sources", "syntax"),
    ("walk",),
    ("facts",),
    ("project", "inference", "autofixers"),
    ("scan", "index"),
    ("deploy", "deploy.*"),
    ("suppress",),
    ("rules", "rules.*"),
    ("engine", "prefilter"),
    ("config",),
    ("fixable",),
    ("fixes", "fixes.*"),
    ("fix",),
    ("fix_run", "fix_safety"),
    ("output", "baseline"),
    ("cli", "rule_cli", "fix_cli", "plugin"),
]
#: Third-party libraries that cost real time to import: imported only where used.
HEAVY_LIBRARIES = {"libcst", "astroid", "yaml", "crossplane", "bashlex", "dockerfile_parse", "dotenv", "hcl2", "lark"}
#: Imports of our own light modules deferred on purpose, ``(importer, imported) -> why``: flake8 imports
#: the plugin at the start of every run, and in an editor that run lints one file, most often one no
#: rule can concern: the plugin's start-up (the plugin, the options' loader, the pre-filter) imports
#: none of the engine, the rules, the deployment readers or the project index, which cost more than the
#: rest of such a run together (benchmarks/RESULTS.md, issue 25).
DEFERRED_FOR_STARTUP = {
    ("plugin", "engine"): "imported by the first module that passes the pre-filter",
    ("config", "rules"): "the known codes, asked only when a configuration names codes",
    ("prefilter", "rules"): "the rules' text test, read from the on-disk cache when it is fresh",
    ("prefilter", "deploy"): "the deployment files, read when no cache holds their words",
    ("prefilter", "deploy.readers"): "the deployment files, read when no cache holds their words",
    ("deploy", "deploy.build"): "the builder and every reader: a warm run's context comes from the on-disk cache",
    ("deploy", "deploy.pyserve"): "a saved served script's own fields, derived again without the builder",
    ("suppress", "deploy.readers"): "the files of findings, read when a run has a finding to judge",
    ("suppress", "deploy.nginx"): "asked only of a *.conf file holding a finding",
    ("rules", "deploy.commands"): "the command splitter, asked only of a launch's finding",
    ("engine", "suppress"): "the comments of deployment files, read for the launch findings of a served module",
    ("rules.fdp005_loopback_bind_unreachable", "deploy.pyserve"): "asked only of a script a launch runs",
}


def _modules() -> Dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _layer(module: str) -> int:
    for number, members in enumerate(LAYERS):
        for member in members:
            if module == member or (member.endswith(".*") and module.startswith(member[:-1])):
                return number
    raise AssertionError(f"{module or NAME} is in no layer: add it to LAYERS and docs/architecture.md")


def _target(module: str, node: ast.ImportFrom, alias: str) -> str:
    """The package module an import names (``from . import x`` may name a submodule)."""
    if node.level:
        base = module.split(".") if module else []
        if not MODULES[module].name == "__init__.py":
            base = base[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = (node.module or "")[len(NAME) + 1:] if (node.module or "").startswith(NAME) else None
    if target is None:
        return ""
    sub = f"{target}.{alias}" if target else alias
    return sub if sub in MODULES else target


@functools.lru_cache(maxsize=None)
def _imports(module: str) -> List[Tuple[str, bool, int, List[str]]]:
    """``(package module, at module level, line, names)`` for each import of a package module."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    top = set()
    for stmt in tree.body:
        top.add(id(stmt))
        if isinstance(stmt, ast.If):  # ``if TYPE_CHECKING:`` blocks count as module level
            top.update(id(s) for s in stmt.body)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and not (node.module or "").startswith(NAME):
                continue
            for alias in node.names:
                target = _target(module, node, alias.name)
                if target in MODULES and target != module:
                    out.append((target, id(node) in top, node.lineno, [alias.name]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(NAME + "."):
                    out.append((alias.name[len(NAME) + 1:], id(node) in top, node.lineno, []))
    return out


def _third_party_top(module: str) -> Set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            names.update(a.name.split(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
            names.add(stmt.module.split(".")[0])
    return names


@functools.lru_cache(maxsize=None)
def _heavy(module: str) -> bool:
    """True when importing ``module`` imports a heavy library: itself, its parent packages (imported
    first), or the package modules it imports at module level."""
    seen: Set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if _third_party_top(name) & HEAVY_LIBRARIES:
            return True
        todo.extend(t for t, top, _, _ in _imports(name) if top)
        if name:
            todo.append(name.rpartition(".")[0])
    return False


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers(module: str) -> None:
    here = _layer(module)
    upward = [(t, line) for t, _, line, _ in _imports(module) if _layer(t) > here]
    assert upward == [], f"{module} imports from later layers: {upward}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_only_heavy_modules_are_imported_lazily(module: str) -> None:
    lazy = [(t, line) for t, top, line, _ in _imports(module)
            if not top and not _heavy(t) and (module, t) not in DEFERRED_FOR_STARTUP]
    assert lazy == [], f"{module} defers imports of light modules (import them at the top): {lazy}"


def test_the_declared_deferred_imports_are_deferred() -> None:
    """Each entry of :data:`DEFERRED_FOR_STARTUP` is an import made inside a function, and the plugin's
    start-up imports none of those modules (a fresh interpreter, as flake8 starts)."""
    for module, target in DEFERRED_FOR_STARTUP:
        found = [top for t, top, _, _ in _imports(module) if t == target]
        assert found and not any(found), (module, target, found)
    code = ("import sys, flake8_flask_deploy.plugin\n"
            "print(sorted(m for m in sys.modules if m.startswith('flake8_flask_deploy')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for module in ("engine", "rules", "deploy", "index", "facts", "project", "fix"):
        assert f"'{NAME}.{module}'" not in loaded, (module, loaded)


def test_the_engine_imports_no_builder() -> None:
    """The engine, the rules and the suppression comments load no deployment builder nor reader of
    a file format: a warm run (the context from the on-disk cache) does not pay their import."""
    code = ("import sys, flake8_flask_deploy.engine\n"
            "print(sorted(m for m in sys.modules if m.startswith('flake8_flask_deploy.deploy')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for module in ("build", "shell", "configs", "hostfiles", "clis", "readers", "nginx", "commands", "pyserve"):
        assert f"'{NAME}.deploy.{module}'" not in loaded, (module, loaded)


def test_no_import_cycle() -> None:
    graph = {m: {t for t, top, _, _ in _imports(m) if top} for m in MODULES}
    state: Dict[str, int] = {}

    def visit(node: str, path: List[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path + [node, nxt]))
            if nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_name_crosses_modules(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    aliases = set()
    used = []
    for t, _, line, names in _imports(module):
        used += [(t, n, line) for n in names if n.startswith("_") and not n.startswith("__")]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(NAME)):
            aliases.update(a.asname or a.name for a in node.names
                           if _target(module, node, a.name) == (f"{_target(module, node, '')}.{a.name}".strip(".")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            used.append((node.value.id, node.attr, node.lineno))
    assert used == [], f"{module} uses private names of other modules: {used}"


def test_the_layers_are_documented() -> None:
    doc = (PACKAGE.parent.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for members in LAYERS:
        for member in members:
            if member:
                assert f"`{member.rstrip('.*')}" in doc, member


#: Longest function (``def`` line to last line, docstring included) without a reason beside it.
MAX_FUNCTION_LINES = 60
#: The reason a long function may give on the line of its ``def``.
LONG_REASON = re.compile(r"#\s*long:\s*\S")


def _functions(tree: ast.AST, prefix: str = "") -> List[Tuple[str, ast.AST]]:
    """``(qualified name, node)`` of every function in ``tree``, nested ones and methods included."""
    out = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((prefix + node.name, node))
            out += _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            out += _functions(node, f"{prefix}{node.name}.")
        else:
            out += _functions(node, prefix)
    return out


def _long_functions(text: str, module: str = "") -> List[str]:
    """``"name (N lines, line L)"`` of each function of ``text`` over :data:`MAX_FUNCTION_LINES` lines
    whose ``def`` line has no ``# long: <reason>``."""
    lines = text.splitlines()
    long = []
    for name, node in _functions(ast.parse(text)):
        length = node.end_lineno - node.lineno + 1
        if length <= MAX_FUNCTION_LINES:
            continue
        if not LONG_REASON.search(lines[node.lineno - 1]):
            long.append(f"{name} ({length} lines, line {node.lineno})")
    return long


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_long_function_without_a_reason(module: str) -> None:
    long = _long_functions(MODULES[module].read_text(encoding="utf-8"), module)
    assert long == [], (f"{module}: functions over {MAX_FUNCTION_LINES} lines; split them, or give the reason "
                        f"on the def line (`# long: <reason>`): {long}")


def test_the_long_function_check_counts_from_def_to_the_last_line() -> None:
    body = "".join(f"    x{n} = {n}\n" for n in range(58))
    fits = 'def f():\n    """Doc."""\n' + body  # 60 lines
    assert _long_functions(fits) == []
    assert _long_functions(fits + "    return 1\n") == ["f (61 lines, line 1)"]
    method = "class C:\n    @staticmethod\n" + textwrap.indent(fits + "    return 1\n", "    ")
    assert _long_functions(method) == ["C.f (61 lines, line 3)"]
    assert _long_functions(fits.replace("():", "():  # long: one table", 1) + "    return 1\n") == []
