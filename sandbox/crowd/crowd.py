"""The crowd: agent state as arrays, stepped at a fixed rate on one nav grid.

State (structure of arrays, float64 inside for determinism, exported float32):
positions and velocities (n, 2) metres and m/s, headings (n,) radians CCW from
+X, gait phase (n,) cycles in [0, 1), speed rank (n,) in [0, 1) (0 = fastest;
the agent's cruising speed is max_speed * (1 - speed_jitter * rank)), kind and
behaviour state (n,) uint8 (names in `KINDS`, `STATES`), timer (n,) seconds left in
a timed state, agent seed (n,) uint64 (all per-agent random draws hash it).

Storage is kept in spatial-grid order (re-sorted every step, so agents of one bucket
sit side by side in memory and the sort is nearly free after the first step); `_ids`
maps a storage slot to the agent id, `_slot` the id to its slot. Every getter and
every call taking ids speaks agent ids (spawn order).

Each step: due strikes land; behaviour picks every agent's state and preferred
velocity; steering turns those into collision-free velocities; all agents move.
Each phase reads one snapshot (never another agent's updated state).
Same seed + same calls = bit-identical state (`state_digest`).
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import dataclass

import numpy as np

from sandbox.config import ConfigError, ParamSet
from sandbox.rng import stream

from . import behaviour as bh
from .behaviour import CLIMB, DEAD, KINDS, KNOCKED, LURED, STATES, decide, pack_behaviour
from .flowfield import FlowField, FlowFieldCache, goal_cells_for
from .grid import NavGrid
from .navstack import GAP, NavStack
from .neighbours import SpatialGrid
from .params import PARAMS, check_params, default_params
from .spawn import spawn_positions
from .steering import compute_velocities, integrate, pack_params


@dataclass(frozen=True)
class CrowdSnapshot:
    """What a renderer needs of one step, frozen (arrays read-only).

    time : s; steps : int; positions : (n, 2) float32 m; headings : (n,) float32 rad;
    phase : (n,) float32 gait cycles in [0, 1); kind, state : (n,) uint8 (indices into
    `KINDS`, `STATES`: the renderer tints and animates by them).
    """

    time: float
    steps: int
    positions: np.ndarray
    headings: np.ndarray
    phase: np.ndarray
    kind: np.ndarray
    state: np.ndarray

    def lerp(self, other: "CrowdSnapshot", alpha: float) -> "CrowdSnapshot":
        """The state a fraction `alpha` (0..1) of the way from this snapshot to `other`.

        Headings and phases wrap the short way round; kind and state are the nearer
        snapshot's. Both must hold the same agents (agents spawned in between are shown
        at their `other` state).
        """
        a = float(alpha)
        n = len(self.positions)
        pos = other.positions.copy()
        hd = other.headings.copy()
        ph = other.phase.copy()
        pos[:n] = self.positions + a * (other.positions[:n] - self.positions)
        dh = (other.headings[:n] - self.headings + np.pi) % (2 * np.pi) - np.pi
        hd[:n] = (self.headings + a * dh + np.pi) % (2 * np.pi) - np.pi
        dp = (other.phase[:n] - self.phase + 0.5) % 1.0 - 0.5
        ph[:n] = (self.phase + a * dp) % 1.0
        kind = other.kind.copy()
        state = other.state.copy()
        if a < 0.5:
            kind[:n] = self.kind
            state[:n] = self.state
        return CrowdSnapshot(self.time + a * (other.time - self.time),
                             self.steps if a < 0.5 else other.steps,
                             _frozen(pos.astype(np.float32)), _frozen(hd.astype(np.float32)),
                             _frozen(ph.astype(np.float32)), _frozen(kind), _frozen(state))


_STALE = object()
# Every per-agent storage array (re-sorted together each step).
_PER_AGENT = ("_pos", "_vel", "_heading", "_phase", "_rank", "_kind", "_state", "_timer",
              "_wdir", "_count", "_aseed", "_route_cur", "_route_end", "_target", "_ids")  # field key meaning "rebuild before the next use"


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def kind_code(kind) -> int:
    """The uint8 code of a kind name ("regular", "immune", "immortal", "human")."""
    if kind not in KINDS:
        raise ConfigError(f"kind = {kind!r} is not a crowd kind (allowed: {', '.join(KINDS)})")
    return KINDS.index(kind)


class Crowd:
    """Agents on one walkable level (or several joined by stairs: `Crowd.multi`):
    behaviour picks where each wants to go, steering keeps them apart and off walls.

    nav : the walkable map: a NavGrid or anything with `walkable` (ny, nx) bool,
        `origin` (2,) m and `cell` m (the world's Level).
    params : crowd parameters (see `sandbox.crowd.PARAMS`); live ones are read every step.
    seed : scene seed; spawning and per-agent traits draw from their own streams.
    dt : fixed time step, seconds.
    level : index of the level this crowd walks on (recorded in bakes).
    """

    def __init__(self, nav, params: ParamSet | None = None, seed: int = 0,
                 dt: float = 1.0 / 30.0, level: int = 0):
        self.nav = NavGrid.from_level(nav)
        self.params = params if params is not None else default_params()
        missing = {p.name for p in PARAMS} - set(self.params.decl)
        if missing:
            raise ValueError(f"params lacks crowd parameters: {sorted(missing)}")
        check_params(self.params)
        self.seed = int(seed)
        self.dt = float(dt)
        if not self.dt > 0.0:
            raise ValueError(f"dt must be positive seconds, got {dt}")
        self.level = int(level)
        self.steps = 0
        self._pos = np.zeros((0, 2))
        self._vel = np.zeros((0, 2))
        self._heading = np.zeros(0)
        self._phase = np.zeros(0)
        self._rank = np.zeros(0)
        self._kind = np.zeros(0, np.uint8)
        self._state = np.zeros(0, np.uint8)
        self._timer = np.zeros(0)
        self._wdir = np.zeros(0)
        self._count = np.zeros(0, np.int64)
        self._aseed = np.zeros(0, np.uint64)
        self._route_cur = np.zeros(0, np.int64)
        self._route_end = np.zeros(0, np.int64)
        self._target = np.zeros(0, np.int64)
        self._wp = np.zeros((0, 2))
        self._ids = np.zeros(0, np.int64)
        self._slot = np.zeros(0, np.int64)
        self._spawn_rng = stream(self.seed, "crowd.spawn")
        self._trait_rng = stream(self.seed, "crowd.traits")
        self._flows = FlowFieldCache(self.nav, maxsize=16)
        self._goal_cells: np.ndarray | None = None
        self._goal_xy: np.ndarray | None = None
        self._field: FlowField | None = None
        self._field_key = _STALE
        ny, nx = self.nav.shape
        self._no_dir = np.zeros((ny, nx))
        self._no_dist = np.full((ny, nx), np.inf)
        self._sgrid: SpatialGrid | None = None
        self._walk = np.ascontiguousarray(self.nav.walkable)
        self._wgx = np.ascontiguousarray(self.nav.wall_grad[..., 0])
        self._wgy = np.ascontiguousarray(self.nav.wall_grad[..., 1])
        self._dirx = self._diry = None
        self._sounds: list[tuple[np.ndarray, float, float]] = []  # (cells, reach m, end s)
        self._sound_key = _STALE
        self._sound_fields = (np.zeros((0, 1, 1)),) * 3 + (np.zeros(0),)
        self._fires = np.zeros((0, 3))
        self._strikes: list[tuple[float, float, float, float]] = []  # (t, x, y, radius)
        self._visible = np.zeros((0, 2))
        self._stack: NavStack | None = None

    @classmethod
    def multi(cls, levels: dict, links, params: ParamSet | None = None, seed: int = 0,
              dt: float = 1.0 / 30.0) -> "Crowd":
        """A crowd on several levels joined by stairs (see `NavStack`).

        levels : name -> walkable level (`walkable`, `origin`, `cell`, optional `z` m), all
            of one cell size; links : (a, a_xy, b, b_xy) stairs between level a at a_xy and
            level b at b_xy (world m), walked both ways. Every call taking points takes a
            `level` (a name or index; default the first level); getters answer world
            points, `levels()` each agent's level index. Goals and sounds on any level
            lead through the stairs; agents climb as they reach their foot.
        """
        stack = NavStack(levels, links)
        crowd = cls(stack.atlas, params, seed=seed, dt=dt)
        crowd._stack = stack
        return crowd

    @property
    def stack(self) -> NavStack | None:
        """The levels and stairs of a multi-level crowd (None on one level)."""
        return self._stack

    def _at(self, xy, level) -> np.ndarray:
        """(k, 2) grid points of world points `xy` on `level` (multi-level crowds only)."""
        if self._stack is None:
            if level is not None:
                raise ValueError("level is for multi-level crowds (Crowd.multi)")
            return np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        return self._stack.to_atlas(xy, 0 if level is None else level)

    # -- population -------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of agents (the dead included: ids never change)."""
        return len(self._pos)

    def spawn(self, n: int, centre_xy, radius: float, kind: str = "regular",
              level=None) -> np.ndarray:
        """Place `n` agents of `kind` on walkable cells within `radius` m of `centre_xy`.

        Deterministic (seeded rejection sampling), about one body width apart from each
        other and from agents already there. Returns their ids (n,) int64.
        """
        code = kind_code(kind)
        try:
            xy = spawn_positions(self.nav, self._spawn_rng, n, self._at(centre_xy, level)[0],
                                 radius, 2.0 * self.params["radius"], self._pos)
        except ValueError:
            if self._stack is None or not radius >= 0:
                raise
            x, y = np.asarray(centre_xy, dtype=np.float64).reshape(2)
            where = "" if level is None else f" on level {level!r}"
            raise ValueError(f"no walkable ground within {radius} m of ({x:g}, {y:g}){where}") from None
        return self._spawn(xy, None, KINDS[code], None)

    def spawn_at(self, xy, speed_rank=None, kind: str = "regular",
                 agent_seed=None, level=None) -> np.ndarray:
        """Add agents of `kind` at world points `xy` (n, 2) m, all on walkable cells, at rest.

        speed_rank : optional (n,) in [0, 1), 0 = fastest; drawn from the seeded trait
        stream when omitted. agent_seed : optional (n,) uint64, the seed of each agent's
        own random draws (wander, turning delay); drawn when omitted. Headings and gait
        phases start random (seeded). Returns the new ids (n,) int64 (spawn order).
        """
        world = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        xy = self._at(world, level)
        if len(xy) and not self.nav.is_walkable(xy).all():
            bad = world[~self.nav.is_walkable(xy)][0]
            raise ConfigError(f"spawn point ({bad[0]:.2f}, {bad[1]:.2f}) is not on a walkable "
                              "cell (allowed: points on the walkable map)")
        return self._spawn(xy, speed_rank, kind, agent_seed)

    def _spawn(self, xy: np.ndarray, speed_rank, kind: str, agent_seed) -> np.ndarray:
        """Append agents at grid points `xy` (m, 2), already checked walkable."""
        code = kind_code(kind)
        m = len(xy)
        traits = self._trait_rng.random((m, 3))
        seeds = self._trait_rng.integers(0, 2**63, m, dtype=np.int64).astype(np.uint64)
        if speed_rank is None:
            rank = traits[:, 0]
        else:
            rank = np.asarray(speed_rank, dtype=np.float64).reshape(m)
            if ((rank < 0) | (rank >= 1)).any():
                raise ValueError("speed_rank must lie in [0, 1)")
        if agent_seed is not None:
            seeds = np.asarray(agent_seed, dtype=np.uint64).reshape(m)
        heading = (traits[:, 1] * 2.0 - 1.0) * np.pi
        phase = traits[:, 2]
        first = self.n
        self._pos = np.concatenate([self._pos, xy])
        self._vel = np.concatenate([self._vel, np.zeros((m, 2))])
        self._heading = np.concatenate([self._heading, heading])
        self._phase = np.concatenate([self._phase, phase])
        self._rank = np.concatenate([self._rank, rank])
        self._kind = np.concatenate([self._kind, np.full(m, code, np.uint8)])
        self._state = np.concatenate([self._state, np.zeros(m, np.uint8)])
        self._timer = np.concatenate([self._timer, np.zeros(m)])
        self._wdir = np.concatenate([self._wdir, np.zeros(m)])
        self._count = np.concatenate([self._count, np.zeros(m, np.int64)])
        self._aseed = np.concatenate([self._aseed, seeds])
        self._route_cur = np.concatenate([self._route_cur, np.zeros(m, np.int64)])
        self._route_end = np.concatenate([self._route_end, np.zeros(m, np.int64)])
        self._target = np.concatenate([self._target, np.full(m, -1, np.int64)])
        new = np.arange(first, first + m, dtype=np.int64)
        self._ids = np.concatenate([self._ids, new])  # appended: slot == id for new agents
        self._slot = np.concatenate([self._slot, new])
        return new

    def _check_ids(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) and (ids.min() < 0 or ids.max() >= self.n):
            raise ValueError(f"agent ids must lie in [0, {self.n})")
        return ids

    def _by_id(self, a: np.ndarray) -> np.ndarray:
        """A per-agent storage array reordered by agent id (a copy)."""
        return a[self._slot]

    def set_route(self, ids, waypoints, level=None) -> None:
        """Agents `ids` walk through `waypoints` ((k, 2) m shared, or (len(ids), k, 2) one
        route each) in order, straight from one to the next, and stop at the last. A route
        outranks the goal; fleeing, chasing and sounds outrank a route. k = 0 clears."""
        ids = self._check_ids(ids)
        wp = np.asarray(waypoints, dtype=np.float64)
        if wp.ndim == 2:
            wp = np.broadcast_to(wp.reshape(1, -1, 2), (len(ids), len(wp), 2))
        if wp.shape[:1] != (len(ids),) or wp.shape[-1] != 2 or wp.ndim != 3:
            raise ValueError("waypoints must be (k, 2) or (len(ids), k, 2) metres")
        wp = self._at(wp, level).reshape(wp.shape)
        k = wp.shape[1]
        first = len(self._wp)
        self._wp = np.concatenate([self._wp, wp.reshape(-1, 2)])
        slots = self._slot[ids]
        self._route_cur[slots] = first + k * np.arange(len(ids))
        self._route_end[slots] = self._route_cur[slots] + k

    def set_target(self, ids, target_id: int) -> None:
        """Immortal agents `ids` pursue agent `target_id` (-1: stop pursuing)."""
        ids = self._check_ids(ids)
        target_id = int(target_id)
        if target_id != -1:
            self._check_ids([target_id])
        self._target[self._slot[ids]] = target_id

    # -- goal -------------------------------------------------------------------
    def set_goal(self, xy, level=None) -> None:
        """Send every agent toward world point(s) `xy` ((2,) or (k, 2) m): the nearest one
        by path. Points on blocked cells move to the nearest walkable cell. The flow
        field is built on the next step, or taken from the cache if built before."""
        xy = self._at(xy, level)
        cells = goal_cells_for(self.nav, xy)
        self._goal_xy = xy.copy()
        if self._goal_cells is None or not np.array_equal(cells, self._goal_cells):
            self._goal_cells = cells
            self._field_key = _STALE

    def clear_goal(self) -> None:
        """No goal: zombies idle and wander, humans without a route stand."""
        self._goal_cells = None
        self._goal_xy = None
        self._field_key = _STALE

    @property
    def flow_field(self) -> FlowField | None:
        """The current goal's flow field (built now if needed), None without a goal."""
        self._update_field()
        return self._field

    @property
    def flow_builds(self) -> int:
        """How many flow fields have been built so far (cached ones are reused)."""
        return self._flows.builds

    def _costs(self) -> tuple[float, float]:
        return self.params["wall_cost"], self.params["wall_cost_range"]

    def _update_field(self) -> None:
        key = None if self._goal_cells is None else self._costs()
        if key == self._field_key:
            return
        if self._goal_cells is None:
            self._field = None
            self._dirx = self._diry = self._no_dir
            self._dist = self._no_dist
        else:
            self._field = self._flows.get(self._goal_cells, *key)
            d = self._field.direction
            self._dirx = np.ascontiguousarray(d[..., 0], dtype=np.float64)
            self._diry = np.ascontiguousarray(d[..., 1], dtype=np.float64)
            self._dist = self._field.dist
        self._field_key = key

    # -- events -----------------------------------------------------------------
    def add_sound(self, xy, loudness: float = 1.0, duration: float = 10.0, level=None) -> None:
        """A sound (a lure: drone, loudspeaker, flare, a crash) at world point `xy` from now
        for `duration` s. Zombies within `hearing_range * loudness` metres of path run to it
        along its flow field (built once per sound cell, cached)."""
        loudness = float(loudness)
        duration = float(duration)
        if not (loudness > 0.0 and np.isfinite(loudness)):
            raise ConfigError(f"loudness = {loudness!r} (allowed: a number above 0)")
        if not (duration > 0.0 and np.isfinite(duration)):
            raise ConfigError(f"duration = {duration!r} (allowed: seconds above 0)")
        cells = goal_cells_for(self.nav, self._at(xy, level))
        self._sounds.append((cells, loudness, self.time + duration))

    def add_fire(self, xy, radius: float, level=None) -> None:
        """A fire of `radius` m at world point `xy`: zombies keep out of it (see fire_margin)."""
        radius = float(radius)
        if not radius > 0.0:
            raise ConfigError(f"fire radius = {radius!r} (allowed: metres above 0)")
        if self._stack is not None and radius + self.params["fire_margin"] > GAP:
            raise ConfigError(f"fire radius = {radius!r} (allowed on a multi-level crowd: up to "
                              f"{GAP:g} m less fire_margin, the gap between levels)")
        x, y = self._at(xy, level)[0]
        self._fires = np.concatenate([self._fires, [[x, y, radius]]])

    def clear_fires(self) -> None:
        """Put out every fire."""
        self._fires = np.zeros((0, 3))

    def strike(self, xy, radius: float, t: float | None = None, level=None) -> None:
        """A strike (bomb, shell) at world point `xy` with `radius` m, now or at scene time `t`
        s (applied at the first step that starts at or after t). Within
        strike_kill_fraction * radius agents die; further out, up to `radius`, they are
        knocked down and thrown outward (scatter_speed at the kill radius, 0 at the edge);
        a bitten human there is thrown too but keeps turning."""
        radius = float(radius)
        if not radius > 0.0:
            raise ConfigError(f"strike radius = {radius!r} (allowed: metres above 0)")
        x, y = self._at(xy, level)[0]
        when = self.time if t is None else float(t)
        self._strikes.append((when, x, y, radius))
        if t is None:
            self._land_strikes()

    def set_visible_humans(self, xy, level=None) -> None:
        """Scripted humans (k, 2) m the crowd does not move but zombies see, chase and
        attack, like its own humans; set again whenever they move (each step)."""
        self._visible = self._at(xy, level).copy()

    def _land_strikes(self) -> None:
        due = [s for s in self._strikes if s[0] <= self.time + 1e-9]
        if not due:
            return
        self._strikes = [s for s in self._strikes if s[0] > self.time + 1e-9]
        p = self.params
        for _, x, y, radius in sorted(due):
            d = np.hypot(self._pos[:, 0] - x, self._pos[:, 1] - y)
            inner = p["strike_kill_fraction"] * radius
            alive = self._state != DEAD
            if self._stack is not None:  # a strike hits its own level only
                alive &= self._stack.level_of(self._pos) == self._stack.level_of(np.array([[x, y]]))
            dead = alive & (d <= inner)
            hit = alive & (d > inner) & (d <= radius)
            self._state[dead] = DEAD
            self._vel[dead] = 0.0
            self._timer[dead] = 0.0
            down = hit & (self._state != bh.TURNING)  # the bitten already lie, and still turn
            self._state[down] = KNOCKED
            self._timer[down] = p["knock_time"]
            fall = 1.0 - (d[hit] - inner) / max(radius - inner, 1e-9)
            speed = np.minimum(p["scatter_speed"] * fall, p["max_speed"])
            away = (self._pos[hit] - (x, y)) / d[hit, None]
            self._vel[hit] = away * speed[:, None]

    def _update_sounds(self):
        """The fields of the sounds still playing, each searched only as far as it is
        heard (its reach, plus the path to any stairs' foot a listener may take: within
        stair_reach, at up to 1 + wall_cost times that, and two cells): nothing within
        earshot differs from a whole-map field."""
        live = [s for s in self._sounds if s[2] > self.time + 1e-9]
        self._sounds = live
        p = self.params
        costs = self._costs()
        reach = np.array([p["hearing_range"] * r for _, r, _ in live])
        limit = reach + p["stair_reach"] * (1.0 + p["wall_cost"]) + 2.0 * self.nav.cell
        key = (tuple(c.tobytes() for c, _, _ in live), limit.tobytes(), costs)
        if key != self._sound_key:
            ny, nx = self.nav.shape
            m = len(live)
            dist = np.empty((m, ny, nx))
            dx = np.empty((m, ny, nx))
            dy = np.empty((m, ny, nx))
            for k, (cells, _, _) in enumerate(live):
                f = self._flows.get(cells, *costs, limit[k])
                dist[k] = f.dist
                dx[k] = f.direction[..., 0]
                dy[k] = f.direction[..., 1]
            if m == 0:
                dist = dx = dy = np.zeros((0, 1, 1))
            self._sound_fields = (dist, dx, dy, reach)
            self._sound_key = key
        return self._sound_fields

    def _chase_targets(self, prey: np.ndarray, sight: float):
        """Positions (t, 2) of what zombies may chase (own humans able to run, `prey` (n,)
        bool, then the scripted ones), and their bucket sort (bucket side >= sight)."""
        tpos = np.concatenate([self._pos[prey], self._visible])
        size = max(sight, 1.0)
        ny, nx = self.nav.shape
        tg = SpatialGrid(self.nav.origin, (nx * self.nav.cell, ny * self.nav.cell), size)
        order, start = tg.build(tpos) if len(tpos) else (np.zeros(0, np.int64),
                                                         np.zeros(tg.nx * tg.ny + 1, np.int64))
        return tpos, order, start, tg

    # -- stepping ---------------------------------------------------------------
    @property
    def time(self) -> float:
        """Scene time in seconds: steps * dt."""
        return self.steps * self.dt

    def _reach(self) -> float:
        p = self.params
        return 2.0 * p["radius"] + max(p["separation_range"], 0.6, p["bite_reach"])

    def step(self, n: int = 1) -> None:
        """Advance `n` fixed steps of `dt` seconds."""
        nav = self.nav
        for _ in range(int(n)):
            self._land_strikes()
            self._update_field()
            reach = self._reach()
            if self._sgrid is None or self._sgrid.size != reach:
                ny, nx = nav.shape
                self._sgrid = SpatialGrid(nav.origin, (nx * nav.cell, ny * nav.cell), reach)
            if self.n:
                self._advance(reach)
                if self._stack is not None:
                    self._climb()
            self.steps += 1

    def _climb(self) -> None:
        """Lured agents within stair_reach of the foot of stairs their goal or a sound
        leads through go up (or down): they appear on the far landing at the same offset
        (at its centre if that is blocked), at rest, in CLIMB for climb_time s. One whose
        landing spot is within a body width (2 radius) of an agent there (one still
        climbing included) waits at the foot: a full landing holds the queue below instead
        of stacking agents, and a flight passes about (spots on its landing) / climb_time
        agents per second."""
        st = self._stack
        used = st.used(self._dist)
        for dist in self._sound_fields[0]:
            used |= st.used(dist)
        if not used.any():
            return
        p = self.params
        free = self._state == LURED
        for m in np.nonzero(used)[0]:
            foot, land = st.ends[m]
            off = self._pos - foot
            on = free & (off[:, 0] ** 2 + off[:, 1] ** 2 <= p["stair_reach"] ** 2)
            if not on.any():
                continue
            dst = land + off[on]
            dst[~self.nav.is_walkable(dst)] = land
            go = self._room(dst, land)
            idx = np.nonzero(on)[0][go]
            self._pos[idx] = dst[go]
            self._vel[idx] = 0.0
            self._state[idx] = CLIMB
            self._timer[idx] = p["climb_time"]
            free[idx] = False

    def _room(self, dst: np.ndarray, land: np.ndarray) -> np.ndarray:
        """(k,) bool: which of the landing spots `dst` (k, 2) are free, taken in order:
        none within a body width of an agent by `land` (2,) or of a spot taken before it."""
        gap = 2.0 * self.params["radius"]
        d = self._pos - land
        taken = self._pos[d[:, 0] ** 2 + d[:, 1] ** 2 <= (self.params["stair_reach"] + 2 * gap) ** 2]
        go = np.zeros(len(dst), bool)
        for k, q in enumerate(dst):
            if not len(taken) or ((taken - q) ** 2).sum(axis=1).min() >= gap ** 2:
                go[k] = True
                taken = np.concatenate([taken, q[None]])
        return go

    def _advance(self, reach: float) -> None:
        """One step of behaviour, steering and motion for all agents.

        Storage is first re-sorted into this step's grid order, so the kernels read
        neighbours from adjacent memory and walk the grid with the identity order.
        Neighbour sums run in the grid's sequence whatever the storage order, so the
        re-sort changes the speed, never the numbers.
        """
        p = self.params
        nav = self.nav
        check_params(p)
        g = self._sgrid
        order, start = g.build(self._pos)
        for name in _PER_AGENT:  # into grid order (nearly sequential after the first step)
            setattr(self, name, getattr(self, name)[order])
        n = self.n
        ident = np.arange(n, dtype=np.int64)
        self._slot[self._ids] = ident
        tgt = self._target  # agent ids -> slots
        if (tgt >= 0).any():
            tgt = np.where(tgt >= 0, self._slot[np.maximum(tgt, 0)], -1)
        ox, oy = float(nav.origin[0]), float(nav.origin[1])
        prey = (self._kind == bh.HUMAN) & (self._state != bh.TURNING) & (self._state != DEAD)
        b = pack_behaviour(p, self.dt, bool(prey.any()), self._goal_cells is not None)
        sdist, sdx, sdy, sreach = self._update_sounds()
        tpos, torder, tstart, tg = self._chase_targets(prey, b[bh.B_SIGHT])
        pref = p["max_speed"] * (1.0 - p["speed_jitter"] * self._rank)
        kind = np.empty(n, np.uint8)
        state = np.empty(n, np.uint8)
        timer = np.empty(n)
        wdir = np.empty(n)
        count = np.empty(n, np.int64)
        route = np.empty(n, np.int64)
        pv = np.empty((n, 2))
        decide(self._pos, self._kind, self._state, self._timer, self._wdir,
               self._aseed, self._count, pref, self._route_cur,
               self._route_end, self._wp, tgt, ident, start, g.origin[0], g.origin[1],
               g.size, g.nx, g.ny, self._walk, ox, oy, nav.cell, self._dirx, self._diry,
               self._dist, sdist, sdx, sdy, sreach, tpos, torder, tstart, tg.origin[0],
               tg.origin[1], tg.size, tg.nx, tg.ny, self._fires, b,
               kind, state, timer, wdir, count, route, pv)
        k = pack_params(p, self.dt, reach)
        new_vel = np.empty_like(self._vel)
        press = (state == bh.FLEE) | (state == bh.KNOCKED)
        compute_velocities(self._pos, self._vel, pv, state != DEAD, press, ident, start, g.origin[0],
                           g.origin[1], g.size, g.nx, g.ny, self._walk, ox, oy, nav.cell, nav.wall_sdf,
                           self._wgx, self._wgy, k, new_vel)
        tau = p["heading_smoothing"]
        alpha = 1.0 if tau <= 0.0 else 1.0 - math.exp(-self.dt / tau)
        integrate(self._pos, new_vel, self._heading, self._phase, self._walk, ox, oy, nav.cell,
                  self.dt, alpha, p["stride_length"])
        self._vel = new_vel
        self._kind, self._state, self._timer = kind, state, timer
        self._wdir, self._count, self._route_cur = wdir, count, route

    # -- bulk getters -----------------------------------------------------------
    def positions(self, dtype=np.float32) -> np.ndarray:
        """(n, 2) world x, y, metres, by agent id (float64: the exact state); on a
        multi-level crowd each on its own level (see `levels`)."""
        xy = self._by_id(self._pos)
        if self._stack is not None:
            xy = self._stack.to_world(xy)
        return xy.astype(dtype, copy=False)

    def velocities(self, dtype=np.float32) -> np.ndarray:
        """(n, 2) m/s by agent id (float64: the exact state)."""
        return self._by_id(self._vel).astype(dtype, copy=False)

    def headings(self) -> np.ndarray:
        """(n,) float32 radians CCW from +X in (-pi, pi], smoothed (no jitter)."""
        return self._by_id(self._heading).astype(np.float32)

    def gait_phase(self) -> np.ndarray:
        """(n,) float32 walk-cycle phase in cycles [0, 1); advances by distance / stride."""
        return self._by_id(self._phase).astype(np.float32)

    def speed_rank(self) -> np.ndarray:
        """(n,) float64 in [0, 1): 0 = the fastest agents (see `spawn_at`)."""
        return self._by_id(self._rank)

    def kinds(self) -> np.ndarray:
        """(n,) uint8 kind codes: index into `KINDS`."""
        return self._by_id(self._kind)

    def states(self) -> np.ndarray:
        """(n,) uint8 behaviour state codes: index into `STATES`."""
        return self._by_id(self._state)

    def timers(self) -> np.ndarray:
        """(n,) float64 seconds left in a timed state (turning, knocked, attack, a wander stretch)."""
        return self._by_id(self._timer)

    def agent_seeds(self) -> np.ndarray:
        """(n,) uint64 per-agent random seeds (see `spawn_at`)."""
        return self._by_id(self._aseed)

    def levels(self) -> np.ndarray:
        """(n,) uint8 level index of every agent (a one-level crowd: its `level`; a
        multi-level crowd: the index into its level names)."""
        if self._stack is not None:
            return self._stack.level_of(self._by_id(self._pos))
        return np.full(self.n, self.level, np.uint8)

    def counts(self) -> dict:
        """{"kind": {name: count}, "state": {name: count}} over all agents."""
        kc = np.bincount(self._kind, minlength=len(KINDS))
        sc = np.bincount(self._state, minlength=len(STATES))
        return {"kind": {k: int(c) for k, c in zip(KINDS, kc)},
                "state": {s: int(c) for s, c in zip(STATES, sc)}}

    def snapshot(self) -> CrowdSnapshot:
        """A frozen copy of what a renderer interpolates between two steps."""
        return CrowdSnapshot(self.time, self.steps, _frozen(self.positions()),
                             _frozen(self.headings()), _frozen(self.gait_phase()),
                             _frozen(self.kinds()), _frozen(self.states()))

    def fork(self) -> "Crowd":
        """An independent twin of the crowd at this instant (a checkpoint): stepping one
        never changes the other, and the twin steps exactly as this one would. Per-agent
        arrays, pending sounds and strikes and the random streams are copied; the map, the
        wall and flow fields (replaced, never written once built) and `params` (the live
        values) are shared."""
        twin = copy.copy(self)
        for name in (*_PER_AGENT, "_slot"):
            setattr(twin, name, getattr(self, name).copy())
        twin._sounds, twin._strikes = list(self._sounds), list(self._strikes)
        twin._spawn_rng = copy.deepcopy(self._spawn_rng)
        twin._trait_rng = copy.deepcopy(self._trait_rng)
        return twin

    def state_digest(self) -> str:
        """sha256 hex of every state array and the step count (for determinism checks)."""
        h = hashlib.sha256()
        h.update(np.int64([self.n, self.steps]).tobytes())
        for a in (self._pos, self._vel, self._heading, self._phase, self._rank, self._timer,
                  self._wdir):
            h.update(np.ascontiguousarray(self._by_id(a), dtype="<f8").tobytes())
        for a in (self._kind, self._state, self._count, self._aseed, self._route_cur,
                  self._route_end, self._target):
            h.update(np.ascontiguousarray(self._by_id(a), dtype="<i8").tobytes())
        return h.hexdigest()
