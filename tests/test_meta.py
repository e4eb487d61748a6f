"""Every rule has a unique code and name, docs with the standard headings (its page), and a summary."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from flake8_flask_deploy.rules import DOCS_HEADINGS, TRIGGERS, Rule, all_rules

DOCS = Path(__file__).parent.parent / "docs" / "rules"
HEADINGS = ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Options", "References"]
RULES = all_rules()


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in RULES:
        assert re.fullmatch(r"FDP\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.summary and rule.consequence
        assert rule.fix_safety in (None, "safe", "unsafe", "mixed")


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_has_docs_page_with_standard_headings(rule) -> None:
    """The rule's own docs (``Rule.docs``, in its module) are its page: a rule lacks a docs page when
    they lack these sections. docs/rules/<code>.md is generated from them (tests/test_docs.py)."""
    assert "docs" in vars(type(rule)), f"{rule.code} has no docs of its own (Rule.docs in its module)"
    text = rule.page()
    assert text is not None, f"{rule.code}'s docs are empty"
    assert text.startswith(f"# {rule.code} {rule.name}\n\n## What it does\n")
    found = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert found == HEADINGS
    for heading in HEADINGS:
        section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
        assert section.strip(), f"{rule.code}: section {heading!r} is empty"
    assert (DOCS / f"{rule.code}.md").exists(), "run python scripts/gen_rules_index.py"


def test_docs_headings_constant_is_the_standard() -> None:
    assert list(DOCS_HEADINGS) == HEADINGS


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_declares_what_its_check_needs_in_the_text(rule) -> None:
    """A rule that reports in modules (``check``) names the words or structured triggers its facts
    come from (the engine's text test is their union; tests/test_prefilter.py holds every finding to
    its rule's declaration); a rule that reads only deployment files names none (its modules are let
    through by path)."""
    assert isinstance(rule.prefilter, tuple) and isinstance(rule.prefilter_triggers, tuple)
    assert len(set(rule.prefilter)) == len(rule.prefilter)
    assert all(isinstance(w, str) and w and w.isascii() for w in rule.prefilter)  # the CLI tests raw bytes
    assert set(rule.prefilter_triggers) <= set(TRIGGERS)
    if type(rule).check is not Rule.check:
        assert rule.prefilter or rule.prefilter_triggers, f"{rule.code} reads modules but declares no text"
    else:
        assert not rule.prefilter and not rule.prefilter_triggers, f"{rule.code} has no check()"


def test_all_rules_after_one_rule_module_was_imported_first() -> None:
    """Importing one rule module (a test does) before the registry is asked must not leave that rule
    as the only one registered."""
    import subprocess
    import sys

    code = ("import flake8_flask_deploy.rules.fdp003_debug_in_production\n"
            "from flake8_flask_deploy.rules import all_rules\nprint(len(all_rules()))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(proc.stdout) == len(RULES) > 1


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_with_a_fix_has_a_fix_pair(rule) -> None:
    """A rule that declares a fix has at least one before/after pair in tests/fixes (its fix module
    is ``fixes/<code>.py``), and a rule without one has neither."""
    fixes = Path(__file__).parent / "fixes"
    pairs = [p for p in fixes.iterdir() if p.name.startswith(rule.code.lower() + "_") and (p / "after").is_dir()]
    module = Path(__file__).parent.parent / "src" / "flake8_flask_deploy" / "fixes" / f"{rule.code.lower()}.py"
    if rule.fix_safety is None:
        assert not pairs and not module.exists(), f"{rule.code} declares no fix but has one"
    else:
        assert pairs, f"{rule.code} declares a {rule.fix_safety} fix but has no before/after pair in tests/fixes"
