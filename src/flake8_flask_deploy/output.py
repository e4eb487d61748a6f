"""Output formats of the CLI: flake8-style text, JSON, SARIF 2.1.0, GitHub workflow commands and
GitLab Code Quality.

* SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html ; what GitHub code
  scanning reads of it:
  https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
* GitLab Code Quality report (a CodeClimate-style JSON array):
  https://docs.gitlab.com/ee/ci/testing/code_quality.html#code-quality-report-format
* GitHub workflow commands (``::error file=…,line=…::message``) and their escaping:
  https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions#setting-an-error-message
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

from . import __version__, project, sources
from .model import PARSE_ERROR, PARSE_ERROR_NAME, Finding
from .rules import all_rules, docs_url, get_rule
from .session import FILE, current
from .sources import decode, relative_path
from .records import FROM_FACTORY, Record

#: The project's home, SARIF ``informationUri``.
HOME_URL = "https://github.com/flake8-flask-deploy/flake8-flask-deploy"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: SARIF ``uriBaseId`` of paths relative to the directory the check ran in (the repository root in CI).
SRCROOT = "%SRCROOT%"


@dataclass(init=False, repr=False, eq=False)
class Report(Record):
    """What a check run found: findings, warnings ``(path, message)``, files looked at."""

    findings: List[Finding] = field(default_factory=list)
    warnings: List[Tuple[str, str]] = field(default_factory=list)
    files: int = 0
    roots: List[str] = field(default_factory=list)
    hidden_fixes: int = 0  # findings only an unsafe fix rewrites (``fix --unsafe-fixes``)
    baselined: int = 0  # findings left out because the baseline (``check --baseline``) records them
    internal_errors: int = 0  # files whose findings are missing because a rule raised (a bug of ours)

    def __init__(self, findings: List[Finding] = FROM_FACTORY, warnings: List[Tuple[str, str]] = FROM_FACTORY,
                 files: int = 0, roots: List[str] = FROM_FACTORY, hidden_fixes: int = 0, baselined: int = 0,
                 internal_errors: int = 0) -> None:
        self.findings = [] if findings is FROM_FACTORY else findings
        self.warnings = [] if warnings is FROM_FACTORY else warnings
        self.files = files
        self.roots = [] if roots is FROM_FACTORY else roots
        self.hidden_fixes = hidden_fixes
        self.baselined = baselined
        self.internal_errors = internal_errors


#: ANSI styles of the text format, as flake8's ``--color`` and ruff colour a finding: bold path,
#: cyan separators, bold red code (https://flake8.pycqa.org/en/latest/user/options.html#cmdoption-flake8-color).
BOLD, CYAN, RED, RESET = "\x1b[1m", "\x1b[36m", "\x1b[31m", "\x1b[m"


def _text_line(f: Finding, show_fixes: bool, color: bool) -> str:
    """``path:line:col: CODE message``, coloured when ``color``."""
    mark = "[*] " if show_fixes and f.fixable else ""
    path, row, col = relative_path(f.path), f.line, f.col + 1
    if not color:
        return f"{path}:{row}:{col}: {f.code} {mark}{f.message}"
    sep = f"{CYAN}:{RESET}"
    return f"{BOLD}{path}{RESET}{sep}{row}{sep}{col}{sep} {BOLD}{RED}{f.code}{RESET} {mark}{f.message}"


def code_name(code: str) -> str:
    """The name of a code: its rule's (``debug-in-production``), or ``unparsable-file`` for
    :data:`~flake8_flask_deploy.model.PARSE_ERROR`."""
    rule = get_rule(code)
    return rule.name if rule else PARSE_ERROR_NAME if code == PARSE_ERROR else ""


def statistics(report: Report) -> List[str]:
    """One line per code, as flake8's ``--statistics`` prints them (``count code text``), in code
    order; the text is the rule's name."""
    counts: Dict[str, int] = {}
    for f in report.findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    return [f"{counts[code]:<5} {code} {code_name(code)}" for code in sorted(counts)]


def _summary(report: Report, show_fixes: bool) -> str:
    tail = f"Found {len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}"
    if show_fixes:
        # the marks come from the fixer's own dry run (cli: ``fix_safety``): what ``fix`` rewrites
        fixable = sum(1 for f in report.findings if f.fixable)
        hidden = getattr(report, "hidden_fixes", 0)
        tail += f" ({fixable} fixable with `flake8-flask-deploy fix`"
        tail += f", {hidden} more with `--unsafe-fixes`)" if hidden else ")"
    elif any(_has_fix(f.code) for f in report.findings):
        # no count without the fixer's dry run: a count from anything else could disagree with ``fix``
        tail += " (`--show-fixes` marks the ones `flake8-flask-deploy fix` rewrites)"
    if report.baselined:
        tail += f"; {report.baselined} more in the baseline"
    return tail + "."


