"""sandbox.crowd under generated configurations and in the story's regression scenes.

Generated: hypothesis draws parameter values anywhere in their declared ranges, a
walkable grid with random wall blocks, agent counts, a time step and a seed; no step may
produce NaN or infinity, an agent on a blocked cell, or a speed above max_speed.
Scenes: a corridor with a pillar (the flow splits round it, nobody is left stuck) and
the rooftop-door siege preset on the real fourth floor and roof (the horde climbs into
the stair-house, the queue packs the corridor below, the barricaded door holds, never
inside a wall).
"""

import numpy as np
from scipy.spatial import cKDTree
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.config import ParamSet
from sandbox.crowd import PARAMS, STATES, Crowd, NavGrid
from sandbox.paths import CROWD_PRESETS

CELL = 0.25


def _assert_sane(c: Crowd, nav) -> None:
    xy = c.positions(np.float64)
    v = c.velocities(np.float64)
    assert np.isfinite(xy).all() and np.isfinite(v).all(), f"NaN/inf at t={c.time:.2f}s"
    assert nav.is_walkable(xy).all(), f"an agent inside a wall at t={c.time:.2f}s"
    assert np.linalg.norm(v, axis=1).max() <= c.params["max_speed"] * (1 + 1e-9)


@st.composite
def configurations(draw):
    """(params dict, walkable (48, 48) bool, counts (regular, human, special), dt s, seed)."""
    values = {p.name: draw(st.floats(p.lo, p.hi, allow_nan=False)) for p in PARAMS}
    for lo, hi in (("turn_delay_min", "turn_delay_max"), ("wander_time_min", "wander_time_max")):
        values[lo], values[hi] = sorted((values[lo], values[hi]))
    w = np.ones((48, 48), bool)
    for _ in range(draw(st.integers(0, 6))):
        # a wall block: 1 to 16 cells long, 1 to 3 thick, either way round
        j, i = draw(st.integers(0, 47)), draw(st.integers(0, 47))
        a, b = draw(st.integers(1, 16)), draw(st.integers(1, 3))
        h, wd = (a, b) if draw(st.booleans()) else (b, a)
        w[j:j + h, i:i + wd] = False
    w[20:28, 20:28] = True          # the spawn square stays open
    counts = (draw(st.integers(1, 40)), draw(st.integers(0, 6)), draw(st.integers(0, 2)))
    return values, w, counts, draw(st.floats(0.01, 0.1)), draw(st.integers(0, 2**31 - 1))


@settings(derandomize=True, max_examples=12, deadline=None)
@given(configurations())
def test_generated_configurations_stay_finite_off_walls_and_under_max_speed(cfg):
    values, w, (regular, humans, special), dt, seed = cfg
    nav = NavGrid(w, (-6.0, -6.0), CELL)          # the open square spans -1..1 m
    c = Crowd(nav, ParamSet(PARAMS, values), seed=seed, dt=dt)
    c.spawn(regular, (0.0, 0.0), 1.0)
    c.spawn(humans, (0.0, 0.0), 1.0, kind="human")
    c.spawn(special, (0.0, 0.0), 1.0, kind=("immune", "immortal")[seed % 2])
    _assert_sane(c, nav)
    c.set_goal((5.5, 5.5))
    c.add_sound((-5.0, 5.0), 1.0 + seed % 3, 1.0)
    c.add_fire((5.0, -5.0), 1.0)
    c.strike((0.5, 0.0), 1.5, t=0.3)
    c.set_visible_humans([[4.0, 0.0]])
    for _ in range(30):
        c.step()
        _assert_sane(c, nav)


