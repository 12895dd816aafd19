"""Joins world, crowd and timeline: what the view must show at scene time t.

The crowd advances at its own fixed step; a frame at any time shows the state
interpolated between the two steps around it, so renders at 24, 30 or 60 fps
show the same motion. Seeking backwards replays the crowd from the start,
which is deterministic, so any frame can be asked for in any order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox import paths, world
from sandbox.config import ConfigError
from sandbox.crowd import Crowd, load_preset
from sandbox.timeline import FrameSpec, Scene, Sequence


@dataclass(frozen=True)
class HordeFrame:
    """The horde at one instant: (n, 2) positions, (n,) z, headings and gait phase (float32)."""

    positions: np.ndarray
    z: np.ndarray
    headings: np.ndarray
    phase: np.ndarray  # radians


@dataclass(frozen=True)
class Frame:
    spec: FrameSpec
    horde: HordeFrame


class Director:
    def __init__(self, scene: Scene):
        self.scene = scene
        self.anchors = world.anchors()
        self.sequence = Sequence(scene, self.anchors)
        self._ground = world.walkmap().levels["ground"]
        self._params = self._crowd_params()
        self._reset()

    def _crowd_params(self):
        spec = self.scene.crowd
        if spec is None:
            return None
        preset = paths.CROWD_PRESETS / f"{spec.preset}.toml"
        if not preset.is_file():
            known = ", ".join(sorted(p.stem for p in paths.CROWD_PRESETS.glob("*.toml")))
            raise ConfigError(f"{self.scene.path}: crowd.preset: no preset {spec.preset!r} "
                              f"(known: {known})")
        params = load_preset(preset)
        params.update(spec.params, where=f"{self.scene.path}: crowd.params")
        return params

    def _reset(self) -> None:
        spec = self.scene.crowd
        self.crowd = None
        if spec is None:
            return
        self.crowd = Crowd(self._ground, self._params, seed=self.scene.seed)
        for spawn in spec.spawns:
            centre = spawn.at.resolve(self.anchors)[:2]
            self.crowd.spawn(spawn.count, centre, spawn.radius)
        if spec.goal is not None:
            self.crowd.set_goal(spec.goal.resolve(self.anchors)[:2])
        self._prev = self.crowd.snapshot()
        self._next = self._prev

    def horde_at(self, t: float) -> HordeFrame:
        """The horde at scene time `t`, between the fixed steps around it."""
        if self.crowd is None:
            empty = np.zeros(0, np.float32)
            return HordeFrame(np.zeros((0, 2), np.float32), empty, empty, empty)
        if t < self._prev.time - 1e-9:
            self._reset()
        while self._next.time < t - 1e-9:
            self.crowd.step()
            self._prev, self._next = self._next, self.crowd.snapshot()
        a, b = self._prev, self._next
        alpha = 0.0 if b.time == a.time else float(np.clip((t - a.time) / (b.time - a.time), 0, 1))
        s = a.lerp(b, alpha)
        xy = s.positions
        z = (world.terrain_height(xy[:, 0], xy[:, 1]) + self._ground.z).astype(np.float32)
        return HordeFrame(xy, z, s.headings, (s.phase * (2 * np.pi)).astype(np.float32))

    def frame(self, t: float) -> Frame:
        return Frame(spec=self.sequence.evaluate(t), horde=self.horde_at(t))
