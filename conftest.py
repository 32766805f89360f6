"""Repository-wide pytest hooks: a per-notebook timing table after every run that executes notebooks.

The table (build/notebook-timings.md and the terminal summary) lists each notebook's total cell time against its
budget from architecture.md, so a slow lab shows up in every `make test` without a timed assertion.
"""
from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

_durations: dict[str, float] = defaultdict(float)
_failed: set[str] = set()


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration
        if report.failed:
            _failed.add(path)


def _table() -> list[str]:
    from labkit.labs import find
    from labkit.runner import budget_seconds

    rows = ["| notebook | seconds | budget | status |", "|---|---:|---:|---|"]
    for path, seconds in sorted(_durations.items()):
        lab_id = find(Path(path).name).id
        budget = budget_seconds(lab_id)
        status = "failed" if path in _failed else ("over budget" if seconds > budget else "ok")
        rows.append(f"| {path} | {seconds:.1f} | {budget} | {status} |")
    return rows


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _durations or hasattr(config, "workerinput"):
        return
    rows = _table()
    out = Path(config.rootpath) / "build" / "notebook-timings.md"
    out.parent.mkdir(exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    terminalreporter.write_sep("-", f"notebook timings (also in {out.relative_to(config.rootpath)})")
    for row in rows:
        terminalreporter.write_line(row)