def test_corridor_pillar_flow_splits_round_it_and_nobody_sticks():
    # a 40 m x 6 m corridor with a 2 m x 2 m pillar in the middle of its way
    w = np.zeros((int(8 / CELL), int(44 / CELL)), bool)
    w[int(1 / CELL):int(7 / CELL), int(1 / CELL):int(43 / CELL)] = True     # y 1..7 m
    w[int(3 / CELL):int(5 / CELL), int(20 / CELL):int(22 / CELL)] = False   # pillar
    nav = NavGrid(w, (0.0, 0.0), CELL)
    c = Crowd(nav, ParamSet(PARAMS, {"max_speed": 1.5, "speed_jitter": 0.1}), seed=4)
    c.spawn(120, (7.0, 4.0), 5.5)
    goal = np.array([41.0, 4.0])
    c.set_goal(goal)
    # bound: the longest path at the slowest cruising speed, plus the 120 agents
    # passing the two 2 m gaps beside the pillar at 1.3 agents per metre per second
    # (the free-flow door capacity of people; zombies press harder)
    slowest = c.params["max_speed"] * (1 - c.params["speed_jitter"])
    bound = (goal[0] - 1.0) / slowest + c.n / (1.3 * 4.0)
    passed_above = passed_below = 0
    x_prev = c.positions(np.float64)[:, 0]
    for _ in range(int(np.ceil(bound / c.dt))):
        c.step()
        _assert_sane(c, nav)
        xy = c.positions(np.float64)
        crossing = (x_prev < 21.0) & (xy[:, 0] >= 21.0)
        passed_above += int((crossing & (xy[:, 1] > 4.0)).sum())
        passed_below += int((crossing & (xy[:, 1] <= 4.0)).sum())
        x_prev = xy[:, 0]
    xy = c.positions(np.float64)
    beyond = xy[:, 0] > 22.0
    assert beyond.all(), f"{(~beyond).sum()} of {c.n} stuck before the pillar after {bound:.0f}s"
    assert np.linalg.norm(xy - goal, axis=1).max() < 8.0
    # the flow used both sides
    assert min(passed_above, passed_below) >= 0.25 * c.n


def test_rooftop_siege_climbs_to_the_barricaded_door_without_overlap():
    """The preset on floor4 and the roof: the noise draws the whole horde down the
    corridor and up the west stairwell; the stair-house fills, the queue packs the
    corridor's west end below, body against body yet no two bodies inside each other,
    and the barricade holds (nobody on the roof outside the stair-house)."""
    from sandbox.tuning.runner import preset_world
    from sandbox.world import blueprint as bp
    params, setup, walkmap = preset_world(CROWD_PRESETS / "rooftop_siege.toml")
    assert setup.levels == ("floor4", "roof")
    c = setup.build(walkmap, params)
    levels = [walkmap.levels[n] for n in setup.levels]
    done = 0
    for _ in range(int(round(setup.seconds / c.dt))):
        done = setup.apply_due(c, done)
        c.step()
        lv, xy = c.levels(), c.positions(np.float64)
        v = c.velocities(np.float64)
        assert np.isfinite(xy).all() and np.isfinite(v).all(), f"NaN/inf at t={c.time:.2f}s"
        assert np.linalg.norm(v, axis=1).max() <= params["max_speed"] * (1 + 1e-9)
        for k, level in enumerate(levels):
            assert level.is_walkable(xy[lv == k]).all(), f"inside a wall at t={c.time:.2f}s"
        assert (xy[lv == 1, 0] < bp.STAIR_HOUSE.x1).all(), f"past the barricade at {c.time:.2f}s"
    lv, xy = c.levels(), c.positions(np.float64)
    assert (c.states() == STATES.index("lured")).all()   # all drawn by the roof noise
    up = xy[lv == 1]
    assert len(up) >= 10, f"only {len(up)} climbed into the stair-house"
    # a queue packed from the stairwell back along the corridor
    foot = np.array(bp.stair_link_points("west")[0])
    d = np.linalg.norm(xy[lv == 0] - foot, axis=1)
    assert (d < 10.0).sum() >= 60, f"only {(d < 10.0).sum()} within 10 m of the stairs"
    for k in (0, 1):
        pairs = cKDTree(xy[lv == k]).query_pairs(0.9 * 2 * params["radius"], output_type="ndarray")
        assert len(pairs) <= 0.01 * c.n, f"{len(pairs)} overlapping pairs on {setup.levels[k]}"
    # the press holds: it has come to a shove, not a stampede
    assert np.linalg.norm(c.velocities(np.float64), axis=1).mean() < 1.0
