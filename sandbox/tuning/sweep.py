"""Sweeps: every combination of the grid's values times every seed, one run each.

Runs are independent and each is a pure function of its spec, so the table (rows in
grid order, then seed order) is the same whatever the number of workers and the
order in which they finish.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from sandbox.config import ConfigError

from .report import MARKER, write_json, write_table
from .runner import RunSpec, run_scalars, with_overrides

MAX_PANELS = 24  # metrics per sweep figure; the rest are named in report.json


def sweep_specs(base: RunSpec, grid: dict[str, list[float]], seeds: list[int],
                params) -> list[tuple[dict, int, RunSpec]]:
    """(grid values, seed, spec) for every combination x seed, checked against the
    preset's `params` (ordered pairs such as turn_delay_min <= turn_delay_max)."""
    fixed = dict(base.overrides)
    both = sorted(set(fixed) & set(grid))
    if both:
        raise ConfigError(f"--grid {both[0]} and --set {both[0]}: a parameter is either swept "
                          "or set (allowed: one of the two)")
    out = []
    for combo in itertools.product(*grid.values()):
        values = dict(zip(grid, combo))
        where = "--grid " + ", ".join(f"{k}={v:g}" for k, v in values.items())
        with_overrides(params, {**fixed, **values}.items(), where)
        overrides = tuple(sorted({**fixed, **values}.items()))
        out += [(values, s, replace(base, overrides=overrides, seed=s)) for s in seeds]
    return out


def run_all(pool, specs: list[RunSpec], on_done: Callable[[int], None] | None = None,
            fn=run_scalars) -> list[dict]:
    """fn(spec) for every spec on `pool`; the results in spec order. on_done(count) as
    each finishes. A failed run raises its error here (the others are cancelled)."""
    futures = {pool.submit(fn, s): k for k, s in enumerate(specs)}
    results: list[dict | None] = [None] * len(specs)
    for count, fut in enumerate(pool.completed(futures), start=1):
        results[futures[fut]] = fut.result()
        if on_done is not None:
            on_done(count)
    return results  # type: ignore[return-value]


def varying(rows: list[dict], names: list[str]) -> list[str]:
    """The metrics with a finite value somewhere that is not the same in every run."""
    out = []
    for name in names:
        v = np.array([r["metrics"].get(name) for r in rows], dtype=float)
        v = v[np.isfinite(v)]
        if len(v) and (len(v) < len(rows) or v.min() != v.max()):
            out.append(name)
    return out


def write_sweep(stage: Path, rows: list[dict], grid: dict, title: str, info: dict) -> list[str]:
    """sweep.csv (one row per run), sweep_<param>.png per swept parameter and report.json.
    rows: {"params": {key: value}, "seed": int, "metrics": {name: value}}."""
    from .plots import sweep_plot

    names = list(rows[0]["metrics"])
    header = ["run", *grid, "seed", *names]
    write_table(stage / "sweep.csv", header,
                ([k, *(r["params"][g] for g in grid), r["seed"],
                  *(r["metrics"][n] for n in names)] for k, r in enumerate(rows)))
    plotted = varying(rows, names)
    files = ["sweep.csv"]
    if plotted:
        for param in grid:
            others = [g for g in grid if g != param]
            files.append(sweep_plot(stage / f"sweep_{param}.png", param, others, rows,
                                    plotted[:MAX_PANELS], title))
    summary = {}
    for name in names:
        v = np.array([r["metrics"][name] for r in rows], dtype=float)
        ok = v[np.isfinite(v)]
        summary[name] = {"runs_with_value": int(len(ok)),
                         "median": float(np.median(ok)) if len(ok) else math.nan,
                         "min": float(ok.min()) if len(ok) else math.nan,
                         "max": float(ok.max()) if len(ok) else math.nan}
    write_json(stage / MARKER, {"report": "crowd sweep", **info, "grid": grid,
                                "runs": len(rows), "plotted": plotted[:MAX_PANELS],
                                "not_plotted_varying": plotted[MAX_PANELS:],
                                "summary": summary, "files": files + [MARKER]})
    return files + [MARKER]
