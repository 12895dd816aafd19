"""What the story puts on screen at one instant, as plain frozen data.

`Sequence.evaluate(t)` fills a `SceneState` from the scene's events; the view draws
it (effects, actors, captions, lighting) and the director hands the crowd-facing
parts (sounds, strikes, fires) to the crowd. Everything is a pure function of `t`.
Positions are (3,) float64 world metres (X east, Y north, Z up); headings radians
counter-clockwise from +X; times seconds of scene time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

WEATHERS = ("clear", "smoke", "snow")
ACTOR_KINDS = ("student", "immune", "soldier", "helicopter", "jet", "drone")


@dataclass(frozen=True)
class Strike:
    """A bomb or missile impact: fireball, shockwave, smoke column, debris, flash.

    `yield_` is relative size: 1.0 is a 500 lb bomb (fireball about 15 m across)."""

    pos: np.ndarray
    t0: float
    yield_: float = 1.0
    seed: int = 0
    kind: str = "bomb"   # "bomb" (falls, fireball on the ground) or "missile" (streak, then blast)

    def age(self, t: float) -> float:
        return t - self.t0


@dataclass(frozen=True)
class Fire:
    """A fire burning at `pos` with `radius` metres; `intensity` 0..1 already includes
    its ignition ramp, spread and extinguishing at the evaluated time."""

    pos: np.ndarray
    radius: float
    intensity: float
    seed: int = 0


@dataclass(frozen=True)
class Sound:
    """A sound lure (drone, loudspeaker, flare): heard by zombies within a range that
    grows with `loudness` (0..1), from `t0` for `duration` seconds."""

    pos: np.ndarray
    t0: float
    duration: float
    loudness: float = 1.0


@dataclass(frozen=True)
class Actor:
    """A character or vehicle placed at the evaluated time.

    kind: one of ACTOR_KINDS; name: e.g. "onjo", "namra", "heli"; action: what the
    pose shows ("stand", "walk", "run", "jump", "fall", "look_down", "sit", "hover",
    "fly"); phase: seconds since the action began (drives gait cycles and jump arcs)."""

    name: str
    kind: str
    pos: np.ndarray
    heading: float
    action: str = "stand"
    phase: float = 0.0


@dataclass(frozen=True)
class Caption:
    speaker: str
    text: str
    alpha: float = 1.0   # 0..1, fades in and out


@dataclass(frozen=True)
class SceneState:
    time_of_day: str = "day"                 # the nearer end of light_blend
    light_blend: tuple[str, str, float] = ("day", "day", 0.0)  # (from, to, f 0..1) lighting change
    weather: str = "clear"
    burnt: float = 0.0                       # 0 intact .. 1 fully scorched
    strikes: tuple[Strike, ...] = field(default=())
    fires: tuple[Fire, ...] = field(default=())
    sounds: tuple[Sound, ...] = field(default=())
    actors: tuple[Actor, ...] = field(default=())
    captions: tuple[Caption, ...] = field(default=())
    shake: np.ndarray = field(default_factory=lambda: np.zeros(3))  # camera offset, metres


@dataclass(frozen=True)
class CrowdEvent:
    """A moment the crowd must react to once: kind "sound" (item: Sound), "strike"
    (Strike), "fire" (Fire at ignition) or "fire_out" (Fire with the radius it reached)."""

    t: float
    kind: str
    item: Sound | Strike | Fire
