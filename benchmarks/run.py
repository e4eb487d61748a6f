#!/usr/bin/env python3
"""Benchmark harness for flake8-flask-deploy (issue 7): what the plugin costs inside flake8, and the
``check`` CLI against bandit, ruff and semgrep, on a pinned corpus of real Flask code.

Usage (with the project's virtualenv, where flake8, the plugin, bandit and ruff are installed)::

    python benchmarks/run.py              # full corpus, 3 interleaved runs, scaling 1x/2x/4x
    python benchmarks/run.py --quick      # smoke test: 1 run, 1 project, no scaling
    python benchmarks/run.py --profile    # also profile check/flake8 with pyinstrument

Everything downloaded or built goes to ``benchmarks/.corpus/`` (gitignored). The tables are written
into ``benchmarks/RESULTS.md`` between the ``results:begin``/``results:end`` markers (the text
around them is kept) and the raw numbers to ``benchmarks/.corpus/results-<date>.json``.
See ``benchmarks/README.md`` for what each measurement means.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import index_cost  # noqa: E402  (benchmarks/index_cost.py, beside this file)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".corpus"
DL = CACHE / "dl"
SRC = CACHE / "src"
SCALE = CACHE / "scale"
#: Archives another helper may have downloaded already (read only, never written).
SHARED_DL = REPO / ".corpus" / "dl"
RESULTS_MD = HERE / "RESULTS.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"

#: The pinned corpus: (PyPI name, version). Source distributions, never wheels.
PINS: List[Tuple[str, str]] = [
    ("apache-superset", "6.1.0"),
    ("mlflow", "3.18.0"),
    ("Flask-AppBuilder", "5.3.0"),
    ("Flask-Admin", "2.2.1"),
    ("dash", "4.4.1"),
    ("Flask", "3.1.3"),
]
QUICK_PROJECT = "Flask"

#: Folders dropped when unpacking, so that every tool sees the same files: flake8, bandit, ruff,
#: semgrep and flake8-flask-deploy each skip a different subset of these by default.
SKIP_DIR_NAMES = {"build", "dist", "node_modules", "site-packages", "venv", "env", "__pycache__"}

PY = sys.executable
BIN = Path(PY).parent

#: flake8 launched from this snippet, identical with and without the plugin except for one thing:
#: ``--without`` filters flake8-flask-deploy out of the plugins flake8 discovers through entry points,
#: so the plugin is neither imported nor run (``--select``/``--ignore`` only filter reported codes:
#: flake8 still runs every plugin). Same interpreter, same flake8, same files, same options.
FLAKE8_SHIM = r"""
import sys
from flake8.plugins import finder
if sys.argv[1] == "--without":
    del sys.argv[1]
    _find = finder._find_importlib_plugins
    def _without():
        for plugin in _find():
            if finder.utils.normalize_pypi_name(plugin.package) != "flake8-flask-deploy":
                yield plugin
    finder._find_importlib_plugins = _without
elif sys.argv[1] == "--with":
    del sys.argv[1]
sys.argv[0] = "flake8"
from flake8.main.cli import main
sys.exit(main())
"""

#: ``flake8-flask-deploy`` with a counter of libcst parses (printed to stderr at exit).
CLI_SHIM = r"""
import atexit, sys
import libcst
_count = [0]
_parse = libcst.parse_module
def _counting(*args, **kwargs):
    _count[0] += 1
    return _parse(*args, **kwargs)
libcst.parse_module = _counting
atexit.register(lambda: sys.stderr.write("libcst-parses: %d\n" % _count[0]))
from flake8_flask_deploy.cli import main
sys.exit(main(sys.argv[1:]))
"""

#: The floor of any tool built on Python's ``ast``: read and parse every ``.py`` file, one process.
PARSE_ONLY = r"""
import ast, os, sys
for top in sys.argv[1:]:
    for folder, dirs, files in os.walk(top):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    data = handle.read()
                try:
                    ast.parse(data)
                except (SyntaxError, ValueError):
                    pass
"""

#: Local semgrep rules written for this benchmark (the registry's ``p/flask`` needs the network):
#: the same two bug classes ruff S201/S104 and bandit B201/B104 look for.
SEMGREP_RULES = """\
rules:
  - id: flask-debug-true
    languages: [python]
    severity: WARNING
    message: Flask app run with debug=True
    pattern-either:
      - pattern: $APP.run(..., debug=True, ...)
      - pattern: $APP.debug = True
      - pattern: $APP.config["DEBUG"] = True
  - id: bind-all-interfaces
    languages: [python]
    severity: WARNING
    message: Server bound to all interfaces
    pattern-either:
      - pattern: $APP.run(..., host="0.0.0.0", ...)
      - pattern: |
          "0.0.0.0"
