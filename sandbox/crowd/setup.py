"""A preset's `[setup]` table: what to spawn where and which events happen when, for bakes.

    [setup]
    seconds = 20.0            # default bake length
    seed = 7
    level = "ground"          # or several joined by stairs: ["floor4", "roof"]
    goal = "school_entrance"  # a point (optional)
    [[setup.spawn]]           # kind: regular | immune | immortal | human
    kind = "regular"
    count = 2000
    at = "gate"
    radius = 15.0
    route = ["lobby", [0.0, 30.0]]   # optional waypoints, on the spawn's level
    [[setup.sound]]           # at, loudness, duration (s), t (s)
    [[setup.fire]]            # at, radius (m), t
    [[setup.strike]]          # at, radius (m), t
    [[setup.barricade]]       # cells along line [[x, y], [x, y]] m on `level` are blocked
    line = [[-35.05, 48.9], [-35.05, 50.5]]
    level = "roof"

A point is an anchor name (on one of the preset's levels), [x, y] metres on the
preset's only level, or { at = [x, y], level = "roof" } (needed when there are several).
The first level is the main one (density is measured there). Anchors are resolved by
a callable handed in (the CLI passes the world's anchors and the level each stands on),
so this package never imports the world. Every mistake is a ConfigError naming the
file, the key, the value and what is allowed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Sequence

import numpy as np

from sandbox.config import ConfigError, ParamSet

from .behaviour import KINDS
from .crowd import Crowd
from .params import read_preset

# anchor name -> (x, y, name of the level it stands on, or None); KeyError if unknown
Resolve = Callable[[str], tuple[float, float, "str | None"]]
XY = tuple[float, float]

_EVENT_KEYS = {"sound": {"at", "loudness", "duration", "t"}, "fire": {"at", "radius", "t"},
               "strike": {"at", "radius", "t"}}
_SPAWN_KEYS = {"kind", "count", "at", "radius", "route"}
_TOP_KEYS = {"seconds", "seed", "goal", "level", "spawn", "barricade", *_EVENT_KEYS}


@dataclass(frozen=True)
class Spawn:
    """`count` agents of `kind` within `radius` m of `at` (x, y) m on level `level`."""

    kind: str
    count: int
    at: XY
    radius: float
    route: tuple[XY, ...] = ()
    level: str = ""


@dataclass(frozen=True)
class Event:
    """What happens at scene time `t` s: a sound, a fire or a strike at `at` (x, y) m on
    level `level`."""

    what: str
    t: float
    at: XY
    radius: float = 0.0
    loudness: float = 1.0
    duration: float = 10.0
    level: str = ""


@dataclass(frozen=True)
class Barricade:
    """Cells crossed by the segment a -> b ((x, y) m each) on `level` are blocked."""

    a: XY
    b: XY
    level: str


def crowd_on(walkmap, names: Sequence[str], params: ParamSet | None = None, seed: int = 0,
             dt: float = 1.0 / 30.0) -> Crowd:
    """An empty crowd on level(s) `names` of `walkmap` (`levels`: name -> level in the
    world's order; `links`: stairs with a, a_xy, b, b_xy). One name: a one-level Crowd whose
    level index is that level's place in the world; several: `Crowd.multi` over them in
    the order given (agent level i = names[i]), joined by the stairs between them."""
    order = list(walkmap.levels)
    if len(names) == 1:
        return Crowd(walkmap.levels[names[0]], params, seed=seed, dt=dt,
                     level=order.index(names[0]))
    links = [(k.a, k.a_xy, k.b, k.b_xy) for k in walkmap.links
             if k.a in names and k.b in names]
    joined, todo = {names[0]}, [names[0]]
    while todo:
        here = todo.pop()
        for a, _, b, _ in links:
            for x, y in ((a, b), (b, a)):
                if x == here and y not in joined:
                    joined.add(y)
                    todo.append(y)
    apart = [n for n in names if n not in joined]
    if apart:
        raise ConfigError(f"level = {list(names)!r}: no stairs join {apart[0]!r} to "
                          f"{names[0]!r} (allowed: levels joined by stairs, e.g. "
                          "['floor4', 'roof'])")
    return Crowd.multi({n: walkmap.levels[n] for n in names}, links, params, seed=seed, dt=dt)


@dataclass(frozen=True)
class Setup:
    """levels: the preset's level names, the main one first; goal_level, Spawn.level and
    Event.level name one of them."""

    seconds: float
    seed: int
    levels: tuple[str, ...]
    goal: XY | None
    spawns: tuple[Spawn, ...]
    events: tuple[Event, ...] = field(default=())
    goal_level: str = ""
    barricades: tuple[Barricade, ...] = ()

    @property
    def level(self) -> str:
        """The main level (density and plots are drawn over it)."""
        return self.levels[0]

    def walkmap(self, walkmap):
        """`walkmap` with this setup's levels only, barricades blocked (copies; the
        world's grids are left as they were)."""
        levels = {}
        for name in self.levels:
            lv = walkmap.levels[name]
            cuts = [b for b in self.barricades if b.level == name]
            if cuts:
                walk = np.array(lv.walkable, bool)
                for b in cuts:
                    a, d = np.array(b.a), np.subtract(b.b, b.a)
                    k = int(np.ceil(4.0 * np.hypot(*d) / lv.cell)) + 1
                    pts = a + np.linspace(0.0, 1.0, k)[:, None] * d
                    c = np.floor((pts - lv.origin) / lv.cell).astype(np.int64)
                    ny, nx = walk.shape
                    ok = (c[:, 0] >= 0) & (c[:, 0] < nx) & (c[:, 1] >= 0) & (c[:, 1] < ny)
                    walk[c[ok, 1], c[ok, 0]] = False
                lv = dataclasses.replace(lv, walkable=walk)
            levels[name] = lv
        everything = {n: levels.get(n, lv) for n, lv in walkmap.levels.items()}
        return SimpleNamespace(levels=everything, links=list(walkmap.links))

    def build(self, walkmap, params, seed: int | None = None, dt: float = 1.0 / 30.0,
              agents: int | None = None) -> Crowd:
        """The crowd at t = 0 on this setup's levels of `walkmap` (see `crowd_on`),
        barricades blocked. `agents` rescales the regular zombies to that total (other
        kinds keep their counts), spread over the spawns in proportion; their spawn discs
        grow or shrink with sqrt(count) to keep the density."""
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
        c = crowd_on(self.walkmap(walkmap), self.levels, params,
                     seed=self.seed if seed is None else seed, dt=dt)
        on = self._on(c)
        for s, n, radius in zip(self.spawns, counts, radii):
            try:
                ids = c.spawn(n, s.at, radius, kind=s.kind, level=on(s.level))
            except ValueError as exc:
                raise ConfigError(f"setup.spawn at {s.at} on {s.level!r}: {exc}") from None
            if s.route:
                c.set_route(ids, np.asarray(s.route), level=on(s.level))
        if self.goal is not None:
            c.set_goal(self.goal, level=on(self.goal_level))
        return c

    @staticmethod
    def _on(crowd: Crowd):
        """The `level` argument for `crowd`'s calls: None on a one-level crowd."""
        return (lambda name: None) if crowd.stack is None else (lambda name: name)

    def apply_due(self, crowd: Crowd, done: int) -> int:
        """Apply the events (sorted by t) from index `done` whose time has come; returns the
        new count of applied events. Call before each step."""
        on = self._on(crowd)
        while done < len(self.events) and self.events[done].t <= crowd.time + 1e-9:
            e = self.events[done]
            if e.what == "sound":
                crowd.add_sound(e.at, e.loudness, e.duration, level=on(e.level))
            elif e.what == "fire":
                crowd.add_fire(e.at, e.radius, level=on(e.level))
            else:
                crowd.strike(e.at, e.radius, level=on(e.level))
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


def _xy(value) -> XY | None:
    if isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return (float(value[0]), float(value[1]))
    return None


class _Points:
    """Reads points of one preset: anchors on its levels, [x, y] on its only level, or
    { at = [x, y], level = NAME }."""

    def __init__(self, where: str, levels: tuple[str, ...], resolve: Resolve):
        self.where, self.levels, self.resolve = where, levels, resolve
        if len(levels) == 1:
            self.allowed = f"an anchor on {levels[0]}, [x, y] metres or {{ at = [x, y], level = ... }}"
        else:
            self.allowed = (f"an anchor on {' or '.join(levels)}, or {{ at = [x, y], "
                            f"level = one of {', '.join(levels)} }}")

    def __call__(self, where: str, key: str, value) -> tuple[XY, str]:
        """((x, y) m, level name) of point `value` at `key`."""
        if isinstance(value, str):
            try:
                x, y, level = self.resolve(value)
            except KeyError:
                raise ConfigError(f"{where}: {key} = {value!r} is not a known anchor "
                                  f"(allowed: {self.allowed})") from None
            if level not in self.levels:
                on = "no walkable level" if level is None else f"level {level!r}"
                raise ConfigError(f"{where}: {key} = {value!r} stands on {on} "
                                  f"(allowed: {self.allowed})")
            return (float(x), float(y)), level
        xy = _xy(value)
        if xy is not None and len(self.levels) == 1:
            return xy, self.levels[0]
        if isinstance(value, dict) and set(value) == {"at", "level"} and _xy(value["at"]):
            if value["level"] not in self.levels:
                raise ConfigError(f"{where}: {key}.level = {value['level']!r} is not a level "
                                  f"of this preset (allowed: {', '.join(self.levels)})")
            return _xy(value["at"]), value["level"]
        raise ConfigError(f"{where}: {key} = {value!r} (allowed: {self.allowed})")


def _table(where, value, allowed):
    if not isinstance(value, dict):
        raise ConfigError(f"{where} = {value!r} (allowed: a table)")
    extra = sorted(set(value) - allowed)
    if extra:
        raise ConfigError(f"{where}: unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")
    return value


def _levels(where: str, value, known: Sequence[str] | None) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    shown = f"one of {', '.join(known)}" if known else "a level name such as 'ground'"
    if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)
            and len(set(names)) == len(names)):
        raise ConfigError(f"{where}: level = {value!r} (allowed: {shown}, or a list of "
                          "different ones joined by stairs, the main level first)")
    for n in names:
        if known is not None and n not in known:
            raise ConfigError(f"{where}: level = {value!r}: {n!r} is not a level "
                              f"(allowed: {shown})")
    return tuple(names)


