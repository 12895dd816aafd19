"""Scene files: TOML -> validated, frozen dataclasses.

A scene names places either as coordinates `[x, y, z]` or by anchor
(`"gate"` or `{ anchor = "gate", offset = [0, -40, 20] }`); anchors are resolved
later against the world's table, which the caller passes in, so the timeline
never imports the world. Every error names the file, the key path, the bad
value and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from sandbox.config import ConfigError
from sandbox.timeline.curves import EASINGS

TIMES_OF_DAY = ("day", "dusk", "night")


@dataclass(frozen=True)
class Place:
    """A point given as coordinates, or as a named anchor plus an offset (metres)."""

    anchor: str | None = None
    offset: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def resolve(self, anchors: Mapping[str, Any]) -> np.ndarray:
        base = np.zeros(3) if self.anchor is None else np.asarray(anchors[self.anchor], float)
        return base + np.asarray(self.offset, float)


@dataclass(frozen=True)
class Key:
    """A camera keyframe, `t` seconds after its shot starts; `ease` shapes the segment after it."""

    t: float
    pos: Place
    look_at: Place
    fov: float = 50.0
    roll: float = 0.0
    ease: str = "ease_in_out"


@dataclass(frozen=True)
class Shot:
    name: str
    start: float
    keys: tuple[Key, ...]


@dataclass(frozen=True)
class Spawn:
    count: int
    at: Place
    radius: float
    kind: str = "regular"


@dataclass(frozen=True)
class CrowdSpec:
    preset: str
    params: Mapping[str, Any]
    spawns: tuple[Spawn, ...]
    goal: Place | None


@dataclass(frozen=True)
class Scene:
    path: Path
    title: str
    duration: float
    seed: int
    time_of_day: str
    crowd: CrowdSpec | None
    shots: tuple[Shot, ...] = field(default=())

    def anchor_names(self) -> set[str]:
        """Every anchor the scene refers to, for checking against the world's table."""
        places = [p for s in self.shots for k in s.keys for p in (k.pos, k.look_at)]
        if self.crowd:
            places += [s.at for s in self.crowd.spawns]
            places += [self.crowd.goal] if self.crowd.goal else []
        return {p.anchor for p in places if p.anchor is not None}


class _Table:
    """A TOML table being read: every lookup knows its key path for error messages."""

    def __init__(self, data: Mapping[str, Any], file: Path, path: str):
        self.data, self.file, self.path = data, file, path

    def error(self, key: str, message: str) -> ConfigError:
        where = f"{self.path}.{key}" if self.path else key
        return ConfigError(f"{self.file}: {where}: {message}")

    def get(self, key: str, kind, default: Any = ..., check=None, allowed: str = ""):
        if key not in self.data:
            if default is ...:
                raise self.error(key, f"missing (expected {allowed or kind.__name__})")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise self.error(key, f"{value!r} is not {allowed or 'a ' + kind.__name__}")
        if check is not None and not check(value):
            raise self.error(key, f"{value!r} is not allowed (expected {allowed})")
        return value

    def table(self, key: str, default: Any = ...) -> "_Table | None":
        value = self.get(key, dict, default, allowed="a table")
        return None if value is None else _Table(value, self.file, f"{self.path}.{key}".strip("."))

    def tables(self, key: str) -> list["_Table"]:
        items = self.get(key, list, [], allowed="an array of tables")
        out = []
        for i, item in enumerate(items):
            where = f"{self.path}.{key}[{i}]".strip(".")
            if not isinstance(item, dict):
                raise ConfigError(f"{self.file}: {where}: {item!r} is not a table")
            out.append(_Table(item, self.file, where))
        return out

    def only(self, *known: str) -> None:
        for key in self.data:
            if key not in known:
                raise self.error(key, f"unknown key (known here: {', '.join(known)})")

    def place(self, key: str, default: Any = ...) -> Place:
        value = self.get(key, (str, list, dict), default, allowed="[x, y, z], an anchor name, "
                         "or { anchor = NAME, offset = [dx, dy, dz] }")
        if isinstance(value, str):
            return Place(anchor=value)
        if isinstance(value, list):
            return Place(offset=self._vec3(key, value))
        sub = _Table(value, self.file, f"{self.path}.{key}")
        sub.only("anchor", "offset")
        offset = sub.get("offset", list, [0.0, 0.0, 0.0], allowed="[dx, dy, dz]")
        return Place(anchor=sub.get("anchor", str), offset=sub._vec3("offset", offset))

    def _vec3(self, key: str, value: list) -> tuple[float, float, float]:
        ok = len(value) == 3 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                     for v in value)
        if not ok:
            raise self.error(key, f"{value!r} is not three numbers [x, y, z] in metres")
        return tuple(float(v) for v in value)