"""


# --------------------------------------------------------------------------- corpus


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _archive_for(name: str, version: str, folder: Path) -> Optional[Path]:
    if not folder.is_dir():
        return None
    stem = f"{_key(name)}-{version}".lower()
    for path in sorted(folder.iterdir()):
        low = re.sub(r"[-_.]+", "_", path.name.lower())
        if low.startswith(_key(stem)) and (path.name.endswith(".tar.gz") or path.name.endswith(".zip")):
            return path
    return None


def download(pins: Sequence[Tuple[str, str]]) -> Dict[str, Path]:
    """Make sure every pinned sdist is in ``.corpus/dl`` (copied from the shared cache or fetched with
    ``pip download --no-deps --no-binary :all:``); return ``{name: archive}``."""
    DL.mkdir(parents=True, exist_ok=True)
    missing = []
    for name, version in pins:
        if _archive_for(name, version, DL):
            continue
        shared = _archive_for(name, version, SHARED_DL)
        if shared:
            shutil.copy2(shared, DL / shared.name)
            continue
        missing.append(f"{name}=={version}")
    if missing:
        cmd = [PY, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(DL)] + missing
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
    out = {}
    for name, version in pins:
        archive = _archive_for(name, version, DL)
        if archive is None:
            raise SystemExit(f"no archive for {name}=={version} in {DL}")
        out[name] = archive
    return out


def _skipped(parts: Sequence[str]) -> bool:
    dirs = parts[:-1]
    if any(d in SKIP_DIR_NAMES or d.startswith(".") or d.endswith(".egg-info") for d in dirs):
        return True
    return parts[-1].endswith(".pyi")


def extract(name: str, archive: Path) -> Path:
    """Unpack ``archive`` into ``.corpus/src/<key>`` (top folder stripped, skipped folders dropped)."""
    dest = SRC / _key(name)
    stamp = dest / ".complete"
    if stamp.exists() and stamp.read_text() == archive.name:
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                parts = info.filename.split("/")[1:]
                if info.is_dir() or not parts or _skipped(parts):
                    continue
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(zf.read(info))
    else:
        with tarfile.open(archive) as tf:
            for member in tf:
                parts = member.name.split("/")[1:]
                if not member.isfile() or not parts or _skipped(parts) or ".." in parts:
                    continue
                target = dest.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                handle = tf.extractfile(member)
                assert handle is not None
                target.write_bytes(handle.read())
    stamp.write_text(archive.name)
    return dest


#: Written to the corpus folders: stops a tool's search for the project root and its configuration at the
#: corpus (this repository's own setup.cfg must not apply to the copies).
ROOT_MARKER = "# benchmark corpus folder (written by benchmarks/run.py)\n"


def python_files(root: Path) -> List[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def scaled_copy(keys: Sequence[str], factor: int) -> Path:
    """``.corpus/scale/x<factor>/c<i>/<key>``: ``factor`` hard-linked copies of the projects."""
    base = SCALE / f"x{factor}"
    stamp = base / ".complete"
    want = ",".join(keys)
    if stamp.exists() and stamp.read_text() == want:
        return base
    if base.exists():
        shutil.rmtree(base)
    for i in range(factor):
        for key in keys:
            shutil.copytree(SRC / key, base / f"c{i}" / key, copy_function=os.link)
    stamp.write_text(want)
    (base / "setup.cfg").write_text(ROOT_MARKER)
    return base


# --------------------------------------------------------------------------- measuring


def _proc_children() -> Dict[int, List[int]]:
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed PSS (proportional set size: shared pages split between the processes that
    share them) of a process and its descendants every ``interval`` seconds; ``peak_kb`` is the max."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            children = _proc_children()
            todo, total = [self.pid], 0
            while todo:
                pid = todo.pop()
                total += _pss_kb(pid)
                todo.extend(children.get(pid, ()))
            self.peak_kb = max(self.peak_kb, total)
            self.done.wait(self.interval)


def measure(argv: Sequence[str], cwd: Path, out: Path, env: Optional[dict] = None,
            sample_tree: bool = True) -> dict:
    """Run ``argv`` once; return wall/CPU seconds, the largest single process's peak RSS (``wait4``
    rusage, which covers the process and the descendants it waited for), the sampled peak of the
    process tree's summed PSS, and the exit status. stdout goes to ``out``, stderr beside it."""
    with open(out, "wb") as stdout, open(str(out) + ".err", "wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdout=stdout, stderr=stderr, env=env)
        sampler = TreeSampler(proc.pid)
        if sample_tree:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "maxrss_mb": usage.ru_maxrss / 1024.0,
        "tree_pss_mb": sampler.peak_kb / 1024.0 if sample_tree else None,
        "rc": proc.returncode,
    }