def load_setup(path: str | Path, resolve: Resolve,
               known_levels: Sequence[str] | None = None) -> Setup:
    """The `[setup]` table of the preset at `path` (ConfigError if missing or wrong).
    known_levels: the world's level names, to check `level` against (None: any)."""
    path = Path(path)
    data = read_preset(path)
    if "setup" not in data:
        raise ConfigError(f"{path}: no [setup] table (a bake needs spawns)")
    w = f"{path} [setup]"
    st = _table(w, data["setup"], _TOP_KEYS)
    seconds = _number(w, "seconds", st.get("seconds", 10.0), 0.1, 3600.0)
    seed = _number(w, "seed", st.get("seed", 0), 0, 2**31 - 1, integer=True)
    levels = _levels(w, st.get("level", "ground"), known_levels)
    point = _Points(w, levels, resolve)
    goal, goal_level = point(w, "goal", st["goal"]) if "goal" in st else (None, "")
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
            raise ConfigError(f"{ws}: at is missing (allowed: {point.allowed})")
        at, level = point(ws, "at", s["at"])
        route = s.get("route", [])
        if not isinstance(route, list):
            raise ConfigError(f"{ws}: route = {route!r} (allowed: a list of points)")
        waypoints = []
        for r in route:
            xy, on = point(ws, "route", r)
            if on != level:
                raise ConfigError(f"{ws}: route point {r!r} is on {on!r} (allowed: points on "
                                  f"the spawn's level, {level!r}; stairs are taken by goals "
                                  "and sounds)")
            waypoints.append(xy)
        spawns.append(Spawn(kind, _number(ws, "count", s.get("count", 0), 0, 1_000_000, True),
                            at, _number(ws, "radius", s.get("radius", 5.0), 0.0, 1000.0),
                            tuple(waypoints), level))
    events = []
    for what, keys in _EVENT_KEYS.items():
        items = st.get(what, [])
        if not isinstance(items, list):
            raise ConfigError(f"{w}: {what} = {items!r} (allowed: [[setup.{what}]] tables)")
        for k, e in enumerate(items):
            we = f"{w} {what}[{k}]"
            _table(we, e, keys)
            if "at" not in e:
                raise ConfigError(f"{we}: at is missing (allowed: {point.allowed})")
            at, level = point(we, "at", e["at"])
            events.append(Event(what, _number(we, "t", e.get("t", 0.0), 0.0, 3600.0), at,
                                radius=_number(we, "radius", e.get("radius", 5.0), 0.01, 1000.0),
                                loudness=_number(we, "loudness", e.get("loudness", 1.0), 0.01,
                                                 100.0),
                                duration=_number(we, "duration", e.get("duration", 10.0), 0.01,
                                                 3600.0), level=level))
    events.sort(key=lambda e: (e.t, e.what))
    return Setup(seconds, seed, levels, goal, tuple(spawns), tuple(events), goal_level,
                 _barricades(w, st.get("barricade", []), levels))


def _barricades(w: str, items, levels: tuple[str, ...]) -> tuple[Barricade, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{w}: barricade = {items!r} (allowed: [[setup.barricade]] tables)")
    out = []
    for k, b in enumerate(items):
        wb = f"{w} barricade[{k}]"
        _table(wb, b, {"line", "level"})
        level = b.get("level", levels[0])
        if level not in levels:
            raise ConfigError(f"{wb}: level = {level!r} is not a level of this preset "
                              f"(allowed: {', '.join(levels)})")
        line = b.get("line")
        ends = [_xy(p) for p in line] if isinstance(line, list) and len(line) == 2 else [None]
        if None in ends:
            raise ConfigError(f"{wb}: line = {line!r} (allowed: [[x, y], [x, y]] metres)")
        out.append(Barricade(ends[0], ends[1], level))
    return tuple(out)
