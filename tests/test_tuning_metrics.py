"""Run metrics on small hand-made scenarios whose answers are known in advance."""

import numpy as np
import pytest

from sandbox.crowd import Crowd, NavGrid, default_params
from sandbox.crowd.behaviour import KINDS, STATES
from sandbox.tuning.metrics import crossings, metric_names, observe
from sandbox.tuning.plots import spread
from sandbox.tuning.probes import Probes

CELL = 0.25


def door_room(door_w: float = 4.0) -> NavGrid:
    """x -20..20 m, y -40..20 m; a wall along y = 0 (one cell thick) with a door |x| < w/2."""
    nx, ny = int(40 / CELL), int(60 / CELL)
    w = np.ones((ny, nx), bool)
    row = int(40 / CELL)  # the cell row covering y in [0, 0.25)
    xs = -20 + (np.arange(nx) + 0.5) * CELL
    w[row, np.abs(xs) > door_w / 2] = False
    return NavGrid(w, (-20.0, -40.0), CELL)


def probes(nav, places, lines, reach_radius=1.0, cell=2.0):
    return Probes.over(nav, places, lines, cell=cell, reach_radius=reach_radius)


def params(**kw):
    p = default_params()
    p.update({"speed_jitter": 0.0, "max_accel": 60.0, "relax_time": 0.3, **kw})
    return p


def test_crossings_count_each_pass_once_with_its_sign():
    a, b = (-1.0, 0.0), (1.0, 0.0)         # "in" = left of a -> b = north
    p0 = np.array([[0.0, -0.5], [0.5, 0.5], [3.0, -1.0], [0.0, -1.0], [0.0, -0.2], [0.0, 0.0]])
    p1 = np.array([[0.0, 0.5], [0.5, -0.5], [3.0, 1.0], [0.5, -0.5], [0.0, 0.0], [0.0, 0.3]])
    # north, south, beside the segment, no crossing, ends on the line, leaves from it
    assert crossings(p0, p1, a, b).tolist() == [1, -1, 0, 0, 1, 0]


def test_horde_released_20_m_from_a_door_reaches_it_on_time_and_all_flow_through():
    """100 zombies, five abreast 1 m apart in 20 rows, the front row 20 m south of a door
    (its middle file on the door's axis), lured to a goal 10 m past it at 2 m/s: the
    first reaches 1 m of the door after (20 - 1) / 2 s plus the relaxation time 0.3 s
    (within 0.25 s: the files beside and behind push a little); then all 100 cross the
    door line northward and none back, and the kind and state counts always sum to 100."""
    nav = door_room()
    v, tau = 2.0, 0.3
    c = Crowd(nav, params(max_speed=v, relax_time=tau), seed=1)
    xs, ys = np.meshgrid(np.arange(5) - 2.0, -20.0 - np.arange(20))
    c.spawn_at(np.column_stack([xs.ravel(), ys.ravel()]))
    c.set_goal((0.0, 10.0))
    pr = probes(nav, {"door": (0.0, 0.0), "far": (15.0, 15.0)}, {"door": ((-2.0, 0.0), (2.0, 0.0))})
    m = observe(c, int(40 / c.dt), pr)
    expect = (20.0 - 1.0) / v + tau
    assert m.reach["door"] == pytest.approx(expect, abs=0.25)
    assert m.reach["far"] is None
    north = int((c.positions()[:, 1] > 0).sum())
    assert north == 100
    assert m.flow_in[-1, 0] == 100 and m.flow_out[-1, 0] == 0
    assert (m.kinds.sum(axis=1) == 100).all() and (m.states.sum(axis=1) == 100).all()
    starts, fin, fout = m.flow_rate(1.0)
    assert fin.sum() == 100 and fout.sum() == 0
    first = starts[np.nonzero(fin[:, 0])[0][0]]
    assert expect - 1.5 <= first <= expect + 1.0  # the first crossings come as the first arrives
    s = m.scalars()
    assert list(s) == metric_names(pr)
    assert s["reach(door)"] == m.reach["door"] and s["flow_in(door)"] == 100
    assert s["alive(regular)"] == 100 and s["state(dead)"] == 0


