"""Writing reports: a folder that appears complete or not at all, and a run's JSON and CSV.

A report is written into a hidden staging folder beside its destination
(`.NAME.partial-PID`) and renamed onto the destination only when every file is written,
so an error or Ctrl-C never leaves a folder that looks like a finished report. An
existing destination is replaced only if it is empty or an earlier report (holds
`report.json`).
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from sandbox.config import ConfigError
from sandbox.crowd.behaviour import KINDS, STATES

MARKER = "report.json"


def _cannot(path: Path, why: str) -> ConfigError:
    return ConfigError(f"cannot write report {path}: {why} (allowed: a new or empty folder, "
                       f"or an earlier report, in a writable place)")


@contextmanager
def staged_dir(final: Path):
    """Yield an empty staging folder; on leaving without error it becomes `final`."""
    final = Path(final)
    if final.exists():
        if not final.is_dir():
            raise _cannot(final, "it is a file")
        if any(final.iterdir()) and not (final / MARKER).is_file():
            raise _cannot(final, "it is a folder that holds other files")
    stage = final.parent / f".{final.name}.partial-{os.getpid()}"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
    except OSError as exc:
        raise _cannot(final, exc.strerror or str(exc)) from None
    try:
        yield stage
        old = None
        if final.exists():
            old = final.parent / f".{final.name}.old-{os.getpid()}"
            final.rename(old)
        stage.rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def clean(value):
    """JSON-safe: NaN and inf become None, numpy scalars plain numbers (recursively)."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    return value


def write_json(path: Path, data: dict) -> None:
    with open(path, "w") as fh:
        json.dump(clean(data), fh, indent=2)
        fh.write("\n")


def write_table(path: Path, header: list[str], rows) -> None:
    """CSV with a header row; None and NaN cells are left empty."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None or (isinstance(v, float) and not math.isfinite(v))
                        else (f"{v:.6g}" if isinstance(v, float) else v) for v in row])


def timeseries_columns(m) -> tuple[list[str], np.ndarray]:
    """Header and (T, C) table of a run's time series: t, counts by kind and state,
    infected, turned, cumulative in/out per line."""
    header = (["t"] + [f"kind:{k}" for k in KINDS] + [f"state:{s}" for s in STATES]
              + ["infected", "turned"]
              + [f"{d}:{name}" for name in m.line_names for d in ("in", "out")])
    flows = np.stack([m.flow_in, m.flow_out], axis=2).reshape(len(m.times), -1)
    table = np.column_stack([m.times, m.kinds, m.states, m.infected, m.turned, flows])
    return header, table


def _level_name(p, k: int):
    """Level `k` of probes `p` by name (its index when the levels are not named)."""
    return p.level_names[k] if k < len(p.level_names) else k


def write_run(stage: Path, m, info: dict) -> list[str]:
    """A run's report.json (settings, definitions, every single-number metric), timeseries
    .csv and density.csv into `stage`; returns the file names written."""
    header, table = timeseries_columns(m)
    rows = ([round(float(r[0]), 6)] + [int(v) for v in r[1:]] for r in table)
    write_table(stage / "timeseries.csv", header, rows)
    p = m.probes
    ny, nx = p.shape
    xs = p.origin[0] + (np.arange(nx) + 0.5) * p.cell
    ys = p.origin[1] + (np.arange(ny) + 0.5) * p.cell
    write_table(stage / "density.csv", ["y \\ x"] + [f"{x:g}" for x in xs],
                ([f"{y:g}"] + [float(v) for v in row] for y, row in zip(ys, m.density)))
    write_json(stage / MARKER, {
        "report": "crowd run", **info,
        "definitions": {
            "reach": f"first time (s) a living zombie (regular or immortal) on the place's "
                     f"level stands within {p.reach_radius:g} m of it (plan), null if never",
            "flow": "agents on the line's level crossing the segment during a step; in = from "
                    "its right to its left",
            "infected": "humans bitten so far", "turned": "spawned humans that are zombies now",
            "density": f"living agents on the main level per m² in {p.cell:g} m cells, mean "
                       "over every step",
            "peak_density": "largest single-step value of any density cell (agents/m²)"},
        "metrics": m.scalars(),
        "places": p.places, "lines": p.lines,
        "place_levels": {k: _level_name(p, p.place_level.get(k, 0)) for k in p.places},
        "line_levels": {k: _level_name(p, p.line_level.get(k, 0)) for k in p.lines},
        "density_grid": {"origin": p.origin, "cell": p.cell, "shape": p.shape},
    })
    return [MARKER, "timeseries.csv", "density.csv"]
