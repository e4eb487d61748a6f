"""The documentation site: generated rules index, strict mkdocs build, the `rule` command, and the
snippets users copy (CI jobs, configuration, pre-commit) run as written."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

BROKEN_APP = '''\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.run(debug=True)
'''


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def code_blocks(page: Path, language: str) -> list[str]:
    """The fenced code blocks of ``page`` in ``language``."""
    return re.findall(rf"^```{language}\n(.*?)^```", page.read_text(), flags=re.S | re.M)


# ---- generated rules index and the site ---------------------------------------------------------
def test_generated_rules_index_and_nav_are_current() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rules_index.py"), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + "\n(run: python scripts/gen_rules_index.py)"


def test_rules_index_lists_every_rule_with_its_page() -> None:
    from flake8_flask_deploy.rules import all_rules

    text = (DOCS / "rules" / "index.md").read_text()
    for rule in all_rules():
        assert f"| [{rule.code}]({rule.code}.md) | `{rule.name}` |" in text


def test_stale_index_is_detected(tmp_path: Path) -> None:
    # the check really compares: a copy of the script pointed at an edited index reports it stale
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_rules_index as gen
    finally:
        sys.path.pop(0)
    index = tmp_path / "index.md"
    index.write_text(gen.render_index().replace("FDP003", "FDP033", 1))
    mkdocs = tmp_path / "mkdocs.yml"
    mkdocs.write_text(gen.updated_mkdocs((ROOT / "mkdocs.yml").read_text()))
    old = gen.INDEX, gen.MKDOCS
    gen.INDEX, gen.MKDOCS = str(index), str(mkdocs)
    try:
        assert gen.stale() == [str(index)]
        index.write_text(gen.render_index())
        assert gen.stale() == []
    finally:
        gen.INDEX, gen.MKDOCS = old


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "site" / "rules" / "FDP003" / "index.html").exists()
    assert (tmp_path / "site" / "ci" / "index.html").exists()


# ---- `flake8-flask-deploy rule` ---------------------------------------------------------------
def test_rule_prints_the_docs_page() -> None:
    proc = cli(ROOT, "rule", "FDP003")
    assert proc.returncode == 0
    assert proc.stdout == (DOCS / "rules" / "FDP003.md").read_text()
    assert cli(ROOT, "rule", "fdp003").stdout == proc.stdout


def test_rule_prints_the_page_from_the_installed_package(tmp_path: Path) -> None:
    """An installed wheel has the package's modules and no docs/: `rule CODE` prints the page the
    rule holds (what docs/rules/CODE.md is generated from), not a stub."""
    from flake8_flask_deploy.rules import get_rule

    package = ROOT / "src" / "flake8_flask_deploy"
    site = tmp_path / "site"
    for source in package.rglob("*.py"):
        target = site / "flake8_flask_deploy" / source.relative_to(package)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    env = dict(os.environ, PYTHONPATH=str(site))
    code = ("import sys, flake8_flask_deploy, flake8_flask_deploy.cli as cli; print(flake8_flask_deploy.__file__, "
            "file=sys.stderr); sys.exit(cli.main(['rule', 'FDP007']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().startswith(str(site)), proc.stderr  # the copy, not the checkout
    rule = get_rule("FDP007")
    what = rule.page().split("## What it does\n", 1)[1].split("\n\n", 1)[0]
    assert what and f"## What it does\n{what}" in proc.stdout
    assert proc.stdout == rule.page() == (DOCS / "rules" / "FDP007.md").read_text()
    assert "Full page:" not in proc.stdout  # not the page built from metadata


def test_rule_all_lists_code_name_safety_summary() -> None:
    from flake8_flask_deploy.rules import all_rules

    out = cli(ROOT, "rule", "--all").stdout.splitlines()
    assert out[0].split() == ["Code", "Name", "Fix", "Summary"]
    rows = out[1:]
    assert len(rows) == len(all_rules())
    for row, rule in zip(rows, all_rules()):
        assert row.startswith(rule.code) and f" {rule.name} " in row and row.endswith(rule.summary)
    data = json.loads(cli(ROOT, "rule", "--all", "--format", "json").stdout)
    assert [(d["code"], d["name"], d["fix_safety"]) for d in data] == [
        (r.code, r.name, r.fix_safety) for r in all_rules()]


def test_rule_unknown_code_or_none() -> None:
    proc = cli(ROOT, "rule", "FDP999")
    assert proc.returncode == 2 and "unknown rule 'FDP999'" in proc.stderr
    assert cli(ROOT, "rule").returncode == 2


def test_rule_page_without_docs_falls_back_to_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_flask_deploy import rule_cli
    from flake8_flask_deploy.rules import all_rules

    for rule in all_rules():
        monkeypatch.setattr(type(rule), "docs", "")
        page = rule_cli.rule_page(rule.code)
        assert page.startswith(f"# {rule.code} {rule.name}\n")
        assert rule.summary in page and rule.docs_url in page and "## Fix safety" in page


# ---- snippets users copy ---------------------------------------------------------------------
@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'repo'\n")
    (root / "app.py").write_text(BROKEN_APP)
    (root / "Dockerfile").write_text('FROM python:3.12-slim\nCOPY . /srv\nWORKDIR /srv\nCMD ["python", "app.py"]\n')
    return root


def shell(cwd: Path, command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=sysconfig.get_path("scripts") + os.pathsep + os.path.dirname(sys.executable)
               + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def ci_steps(block: str) -> list[str]:
    """The `run:` commands of a GitHub workflow, or the `script:` lines of a GitLab job."""
    data = yaml.safe_load(block)
    if "jobs" in data:
        return [step["run"] for job in data["jobs"].values() for step in job["steps"] if "run" in step]
    return [line for job in data.values() if isinstance(job, dict) for line in job.get("script", [])]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_jobs_run_as_written(broken: Path) -> None:
    if shutil.which("flake8-flask-deploy", path=sysconfig.get_path("scripts")) is None:
        pytest.skip("the flake8-flask-deploy script is not installed next to this Python")
    blocks = code_blocks(DOCS / "ci.md", "yaml")
    workflows = [b for b in blocks if "jobs:" in b]
    gitlab = [b for b in blocks if "script:" in b]
    assert len(workflows) == 2 and len(gitlab) == 1
    annotations, sarif_job = (ci_steps(b) for b in workflows)
    # annotations job: fails on the finding, prints workflow commands
    [command] = [c for c in annotations if c.startswith("flake8-flask-deploy")]
    proc = shell(broken, command)
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=") and "title=FDP003::" in proc.stdout
    # code scanning job: findings do not fail the step; the SARIF file is written and names the rules
    [command] = [c for c in sarif_job if c.startswith("flake8-flask-deploy")]
    proc = shell(broken, command)
    assert proc.returncode == 0, proc.stderr
    log = json.loads((broken / "flask-deploy.sarif").read_text())
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"FDP003", "FDP004"}
    upload = [s for job in yaml.safe_load(workflows[1])["jobs"].values() for s in job["steps"]
              if s.get("uses", "").startswith("github/codeql-action/upload-sarif")]
    assert upload and upload[0]["with"]["sarif_file"] == "flask-deploy.sarif"
    # an error (exit 2) still fails the step
    assert "--format sarif" in command
    assert shell(broken, command.replace("--format sarif", "--format nope")).returncode == 1
    # GitLab: the script fails on findings after writing the Code Quality report it declares
    script = "\n".join(line for line in ci_steps(gitlab[0]) if not line.startswith("pip "))
    proc = shell(broken, script)
    assert proc.returncode == 1 and "app.py:12:" in proc.stdout
    report = yaml.safe_load(gitlab[0])["flask-deploy"]["artifacts"]["reports"]["codequality"]
    issues = json.loads((broken / report).read_text())
    assert {i["check_name"] for i in issues} >= {"FDP003", "FDP004"}


def test_configuration_snippets_take_effect(broken: Path) -> None:
    (broken / "Dockerfile").unlink()
    assert cli(broken, "check", ".").returncode == 0  # guarded dev server: dev-only by default
    [ini] = code_blocks(DOCS / "configuration.md", "ini")
    (broken / "setup.cfg").write_text(ini)
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "FDP", "app.py"], cwd=broken,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "FDP003" in proc.stdout, proc.stdout + proc.stderr
    (broken / "setup.cfg").unlink()
    [toml] = code_blocks(DOCS / "configuration.md", "toml")
    (broken / "pyproject.toml").write_text("[project]\nname = 'repo'\n\n" + toml)
    out = cli(broken, "check", ".").stdout
    assert "FDP003" in out and "FDP004" not in out  # assume-production on, FDP004 ignored


def test_pre_commit_snippets_name_real_hooks() -> None:
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    used = set()
    for page in (DOCS / "pre-commit.md", DOCS / "index.md", ROOT / "README.md"):
        for block in code_blocks(page, "yaml"):
            data = yaml.safe_load(block)
            entries = data["repos"] if isinstance(data, dict) and "repos" in data else data
            for repo in entries if isinstance(entries, list) else []:
                if isinstance(repo, dict) and "flake8-flask-deploy" in repo.get("repo", ""):
                    used |= {h["id"] for h in repo["hooks"]}
                if isinstance(repo, dict) and repo.get("id"):
                    used.add(repo["id"])
    assert used and used <= hooks | {"flake8"}
    assert hooks <= used


def test_editor_settings_are_valid_json() -> None:
    blocks = code_blocks(DOCS / "editors.md", "json")
    assert blocks
    for block in blocks:
        json.loads(block)


def test_readme_example_output_is_what_check_prints() -> None:
    """README's first command: ``check examples/broken_blog`` prints exactly the lines shown under
    it, one per problem (issue 24), and exits 1."""
    block = code_blocks(ROOT / "README.md", "console")[0]
    command, *shown = block.rstrip("\n").splitlines()
    assert command == "$ pip install . && flake8-flask-deploy check examples/broken_blog"
    proc = cli(ROOT, "check", "examples/broken_blog", "--color", "never")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.rstrip("\n").splitlines() == shown
    assert shown[-1].startswith(f"Found {len(shown) - 1} findings")


def test_every_code_the_tool_reports_has_a_page() -> None:
    """Every code ``check`` can print (the rules' and FDP000's, config.known_codes) has its docs/rules
    page, and ``rule CODE`` prints that page."""
    from flake8_flask_deploy.config import known_codes

    pages = Path(__file__).resolve().parent.parent / "docs" / "rules"
    for code in known_codes():
        page = (pages / f"{code}.md").read_text(encoding="utf-8")
        printed = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "rule", code],
                                 capture_output=True, text=True).stdout
        assert printed == page and "## What it does" in page, code
