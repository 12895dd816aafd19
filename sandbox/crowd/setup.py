"""A preset's `[setup]` table: what to spawn where and which events happen when, for bakes.

    [setup]
    seconds = 20.0            # default bake length
    seed = 7
    goal = "school_entrance"  # an anchor name or [x, y] metres (optional)
    [[setup.spawn]]           # kind: regular | immune | immortal | human
    kind = "regular"
    count = 2000
    at = "gate"
    radius = 15.0
    route = ["lobby", [0.0, 30.0]]   # optional waypoints
    [[setup.sound]]           # at, loudness, duration (s), t (s)
    [[setup.fire]]            # at, radius (m), t
    [[setup.strike]]          # at, radius (m), t

Points are resolved by a callable handed in (the CLI passes the world's anchors), so
this package never imports the world. Every mistake is a ConfigError naming the file,
the key, the value and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from sandbox.config import ConfigError

from .behaviour import KINDS
from .crowd import Crowd
from .params import read_preset

Resolve = Callable[[str], tuple[float, float]]

_EVENT_KEYS = {"sound": {"at", "loudness", "duration", "t"}, "fire": {"at", "radius", "t"},
               "strike": {"at", "radius", "t"}}
_SPAWN_KEYS = {"kind", "count", "at", "radius", "route"}
_TOP_KEYS = {"seconds", "seed", "goal", "level", "spawn", *_EVENT_KEYS}


@dataclass(frozen=True)
class Spawn:
    kind: str
    count: int
    at: tuple[float, float]
    radius: float
    route: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Event:
    """What happens at scene time `t` s: a sound, a fire or a strike at `at` (x, y) m."""

    what: str
    t: float
    at: tuple[float, float]
    radius: float = 0.0
    loudness: float = 1.0
    duration: float = 10.0


@dataclass(frozen=True)
class Setup:
    seconds: float
    seed: int
    level: str
    goal: tuple[float, float] | None
    spawns: tuple[Spawn, ...]
    events: tuple[Event, ...] = field(default=())

    def build(self, nav, params, seed: int | None = None, dt: float = 1.0 / 30.0,
              agents: int | None = None, level: int = 0) -> Crowd:
        """The crowd at t = 0 on `nav` (level index `level`). `agents` rescales the regular
        zombies to that total (other kinds keep their counts), spread over the spawns in
        proportion; their spawn discs grow or shrink with sqrt(count) to keep the density."""
        counts = [s.count for s in self.spawns]
        radii = [s.radius for s in self.spawns]
        if agents is not None:
            reg = [k for k, s in enumerate(self.spawns) if s.kind == "regular"]
            total = sum(counts[k] for k in reg)
            if not reg or total == 0:
                raise ConfigError("--agents: this preset spawns no regular zombies to rescale")
            left = int(agents)
            for k in reg[:-1]:
                counts[k] = int(round(agents * counts[k] / total))
                left -= counts[k]
            counts[reg[-1]] = max(left, 0)
            for k in reg:
                if self.spawns[k].count:
                    radii[k] *= float(np.sqrt(counts[k] / self.spawns[k].count))
        c = Crowd(nav, params, seed=self.seed if seed is None else seed, dt=dt, level=level)
        for s, n, radius in zip(self.spawns, counts, radii):
            try:
                ids = c.spawn(n, s.at, radius, kind=s.kind)
            except ValueError as exc:
                raise ConfigError(f"setup.spawn at {s.at}: {exc}") from None
            if s.route:
                c.set_route(ids, np.asarray(s.route))
        if self.goal is not None:
            c.set_goal(self.goal)
        return c

    def apply_due(self, crowd: Crowd, done: int) -> int:
        """Apply the events (sorted by t) from index `done` whose time has come; returns the
        new count of applied events. Call before each step."""
        while done < len(self.events) and self.events[done].t <= crowd.time + 1e-9:
            e = self.events[done]
            if e.what == "sound":
                crowd.add_sound(e.at, e.loudness, e.duration)
            elif e.what == "fire":
                crowd.add_fire(e.at, e.radius)
            else:
                crowd.strike(e.at, e.radius)
            done += 1
        return done


def _number(where, key, value, lo, hi, integer=False):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and lo <= value <= hi
    if integer and ok:
        ok = int(value) == value
    if not ok:
        kind = "a whole number" if integer else "a number"
        raise ConfigError(f"{where}: {key} = {value!r} (allowed: {kind} from {lo:g} to {hi:g})")
    return int(value) if integer else float(value)


def _point(where, key, value, resolve: Resolve):
    if isinstance(value, str):
        try:
            xy = resolve(value)
        except KeyError:
            raise ConfigError(f"{where}: {key} = {value!r} is not a known anchor") from None
        return (float(xy[0]), float(xy[1]))
    if isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return (float(value[0]), float(value[1]))
    raise ConfigError(f"{where}: {key} = {value!r} (allowed: an anchor name or [x, y] metres)")


def _table(where, value, allowed):
    if not isinstance(value, dict):
        raise ConfigError(f"{where} = {value!r} (allowed: a table)")
    extra = sorted(set(value) - allowed)
    if extra:
        raise ConfigError(f"{where}: unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")
    return value


def load_setup(path: str | Path, resolve: Resolve) -> Setup:
    """The `[setup]` table of the preset at `path` (ConfigError if missing or wrong)."""
    path = Path(path)
    data = read_preset(path)
    if "setup" not in data:
        raise ConfigError(f"{path}: no [setup] table (a bake needs spawns)")
    w = f"{path} [setup]"
    st = _table(w, data["setup"], _TOP_KEYS)
    seconds = _number(w, "seconds", st.get("seconds", 10.0), 0.1, 3600.0)
    seed = _number(w, "seed", st.get("seed", 0), 0, 2**31 - 1, integer=True)
    level = st.get("level", "ground")
    if not isinstance(level, str):
        raise ConfigError(f"{w}: level = {level!r} (allowed: a level name such as 'ground')")
    goal = _point(w, "goal", st["goal"], resolve) if "goal" in st else None
    raw = st.get("spawn", [])
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{w}: spawn = {raw!r} (allowed: one or more [[setup.spawn]] tables)")
    spawns = []
    for k, s in enumerate(raw):
        ws = f"{w} spawn[{k}]"
        _table(ws, s, _SPAWN_KEYS)
        kind = s.get("kind", "regular")
        if kind not in KINDS:
            raise ConfigError(f"{ws}: kind = {kind!r} (allowed: {', '.join(KINDS)})")
        if "at" not in s:
            raise ConfigError(f"{ws}: at is missing (allowed: an anchor name or [x, y] metres)")
        route = s.get("route", [])
        if not isinstance(route, list):
            raise ConfigError(f"{ws}: route = {route!r} (allowed: a list of points)")
        spawns.append(Spawn(kind, _number(ws, "count", s.get("count", 0), 0, 1_000_000, True),
                            _point(ws, "at", s["at"], resolve),
                            _number(ws, "radius", s.get("radius", 5.0), 0.0, 1000.0),
                            tuple(_point(ws, "route", r, resolve) for r in route)))
    events = []
    for what, keys in _EVENT_KEYS.items():
        items = st.get(what, [])
        if not isinstance(items, list):
            raise ConfigError(f"{w}: {what} = {items!r} (allowed: [[setup.{what}]] tables)")
        for k, e in enumerate(items):
            we = f"{w} {what}[{k}]"
            _table(we, e, keys)
            if "at" not in e:
                raise ConfigError(f"{we}: at is missing (allowed: an anchor name or [x, y] metres)")
            events.append(Event(what, _number(we, "t", e.get("t", 0.0), 0.0, 3600.0),
                                _point(we, "at", e["at"], resolve),
                                radius=_number(we, "radius", e.get("radius", 5.0), 0.01, 1000.0),
                                loudness=_number(we, "loudness", e.get("loudness", 1.0), 0.01,
                                                 100.0),
                                duration=_number(we, "duration", e.get("duration", 10.0), 0.01,
                                                 3600.0)))
    events.sort(key=lambda e: (e.t, e.what))
    return Setup(seconds, seed, level, goal, tuple(spawns), tuple(events))
