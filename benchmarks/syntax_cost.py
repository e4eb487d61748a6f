"""What reporting every file's syntax error (``FDP000``) costs ``check``: CPU of whole processes.

Runs ``python -m flake8_flask_deploy.cli check -j1 <mode> PROJECT`` once per variant per round, the
variants interleaved round by round, and prints the median CPU time (user + system of the child, from
``resource.getrusage``) of each variant on each project. A variant is a source tree of the package
(``NAME=SRC``, put first on ``PYTHONPATH``): the commit before the change and after it, or a copy
edited to try another way.

    python benchmarks/syntax_cost.py --variant before=/tmp/before/src --variant after=src \\
        --runs 7 PROJECT...
    python benchmarks/syntax_cost.py --cache warm ...   # the on-disk cache on, filled by a first run

``--cache off`` (default) passes ``--no-cache``; ``warm`` runs each variant once untimed with the
cache on (after deleting it) and times the runs that follow; ``cold`` deletes the cache before each
timed run. With the cache on, each variant checks its own hard-linked copy of each project (under the
temporary folder), so that no variant finds the cache of another. ``PYTHONDONTWRITEBYTECODE`` is
removed from the children's environment (the package's modules are imported from their ``.pyc`` as
an installed tool's are).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from typing import Dict, List, Tuple

CACHE_DIR = ".flake8-flask-deploy-cache"


def _cpu_of(cmd: List[str], env: Dict[str, str]) -> Tuple[float, int]:
    """``(CPU seconds, exit status)`` of one child process running ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.returncode


def _env(src: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.path.abspath(src) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _clear(project: str) -> None:
    shutil.rmtree(os.path.join(project, CACHE_DIR), ignore_errors=True)


def _copy(project: str, variant: str) -> str:
    """A copy of ``project`` (hard links) for one variant: each keeps its own on-disk cache (a
    cache written by another variant, another tool, is stale and would be rewritten every run)."""
    tree = os.path.join(tempfile.gettempdir(), "fdp-syntax-cost", variant, os.path.basename(project.rstrip("/")))
    if not os.path.isdir(tree):
        shutil.copytree(project, tree, copy_function=os.link,
                        ignore=shutil.ignore_patterns(CACHE_DIR))
    return tree


def measure(variants: List[Tuple[str, str]], projects: List[str], runs: int, cache: str
            ) -> Dict[Tuple[str, str], List[float]]:
    """CPU seconds of each ``(project, variant)`` over ``runs`` interleaved rounds.

    Args:
        variants: ``[(name, source folder)]``.
        projects: folders to check.
        runs: timed rounds.
        cache: ``off`` (``--no-cache``), ``cold`` (cache on, deleted before each run) or ``warm``.
    Returns:
        ``{(project, variant): [seconds, ...]}``.
    Raises:
        SystemExit: a variant exits 2 (an error) on a project.
    """
    samples: Dict[Tuple[str, str], List[float]] = {}
    trees = {(p, name): p if cache == "off" else _copy(p, name) for p in projects for name, _src in variants}
    for round_ in range(runs + (1 if cache == "warm" else 0)):
        for project in projects:
            for name, src in variants:
                tree = trees[(project, name)]
                cmd = [sys.executable, "-m", "flake8_flask_deploy.cli", "check", "-j1", "-q", tree]
                if cache == "off":
                    cmd.insert(-1, "--no-cache")
                elif cache == "cold" or (cache == "warm" and round_ == 0):
                    _clear(tree)
                seconds, status = _cpu_of(cmd, _env(src))
                if status == 2:
                    raise SystemExit(f"{name} exits 2 on {project}")
                if cache == "warm" and round_ == 0:
                    continue
                samples.setdefault((project, name), []).append(seconds)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="+")
    parser.add_argument("--variant", action="append", required=True, metavar="NAME=SRC")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", choices=("off", "cold", "warm"), default="off")
    args = parser.parse_args()
    variants = [tuple(v.split("=", 1)) for v in args.variant]
    samples = measure(variants, args.projects, args.runs, args.cache)  # type: ignore[arg-type]
    first = variants[0][0]
    names = " | ".join(n for n, _ in variants)
    print(f"| project | {names} | (CPU s, median of {args.runs}, cache {args.cache})")
    for project in args.projects:
        base = statistics.median(samples[(project, first)])
        cells = []
        for name, _src in variants:
            value = statistics.median(samples[(project, name)])
            cells.append(f"{value:.2f}" + ("" if name == first else f" ({(value / base - 1) * 100:+.0f}%)"))
        print(f"| {os.path.basename(project.rstrip('/'))} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
