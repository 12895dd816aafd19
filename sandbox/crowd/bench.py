"""Timings of the crowd on a ground-level-sized grid: flow-field build and step time.

    python -m sandbox.crowd.bench --agents 2000 10000 --steps 50
    python -m sandbox.crowd.bench --scenario door.json   # for shared/bench's --impl-cmd

The map is synthetic (800 x 800 cells of 0.5 m, a school-sized block and a few
dozen smaller obstacles), so the numbers do not depend on the world package.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from sandbox.rng import stream

from .crowd import Crowd
from .flowfield import build_flow_field, goal_cells_for
from .grid import NavGrid


def synthetic_ground(n: int = 800, cell: float = 0.5, seed: int = 0) -> NavGrid:
    """(n, n) cells centred on the origin: an 80 x 16 m block and scattered obstacles."""
    w = np.ones((n, n), dtype=bool)
    half = n * cell / 2.0
    rng = stream(seed, "crowd.bench.map")

    def block(x0, x1, y0, y1):
        i0, i1 = int((x0 + half) / cell), int((x1 + half) / cell)
        j0, j1 = int((y0 + half) / cell), int((y1 + half) / cell)
        w[max(j0, 0):max(j1, 0), max(i0, 0):max(i1, 0)] = False

    block(-40.0, 40.0, 20.0, 36.0)  # the main building
    for _ in range(40):
        x, y = rng.uniform(-half + 10, half - 30, 2)
        if abs(x) < 60 and -70 < y < 40:
            continue  # keep the school grounds open
        sx, sy = rng.uniform(4, 25, 2)
        block(x, x + sx, y, y + sy)
    return NavGrid(w, (-half, -half), cell)


def time_flow_field(nav: NavGrid, repeats: int = 5) -> list[float]:
    goals = [(0.0, 60.0), (-150.0, -150.0), (150.0, 10.0), (0.0, -100.0), (120.0, 150.0)]
    build_flow_field(nav, goal_cells_for(nav, goals[0]))  # compile
    out = []
    for k in range(repeats):
        cells = goal_cells_for(nav, goals[k % len(goals)])
        t = time.perf_counter()
        build_flow_field(nav, cells)
        out.append(time.perf_counter() - t)
    return out


def time_steps(nav: NavGrid, agents: int, steps: int = 50, warmup: int = 10,
               seed: int = 0) -> dict:
    c = Crowd(nav, seed=seed)
    radius = float(np.sqrt(agents / (1.0 * np.pi)))  # about one agent per square metre
    t = time.perf_counter()
    c.spawn(agents, (0.0, -40.0), radius)
    spawn_s = time.perf_counter() - t
    c.set_goal((0.0, 60.0))  # behind the building: the horde flows around it
    c.step(warmup)
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        c.step()
        times.append(time.perf_counter() - t)
    return {"agents": agents, "spawn_s": spawn_s, "step_s_median": statistics.median(times),
            "step_s_min": min(times), "step_s_max": max(times), "steps": steps}


def run_scenario(path: str, cell: float = 0.25) -> dict:
    """Run one anchor-harness scenario file (door: walkable boxes, one exit) and return
    the harness's answer: step_times (measured steps) and final_positions."""
    from sandbox.config import ParamSet

    from .params import PARAMS

    with open(path) as fh:
        sc = json.load(fh)
    goals = np.asarray(sc["goals"], dtype=np.float64)
    if not np.allclose(goals, goals[0]):
        raise SystemExit("per-agent goals (plaza) are not supported yet: one goal per crowd")
    boxes = np.asarray(sc["walkable_boxes"], dtype=np.float64).reshape(-1, 4)
    lo = boxes[:, :2].min(axis=0) - cell
    hi = boxes[:, 2:].max(axis=0) + cell
    nx, ny = (np.ceil((hi - lo) / cell)).astype(int)
    cx = lo[0] + (np.arange(nx) + 0.5) * cell
    cy = lo[1] + (np.arange(ny) + 0.5) * cell
    X, Y = np.meshgrid(cx, cy)
    walk = np.zeros((ny, nx), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        walk |= (X >= x0) & (X <= x1) & (Y >= y0) & (Y <= y1)
    for x0, y0, x1, y1 in sc.get("wall_boxes", []):
        walk &= ~((X > x0) & (X < x1) & (Y > y0) & (Y < y1))
    nav = NavGrid(walk, lo, cell)
    params = ParamSet(PARAMS, {"radius": sc["radius"], "max_speed": sc["speed"],
                               "speed_jitter": 0.0, "goal_radius": 0.5})
    c = Crowd(nav, params, seed=0, dt=sc["dt"])
    pos = np.asarray(sc["positions"], dtype=np.float64)
    ok = nav.is_walkable(pos)
    if not ok.all():  # a start point on a rasterised wall edge: move it half a cell in
        for k in np.nonzero(~ok)[0]:
            i, j = nav.nearest_walkable_cell(pos[k])
            pos[k] = nav.cell_centre([[i, j]])[0]
    c.spawn_at(pos)
    c.set_goal(goals[0])
    c.step(int(sc["warmup"]))
    times = []
    for _ in range(int(sc["steps"])):
        t = time.perf_counter()
        c.step()
        times.append(time.perf_counter() - t)
    return {"step_times": times, "final_positions": c.positions().tolist(),
            "note": f"hyosan crowd, {nx}x{ny} cells of {cell} m"}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agents", type=int, nargs="+", default=[2000, 10000])
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--grid", type=int, default=800)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--scenario", help="run one shared-bench scenario JSON file instead")
    a = ap.parse_args(argv)
    if a.scenario:
        print(json.dumps(run_scenario(a.scenario)))
        return
    t = time.perf_counter()
    nav = synthetic_ground(a.grid)
    nav_s = time.perf_counter() - t
    ff = time_flow_field(nav)
    res = {"grid": list(nav.shape), "cell_m": nav.cell, "nav_build_s": nav_s,
           "flow_field_s_median": statistics.median(ff), "flow_field_s": ff,
           "runs": [time_steps(nav, n, a.steps) for n in a.agents]}
    if a.json:
        print(json.dumps(res))
        return
    print(f"grid {nav.shape[1]}x{nav.shape[0]} cells of {nav.cell} m; "
          f"nav grid + wall field {nav_s * 1e3:.0f} ms")
    print(f"flow field build: median {res['flow_field_s_median'] * 1e3:.1f} ms "
          f"({', '.join(f'{x * 1e3:.0f}' for x in ff)})")
    for r in res["runs"]:
        print(f"{r['agents']:>7} agents: step median {r['step_s_median'] * 1e3:.2f} ms "
              f"(min {r['step_s_min'] * 1e3:.2f}, max {r['step_s_max'] * 1e3:.2f}; "
              f"{r['steps']} steps after warm-up), spawn {r['spawn_s'] * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
