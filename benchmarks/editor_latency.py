#!/usr/bin/env python3
"""What the plugin adds to an editor's one-file lint (issue 25), and its own CPU inside flake8.

Editors lint the file being edited at every save with a fresh ``flake8 - --stdin-display-name PATH``
process (ALE, nvim-lint, flymake, python-lsp-server). This script times exactly that, on real
projects of about 300 modules with a Dockerfile, a compose file and shell entrypoints, for a few
edited files of each project, in four variants run interleaved (round *r* starts at variant *r*):

* ``flake8``: flake8 with flake8-flask-deploy removed from the plugins it discovers (the launcher of
  ``run.py``: same interpreter, same flake8, same options; the plugin is neither imported nor run);
* ``cold``: with the plugin, its on-disk cache (``.flake8-flask-deploy-cache/``) removed first: the
  first run on the project (in a copy of the project, ``<name>.cold``, so that deleting the cache
  never puts a warm run of another file in a state an editor's runs do not leave it in);
* ``warm``: with the plugin, after an earlier run on the project, the edited file saved again (its
  mtime moved) and nothing else changed: the editor's steady state;
* ``no cache``: with the plugin and its on-disk cache turned off (what every run cost before it).

Each run is a fresh process; wall time is ``time.perf_counter`` around it, CPU time the child's
``wait4`` rusage, and the plugin's own CPU is ``time.process_time()`` summed inside the process over
the plugin's import and its entry points (``add_options``, ``parse_options``, ``run``), printed by the
launcher at exit: on a shared machine whole-process timings move by more than the plugin costs, the
plugin's own CPU does not.

``--throughput`` measures the same plugin CPU inside ``flake8 -j 1`` over the Flask-AppBuilder and
Flask-Admin sdists (``run.py``'s corpus), against the CPU of the whole flake8 process.

Usage::

    env -u PYTHONDONTWRITEBYTECODE python benchmarks/editor_latency.py [--runs 7] [--profile] [--write]
    python benchmarks/editor_latency.py PROJECT_DIR ...      # other projects
    python benchmarks/editor_latency.py --throughput --runs 3

Projects default to corpus entries (``corpus/apps/large-apps.json``) exported from their pinned
commit in ``/work/.mirror`` into ``benchmarks/.corpus/editors/`` (gitignored). ``--write`` puts the
tables into ``benchmarks/RESULTS.md`` between ``editors:begin``/``editors:end``; raw samples go to
``benchmarks/.corpus/editors-<date>.json``. Run it with ``PYTHONDONTWRITEBYTECODE`` unset: the
plugin's bytecode is written first (``compileall``), as ``pip install`` does.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".corpus"
EXPORTS = CACHE / "editors"
MIRROR = Path("/work/.mirror")
RESULTS_MD = HERE / "RESULTS.md"
BEGIN, END = "<!-- editors:begin -->", "<!-- editors:end -->"
PY = sys.executable
CACHE_DIR = ".flake8-flask-deploy-cache"

#: Corpus entries of about 300 modules with a Dockerfile, a compose file and a shell entrypoint.
DEFAULT_APPS = ("getredash+redash", "CTFd+CTFd", "Netflix+lemur")
VARIANTS = ("flake8", "cold", "warm", "no cache")

#: The launcher: ``--without`` drops flake8-flask-deploy from the plugins flake8 discovers (as in
#: ``run.py``); ``--with`` and ``--with-nocache`` keep it, sum ``time.process_time()`` over its import
#: (after flake8's own modules are imported) and its entry points, and print the sum to stderr at exit.
LAUNCHER = r"""
import atexit, sys, time
mode = sys.argv.pop(1)
from flake8.plugins import finder
from flake8.main.cli import main
import flake8.checker, flake8.style_guide, flake8.main.application  # flake8 imports them anyway
if mode == "--without":
    _find = finder._find_importlib_plugins
    def _without():
        for plugin in _find():
            if finder.utils.normalize_pypi_name(plugin.package) != "flake8-flask-deploy":
                yield plugin
    finder._find_importlib_plugins = _without
