"""Joins world, crowd and timeline: what the view must show at scene time t.

The crowd advances at its own fixed step; a frame at any time shows the state
interpolated between the two steps around it, so renders at 24, 30 or 60 fps
show the same motion. Seeking backwards replays the crowd from the start,
which is deterministic, so any frame can be asked for in any order. With
`checkpoints` (the explorer's scrubbing) the crowd is forked every
`CHECKPOINT_EVERY` seconds, and a seek backwards replays from the latest fork
before it instead, as long as no crowd parameter has changed since the fork.

A film chained from several scene files (`include`) plays each part's own crowd,
built afresh when the part begins, so a part looks the same inside the film as
rendered on its own. Before each step the story reaches the crowd: strikes, fires and their end from
`Sequence.crowd_events` over that step's half-open interval (so each lands once),
the sounds playing then (drones move, so their lures are refreshed every
`SOUND_REFRESH` seconds), the scripted humans zombies can see, and how dark it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox import paths, world
from sandbox.config import ConfigError, Param
from sandbox.crowd import Crowd, load_preset
from sandbox.rng import stream
from sandbox.timeline import FrameSpec, Scene, Sequence

# How much zombies see at each time of day (the crowd's `light_level`, 0..1).
LIGHT_LEVEL = {"day": 1.0, "dusk": 0.55, "night": 0.15}
SOUND_REFRESH = Param("sound_refresh", 1.0, 0.1, 10.0, "s",
                      "how often playing sounds (moving drones) are handed to the crowd again")
BLAST_RADIUS = Param("blast_radius", 22.0, 1.0, 200.0, "m",
                     "crowd radius of a yield-1 strike; scales with the cube root of yield")
CHECKPOINT_EVERY = Param("checkpoint_every", 2.0, 0.1, 60.0, "s",
                         "crowd time between the checkpoints a backward seek replays from")
SEEN_KINDS = ("student", "soldier")   # scripted actors zombies see and chase (not the immune)


@dataclass(frozen=True)
class HordeFrame:
    """The horde at one instant: (n, 2) positions, (n,) z, headings and gait phase (float32),
    (n,) behaviour state and kind (uint8 indices into crowd.STATES / crowd.KINDS)."""

    positions: np.ndarray
    z: np.ndarray
    headings: np.ndarray
    phase: np.ndarray  # radians
    state: np.ndarray
    kind: np.ndarray


@dataclass(frozen=True)
class Frame:
    spec: FrameSpec
    horde: HordeFrame


class Director:
    """`bake`: a recorded crowd (`sandbox.crowd.bake.Bake`) played back instead of the
    scene's own crowds, frame by frame from scene time 0. `checkpoints`: keep forks of
    the crowd so that seeking backwards is quick (memory: every per-agent array once per
    `CHECKPOINT_EVERY` seconds played)."""

    def __init__(self, scene: Scene, bake=None, checkpoints: bool = False):
        self.scene = scene
        self.bake = bake
        # part -> {step: (params version, crowd fork, director fires, prev, next)}
        self._checkpoints: dict[int, dict] | None = {} if checkpoints else None
        self.anchors = world.anchors()
        self.sequence = Sequence(scene, self.anchors)
        self._ground = world.walkmap().levels["ground"]
        self._params = [self._crowd_params(seg) for seg in scene.segments]
        self._part = 0
        self._reset(0)

    def _crowd_params(self, segment):
        spec = segment.crowd
        if spec is None:
            return None
        preset = paths.CROWD_PRESETS / f"{spec.preset}.toml"
        if not preset.is_file():
            known = ", ".join(sorted(p.stem for p in paths.CROWD_PRESETS.glob("*.toml")))
            raise ConfigError(f"{segment.path}: crowd.preset: no preset {spec.preset!r} "
                              f"(known: {known})")
        params = load_preset(preset)
        params.update(spec.params, where=f"{segment.path}: crowd.params")
        return params

    def _part_at(self, t: float) -> int:
        starts = [seg.start for seg in self.scene.segments]
        return max(0, int(np.searchsorted(starts, t + 1e-9, side="right")) - 1)

    def _reset(self, part: int) -> None:
        """Start part `part`'s crowd at its first instant."""
        segment = self.scene.segments[part]
        spec = segment.crowd
        self._part, self._start = part, segment.start
        self.crowd = None
        self._fires: list[tuple[np.ndarray, float]] = []
        if spec is None:
            return
        self.crowd = Crowd(self._ground, self._params[part], seed=segment.seed)
        for k, spawn in enumerate(spec.spawns):
            if spawn.region is None:
                centre = spawn.at.resolve(self.anchors)[:2]
                self.crowd.spawn(spawn.count, centre, spawn.radius, kind=spawn.kind)
            else:
                self.crowd.spawn_at(self._in_region(spawn, k, segment), kind=spawn.kind)
        if spec.goal is not None:
            self.crowd.set_goal(spec.goal.resolve(self.anchors)[:2])
        self._prev = self.crowd.snapshot()
        self._next = self._prev

    def _in_region(self, spawn, k: int, segment) -> np.ndarray:
        """`spawn.count` walkable points (n, 2) drawn uniformly from its rectangle (seeded)."""
        a, b = (p.resolve(self.anchors)[:2] for p in spawn.region)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        rng = stream(segment.seed, f"director.region.{k}")
        picked = np.zeros((0, 2))
        for _ in range(50):
            xy = rng.uniform(lo, hi, size=(max(4 * spawn.count, 64), 2))
            picked = np.concatenate([picked, xy[self._ground.is_walkable(xy)]])
            if len(picked) >= spawn.count:
                return picked[:spawn.count]
        raise ConfigError(f"{segment.path}: crowd.spawn[{k}].region holds too few walkable "
                          f"cells for {spawn.count} agents")

    # -- the story reaching the crowd ----------------------------------------------
    def _before_step(self) -> None:
        crowd, t0 = self.crowd, self._start + self.crowd.time
        for event in self.sequence.crowd_events(t0, t0 + crowd.dt):
            item = event.item
            if event.kind == "strike":
                crowd.strike(item.pos[:2], BLAST_RADIUS.default * item.yield_ ** (1 / 3))
            elif event.kind == "fire":
                self._fires.append((item.pos[:2], item.radius))
                crowd.add_fire(item.pos[:2], item.radius)
            elif event.kind == "fire_out":
                self._fires = [f for f in self._fires if not np.array_equal(f[0], item.pos[:2])]
                crowd.clear_fires()
                for xy, radius in self._fires:
                    crowd.add_fire(xy, radius)
        every = max(1, round(SOUND_REFRESH.default / crowd.dt))
        state = self.sequence.evaluate(t0).state
        if crowd.steps % every == 0:
            for sound in state.sounds:
                left = sound.t0 + sound.duration - t0   # scene seconds, like t0
                crowd.add_sound(sound.pos[:2], sound.loudness, min(left, every * crowd.dt))
        seen = [a.pos[:2] for a in state.actors if a.kind in SEEN_KINDS]
        crowd.set_visible_humans(np.array(seen).reshape(-1, 2))
        crowd.params.update({"light_level": LIGHT_LEVEL[state.time_of_day]})

    def _step(self) -> None:
        self._before_step()
        self.crowd.step()

    # -- frames ----------------------------------------------------------------------
    def horde_at(self, t: float) -> HordeFrame:
        """The horde at scene time `t`, between the fixed steps around it."""
        if self.bake is not None:
            return self._played(t)
        part = self._part_at(t)
        if part != self._part or (self.crowd is not None and t - self._start < self._prev.time - 1e-9):
            self._seek(part, t - self.scene.segments[part].start)
        if self.crowd is None:
            empty = np.zeros(0, np.float32)
            none = np.zeros(0, np.uint8)
            return HordeFrame(np.zeros((0, 2), np.float32), empty, empty, empty, none, none)
        t = t - self._start   # the part's crowd clock
        while self._next.time < t - 1e-9:
            self._step()
            self._prev, self._next = self._next, self.crowd.snapshot()
            self._checkpoint()
        a, b = self._prev, self._next
        alpha = 0.0 if b.time == a.time else float(np.clip((t - a.time) / (b.time - a.time), 0, 1))
        s = a.lerp(b, alpha)
        xy = s.positions
        z = (world.terrain_height(xy[:, 0], xy[:, 1]) + self._ground.z).astype(np.float32)
        return HordeFrame(xy, z, s.headings, (s.phase * (2 * np.pi)).astype(np.float32),
                          s.state, s.kind)

    def _checkpoint(self) -> None:
        crowd = self.crowd
        every = max(1, round(CHECKPOINT_EVERY.default / crowd.dt))
        if self._checkpoints is None or crowd.steps % every:
            return
        marks = self._checkpoints.setdefault(self._part, {})
        if crowd.steps not in marks:
            marks[crowd.steps] = (crowd.params.version, crowd.fork(), list(self._fires),
                                  self._prev, self._next)

    def _seek(self, part: int, t: float) -> None:
        """Go back to part `part` at its crowd time `t` or before: its latest checkpoint
        still valid (same parameter values) at or before t, else its start. Checkpoints
        made stale by a parameter change are dropped."""
        marks = (self._checkpoints or {}).get(part, {})
        version = self._params[part].version if self._params[part] is not None else 0
        for step in [k for k, m in marks.items() if m[0] != version]:
            del marks[step]
        best = max((k for k, m in marks.items() if m[4].time <= t + 1e-9), default=None)
        if best is None:
            self._reset(part)
            return
        _, crowd, fires, prev, nxt = marks[best]
        segment = self.scene.segments[part]
        self._part, self._start = part, segment.start
        self.crowd, self._fires = crowd.fork(), list(fires)
        self._prev, self._next = prev, nxt

    def _played(self, t: float) -> HordeFrame:
        """The bake at time `t`: the two recorded steps around it, interpolated; the last
        recorded step holds after the bake ends."""
        bake = self.bake
        f = min(max(t / bake.dt, 0.0), bake.frames - 1.0)
        if abs(f - round(f)) < 1e-6:
            f = float(round(f))   # on a recorded step: that step exactly
        i = int(f)
        s = bake.snapshot(i).lerp(bake.snapshot(min(i + 1, bake.frames - 1)), f - i)
        xy = s.positions
        heights = np.array([lv.z for lv in world.walkmap().levels.values()])
        level = bake.level[min(int(round(f)), bake.frames - 1)]
        z = world.terrain_height(xy[:, 0], xy[:, 1]) * (level == 0) + heights[level]
        return HordeFrame(xy, z.astype(np.float32), s.headings,
                          (s.phase * (2 * np.pi)).astype(np.float32), s.state, s.kind)

    def _target(self, name: str, horde: HordeFrame) -> np.ndarray | None:
        """World point (3,) of a crowd camera target: horde:centroid, horde:front, agent:ID."""
        if len(horde.positions) == 0:
            return None
        xy = horde.positions.astype(np.float64)
        if name == "horde:centroid":
            p = xy.mean(0)
        elif name == "horde:front":
            heading = np.array([np.cos(horde.headings).mean(), np.sin(horde.headings).mean()])
            ahead = xy @ heading   # the leading tenth of the horde, not one runaway agent
            p = xy[ahead >= np.quantile(ahead, 0.9)].mean(0)
        else:
            i = int(name.split(":", 1)[1])
            if not 0 <= i < len(xy):
                raise ConfigError(f"{self.scene.path}: camera target {name!r}: the crowd has "
                                  f"agents 0 to {len(xy) - 1}")
            p = xy[i]
        return np.array([p[0], p[1], float(world.terrain_height(p[0], p[1])) + 1.2])

    def frame(self, t: float) -> Frame:
        spec = self.sequence.evaluate(t)
        horde = self.horde_at(t)
        cam = spec.camera
        if cam.look_target or cam.follow_target:
            look = self._target(cam.look_target, horde) if cam.look_target else None
            follow = self._target(cam.follow_target, horde) if cam.follow_target else None
            spec = FrameSpec(spec.t, spec.shot, cam.resolve(look, follow), spec.state)
        return Frame(spec=spec, horde=horde)
