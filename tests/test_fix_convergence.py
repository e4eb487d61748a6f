"""One ``fix --unsafe-fixes --deployment`` run reaches the fixed point (issue 23): a second run over
the same tree changes nothing and applies nothing.

Every tree of tests/fixes (its ``before/``, with every rule: not only the codes its case is about)
and every project of examples/, copied to ``tmp_path``. A fix that leaves work for the next run
(a rewrite that enables another one, two fixes on one line, a deployment rewrite that a Python fix
undoes) shows here as a change in the second run.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict

import pytest

from flake8_flask_deploy.engine import clear_caches
from flake8_flask_deploy.fix_run import fix_paths

HERE = Path(__file__).parent
TREES = [HERE / "fixes" / p.name / "before" for p in sorted((HERE / "fixes").iterdir()) if p.is_dir()]
TREES += [p for p in sorted((HERE.parent / "examples").iterdir()) if p.is_dir()]


def _tree(root: Path) -> Dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.parametrize("source", TREES, ids=[p.parent.name if p.name == "before" else p.name for p in TREES])
def test_one_unsafe_deployment_run_reaches_the_fixed_point(source: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__"))
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text("")
    first = fix_paths([str(root)], unsafe=True, deployment=True)
    assert not first.errors
    fixed = _tree(root)
    for rel, data in fixed.items():
        if rel.endswith(".py"):
            compile(data, rel, "exec")
    clear_caches()
    second = fix_paths([str(root)], unsafe=True, deployment=True)
    assert [(Path(a.path).name, a.code, a.line, a.description) for a in second.applied] == []
    assert not second.changed and _tree(root) == fixed