def format_text(report: Report, show_fixes: bool = False, color: bool = False, quiet: bool = False,
                with_statistics: bool = False) -> str:
    """flake8-style lines ``path:line:col: CODE message`` (``[*]`` marks fixable ones), then the
    statistics (``with_statistics``) and a summary line; nothing without findings.

    Args:
        color: ANSI colours (see :data:`BOLD`); quiet: no finding lines, only what follows them.
    """
    if not report.findings:
        return ""
    lines = [] if quiet else [_text_line(f, show_fixes, color) for f in report.findings]
    if with_statistics:
        lines += statistics(report)
    lines.append(_summary(report, show_fixes))
    return "\n".join(lines)


def _has_fix(code: str) -> bool:
    """True when the rule ``code`` has a fix at all (``Rule.fix_safety``)."""
    rule = get_rule(code)
    return rule is not None and rule.fix_safety is not None


def format_json(report: Report, show_fixes: bool = False) -> str:
    """A JSON object with ``findings`` and ``warnings`` (stable keys, for tools). A finding's
    ``path``/``line`` is its one primary location (the line its fix changes); ``related`` lists the
    other places of the same problem, ``[{"path", "line"}]`` (empty when there are none). ``fix``
    is the finding's fix plan, ``{"applicability": "safe"|"unsafe", "message", "files": [paths]}``
    (ruff's names), or null when ``fix`` does not rewrite it; ``fixable`` says whether ``fix`` with
    this run's settings applies it (a plan with ``unsafe`` applicability needs ``--unsafe-fixes``)."""
    items = []
    for f in report.findings:
        rule = get_rule(f.code)
        items.append({
            "code": f.code, "name": code_name(f.code) or None, "message": f.message,
            "path": relative_path(f.path), "line": f.line, "column": f.col + 1,
            "end_line": f.end_line, "end_column": f.end_col + 1 if f.end_col is not None else None,
            "related": [{"path": relative_path(r.path), "line": r.line} for r in f.related_locations],
            "fixable": f.fixable, "fix": _fix_json(f), "url": rule.docs_url if rule else docs_url(f.code),
        })
    warnings = [{"path": relative_path(p), "message": m} for p, m in report.warnings]
    return json.dumps({"findings": items, "warnings": warnings, "files": report.files}, indent=2)


def _fix_json(finding: Finding) -> Optional[Dict[str, object]]:
    """The JSON form of ``finding.fix`` (see :func:`format_json`), or None."""
    plan = finding.fix
    if plan is None:
        return None
    return {"applicability": plan.safety, "message": plan.description,
            "files": [relative_path(p) for p in plan.files]}


# ---- SARIF 2.1.0 -----------------------------------------------------------------------------------
def _file_lines(path: str) -> List[bytes]:
    """The lines of ``path`` (bytes), read once per session; ``[]`` when it cannot be read."""
    store = current().cache("output.file_lines", FILE)
    found = store.get(path)
    if found is None:
        try:
            with open(path, "rb") as handle:
                found = handle.read().splitlines()
        except OSError:
            found = []
        store[path] = found
    return found


def _utf16_column(path: str, line: int, byte_col: int) -> int:
    """1-based SARIF column (UTF-16 code units, SARIF's default ``columnKind``) of the 0-based
    UTF-8 byte offset ``byte_col`` on ``line`` (``ast`` columns are UTF-8 bytes)."""
    lines = _file_lines(path)
    if not byte_col or not 0 < line <= len(lines):
        return byte_col + 1
    prefix = lines[line - 1][:byte_col].decode("utf-8", "replace")
    return len(prefix.encode("utf-16-le")) // 2 + 1


def _artifact(path: str) -> Dict[str, Any]:
    """``artifactLocation``: a URI relative to ``%SRCROOT%`` (the current directory), or an absolute
    ``file:`` URI for a file outside it."""
    rel = relative_path(path)
    if os.path.isabs(rel):
        return {"uri": "file://" + quote(os.path.abspath(path).replace(os.sep, "/"))}
    return {"uri": quote(rel.replace(os.sep, "/")), "uriBaseId": SRCROOT}


