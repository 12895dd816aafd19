"""A scene on its timeline: `Sequence.evaluate(t)` gives the camera and the story state at t.

Pure and seekable: the result depends only on `t` (and the scene and anchors),
so frames can be evaluated in any order (scrubbing, parallel rendering) and give
the same camera, actors, captions, effects and shake. Crowd-facing moments come
from `crowd_events(t0, t1)` over half-open intervals, so a director stepping
through consecutive intervals hands each to the crowd exactly once.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np

from sandbox.config import ConfigError, Param
from sandbox.rng import stream
from sandbox.timeline.curves import sample_path
from sandbox.timeline.motion import Pose, Route, act
from sandbox.timeline.scene import Event, Scene, Shot, is_character, check_scene
from sandbox.timeline.schema import Place
from sandbox.timeline.state import (Actor, Caption, CrowdEvent, Fire, SceneState, Sound,
                                    Strike)

STRIKE_LIFETIME = Param("strike_lifetime", 30.0, 1, 300, "s", "how long a strike stays in "
                        "the state (smoke, debris) after impact")
STRIKE_SHAKE = Param("strike_shake", 0.25, 0, 5, "m", "camera jolt of a yield-1 strike at 0 m")
SHAKE_FALLOFF = Param("shake_falloff", 60.0, 1, 2000, "m", "distance at which a strike's "
                      "jolt has halved")
SHAKE_DECAY = Param("shake_decay", 0.5, 0.05, 5, "s", "e-folding time of a strike's jolt")
SHOCK_SPEED = Param("shock_speed", 340.0, 50, 2000, "m/s", "the jolt arrives after d / speed")
AIM_LEVER = Param("aim_lever", 3.0, 0.2, 50, "m", "shake swings the aim as if the camera "
                  "were held this far behind its pivot")
ROLL_PER_METRE = Param("roll_per_metre", 25.0, 0, 200, "deg/m", "roll added per metre of shake")
FIRE_RAMP = Param("fire_ramp", 3.0, 0.1, 60, "s", "time a fire takes to reach full intensity")
FIRE_FADE = Param("fire_fade", 5.0, 0.1, 120, "s", "time a fire takes to die after `out`")
HEAD_HEIGHT = Param("head_height", 1.5, 0.5, 3, "m", "a character's aim point above its feet")


@dataclass(frozen=True)
class CameraPose:
    pos: np.ndarray       # (3,) float64, metres, shake included
    look_at: np.ndarray   # (3,) float64, metres, shake included
    fov: float            # vertical field of view, degrees
    roll: float           # degrees about the view axis, as Stage.set_camera takes it
    look_target: str | None = None     # "horde:centroid" / "horde:front" / "agent:ID": the
    follow_target: str | None = None   # director places these with `resolve`
    follow_offset: np.ndarray = field(default_factory=lambda: np.zeros(3))
    shake: np.ndarray = field(default_factory=lambda: np.zeros(3))   # (3,) metres, in pos

    def resolve(self, look: np.ndarray | None = None, follow: np.ndarray | None = None):
        """The pose with the crowd targets placed: `follow`/`look` (3,) world points of
        `follow_target`/`look_target`; the shake is applied to them as to any target."""
        pos = self.pos if follow is None else np.asarray(follow, float) + self.follow_offset \
            + self.shake
        look_at = self.look_at if look is None else _aimed(pos - self.shake, look, self.shake)
        return replace(self, pos=pos, look_at=look_at)


def _aimed(pos: np.ndarray, look: np.ndarray, shake: np.ndarray) -> np.ndarray:
    """Aim point moved by the shake, scaled so the view swings by about |shake| / AIM_LEVER rad."""
    look = np.asarray(look, float)
    return look + shake * (1.0 + float(np.linalg.norm(look - pos)) / AIM_LEVER.default)


@dataclass(frozen=True)
class FrameSpec:
    """What the timeline says about scene time `t`."""

    t: float
    shot: str
    camera: CameraPose
    state: SceneState = field(default_factory=SceneState)


def _wobble(rng: np.random.Generator, base_hz: float, channels: int):
    """Seeded sum-of-sines noise: (channels, 3) frequencies Hz, phases rad, weights."""
    freqs = base_hz * np.array([1.0, 2.13, 3.71]) * rng.uniform(0.8, 1.25, (channels, 3))
    phases = rng.uniform(0, 2 * np.pi, (channels, 3))
    weights = np.array([1.0, 0.5, 0.25]) / math.sqrt(0.5 * (1 + 0.25 + 0.0625))  # RMS 1
    return freqs, phases, weights


def _noise(wobble, t: float) -> np.ndarray:
    """(channels,) values of the noise at time t: x, y, z in units of the amplitude, then roll."""
    freqs, phases, weights = wobble
    return (np.sin(2 * np.pi * freqs * t + phases) * weights).sum(axis=1)


class _ShotPath:
    """A shot's keyframes resolved to world coordinates, ready to sample."""

    def __init__(self, shot: Shot, anchors: Mapping[str, Any]):
        self.shot = shot
        self.times = np.array([k.t for k in shot.keys])
        has = lambda f: all(getattr(k, f) is not None for k in shot.keys)
        self.pos = np.array([k.pos.resolve(anchors) for k in shot.keys]) if has("pos") else None
        self.look = (np.array([k.look_at.resolve(anchors) for k in shot.keys])
                     if has("look_at") else None)
        self.lens = np.array([[k.fov, k.roll] for k in shot.keys])
        self.eases = [k.ease for k in shot.keys]
        self.wobble = (_wobble(stream(shot.seed, "timeline.handheld"), shot.shake.frequency, 4)
                       if shot.shake else None)

    def handheld(self, local_t: float) -> np.ndarray:
        """(4,) x, y, z metres and roll degrees of the shot's handheld shake."""
        if self.wobble is None:
            return np.zeros(4)
        n = _noise(self.wobble, local_t) * self.shot.shake.amplitude
        n[3] *= ROLL_PER_METRE.default
        return n