# --------------------------------------------------------------------------- tools


def _ruff_bin() -> str:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore

        return str(find_ruff_bin())
    except Exception:  # noqa: BLE001 - fall back to PATH
        return shutil.which("ruff") or "ruff"


def compile_package() -> None:
    """Write the bytecode of flake8-flask-deploy's modules, as ``pip install`` does for every tool
    measured here: an editable install run with ``PYTHONDONTWRITEBYTECODE`` set (as on the project's
    CI machines) compiles every module from source in every process, which flake8, bandit and the
    other installed tools never pay (about 0.15 CPU-s and 4 MB of peak memory per process)."""
    import flake8_flask_deploy

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(flake8_flask_deploy.__file__).parent)], check=True)


def semgrep_bin(explicit: Optional[str]) -> Optional[str]:
    for candidate in (explicit, str(CACHE / "venv-semgrep" / "bin" / "semgrep"), shutil.which("semgrep")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def tool_commands(targets: Sequence[str], semgrep: Optional[str], jobs1: bool = True) -> Dict[str, List[str]]:
    """``{tool name: argv}``; every tool is run from the corpus folder on ``targets``."""
    flake8 = [PY, "-c", FLAKE8_SHIM]
    common = ["--isolated"]
    cli = [PY, "-m", "flake8_flask_deploy.cli"]  # as users run it (the counting shim imports libcst)
    tools = {
        "flake8": flake8 + ["--without"] + common + list(targets),
        "flake8+FDP": flake8 + ["--with"] + common + list(targets),
        "check": cli + ["check"] + list(targets),
        "bandit B201,B104": [PY, "-m", "bandit", "-q", "-r", "-t", "B201,B104", "-f", "json"] + list(targets),
        "bandit (all tests)": [PY, "-m", "bandit", "-q", "-r", "-f", "json"] + list(targets),
        "ruff S201,S104": [_ruff_bin(), "check", "--isolated", "--no-cache", "--no-respect-gitignore",
                           "--exit-zero", "--output-format", "concise", "--select", "S201,S104"] + list(targets),
    }
    tools["ast.parse only (-j1)"] = [PY, "-c", PARSE_ONLY] + list(targets)
    if jobs1:
        tools["flake8 -j1"] = flake8 + ["--without"] + common + ["-j", "1"] + list(targets)
        tools["flake8+FDP -j1"] = flake8 + ["--with"] + common + ["-j", "1"] + list(targets)
        tools["check -j1"] = cli + ["check", "-j", "1"] + list(targets)
    if semgrep:
        tools["semgrep (local Flask rules)"] = [
            semgrep, "scan", "--metrics", "off", "--disable-version-check", "--no-git-ignore", "--json",
            "--quiet", "--config", str(CACHE / "semgrep-flask.yml"), "--max-target-bytes", "0",
        ] + list(targets)
    return tools


SEMGREP_ENV = dict(os.environ, SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")

FINDING = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?:\d+:)? (?P<code>[A-Z]+\d+)\b")


def findings_of(tool: str, out: Path) -> List[Tuple[str, str, int]]:
    """``[(code, path, line)]`` parsed from a tool's saved stdout."""
    text = out.read_text(errors="replace")
    found = []
    if tool.startswith("bandit"):
        try:
            data = json.loads(text)
        except ValueError:
            return []
        for item in data.get("results", []):
            found.append((item["test_id"], os.path.normpath(item["filename"]), int(item["line_number"])))
    elif tool.startswith("semgrep"):
        try:
            data = json.loads(text)
        except ValueError:
            return []
        for item in data.get("results", []):
            found.append((item["check_id"].rsplit(".", 1)[-1], os.path.normpath(item["path"]),
                          int(item["start"]["line"])))
    else:
        for line in text.splitlines():
            match = FINDING.match(line)
            if match:
                found.append((match["code"], os.path.normpath(match["path"]), int(match["line"])))
    return found


def version_of(argv: Sequence[str], env: Optional[dict] = None) -> str:
    try:
        out = subprocess.run(list(argv), capture_output=True, text=True, timeout=120, env=env)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception as exc:  # noqa: BLE001
        return f"unavailable ({exc})"


# --------------------------------------------------------------------------- suites


def run_suite(tools: Dict[str, List[str]], cwd: Path, runs: int, label: str,
              env_for: Optional[Dict[str, dict]] = None, once: Sequence[str] = ()) -> Dict[str, List[dict]]:
    """Run every tool ``runs`` times, interleaved (round r runs the tools rotated by r); the tools
    named in ``once`` run in the first round only (slow references whose spread matters less)."""
    names = list(tools)
    results: Dict[str, List[dict]] = {name: [] for name in names}
    outdir = CACHE / "out" / label
    outdir.mkdir(parents=True, exist_ok=True)
    for round_no in range(runs):
        order = names[round_no % len(names):] + names[:round_no % len(names)]
        for name in order:
            if round_no and name in once:
                continue
            out = outdir / (re.sub(r"\W+", "_", name) + f".{round_no}.txt")
            env = (env_for or {}).get(name)
            result = measure(tools[name], cwd, out, env=env)
            result["round"] = round_no
            result["out"] = str(out)
            results[name].append(result)
            print(f"[{label} {round_no + 1}/{runs}] {name:28s} wall {result['wall']:7.2f}s "
                  f"cpu {result['cpu']:7.2f}s rss {result['maxrss_mb']:7.1f}MB "
                  f"tree {result['tree_pss_mb'] or 0:7.1f}MB rc {result['rc']}", flush=True)
    return results


def summary(samples: List[dict], key: str) -> Tuple[float, float, float]:
    values = [s[key] for s in samples if s.get(key) is not None]
    if not values:
        return (float("nan"),) * 3  # type: ignore[return-value]
    return statistics.median(values), min(values), max(values)


def paired_ratio(a: List[dict], b: List[dict], key: str) -> Tuple[float, float, float]:
    """Median (min, max) over rounds of ``a[r][key] / b[r][key]`` (both measured in round r)."""
    by_round = {s["round"]: s[key] for s in b if s.get(key)}
    ratios = [s[key] / by_round[s["round"]] for s in a if s.get(key) and by_round.get(s["round"])]
    if not ratios:
        return (float("nan"),) * 3  # type: ignore[return-value]
    return statistics.median(ratios), min(ratios), max(ratios)


def _fmt(triple: Tuple[float, float, float], digits: int = 2) -> str:
    med, low, high = triple
    return f"{med:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def _pct(triple: Tuple[float, float, float]) -> str:
    med, low, high = triple
    return f"{(med - 1) * 100:+.1f}% ({(low - 1) * 100:+.1f} … {(high - 1) * 100:+.1f})"


def main_table(results: Dict[str, List[dict]], nfiles: int, default: str = "flake8") -> List[str]:
    base = {"flake8": "flake8", "flake8+FDP": "flake8", "check": "flake8",
            "flake8 -j1": "flake8 -j1", "flake8+FDP -j1": "flake8 -j1", "check -j1": "flake8 -j1"}
    rows = ["| tool | runs | wall s | CPU s | peak RSS MB (largest process) | peak PSS MB (process tree) | files/s "
            f"| wall ÷ {default} | CPU ÷ {default} |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, samples in results.items():
        ref = base.get(name, default)
        wall, cpu = summary(samples, "wall"), summary(samples, "cpu")
        rw = paired_ratio(samples, results[ref], "wall") if ref in results else (float("nan"),) * 3
        rc = paired_ratio(samples, results[ref], "cpu") if ref in results else (float("nan"),) * 3
        rss = summary(samples, "maxrss_mb")
        rows.append(f"| {name} | {len(samples)} | {_fmt(wall)} | {_fmt(cpu)} | {_fmt(rss, 0)} "
                    f"| {_fmt(summary(samples, 'tree_pss_mb'), 0)} | {nfiles / wall[0]:.0f} "
                    f"| {_fmt(rw)} | {_fmt(rc)} |")
    return rows


# --------------------------------------------------------------------------- profile


def profile(cwd: Path, targets: Sequence[str]) -> List[str]:
    """pyinstrument over ``check -j 1`` and ``flake8 -j 1`` with the plugin; top of each profile."""
    prof = CACHE / "prof"
    if not (prof / "pyinstrument").exists():
        subprocess.run([PY, "-m", "pip", "install", "-q", "--target", str(prof), "pyinstrument"], check=True)
    env = dict(os.environ, PYTHONPATH=str(prof))
    lines: List[str] = []
    jobs = {
        "check -j1": [PY, "-m", "pyinstrument", "-r", "text", "-p", "flat=true", "-p", "flat_time=self",
                      "-m", "flake8_flask_deploy.cli", "check", "-j", "1"] + list(targets),
        "flake8+FDP -j1 (plugin frames only)": [
            PY, "-m", "pyinstrument", "-r", "text", "-p", "flat=true", "-p", "flat_time=total",
            "-m", "flake8", "--isolated", "-j", "1"] + list(targets),
    }
    for name, argv in jobs.items():
        out = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
        text = out.stdout
        header = [ln for ln in text.splitlines() if "Duration:" in ln or "Samples:" in ln]
        body = [ln for ln in text.splitlines() if re.match(r"^\s*\d+\.\d+\s", ln)]
        if "plugin frames" in name:
            body = [ln for ln in body if "flake8_flask_deploy" in ln or "run_checks" in ln
                    or "run_ast_checks" in ln or re.search(r"\bmain\b", ln)]
        (CACHE / f"profile-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.txt").write_text(text)
        lines += [f"#### pyinstrument: `{name}`", "", "```"] + header + body[:25] + ["```", ""]
    return lines


# --------------------------------------------------------------------------- report


def machine() -> List[str]:
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(ln for ln in open("/proc/meminfo") if ln.startswith("MemTotal")).split()[1]
        mem_gb = f"{int(mem) / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration):
        mem_gb = "unknown"
    git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "src"],
                           capture_output=True, text=True).stdout.strip()
    return [
        f"- CPU: {model}, {os.cpu_count()} cores; memory {mem_gb}; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({PY})",
        f"- flake8-flask-deploy at {git.stdout.strip()}" + (" with uncommitted changes in src/" if dirty else ""),
    ]