def _region(path: str, line: int, col: Optional[int], end_line: Optional[int] = None,
            end_col: Optional[int] = None) -> Dict[str, Any]:
    region: Dict[str, Any] = {"startLine": max(line, 1)}
    if col is not None:
        region["startColumn"] = _utf16_column(path, line, col)
    if end_line is not None and end_col is not None and (end_line, end_col) > (line, col or 0):
        region["endLine"] = end_line
        region["endColumn"] = _utf16_column(path, end_line, end_col)
    return region


def _physical(path: str, line: int, col: Optional[int] = None, end_line: Optional[int] = None,
              end_col: Optional[int] = None) -> Dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact(path),
                                 "region": _region(path, line, col, end_line, end_col)}}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _replacements(old: str, new: str) -> List[Dict[str, Any]]:
    """SARIF ``replacement`` objects, whole lines, that turn ``old`` into ``new`` (columns: UTF-16)."""
    import difflib

    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 < len(a) or i1 == i2 == len(a):
            region = {"startLine": i1 + 1, "startColumn": 1, "endLine": i2 + 1, "endColumn": 1}
        else:  # the change reaches the end of the file: end after the last character
            region = {"startLine": i1 + 1, "startColumn": 1, "endLine": i2, "endColumn": _utf16_len(a[-1]) + 1}
        out.append({"deletedRegion": region, "insertedContent": {"text": "".join(b[j1:j2])}})
    return out


def _sarif_fixes(finding: Finding) -> List[Dict[str, Any]]:
    """The fix of a fixable Python finding as a SARIF ``fix`` (what ``flake8-flask-deploy fix`` would
    change for this finding alone), or ``[]``. Never raises: a fixer failure loses only the fix."""
    if not finding.fixable or not finding.path.endswith(".py") or finding.from_deployment:
        return []
    try:
        import ast

        import libcst as cst

        from .fixes import FixContext, module_fix

        fixer = module_fix(finding.code)
        if fixer is None:
            return []
        with open(finding.path, "rb") as handle:
            text = decode(handle.read()).text
        tree = ast.parse(text, filename=finding.path)
        facts = project.complete_facts(tree, finding.path)
        context = FixContext(sources.normpath(finding.path), text, cst.parse_module(text), tree, facts, finding)
        change = fixer(context)
        if change is None or change.module.code == text:
            return []
        replacements = _replacements(text, change.module.code)
    except Exception:  # noqa: B902 - an optional extra: the finding is reported without it
        return []
    if not replacements:
        return []
    return [{
        "description": {"text": f"{change.description} ({change.safety} fix)"},
        "artifactChanges": [{"artifactLocation": _artifact(finding.path), "replacements": replacements}],
        "properties": {"safety": change.safety},
    }]


def _descriptor(rule) -> Dict[str, Any]:
    """The SARIF ``reportingDescriptor`` of ``rule``.

    ``help``: the rule's documentation page (:meth:`~flake8_flask_deploy.rules.Rule.page`, Markdown;
    code scanning shows ``help.markdown`` beside each alert, ``help.text`` where Markdown is not read),
    ending with a link to it. A security rule (``security_severity`` set) also gets
    ``properties.security-severity`` and the ``security`` and ``external/cwe/cwe-NNN`` tags, which is
    what makes code scanning file its results as security alerts ranked critical/high/medium/low
    (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#reportingdescriptor-object).
    """
    page = rule.page() or f"{rule.summary}\n"
    tags = ["flask", "deployment"]
    properties: Dict[str, Any] = {"tags": tags, "fixSafety": rule.fix_safety or "none"}
    if rule.security_severity:
        tags += ["security"] + [f"external/cwe/{cwe.lower()}" for cwe in rule.cwe]
        properties["security-severity"] = rule.security_severity
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": rule.summary or rule.name},
        "helpUri": rule.docs_url,
        "help": {"text": f"{page}\nDocumentation: {rule.docs_url}\n",
                 "markdown": f"{page}\n[Rule documentation]({rule.docs_url})\n"},
        "defaultConfiguration": {"level": "error"},
        "properties": properties,
    }


def _sarif_related(finding: Finding) -> List[Dict[str, Any]]:
    """SARIF ``relatedLocations`` of ``finding``: each related location with an ``id`` (1, 2, ...)
    and a message saying what it is."""
    out = []
    for number, where in enumerate(finding.related_locations, 1):
        related = _physical(where.path, where.line)
        related["id"] = number
        what = "the Python code this concerns" if where.path.endswith(".py") else \
            "the deployment file line that makes this a finding"
        related["message"] = {"text": what}
        out.append(related)
    return out


