"""Low-poly vehicles of the story, built in numpy: the rescue helicopter (spinning main
and tail rotors with blur discs), a delta-wing fighter jet (afterburner glow) and the
military's sound drone (quadcopter with a loudspeaker horn and a blinking light).

Each faces +X, Z up, metres. A `Vehicle` is a static body plus `Spinner`s (parts that
turn about an axis through a pivot at `rate` rad/s of scene time, with an optional
translucent blur disc) and `Glow`s (self-lit parts; blinking ones have a period).
`attitude(kind, action, phase, t, seed)` gives the small motions flying adds. Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.config import Param
from sandbox.view.meshkit import Mesh, box, loft, matrix, merge, rot_x, rot_y, rot_z, slab

ROTOR_RATE = Param("rotor_rate", 27.0, 5.0, 60.0, "rad/s", "helicopter main rotor speed "
                   "(258 rpm); the tail rotor turns 4.6 times faster")
PROP_RATE = Param("prop_rate", 90.0, 10.0, 200.0, "rad/s", "drone propeller speed")
BLINK_PERIOD = Param("blink_period", 0.8, 0.2, 3.0, "s", "drone beacon blink cycle (the "
                     "helicopter's anti-collision light blinks at half that rate)")

OLIVE = (74, 82, 60)
GLASS = (34, 44, 54)
DARK = (38, 38, 40)


@dataclass
class Spinner:
    """A part turning about `axis` ("z" or "y") through `pivot` (3,) metres."""

    name: str
    mesh: Mesh
    pivot: np.ndarray
    axis: str
    rate: float
    blur: Mesh | None = None

    def angle(self, t: float) -> float:
        """Radians turned at scene time t (deterministic, wraps at 2 pi)."""
        return float(np.mod(self.rate * t, 2 * np.pi))


@dataclass
class Glow:
    """A self-lit part: `gain` multiplies its colour as added light; blinking when
    `period` > 0 (on for the first `duty` of each period)."""

    name: str
    mesh: Mesh
    gain: float
    period: float = 0.0
    duty: float = 0.15

    def level(self, t: float) -> float:
        if self.period <= 0:
            return self.gain
        return self.gain if np.mod(t, self.period) < self.duty * self.period else 0.0


@dataclass
class Vehicle:
    body: Mesh
    spinners: list[Spinner] = field(default_factory=list)
    glows: list[Glow] = field(default_factory=list)


def _section_loft(xs, zs, half_w, half_h, color, sides=10) -> Mesh:
    xs = np.asarray(xs, float)
    return loft(np.column_stack([xs, np.zeros(len(xs)), zs]), half_w, half_h, color, sides,
                axis="x")


def _disc(radius: float, color, alpha: int, sides: int = 28, thick: float = 0.02) -> Mesh:
    th = 2 * np.pi * np.arange(sides) / sides
    return slab(np.column_stack([radius * np.cos(th), radius * np.sin(th)]), -thick, thick,
                color, alpha)


def _blades(n: int, length: float, chord: float, color) -> Mesh:
    blade = slab([[0.3, -chord / 2], [length, -chord / 2], [length, chord / 2],
                  [0.3, chord / 2]], -0.03, 0.03, color)
    return merge([blade.transformed(matrix(rot_z(2 * np.pi * k / n))) for k in range(n)])


def helicopter() -> Vehicle:
    """A utility helicopter about 15 m long: fuselage, cockpit glass, engine housing,
    tail boom and fins, skids, a 4-blade 16 m main rotor, a tail rotor and a red
    anti-collision light behind the engines."""
    fus = _section_loft([5.9, 5.2, 4.0, 1.0, -1.5, -3.4, -4.6],
                        [1.35, 1.4, 1.55, 1.65, 1.7, 1.95, 2.15],
                        [0.2, 0.8, 1.1, 1.18, 1.08, 0.6, 0.34],
                        [0.25, 0.7, 1.05, 1.15, 1.1, 0.72, 0.36], OLIVE, 12)
    glass = merge([
        _section_loft([5.5, 4.9, 3.9], [1.75, 1.85, 2.0], [0.55, 0.95, 1.12],
                      [0.3, 0.45, 0.55], GLASS, 12),
        box((1.6, -1.2, 1.7), (3.2, 1.2, 2.25), GLASS)])
    engine = _section_loft([2.2, 1.4, -1.8, -2.8], [2.75, 2.95, 2.95, 2.8],
                           [0.35, 0.65, 0.65, 0.3], [0.25, 0.45, 0.45, 0.2], OLIVE, 8)
    boom = _section_loft([-4.4, -10.8], [2.15, 2.45], [0.34, 0.18], [0.36, 0.2], OLIVE, 8)
    fin = slab([[-9.9, 0.0], [-11.2, 0.0], [-11.9, 2.0], [-11.2, 2.1]], -0.07, 0.07, OLIVE)
    fin = fin.transformed(matrix(rot_x(np.pi / 2), (0, 0, 2.3)))
    stab = slab([[-9.4, -1.7], [-10.3, -1.7], [-10.3, 1.7], [-9.4, 1.7]], 2.35, 2.45, OLIVE)
    skids = []
    for y in (-1.25, 1.25):
        skids.append(_section_loft([3.4, 3.1, -2.6], [0.25, 0.08, 0.08], 0.06, 0.06, DARK, 6))
        skids[-1] = skids[-1].transformed(matrix(pos=(0, y, 0)))
        for x in (1.9, -1.3):
            skids.append(box((x - 0.06, min(y, 0.9 * y) - 0.05, 0.08),
                             (x + 0.06, max(y, 0.9 * y) + 0.05, 0.9), DARK))
    mast = loft([[0.3, 0, 3.0], [0.3, 0, 3.5]], 0.14, 0.14, DARK, 8)
    body = merge([fus, glass, engine, boom, fin, stab, mast] + skids)
    hub = loft([[0, 0, -0.12], [0, 0, 0.12]], 0.35, 0.35, DARK, 8)
    main = Spinner("rotor", merge([hub, _blades(4, 8.0, 0.52, (46, 48, 44))]),
                   np.array([0.3, 0.0, 3.6]), "z", ROTOR_RATE.default,
                   _disc(8.0, (70, 72, 66), 52))
    tail_blades = _blades(4, 1.5, 0.22, (46, 48, 44)).transformed(matrix(rot_x(np.pi / 2)))
    tail_disc = _disc(1.5, (70, 72, 66), 60, 18).transformed(matrix(rot_x(np.pi / 2)))
    tail = Spinner("tail_rotor", tail_blades, np.array([-11.4, 0.2, 3.3]), "y",
                   ROTOR_RATE.default * 4.6, tail_disc)
    beacon = box((-1.6, -0.08, 3.05), (-1.4, 0.08, 3.2), (255, 40, 30))
    return Vehicle(body, [main, tail],
                   [Glow("beacon", beacon, 12.0, 2.0 * BLINK_PERIOD.default, 0.1)])


def jet() -> Vehicle:
    """A twin-engine fighter about 16 m long: pointed nose, bubble canopy, cropped delta
    wings, twin canted fins, tailplanes, two nozzles with afterburner glow."""
    grey = (118, 126, 134)
    fus = _section_loft([8.2, 7.0, 4.5, 1.5, -2.0, -5.5, -7.3],
                        [0.0, 0.05, 0.12, 0.15, 0.1, 0.05, 0.0],
                        [0.05, 0.42, 0.75, 1.35, 1.45, 1.3, 1.05],
                        [0.05, 0.42, 0.62, 0.72, 0.7, 0.62, 0.5], grey, 10)
    canopy = _section_loft([5.8, 4.8, 3.2, 2.2], [0.45, 0.62, 0.66, 0.55],
                           [0.08, 0.36, 0.38, 0.15], [0.08, 0.32, 0.34, 0.12], GLASS, 8)
    wing = []
    for s in (1.0, -1.0):
        wing.append(slab([[2.0, s * 1.2], [-5.0, s * 1.2], [-5.6, s * 6.4], [-4.1, s * 6.4]],
                         -0.08, 0.08, grey))
        wing.append(slab([[-6.0, s * 1.0], [-7.8, s * 1.0], [-8.2, s * 3.4], [-7.4, s * 3.4]],
                         -0.05, 0.05, grey))
        fin = slab([[-4.8, 0.0], [-7.6, 0.0], [-8.0, s * 3.0], [-6.7, s * 3.0]], -0.06, 0.06,
                   grey)   # laid along +-Y, then stood up and canted outward
        wing.append(fin.transformed(matrix(rot_x(s * (np.pi / 2 - 0.25)), (0, s * 0.8, 0.4))))
    nozzles, flames = [], []
    for y in (0.6, -0.6):
        nozzles.append(loft([[-7.0, y, 0.0], [-8.3, y, 0.0]], 0.5, 0.5, DARK, 10, axis="x"))
        flames.append(loft([[-8.25, y, 0.0], [-9.6, y, 0.0]], [0.42, 0.1], [0.42, 0.1],
                           (255, 150, 70), 10, axis="x"))
    body = merge([fus, canopy] + wing + nozzles)
    return Vehicle(body, [], [Glow("afterburner", merge(flames), 6.0)])


def drone() -> Vehicle:
    """A 1.2 m quadcopter: body, four arms with motors and two-blade propellers (with
    blur discs), a loudspeaker horn slung underneath and a red beacon that blinks."""
    body_c, arm_c = (52, 54, 58), (30, 30, 32)
    parts = [box((-0.25, -0.18, -0.09), (0.25, 0.18, 0.09), body_c),
             box((0.05, -0.14, 0.09), (0.22, 0.14, 0.14), (80, 84, 90))]
    spinners = []
    for k in range(4):
        a = np.pi / 4 + k * np.pi / 2
        tip = np.array([0.55 * np.cos(a), 0.55 * np.sin(a), 0.0])
        arm = box((0.0, -0.025, -0.025), (0.56, 0.025, 0.025), arm_c)
        parts.append(arm.transformed(matrix(rot_z(a))))
        parts.append(loft([tip + (0, 0, -0.05), tip + (0, 0, 0.08)], 0.05, 0.05, arm_c, 8))
        prop = _blades(2, 0.24, 0.04, (24, 24, 24))
        spinners.append(Spinner(f"prop{k}", prop, tip + (0, 0, 0.1), "z",
                                PROP_RATE.default * (1 if k % 2 else -1),
                                _disc(0.25, (60, 60, 60), 55, 16, 0.004)))
    # loudspeaker: a horn flaring down and forward under the body
    horn = loft([[0, 0, 0.0], [0, 0, -0.12], [0, 0, -0.3]], [0.06, 0.08, 0.2],
                [0.06, 0.08, 0.2], (150, 150, 140), 10)
    parts.append(horn.transformed(matrix(rot_y(-0.5), (0.05, 0, -0.09))))
    parts.append(box((-0.05, -0.05, -0.2), (0.05, 0.05, -0.09), arm_c))
    beacon = box((-0.22, -0.03, 0.09), (-0.16, 0.03, 0.15), (255, 40, 30))
    return Vehicle(merge(parts), spinners,
                   [Glow("beacon", beacon, 12.0, BLINK_PERIOD.default, 0.2)])


BUILDERS = {"helicopter": helicopter, "jet": jet, "drone": drone}


def attitude(kind: str, action: str, phase: float, t: float, seed: float = 0.0):
    """(dz metres, pitch radians nose-down positive, roll radians right-wing-down
    positive) that flying adds on top of the timeline's position and heading: a hover
    drifts and bobs, forward flight dips the nose (eased in over 2 s)."""
    ease = float(np.clip(phase / 2.0, 0, 1))
    ease = ease * ease * (3 - 2 * ease)
    if kind == "helicopter":
        if action == "stand":
            return 0.0, 0.0, 0.0
        bob = 0.25 * np.sin(0.8 * t + seed)
        roll = 0.025 * np.sin(0.55 * t + 2 * seed)
        pitch = 0.14 * ease if action == "fly" else 0.02 * np.sin(0.4 * t + seed)
        return bob, pitch, roll
    if kind == "drone":
        return (0.05 * np.sin(2.1 * t + seed), 0.04 * np.sin(1.3 * t + seed),
                0.04 * np.sin(1.7 * t + 2 * seed))
    return 0.0, 0.0, 0.02 * np.sin(0.7 * t + seed)
