"""CI output formats of ``flake8-flask-deploy check``: SARIF 2.1.0 and GitHub workflow commands.

The SARIF log is validated against ``tests/data/sarif-2.1.0-subset.schema.json``: the objects of the
OASIS SARIF 2.1.0 schema that we write, with the official names, types, required members, enums and
``additionalProperties: false`` (see tests/data/README.md). When the official schema file is placed
at ``tests/data/sarif-schema-2.1.0.json`` the log is validated against it as well.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

DATA = Path(__file__).parent / "data"

APP = '''\
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.run(port=8080, debug=True)
'''

DOCKERFILE = '''\
FROM python:3.12-slim
WORKDIR /srv
COPY . .
EXPOSE 8080
CMD ["python", "app.py"]
'''


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "svc"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'svc'\n")
    (root / "app.py").write_text(APP)
    (root / "Dockerfile").write_text(DOCKERFILE)
    return root


def validators():
    out = [json.loads((DATA / "sarif-2.1.0-subset.schema.json").read_text())]
    official = DATA / "sarif-schema-2.1.0.json"
    if official.exists():
        out.append(json.loads(official.read_text()))
    return [jsonschema.Draft7Validator(s, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER) for s in out]


def assert_valid(log: dict) -> None:
    for validator in validators():
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_sarif_is_valid_and_complete(project: Path) -> None:
    (project / "Procfile").write_text("web: flask run --host 0.0.0.0 --port $PORT\n")  # a deployment finding
    proc = cli(project, "check", "--format", "sarif", ".")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    assert_valid(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "flake8-flask-deploy"
    from flake8_flask_deploy.rules import all_rules

    codes = [r.code for r in all_rules()]
    assert [r["id"] for r in driver["rules"]] == codes
    for descriptor, rule in zip(driver["rules"], all_rules()):
        assert descriptor["name"] == rule.name
        assert descriptor["helpUri"].endswith(f"/docs/rules/{rule.code}.md")
        assert descriptor["shortDescription"]["text"] == rule.summary
    by_place = {}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        by_place[(result["ruleId"], loc["artifactLocation"]["uri"], loc["region"]["startLine"])] = result
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    # one result per problem (issue 24), at the line its fix changes
    assert set(by_place) == {("FDP003", "app.py", 12), ("FDP004", "app.py", 12), ("FDP005", "app.py", 12),
                             ("FDP004", "Procfile", 1)}
    # the module finding names the deployment line that makes it one, and the other way round
    debug = by_place[("FDP003", "app.py", 12)]
    assert debug["locations"][0]["physicalLocation"]["region"]["startColumn"] == len("    app.run(port=8080, ") + 1
    [related] = debug["relatedLocations"]
    assert related["id"] == 1 and related["message"]["text"] == "the deployment file line that makes this a finding"
    assert (related["physicalLocation"]["artifactLocation"]["uri"],
            related["physicalLocation"]["region"]["startLine"]) == ("Dockerfile", 5)
    [in_procfile] = by_place[("FDP004", "Procfile", 1)]["relatedLocations"]
    assert in_procfile["message"]["text"] == "the Python code this concerns"
    assert (in_procfile["physicalLocation"]["artifactLocation"]["uri"],
            in_procfile["physicalLocation"]["region"]["startLine"]) == ("app.py", 3)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/svc/")


def test_sarif_rules_carry_their_page_and_the_security_rules_a_severity(project: Path) -> None:
    """``help`` is the rule's documentation page (Markdown, shown beside each alert by code scanning);
    the security rules (FDP003 debug in production, FDP007 hardcoded secret key) carry GitHub's
    ``security-severity`` (a score from 0.1 to 10.0, as a string) and the ``security`` tag, the others
    neither (they are correctness issues)."""
    from flake8_flask_deploy.rules import get_rule

    log = json.loads(cli(project, "check", "--format", "sarif", ".").stdout)
    assert_valid(log)
    descriptors = {d["id"]: d for d in log["runs"][0]["tool"]["driver"]["rules"]}
    for code, descriptor in descriptors.items():
        page = get_rule(code).page()
        assert descriptor["help"]["markdown"].startswith(page), code
        assert descriptor["help"]["markdown"].endswith(f"[Rule documentation]({get_rule(code).docs_url})\n")
        assert descriptor["help"]["text"].startswith(page) and "## What it does" in descriptor["help"]["text"]
        security = code in ("FDP003", "FDP007")
        assert ("security-severity" in descriptor["properties"]) is security, code
        assert ("security" in descriptor["properties"]["tags"]) is security, code
    assert descriptors["FDP003"]["properties"]["security-severity"] == "7.5"
    assert "external/cwe/cwe-215" in descriptors["FDP003"]["properties"]["tags"]
    assert descriptors["FDP007"]["properties"]["security-severity"] == "7.5"
    assert "external/cwe/cwe-798" in descriptors["FDP007"]["properties"]["tags"]
    for descriptor in descriptors.values():
        if "security-severity" in descriptor["properties"]:
            assert 0.0 < float(descriptor["properties"]["security-severity"]) <= 10.0


def test_sarif_columns_count_utf16_units_not_bytes(tmp_path: Path) -> None:
    root = tmp_path / "uni"
    root.mkdir()
    (root / "setup.cfg").write_text("[metadata]\nname = uni\n")
    line = 'app.config.update(NAME="Zoë 😀", DEBUG=True)'
    (root / "app.py").write_text(f"from flask import Flask\napp = Flask(__name__)\n{line}\n", encoding="utf-8")
    log = json.loads(cli(root, "check", "--format", "sarif", ".").stdout)
    assert_valid(log)
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "FDP003"]
    region = result["locations"][0]["physicalLocation"]["region"]
    # "😀" is two UTF-16 code units (four UTF-8 bytes), "ë" one (two bytes)
    assert region["startColumn"] == len(line[:line.index("DEBUG")].encode("utf-16-le")) // 2 + 1
    assert log["runs"][0]["columnKind"] == "utf16CodeUnits"


def test_sarif_without_findings_is_valid_and_lists_warnings(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (tmp_path / "Dockerfile").write_bytes(b"\x00\x01binary")
    proc = cli(tmp_path, "check", "--format", "sarif", ".")
    assert proc.returncode == 0
    log = json.loads(proc.stdout)
    assert_valid(log)
    assert log["runs"][0]["results"] == []
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"
    assert "is binary" in note["message"]["text"]


def test_sarif_reports_a_file_that_does_not_parse_as_a_result(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("from flask import Flask\napp = Flask(__name__)\ndef (:\n")
    proc = cli(tmp_path, "check", "--format", "sarif", ".")
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    assert_valid(log)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "FDP000" and "SyntaxError" in result["message"]["text"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_subset_schema_rejects_what_the_official_schema_rejects() -> None:
    """The vendored subset is not a rubber stamp: the errors the official schema reports are caught."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a.py"}, "region": {"startLine": 1, "startColumn": 1}}}]}]}]}
    assert_valid(good)
    bad_cases = [
        {"version": "2.0.0", "runs": []},                                       # wrong version
        {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},               # driver without name
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "A"}]}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
            {"message": {"text": "m"}, "level": "fatal"}]}]},                   # level not in the enum
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
            {"message": {"text": "m"}, "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "a.py"}, "region": {"startLine": 0}}}]}]}]},  # lines start at 1
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [{"name": "no-id"}]}}}]},
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
            {"message": {"text": "m"}, "fixes": [{"artifactChanges": []}]}]}]},  # a fix needs a change
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "resultz": []}]},  # unknown member
    ]
    for bad in bad_cases:
        for validator in validators():
            assert list(validator.iter_errors(bad)), bad


