"""What the project index and astroid inference cost `check`, per project (issue 8's rules).

Usage: python benchmarks/index_cost.py [--json] PROJECT_DIR ...

For each project, in a fresh process each time (every cache cold): ``check -j 1`` in-process with
every rule, then with the rules that build the project index left out
(:data:`CROSS_MODULE_RULES`; ``check --ignore`` does not run a rule it does not report). Printed per
project: the CPU seconds of both runs and their difference, how many modules the index read, how
many modules it scanned (parsed besides the file being linted), how many questions astroid was asked
and the seconds they took, and whether astroid was imported at all. ``run.py`` calls this and puts
the table in RESULTS.md; CPU seconds are ``time.process_time`` of the child, so read them as ±10% on
a shared machine.
"""
from __future__ import annotations

import json
import subprocess
import sys
from typing import Dict, List, Sequence

#: The rules that ask the project index (and, through it, astroid) questions.
CROSS_MODULE_RULES = ("FDP007", "FDP008", "FDP009", "FDP010", "FDP013")

_CHILD = r"""
import json, sys, time
from flake8_flask_deploy import inference
from flake8_flask_deploy.cli import check_paths
from flake8_flask_deploy.session import current
ignore = [c for c in sys.argv[2].split(",") if c]
start = time.process_time()
report = check_paths([sys.argv[1]], ignore=ignore, jobs=1)
cpu = time.process_time() - start
stats = inference.stats()
indexes = current().cache("index.indexes", "project")
print(json.dumps({"cpu": cpu, "findings": len(report.findings), "files": report.files,
                  "indexed": sum(len(i.modules) for i in indexes.values()),
                  "indexes": len(indexes), "scanned": len(current().cache("index.scans", "file")),
                  "questions": stats["questions"], "astroid_s": stats["seconds"],
                  "astroid": stats["imported"]}))
"""


def measure(project: str, ignore: Sequence[str] = ()) -> Dict[str, float]:
    """One cold ``check -j 1`` of ``project`` in a child process; the child's figures (see module doc)."""
    proc = subprocess.run([sys.executable, "-c", _CHILD, project, ",".join(ignore)], capture_output=True,
                          text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cost(projects: Sequence[str], runs: int = 1) -> List[dict]:
    """``[{project, with: [...], without: [...]}]``: ``runs`` interleaved pairs per project."""
    out = []
    for project in projects:
        row: dict = {"project": project, "with": [], "without": []}
        for _ in range(runs):
            row["with"].append(measure(project))
            row["without"].append(measure(project, CROSS_MODULE_RULES))
        out.append(row)
    return out


def table(rows: List[dict]) -> List[str]:
    """Markdown lines of the cost table (medians over runs)."""
    def med(samples: List[dict], key: str) -> float:
        values = sorted(s[key] for s in samples)
        return values[len(values) // 2]

    lines = ["| project | files | check CPU s | without " + ", ".join(CROSS_MODULE_RULES) + " | index + rules CPU s "
             "| modules indexed | modules scanned | astroid questions | astroid s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total_with = total_without = 0.0
    for row in rows:
        w, wo = med(row["with"], "cpu"), med(row["without"], "cpu")
        total_with += w
        total_without += wo
        first = row["with"][0]
        astroid = f"{first['questions']}" + ("" if first["astroid"] else " (not imported)")
        lines.append(f"| {row['project']} | {first['files']} | {w:.2f} | {wo:.2f} | {w - wo:+.2f} | "
                     f"{first['indexed']} | {first['scanned']} | {astroid} | {first['astroid_s']:.2f} |")
    if total_with:
        lines.append(f"| **all** | | {total_with:.2f} | {total_without:.2f} | {total_with - total_without:+.2f} "
                     f"({100 * (total_with - total_without) / total_with:.0f}% of check) | | | | |")
    return lines


def main(argv: Sequence[str]) -> int:
    as_json = "--json" in argv
    projects = [a for a in argv if a != "--json"]
    rows = cost(projects)
    print(json.dumps(rows, indent=1) if as_json else "\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