else:
    spent = [0.0]
    # registered before the plugin's import registers the session's end: atexit runs it after that
    atexit.register(lambda: sys.stderr.write("fdp-cpu: %.6f\n" % spent[0]))
    start = time.process_time()
    from flake8_flask_deploy import plugin as _plugin
    spent[0] += time.process_time() - start
    cls = _plugin.FlaskDeployChecker
    def _timed(fn, after=None):
        def call(*args, **kwargs):
            start = time.process_time()
            try:
                out = fn(*args, **kwargs)
                if after:
                    after()
                return out
            finally:
                spent[0] += time.process_time() - start
        return call
    def _no_cache():
        from flake8_flask_deploy.session import current
        current().disk_cache = False
    cls.add_options = classmethod(_timed(cls.add_options.__func__))
    cls.parse_options = classmethod(_timed(cls.parse_options.__func__,
                                           _no_cache if mode == "--with-nocache" else None))
    _run = cls.run
    def run(self):
        start = time.process_time()
        try:
            found = list(_run(self))
        finally:
            spent[0] += time.process_time() - start
        return iter(found)
    cls.run = run
    from flake8_flask_deploy import session as _session  # the run's end: what it learnt is written then
    _session.Session.close = _timed(_session.Session.close)
sys.argv[0] = "flake8"
sys.exit(main())
"""
MODE = {"flake8": "--without", "cold": "--with", "warm": "--with", "no cache": "--with-nocache"}


# --------------------------------------------------------------------------- projects


def export_app(name: str) -> Optional[Path]:
    """``benchmarks/.corpus/editors/<name>``: the corpus entry ``name`` at its pinned commit, exported
    from its snapshot in /work/.mirror (None when neither the export nor the snapshot exists)."""
    dest = EXPORTS / name
    stamp = dest / ".exported"
    if stamp.exists():
        return dest
    entries = {}
    for listing in sorted((REPO / "corpus" / "apps").glob("*.json")):
        for entry in json.loads(listing.read_text()):
            entries[entry["repo"].replace("/", "+")] = entry
    entry = entries.get(name)
    git = next((g for g in (MIRROR / name / "repo" / ".git", MIRROR / name / "repo") if (g / "HEAD").exists()),
               None)
    if entry is None or git is None:
        return None
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "--git-dir", str(git), "archive", entry["commit"]], capture_output=True,
                             check=True)
    tmp = CACHE / f"{name}.tar"
    tmp.write_bytes(archive.stdout)
    with tarfile.open(tmp) as tf:
        tf.extractall(dest, filter="data")
    tmp.unlink()
    stamp.write_text(entry["commit"] + "\n")
    return dest


def python_files(root: Path) -> List[Path]:
    from flake8_flask_deploy import sources

    return [root / rel for rel in sources.python_files(str(root))]


def pick_files(root: Path) -> Dict[str, Path]:
    """The edited files measured: the module production serves or runs (``served``), the module
    with the most route decorators (``views``), and a module no rule's text test matches, of the
    median size of such modules (``plain``)."""
    from flake8_flask_deploy.deploy import get_context
    from flake8_flask_deploy.engine import TEXT_TEST

    files = python_files(root)
    picked: Dict[str, Path] = {}
    context = get_context(os.path.realpath(str(root)))
    for launch in context.production_launches:
        target = launch.script or launch.target_path
        if target and os.path.isfile(target):
            picked["served"] = Path(target)
            break
    texts = {}
    for path in files:
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    views = sorted((-t.count(".route("), str(p)) for p, t in texts.items()
                   if TEXT_TEST(t) and "tests" not in p.parts)
    if views and views[0][0] < 0:
        picked["views"] = Path(views[0][1])
    plain = sorted((len(t), str(p)) for p, t in texts.items() if not TEXT_TEST(t) and len(t) > 500
                   and "tests" not in p.parts)
    if plain:
        picked["plain"] = Path(plain[len(plain) // 2][1])
    return picked


def describe(root: Path) -> str:
    from flake8_flask_deploy.deploy import get_context

    context = get_context(os.path.realpath(str(root)))
    kinds = sorted({os.path.basename(f) for f in context.files})
    return f"{len(python_files(root))} modules; deployment files: {', '.join(kinds[:8])}" + (
        f" (+{len(kinds) - 8})" if len(kinds) > 8 else "")


# --------------------------------------------------------------------------- measuring


def bench_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_package() -> None:
    import flake8_flask_deploy

    subprocess.run([PY, "-m", "compileall", "-q", str(Path(flake8_flask_deploy.__file__).parent)],
                   check=True, env=bench_env())


def spawn(argv: Sequence[str], cwd: Path, stdin_path: Optional[Path] = None) -> dict:
    """Run ``argv`` once: wall seconds, the child's CPU seconds (``os.wait4``), stdout, stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            open(stdin_path or os.devnull, "rb") as stdin:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdin=stdin, stdout=out, stderr=err, env=bench_env())
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rc": proc.returncode,
                "out": out.read(), "err": err.read()}