def test_github_format_prints_workflow_commands(project: Path) -> None:
    proc = cli(project, "check", "--format", "github", ".")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert ("::error file=app.py,line=12,col=24,title=FDP003::`debug=True` serves the interactive Werkzeug "
            "debugger in production (remote code execution) (Dockerfile:5 runs this file with python)") in lines
    assert not any(line.startswith("::error file=Dockerfile,") for line in lines)  # one annotation per problem
    assert len(lines) == 3 and all(line.startswith("::error file=app.py,line=12,") for line in lines)


def test_github_format_escapes_properties_and_data(tmp_path: Path) -> None:
    from flake8_flask_deploy.cli import Report
    from flake8_flask_deploy.model import Finding
    from flake8_flask_deploy.output import format_github

    weird = tmp_path / "a,b:c.py"
    report = Report(findings=[Finding("FDP003", "50% of\nit", str(weird), 3, 4)],
                    warnings=[(str(tmp_path / "x.py"), "does not parse")])
    out = format_github(report).splitlines()
    assert out[0].endswith(",line=3,col=5,title=FDP003::50%25 of%0Ait")
    assert "a%2Cb%3Ac.py," in out[0]
    assert out[1].startswith("::warning file=") and out[1].endswith("::does not parse")


def test_format_choices_come_from_formats() -> None:
    proc = subprocess.run([sys.executable, "-m", "flake8_flask_deploy.cli", "check", "--help"],
                          capture_output=True, text=True)
    assert "github" in proc.stdout and "sarif" in proc.stdout


