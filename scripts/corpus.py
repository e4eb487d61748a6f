"""Run flake8-flask-deploy over a pinned corpus of real Flask-based source distributions.

Usage (from the repository root): ``bash scripts/corpus.sh`` (or ``$PYTHON scripts/corpus.py``).

For every ``NAME==VERSION`` in ``CORPUS`` it downloads the sdist with
``pip download --no-deps --no-binary :all:`` into ``.corpus/dl`` (skipped when the archive is
already there), unpacks it into ``.corpus/src/NAME-VERSION/`` (skipped when already unpacked), and
runs both front ends over the project root:

- ``python -m flake8 --isolated --select FDP ROOT`` (``--isolated``: the project's own flake8
  config must not hide files or codes from us),
- ``python -m flake8_flask_deploy.cli check --format json ROOT``.

It prints, per project: Python files, findings per code for each front end, crashes (a traceback,
flake8's "critical error"/plugin failure, or an exit status other than 0/1) and seconds, and
writes every finding to ``.corpus/findings.txt`` for review (see ``docs/real-world.md``).
Exit status: 0 when nothing crashed, 1 otherwise (2 when a download or unpack failed).
Options: ``--only NAME[,NAME]`` limits the run to some projects; ``--keep-going`` is the default.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile

#: Pinned projects (PyPI name, version). Versions were current on 2026-11-22 (``pip index versions``).
CORPUS = [
    ("Flask-AppBuilder", "5.3.0"),
    ("Flask-Admin", "2.2.1"),
    ("dash", "4.4.1"),
    ("mlflow", "3.18.0"),
    ("apache-superset", "6.1.0"),
    ("flask", "3.1.3"),
    ("flask-restx", "1.3.2"),
    ("Flask-Security", "5.9.2"),
    ("Flask-SocketIO", "5.7.0"),
    ("flasgger", "0.9.7.1"),
    ("connexion", "3.3.0"),
    ("apiflask", "3.1.2"),
    ("changedetection.io", "0.60.10"),
    ("ihatemoney", "7.2.1"),
    ("calibreweb", "0.6.27"),
    ("OctoPrint", "1.11.8"),
    ("privacyidea", "3.14"),
    ("zou", "1.0.97"),
    ("flask-monitoringdashboard", "5.1.0"),
]

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(REPO, ".corpus")
DL = os.path.join(CACHE, "dl")
SRC = os.path.join(CACHE, "src")
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox"}
FLAKE8_LINE = re.compile(r"^(?P<path>.*?):(?P<line>\d+):(?P<col>\d+): (?P<code>FDP\d+) (?P<msg>.*)$")
CRASH = re.compile(r"Traceback \(most recent call last\)|critical error|PluginExecutionFailed|internal error",
                   re.IGNORECASE)


def canonical(name: str) -> str:
    """PEP 503 normalised name with ``_`` (what sdist file names use): ``Flask-Admin`` -> ``flask_admin``."""
    return re.sub(r"[-_.]+", "_", name).lower()


def find_archive(name: str, version: str):
    """Return the path of the downloaded sdist of ``name==version`` in ``.corpus/dl`` or None."""
    if not os.path.isdir(DL):
        return None
    want = f"{canonical(name)}-{version}"
    for entry in sorted(os.listdir(DL)):
        stem = re.sub(r"\.(tar\.gz|tar\.bz2|tgz|zip)$", "", entry)
        if stem != entry and canonical(stem.rsplit("-", 1)[0]) + "-" + stem.rsplit("-", 1)[-1] == want:
            return os.path.join(DL, entry)
    return None


def download(python: str, name: str, version: str) -> str:
    """Download the sdist (once) and return its path; raise RuntimeError when pip fails."""
    archive = find_archive(name, version)
    if archive:
        return archive
    os.makedirs(DL, exist_ok=True)
    cmd = [python, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
           f"{name}=={version}", "-d", DL]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    archive = find_archive(name, version)
    if proc.returncode != 0 or not archive:
        raise RuntimeError(f"pip download {name}=={version} failed:\n{proc.stderr[-2000:]}")
    return archive


def unpack(archive: str, dest: str) -> None:
    """Unpack ``archive`` so that its single top folder becomes ``dest`` (skipped when ``dest`` exists)."""
    if os.path.isdir(dest):
        return
    os.makedirs(SRC, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=SRC, prefix=".unpack-")
    try:
        if archive.endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
        else:
            with tarfile.open(archive) as tf:
                if hasattr(tarfile, "data_filter"):
                    tf.extractall(tmp, filter="data")
                else:  # pragma: no cover - Python < 3.9.17
                    tf.extractall(tmp)
        entries = os.listdir(tmp)
        top = os.path.join(tmp, entries[0]) if len(entries) == 1 and os.path.isdir(
            os.path.join(tmp, entries[0])) else tmp
        shutil.move(top, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def count_py(root: str) -> int:
    """Number of ``.py`` files under ``root`` (virtualenv/node_modules/.git folders skipped)."""
    total = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        total += sum(1 for f in files if f.endswith(".py"))
    return total


def run_flake8(python: str, root: str):
    """Run flake8 (FDP only) over ``root``; return (findings, crash text or '', seconds)."""
    start = time.monotonic()
    proc = subprocess.run([python, "-m", "flake8", "--isolated", "--select", "FDP", "."],
                          cwd=root, capture_output=True, text=True)
    seconds = time.monotonic() - start
    findings, other = [], []
    for line in proc.stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        if match:
            findings.append((os.path.normpath(match["path"]), int(match["line"]), match["code"], match["msg"]))
        elif line.strip():
            other.append(line)
    crash = ""
    if proc.returncode not in (0, 1) or CRASH.search(proc.stderr) or other:
        crash = f"exit {proc.returncode}\n" + proc.stderr[-3000:] + "\n".join(other[:20])
    return findings, crash, seconds


def run_cli(python: str, root: str):
    """Run ``flake8_flask_deploy.cli check --format json`` over ``root``; return (report dict, crash, seconds)."""
    start = time.monotonic()
    proc = subprocess.run([python, "-m", "flake8_flask_deploy.cli", "check", "--format", "json", "."],
                          cwd=root, capture_output=True, text=True)
    seconds = time.monotonic() - start
    crash = ""
    report = {"findings": [], "warnings": [], "files": 0}
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        crash = "output is not JSON\n" + proc.stdout[-1000:]
    if proc.returncode not in (0, 1) or re.search(r"Traceback \(most recent call last\)|internal error",
                                                  proc.stderr, re.IGNORECASE):
        crash += f"exit {proc.returncode}\n" + proc.stderr[-3000:]
    return report, crash, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated PyPI names to run (default: all)")
    args = parser.parse_args(argv)
    python = os.environ.get("PYTHON") or sys.executable
    only = {canonical(n) for n in args.only.split(",") if n.strip()}
    crashes = 0
    failed = 0
    totals = collections.Counter()
    lines_out = []
    header = f"{'project':<34} {'files':>6} {'flake8':<28} {'cli':<34} {'warn':>4} {'crash':>5} {'sec':>6}"
    print(header)
    print("-" * len(header))
    for name, version in CORPUS:
        if only and canonical(name) not in only:
            continue
        label = f"{name}-{version}"
        dest = os.path.join(SRC, label)
        try:
            if not os.path.isdir(dest):
                unpack(download(python, name, version), dest)
        except (RuntimeError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
            print(f"{label:<34} DOWNLOAD/UNPACK FAILED: {exc}")
            failed += 1
            continue
        files = count_py(dest)
        f8, f8_crash, f8_sec = run_flake8(python, dest)
        cli, cli_crash, cli_sec = run_cli(python, dest)
        f8_codes = collections.Counter(code for _, _, code, _ in f8)
        cli_codes = collections.Counter(f["code"] for f in cli.get("findings", []))
        totals.update({f"flake8 {c}": n for c, n in f8_codes.items()})
        totals.update({f"cli {c}": n for c, n in cli_codes.items()})
        crash = bool(f8_crash or cli_crash)
        crashes += crash

        def fmt(counter):
            return " ".join(f"{c}={n}" for c, n in sorted(counter.items())) or "-"

        print(f"{label:<34} {files:>6} {fmt(f8_codes):<28} {fmt(cli_codes):<34} "
              f"{len(cli.get('warnings', [])):>4} {('YES' if crash else 'no'):>5} {f8_sec + cli_sec:>6.1f}")
        if f8_crash:
            print("  flake8 crash:\n    " + f8_crash[-1500:].replace("\n", "\n    "))
        if cli_crash:
            print("  cli crash:\n    " + cli_crash[-1500:].replace("\n", "\n    "))
        lines_out.append(f"## {label}")
        for path, line, code, msg in sorted(f8):
            lines_out.append(f"flake8 {path}:{line}: {code} {msg}")
        for f in cli.get("findings", []):
            lines_out.append(f"cli    {f['path']}:{f['line']}: {f['code']} {f['message']}")
        for w in cli.get("warnings", []):
            lines_out.append(f"warn   {w['path']}: {w['message']}")
        # module findings must agree between the two front ends
        f8_keys = {(p, ln, c) for p, ln, c, _ in f8}
        cli_keys = {(os.path.normpath(f["path"]), f["line"], f["code"]) for f in cli.get("findings", [])
                    if f["path"].endswith(".py")}
        for key in sorted(f8_keys ^ cli_keys):
            side = "only flake8" if key in f8_keys else "only cli"
            lines_out.append(f"DIFF   {side}: {key[0]}:{key[1]}: {key[2]}")
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, "findings.txt"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines_out) + "\n")
    print("-" * len(header))
    print("totals: " + (", ".join(f"{k}={v}" for k, v in sorted(totals.items())) or "no findings"))
    print(f"crashes: {crashes}; download/unpack failures: {failed}; details: .corpus/findings.txt")
    if crashes:
        return 1
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
