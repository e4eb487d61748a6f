"""The flake8 entry point (``FDP``): one instance per file, ``run()`` yields findings.

flake8 plugin API: https://flake8.pycqa.org/en/latest/plugin-development/
"""
from __future__ import annotations

import ast
import logging
from typing import Any, Iterator, List, Tuple

from . import __version__

LOG = logging.getLogger(__name__)


class FlaskDeployChecker:
    """flake8 checker: asks flake8 for ``tree``, ``filename`` and ``lines`` only."""

    name = "flake8-flask-deploy"
    version = __version__
    context_mode = "auto"

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register ``--flask-deploy-context`` (read from ``[flake8]`` config too)."""
        manager.add_option(
            "--flask-deploy-context",
            default="auto",
            choices=("auto", "off"),
            parse_from_config=True,
            help="Read the project's deployment files (Dockerfile, compose, Procfile) to judge "
                 "findings: auto (default) or off.",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.context_mode = getattr(options, "flask_deploy_context", "auto") or "auto"

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        """Yield ``(line, col, "FDP00x message", type)``; never raises into flake8."""
        from .engine import analyze_module, might_matter

        if not isinstance(self.tree, ast.Module) or not might_matter("".join(self.lines)):
            return
        try:
            findings = analyze_module(self.tree, self.filename, self.context_mode)
        except RecursionError:
            LOG.warning("flake8-flask-deploy: %s is nested too deeply to analyse; skipped", self.filename)
            return
        except Exception:  # a bug of ours must not fail the user's lint run
            LOG.exception("flake8-flask-deploy: internal error on %s; skipped", self.filename)
            return
        for finding in findings:
            yield finding.line, finding.col, finding.text, type(self)