def write_results(sections: List[str]) -> None:
    block = "\n".join([BEGIN] + sections + [END])
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
    else:
        text = "# Benchmark results\n\n" + block + "\n"
    RESULTS_MD.write_text(text)


def compare_findings(results: Dict[str, List[dict]]) -> List[str]:
    """Findings per tool and code, and how the debug/bind findings of the tools overlap by line."""
    per_tool: Dict[str, List[Tuple[str, str, int]]] = {}
    for name, samples in results.items():
        if samples and name in ("flake8+FDP", "check", "bandit B201,B104", "ruff S201,S104") \
                or name.startswith("semgrep"):
            per_tool[name] = findings_of(name, Path(samples[0]["out"]))
    rows = ["| tool | findings by code |", "|---|---|"]
    for name, found in per_tool.items():
        codes: Dict[str, int] = {}
        for code, _, _ in found:
            codes[code] = codes.get(code, 0) + 1
        rows.append(f"| {name} | " + (", ".join(f"{c}: {n}" for c, n in sorted(codes.items())) or "none") + " |")
    lines = rows + [""]

    def lines_of(tool: str, codes: Sequence[str]) -> set:
        return {(p, ln) for c, p, ln in per_tool.get(tool, []) if c in codes}

    fdp = lines_of("flake8+FDP", ["FDP003"])
    debug = [("ruff S201,S104", ["S201"]), ("bandit B201,B104", ["B201"])]
    for tool, codes in debug:
        other = lines_of(tool, codes)
        if tool in per_tool:
            lines.append(f"- debug mode: {tool} {codes[0]} flags {len(other)} lines, FDP003 (flake8+FDP) "
                         f"{len(fdp)}; both: {len(fdp & other)}; only {codes[0]}: "
                         f"{sorted(other - fdp)[:6]}; only FDP003: {sorted(fdp - other)[:6]}")
    plugin = {(c, p, ln) for c, p, ln in per_tool.get("flake8+FDP", []) if c.startswith("FDP")}
    cli = {(c, p, ln) for c, p, ln in per_tool.get("check", []) if p.endswith(".py")}
    if "check" in per_tool and "flake8+FDP" in per_tool:
        lines.append(f"- flake8 plugin vs `check` on .py files: {len(plugin)} vs {len(cli)} findings; "
                     f"only plugin: {sorted(plugin - cli)[:5]}; only check: {sorted(cli - plugin)[:5]}")
    return lines