def plugin_cpu(err: bytes) -> float:
    match = re.search(rb"fdp-cpu: ([0-9.]+)", err)
    return float(match.group(1)) if match else 0.0


def one_run(variant: str, root: Path, edited: Path) -> dict:
    """One ``flake8 -`` process on the text of ``edited``, from the project root, as an editor runs it."""
    if variant == "cold":
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    if variant in ("cold", "warm"):
        now = time.time_ns()
        os.utime(edited, ns=(now, now))  # the editor saved the file
    rel = str(edited.relative_to(root))
    argv = [PY, "-c", LAUNCHER, MODE[variant], "--isolated", "--stdin-display-name", rel, "-"]
    got = spawn(argv, root, edited)
    if got["rc"] not in (0, 1) or b"Traceback" in got["err"]:
        raise SystemExit(f"{argv} failed:\n{got['err'].decode(errors='replace')}")
    return {"wall": got["wall"], "cpu": got["cpu"], "plugin_cpu": plugin_cpu(got["err"]),
            "fdp": sorted(ln for ln in got["out"].decode(errors="replace").splitlines() if " FDP" in ln)}


def measure_project(root: Path, files: Dict[str, Path], runs: int) -> Dict[str, Dict[str, List[dict]]]:
    """Samples of every variant for every file, the variants interleaved round by round. The cold
    runs delete the cache, so they run in a copy of the project (``<name>.cold``, made once): a warm
    run then follows runs that leave the cache as an editor's runs leave it (the steady state the
    issue's target is about), not a cold run of another file that deleted it and rebuilt only its
    own part."""
    cold_root = root.parent / (root.name + ".cold")
    if not (cold_root / ".exported").exists():
        shutil.rmtree(cold_root, ignore_errors=True)
        shutil.copytree(root, cold_root, symlinks=True, ignore=shutil.ignore_patterns(CACHE_DIR))
    samples: Dict[str, Dict[str, List[dict]]] = {k: {v: [] for v in VARIANTS} for k in files}
    for path in files.values():  # prime: a cache exists before the first warm run, output checked
        one_run("cold", root, path)
    for path in files.values():  # each cold run deleted the cache: one save and lint of every file, so
        one_run("warm", root, path)  # that the first round's warm runs find the steady state, not a rebuild
    for r in range(runs):
        for kind, path in files.items():
            order = VARIANTS[r % len(VARIANTS):] + VARIANTS[:r % len(VARIANTS)]
            for variant in order:
                where, edited = (cold_root, cold_root / path.relative_to(root)) if variant == "cold" else (root, path)
                samples[kind][variant].append(one_run(variant, where, edited))
        print(f"  round {r + 1}/{runs} done", flush=True)
    return samples


