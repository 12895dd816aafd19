"""`hyosan crowd bake | export | bench`: record a preset's horde, export it, time the steering."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox import paths
from sandbox.commands.common import UserError, named_file, positive_int, writable_output

ORDER = 30


def preset_path(text: str) -> Path:
    """A crowd preset given as a path, or by name from scenes/crowd/."""
    return named_file(text, paths.CROWD_PRESETS, "crowd preset")


def load_preset_setup(preset: Path):
    """(params, setup, walkable level, level index) of a preset on the real world map."""
    from sandbox import world
    from sandbox.crowd import load_preset
    from sandbox.crowd.setup import load_setup

    anchors = world.anchors()
    params = load_preset(preset)
    setup = load_setup(preset, lambda name: anchors[name][:2])
    levels = world.walkmap().levels
    if setup.level not in levels:
        raise UserError(f"{preset} [setup]: level = {setup.level!r} (allowed: "
                        f"{', '.join(levels)})")
    return params, setup, levels[setup.level], list(levels).index(setup.level)


def cmd_bake(args) -> int:
    from rich.progress import Progress

    from sandbox.crowd.bake import record

    preset = preset_path(args.preset)
    out = writable_output(args.output)
    if out.suffix != ".npz":
        raise UserError(f"-o {out}: a bake is written as .npz")
    params, setup, level, index = load_preset_setup(preset)
    crowd = setup.build(level, params, seed=args.seed, agents=args.agents, level=index)
    seconds = setup.seconds if args.seconds is None else args.seconds
    steps = int(round(seconds / crowd.dt))
    done = [0]

    def events(c):
        done[0] = setup.apply_due(c, done[0])

    with Progress(transient=True) as bar:
        task = bar.add_task(f"baking {crowd.n} agents", total=steps)
        bake = record(crowd, steps, events, lambda k: bar.update(task, completed=k))
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

    params, setup, level, _ = load_preset_setup(preset_path("hyosan_horde"))
    c = setup.build(level, params, agents=n)
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


def register(sub) -> None:
    p = sub.add_parser("crowd", help="bake, export and benchmark hordes")
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
