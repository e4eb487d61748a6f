"""Quick measure of the plugin's CPU cost against flake8's on one project (not the full harness).

Usage: python benchmarks/overhead.py PROJECT_DIR

Runs the plugin's checker over every parsed module of the project in-process (deployment context
included), then ``flake8 --isolated -j 1`` (with the plugin) as a child process, and prints both CPU
times and the plugin's share. Both are measured in one session, one after the other; on a shared
machine read the share as +-2 points. ``run.py`` is the full, interleaved harness.
"""
from __future__ import annotations

import ast
import os
import resource
import subprocess
import sys
import time


def main(root: str) -> None:
    from flake8_flask_deploy.plugin import FlaskDeployChecker

    modules = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                modules.append((path, ast.parse(text), text.splitlines(True)))
            except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
                continue
    start = time.process_time()
    for path, tree, lines in modules:
        list(FlaskDeployChecker(tree, path, lines).run())
    plugin = time.process_time() - start
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "flake8", "--isolated", "-j", "1", "--exit-zero", "-q", root],
                   capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    flake8 = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    share = 100 * plugin / max(flake8 - plugin, 1e-9)
    print(f"{len(modules)} files; plugin {plugin:.2f} CPU-s (deployment context included); "
          f"flake8 with the plugin {flake8:.2f} CPU-s; plugin share {share:.1f}%")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
