"""``flake8-flask-deploy rule``: print a rule's documentation page, or list every rule.

``rule FDP003`` prints the page the rule holds itself (:meth:`~flake8_flask_deploy.rules.Rule.page`:
``docs/rules/FDP003.md``, which the docs site shows, is generated from it), so an installed wheel, which
has no ``docs/``, prints the same page as a checkout; a rule without docs gets a page built from its
metadata, with the page's address. ``rule --all`` lists code, name, fix safety and summary
(``--format json`` for tools). Exit status: 0, or 2 for an unknown code.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from .model import PARSE_ERROR, PARSE_ERROR_NAME
from .rules import PARSE_ERROR_DOCS, Rule, all_rules, get_rule

#: Fix safety as shown in the list (ruff's wording).
SAFETY = {"safe": "safe", "unsafe": "unsafe", "mixed": "safe or unsafe (per finding)", None: "no fix"}


def page_from_metadata(rule: Rule) -> str:
    """A Markdown page built from the rule's metadata and module docstring (for a rule without
    :attr:`~flake8_flask_deploy.rules.Rule.docs`)."""
    module = sys.modules.get(type(rule).__module__)
    doc = (module.__doc__ or "").strip() if module is not None else ""
    body = doc.split("\n", 1)[1].strip() if "\n" in doc else ""
    parts = [f"# {rule.code} {rule.name}", "", rule.summary + ".", ""]
    if body:
        parts += [body, ""]
    parts += ["## Fix safety", SAFETY.get(rule.fix_safety, str(rule.fix_safety)).capitalize() + ".", "",
              f"Full page: {rule.docs_url}"]
    return "\n".join(parts) + "\n"


def rule_page(code: str) -> Optional[str]:
    """The docs page of ``code`` as Markdown text, or None for an unknown code."""
    if code.upper() == PARSE_ERROR:
        return f"# {PARSE_ERROR} {PARSE_ERROR_NAME}\n\n{PARSE_ERROR_DOCS.strip()}\n"
    rule = get_rule(code)
    if rule is None:
        return None
    return rule.page() or page_from_metadata(rule)


def rule_table(rules: List[Rule]) -> str:
    """Aligned text table: code, name, fix safety, summary."""
    rows = [("Code", "Name", "Fix", "Summary")]
    rows += [(r.code, r.name, SAFETY.get(r.fix_safety, str(r.fix_safety)), r.summary) for r in rules]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip() for row in rows
    )


def run_rule(args: argparse.Namespace) -> int:
    """``rule``: print one page (``CODE``) or the list (``--all``); 2 for an unknown code or no argument."""
    if args.all:
        rules = all_rules()
        if args.format == "json":
            print(json.dumps([{"code": r.code, "name": r.name, "summary": r.summary, "fix_safety": r.fix_safety,
                               "url": r.docs_url} for r in rules], indent=2))
        else:
            print(rule_table(rules))
        return 0
    if not args.code:
        print("error: give a rule code (e.g. FDP003) or --all", file=sys.stderr)
        return 2
    page = rule_page(args.code)
    if page is None:
        known = ", ".join(r.code for r in all_rules())
        print(f"error: unknown rule {args.code!r} (known: {known})", file=sys.stderr)
        return 2
    sys.stdout.write(page if page.endswith("\n") else page + "\n")
    return 0


def register_cli(sub: "argparse._SubParsersAction") -> None:
    """Add the ``rule`` subcommand to the CLI's subparsers (see ``cli.SUBCOMMANDS``)."""
    parser = sub.add_parser("rule", help="show a rule's documentation, or list the rules with --all",
                            description=__doc__.split("\n\n")[0])
    parser.add_argument("code", nargs="?", metavar="CODE", help="rule code, e.g. FDP003")
    parser.add_argument("--all", action="store_true", help="list every rule: code, name, fix safety, summary")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output of --all")
    parser.set_defaults(func=run_rule)
