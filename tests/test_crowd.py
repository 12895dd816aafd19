"""sandbox.crowd: walls hold, doors drain, steps are deterministic and order-free."""

import subprocess
import sys

import numpy as np
import pytest

from sandbox.config import ConfigError, ParamSet
from sandbox.crowd import PARAMS, Crowd, NavGrid, build_flow_field, load_preset
from sandbox.crowd.flowfield import goal_cells_for
from sandbox.paths import CROWD_PRESETS

CELL = 0.25
ROOM = (5.0, 15.0, 5.0, 15.0)      # x0, x1, y0, y1 of the room's outer wall faces, m
WALL = 0.5                          # wall thickness, m
DOOR = (9.0, 11.0)                  # 2 m gap in the north wall, x range, m
GOAL = (10.0, 25.0)


def room_with_door() -> NavGrid:
    """30 m x 30 m of open ground at 0.25 m cells, a 10 m room with a 2 m north door."""
    n = int(30 / CELL)
    w = np.ones((n, n), bool)

    def block(x0, x1, y0, y1):
        w[int(round(y0 / CELL)):int(round(y1 / CELL)), int(round(x0 / CELL)):int(round(x1 / CELL))] = False

    x0, x1, y0, y1 = ROOM
    block(x0, x1, y0, y0 + WALL)                  # south
    block(x0, x0 + WALL, y0, y1 + WALL)           # west
    block(x1 - WALL, x1, y0, y1 + WALL)           # east
    block(x0, DOOR[0], y1, y1 + WALL)             # north, left of the door
    block(DOOR[1], x1, y1, y1 + WALL)             # north, right of the door
    return NavGrid(w, (0.0, 0.0), CELL)


@pytest.fixture(scope="module")
def nav():
    return room_with_door()


def room_crowd(nav, seed=1, n=60, **overrides):
    params = ParamSet(PARAMS, overrides)
    c = Crowd(nav, params, seed=seed)
    c.spawn(n, (10.0, 10.0), 4.0)
    c.set_goal(GOAL)
    return c


def test_walls_hold_and_the_room_drains_through_the_door(nav):
    c = room_crowd(nav)
    p = c.params
    assert nav.is_walkable(c.positions()).all()
    # bound: the longest walk at half speed, plus queueing at 2 agents per metre of
    # door per second (people manage about 1.3; a horde shoves harder)
    longest = np.hypot(ROOM[1] - ROOM[0], GOAL[1] - ROOM[2])
    bound = longest / (0.5 * p["max_speed"]) + c.n / (2.0 * (DOOR[1] - DOOR[0]))
    steps = int(np.ceil(bound / c.dt))
    prev = c.positions(np.float64).copy()
    for _ in range(steps):
        c.step()
        xy = c.positions(np.float64)
        assert nav.is_walkable(xy).all(), f"agent inside a wall at t={c.time:.2f}s"
        assert nav.is_walkable(c.positions()).all()
        moved = np.linalg.norm(xy - prev, axis=1) / c.dt
        assert moved.max() <= p["max_speed"] * (1 + 1e-9)
        assert np.linalg.norm(c.velocities(np.float64), axis=1).max() <= p["max_speed"] * (1 + 1e-9)
        prev = xy
    xy = c.positions()
    outside = xy[:, 1] > ROOM[3] + WALL
    assert outside.mean() >= 0.95, f"{outside.sum()} of {c.n} left the room in {bound:.1f}s"
    near = np.linalg.norm(xy - np.array(GOAL), axis=1) < 4.0
    assert near.mean() >= 0.8, f"only {near.sum()} of {c.n} reached the goal"


