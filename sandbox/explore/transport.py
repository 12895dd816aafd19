"""Scene time for the explorer: play / pause, frame steps, scrubbing, playback speed
and the shot and event markers of the timeline bar. Pure: the director turns the
time into a frame (replaying the crowd deterministically when time goes back)."""

from __future__ import annotations

from dataclasses import dataclass

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)   # playback speed factors, slowest first
FRAME_STEP = 1.0 / 30.0                # seconds one `.` step moves (the crowd's fixed step)


@dataclass(frozen=True)
class Marker:
    """A point on the timeline: kind "shot" (a cut; label = shot name) or "event"
    (label = event type), at film time `t` seconds."""

    t: float
    kind: str
    label: str


def scene_markers(scene) -> tuple[Marker, ...]:
    """Every shot start and story event of `scene`, in time order."""
    marks = [Marker(float(s.start), "shot", s.name) for s in scene.shots]
    marks += [Marker(float(e.t), "event", e.type) for e in scene.events]
    return tuple(sorted(marks, key=lambda m: (m.t, m.kind)))


class Transport:
    """The explorer's clock. `t` is scene seconds in [0, duration]; playback stops at
    the end. `advance(wall_dt)` moves it by wall seconds times the speed while playing."""

    def __init__(self, duration: float, markers: tuple[Marker, ...] = ()):
        self.duration = float(duration)
        self.markers = markers
        self.t = 0.0
        self.playing = True
        self.speed_index = SPEEDS.index(1.0)

    @property
    def speed(self) -> float:
        return SPEEDS[self.speed_index]

    def advance(self, wall_dt: float) -> float:
        if self.playing:
            self.seek(self.t + max(0.0, float(wall_dt)) * self.speed)
            if self.t >= self.duration:
                self.playing = False
        return self.t

    def toggle(self) -> None:
        """Play or pause; playing from the very end starts again from 0."""
        if not self.playing and self.t >= self.duration:
            self.t = 0.0
        self.playing = not self.playing

    def step(self, frames: int = 1) -> None:
        """Pause and move `frames` crowd steps (negative: back)."""
        self.playing = False
        self.seek(self.t + frames * FRAME_STEP)

    def seek(self, t: float) -> None:
        self.t = min(max(float(t), 0.0), self.duration)

    def faster(self) -> None:
        self.speed_index = min(self.speed_index + 1, len(SPEEDS) - 1)

    def slower(self) -> None:
        self.speed_index = max(self.speed_index - 1, 0)

    def next_event(self) -> Marker | None:
        """Jump to the first event after now; None (and no move) if there is none."""
        later = [m for m in self.markers if m.kind == "event" and m.t > self.t + 1e-6]
        if later:
            self.seek(later[0].t)
        return later[0] if later else None

    def prev_event(self) -> Marker | None:
        """Jump to the last event before now; None (and no move) if there is none."""
        earlier = [m for m in self.markers if m.kind == "event" and m.t < self.t - 1e-6]
        if earlier:
            self.seek(earlier[-1].t)
        return earlier[-1] if earlier else None

    def shot_at(self, t: float | None = None) -> Marker | None:
        """The shot marker in force at `t` (default now)."""
        t = self.t if t is None else t
        shots = [m for m in self.markers if m.kind == "shot" and m.t <= t + 1e-9]
        return shots[-1] if shots else None
