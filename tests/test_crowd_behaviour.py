"""sandbox.crowd behaviour: kinds, states, senses, bites, strikes, fire, determinism."""

import numpy as np
import pytest

from sandbox.config import ConfigError, ParamSet
from sandbox.crowd import KINDS, PARAMS, STATES, Crowd, NavGrid

CELL = 0.5


def open_ground(size=80.0) -> NavGrid:
    """size x size m of open ground centred on the origin, 0.5 m cells."""
    n = int(size / CELL)
    return NavGrid(np.ones((n, n), bool), (-size / 2, -size / 2), CELL)


def crowd(nav, seed=0, **params):
    return Crowd(nav, ParamSet(PARAMS, params), seed=seed)


S = {name: k for k, name in enumerate(STATES)}
K = {name: k for k, name in enumerate(KINDS)}


@pytest.fixture(scope="module")
def ground():
    return open_ground()


def test_kinds_states_counts_and_snapshot(ground):
    c = crowd(ground)
    c.spawn(10, (0, 0), 3.0)
    c.spawn(2, (20, 20), 1.0, kind="human")
    c.spawn(1, (-20, 20), 1.0, kind="immune")
    assert c.kinds().tolist() == [0] * 10 + [K["human"]] * 2 + [K["immune"]]
    assert c.counts()["kind"] == {"regular": 10, "immune": 1, "immortal": 0, "human": 2}
    assert sum(c.counts()["state"].values()) == 13
    c.step(3)
    s = c.snapshot()
    assert s.kind.dtype == np.uint8 and s.state.dtype == np.uint8 and s.state.shape == (13,)
    assert np.array_equal(s.state, c.states())
    with pytest.raises(ConfigError, match="zombie"):
        c.spawn(1, (0, 0), 1.0, kind="zombie")


def test_zombies_idle_and_wander_without_goal(ground):
    c = crowd(ground, seed=3)
    c.spawn(200, (0, 0), 12.0)
    c.step(60)
    st = c.states()
    assert set(np.unique(st)) <= {S["idle"], S["wander"]}
    assert (st == S["idle"]).any() and (st == S["wander"]).any()
    sp = np.linalg.norm(c.velocities(), axis=1)
    assert sp[st == S["wander"]].mean() > 0.3
    assert ground.is_walkable(c.positions()).all()


def test_sound_draws_zombies_within_hearing_range_only(ground):
    # hearing_range 25 m at loudness 1: a zombie 20 m from the sound comes, one 35 m away does not
    c = crowd(ground, hearing_range=25.0, wander_speed=0.0)
    near = c.spawn_at([[-10.0, 0.0]])
    far = c.spawn_at([[35.0, 5.0]])
    c.add_sound((10.0, 0.0), loudness=1.0, duration=20.0)
    c.step(180)
    xy = c.positions()
    assert np.linalg.norm(xy[near[0]] - (10.0, 0.0)) < 2.5
    assert np.linalg.norm(xy[far[0]] - (35.0, 5.0)) < 0.5
    assert c.states()[near[0]] == S["lured"]
    # a louder sound reaches further
    c.add_sound((10.0, 0.0), loudness=2.0, duration=20.0)
    c.step(2)
    assert c.states()[far[0]] == S["lured"]
    assert c.flow_builds == 2  # a field per sound cell and reach: the louder one reaches further


def test_sound_ends_after_its_duration(ground):
    c = crowd(ground)
    c.spawn_at([[-5.0, 0.0]])
    c.add_sound((5.0, 0.0), 1.0, duration=1.0)
    c.step(10)
    assert c.states()[0] == S["lured"]
    c.step(30)
    assert c.states()[0] in (S["idle"], S["wander"])


def test_darkness_shortens_sight(ground):
    def chasing(light):
        c = crowd(ground, sight_range=20.0, night_sight=0.25, light_level=light)
        c.spawn_at([[0.0, 0.0]])
        c.set_visible_humans([[12.0, 0.0]])
        c.step(2)
        return c.states()[0] == S["chase"]
    assert chasing(1.0)
    assert not chasing(0.0)  # 5 m at night


def test_sight_needs_line_of_sight():
    w = np.ones((40, 40), bool)
    w[:, 20] = False  # a wall at x = 0
    nav = NavGrid(w, (-10.0, -10.0), CELL)
    c = crowd(nav)
    c.spawn_at([[-3.0, 0.0]])
    c.set_visible_humans([[3.0, 0.0]])
    c.step(2)
    assert c.states()[0] != S["chase"]