def test_hard_constraint_alone_keeps_fast_agents_out_of_walls(nav):
    # no wall push, no path cost near walls, very fast agents on a long step: only
    # the per-axis constraint (with sub-moves) keeps them out of the 0.5 m walls
    params = ParamSet(PARAMS, {"wall_strength": 0.0, "wall_cost": 0.0, "max_speed": 12.0,
                               "max_accel": 60.0, "relax_time": 0.02})
    c = Crowd(nav, params, seed=3, dt=0.2)
    c.spawn(80, (10.0, 10.0), 4.5)
    for goal in [(10.0, 0.5), (0.5, 10.0), (29.0, 29.0), (10.0, 10.0)]:
        c.set_goal(goal)
        for _ in range(40):
            c.step()
            assert nav.is_walkable(c.positions(np.float64)).all()


def test_moves_never_tunnel_through_thin_walls(nav):
    # the move kernel alone: agents inside the room thrown at 12 m/s with a 0.2 s step
    # (2.4 m per step, walls 0.5 m) in random directions stay inside or use the door
    from sandbox.crowd.steering import integrate
    rng = np.random.default_rng(4)
    n = 400
    pos = np.column_stack([rng.uniform(5.6, 14.4, n), rng.uniform(5.6, 14.9, n)])
    walk = nav.walkable.copy()
    walk[int(ROOM[3] / CELL):int((ROOM[3] + WALL) / CELL), :] = False  # seal the door
    heading, phase = np.zeros(n), np.zeros(n)
    for _ in range(30):
        ang = rng.uniform(-np.pi, np.pi, n)
        vel = 12.0 * np.column_stack([np.cos(ang), np.sin(ang)])
        integrate(pos, vel, heading, phase, walk, 0.0, 0.0, CELL, 0.2, 1.0, 1.6)
        inside = ((pos[:, 0] > ROOM[0] + WALL) & (pos[:, 0] < ROOM[1] - WALL)
                  & (pos[:, 1] > ROOM[2] + WALL) & (pos[:, 1] < ROOM[3]))
        assert inside.all(), "an agent went through a wall"
    # a diagonal wall of cells touching only at corners is still a wall
    walk = ~np.eye(40, dtype=bool)
    pos = np.column_stack([rng.uniform(0, 10, n), rng.uniform(0, 10, n)])
    pos = pos[pos[:, 0] > pos[:, 1] + 0.5]
    heading, phase = np.zeros(len(pos)), np.zeros(len(pos))
    for _ in range(30):
        ang = rng.uniform(-np.pi, np.pi, len(pos))
        vel = 3.0 * np.column_stack([np.cos(ang), np.sin(ang)])
        integrate(pos, vel, heading, phase, walk, 0.0, 0.0, CELL, 0.2, 1.0, 1.6)
        ij = np.floor(pos / CELL).astype(int)
        assert (ij[:, 0] > ij[:, 1]).all(), "an agent slipped through a diagonal wall"


def test_takes_any_level_like_object():
    from types import SimpleNamespace
    # ground-level cells (0.5 m) and a classroom-door-wide gap of 1 m: 2 cells
    w = np.ones((8, 16), bool)
    w[:, 6] = False
    w[3:5, 6] = True
    level = SimpleNamespace(walkable=w, origin=np.array([10.0, -2.0]), cell=0.5)
    c = Crowd(level, seed=0)
    assert c.nav.shape == (8, 16)
    c.spawn(10, (11.5, 0.0), 1.5)
    c.set_goal((17.5, 0.0))
    c.step(300)
    assert (c.positions()[:, 0] > 13.5).all(), "stuck at a 1 m door"


def test_outside_the_grid_counts_as_blocked():
    w = np.ones((20, 20), bool)
    nav = NavGrid(w, (-2.5, -2.5), 0.25)
    params = ParamSet(PARAMS, {"wall_strength": 0.0, "max_speed": 8.0})
    c = Crowd(nav, params, seed=0)
    c.spawn(30, (0.0, 0.0), 2.0)
    c.set_goal((50.0, 50.0))  # off the grid: snapped to the nearest walkable cell
    c.step(90)
    assert nav.is_walkable(c.positions(np.float64)).all()
    xy = c.positions(np.float64)
    assert (xy >= -2.5).all() and (xy < 2.5).all()


