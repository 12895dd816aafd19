"""The crowd: agent state as arrays, stepped at a fixed rate on one nav grid.

State (structure of arrays, float64 inside for determinism, exported float32):
positions and velocities (n, 2) metres and m/s, headings (n,) radians CCW from
+X, gait phase (n,) cycles in [0, 1), speed rank (n,) in [0, 1) (0 = fastest;
the agent's cruising speed is max_speed * (1 - speed_jitter * rank)).

Each step is two-phase: all new velocities from one snapshot, then all moves.
Same seed + same calls = bit-identical state (`state_digest`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from sandbox.config import ParamSet
from sandbox.rng import stream

from .flowfield import FlowField, FlowFieldCache, goal_cells_for
from .grid import NavGrid
from .neighbours import SpatialGrid
from .params import PARAMS, default_params
from .spawn import spawn_positions
from .steering import compute_velocities, integrate, pack_params


@dataclass(frozen=True)
class CrowdSnapshot:
    """What a renderer needs of one step, frozen (arrays read-only).

    time : s; steps : int; positions : (n, 2) float32 m; headings : (n,) float32 rad;
    phase : (n,) float32 gait cycles in [0, 1).
    """

    time: float
    steps: int
    positions: np.ndarray
    headings: np.ndarray
    phase: np.ndarray

    def lerp(self, other: "CrowdSnapshot", alpha: float) -> "CrowdSnapshot":
        """The state a fraction `alpha` (0..1) of the way from this snapshot to `other`.

        Headings and phases wrap the short way round. Both must hold the same agents
        (agents spawned in between are shown at their `other` state).
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
        return CrowdSnapshot(self.time + a * (other.time - self.time),
                             self.steps if a < 0.5 else other.steps,
                             _frozen(pos.astype(np.float32)), _frozen(hd.astype(np.float32)),
                             _frozen(ph.astype(np.float32)))