def med(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def paired(a: List[dict], b: List[dict], key: str) -> float:
    """Median over rounds of ``b - a`` (both measured within the same round, seconds)."""
    return med([y[key] - x[key] for x, y in zip(a, b)])


# --------------------------------------------------------------------------- reports


def latency_table(results: Dict[str, dict]) -> List[str]:
    lines = ["| project | edited file | flake8 ms | + plugin, cold | + plugin, warm | + plugin, no cache "
             "| plugin CPU ms cold / warm / no cache | warm target, wall | warm target, plugin CPU | cold target |",
             "|---|---|---:|---:|---:|---:|---:|---|---|---|"]
    for name, data in results.items():
        for kind, per in data["samples"].items():
            base = med([s["wall"] for s in per["flake8"]])
            added = {v: paired(per["flake8"], per[v], "wall") for v in ("cold", "warm", "no cache")}
            cpu = {v: med([s["plugin_cpu"] for s in per[v]]) for v in ("cold", "warm", "no cache")}
            budget = max(0.10 * base, 0.030)
            rel = data["files"][kind]
            lines.append(
                f"| {name} | `{rel}` ({kind}) | {1000 * base:.0f} | "
                + " | ".join(f"{1000 * added[v]:+.0f} ms ({100 * added[v] / base:+.0f}%)"
                             for v in ("cold", "warm", "no cache"))
                + f" | {1000 * cpu['cold']:.0f} / {1000 * cpu['warm']:.0f} / {1000 * cpu['no cache']:.0f}"
                + f" | {'met' if added['warm'] <= budget else 'missed'} (≤ {1000 * budget:.0f} ms)"
                + f" | {'met' if cpu['warm'] <= budget else 'missed'}"
                + f" | {'met' if added['cold'] <= 0.300 else 'missed'} (≤ 300 ms) |")
    return lines


def profile(root: Path, edited: Path, variant: str) -> List[str]:
    """cProfile of one run (``cold`` or ``warm``): the plugin's frames and the libraries it imports,
    by cumulative time."""
    out = CACHE / f"editors-profile-{variant}.prof"
    if variant == "cold":
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
    else:
        one_run("cold", root, edited)
    rel = str(edited.relative_to(root))
    launcher = CACHE / "editors-launcher.py"
    launcher.write_text(LAUNCHER)
    with open(edited, "rb") as stdin:
        subprocess.run([PY, "-m", "cProfile", "-o", str(out), str(launcher), "--with", "--isolated",
                        "--stdin-display-name", rel, "-"], cwd=root, stdin=stdin, capture_output=True, env=bench_env())
    stats = pstats.Stats(str(out))
    rows = []
    for (filename, line, func), (_cc, _nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.replace(os.sep, "/")
        if re.search(r"flake8_flask_deploy/|/(bashlex|yaml|crossplane|dotenv|dockerfile_parse)/", where) \
                or func in ("run_checks", "_run", "main") and "flake8/" in where:
            short = re.sub(r"^.*/(?:site-packages|src)/", "", where)
            rows.append((ct, tt, f"{short}:{line}({func})"))
    rows.sort(reverse=True)
    total = max((ct for ct, _tt, _name in rows), default=0.0)
    text = [f"cumulative s  own s  function   ({variant} run, total {total:.3f} s under cProfile)"]
    text += [f"{ct:11.3f}  {tt:6.3f}  {name}" for ct, tt, name in rows[:22]]
    return text


def throughput(runs: int) -> List[str]:
    """Plugin CPU inside ``flake8 -j 1`` on the Flask-AppBuilder and Flask-Admin sdists."""
    sys.path.insert(0, str(HERE))
    import run as harness  # benchmarks/run.py: the pinned sdists

    pins = [p for p in harness.PINS if p[0] in ("Flask-AppBuilder", "Flask-Admin")]
    archives = harness.download(pins)
    folders = [harness.extract(name, archive) for name, archive in archives.items()]
    for folder in folders:
        marker = folder / "setup.cfg"
        if not marker.exists():
            marker.write_text(harness.ROOT_MARKER)
    rows = []
    for r in range(runs):
        order = ("--without", "--with") if r % 2 == 0 else ("--with", "--without")
        sample = {}
        for mode in order:
            got = spawn([PY, "-c", LAUNCHER, mode, "--isolated", "-j", "1", "--exit-zero", "-q",
                         *[f.name for f in folders]], harness.SRC)
            sample[mode] = {"wall": got["wall"], "cpu": got["cpu"], "plugin_cpu": plugin_cpu(got["err"])}
        rows.append(sample)
        print(f"  throughput round {r + 1}/{runs}: plugin {sample['--with']['plugin_cpu']:.2f} CPU-s of "
              f"{sample['--with']['cpu']:.2f}", flush=True)
    shares = [100 * s["--with"]["plugin_cpu"] / s["--with"]["cpu"] for s in rows]
    whole = [100 * (s["--with"]["cpu"] - s["--without"]["cpu"]) / s["--without"]["cpu"] for s in rows]
    nfiles = sum(len(list(f.rglob("*.py"))) for f in folders)
    return [
        f"`flake8 --isolated -j 1` over Flask-AppBuilder 5.3.0 + Flask-Admin 2.2.1 ({nfiles} files), {runs} rounds:",
        "",
        "| measure | median (min … max) |", "|---|---|",
        f"| plugin's own CPU (process_time inside it) | {med([s['--with']['plugin_cpu'] for s in rows]):.2f} s |",
        f"| flake8 process CPU with the plugin | {med([s['--with']['cpu'] for s in rows]):.2f} s |",
        f"| **plugin share of flake8's CPU** (target ≤ 2%) | **{med(shares):.1f}%** "
        f"({min(shares):.1f} … {max(shares):.1f}) |",
        f"| whole-process CPU, with ÷ without − 1 (noisy) | {med(whole):+.1f}% "
        f"({min(whole):+.1f} … {max(whole):+.1f}) |",
    ]


def write_results(sections: List[str]) -> None:
    block = "\n".join([BEGIN] + sections + [END])
    text = RESULTS_MD.read_text()
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS_MD.write_text(text)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", help="project folders (default: corpus exports)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile one cold and one warm run")
    parser.add_argument("--throughput", action="store_true", help="plugin CPU in flake8 -j 1 on two sdists")
    parser.add_argument("--throughput-runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write the tables into RESULTS.md")
    args = parser.parse_args(argv)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set in this shell; the children run without it", file=sys.stderr)
    compile_package()
    roots = [Path(p).resolve() for p in args.projects] or [p for p in map(export_app, DEFAULT_APPS) if p]
    started = datetime.datetime.now(datetime.timezone.utc)
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    results: Dict[str, dict] = {}
    about = []
    for root in roots:
        files = pick_files(root)
        named = ", ".join(f"{k}={v.relative_to(root)}" for k, v in files.items())
        print(f"{root.name}: {describe(root)}; files {named}", flush=True)
        about.append(f"- {root.name}: {describe(root)}")
        samples = measure_project(root, files, args.runs)
        results[root.name] = {"files": {k: str(v.relative_to(root)) for k, v in files.items()}, "samples": samples}
        for kind, per in samples.items():
            outputs = {v: {tuple(s["fdp"]) for s in per[v]} for v in VARIANTS if v != "flake8"}
            if len({o for outs in outputs.values() for o in outs}) > 1:
                print(f"  WARNING: {kind}: the plugin's output differs between variants: {outputs}", flush=True)
    load = os.getloadavg()
    sections = [
        f"_Generated by `benchmarks/editor_latency.py` on {started:%Y-%m-%d %H:%M} UTC at `{commit}`"
        f"{' (uncommitted changes)' if dirty else ''}; {args.runs} interleaved rounds, medians; "
        f"`PYTHONDONTWRITEBYTECODE` unset, the plugin's bytecode written first; load average after: "
        f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} (2 cores, shared)._",
        "",
    ] + about + [
        "",
        "One `flake8 --isolated --stdin-display-name FILE -` process per run, from the project root, on the "
        "file's text; \"+ plugin\" is the median over rounds of (with plugin − flake8 alone) wall time "
        "measured in the same round; plugin CPU is `process_time` summed inside the plugin (its import and "
        "entry points). The wall difference also holds what the plugin makes flake8 and the interpreter do "
        "outside it (more objects for the garbage collector, more modules to tear down at exit), and the "
        "shared machine's noise; both verdicts are shown.",
        "",
    ] + latency_table(results)
    if args.profile and roots:
        root = roots[0]
        files = results[root.name]["files"]
        edited = root / (files.get("served") or next(iter(files.values())))
        for variant in ("cold", "warm"):
            sections += ["", f"Profile of one {variant} run on `{root.name}/{edited.relative_to(root)}` "
                         "(cProfile; the plugin's frames and the parsers it imports):", "", "```"]
            sections += profile(root, edited, variant) + ["```"]
    if args.throughput:
        sections += ["", "#### Throughput: the plugin's CPU inside `flake8 -j 1`", ""]
        sections += throughput(args.throughput_runs)
    print("\n".join(sections))
    CACHE.mkdir(exist_ok=True)
    raw = CACHE / f"editors-{started:%Y%m%d-%H%M}.json"
    raw.write_text(json.dumps({"commit": commit, "results": results}, indent=1, default=str))
    if args.write:
        write_results(sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
