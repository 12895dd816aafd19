"""Metrics of one crowd run, sampled after every step from the crowd's bulk getters.

Definitions (units in brackets):
- counts: agents of each kind and each behaviour state, the dead included, so every
  row sums to the number of agents.
- infected(t): humans bitten so far (an agent entering the `turning` state); turned(t):
  agents spawned human that are zombies (kind `regular`) at t.
- flow through a line: agents whose straight move during a step crosses the directed
  segment a -> b; from its right to its left counts "in", the other way "out"
  (cumulative counts; `flow_rate` bins them per second).
- reach(place) [s]: the first sampled time at which a living zombie (kind regular or
  immortal, not dead) on the place's level stands within `reach_radius` m (plan
  distance) of the place; None if it never does. t = 0 (before the first step) counts.
- flows count only agents on the line's level before and after the step (a climb from
  one level to another crosses no line).
- density [agents/m²]: living agents on the main level per cell of the probe grid,
  averaged over the samples; peak_density: the largest single-sample value of any cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from sandbox.crowd.behaviour import DEAD, HUMAN, IMMORTAL, KINDS, REGULAR, STATES, TURNING

from .probes import Probes


def crossings(p0: np.ndarray, p1: np.ndarray, a, b) -> np.ndarray:
    """(n,) int8: +1 where the move p0 -> p1 ((n, 2) m each) crosses segment a -> b from
    its right to its left, -1 the other way, 0 otherwise. A point on the line counts as
    left of it, so a move that ends on the line and a later one that leaves it count once."""
    a = np.asarray(a, np.float64)
    d = np.asarray(b, np.float64) - a
    s0 = d[0] * (p0[:, 1] - a[1]) - d[1] * (p0[:, 0] - a[0])
    s1 = d[0] * (p1[:, 1] - a[1]) - d[1] * (p1[:, 0] - a[0])
    left0, left1 = s0 >= 0.0, s1 >= 0.0
    out = np.zeros(len(p0), np.int8)
    moved = left0 != left1
    if not moved.any():
        return out
    t = s0[moved] / (s0[moved] - s1[moved])
    q = p0[moved] + t[:, None] * (p1[moved] - p0[moved])
    u = ((q - a) @ d) / float(d @ d)
    hit = (u >= 0.0) & (u <= 1.0)
    idx = np.nonzero(moved)[0][hit]
    out[idx] = np.where(left1[idx], 1, -1)
    return out


@dataclass(frozen=True)
class RunMetrics:
    """A run's measurements. T samples (t = 0 and after each step), L lines.

    times (T,) s; kinds (T, len(KINDS)) and states (T, len(STATES)) int64 counts;
    infected, turned (T,) int64; flow_in, flow_out (T, L) int64 cumulative crossings;
    reach: place -> first time s or None; density (ny, nx) float64 agents/m² (mean over
    samples); peak_density agents/m²; probes: what was measured against; n: agents;
    alive: kind name -> living agents of that kind at the end.
    """

    times: np.ndarray
    kinds: np.ndarray
    states: np.ndarray
    infected: np.ndarray
    turned: np.ndarray
    flow_in: np.ndarray
    flow_out: np.ndarray
    reach: dict
    density: np.ndarray
    peak_density: float
    probes: Probes
    n: int
    alive: dict

    @property
    def line_names(self) -> list[str]:
        return list(self.probes.lines)

    def flow_rate(self, bin_s: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(bin starts (B,) s, in (B, L), out (B, L)) crossings per bin of `bin_s` s."""
        t_end = float(self.times[-1])
        edges = np.arange(0.0, t_end + bin_s, bin_s)
        idx = np.minimum(np.searchsorted(edges, self.times, side="right") - 1, len(edges) - 2)
        step_in = np.diff(self.flow_in, axis=0, prepend=self.flow_in[:1])
        step_out = np.diff(self.flow_out, axis=0, prepend=self.flow_out[:1])
        b = max(len(edges) - 1, 1)
        fin = np.zeros((b, len(self.line_names)), np.int64)
        fout = np.zeros_like(fin)
        np.add.at(fin, idx, step_in)
        np.add.at(fout, idx, step_out)
        return edges[:b], fin, fout

    def scalars(self) -> dict[str, float | None]:
        """Single numbers of the run by metric name, in `metric_names` order."""
        values = ([None if t is None else float(t) for t in self.reach.values()]
                  + [float(v) for k in range(len(self.line_names))
                     for v in (self.flow_in[-1, k], self.flow_out[-1, k])]
                  + [float(self.infected[-1]), float(self.turned[-1])]
                  + [float(self.alive[name]) for name in KINDS]
                  + [float(v) for v in self.states[-1]] + [float(self.peak_density)])
        return dict(zip(metric_names(self.probes), values, strict=True))


