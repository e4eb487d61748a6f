"""Before/after pairs of every fix, and noop cases with their reason, run by one generic test.

Each folder of ``tests/fixes/`` is a small project: ``before/`` (the tree to fix), ``after/`` (the
expected tree, byte for byte; absent for a noop case) and ``case.txt``::

    fixes: FDP001 FDP005     # the codes whose findings the fix must remove
    unsafe: yes|no           # run with --unsafe-fixes
    select: FDP005           # optional --select
    reason: ...              # noop cases (folder name starts with ``noop_``): why nothing changes

The test copies ``before/`` to a temporary folder, fixes it, compares with ``after/``, checks that
every Python file still compiles, that the findings of ``fixes:`` are gone (noop: still there), and
that fixing again changes nothing (idempotence).
"""
from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path
from typing import Dict

import pytest

from flake8_flask_deploy.cli import check_paths
from flake8_flask_deploy.engine import analyze_module, clear_caches
from flake8_flask_deploy.fix_run import fix_paths

CASES = Path(__file__).parent / "fixes"
MARKER = "pyproject.toml"


def _meta(case: Path) -> Dict[str, str]:
    meta = {}
    for line in (case / "case.txt").read_text().splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return meta


def _tree(root: Path) -> Dict[str, bytes]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            if rel != MARKER or path.read_bytes():
                out[rel] = path.read_bytes()
    return out


def _engine(path: Path):
    return analyze_module(ast.parse(path.read_bytes()), str(path))


def _codes(root: Path, select):
    clear_caches()
    return [f.code for f in check_paths([str(root)], select=select).findings]


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_fix_case(case: str, tmp_path: Path) -> None:
    folder = CASES / case
    meta = _meta(folder)
    codes = meta["fixes"].split()
    unsafe = meta.get("unsafe") == "yes"
    select = meta["select"].split() if meta.get("select") else []
    noop = case.startswith("noop_")
    assert not noop or meta.get("reason"), "a noop case says why nothing changes"
    root = tmp_path / "project"
    shutil.copytree(folder / "before", root)
    if not (root / MARKER).exists():
        (root / MARKER).write_text("")
    before = _codes(root, select)
    if meta.get("noqa") == "yes":
        # silenced by ``# noqa``: the engine finds them, ``check`` does not report them
        found = {f.code for p in root.rglob("*.py") for f in _engine(p)}
        assert set(codes) <= found and not set(codes) & set(before)
    else:
        assert set(codes) <= set(before), f"the case must show its findings first: {before}"

    report = fix_paths([str(root)], unsafe=unsafe, select=select)
    assert not report.errors
    result = _tree(root)
    if os.environ.get("FDP_REGENERATE") and not noop:  # pragma: no cover - maintainer aid
        shutil.rmtree(folder / "after", ignore_errors=True)
        shutil.copytree(root, folder / "after", ignore=shutil.ignore_patterns("__pycache__"))
        if not (folder / "before" / MARKER).exists():
            (folder / "after" / MARKER).unlink()
    expected = _tree(folder / ("before" if noop else "after"))
    assert result == expected

    for rel in result:
        if rel.endswith(".py"):
            compile(result[rel], rel, "exec")
    after = _codes(root, select)
    for code in codes:
        if meta.get("noqa") == "yes":
            assert code in {f.code for p in root.rglob("*.py") for f in _engine(p)}
        elif noop:
            assert code in after, f"{code} was reported before and a noop must leave it"
        else:
            assert code not in after, f"{code} still reported after the fix: {after}"
    # fixing twice equals fixing once
    again = fix_paths([str(root)], unsafe=unsafe, select=select)
    assert not again.changed and not again.applied
    assert _tree(root) == expected