def check_jobs_equivalence(results: Dict[str, List[dict]]) -> List[str]:
    if "check" not in results or "check -j1" not in results:
        return []
    outs = {Path(s["out"]).read_text() for name in ("check", "check -j1") for s in results[name]}
    same = len(outs) == 1
    return [f"- `check` output identical with `--jobs auto` and `--jobs 1` in every run: {'yes' if same else 'NO'}"]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke test: 1 run on one small project, no scaling")
    parser.add_argument("--runs", type=int, default=None, help="interleaved runs per tool (default 3; quick 1)")
    parser.add_argument("--scale", default=None, help="corpus copies for the scaling run (default 1,2,4; quick none)")
    parser.add_argument("--scale-runs", type=int, default=2, help="runs per tool in the scaling run")
    parser.add_argument("--scale-projects", default="Flask-AppBuilder,Flask-Admin",
                        help="projects copied for the scaling run (default: Flask-AppBuilder,Flask-Admin)")
    parser.add_argument("--profile-projects", default="Flask-AppBuilder",
                        help="projects profiled with --profile (default: Flask-AppBuilder)")
    parser.add_argument("--no-jobs1", action="store_true", help="skip the -j 1 variants of flake8 and check")
    parser.add_argument("--all-every-run", action="store_true",
                        help="run bandit (all tests), semgrep and fix on all files in every round too")
    parser.add_argument("--semgrep", default=None, help="semgrep executable (default: .corpus/venv-semgrep)")
    parser.add_argument("--install-semgrep", action="store_true",
                        help="pip-install semgrep into .corpus/venv-semgrep first")
    parser.add_argument("--profile", action="store_true", help="profile check and flake8+FDP with pyinstrument")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument("--render", metavar="JSON", help="only rewrite RESULTS.md from a saved results file")
    args = parser.parse_args(argv)
    if args.render:
        sections = render(json.loads(Path(args.render).read_text()))
        if not args.no_write:
            write_results(sections)
        print("\n".join(sections))
        return 0
    runs = args.runs or (1 if args.quick else 3)
    scale = [int(x) for x in (args.scale if args.scale is not None else ("" if args.quick else "1,2,4")).split(",")
             if x.strip()]

    pins = [p for p in PINS if p[0] == QUICK_PROJECT] if args.quick else PINS
    archives = download(pins)
    keys = [extract(name, archives[name]).name for name, _ in pins]
    (SRC / "setup.cfg").write_text(ROOT_MARKER)
    nfiles = sum(len(python_files(SRC / key)) for key in keys)
    nlines = sum(len(p.read_bytes().splitlines()) for key in keys for p in python_files(SRC / key))
    (CACHE / "semgrep-flask.yml").write_text(SEMGREP_RULES)
    if args.install_semgrep and not (CACHE / "venv-semgrep" / "bin" / "semgrep").exists():
        subprocess.run([sys.executable, "-m", "venv", str(CACHE / "venv-semgrep")], check=True)
        subprocess.run([str(CACHE / "venv-semgrep" / "bin" / "pip"), "install", "-q", "semgrep"], check=True)
    semgrep = semgrep_bin(args.semgrep)
    compile_package()

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    machine_facts = machine()  # the commit measured is the one checked out now, not at the end of the run
    versions = {
        "flake8": version_of([PY, "-m", "flake8", "--version"]),
        "bandit": version_of([PY, "-m", "bandit", "--version"]),
        "ruff": version_of([_ruff_bin(), "--version"]),
        "semgrep": version_of([semgrep, "--version"], SEMGREP_ENV) if semgrep else "not installed",
    }
    semgrep_registry = "semgrep not installed"
    if semgrep:
        probe = subprocess.run([semgrep, "scan", "--metrics", "off", "--config", "p/flask", "--json",
                                str(SRC / keys[-1])], capture_output=True, text=True, timeout=300, env=SEMGREP_ENV)
        err = [ln.strip() for ln in (probe.stderr or "").splitlines() if ln.strip()]
        semgrep_registry = "ran" if probe.returncode == 0 else f"failed (exit {probe.returncode}): `" + (
            next((ln for ln in reversed(err) if "Error" in ln), err[-1] if err else ""))[:300] + "`"

    # main suite, then fix --diff on everything and on the files with findings only
    tools = tool_commands(keys, semgrep, jobs1=not args.no_jobs1)
    envs = {name: SEMGREP_ENV for name in tools if name.startswith("semgrep")}
    once = () if args.all_every_run else [n for n in tools if n.startswith("semgrep") or n == "bandit (all tests)"]
    main_results = run_suite(tools, SRC, runs, "main", envs, once)
    with_findings = sorted({p for c, p, _ in findings_of("check", Path(main_results["check"][0]["out"]))
                            if p.endswith(".py")})
    fix_tools = {"fix --diff (all files)": [PY, "-c", CLI_SHIM, "fix", "--diff"] + keys}
    if with_findings:
        fix_tools["fix --diff (files with findings)"] = [PY, "-c", CLI_SHIM, "fix", "--diff"] + with_findings
    fix_tools["check -j1"] = [PY, "-c", CLI_SHIM, "check", "-j", "1"] + keys
    fix_once = () if args.all_every_run else ["fix --diff (all files)"]
    fix_results = run_suite(fix_tools, SRC, runs, "fix", once=fix_once)

    scale_results: Dict[int, Dict[str, List[dict]]] = {}
    scale_keys = [_key(n) for n in args.scale_projects.split(",") if n.strip()]
    if args.quick:
        scale_keys = keys
    for key in scale_keys:
        name = next(n for n, _ in PINS if _key(n) == key)
        extract(name, download([p for p in PINS if p[0] == name])[name])
    scale_files = sum(len(python_files(SRC / key)) for key in scale_keys)
    for factor in scale:
        base = scaled_copy(scale_keys, factor)
        # each project folder is named (a folder holding several projects is walked as one by flake8
        # and ruff, but `check` skips nested projects: it is meant to be run on a project)
        copies = [f"c{i}/{key}" for i in range(factor) for key in scale_keys]
        stools = {k: v for k, v in tool_commands(copies, None, jobs1=False).items()
                  if k in ("flake8", "flake8+FDP", "check", "ruff S201,S104")}
        scale_results[factor] = run_suite(stools, base, args.scale_runs, f"x{factor}")

    # what the project index, the rules that use it and astroid cost (issue 8), per project
    index_rows = index_cost.cost([str(SRC / key) for key in keys], runs=1)
    for row in index_rows:
        row["project"] = Path(row["project"]).name

    profile_lines: List[str] = []
    if args.profile:
        prof_keys = [_key(n) for n in args.profile_projects.split(",") if n.strip()]
        profile_lines = [f"On {', '.join(prof_keys)}, one process (`-j 1`).", ""]
        profile_lines += profile(SRC, prof_keys if not args.quick else keys)
    finished = datetime.datetime.now(datetime.timezone.utc)
    load_after = os.getloadavg()
    raw = {"started": started.isoformat(), "finished": finished.isoformat(), "files": nfiles, "lines": nlines,
           "pins": pins, "versions": versions, "semgrep_registry": semgrep_registry, "main": main_results,
           "fix": fix_results, "scale": {str(k): v for k, v in scale_results.items()},
           "load": [load_before, load_after], "files_with_findings": with_findings, "quick": args.quick,
           "runs": runs, "scale_keys": scale_keys, "scale_files": scale_files, "scale_runs": args.scale_runs,
           "machine": machine_facts, "profile": profile_lines, "index_cost": index_rows}
    (CACHE / f"results-{started:%Y%m%dT%H%M%S}.json").write_text(json.dumps(raw, indent=1))
    sections = render(raw)
    if not args.no_write:
        write_results(sections)
    print("\n".join(sections))
    return 0


