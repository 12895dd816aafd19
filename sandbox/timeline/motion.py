"""Scripted motion: straight-line paths at a speed (with hovers), and character actions.

Everything is a closed-form function of elapsed time, so an actor's pose at t is
computed directly, never by stepping. Positions (3,) float64 metres, headings
radians counter-clockwise from +X.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sandbox.config import Param

GRAVITY = Param("gravity", 9.81, 1, 30, "m/s^2", "pull on jumping and falling characters")
TURN_TIME = Param("turn_time", 0.6, 0.05, 5, "s", "how long a character takes to turn to look")


def wrap(a: float) -> float:
    """Angle in (-pi, pi]."""
    return math.atan2(math.sin(a), math.cos(a))


class Route:
    """Points (k, 3) joined by straight legs flown at `speed` m/s, holding `waits[i]` seconds
    at point i. `at(s)` gives (pos, heading, moving) `s` seconds after leaving point 0;
    while holding, the heading turns from the incoming leg to the outgoing one."""

    def __init__(self, points, speed: float, waits=None, heading: float | None = None):
        self.p = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        k = len(self.p)
        self.waits = np.zeros(k) if waits is None else np.asarray(waits, np.float64)
        legs = np.diff(self.p, axis=0)
        self.lengths = np.linalg.norm(legs, axis=1)
        self.dirs = [math.atan2(d[1], d[0]) if n > 1e-9 else None
                     for d, n in zip(legs, self.lengths)]
        h0 = heading if heading is not None else next((d for d in self.dirs if d is not None), 0.0)
        self.headings = []                  # heading while on leg i (kept over still legs)
        for d in self.dirs:
            h0 = d if d is not None else h0
            self.headings.append(h0)
        self.start_heading = heading if heading is not None else (self.headings or [h0])[0]
        # timeline: hold at point 0, leg 0, hold at point 1, leg 1, ...
        spans = []
        for i in range(k):
            spans.append(self.waits[i])
            if i < k - 1:
                spans.append(self.lengths[i] / speed)
        self.bounds = np.concatenate([[0.0], np.cumsum(spans)])
        self.duration = float(self.bounds[-1])

    def at(self, s: float) -> tuple[np.ndarray, float, bool]:
        s = min(max(s, 0.0), self.duration)
        j = min(int(np.searchsorted(self.bounds, s, side="right")) - 1, len(self.bounds) - 2)
        j = max(j, 0)
        span = self.bounds[j + 1] - self.bounds[j]
        u = 1.0 if span <= 0 else (s - self.bounds[j]) / span
        i = j // 2
        if j % 2 == 0:   # holding at point i: turn from the incoming to the outgoing heading
            before = self.headings[i - 1] if i > 0 else self.start_heading
            after = self.headings[i] if i < len(self.headings) else before
            u = u * u * (3 - 2 * u)
            return self.p[i].copy(), before + wrap(after - before) * u, False
        pos = self.p[i] + (self.p[i + 1] - self.p[i]) * u
        return pos, self.headings[i], s < self.duration


@dataclass(frozen=True)
class Pose:
    pos: np.ndarray
    heading: float
    action: str
    phase: float


def _face(start: float, target: float, elapsed: float) -> float:
    u = min(max(elapsed / TURN_TIME.default, 0.0), 1.0)
    return start + wrap(target - start) * (u * u * (3 - 2 * u))


def _toward(pos: np.ndarray, target: np.ndarray, fallback: float) -> float:
    d = target[:2] - pos[:2]
    return math.atan2(d[1], d[0]) if np.hypot(*d) > 1e-6 else fallback


def act(do: str, args: dict, resolved: dict, start: Pose, elapsed: float) -> Pose:
    """The pose `elapsed` s into action `do` begun at pose `start`. `resolved` holds the
    action's places as world points: "points" (k, 3) for walk/run, "at"/"toward" (3,)."""
    p0, h0 = start.pos, start.heading
    if do in ("walk", "run"):
        route = Route(np.vstack([p0, resolved["points"]]), args["speed"], heading=h0)
        pos, heading, moving = route.at(elapsed)
        if moving or elapsed < route.duration:
            return Pose(pos, heading, do, elapsed)
        return Pose(pos, heading, "stand", elapsed - route.duration)
    if do in ("stand", "sit"):
        h = h0 if args["heading"] is None else _face(h0, math.radians(args["heading"]), elapsed)
        return Pose(p0.copy(), h, do, elapsed)
    if do in ("look", "look_down"):
        at = resolved.get("at")
        h = h0 if at is None else _face(h0, _toward(p0, at, h0), elapsed)
        return Pose(p0.copy(), h, "stand" if do == "look" else do, elapsed)
    g = GRAVITY.default
    if do == "jump":
        h = _toward(p0, resolved["toward"], h0)
        vz, drop = args["up"], p0[2] - args["land_height"]
        s_land = (vz + math.sqrt(vz * vz + 2 * g * drop)) / g
        s = min(elapsed, s_land)
        pos = p0 + np.array([math.cos(h), math.sin(h), 0.0]) * args["speed"] * s
        pos[2] = p0[2] + vz * s - 0.5 * g * s * s if s < s_land else args["land_height"]
        action = "jump" if vz - g * s > 0 else "fall" if elapsed < s_land else "stand"
        return Pose(pos, h, action, elapsed)
    if do == "fall":
        drop = max(p0[2] - args["land_height"], 0.0)
        pos = p0.copy()
        pos[2] = max(p0[2] - 0.5 * g * elapsed * elapsed, args["land_height"]) if drop else p0[2]
        return Pose(pos, h0, "fall", elapsed)
    raise AssertionError(do)