def test_same_seed_same_digest_different_seed_differs(nav):
    a = room_crowd(nav, seed=11, n=40)
    b = room_crowd(nav, seed=11, n=40)
    d = room_crowd(nav, seed=12, n=40)
    assert a.state_digest() == b.state_digest()
    for c in (a, b, d):
        c.step(60)
    assert a.state_digest() == b.state_digest()
    assert np.array_equal(a.positions(), b.positions())
    assert a.state_digest() != d.state_digest()


def test_a_fork_steps_like_its_original_and_apart_from_it(nav):
    c = room_crowd(nav, seed=5, n=40)
    c.add_sound((14.0, 20.0), 1.0, 3.0)
    c.step(30)
    twin, spare = c.fork(), c.fork()
    at_fork = c.state_digest()
    twin.strike((10.0, 10.0), 3.0, t=2.0)     # what happens to the twin stays with it
    twin.add_sound((2.0, 2.0), 1.0, 5.0)
    twin.step(60)
    assert c.state_digest() == at_fork
    c.step(60)
    spare.step(60)
    assert c.state_digest() == spare.state_digest() != twin.state_digest()


def test_agent_order_does_not_change_the_result(nav):
    a = room_crowd(nav, seed=5, n=50)
    xy = a.positions(np.float64).copy()
    rank = a.speed_rank()
    perm = np.random.default_rng(0).permutation(len(xy))
    b = Crowd(nav, ParamSet(PARAMS), seed=5)
    b.spawn_at(xy[perm], speed_rank=rank[perm])
    b.set_goal(GOAL)
    a.step(150)
    b.step(150)
    # agent k of b is agent perm[k] of a, bit for bit
    assert np.array_equal(a.positions(np.float64)[perm], b.positions(np.float64))
    assert np.array_equal(a.velocities(np.float64)[perm], b.velocities(np.float64))


def test_flow_field_points_downhill_and_stays_off_walls(nav):
    field = build_flow_field(nav, goal_cells_for(nav, GOAL))
    walk = nav.walkable
    d, u = field.dist, field.direction
    assert u.dtype == np.float32 and u.shape == walk.shape + (2,)
    assert not u[~walk].any(), "direction set on a blocked cell"
    assert np.isinf(d[~walk]).all()
    reach = np.isfinite(d)
    assert reach[walk].all()  # the whole map connects through the door
    norm = np.linalg.norm(u, axis=2)
    goal = d == 0
    assert np.allclose(norm[reach & ~goal], 1.0, atol=1e-5)
    # the 8-neighbour the direction points at most closely is open and nearer the goal
    offs = np.array([(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)])
    unit = offs / np.linalg.norm(offs, axis=1, keepdims=True)
    jj, ii = np.nonzero(reach & ~goal)
    best = np.argmax(u[jj, ii] @ unit.T, axis=1)
    nj, ni = jj + offs[best, 1], ii + offs[best, 0]
    assert (d[nj, ni] < d[jj, ii]).all()
    # inside the room everything heads for the door: walking the field gets out
    p = nav.cell_centre(np.array([[int(6 / CELL), int(6 / CELL)]]))[0]
    for _ in range(400):
        i, j = nav.cell_of(p)[0]
        p = p + 0.1 * u[j, i]
    assert p[1] > ROOM[3] + WALL and np.linalg.norm(p - GOAL) < 1.0


def test_a_field_searched_to_a_distance_is_the_whole_field_up_to_it(nav):
    """Sound fields stop at their reach: within it nothing differs, beyond it is unheard."""
    goals = goal_cells_for(nav, (8.0, 8.0))
    full = build_flow_field(nav, goals)
    near = build_flow_field(nav, goals, max_dist=12.0)
    inside = full.dist <= 12.0
    assert 0 < inside.sum() < np.isfinite(full.dist).sum()
    assert np.array_equal(near.dist[inside], full.dist[inside])
    assert np.isinf(near.dist[~inside]).all()
    assert np.array_equal(near.direction[inside], full.direction[inside])