def test_bites_count_as_infections_and_turn_after_the_delay():
    """Five humans each touching a zombie are bitten on the first step and turn exactly
    turn_delay later; a sixth touching only an immune agent stays well."""
    nav = NavGrid(np.ones((160, 160), bool), (-20.0, -20.0), CELL)
    c = Crowd(nav, params(turn_delay_min=3.0, turn_delay_max=3.0, flee_range=0.0,
                            sight_range=0.0), seed=2)   # nobody chases: bites by contact only
    spots = np.array([[-12.0, -12.0], [-12.0, 12.0], [12.0, -12.0], [12.0, 12.0], [0.0, 0.0],
                      [0.0, 12.0]])
    c.spawn_at(spots, kind="human")
    c.spawn_at(spots[:5] + (0.55, 0.0), kind="regular")
    c.spawn_at(spots[5:] + (0.55, 0.0), kind="immune")
    pr = probes(nav, {}, {})
    m = observe(c, int(5 / c.dt), pr)
    assert m.infected[0] == 0 and m.infected[1] == 5 and m.infected[-1] == 5
    turned_at = m.times[np.argmax(m.turned == 5)]
    assert 3.0 <= turned_at <= 3.0 + 2 * c.dt
    assert m.turned[-1] == 5
    assert m.kinds[-1, KINDS.index("human")] == 1 and m.kinds[-1, KINDS.index("regular")] == 10
    assert (m.kinds.sum(axis=1) == 12).all() and (m.states.sum(axis=1) == 12).all()
    t_half = np.searchsorted(m.times, 1.5)
    assert m.states[t_half, STATES.index("turning")] == 5


def test_density_of_agents_standing_still_and_the_dead_leave_it():
    """Four zombies standing 1 m apart in one 2 m cell: 1 agent/m² there all the time;
    the density integrates to the living agents, and a strike's dead drop out of it."""
    nav = NavGrid(np.ones((80, 80), bool), (-10.0, -10.0), CELL)
    c = Crowd(nav, params(idle_fraction=1.0, wander_speed=0.0), seed=3)
    c.spawn_at([[0.5, 0.5], [1.5, 0.5], [0.5, 1.5], [1.5, 1.5]])
    c.spawn_at([[-6.5, -6.5], [-5.5, -6.5]])
    pr = probes(nav, {}, {}, cell=2.0)
    m = observe(c, 30, pr)
    j, i = 5, 5   # the cell [0, 2) x [0, 2)
    assert m.density[j, i] == pytest.approx(1.0, abs=1e-9)
    assert m.peak_density == pytest.approx(1.0)
    assert m.density.sum() * 4.0 == pytest.approx(6.0)
    c.strike((-6.0, -6.5), radius=2.0)   # kills both of the pair (inside half the radius)
    m2 = observe(c, 30, pr)
    assert m2.density.sum() * 4.0 == pytest.approx(4.0)
    assert m2.scalars()["state(dead)"] == 2 and m2.scalars()["alive(regular)"] == 4


def test_spread_is_median_min_max_over_seeds():
    rows = [{"params": {"v": v}, "metrics": {"m": x}} for v, x in
            [(1.0, 3.0), (1.0, 5.0), (1.0, 4.0), (2.0, 10.0), (2.0, None), (3.0, None)]]
    x, med, lo, hi, got, runs = spread(rows, "v", "m")
    assert x.tolist() == [1.0, 2.0] and med.tolist() == [4.0, 10.0]
    assert lo.tolist() == [3.0, 10.0] and hi.tolist() == [5.0, 10.0]
    assert got.tolist() == [3, 1] and runs.tolist() == [3, 2]