class Sequence:
    """A validated scene bound to the world's anchors."""

    def __init__(self, scene: Scene, anchors: Mapping[str, Any]):
        check_scene(scene, anchors)
        self.scene = scene
        self.duration = scene.duration
        self.anchors = anchors
        self._paths = [_ShotPath(s, anchors) for s in scene.shots]
        self._starts = [s.start for s in scene.shots]
        self._events = sorted(scene.events, key=lambda e: e.t)
        self._cast = {(c.segment, c.name): c for c in scene.characters}
        self._actions = self._script()
        self._routes = {id(e): self._route(e) for e in scene.events
                        if e.type in ("drone", "helicopter", "jet")}
        self._names = {id(e): f"{e.type}{i}" for i, e in enumerate(scene.events)}

    def _at(self, place: Place) -> np.ndarray:
        return place.resolve(self.anchors)

    def _resolved(self, e: Event) -> dict:
        out = {}
        for k, v in e.args.items():
            if isinstance(v, Place):
                out[k] = self._at(v)
            elif isinstance(v, tuple) and v and isinstance(v[0], Place):
                out[k] = np.array([self._at(p) for p in v])
        if e.type == "action" and e.args["do"] in ("walk", "run"):
            out["points"] = out["path"] if "path" in out else out["to"][None, :]
        return out

    def _script(self) -> dict:
        """Per character: [(t, event, resolved places, pose at t)], the poses chained
        once here so evaluate(t) only finishes the action running at t."""
        script = {}
        for key, c in self._cast.items():
            script[key] = [(-math.inf, None, {}, Pose(self._at(c.start), c.heading, "stand", 0.0))]
        for e in self._events:
            if e.type != "action":
                continue
            steps = script[(e.segment, e.args["character"])]
            t_prev, e_prev, r_prev, pose_prev = steps[-1]
            start = pose_prev if e_prev is None else act(e_prev.args["do"], e_prev.args, r_prev,
                                                        pose_prev, e.t - t_prev)
            start = Pose(start.pos, start.heading, start.action, 0.0)
            resolved = self._resolved(e)
            if e.args["do"] == "jump" and e.args["land_height"] >= start.pos[2]:
                raise ConfigError(f"{e.where}.land_height: {e.args['land_height']!r} is not "
                                  f"below the take-off height {start.pos[2]:.2f} m (a jump "
                                  f"ends below where it starts)")
            steps.append((e.t, e, resolved, start))
        return script

    def _route(self, e: Event) -> Route:
        pts = self._resolved(e)["path"]
        if e.type == "drone":
            length = float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum())
            speed = e.args["speed"] or max(length / e.args["duration"], 1e-6)
            return Route(pts, speed)
        return Route(pts, e.args["speed"], e.args["waits"])

    def shot_at(self, t: float) -> _ShotPath:
        return self._paths[max(bisect.bisect_right(self._starts, t) - 1, 0)]

    # --- the state at t -------------------------------------------------------------

    def _actor(self, key, t: float) -> Actor:
        steps = self._actions[key]
        i = max(j for j, s in enumerate(steps) if s[0] <= t)
        t0, e, resolved, start = steps[i]
        pose = start if e is None else act(e.args["do"], e.args, resolved, start, t - t0)
        c = self._cast[key]
        return Actor(c.name, c.kind, pose.pos, pose.heading, pose.action, pose.phase)

    def _fire(self, e: Event, t: float) -> Fire | None:
        age = t - e.t
        if age < 0:
            return None
        a = e.args
        radius = min(a["radius"] + a["spread"] * age, a["max_radius"] or a["radius"])
        u = min(age / FIRE_RAMP.default, 1.0)
        level = u * u * (3 - 2 * u)
        if a["out"] is not None and t >= a["out"]:
            v = min((t - a["out"]) / FIRE_FADE.default, 1.0)
            level *= 1.0 - v * v * (3 - 2 * v)
        if level <= 0:
            return None
        return Fire(self._at(a["at"]), radius, level, e.seed)

    def _segment(self, t: float) -> int:
        starts = [g.start for g in self.scene.segments]
        return max(bisect.bisect_right(starts, t) - 1, 0)

    def _state(self, t: float, seg_index: int) -> SceneState:
        """The story at scene time `t` in segment `seg_index`, without the camera shake."""
        seg = self.scene.segments[seg_index]
        events = [e for e in self._events if e.segment == seg_index and e.t <= t]
        light = (seg.time_of_day, seg.time_of_day, 0.0)
        strikes, fires, sounds, actors, captions = [], [], [], [], []
        for e in events:
            a, age = e.args, t - e.t
            if e.type == "lighting":
                f = 1.0 if a["duration"] == 0 else min(age / a["duration"], 1.0)
                light = (light[1] if light[2] >= 1.0 else light[0], a["to"], f)
            elif e.type == "strike" and age < STRIKE_LIFETIME.default:
                strikes.append(Strike(self._at(a["at"]), e.t, a["yield"], e.seed, a["kind"]))
            elif e.type == "fire":
                fire = self._fire(e, t)
                if fire is not None:
                    fires.append(fire)
            elif e.type == "sound" and age < a["duration"]:
                sounds.append(Sound(self._at(a["at"]), e.t, a["duration"], a["loudness"]))
            elif e.type == "caption" and age < a["duration"]:
                fade = max(a["fade"], 1e-9)
                alpha = min(1.0, age / fade, (a["duration"] - age) / fade)
                captions.append(Caption(a["speaker"], a["text"], float(alpha)))
            elif e.type in ("drone", "helicopter", "jet"):
                route = self._routes[id(e)]
                if age < route.duration:
                    pos, heading, moving = route.at(age)
                    action = "fly" if moving or e.type != "helicopter" else "hover"
                    actors.append(Actor(self._names[id(e)], e.type, pos, heading, action, age))
                    if e.type == "drone":
                        sounds.append(Sound(pos, e.t, route.duration, a["loudness"]))
        actors = [self._actor(k, t) for k in self._cast if k[0] == seg_index] + actors
        return SceneState(
            time_of_day=light[0] if light[2] < 0.5 else light[1], light_blend=light,
            weather=seg.weather, burnt=seg.burnt, strikes=tuple(strikes), fires=tuple(fires),
            sounds=tuple(sounds), actors=tuple(actors), captions=tuple(captions))

    def _jolt(self, strike: Strike, camera: np.ndarray, t: float) -> np.ndarray:
        """(4,) x, y, z metres and roll degrees `strike` shakes a camera at `camera` at time t:
        arrives at d / SHOCK_SPEED, falls off with distance, decays exponentially."""
        d = float(np.linalg.norm(camera - strike.pos))
        felt = strike.age(t) - d / SHOCK_SPEED.default
        if felt < 0 or felt > 8 * SHAKE_DECAY.default:
            return np.zeros(4)
        amp = STRIKE_SHAKE.default * strike.yield_ / (1 + (d / SHAKE_FALLOFF.default) ** 2)
        wobble = _wobble(stream(strike.seed, "timeline.strike_shake"), 9.0, 4)
        n = _noise(wobble, felt) * amp * math.exp(-felt / SHAKE_DECAY.default)
        n[3] *= ROLL_PER_METRE.default
        return n

    # --- the camera -------------------------------------------------------------------

    def evaluate(self, t: float) -> FrameSpec:
        path = self.shot_at(t)
        shot, local = path.shot, t - path.shot.start
        fov, roll = sample_path(path.times, path.lens, local, path.eases)
        pos = sample_path(path.times, path.pos, local, path.eases) if path.pos is not None \
            else None
        look = sample_path(path.times, path.look, local, path.eases) if path.look is not None \
            else None
        seg = self._segment(t)
        actors = {}
        for role in (shot.follow_target, shot.look_target):
            if role is not None and is_character(role):
                actors[role] = self._actor((seg, role), t)
        offset = np.asarray(shot.follow_offset, float)
        if shot.follow_target in actors:
            pos = actors[shot.follow_target].pos + offset
        if shot.look_target in actors:
            look = actors[shot.look_target].pos + np.array([0.0, 0.0, HEAD_HEIGHT.default])
        state = self._state(t, seg)
        shake = path.handheld(local)
        for strike in state.strikes:
            shake = shake + self._jolt(strike, pos, t)
        state = replace(state, shake=shake[:3].copy())
        camera = CameraPose(
            pos=pos + shake[:3], look_at=_aimed(pos, look, shake[:3]), fov=float(fov),
            roll=float(roll + shake[3]),
            look_target=shot.look_target if shot.look_target not in actors else None,
            follow_target=shot.follow_target if shot.follow_target not in actors else None,
            follow_offset=offset, shake=shake[:3].copy())
        return FrameSpec(t=t, shot=shot.name, camera=camera, state=state)

    def crowd_events(self, t0: float, t1: float) -> tuple[CrowdEvent, ...]:
        """Crowd-facing moments with t0 <= t < t1, in time order: sound and drone starts,
        strikes, fire ignitions and extinguishings."""
        out = []
        for e in self._events:
            a = e.args
            if e.type == "sound":
                out.append(CrowdEvent(e.t, "sound", Sound(self._at(a["at"]), e.t, a["duration"],
                                                          a["loudness"])))
            elif e.type == "drone":
                route = self._routes[id(e)]
                out.append(CrowdEvent(e.t, "sound", Sound(route.p[0].copy(), e.t, route.duration,
                                                          a["loudness"])))
            elif e.type == "strike":
                out.append(CrowdEvent(e.t, "strike", Strike(self._at(a["at"]), e.t, a["yield"],
                                                            e.seed, a["kind"])))
            elif e.type == "fire":
                at = self._at(a["at"])
                out.append(CrowdEvent(e.t, "fire", Fire(at, a["radius"], 1.0, e.seed)))
                if a["out"] is not None:
                    reached = min(a["radius"] + a["spread"] * (a["out"] - e.t),
                                  a["max_radius"] or a["radius"])
                    out.append(CrowdEvent(a["out"], "fire_out", Fire(at, reached, 0.0, e.seed)))
        return tuple(sorted((c for c in out if t0 <= c.t < t1), key=lambda c: c.t))