def test_bitten_human_turns_within_delay_range(ground):
    c = crowd(ground, turn_delay_min=2.0, turn_delay_max=4.0, flee_speed=0.05)
    humans = c.spawn(12, (0, 0), 3.0, kind="human")
    c.spawn(40, (0, 0), 8.0)
    bitten_at = np.full(len(humans), np.nan)
    turned_at = np.full(len(humans), np.nan)
    for _ in range(int(12 / c.dt)):
        c.step()
        st, kd = c.states()[humans], c.kinds()[humans]
        bitten_at[np.isnan(bitten_at) & (st == S["turning"])] = c.time
        turned_at[np.isnan(turned_at) & (kd == K["regular"])] = c.time
    ok = ~np.isnan(bitten_at)
    assert ok.sum() >= 6, "zombies next to humans should bite"
    delay = turned_at[ok] - bitten_at[ok]
    assert np.isfinite(delay).all()
    assert (delay >= 2.0 - 1e-9).all() and (delay <= 4.0 + 2 * c.dt).all()
    assert np.ptp(delay) > 0.3  # drawn per agent, not one constant


def test_humans_flee_nearby_zombies(ground):
    c = crowd(ground, flee_range=8.0, sight_range=0.0)
    h = c.spawn_at([[0.0, 0.0]], kind="human")[0]
    c.spawn_at([[-4.0, 0.0]])
    c.step(30)
    assert c.states()[h] == S["flee"]
    assert c.positions()[h, 0] > 0.5


def test_immune_never_chased_nor_bitten(ground):
    c = crowd(ground, sight_range=30.0)
    imm = c.spawn(5, (0, 0), 1.5, kind="immune")
    c.spawn(60, (0, 0), 6.0)
    for _ in range(90):
        c.step()
        st = c.states()
        assert not (st == S["chase"]).any()
        assert not (st == S["attack"]).any()
        assert (c.kinds()[imm] == K["immune"]).all()
        assert not (st[imm] == S["turning"]).any()


def test_immortal_pursues_its_target_and_infects(ground):
    c = crowd(ground, sight_range=0.0, flee_speed=0.05, turn_delay_min=100.0,
              turn_delay_max=100.0)
    h = c.spawn_at([[15.0, 10.0]], kind="human")[0]
    g = c.spawn_at([[-15.0, -10.0]], kind="immortal")[0]
    c.set_target([g], h)
    c.step(400)
    assert c.states()[h] == S["turning"]


def test_routes_take_humans_through_waypoints(ground):
    c = crowd(ground)
    ids = c.spawn(5, (-20, -20), 2.0, kind="human")
    c.set_route(ids, [(-20.0, 10.0), (15.0, 10.0)])
    c.step(int(40 / c.dt))
    xy = c.positions()[ids]
    assert (np.linalg.norm(xy - (15.0, 10.0), axis=1) < 3.0).all()


def test_strike_kills_inside_and_scatters_outside(ground):
    c = crowd(ground, strike_kill_fraction=0.5, knock_time=2.0)
    c.spawn(300, (0, 0), 12.0)
    d0 = np.linalg.norm(c.positions(), axis=1)
    c.strike((0.0, 0.0), 8.0)
    st = c.states()
    assert (st[d0 <= 4.0] == S["dead"]).all()
    assert (st[(d0 > 4.0) & (d0 <= 8.0)] == S["knocked"]).all()
    assert not np.isin(st[d0 > 8.0], [S["dead"], S["knocked"]]).any()
    dead0 = c.positions()[d0 <= 4.0]
    c.step(10)
    d1 = np.linalg.norm(c.positions(), axis=1)
    knocked = (d0 > 4.0) & (d0 <= 8.0)
    assert (d1[knocked] >= d0[knocked] - 1e-6).mean() > 0.95  # thrown outward
    assert np.array_equal(c.positions()[d0 <= 4.0], dead0)  # the dead lie still
    c.step(int(2.5 / c.dt))
    assert not (c.states() == S["knocked"]).any()  # up again


def test_strike_does_not_cure_the_bitten(ground):
    c = crowd(ground, turn_delay_min=3.0, turn_delay_max=3.0, sight_range=0.0)
    h = c.spawn_at([[0.0, 0.0]], kind="human")[0]
    c.spawn_at([[0.6, 0.0]])
    c.step(2)
    assert c.states()[h] == S["turning"]
    c.strike((-4.5, 0.0), 6.0)  # outer ring (kill radius 3 m): thrown, not knocked
    assert c.states()[h] == S["turning"] and c.velocities()[h, 0] > 0.0
    c.step(int(3.2 / c.dt))
    assert c.kinds()[h] == K["regular"]


def test_scheduled_strike_lands_at_its_time(ground):
    c = crowd(ground)
    c.spawn(20, (0, 0), 2.0)
    c.strike((0.0, 0.0), 5.0, t=1.0)
    c.step(int(0.9 / c.dt))
    assert not (c.states() == S["dead"]).any()
    c.step(int(0.2 / c.dt))
    assert (c.states() == S["dead"]).all()