_STALE = object()  # field key meaning "rebuild before the next use"


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class Crowd:
    """Agents on one walkable level, steered along a flow field toward a goal.

    nav : the walkable map: a NavGrid or anything with `walkable` (ny, nx) bool,
        `origin` (2,) m and `cell` m (the world's Level).
    params : crowd parameters (see `sandbox.crowd.PARAMS`); live ones are read every step.
    seed : scene seed; spawning and per-agent traits draw from their own streams.
    dt : fixed time step, seconds.
    """

    def __init__(self, nav, params: ParamSet | None = None, seed: int = 0,
                 dt: float = 1.0 / 30.0):
        self.nav = NavGrid.from_level(nav)
        self.params = params if params is not None else default_params()
        missing = {p.name for p in PARAMS} - set(self.params.decl)
        if missing:
            raise ValueError(f"params lacks crowd parameters: {sorted(missing)}")
        self.seed = int(seed)
        self.dt = float(dt)
        if not self.dt > 0.0:
            raise ValueError(f"dt must be positive seconds, got {dt}")
        self.steps = 0
        self._pos = np.zeros((0, 2))
        self._vel = np.zeros((0, 2))
        self._heading = np.zeros(0)
        self._phase = np.zeros(0)
        self._rank = np.zeros(0)
        self._spawn_rng = stream(self.seed, "crowd.spawn")
        self._trait_rng = stream(self.seed, "crowd.traits")
        self._flows = FlowFieldCache(self.nav)
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

    # -- population -------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of agents."""
        return len(self._pos)

    def spawn(self, n: int, centre_xy, radius: float) -> np.ndarray:
        """Place `n` agents on walkable cells within `radius` m of `centre_xy` (2,) m.

        Deterministic (seeded rejection sampling), about one body width apart from each
        other and from agents already there. Returns their ids (n,) int64.
        """
        xy = spawn_positions(self.nav, self._spawn_rng, n, centre_xy, radius,
                             2.0 * self.params["radius"], self._pos)
        return self.spawn_at(xy)

    def spawn_at(self, xy, speed_rank=None) -> np.ndarray:
        """Add agents at world points `xy` (n, 2) m, all on walkable cells, at rest.

        speed_rank : optional (n,) in [0, 1), 0 = fastest; drawn from the seeded trait
        stream when omitted. Headings and gait phases start random (seeded).
        Returns the new ids (n,) int64 (ids are indices, in spawn order).
        """
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        m = len(xy)
        if m and not self.nav.is_walkable(xy).all():
            bad = xy[~self.nav.is_walkable(xy)][0]
            raise ValueError(f"spawn point {tuple(bad)} is not on a walkable cell")
        traits = self._trait_rng.random((m, 3))
        if speed_rank is None:
            rank = traits[:, 0]
        else:
            rank = np.asarray(speed_rank, dtype=np.float64).reshape(m)
            if ((rank < 0) | (rank >= 1)).any():
                raise ValueError("speed_rank must lie in [0, 1)")
        heading = (traits[:, 1] * 2.0 - 1.0) * np.pi
        phase = traits[:, 2]
        first = self.n
        self._pos = np.concatenate([self._pos, xy])
        self._vel = np.concatenate([self._vel, np.zeros((m, 2))])
        self._heading = np.concatenate([self._heading, heading])
        self._phase = np.concatenate([self._phase, phase])
        self._rank = np.concatenate([self._rank, rank])
        return np.arange(first, first + m, dtype=np.int64)

    # -- goal -------------------------------------------------------------------
    def set_goal(self, xy) -> None:
        """Send every agent toward world point(s) `xy` ((2,) or (k, 2) m): the nearest one
        by path. Points on blocked cells move to the nearest walkable cell. The flow
        field is built on the next step, or taken from the cache if built before."""
        cells = goal_cells_for(self.nav, xy)
        self._goal_xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2).copy()
        if self._goal_cells is None or not np.array_equal(cells, self._goal_cells):
            self._goal_cells = cells
            self._field_key = _STALE

    def clear_goal(self) -> None:
        """No goal: agents slow to a stop (still keeping apart and off walls)."""
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

    def _update_field(self) -> None:
        p = self.params
        key = None if self._goal_cells is None else (p["wall_cost"], p["wall_cost_range"])
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

    # -- stepping ---------------------------------------------------------------
    @property
    def time(self) -> float:
        """Scene time in seconds: steps * dt."""
        return self.steps * self.dt

    def _reach(self) -> float:
        p = self.params
        return 2.0 * p["radius"] + max(p["separation_range"], 0.6)

    def step(self, n: int = 1) -> None:
        """Advance `n` fixed steps of `dt` seconds."""
        p = self.params
        nav = self.nav
        for _ in range(int(n)):
            self._update_field()
            reach = self._reach()
            if self._sgrid is None or self._sgrid.size != reach:
                ny, nx = nav.shape
                self._sgrid = SpatialGrid(nav.origin, (nx * nav.cell, ny * nav.cell), reach)
            if self.n:
                g = self._sgrid
                order, start = g.build(self._pos)
                k = pack_params(p, self.dt, reach)
                pref = p["max_speed"] * (1.0 - p["speed_jitter"] * self._rank)
                new_vel = np.empty_like(self._vel)
                ox, oy = float(nav.origin[0]), float(nav.origin[1])
                compute_velocities(self._pos, self._vel, pref, order, start,
                                   g.origin[0], g.origin[1], g.size, g.nx, g.ny,
                                   self._walk, ox, oy, nav.cell, nav.wall_sdf, self._wgx,
                                   self._wgy, self._dirx, self._diry, self._dist, k, new_vel)
                tau = p["heading_smoothing"]
                alpha = 1.0 if tau <= 0.0 else 1.0 - math.exp(-self.dt / tau)
                self._vel = new_vel
                integrate(self._pos, self._vel, self._heading, self._phase, self._walk,
                          ox, oy, nav.cell, self.dt, alpha, p["stride_length"])
            self.steps += 1

    # -- bulk getters -----------------------------------------------------------
    def positions(self) -> np.ndarray:
        """(n, 2) float32 world x, y, metres."""
        return self._pos.astype(np.float32)

    def velocities(self) -> np.ndarray:
        """(n, 2) float32 m/s."""
        return self._vel.astype(np.float32)

    def headings(self) -> np.ndarray:
        """(n,) float32 radians CCW from +X in (-pi, pi], smoothed (no jitter)."""
        return self._heading.astype(np.float32)

    def gait_phase(self) -> np.ndarray:
        """(n,) float32 walk-cycle phase in cycles [0, 1); advances by distance / stride."""
        return self._phase.astype(np.float32)

    def speed_rank(self) -> np.ndarray:
        """(n,) float64 in [0, 1): 0 = the fastest agents (see `spawn_at`)."""
        return self._rank.copy()

    def snapshot(self) -> CrowdSnapshot:
        """A frozen copy of what a renderer interpolates between two steps."""
        return CrowdSnapshot(self.time, self.steps, _frozen(self.positions()),
                             _frozen(self.headings()), _frozen(self.gait_phase()))

    def state_digest(self) -> str:
        """sha256 hex of every state array and the step count (for determinism checks)."""
        h = hashlib.sha256()
        h.update(np.int64([self.n, self.steps]).tobytes())
        for a in (self._pos, self._vel, self._heading, self._phase, self._rank):
            h.update(np.ascontiguousarray(a, dtype="<f8").tobytes())
        return h.hexdigest()
