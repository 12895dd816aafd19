"""Behaviour: each agent's kind and state pick its preferred velocity; steering does the rest.

Kinds (uint8): REGULAR zombie, IMMUNE (ignored by zombies, never infects), IMMORTAL
(conscious zombie: pursues a chosen agent, infects), HUMAN (follows a route or the
goal, flees zombies, gets bitten and turns).

States (uint8): IDLE, WANDER (walking calmly: a zombie's seeded wander, a human on
its route), LURED (heading for an attractor: a sound or the scene goal), CHASE,
ATTACK (biting, stands), FLEE (a human from zombies, a zombie from fire), TURNING
(bitten human, lies and convulses until it turns), KNOCKED (by a strike), DEAD,
CLIMB (on the stairs between two levels: stands on the landing it reached until
its timer runs out; see `NavStack`).

`decide` is one numba pass over all agents that reads only the step's snapshot and
writes each agent's own entries, so it is order-independent like the steering and
splits the agents over numba's threads the same way.
Per-agent randomness comes from a counter-based hash of the agent's own seed (drawn
at spawn), never from a shared stream: the draw cannot depend on agent order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .grid import cell_walkable

KINDS = ("regular", "immune", "immortal", "human")
REGULAR, IMMUNE, IMMORTAL, HUMAN = range(4)
STATES = ("idle", "wander", "lured", "chase", "attack", "flee", "turning", "knocked", "dead",
          "climb")
IDLE, WANDER, LURED, CHASE, ATTACK, FLEE, TURNING, KNOCKED, DEAD, CLIMB = range(10)

# Layout of the packed behaviour constants.
(B_DT, B_CONTACT, B_BITE, B_SIGHT, B_WANDER_SPEED, B_WANDER_MIN, B_WANDER_MAX, B_IDLE_FRAC,
 B_ATTACK_TIME, B_TURN_MIN, B_TURN_MAX, B_HUMAN_SPEED, B_FLEE_SPEED, B_FLEE_RANGE,
 B_WAYPOINT_R, B_FIRE_MARGIN, B_GOAL_R, B_MAX_SPEED, B_ANY_PREY, B_HAS_GOAL) = range(20)
N_B = 20

_SALT_WANDER = np.uint64(0x9E3779B97F4A7C15)
_SALT_TURN = np.uint64(0xD1B54A32D192ED03)


def pack_behaviour(p, dt: float, any_prey: bool, has_goal: bool) -> np.ndarray:
    """(N_B,) float64 behaviour constants from a crowd ParamSet, the step `dt` (s), whether
    any agent can be bitten (else the bite scan is skipped) and whether a goal is set."""
    b = np.zeros(N_B)
    b[B_DT] = dt
    b[B_CONTACT] = 2.0 * p["radius"]
    b[B_BITE] = 2.0 * p["radius"] + p["bite_reach"]
    b[B_SIGHT] = p["sight_range"] * (p["night_sight"] + (1.0 - p["night_sight"]) * p["light_level"])
    b[B_WANDER_SPEED] = p["wander_speed"]
    b[B_WANDER_MIN] = p["wander_time_min"]
    b[B_WANDER_MAX] = p["wander_time_max"]
    b[B_IDLE_FRAC] = p["idle_fraction"]
    b[B_ATTACK_TIME] = p["attack_time"]
    b[B_TURN_MIN] = p["turn_delay_min"]
    b[B_TURN_MAX] = p["turn_delay_max"]
    b[B_HUMAN_SPEED] = p["human_speed"]
    b[B_FLEE_SPEED] = p["flee_speed"]
    b[B_FLEE_RANGE] = p["flee_range"]
    b[B_WAYPOINT_R] = p["waypoint_radius"]
    b[B_FIRE_MARGIN] = p["fire_margin"]
    b[B_GOAL_R] = p["goal_radius"]
    b[B_MAX_SPEED] = p["max_speed"]
    b[B_ANY_PREY] = float(any_prey)
    b[B_HAS_GOAL] = float(has_goal)
    return b


@njit(cache=True)
def unit_hash(seed, counter, salt):
    """A float in [0, 1) from (agent seed uint64, counter, salt): splitmix64 finaliser."""
    z = seed ^ (np.uint64(counter) * np.uint64(0xBF58476D1CE4E5B9)) ^ salt
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return float(z >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def line_of_sight(walk, ox, oy, cell, x0, y0, x1, y1):
    """Whether the segment between two world points crosses only walkable cells
    (sampled every half cell)."""
    dx = x1 - x0
    dy = y1 - y0
    m = int(np.sqrt(dx * dx + dy * dy) / (0.5 * cell)) + 1
    for s in range(1, m):
        t = s / m
        if not cell_walkable(walk, ox, oy, cell, x0 + dx * t, y0 + dy * t):
            return False
    return True


@njit(cache=True)
def _is_active_zombie(kind, state):
    return (kind == REGULAR or kind == IMMORTAL) and state != DEAD and state != KNOCKED \
        and state != TURNING


@njit(cache=True)
def _is_prey(kind, state):
    return kind == HUMAN and state != TURNING and state != DEAD


@njit(cache=True)
def _prey_near(pos, kind, state, order, start, bx, by, gnx, gny, px, py, reach2):
    """Whether any prey lies within sqrt(reach2) m of (px, py) (3x3 buckets around bx, by)."""
    for qy in range(max(by - 1, 0), min(by + 2, gny)):
        for qx in range(max(bx - 1, 0), min(bx + 2, gnx)):
            q = qy * gnx + qx
            for m in range(start[q], start[q + 1]):
                o = order[m]
                if _is_prey(kind[o], state[o]):
                    dx = px - pos[o, 0]
                    dy = py - pos[o, 1]
                    if dx * dx + dy * dy <= reach2:
                        return True
    return False


@njit(cache=True)
def _sample(field, ox, oy, cell, x, y):
    ny, nx = field.shape
    i = min(max(int(np.floor((x - ox) / cell)), 0), nx - 1)
    j = min(max(int(np.floor((y - oy) / cell)), 0), ny - 1)
    return field[j, i]


@njit(cache=True, parallel=True, nogil=True)
def decide(pos, kind, state, timer, wdir, seed, count, pref_speed, route_cur, route_end, wp,
           target, order, start, gox, goy, gsize, gnx, gny, walk, ox, oy, cell,
           gdx, gdy, gdist, sdist, sdx, sdy, sreach, tpos, torder, tstart, tox, toy, tsize,
           tnx, tny, fires, b,
           o_kind, o_state, o_timer, o_wdir, o_count, o_route, pv):
    """Next kind/state/timer/wander draw/route index and the preferred velocity pv (n, 2) m/s.

    pos (n, 2) m; kind, state (n,) uint8; timer (n,) s left in a timed state; wdir (n,)
    wander heading rad; seed (n,) uint64; count (n,) draws so far; route_cur/route_end
    (n,) indices into waypoints wp (w, 2) m; target (n,) agent id an immortal pursues or
    -1. order/start/g*: the agents' spatial grid. gdx, gdy, gdist: goal field (ny, nx)
    (gdist inf everywhere without goal). sdist, sdx, sdy (m, ny, nx): sound fields,
    sreach (m,) hearing distance of each. tpos (t, 2) chase targets (prey and scripted
    humans) bucketed by torder/tstart/t*. fires (f, 3) x, y, radius m.
    """
    n = pos.shape[0]
    dt = b[B_DT]
    bite = b[B_BITE]
    bite2 = bite * bite
    sight = b[B_SIGHT]
    sight2 = sight * sight
    flee_r = b[B_FLEE_RANGE]
    goal_r = b[B_GOAL_R]
    max_speed = b[B_MAX_SPEED]
    nsound = sdist.shape[0]
    ntarget = tpos.shape[0]
    ring = int(np.ceil(flee_r / gsize))
    for a in prange(n):
        px = pos[a, 0]
        py = pos[a, 1]
        k = kind[a]
        s = state[a]
        t = timer[a] - dt
        o_kind[a] = k
        o_wdir[a] = wdir[a]
        o_count[a] = count[a]
        o_route[a] = route_cur[a]
        pv[a, 0] = 0.0
        pv[a, 1] = 0.0
        ns = s
        # -- timed states that hold the agent still
        if s == DEAD:
            o_state[a] = DEAD
            o_timer[a] = 0.0
            continue
        if s == KNOCKED or s == TURNING or s == CLIMB:
            if t > 0.0:
                o_state[a] = s
                o_timer[a] = t
                continue
            if s == TURNING:
                k = REGULAR
                o_kind[a] = REGULAR
            s = IDLE
            t = 0.0
        bx = min(max(int(np.floor((px - gox) / gsize)), 0), gnx - 1)
        by = min(max(int(np.floor((py - goy) / gsize)), 0), gny - 1)
        speed = pref_speed[a]
        zombie = k == REGULAR or k == IMMORTAL
        if k == HUMAN:
            # bitten: any active zombie within reach (others' snapshot state)
            bitten = False
            fx = 0.0
            fy = 0.0
            for qy in range(max(by - ring, 0), min(by + ring + 1, gny)):
                for qx in range(max(bx - ring, 0), min(bx + ring + 1, gnx)):
                    q = qy * gnx + qx
                    for m in range(start[q], start[q + 1]):
                        o = order[m]
                        if o == a or not _is_active_zombie(kind[o], state[o]):
                            continue
                        dx = px - pos[o, 0]
                        dy = py - pos[o, 1]
                        d2 = dx * dx + dy * dy
                        if d2 <= bite2:
                            bitten = True
                        if d2 < flee_r * flee_r and d2 > 1e-18:
                            d = np.sqrt(d2)
                            w = 1.0 - d / flee_r
                            fx += w * dx / d
                            fy += w * dy / d
            if bitten:
                o_state[a] = TURNING
                lo = b[B_TURN_MIN]
                o_timer[a] = lo + (b[B_TURN_MAX] - lo) * unit_hash(seed[a], 0, _SALT_TURN)
                continue
            fn = np.sqrt(fx * fx + fy * fy)
            if fn > 1e-9:
                v = b[B_FLEE_SPEED] * max_speed
                pv[a, 0] = v * fx / fn
                pv[a, 1] = v * fy / fn
                o_state[a] = FLEE
                o_timer[a] = 0.0
                continue
        if zombie:
            # fire repels: straight away from the nearest fire centre within its reach
            best = np.inf
            for f in range(fires.shape[0]):
                dx = px - fires[f, 0]
                dy = py - fires[f, 1]
                d = np.sqrt(dx * dx + dy * dy)
                if d < fires[f, 2] + b[B_FIRE_MARGIN] and d - fires[f, 2] < best:
                    best = d - fires[f, 2]
                    if d > 1e-9:
                        pv[a, 0] = speed * dx / d
                        pv[a, 1] = speed * dy / d
                    else:
                        pv[a, 0] = speed
                        pv[a, 1] = 0.0
            if best < np.inf:
                o_state[a] = FLEE
                o_timer[a] = 0.0
                continue
            if s == ATTACK and t > 0.0:
                o_state[a] = ATTACK
                o_timer[a] = t
                continue
            # bite: prey (or a scripted human) in reach
            biting = b[B_ANY_PREY] > 0.0 and _prey_near(pos, kind, state, order, start, bx, by,
                                                       gnx, gny, px, py, bite2)
            if not biting and ntarget > 0:
                for m in range(ntarget):
                    dx = px - tpos[m, 0]
                    dy = py - tpos[m, 1]
                    if dx * dx + dy * dy <= bite2:
                        biting = True
            if biting:
                o_state[a] = ATTACK
                o_timer[a] = b[B_ATTACK_TIME]
                continue
            # an immortal pursues its chosen agent, wherever it is
            tg = target[a]
            if k == IMMORTAL and tg >= 0 and state[tg] != DEAD:
                dx = pos[tg, 0] - px
                dy = pos[tg, 1] - py
                d = np.sqrt(dx * dx + dy * dy)
                if d > 1e-9:
                    pv[a, 0] = speed * dx / d
                    pv[a, 1] = speed * dy / d
                o_state[a] = CHASE
                o_timer[a] = 0.0
                continue
            # chase the nearest target in sight
            if ntarget > 0 and sight > 0.0:
                cx = min(max(int(np.floor((px - tox) / tsize)), 0), tnx - 1)
                cy = min(max(int(np.floor((py - toy) / tsize)), 0), tny - 1)
                bd2 = sight2
                bt = -1
                for qy in range(max(cy - 1, 0), min(cy + 2, tny)):
                    for qx in range(max(cx - 1, 0), min(cx + 2, tnx)):
                        q = qy * tnx + qx
                        for m in range(tstart[q], tstart[q + 1]):
                            o = torder[m]
                            dx = tpos[o, 0] - px
                            dy = tpos[o, 1] - py
                            d2 = dx * dx + dy * dy
                            if d2 < bd2 or (d2 == bd2 and bt >= 0 and o < bt):
                                if line_of_sight(walk, ox, oy, cell, px, py,
                                                 tpos[o, 0], tpos[o, 1]):
                                    bd2 = d2
                                    bt = o
                if bt >= 0:
                    d = np.sqrt(bd2)
                    if d > 1e-9:
                        pv[a, 0] = speed * (tpos[bt, 0] - px) / d
                        pv[a, 1] = speed * (tpos[bt, 1] - py) / d
                    o_state[a] = CHASE
                    o_timer[a] = 0.0
                    continue
            # the nearest sound in hearing reach (relative to its reach)
            bs = -1
            br = 1.0
            for m in range(nsound):
                d = _sample(sdist[m], ox, oy, cell, px, py)
                if d < sreach[m] and d / sreach[m] < br:
                    br = d / sreach[m]
                    bs = m
            if bs >= 0:
                d = _sample(sdist[bs], ox, oy, cell, px, py)
                ux = _sample(sdx[bs], ox, oy, cell, px, py)
                uy = _sample(sdy[bs], ox, oy, cell, px, py)
                v = speed if d >= goal_r or goal_r <= 0.0 else speed * d / goal_r
                pv[a, 0] = v * ux
                pv[a, 1] = v * uy
                o_state[a] = LURED
                o_timer[a] = 0.0
                continue
        # -- calm movement: route, then goal, then (zombies) seeded idle/wander
        cruise = speed if zombie else speed * b[B_HUMAN_SPEED]
        r = route_cur[a]
        if r < route_end[a]:
            dx = wp[r, 0] - px
            dy = wp[r, 1] - py
            d = np.sqrt(dx * dx + dy * dy)
            last = r == route_end[a] - 1
            if d < b[B_WAYPOINT_R] and not last:
                r += 1
                o_route[a] = r
                dx = wp[r, 0] - px
                dy = wp[r, 1] - py
                d = np.sqrt(dx * dx + dy * dy)
            if last and goal_r > 0.0 and d < goal_r:
                cruise *= d / goal_r
            if d > 1e-9:
                pv[a, 0] = cruise * dx / d
                pv[a, 1] = cruise * dy / d
            o_state[a] = WANDER if not zombie else LURED
            o_timer[a] = 0.0
            continue
        dg = _sample(gdist, ox, oy, cell, px, py) if b[B_HAS_GOAL] > 0.0 else np.inf
        if np.isfinite(dg):
            if goal_r > 0.0 and dg < goal_r:
                cruise *= dg / goal_r
            ux = _sample(gdx, ox, oy, cell, px, py)
            uy = _sample(gdy, ox, oy, cell, px, py)
            pv[a, 0] = cruise * ux
            pv[a, 1] = cruise * uy
            o_state[a] = LURED if zombie else WANDER
            o_timer[a] = 0.0
            continue
        if not zombie:
            o_state[a] = IDLE
            o_timer[a] = 0.0
            continue
        if (s != IDLE and s != WANDER) or t <= 0.0:
            c = count[a] + 1
            o_count[a] = c
            u0 = unit_hash(seed[a], 3 * c, _SALT_WANDER)
            u1 = unit_hash(seed[a], 3 * c + 1, _SALT_WANDER)
            u2 = unit_hash(seed[a], 3 * c + 2, _SALT_WANDER)
            ns = IDLE if u0 < b[B_IDLE_FRAC] else WANDER
            o_wdir[a] = (2.0 * u1 - 1.0) * np.pi
            t = b[B_WANDER_MIN] + (b[B_WANDER_MAX] - b[B_WANDER_MIN]) * u2
        else:
            ns = s
        o_state[a] = ns
        o_timer[a] = t
        if ns == WANDER:
            v = cruise * b[B_WANDER_SPEED]
            pv[a, 0] = v * np.cos(o_wdir[a])
            pv[a, 1] = v * np.sin(o_wdir[a])