def render(raw: dict) -> List[str]:
    """The markdown of RESULTS.md's generated part from the raw results of one session."""
    started = datetime.datetime.fromisoformat(raw["started"])
    finished = datetime.datetime.fromisoformat(raw["finished"])
    load_before, load_after = raw["load"]
    versions, pins, runs, nfiles, nlines = raw["versions"], raw["pins"], raw["runs"], raw["files"], raw["lines"]
    semgrep_registry, with_findings = raw["semgrep_registry"], raw["files_with_findings"]
    main_results, fix_results = raw["main"], raw["fix"]
    scale_results = {int(k): v for k, v in raw["scale"].items()}
    scale_keys, scale_files = raw["scale_keys"], raw["scale_files"]
    sections = [
        f"_Generated by `benchmarks/run.py{' --quick' if raw['quick'] else ''}` on {started:%Y-%m-%d %H:%M} UTC "
        f"({(finished - started).total_seconds() / 60:.0f} min)._", "",
        "### Machine and corpus", "",
    ] + raw["machine"] + [
        f"- load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.1f}' for x in load_after)} (shared machine: other processes were running)",
        "- tools: " + "; ".join(f"{k} `{v}`" for k, v in versions.items()),
        f"- corpus: {', '.join(f'{n} {v}' for n, v in pins)} (sdists); {nfiles} Python files, {nlines} lines",
        f"- runs: {runs} per tool, interleaved (round r starts at tool r); medians, (min–max) in brackets",
        f"- semgrep registry rules (`--config p/flask`): {semgrep_registry}", "",
        "### Tools on the corpus", "",
    ] + main_table(main_results, nfiles) + [""]
    plug_wall = paired_ratio(main_results["flake8+FDP"], main_results["flake8"], "wall")
    plug_cpu = paired_ratio(main_results["flake8+FDP"], main_results["flake8"], "cpu")
    plug_rss = paired_ratio(main_results["flake8+FDP"], main_results["flake8"], "maxrss_mb")
    plug_pss = paired_ratio(main_results["flake8+FDP"], main_results["flake8"], "tree_pss_mb")
    sections += ["### Targets", "", "| target | measured (median of per-round ratios, min … max) | met |",
                 "|---|---|---|",
                 f"| plugin overhead ≤ 2% of flake8's wall time (`-j auto`) | {_pct(plug_wall)} | "
                 f"{'yes' if plug_wall[0] <= 1.02 else 'no'} |",
                 f"| (same, CPU time) | {_pct(plug_cpu)} | |"]
    if "flake8+FDP -j1" in main_results:
        w1 = paired_ratio(main_results["flake8+FDP -j1"], main_results["flake8 -j1"], "wall")
        c1 = paired_ratio(main_results["flake8+FDP -j1"], main_results["flake8 -j1"], "cpu")
        r1 = paired_ratio(main_results["flake8+FDP -j1"], main_results["flake8 -j1"], "maxrss_mb")
        sections += [f"| plugin overhead ≤ 2% of flake8's wall time (`-j 1`) | {_pct(w1)} | "
                     f"{'yes' if w1[0] <= 1.02 else 'no'} |",
                     f"| (same, CPU time, `-j 1`) | {_pct(c1)} | |",
                     f"| plugin peak memory ≤ +5% (`-j 1`, one process) | {_pct(r1)} | "
                     f"{'yes' if r1[0] <= 1.05 else 'no'} |"]
    sections += [f"| plugin peak memory ≤ +5% (`-j auto`, largest process) | {_pct(plug_rss)} | "
                 f"{'yes' if plug_rss[0] <= 1.05 else 'no'} |",
                 f"| (same, summed PSS of the process tree) | {_pct(plug_pss)} | |"]
    if "bandit B201,B104" in main_results:
        vs_bandit = paired_ratio(main_results["bandit B201,B104"], main_results["check"], "wall")
        vs_bandit_cpu = paired_ratio(main_results["bandit B201,B104"], main_results["check"], "cpu")
        sections.append(f"| `check` ≥ 20× faster than bandit B201,B104 (wall) | {_fmt(vs_bandit)}× "
                        f"(CPU: {_fmt(vs_bandit_cpu)}×) | {'yes' if vs_bandit[0] >= 20 else 'no'} |")
    if "ruff S201,S104" in main_results:
        vs_ruff = paired_ratio(main_results["check"], main_results["ruff S201,S104"], "wall")
        vs_ruff_cpu = paired_ratio(main_results["check"], main_results["ruff S201,S104"], "cpu")
        sections.append(f"| `check` within 4× of ruff S201,S104 (wall) | {_fmt(vs_ruff)}× slower "
                        f"(CPU: {_fmt(vs_ruff_cpu)}×) | {'yes' if vs_ruff[0] <= 4 else 'no'} |")
    sections += [""] + check_jobs_equivalence(main_results) + check_jobs_equivalence(raw.get("extra") or {})
    sections += ["", "### Findings (first run of each tool)", ""]
    sections += compare_findings(main_results) + ["", "### `fix --diff`", ""]
    sections += main_table(fix_results, nfiles, "check -j1")
    parses = []
    for name, samples in fix_results.items():
        err = Path(samples[0]["out"] + ".err").read_text(errors="replace")
        match = re.search(r"libcst-parses: (\d+)", err)
        if match:
            parses.append(f"{name}: {match[1]}")
    sections += ["", f"- files with `check` findings: {len(with_findings)}; libcst parses: " + "; ".join(parses),
                 ""]
    if scale_results:
        sections += ["### Scaling (hard-linked copies of the corpus)", "",
                     f"Base: {', '.join(scale_keys)} ({scale_files} Python files), copied 1×, 2×, 4×; "
                     f"{raw['scale_runs']} runs per tool."
                     + (f" ({raw['scale_note']})" if raw.get("scale_note") else ""),
                     "",
                     "| tool | " + " | ".join(f"{k}× wall s" for k in scale_results) + " | "
                     + " | ".join(f"{k}× CPU s" for k in scale_results) + " | CPU per copy, relative to 1× "
                     "| CPU s added per added copy |",
                     "|---|" + "---|" * (2 * len(scale_results) + 2)]
        first = min(scale_results)
        factors = sorted(scale_results)
        for name in next(iter(scale_results.values())):
            walls = [summary(scale_results[k][name], "wall") for k in scale_results]
            cpus = [summary(scale_results[k][name], "cpu") for k in scale_results]
            per = [summary(scale_results[k][name], "cpu")[0] / k for k in scale_results]
            base_per = summary(scale_results[first][name], "cpu")[0] / first
            sections.append(f"| {name} | " + " | ".join(_fmt(w) for w in walls) + " | "
                            + " | ".join(_fmt(c) for c in cpus) + " | "
                            + ", ".join(f"{p / base_per:.2f}" for p in per) + " | "
                            + ", ".join(f"{(cpus[i][0] - cpus[i - 1][0]) / (factors[i] - factors[i - 1]):.2f}"
                                        for i in range(1, len(factors))) + " |")
        sections.append("")
    if raw.get("index_cost"):
        sections += ["### What the project index, its rules and astroid cost `check` (`-j 1`, one cold process "
                     "per run; `benchmarks/index_cost.py`)", ""] + index_cost.table(raw["index_cost"]) + [""]
    if raw.get("extra"):
        sections += ["### Measured after the main suite (same files, one run)", "",
                     (raw.get("extra_note") or "").lstrip("- ") + ".", ""]
        sections += main_table(raw["extra"], nfiles) + [""]
    if raw.get("profile"):
        sections += ["### Profiles", ""] + raw["profile"]
    return sections


if __name__ == "__main__":
    sys.exit(main())
