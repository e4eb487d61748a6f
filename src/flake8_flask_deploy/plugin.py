"""The flake8 entry point (``FDP``): one instance per file, ``run()`` yields findings.

flake8 imports this module at the start of every run, whatever it lints: it imports the options'
loader and the pre-filter only (:mod:`flake8_flask_deploy.prefilter`); the engine, the rules, the
deployment readers and the project index are imported by the first module that needs them.

flake8 plugin API: https://flake8.pycqa.org/en/latest/plugin-development/ ; options registered with
``parse_from_config=True`` are read from ``[flake8]`` in ``setup.cfg``, ``tox.ini`` or ``.flake8``
(https://flake8.pycqa.org/en/latest/plugin-development/plugin-parameters.html#registering-options).
``[tool.flake8-flask-deploy]`` in ``pyproject.toml`` is read with ``check``'s loader
(:func:`flake8_flask_deploy.config.plugin_options`), so both front ends apply the same table.
"""
from __future__ import annotations

import ast
import logging
import os
from typing import Any, Iterator, List, Tuple

from . import __version__
from .config import Options, configure_engine, excluded_below, plugin_options, reported_here
from .prefilter import verdict
from .session import new_session, set_rule_filter

LOG = logging.getLogger(__name__)


class FlaskDeployChecker:
    """flake8 checker: asks flake8 for ``tree``, ``filename`` and ``lines`` only."""

    name = "flake8-flask-deploy"
    version = __version__
    context_mode = "auto"
    #: what ``[tool.flake8-flask-deploy]`` adds to flake8's options (its exclude, per-file-ignores)
    table = Options(exclude=[])

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        """Register the plugin's options; each is also read from the ``[flake8]`` config section."""
        manager.add_option(
            "--flask-deploy-context",
            default="auto",
            choices=("auto", "off"),
            parse_from_config=True,
            help="Read the project's deployment files (Dockerfile, compose, Procfile) to judge "
                 "findings: auto (default) or off.",
        )
        manager.add_option(
            "--flask-deploy-app-names",
            default="",
            comma_separated_list=True,
            parse_from_config=True,
            help="Comma-separated names, besides app and application, that hold a Flask app "
                 "(imported under that name, or bound at module level to a call).",
        )
        manager.add_option(
            "--flask-deploy-entrypoints",
            default="",
            comma_separated_list=True,
            parse_from_config=True,
            help="Comma-separated entrypoints production runs that no deployment file shows: "
                 "module:attr (served by a WSGI server) or path/to/script.py (run with python), "
                 "relative to the project root.",
        )
        manager.add_option(
            "--flask-deploy-assume-production",
            default=False,
            action="store_true",
            parse_from_config=True,
            help="Treat every `if __name__ == \"__main__\":` run as production (debug mode and the "
                 "development server there are reported).",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Take the parsed options and open the run's session with them (flake8 calls this once per
        run, before any file: a run in a long-lived process, as editors make, starts with no cache of
        the runs before it). ``[tool.flake8-flask-deploy]`` of the ``pyproject.toml`` above the folder
        flake8 runs in is applied too; its problems are logged, never raised."""
        session = new_session()
        try:
            loaded = plugin_options(options, os.getcwd())
        except Exception:  # a bug of ours must not fail the user's lint run
            LOG.exception("flake8-flask-deploy: cannot read the configuration; defaults used")
            loaded = Options(exclude=[])
        for path, message in loaded.errors:
            LOG.warning("flake8-flask-deploy: %s: %s; ignored", path, message)
        for path, message in loaded.warnings:
            LOG.warning("flake8-flask-deploy: %s: %s", path, message)
        session.disk_cache = loaded.cache is not False  # the on-disk cache, unless `cache = false`
        cls.context_mode = loaded.context or "auto"
        cls.table = loaded
        configure_engine(loaded)
        set_rule_filter(loaded.select, loaded.ignore)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        """Yield ``(line, col, "FDP00x message", type)``; never raises into flake8."""
        if not isinstance(self.tree, ast.Module):
            return
        table = self.table
        try:
            if table.exclude and excluded_below(self.filename, table.exclude, table.pyproject.folder):
                return
            text = "".join(self.lines)
            lint = verdict(text, self.filename, self.context_mode)
            if lint is False:
                return
            from . import engine  # deferred: the start-up path (tests/test_architecture.py)

            if lint is None and not engine.might_matter(text, self.filename, self.context_mode):
                return
            findings = engine.analyze_module(self.tree, self.filename, self.context_mode, source=text)
        except RecursionError:
            LOG.warning("flake8-flask-deploy: %s is nested too deeply to analyse; skipped", self.filename)
            return
        except Exception:  # a bug of ours must not fail the user's lint run
            LOG.exception("flake8-flask-deploy: internal error on %s; skipped", self.filename)
            return
        for finding in findings:
            if not table.per_file_ignores or reported_here(finding.code, self.filename, [], [], table.per_file_ignores):
                yield finding.line, finding.col, finding.text, type(self)