def test_fire_repels_zombies(ground):
    c = crowd(ground, fire_margin=1.0)
    c.spawn(150, (0, 0), 9.0)
    c.set_goal((0.0, 0.0))  # they want the middle: the fire holds them off
    c.add_fire((0.0, 0.0), 5.0)
    c.step(int(4 / c.dt))
    d = np.linalg.norm(c.positions(), axis=1)
    assert d.min() > 5.0
    c.clear_fires()
    c.step(int(4 / c.dt))
    assert np.linalg.norm(c.positions(), axis=1).min() < 3.0


def mixed(nav, seed, perm=None, seeds=None, rank=None, xy=None, kinds=None):
    c = crowd(nav, seed=seed, turn_delay_min=1.0, turn_delay_max=3.0)
    if xy is None:
        c.spawn(40, (0, 0), 6.0)
        c.spawn(8, (0, 0), 3.0, kind="human")
        c.spawn(4, (5, 5), 2.0, kind="immune")
        return c
    for kname in KINDS:
        sel = kinds[perm] == K[kname]
        if sel.any():
            idx = np.nonzero(sel)[0]
            c.spawn_at(xy[perm][idx], speed_rank=rank[perm][idx], kind=kname,
                       agent_seed=seeds[perm][idx])
    return c


def test_behaviour_is_deterministic_and_order_free(ground):
    a = mixed(ground, 9)
    b = mixed(ground, 9)
    for c in (a, b):
        c.add_sound((20.0, 0.0), 1.0, 3.0)
        c.step(120)
    assert a.state_digest() == b.state_digest()
    assert a.counts()["kind"]["human"] < 8  # bites happened: the digest covers them
    # permuted spawn (grouped by kind, shuffled inside): same per-agent result
    a = mixed(ground, 9)
    xy, rank = a.positions(np.float64), a.speed_rank()
    seeds, kinds = a.agent_seeds(), a.kinds()
    perm = np.random.default_rng(1).permutation(a.n)
    b = mixed(ground, 9, perm, seeds, rank, xy, kinds)
    # agent j of b is agent order[j] of a
    order = np.concatenate([np.nonzero(kinds[perm] == K[k])[0] for k in KINDS])
    order = perm[order]
    for c in (a, b):
        c.add_sound((20.0, 0.0), 1.0, 3.0)
        c.step(120)
    assert np.array_equal(a.positions(np.float64)[order], b.positions(np.float64))
    assert np.array_equal(a.states()[order], b.states())
    assert np.array_equal(a.kinds()[order], b.kinds())


def test_bad_params_and_events_are_config_errors(ground):
    with pytest.raises(ConfigError, match="turn_delay_min"):
        crowd(ground, turn_delay_min=50.0, turn_delay_max=10.0)
    c = crowd(ground)
    with pytest.raises(ConfigError, match="loudness"):
        c.add_sound((0, 0), loudness=0.0)
    with pytest.raises(ConfigError, match="radius"):
        c.add_fire((0, 0), -1.0)
    with pytest.raises(ConfigError, match="walkable"):
        c.spawn_at([[500.0, 0.0]])


_DIGEST = """
import numpy as np
from sandbox.config import ParamSet
from sandbox.crowd import PARAMS, Crowd, NavGrid
nav = NavGrid(np.ones((160, 160), bool), (-40.0, -40.0), 0.5)
c = Crowd(nav, ParamSet(PARAMS, {"turn_delay_min": 1.0, "turn_delay_max": 4.0}), seed=21)
c.spawn(50, (0, 0), 8.0)
c.spawn(8, (3, 0), 3.0, kind="human")
c.spawn(2, (-3, 0), 2.0, kind="immune")
c.add_sound((15.0, 5.0), 1.0, 4.0)
c.strike((-10.0, -10.0), 4.0, t=6.0)
c.step(500)
print(c.state_digest())
"""


def test_same_digest_after_500_steps_across_processes_and_thread_counts():
    """Other processes give the same bits, with the steering kernels' agents split over
    one thread or three (each thread writes only its own agents)."""
    import os
    import subprocess
    import sys
    runs = {subprocess.run([sys.executable, "-c", _DIGEST], capture_output=True, text=True,
                           check=True, env={**os.environ, "NUMBA_NUM_THREADS": str(k)}
                           ).stdout.strip() for k in (1, 3)}
    local = {}
    exec(_DIGEST.replace("print(c.state_digest())", "out['d'] = c.state_digest()"),
         {"out": local})
    assert runs == {local["d"]}