def load_scene(path: str | Path) -> Scene:
    """Read and validate a scene file; raises ConfigError naming file, key and value."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such scene file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    top = _Table(raw, path, "")
    top.only("scene", "crowd", "shot")
    head = top.table("scene")
    head.only("title", "duration", "seed", "time_of_day")
    duration = head.get("duration", float, check=lambda v: 0 < v <= 3600,
                        allowed="seconds, more than 0 and at most 3600")
    scene = Scene(
        path=path,
        title=head.get("title", str, path.stem),
        duration=duration,
        seed=head.get("seed", int, 0, check=lambda v: 0 <= v < 2**63, allowed="an integer >= 0"),
        time_of_day=head.get("time_of_day", str, "day", check=lambda v: v in TIMES_OF_DAY,
                             allowed=" or ".join(TIMES_OF_DAY)),
        crowd=_crowd(top.table("crowd", None)),
        shots=tuple(_shot(s, duration) for s in top.tables("shot")),
    )
    if not scene.shots:
        raise ConfigError(f"{path}: shot: a scene needs at least one [[shot]]")
    starts = [s.start for s in scene.shots]
    if starts[0] != 0.0 or starts != sorted(starts):
        raise ConfigError(f"{path}: shot: starts {starts} must begin at 0 and increase")
    return scene


def _crowd(t: _Table | None) -> CrowdSpec | None:
    if t is None:
        return None
    t.only("preset", "params", "spawn", "goal")
    spawns = []
    for s in t.tables("spawn"):
        s.only("count", "at", "radius", "kind")
        spawns.append(Spawn(
            count=s.get("count", int, check=lambda v: 0 <= v <= 200_000, allowed="0 to 200000"),
            at=s.place("at"),
            radius=s.get("radius", float, 10.0, check=lambda v: 0 < v <= 500,
                         allowed="metres, more than 0 and at most 500"),
            kind=s.get("kind", str, "regular", check=lambda v: v == "regular",
                       allowed="regular (other kinds come with the full crowd model)"),
        ))
    return CrowdSpec(preset=t.get("preset", str, "hyosan_horde"), params=t.get("params", dict, {}),
                     spawns=tuple(spawns), goal=t.place("goal", None))


def _shot(t: _Table, duration: float) -> Shot:
    t.only("name", "start", "key")
    start = t.get("start", float, check=lambda v: 0 <= v < duration,
                  allowed=f"seconds from 0 to below the scene's duration {duration:g}")
    keys = []
    for k in t.tables("key"):
        k.only("t", "pos", "look_at", "fov", "roll", "ease")
        keys.append(Key(
            t=k.get("t", float, check=lambda v: v >= 0, allowed="seconds >= 0 from the shot's start"),
            pos=k.place("pos"),
            look_at=k.place("look_at"),
            fov=k.get("fov", float, 50.0, check=lambda v: 5 <= v <= 150, allowed="5 to 150 degrees"),
            roll=k.get("roll", float, 0.0, check=lambda v: -180 <= v <= 180,
                       allowed="-180 to 180 degrees"),
            ease=k.get("ease", str, "ease_in_out", check=lambda v: v in EASINGS,
                       allowed=", ".join(EASINGS)),
        ))
    if not keys:
        raise t.error("key", "a shot needs at least one [[shot.key]]")
    times = [k.t for k in keys]
    if any(b <= a for a, b in zip(times, times[1:])):
        raise t.error("key", f"key times {times} must strictly increase")
    return Shot(name=t.get("name", str, f"shot at {start:g}s"), start=start, keys=tuple(keys))
