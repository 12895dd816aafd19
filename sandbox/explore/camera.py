"""The explorer's free camera as plain maths (no Panda3D): fly, mouse look, orbit,
frame a target, follow, and picking a point on screen.

Angles follow Panda3D's HPR in degrees: heading turns counter-clockwise about +Z and
0 looks along +Y; pitch is positive looking up. Positions are (3,) float64 world
metres (X east, Y north, Z up). Screen points are normalised device coordinates,
x and y in -1..1, y up, as Panda3D's mouse watcher reports them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FLY_SPEED = 12.0            # m/s at wheel setting 0
FLY_SPEED_RANGE = (0.5, 400.0)
WHEEL_FACTOR = 1.25         # each wheel notch multiplies or divides the fly speed
FAST_FACTOR = 4.0           # with Shift held
LOOK_DEG_PER_UNIT = 90.0    # degrees of turn per unit of normalised mouse travel
PITCH_LIMIT = 89.0          # degrees; never straight up or down (the view would flip)
FRAME_DISTANCE = 3.0        # a framed target fills about 1/FRAME_DISTANCE of the view height
FRAME_PITCH = -20.0         # degrees: framing looks slightly down on its target


def basis(heading: float, pitch: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(forward, right, up) unit vectors (3,) of a camera at `heading`, `pitch` degrees."""
    h, p = math.radians(heading), math.radians(pitch)
    forward = np.array([-math.sin(h) * math.cos(p), math.cos(h) * math.cos(p), math.sin(p)])
    right = np.array([math.cos(h), math.sin(h), 0.0])
    return forward, right, np.cross(right, forward)


def angles_towards(direction) -> tuple[float, float]:
    """(heading, pitch) degrees that look along `direction` (3,)."""
    d = np.asarray(direction, float)
    heading = math.degrees(math.atan2(-d[0], d[1]))
    pitch = math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))
    return heading, float(np.clip(pitch, -PITCH_LIMIT, PITCH_LIMIT))


@dataclass
class FlyCamera:
    """A camera that flies like the editors' (Unreal, Unity, Blender's fly mode).

    pos (3,) metres; heading and pitch degrees; fov vertical degrees; speed m/s."""

    pos: np.ndarray
    heading: float = 0.0
    pitch: float = 0.0
    fov: float = 50.0
    speed: float = FLY_SPEED

    @classmethod
    def looking_at(cls, pos, target, fov: float = 50.0) -> "FlyCamera":
        pos = np.asarray(pos, float)
        heading, pitch = angles_towards(np.asarray(target, float) - pos)
        return cls(pos.copy(), heading, pitch, float(fov))

    def basis(self):
        return basis(self.heading, self.pitch)

    def look_point(self, distance: float = 10.0) -> np.ndarray:
        """The point `distance` metres straight ahead (3,)."""
        return self.pos + self.basis()[0] * distance

    def fly(self, move, dt: float, fast: bool = False) -> None:
        """Move by `move` = (right, forward, up), each -1..1 (held keys), for `dt` seconds.

        Forward follows the view (flying where you look, as in the editors); up is world
        up, so Q/E rise and sink straight whatever the pitch."""
        forward, right, _ = self.basis()
        m = np.asarray(move, float)
        step = self.speed * (FAST_FACTOR if fast else 1.0) * float(dt)
        self.pos = self.pos + step * (m[0] * right + m[1] * forward + m[2] * np.array([0, 0, 1.0]))

    def look(self, dx: float, dy: float) -> None:
        """Turn by a mouse travel of (dx, dy) normalised units: right turns right, up looks up."""
        self.heading = (self.heading - dx * LOOK_DEG_PER_UNIT + 180.0) % 360.0 - 180.0
        self.pitch = float(np.clip(self.pitch + dy * LOOK_DEG_PER_UNIT, -PITCH_LIMIT, PITCH_LIMIT))

    def orbit(self, pivot, dx: float, dy: float) -> None:
        """Swing round `pivot` (3,) by a mouse travel (dx, dy), keeping the distance and
        looking at it (Alt + drag): dragging right walks the camera left round the pivot."""
        pivot = np.asarray(pivot, float)
        dist = max(float(np.linalg.norm(self.pos - pivot)), 0.1)
        self.look(dx, dy)
        self.pos = pivot - self.basis()[0] * dist

    def frame(self, target, size: float = 2.0) -> None:
        """Look at `target` (3,) from a distance at which something `size` metres tall
        fills about a third of the view, from behind along the current heading."""
        target = np.asarray(target, float)
        dist = FRAME_DISTANCE * size / (2.0 * math.tan(math.radians(self.fov) / 2.0))
        self.pitch = FRAME_PITCH
        self.pos = target - self.basis()[0] * dist

    def wheel(self, notches: int) -> None:
        """Scale the fly speed by WHEEL_FACTOR per notch (up: faster)."""
        lo, hi = FLY_SPEED_RANGE
        self.speed = float(np.clip(self.speed * WHEEL_FACTOR ** notches, lo, hi))

    def pose(self) -> dict:
        """The pose as plain numbers (for a bookmark)."""
        return {"pos": [float(v) for v in self.pos], "heading": float(self.heading),
                "pitch": float(self.pitch), "fov": float(self.fov)}

    def set_pose(self, pose: dict) -> None:
        self.pos = np.asarray(pose["pos"], float).copy()
        self.heading, self.pitch = float(pose["heading"]), float(pose["pitch"])
        self.fov = float(pose["fov"])


def project(points, pos, look_at, fov: float, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Screen positions of world `points` (n, 3) seen from a camera at `pos` looking at
    `look_at` with vertical `fov` degrees and width/height `aspect`: ((n, 2) normalised
    x, y; (n,) depth in metres along the view, <= 0 behind the camera)."""
    pts = np.asarray(points, float).reshape(-1, 3)
    heading, pitch = angles_towards(np.asarray(look_at, float) - np.asarray(pos, float))
    forward, right, up = basis(heading, pitch)
    rel = pts - np.asarray(pos, float)
    depth = rel @ forward
    f = 1.0 / math.tan(math.radians(fov) / 2.0)
    safe = np.where(depth > 1e-6, depth, 1e-6)
    xy = np.stack([rel @ right * f / aspect / safe, rel @ up * f / safe], axis=1)
    return xy, depth


def pick(points, screen_xy, pos, look_at, fov: float, aspect: float,
         radius: float = 0.04) -> int | None:
    """Index of the point of `points` (n, 3) drawn nearest `screen_xy` (normalised) and
    within `radius` of it (in screen heights), the nearest to the camera among ties;
    None when nothing in front of the camera is that close."""
    if len(points) == 0:
        return None
    xy, depth = project(points, pos, look_at, fov, aspect)
    d = np.hypot((xy[:, 0] - screen_xy[0]) * aspect, xy[:, 1] - screen_xy[1]) / 2.0
    ok = (depth > 0.3) & (d <= radius)
    if not ok.any():
        return None
    idx = np.nonzero(ok)[0]
    return int(idx[np.lexsort((depth[idx], np.round(d[idx] / (radius / 4))))][0])
