"""`hyosan crowd bake | export | bench | run | sweep | tune`: record a preset's horde, export
it, time the steering; measure runs, sweep parameters, calibrate them to story beats."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from sandbox import paths
from sandbox.commands.common import UserError, named_file, positive_int, writable_output

ORDER = 30


def preset_path(text: str) -> Path:
    """A crowd preset given as a path, or by name from scenes/crowd/."""
    return named_file(text, paths.CROWD_PRESETS, "crowd preset")


def load_preset_setup(preset: Path):
    """(params, setup, walkable map with the setup's barricades) of a preset on the real
    world map."""
    from sandbox.tuning.runner import preset_world

    return preset_world(preset)


def cmd_bake(args) -> int:
    import numpy as np
    from rich.progress import Progress

    from sandbox.crowd.bake import record

    preset = preset_path(args.preset)
    out = writable_output(args.output)
    if out.suffix != ".npz":
        raise UserError(f"-o {out}: a bake is written as .npz")
    params, setup, walkmap = load_preset_setup(preset)
    crowd = setup.build(walkmap, params, seed=args.seed, agents=args.agents)
    seconds = setup.seconds if args.seconds is None else args.seconds
    steps = int(round(seconds / crowd.dt))
    done = [0]

    def events(c):
        done[0] = setup.apply_due(c, done[0])

    with Progress(transient=True) as bar:
        task = bar.add_task(f"baking {crowd.n} agents", total=steps)
        bake = record(crowd, steps, events, lambda k: bar.update(task, completed=k))
    if crowd.stack is not None:  # bakes record levels as the world's level indices
        world = np.array([list(walkmap.levels).index(n) for n in crowd.stack.names], np.uint8)
        bake.level[...] = world[bake.level]
    bake.save(out)
    counts = crowd.counts()
    states = ", ".join(f"{k} {v}" for k, v in counts["state"].items() if v)
    print(f"wrote {out}: {bake.frames} frames x {bake.n} agents at {1 / bake.dt:g} Hz "
          f"({out.stat().st_size / 1e6:.1f} MB); at the end: {states}")
    return 0


def cmd_export(args) -> int:
    from sandbox.crowd.bake import load, export_csv

    if not args.bake.is_file():
        raise UserError(f"bake {args.bake} not found")
    out = writable_output(args.output)
    bake = load(args.bake)
    rows = export_csv(bake, out)
    print(f"wrote {out}: {rows} rows (id, frame, x, y, level, kind, state; "
          f"frame rate {1 / bake.dt:g} Hz)")
    return 0


def cmd_bench(args) -> int:
    from sandbox.crowd.bench import bench

    results = []
    for name in args.scenario:
        for n in args.agents:
            if name == "school":
                results.append(_bench_school(n, args.steps))
            else:
                results.append(bench(name, n, args.steps))
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"{'scenario':8} {'agents':>7} {'ms/step':>9} {'agent-steps/s':>14} {'overlaps':>8} "
          f"{'in walls':>8} {'progress m':>10} {'ideal m':>8}")
    for r in results:
        print(f"{r['scenario']:8} {r['agents']:>7} {r['step_s_median'] * 1e3:>9.2f} "
              f"{r['agent_steps_per_s']:>14.3g} {r['overlaps']:>8} {r['inside_walls']:>8} "
              f"{r['progress_m']:>10.2f} {r['progress_ideal_m']:>8.2f}")
    return 0


def _bench_school(n: int, steps: int) -> dict:
    """The Hyosan horde preset on the real ground map: step time and the same checks
    (progress: mean decrease of path distance to the goal)."""
    import statistics
    import time

    import numpy as np
    from scipy.spatial import cKDTree

    params, setup, walkmap = load_preset_setup(preset_path("hyosan_horde"))
    c = setup.build(walkmap, params, agents=n)
    dist = c.flow_field.dist if c.flow_field is not None else None
    start = c.positions(np.float64).copy()
    c.step(5)
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        c.step()
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    pos = c.positions(np.float64)
    prog = 0.0
    if dist is not None:
        def d(xy):
            ij = c.nav.cell_of(xy)
            return dist[ij[:, 1], ij[:, 0]]
        prog = float(np.mean(d(start) - d(pos)))
    pairs = cKDTree(pos).query_pairs(2 * params["radius"] * 0.9, output_type="ndarray")
    return {"scenario": "school", "agents": c.n, "steps": steps, "step_s_median": med,
            "agent_steps_per_s": c.n / med, "overlaps": int(len(pairs)),
            "inside_walls": int((~c.nav.is_walkable(pos)).sum()), "progress_m": prog,
            "progress_ideal_m": float(np.mean(params["max_speed"] * (1 - params["speed_jitter"]
                                                                     * c.speed_rank())))
            * c.dt * (steps + 5)}


def _base_spec(args, preset: Path, params, seed=None):
    """The RunSpec shared by run, sweep and tune (--set checked against the declarations)."""
    from sandbox.tuning.parse import parse_set
    from sandbox.tuning.runner import RunSpec, with_overrides

    overrides = parse_set(args.set or [], params.decl)
    with_overrides(params, overrides, "--set")
    return RunSpec(str(preset), overrides, seed, args.seconds, args.agents, args.reach_radius,
                   args.density_cell)


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, \
        TimeRemainingColumn
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), transient=True)


def cmd_run(args) -> int:
    import time

    from sandbox.tuning.plots import run_plots
    from sandbox.tuning.report import staged_dir, write_run
    from sandbox.tuning.runner import run

    preset = preset_path(args.preset)
    params, _, _ = load_preset_setup(preset)
    spec = _base_spec(args, preset, params, seed=args.seed)
    t0 = time.perf_counter()
    with staged_dir(args.report) as stage:
        with _progress() as bar:
            task = bar.add_task(f"running {preset.stem}", total=None)
            metrics, prep = run(spec, lambda k, total: bar.update(task, completed=k, total=total))
        wall = time.perf_counter() - t0
        info = {"preset": str(preset), "level": prep.setup.level,
                "levels": list(prep.setup.levels), "seed": prep.seed,
                "seconds": prep.seconds, "dt": float(metrics.times[1] - metrics.times[0])
                if len(metrics.times) > 1 else None, "agents": metrics.n,
                "set": dict(spec.overrides), "params": dict(prep.params.values),
                "reach_radius": spec.reach_radius, "density_cell": spec.density_cell,
                "run_wall_s": round(wall, 3)}
        title = f"{preset.stem} (seed {prep.seed})"
        files = write_run(stage, metrics, info) + run_plots(stage, metrics, title)
    s = metrics.scalars()
    reached = [f"{k[6:-1]} {v:.1f} s" for k, v in s.items() if k.startswith("reach(") and v is not None]
    flows = [f"{name} {metrics.flow_in[-1, k]} in / {metrics.flow_out[-1, k]} out"
             for k, name in enumerate(metrics.line_names)
             if metrics.flow_in[-1, k] or metrics.flow_out[-1, k]]
    print(f"wrote {args.report}/: {', '.join(files)} ({metrics.n} agents, {prep.seconds:g} s "
          f"in {wall:.1f} s)")
    print(f"  reached: {', '.join(reached) or 'none'}")
    print(f"  flows: {', '.join(flows) or 'none'}")
    print(f"  infected {s['infected']:g}, turned {s['turned']:g}, "
          f"peak density {s['peak_density']:.2f} agents/m²")
    return 0


def _seeds(first: int, count: int) -> list[int]:
    return [(first + k) % 2**31 for k in range(count)]


def cmd_sweep(args) -> int:
    import time

    from sandbox.tuning.parse import parse_grid
    from sandbox.tuning.pool import open_pool
    from sandbox.tuning.report import staged_dir
    from sandbox.tuning.sweep import run_all, sweep_specs, write_sweep

    preset = preset_path(args.preset)
    params, setup, _ = load_preset_setup(preset)
    grid = parse_grid(args.grid, params.decl)
    base = _base_spec(args, preset, params)
    seeds = _seeds(setup.seed, args.seeds)
    specs = sweep_specs(base, grid, seeds, params)
    t0 = time.perf_counter()
    with staged_dir(args.report) as stage:
        pool = open_pool(args.jobs, args.cluster)
        try:
            with _progress() as bar:
                where = args.cluster or f"{pool.workers} local process(es)"
                task = bar.add_task(f"sweep: {len(specs)} runs on {where}", total=len(specs))
                results = run_all(pool, [s for _, _, s in specs],
                                  lambda k: bar.update(task, completed=k))
        finally:
            pool.close()
        wall = time.perf_counter() - t0
        rows = [{"params": v, "seed": seed, "metrics": r["metrics"]}
                for (v, seed, _), r in zip(specs, results)]
        info = {"preset": str(preset), "seeds": seeds, "set": dict(base.overrides),
                "seconds": base.seconds or setup.seconds, "agents": base.agents,
                "reach_radius": base.reach_radius, "density_cell": base.density_cell,
                "jobs": args.jobs, "cluster": args.cluster, "wall_s": round(wall, 3),
                "run_wall_s_sum": round(sum(r["wall_s"] for r in results), 3)}
        files = write_sweep(stage, rows, grid, f"{preset.stem} sweep", info)
    print(f"wrote {args.report}/: {', '.join(files)} ({len(specs)} runs in {wall:.1f} s)")
    return 0


def cmd_tune(args) -> int:
    from sandbox.tuning.metrics import metric_names
    from sandbox.tuning.parse import parse_params, parse_target
    from sandbox.tuning.pool import open_pool
    from sandbox.tuning.report import staged_dir
    from sandbox.tuning.runner import prepare, probes_for
    from sandbox.tuning.tune import (TuneJob, finished, open_study, outcome, tune, tuned_preset,
                                     write_tune_report)

    preset = preset_path(args.preset)
    params, setup, _ = load_preset_setup(preset)
    out = writable_output(args.output)
    if out.suffix != ".toml":
        raise UserError(f"-o {out}: a tuned preset is written as .toml")
    space = parse_params(args.param, params.decl)
    base = _base_spec(args, preset, params)
    clash = sorted(set(space) & set(dict(base.overrides)))
    if clash:
        raise UserError(f"--param {clash[0]} and --set {clash[0]}: a parameter is either tuned "
                        "or set (allowed: one of the two)")
    known = metric_names(probes_for(base, prepare(base)))
    targets = tuple(parse_target(t, known) for t in args.target)
    seconds = args.seconds
    if seconds is None:  # long enough to see every reach target happen
        seconds = max([setup.seconds] + [1.25 * (t.value + t.tol) for t in targets
                                         if t.metric.startswith("reach(")])
    job = TuneJob(replace(base, seconds=float(seconds)), space, targets,
                  tuple(_seeds(setup.seed, args.seeds)), args.trials, args.sampler_seed)
    study_path = args.study or out.with_suffix(".study.db")
    report = args.report or out.with_suffix(".report")
    with staged_dir(report) as stage:
        study = open_study(study_path, job)
        before = len(finished(study))
        if before:
            print(f"resuming {study_path}: {before} of {args.trials} trials finished")
        pool = open_pool(args.jobs, args.cluster)
        try:
            with _progress() as bar:
                task = bar.add_task(f"tune: {len(job.seeds)} run(s) of {job.base.seconds:g} s "
                                    "per trial", total=args.trials, completed=before)
                tune(study, job, pool, lambda k, loss: bar.update(task, completed=k))
        except KeyboardInterrupt:
            print(f"hyosan: {len(finished(study))} of {args.trials} trials finished are kept in "
                  f"{study_path}; the same command resumes", file=sys.stderr)
            raise
        finally:
            pool.close()
        result = outcome(study, job)
        note = [f"Tuned by `hyosan crowd tune` from {preset.name}: best of "
                f"{result['trials_finished']} trials (#{result['best_trial']}, loss "
                f"{result['loss']:.3g}), seeds {list(job.seeds)}, runs of {job.base.seconds:g} s."]
        note += [f"{t['target']}: got {t['got']:.4g} ({'within' if t['within'] else 'outside'} "
                 "tolerance)" for t in result["targets"]]
        text = tuned_preset(preset.read_text(), {**dict(base.overrides), **result["values"]},
                            note, str(preset))
        (stage / "tuned.toml").write_text(text)
        load_preset_setup(stage / "tuned.toml")  # the preset written loads, or an error here
        write_tune_report(stage, study, job, result, str(preset), str(study_path))
        staged = out.with_name(f".{out.name}.partial")
        staged.write_text(text)
        staged.replace(out)
    print(f"wrote {out} and {report}/ (study {study_path}: {result['trials_finished']} trials; "
          f"best #{result['best_trial']}, loss {result['loss']:.3g})")
    print("  " + ", ".join(f"{k} = {v:g}" for k, v in result["values"].items()))
    for t in result["targets"]:
        seeds = ", ".join("never" if v is None else f"{v:.4g}" for v in t["per_seed"])
        print(f"  {t['target']}: got {t['got']:.4g} (error {t['error']:+.3g}; "
              f"{'within' if t['within'] else 'OUTSIDE'} tolerance; seeds: {seeds})")
    return 0


def register(sub) -> None:
    p = sub.add_parser("crowd", help="bake, export, benchmark, measure, sweep and tune hordes")
    csub = p.add_subparsers(dest="crowd_command", required=True, metavar="ACTION")
    b = csub.add_parser("bake", help="record every agent at every step of a preset's setup",
                        description="Run a crowd preset's [setup] (spawns, goal, timed sounds, "
                        "fires, strikes) on the world map and record every agent every step.")
    b.add_argument("preset", help="a name in scenes/crowd/ (hyosan_horde) or a path")
    b.add_argument("-o", "--output", type=Path, required=True, help=".npz to write")
    b.add_argument("--seconds", type=_seconds, help="length (default: the preset's)")
    b.add_argument("--agents", type=positive_int, help="total regular zombies (rescaled)")
    b.add_argument("--seed", type=_seed, help="scene seed (default: the preset's)")
    b.set_defaults(func=cmd_bake)

    e = csub.add_parser("export", help="write a bake as a trajectory CSV",
                        description="id, frame, x, y, level, kind, state with a header row: "
                        "readable by pandas and PedPy.")
    e.add_argument("bake", type=Path, help=".npz from `hyosan crowd bake`")
    e.add_argument("-o", "--output", type=Path, required=True, help="CSV to write")
    e.set_defaults(func=cmd_export)

    m = csub.add_parser("bench", help="median time per step on the anchor scenarios",
                        description="plaza and door as in shared/bench/crowd_anchors.py "
                        "(radius 0.25 m, 1.5 m/s, dt 0.05 s, 0.5 agents/m^2); school: the "
                        "Hyosan horde preset on the real map.")
    m.add_argument("--agents", type=positive_int, nargs="+", default=[1000, 10000])
    m.add_argument("--scenario", nargs="+", choices=("plaza", "door", "school"),
                   default=["plaza"])
    m.add_argument("--steps", type=positive_int, default=30, help="measured steps")
    m.add_argument("--json", action="store_true", help="print one JSON list")
    m.set_defaults(func=cmd_bench)

    r = csub.add_parser("run", help="run a preset headless and write metrics and plots",
                        description="Run a crowd preset's [setup] on the school map and write "
                        "a report folder: report.json (settings and every single-number "
                        "metric, with definitions), timeseries.csv (counts by kind and state, "
                        "infections, flows, every step), density.csv, and PNG plots: counts, "
                        "infections, flow through the gates and doors, density over the map, "
                        "first time the horde reaches each place. On a preset of several "
                        "levels (level = [\"floor4\", \"roof\"]) the places and lines are "
                        "those of all its levels, each reached or crossed by agents on its own "
                        "level; density is measured on the first (main) level. " + _REPORT_NOTE)
    _run_options(r)
    r.add_argument("--seed", type=_seed, help="scene seed (default: the preset's)")
    r.set_defaults(func=cmd_run)

    w = csub.add_parser("sweep", help="run every combination of parameter values x seeds",
                        description="Run every combination of the --grid values, each with "
                        "--seeds seeds (the preset's seed, +1, +2, ...), in parallel, and write "
                        "sweep.csv (one row per run: swept values, seed, every metric) and "
                        "sweep_PARAM.png per swept parameter (each metric that varies: median "
                        "over seeds, band from min to max). Every run is a pure function of its "
                        "settings: the table does not depend on --jobs or --cluster. "
                        + _REPORT_NOTE)
    _run_options(w)
    w.add_argument("--grid", action="append", required=True, metavar="KEY=VALUES",
                   help="key=a,b,c or key=lo:hi:n (n values, ends included); repeat to sweep "
                   "several parameters")
    w.add_argument("--seeds", type=positive_int, default=3, help="seeds per combination "
                   "(default 3)")
    _pool_options(w)
    w.set_defaults(func=cmd_sweep)

    t = csub.add_parser("tune", help="calibrate parameters to story beats (Optuna)",
                        description="Find values of the --param parameters that bring each "
                        "--target metric to its value: an Optuna TPE study minimising "
                        "sum((median over seeds - value) / tolerance)^2, kept in SQLite "
                        "(--study) so that running the same command again after an "
                        "interruption resumes it. Writes the best values as a preset (-o, the "
                        "input preset with its [params] updated and a note on top) and a report "
                        "folder (report.json: how close each target came; trials.csv; "
                        "history.png). A place nobody reaches counts as reached at twice the "
                        "run length.")
    _run_options(t, report_required=False,
                 seconds="run length (default: the preset's, or 1.25 x the latest reach "
                 "target's value + tolerance if that is longer)")
    t.add_argument("--target", action="append", required=True, metavar="EXPR",
                   help="METRIC = VALUE ± TOL (or +-), e.g. \"reach(roof_door) = 40 ± 2\"; "
                   "metrics: reach(PLACE) s, flow_in(LINE), flow_out(LINE), infected, turned, "
                   "alive(KIND), state(STATE), peak_density (see `crowd run` report.json)")
    t.add_argument("--param", action="append", required=True, metavar="KEY[=LO:HI]",
                   help="a parameter to tune, over its declared range or LO..HI; repeat")
    t.add_argument("-o", "--output", type=Path, required=True, help="tuned preset .toml")
    t.add_argument("--trials", type=positive_int, default=50,
                   help="finished trials the study should hold (default 50)")
    t.add_argument("--seeds", type=positive_int, default=1,
                   help="runs per trial, seeds from the preset's (default 1)")
    t.add_argument("--study", type=Path, help="SQLite study file (default: OUTPUT.study.db)")
    t.add_argument("--sampler-seed", type=_seed, default=0, help="seed of the TPE sampler")
    _pool_options(t)
    t.set_defaults(func=cmd_tune)


_REPORT_NOTE = ("The report is written into a hidden folder beside DIR and renamed to DIR when "
                "complete; DIR must be new, empty or an earlier report.")


def _run_options(p, report_required: bool = True,
                 seconds: str = "run length (default: the preset's)") -> None:
    p.add_argument("preset", help="a name in scenes/crowd/ (hyosan_horde) or a path")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="a crowd parameter for every run (repeat); checked against its range")
    p.add_argument("--seconds", type=_seconds, help=seconds)
    p.add_argument("--agents", type=positive_int, help="total regular zombies (rescaled)")
    p.add_argument("--reach-radius", type=_metres, default=3.0, metavar="M",
                   help="a place is reached when a living zombie is this close (default 3 m)")
    p.add_argument("--density-cell", type=_metres, default=2.0, metavar="M",
                   help="side of the density cells (default 2 m)")
    p.add_argument("--report", type=Path, required=report_required, metavar="DIR",
                   help="report folder" + ("" if report_required else
                                           " (default: OUTPUT.report)"))


def _pool_options(p) -> None:
    import os
    p.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1,
                   help="local worker processes (default: one per CPU)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="run on the Dask scheduler at ADDRESS (tcp://host:8786) instead")


def _metres(text: str) -> float:
    import argparse
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.05 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not metres from 0.05 to 100")
    return value


def _seconds(text: str) -> float:
    import argparse
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 < value <= 3600.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0, at most 3600")
    return value


def _seed(text: str) -> int:
    import argparse
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0 to 2147483647")
    return value