def test_flow_fields_are_cached_per_goal(nav):
    c = Crowd(nav, seed=0)
    c.spawn(5, (20.0, 20.0), 2.0)
    c.set_goal(GOAL)
    c.step(3)
    c.set_goal(GOAL)
    c.step()
    assert c.flow_builds == 1
    c.set_goal((2.0, 2.0))
    c.step()
    c.set_goal(GOAL)
    c.step()
    assert c.flow_builds == 2
    c.params.update({"wall_cost": 1.0})  # a rebuild parameter: new field on next step
    c.step()
    assert c.flow_builds == 3


def test_spawn_lands_on_walkable_ground_apart(nav):
    c = Crowd(nav, seed=2)
    ids = c.spawn(100, (5.0, 10.0), 5.0)  # disc half over the west wall
    assert list(ids) == list(range(100))
    xy = c.positions(np.float64)
    assert nav.is_walkable(xy).all()
    assert (np.linalg.norm(xy - (5.0, 10.0), axis=1) <= 5.0 + 1e-9).all()
    gaps = np.linalg.norm(xy[:, None] - xy[None], axis=2)[np.triu_indices(100, 1)]
    assert gaps.min() >= 2 * c.params["radius"] - 1e-9
    with pytest.raises(ValueError):
        c.spawn_at([[5.2, 10.0]])  # inside the wall


def test_heading_and_gait_outputs(nav):
    c = room_crowd(nav, n=20)
    s0 = c.snapshot()
    c.step(45)
    s1 = c.snapshot()
    h, ph = c.headings(), c.gait_phase()
    assert h.dtype == np.float32 and h.shape == (20,)
    assert (np.abs(h) <= np.pi + 1e-6).all()
    assert ((ph >= 0) & (ph < 1)).all()
    assert c.positions().dtype == np.float32 and c.velocities().shape == (20, 2)
    assert c.time == pytest.approx(45 / 30) and c.steps == 45
    assert not np.array_equal(s0.phase, s1.phase)
    # moving agents face where they go (within the smoothing lag)
    v = c.velocities()
    fast = np.linalg.norm(v, axis=1) > 1.0
    err = np.angle(np.exp(1j * (np.arctan2(v[fast, 1], v[fast, 0]) - h[fast])))
    assert np.median(np.abs(err)) < 0.5
    with pytest.raises(ValueError):
        s1.positions[0, 0] = 1.0
    mid = s0.lerp(s1, 0.5)
    assert mid.time == pytest.approx(0.5 * (s0.time + s1.time))
    assert np.allclose(mid.positions, 0.5 * (s0.positions + s1.positions), atol=1e-5)


def test_presets_load_and_bad_ones_name_file_key_value(tmp_path):
    p = load_preset(CROWD_PRESETS / "hyosan_horde.toml")
    assert set(p.values) == {q.name for q in PARAMS}
    bad = tmp_path / "bad.toml"
    bad.write_text("[params]\nmax_speed = 99.0\n")
    with pytest.raises(ConfigError) as e:
        load_preset(bad)
    msg = str(e.value)
    assert "bad.toml" in msg and "max_speed" in msg and "99" in msg and "12" in msg
    bad.write_text("[params]\nmax_sped = 4.0\n")
    with pytest.raises(ConfigError) as e:
        load_preset(bad)
    assert "bad.toml" in str(e.value) and "max_sped" in str(e.value)
    bad.write_text("[params]\nradius = 'wide'\n")
    with pytest.raises(ConfigError, match="radius"):
        load_preset(bad)
    bad.write_text("[parms]\nradius = 0.3\n")
    with pytest.raises(ConfigError, match="parms"):
        load_preset(bad)


def test_crowd_imports_no_panda3d_nor_other_subsystems():
    code = ("import sys, sandbox.crowd; bad = [m for m in sys.modules if m.split('.')[0] == "
            "'panda3d' or m.startswith(('sandbox.world', 'sandbox.view', 'sandbox.timeline'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
