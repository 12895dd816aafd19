"""A scene on its timeline: `Sequence.evaluate(t)` gives the camera at any time.

Pure and seekable: the result depends only on `t`, so frames can be evaluated
in any order (scrubbing, parallel rendering) and give the same camera.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from sandbox.config import ConfigError
from sandbox.timeline.curves import sample_path
from sandbox.timeline.scene import Scene, Shot


@dataclass(frozen=True)
class CameraPose:
    pos: np.ndarray       # (3,) float64, metres
    look_at: np.ndarray   # (3,) float64, metres
    fov: float            # vertical field of view, degrees
    roll: float           # degrees about the view axis, as Stage.set_camera takes it


@dataclass(frozen=True)
class FrameSpec:
    """What the timeline says about scene time `t`."""

    t: float
    shot: str
    camera: CameraPose


class _ShotPath:
    """A shot's keyframes resolved to world coordinates, ready to sample."""

    def __init__(self, shot: Shot, anchors: Mapping[str, Any]):
        self.shot = shot
        self.times = np.array([k.t for k in shot.keys])
        self.pos = np.array([k.pos.resolve(anchors) for k in shot.keys])
        self.look = np.array([k.look_at.resolve(anchors) for k in shot.keys])
        self.lens = np.array([[k.fov, k.roll] for k in shot.keys])
        self.eases = [k.ease for k in shot.keys]

    def camera(self, local_t: float) -> CameraPose:
        fov, roll = sample_path(self.times, self.lens, local_t, self.eases)
        return CameraPose(pos=sample_path(self.times, self.pos, local_t, self.eases),
                          look_at=sample_path(self.times, self.look, local_t, self.eases),
                          fov=float(fov), roll=float(roll))


class Sequence:
    """A validated scene bound to the world's anchors."""

    def __init__(self, scene: Scene, anchors: Mapping[str, Any]):
        unknown = sorted(scene.anchor_names() - set(anchors))
        if unknown:
            raise ConfigError(f"{scene.path}: unknown anchor {unknown[0]!r} "
                              f"(known: {', '.join(sorted(anchors))})")
        self.scene = scene
        self.duration = scene.duration
        self._paths = [_ShotPath(s, anchors) for s in scene.shots]
        self._starts = [s.start for s in scene.shots]

    def shot_at(self, t: float) -> _ShotPath:
        return self._paths[max(bisect.bisect_right(self._starts, t) - 1, 0)]

    def evaluate(self, t: float) -> FrameSpec:
        path = self.shot_at(t)
        return FrameSpec(t=t, shot=path.shot.name, camera=path.camera(t - path.shot.start))