def apply_sarif_fix(text: str, fix: dict) -> str:
    """Apply a SARIF fix's replacements (whole-line regions, as we write them) to ``text``."""
    lines = text.splitlines(keepends=True)
    [change] = fix["artifactChanges"]
    for rep in sorted(change["replacements"], key=lambda r: r["deletedRegion"]["startLine"], reverse=True):
        region = rep["deletedRegion"]
        start = region["startLine"] - 1
        end = region["endLine"] - 1 if region["endColumn"] == 1 else region["endLine"]
        lines[start:end] = [rep["insertedContent"]["text"]]
    return "".join(lines)


def test_sarif_fix_is_what_fix_would_do(tmp_path: Path) -> None:
    source = ("from flask import Flask\n\napp = Flask(__name__)\napp.debug = True\n\n\n"
              "@app.route('/')\ndef i():\n    return 'x'\n")
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    (tmp_path / "app.py").write_text(source)
    log = json.loads(cli(tmp_path, "check", "--format", "sarif", ".").stdout)
    assert_valid(log)
    [result] = log["runs"][0]["results"]
    assert result["ruleId"] == "FDP003" and result["properties"]["fixable"] is True
    [fix] = result["fixes"]
    assert fix["properties"]["safety"] == "safe"
    patched = apply_sarif_fix(source, fix)
    fixed = cli(tmp_path, "fix", ".")
    assert fixed.returncode == 1, fixed.stderr
    assert patched == (tmp_path / "app.py").read_text() != source


def test_gitlab_code_quality_report(project: Path) -> None:
    (project / "Procfile").write_text("web: flask run --host 0.0.0.0 --port $PORT\n")  # a deployment finding
    proc = cli(project, "check", "--format", "gitlab", ".")
    assert proc.returncode == 1
    issues = json.loads(proc.stdout)
    assert {(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues} == {
        ("FDP003", "app.py", 12), ("FDP004", "app.py", 12), ("FDP005", "app.py", 12), ("FDP004", "Procfile", 1)}
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["description"].startswith(issue["check_name"] + " ")
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    # moving the code down a line keeps every fingerprint (GitLab tracks issues across commits by them)
    (project / "app.py").write_text("\n" + APP)
    moved = json.loads(cli(project, "check", "--format", "gitlab", ".").stdout)
    assert sorted(i["fingerprint"] for i in moved) == sorted(fingerprints)
    assert {i["location"]["lines"]["begin"] for i in moved if i["location"]["path"] == "app.py"} == {13}


def test_json_gives_one_finding_per_problem_with_a_list_of_related_places(project: Path) -> None:
    """``related`` is a list of ``{"path", "line"}``: the Dockerfile line for the Python findings it
    makes findings, the app definition for a finding located in a deployment file, ``[]`` for none."""
    (project / "Procfile").write_text("web: flask run --host 0.0.0.0 --port $PORT\n")
    (project / "config.py").write_text("from app import app\n\napp.config['SECRET_KEY'] = 'dev'\n")
    report = json.loads(cli(project, "check", "--format", "json", ".").stdout)
    places = {(f["code"], f["path"], f["line"]): f["related"] for f in report["findings"]}
    assert places == {
        ("FDP003", "app.py", 12): [{"path": "Dockerfile", "line": 5}],
        ("FDP004", "app.py", 12): [{"path": "Dockerfile", "line": 5}],
        ("FDP005", "app.py", 12): [{"path": "Dockerfile", "line": 5}],
        ("FDP004", "Procfile", 1): [{"path": "app.py", "line": 3}],
        ("FDP007", "config.py", 3): [],
    }


def test_two_launches_of_one_script_make_one_finding_with_both_related(project: Path) -> None:
    """The Dockerfile and the Procfile both run ``python app.py``: still one finding per problem, at
    the Python line, naming both launch lines (``Finding.also``) in JSON and SARIF."""
    (project / "Procfile").write_text("web: python app.py\n")
    report = json.loads(cli(project, "check", "--format", "json", ".").stdout)
    debug = [f for f in report["findings"] if f["code"] == "FDP003"]
    assert [(f["path"], f["line"]) for f in debug] == [("app.py", 12)]
    assert sorted((r["path"], r["line"]) for r in debug[0]["related"]) == [("Dockerfile", 5), ("Procfile", 1)]
    log = json.loads(cli(project, "check", "--format", "sarif", ".").stdout)
    assert_valid(log)
    [result] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "FDP003"]
    assert [r["id"] for r in result["relatedLocations"]] == [1, 2]