def sarif_log(report: Report) -> Dict[str, Any]:
    """The SARIF 2.1.0 log of a report, as a JSON-ready dict.

    One run; ``tool.driver.rules`` lists every registered rule (id, name, descriptions, ``helpUri``,
    fix safety); each result names its rule by ``ruleId``/``ruleIndex``. One result per problem, at
    its primary location (the line its fix changes): a Python finding caused by a deployment file
    carries that file's line in ``relatedLocations``; a finding located in a deployment file has it
    as its ``locations`` and the Python line it concerns in ``relatedLocations``.
    """
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    descriptors = [_descriptor(rule) for rule in rules]
    results = []
    for f in report.findings:
        result: Dict[str, Any] = {
            "ruleId": f.code,
            "level": "error",
            "message": {"text": f.message},
            "locations": [_physical(f.path, f.line, f.col, f.end_line, f.end_col)],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.related_locations:
            result["relatedLocations"] = _sarif_related(f)
        fixes = _sarif_fixes(f)
        if fixes:
            result["fixes"] = fixes
        result["properties"] = {"fixable": f.fixable}
        if f.fix is not None:
            result["properties"]["fixApplicability"] = f.fix.safety
        results.append(result)
    notifications = [{"level": "warning", "message": {"text": message},
                      "locations": [{"physicalLocation": {"artifactLocation": _artifact(path)}}]}
                     for path, message in report.warnings]
    base = os.getcwd().replace(os.sep, "/").rstrip("/") + "/"
    run: Dict[str, Any] = {
        "tool": {"driver": {"name": "flake8-flask-deploy", "version": __version__, "semanticVersion": __version__,
                            "informationUri": HOME_URL, "rules": descriptors}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SRCROOT: {"uri": "file://" + quote(base if base.startswith("/") else "/" + base)}},
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def format_sarif(report: Report, show_fixes: bool = False) -> str:
    """SARIF 2.1.0 JSON (see :func:`sarif_log`), for GitHub code scanning and other SARIF viewers."""
    return json.dumps(sarif_log(report), indent=2)


# ---- GitHub Actions workflow commands ------------------------------------------------------------
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, show_fixes: bool = False) -> str:
    """One ``::error file=…,line=…,col=…,title=FDP00x::message`` line per finding (GitHub shows them as
    annotations on the pull request) and ``::warning`` for files that could not be read."""
    lines = []
    for f in report.findings:
        props = [f"file={_escape_property(relative_path(f.path))}", f"line={f.line}", f"col={f.col + 1}"]
        props.append(f"title={_escape_property(f.code)}")
        mark = "[*] " if show_fixes and f.fixable else ""
        lines.append(f"::error {','.join(props)}::{_escape_data(mark + f.message)}")
    for path, message in report.warnings:
        lines.append(f"::warning file={_escape_property(relative_path(path))}::{_escape_data(message)}")
    return "\n".join(lines)


# ---- GitLab Code Quality --------------------------------------------------------------------------
def format_gitlab(report: Report, show_fixes: bool = False) -> str:
    """GitLab Code Quality JSON: one issue per finding with ``description``, ``check_name`` (the rule
    code), ``fingerprint`` (stable across runs: rule, path and message without line numbers), ``severity``
    and ``location``; GitLab shows them in merge requests."""
    import hashlib

    issues = []
    seen: Dict[str, int] = {}
    for f in report.findings:
        path = relative_path(f.path).replace(os.sep, "/")
        message = re.sub(r"(\S):\d+\b", r"\1", f.message)  # "(Dockerfile:7 runs ...)": no line numbers
        base = hashlib.sha256(f"{f.code}\0{path}\0{message}".encode("utf-8")).hexdigest()
        seen[base] = seen.get(base, 0) + 1
        fingerprint = base if seen[base] == 1 else hashlib.sha256(f"{base}{seen[base]}".encode()).hexdigest()
        issues.append({
            "type": "issue",
            "description": f"{f.code} {f.message}",
            "check_name": f.code,
            "categories": ["Bug Risk"],
            "fingerprint": fingerprint,
            "severity": "major",
            "location": {"path": path, "lines": {"begin": f.line}},
        })
    return json.dumps(issues, indent=2)


#: ``--format`` name -> formatter(report, show_fixes) -> text.
FORMATS: Dict[str, Callable[..., str]] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
    "github": format_github,
    "gitlab": format_gitlab,
}
