"""sandbox.crowd on several levels: flow fields continue through the stairs, agents climb."""

import numpy as np
import pytest

from sandbox.config import ConfigError
from sandbox.crowd import STATES, Crowd, NavGrid


@pytest.fixture(scope="module")
def school():
    from sandbox import world
    wm = world.walkmap()
    return wm.levels, [(k.a, k.a_xy, k.b, k.b_xy) for k in wm.links]


def test_flow_distance_continues_through_every_stair(school):
    levels, links = school
    c = Crowd.multi(levels, links, seed=1)
    c.set_goal((0.0, 30.0), level="ground")
    st = c.stack
    dist = c.flow_field.dist
    for name in st.names:               # every level is reachable from the ground goal
        ny, nx = levels[name].walkable.shape
        r0 = st.rows[st.index(name)]
        assert np.isfinite(dist[r0:r0 + ny, :nx][levels[name].walkable]).all(), name
    # going down: the foot of each downward flight is its landing's distance plus the flight
    used = st.used(dist)
    lv = st.level_of(st.ends[:, 0])
    assert used.sum() == 7 and (st.level_of(st.ends[used, 1]) == lv[used] - 1).all()


def test_horde_descends_from_floor4_and_roof_to_the_ground(school):
    levels, links = school
    c = Crowd.multi(levels, links, seed=3)
    names = list(levels)
    upper = c.spawn(40, (0.0, 44.0), 6.0, level="floor4")
    roof = c.spawn(3, (-30.0, 47.0), 2.0, level="roof")
    assert (c.levels()[upper] == names.index("floor4")).all()
    assert (c.levels()[roof] == names.index("roof")).all()
    goal = np.array([0.0, 44.0])        # the ground-floor corridor under where they start
    c.set_goal(goal, level="ground")
    prev = c.levels()
    seen_roof_on_floor4 = np.zeros(len(roof), bool)
    climbed = 0
    for _ in range(1650):                # 55 s: four flights (a landing spot per body), the corridor
        c.step()
        lv = c.levels()
        xy = c.positions(np.float64)
        for k, name in enumerate(names):
            on = lv == k
            assert levels[name].is_walkable(xy[on]).all(), f"inside a wall on {name}"
        assert (np.abs(lv.astype(int) - prev) <= 1).all()     # one flight at a time
        climbed += int((c.states() == STATES.index("climb")).sum())
        seen_roof_on_floor4 |= lv[roof] == names.index("floor4")
        prev = lv.astype(int)
    assert seen_roof_on_floor4.all(), "the roof agents never came down the stair-house"
    assert (c.levels() == names.index("ground")).all()
    assert np.linalg.norm(c.positions(np.float64) - goal, axis=1).max() < 8.0
    assert climbed > 0


def test_one_level_crowds_take_no_level_and_bad_levels_are_errors(school):
    levels, links = school
    flat = Crowd(NavGrid(np.ones((20, 20), bool), (0.0, 0.0), 0.5))
    with pytest.raises(ValueError, match="multi-level"):
        flat.set_goal((1.0, 1.0), level="roof")
    c = Crowd.multi(levels, links)
    with pytest.raises(ConfigError, match="level = 'attic'.*allowed: ground"):
        c.set_goal((0.0, 0.0), level="attic")
    with pytest.raises(ConfigError, match="walkable"):
        c.spawn_at([[0.0, 30.0]], level="floor2")   # the schoolyard is not on floor 2
    bad = [("ground", (0.0, 30.0), "floor2", (500.0, 500.0))]
    with pytest.raises(ConfigError, match="link 'ground' -> 'floor2'"):
        Crowd.multi(levels, bad)
