"""Benchmark scenarios shared with the anchor harness (shared/bench/crowd_anchors.py).

    python -m sandbox.crowd.bench --name plaza --agents 1000 10000 100000
    python -m sandbox.crowd.bench --scenario door.json   # the harness's --impl-cmd protocol

Same definitions as the harness: radius 0.25 m, preferred speed 1.5 m/s, dt 0.05 s,
density 0.5 agents/m^2, starts at least 0.55 m apart. plaza: a square of side
sqrt(2N) m centred on the origin, each agent heading for the mirror of its start (a
one-waypoint route each), no walls. door: a 20 m x N/10 m room, a 2 m gap at x 9..11
in the wall y = 0 and an exit at (10, -8) (one flow field). Quality is measured like
the harness: overlapping pairs (closer than 0.9 x 2 x radius), agents inside walls,
mean progress toward the goal in metres. The nav grid uses 0.5 m cells, as the
school's ground level does; wall boxes block every cell they overlap.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time

import numpy as np
from scipy.spatial import cKDTree

from sandbox.config import ParamSet
from sandbox.rng import stream

from .crowd import Crowd
from .grid import NavGrid
from .params import PARAMS

RADIUS = 0.25      # m
SPEED = 1.5        # m/s
DT = 0.05          # s
MIN_SEP = 0.55     # m, closest start spacing
ROOM_W = 20.0      # m, door room width
DOOR_X = 10.0      # m, door centre
DOOR_HALF = 1.0    # m
WALL_T = 0.2       # m
EXIT = (10.0, -8.0)
SCENARIOS = ("plaza", "door")


def _darts(rng, n, lo, hi, min_sep=MIN_SEP) -> np.ndarray:
    """(n, 2) uniform points in the box lo..hi, redrawing any closer than min_sep to another."""
    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    pts = lo + rng.random((n, 2)) * (hi - lo)
    for _ in range(200):
        pairs = cKDTree(pts).query_pairs(min_sep, output_type="ndarray")
        if len(pairs) == 0:
            return pts
        bad = np.unique(pairs[:, 1])
        pts[bad] = lo + rng.random((len(bad), 2)) * (hi - lo)
    raise RuntimeError("could not place agents without overlap")


def make_scenario(name: str, n: int, seed: int = 0, warmup: int = 5, steps: int = 30) -> dict:
    """A scenario as the harness writes it to JSON (positions, goals, boxes, dt, ...)."""
    rng = stream(seed, f"crowd.bench.{name}")
    sc = dict(name=name, n=n, radius=RADIUS, speed=SPEED, dt=DT, warmup=warmup, steps=steps,
              wall_boxes=[])
    if name == "plaza":
        h = math.sqrt(2.0 * n) / 2
        pos = _darts(rng, n, (-h, -h), (h, h))
        sc.update(positions=pos, goals=-pos, walkable_boxes=[(-h - 2, -h - 2, h + 2, h + 2)])
    elif name == "door":
        length = n / 10.0
        mg = RADIUS + 0.05
        pos = _darts(rng, n, (mg, mg), (ROOM_W - mg, length - mg))
        x0, x1, t = DOOR_X - DOOR_HALF, DOOR_X + DOOR_HALF, WALL_T
        sc.update(positions=pos, goals=np.tile(EXIT, (n, 1)),
                  wall_boxes=[(-5.0, -t, x0, 0.0), (x1, -t, ROOM_W + 5.0, 0.0),
                              (-t, 0.0, 0.0, length + t), (ROOM_W, 0.0, ROOM_W + t, length + t),
                              (0.0, length, ROOM_W, length + t)],
                  walkable_boxes=[(0.0, 0.0, ROOM_W, length), (x0, -t, x1, 0.0),
                                  (-5.0, -15.0 - t, ROOM_W + 5.0, -t)])
    else:
        raise ValueError(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})")
    return sc


def nav_for(sc: dict, cell: float) -> NavGrid:
    """Raster of the scenario: a cell is walkable if its centre lies in a walkable box and
    no wall box overlaps it (so walls thinner than a cell still block)."""
    boxes = np.asarray(sc["walkable_boxes"], dtype=np.float64).reshape(-1, 4)
    lo = np.floor(boxes[:, :2].min(axis=0) / cell) * cell - cell
    hi = boxes[:, 2:].max(axis=0) + cell
    nx, ny = np.ceil((hi - lo) / cell).astype(int)
    cx = lo[0] + (np.arange(nx) + 0.5) * cell
    cy = lo[1] + (np.arange(ny) + 0.5) * cell
    X, Y = np.meshgrid(cx, cy)
    walk = np.zeros((ny, nx), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        walk |= (X >= x0) & (X <= x1) & (Y >= y0) & (Y <= y1)
    h = 0.5 * cell - 1e-9
    for x0, y0, x1, y1 in sc.get("wall_boxes", []):
        walk &= ~((X - h < x1) & (X + h > x0) & (Y - h < y1) & (Y + h > y0))
    return NavGrid(walk, lo, cell)


def crowd_for(sc: dict, cell: float = 0.5) -> Crowd:
    """A crowd at the scenario's start: one goal for all (a flow field), or a one-waypoint
    route per agent when goals differ (plaza)."""
    nav = nav_for(sc, cell)
    # relax_time 0.15 s: walkers reach their speed within about half a second, as the
    # harness's ideal progress (speed x time from t = 0) assumes; the firmer separation
    # (30 m/s^2 at contact) keeps such brisk walkers from overlapping where they cross
    params = ParamSet(PARAMS, {"radius": sc["radius"], "max_speed": sc["speed"],
                               "speed_jitter": 0.0, "goal_radius": 0.5, "relax_time": 0.15,
                               "separation_strength": 30.0})
    c = Crowd(nav, params, seed=0, dt=sc["dt"])
    pos = np.asarray(sc["positions"], dtype=np.float64)
    ok = nav.is_walkable(pos)
    for k in np.nonzero(~ok)[0]:  # a start on a rasterised wall edge: into its cell
        pos[k] = nav.cell_centre([nav.nearest_walkable_cell(pos[k])])[0]
    ids = c.spawn_at(pos)
    goals = np.asarray(sc["goals"], dtype=np.float64)
    if np.allclose(goals, goals[0]):
        c.set_goal(goals[0])
    else:
        c.set_route(ids, goals[:, None, :])
    return c


def goal_distance(sc: dict, pos: np.ndarray) -> np.ndarray:
    """(n,) metres to the goal; door: through the door centre while still in the room."""
    goals = np.asarray(sc["goals"], dtype=np.float64)
    if sc["name"] != "door":
        return np.linalg.norm(pos - goals, axis=1)
    door = np.array([DOOR_X, 0.0])
    via = np.linalg.norm(pos - door, axis=1) + np.linalg.norm(door - EXIT)
    return np.where(pos[:, 1] > 0.0, via, np.linalg.norm(pos - EXIT, axis=1))


def quality(sc: dict, c: Crowd) -> dict:
    """Overlapping pairs, agents inside walls (off the walkable map) and mean progress (m)."""
    pos = c.positions(np.float64)
    pairs = cKDTree(pos).query_pairs(2 * sc["radius"] * 0.9, output_type="ndarray")
    prog = goal_distance(sc, np.asarray(sc["positions"], float)) - goal_distance(sc, pos)
    return {"overlaps": int(len(pairs)), "inside_walls": int((~c.nav.is_walkable(pos)).sum()),
            "progress_m": float(prog.mean()),
            "progress_ideal_m": sc["speed"] * sc["dt"] * (sc["warmup"] + sc["steps"])}


def run(sc: dict, cell: float = 0.5) -> tuple[Crowd, list[float]]:
    """Warm up, then time each measured step (s)."""
    c = crowd_for(sc, cell)
    c.step(int(sc["warmup"]))
    times = []
    for _ in range(int(sc["steps"])):
        t = time.perf_counter()
        c.step()
        times.append(time.perf_counter() - t)
    return c, times


def bench(name: str, n: int, steps: int = 30, cell: float = 0.5) -> dict:
    """One timed run: median s/step, agent-steps/s and the quality figures."""
    sc = make_scenario(name, n, steps=steps)
    c, times = run(sc, cell)
    med = statistics.median(times)
    return {"scenario": name, "agents": n, "steps": len(times), "step_s_median": med,
            "agent_steps_per_s": n / med, **quality(sc, c)}


def run_scenario(path: str, cell: float = 0.5) -> dict:
    """The harness protocol: run a scenario JSON file, answer step_times and final_positions."""
    with open(path) as fh:
        sc = json.load(fh)
    c, times = run(sc, cell)
    return {"step_times": times, "final_positions": c.positions().tolist(),
            "note": f"hyosan crowd, {c.nav.shape[1]}x{c.nav.shape[0]} cells of {cell} m"}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", choices=SCENARIOS, default="plaza")
    ap.add_argument("--agents", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--scenario", help="run one harness scenario JSON file instead")
    a = ap.parse_args(argv)
    if a.scenario:
        print(json.dumps(run_scenario(a.scenario)))
        return
    for n in a.agents:
        print(json.dumps(bench(a.name, n, a.steps)))


if __name__ == "__main__":
    main()