def metric_names(probes: Probes) -> list[str]:
    """The single-number metrics of a run against `probes` (the sweep table's columns and
    what `--target` may name): reach(PLACE) s, flow_in(LINE) and flow_out(LINE) agents,
    infected, turned, alive(KIND) and state(STATE) agents at the end, peak_density
    agents/m²."""
    return ([f"reach({p})" for p in probes.places]
            + [f"{d}({line})" for line in probes.lines for d in ("flow_in", "flow_out")]
            + ["infected", "turned"] + [f"alive({k})" for k in KINDS]
            + [f"state({s})" for s in STATES] + ["peak_density"])


class Observer:
    """Collects `RunMetrics` from a crowd: call `sample(crowd)` at t = 0 and after every
    step, then `result()`. Reads only bulk getters (positions, kinds, states)."""

    def __init__(self, probes: Probes, crowd):
        self.probes = probes
        self._human0 = crowd.kinds() == HUMAN
        self._bitten = np.zeros(crowd.n, bool)
        self._prev: np.ndarray | None = None
        self._prev_level: np.ndarray | None = None
        self._line_level = np.array([probes.line_level.get(n, 0) for n in probes.lines])
        self._place_level = np.array([probes.place_level.get(n, 0) for n in probes.places])
        self._rows: list[tuple] = []
        self._cum_in = np.zeros(len(probes.lines), np.int64)
        self._cum_out = np.zeros(len(probes.lines), np.int64)
        self._reach: dict[str, float | None] = {name: None for name in probes.places}
        self._places = np.array(list(probes.places.values()), np.float64).reshape(-1, 2)
        ny, nx = probes.shape
        self._density = np.zeros(ny * nx)
        self._peak = 0
        self._last = None

    def sample(self, crowd) -> None:
        p = self.probes
        pos = crowd.positions(np.float64)
        kind = crowd.kinds()
        state = crowd.states()
        level = _levels(crowd)
        living = state != DEAD
        self._bitten |= state == TURNING
        if self._prev is not None:
            stayed = level == self._prev_level
            for k, (a, b) in enumerate(p.lines.values()):
                on = stayed & (level == self._line_level[k])
                c = crossings(self._prev[on], pos[on], a, b)
                self._cum_in[k] += int((c > 0).sum())
                self._cum_out[k] += int((c < 0).sum())
        self._prev, self._prev_level = pos, level
        zombie = living & ((kind == REGULAR) | (kind == IMMORTAL))
        for j, name in enumerate(p.places):
            if self._reach[name] is not None:
                continue
            near = pos[zombie & (level == self._place_level[j])] - self._places[j]
            if len(near) and (near ** 2).sum(axis=1).min() <= p.reach_radius ** 2:
                self._reach[name] = float(crowd.time)
        ny, nx = p.shape
        ij = np.floor((pos[living & (level == 0)] - p.origin) / p.cell).astype(np.int64)
        ok = (ij[:, 0] >= 0) & (ij[:, 0] < nx) & (ij[:, 1] >= 0) & (ij[:, 1] < ny)
        cells, counts = np.unique(ij[ok, 1] * nx + ij[ok, 0], return_counts=True)
        self._density[cells] += counts
        self._peak = max(self._peak, int(counts.max()) if len(counts) else 0)
        self._last = (kind, state)
        self._rows.append((float(crowd.time), np.bincount(kind, minlength=len(KINDS)),
                           np.bincount(state, minlength=len(STATES)), int(self._bitten.sum()),
                           int((self._human0 & (kind == REGULAR)).sum()),
                           self._cum_in.copy(), self._cum_out.copy()))

    def result(self, n: int) -> RunMetrics:
        if not self._rows:
            raise ValueError("no samples: call sample() at least once")
        times, kinds, states, infected, turned, fin, fout = zip(*self._rows)
        p = self.probes
        area = p.cell ** 2
        kind, state = self._last
        alive = {name: int(((kind == k) & (state != DEAD)).sum()) for k, name in enumerate(KINDS)}
        shape = (len(times), len(p.lines))
        return RunMetrics(np.array(times), np.array(kinds), np.array(states),
                          np.array(infected, np.int64), np.array(turned, np.int64),
                          np.array(fin, np.int64).reshape(shape),
                          np.array(fout, np.int64).reshape(shape), dict(self._reach),
                          (self._density / (len(times) * area)).reshape(p.shape),
                          self._peak / area, p, int(n), alive)


def _levels(crowd) -> np.ndarray:
    """(n,) each agent's level index among the crowd's levels (0 on a one-level crowd)."""
    if crowd.stack is None:
        return np.zeros(crowd.n, np.uint8)
    return crowd.levels()


def observe(crowd, steps: int, probes: Probes,
            before_step: Callable | None = None,
            on_step: Callable[[int], None] | None = None) -> RunMetrics:
    """Step `crowd` `steps` times, measuring after each (and once before the first).
    before_step(crowd) runs before each step (scheduled events); on_step(k) after each."""
    obs = Observer(probes, crowd)
    obs.sample(crowd)
    for k in range(1, int(steps) + 1):
        if before_step is not None:
            before_step(crowd)
        crowd.step()
        obs.sample(crowd)
        if on_step is not None:
            on_step(k)
    return obs.result(crowd.n)
