"""Articulated low-poly people: the cast's looks (scenes/cast.toml), the skeleton, one
mesh per joint, and procedural poses as joint angles. Pure numpy (no Panda3D).

Frames: a figure faces +X with +Y to its left and Z up, feet on z = 0 at rest. Eleven
joints (`JOINTS`), each with a rest offset from its parent and a rotation
R = Rz(rz) Ry(ry) Rx(rx) from its (3,) angles, radians. Signs: a positive ry tips an
upward part (torso, head) forward and swings a hanging part (arm, leg, which point down
-Z from their joint) backward; a positive rx moves a hanging part toward +Y (the figure's
left). So an arm or thigh swung forward by a has ry = -a, a bent knee ry = +k, a bent
elbow ry = -k. `pose(look, action, phase, t, seed)` returns a `Pose`; `joint_matrices`
turns it into (J, 4, 4) transforms, local to each parent or in the figure's frame.

Proportions follow the figure-drawing canon: 7.5 heads tall, the hip joint at 4 heads,
the knee at 2, shoulders at 6.15; boys' shoulders 2 heads wide, girls' hips wider than
their shoulders relative to the boys'.
"""

from __future__ import annotations

import re
import tomllib
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sandbox import paths
from sandbox.config import ConfigError, Param
from sandbox.rng import stream
from sandbox.view.meshkit import (Mesh, box, from_triangles, hex_rgb, loft, matrix, merge,
                                  rot_y)

CAST_FILE = paths.SCENES / "cast.toml"

JOINTS = ("pelvis", "torso", "head", "shoulder_l", "elbow_l", "shoulder_r", "elbow_r",
          "hip_l", "knee_l", "hip_r", "knee_r")
PARENT = (-1, 0, 1, 1, 3, 1, 5, 0, 7, 0, 9)
(PELVIS, TORSO, HEAD, SHOULDER_L, ELBOW_L, SHOULDER_R, ELBOW_R,
 HIP_L, KNEE_L, HIP_R, KNEE_R) = range(len(JOINTS))
HUMAN_ACTIONS = ("stand", "walk", "run", "jump", "fall", "look_down", "sit")

WALK_CADENCE = Param("walk_cadence", 0.95, 0.5, 1.5, "Hz", "stride cycles a second walking")
RUN_CADENCE = Param("run_cadence", 1.45, 0.9, 2.2, "Hz", "stride cycles a second running")
PARAPET_HEIGHT = Param("parapet_height", 1.1, 0.6, 1.5, "m",
                       "where look_down rests a hand (the roof's parapet top)")
BREATH_PERIOD = Param("breath_period", 3.8, 2.0, 8.0, "s", "idle breathing cycle")

# --------------------------------------------------------------------------- cast
STYLES = {
    "kind": ("student", "immune", "soldier"),
    "sex": ("m", "f"),
    "top_style": ("blazer", "cardigan", "hoodie", "jacket", "fatigues"),
    "bottom": ("trousers", "skirt"),
    "hair_style": ("short", "long", "bob", "ponytail", "buzz"),
}
COLOURS = ("top", "shirt", "tie", "bottom_color", "legs", "shoes", "skin", "hair")
OPTIONAL_COLOURS = ("jacket", "helmet")
NUMBERS = {"height": (1.3, 2.1), "build": (0.8, 1.3)}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Look:
    """One character's appearance (colours (3,) uint8 sRGB; height metres)."""

    name: str
    kind: str
    height: float
    build: float
    sex: str
    top_style: str
    top: np.ndarray
    shirt: np.ndarray
    tie: np.ndarray
    bottom: str
    bottom_color: np.ndarray
    legs: np.ndarray
    shoes: np.ndarray
    skin: np.ndarray
    hair: np.ndarray
    hair_style: str
    jacket: np.ndarray | None = None
    helmet: np.ndarray | None = None
    camo: np.ndarray | None = None      # (k, 3) uint8

    @property
    def head(self) -> float:
        """Head height in metres (the figure is 7.5 of them)."""
        return self.height / 7.5

    @property
    def outer(self) -> np.ndarray:
        """The outermost garment's colour: the jacket if worn, else the top."""
        return self.jacket if self.jacket is not None else self.top


def _colour(path, where: str, value) -> np.ndarray:
    if not isinstance(value, str) or not _HEX.match(value):
        raise ConfigError(f"{path} {where} = {value!r}: expected a colour \"#rrggbb\"")
    return hex_rgb(value)


def _look(path, table_name: str, name: str, t: dict) -> Look:
    where = f"[{table_name}]"
    known = set(STYLES) | set(COLOURS) | set(OPTIONAL_COLOURS) | set(NUMBERS) | {"camo"}
    for key in t:
        if key not in known:
            raise ConfigError(f"{path} {where}: unknown key {key!r} "
                              f"(known: {', '.join(sorted(known))})")
    vals: dict = {"name": name}
    for key, allowed in STYLES.items():
        v = t.get(key)
        if v not in allowed:
            raise ConfigError(f"{path} {where} {key} = {v!r}: expected one of "
                              f"{', '.join(allowed)}")
        vals[key] = v
    for key, (lo, hi) in NUMBERS.items():
        v = t.get(key)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
            raise ConfigError(f"{path} {where} {key} = {v!r}: expected a number "
                              f"{lo:g} to {hi:g}")
        vals[key] = float(v)
    for key in COLOURS:
        vals[key] = _colour(path, f"{where} {key}", t.get(key))
    for key in OPTIONAL_COLOURS:
        if key in t:
            vals[key] = _colour(path, f"{where} {key}", t[key])
    if "camo" in t:
        c = t["camo"]
        if not isinstance(c, list) or len(c) < 2:
            raise ConfigError(f"{path} {where} camo = {c!r}: expected a list of 2+ colours")
        vals["camo"] = np.stack([_colour(path, f"{where} camo[{i}]", x)
                                 for i, x in enumerate(c)])
    return Look(**vals)


class Cast:
    """The looks in a cast file: `character` entries by actor name and `kind` defaults."""

    def __init__(self, path: Path, characters: dict[str, Look], kinds: dict[str, Look]):
        self.path, self.characters, self.kinds = path, characters, kinds

    def look(self, name: str, kind: str) -> Look:
        """The look for actor `name` of `kind`: its own entry, else its kind's default
        (soldiers are extras); a name with neither is a ConfigError naming the file."""
        if name in self.characters:
            return self.characters[name]
        if kind in self.kinds:
            return self.kinds[kind]
        raise ConfigError(f"{self.path}: no [character.{name}] (kind {kind!r}) and no "
                          f"[kind.{kind}] default (characters: "
                          f"{', '.join(self.characters)}; kinds: {', '.join(self.kinds)})")


def load_cast(path: Path | None = None) -> Cast:
    """Read and validate a cast file (default scenes/cast.toml); errors name file and key."""
    path = Path(path or CAST_FILE)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from e
    out: dict[str, dict[str, Look]] = {"character": {}, "kind": {}}
    for section, tables in data.items():
        if section not in out or not isinstance(tables, dict):
            raise ConfigError(f"{path}: unknown table [{section}] (expected [character.NAME] "
                              f"or [kind.KIND])")
        for name, t in tables.items():
            if not isinstance(t, dict):
                raise ConfigError(f"{path} [{section}] {name} = {t!r}: expected a table")
            if section == "kind" and name not in STYLES["kind"]:
                raise ConfigError(f"{path} [kind.{name}]: unknown kind {name!r} (expected "
                                  f"one of {', '.join(STYLES['kind'])})")
            out[section][name] = _look(path, f"{section}.{name}", name, t)
    return Cast(path, out["character"], out["kind"])


# ----------------------------------------------------------------------- skeleton
@dataclass(frozen=True)
class Skeleton:
    """Rest offsets (J, 3) metres of each joint from its parent (pelvis: from the feet
    origin) and bone lengths, all derived from a Look's height, sex and build."""

    offsets: np.ndarray
    upper_arm: float
    forearm: float
    thigh: float
    shin: float
    ankle: float


def skeleton(look: Look) -> Skeleton:
    h = look.head
    male = look.sex == "m"
    shoulder = (0.92 if male else 0.78) * look.build * h     # half-width, joint to joint
    hip = (0.40 if male else 0.46) * h
    off = np.zeros((len(JOINTS), 3))
    off[PELVIS] = (0, 0, 4.0 * h)
    off[TORSO] = (0, 0, 0.55 * h)
    off[HEAD] = (0.02 * h, 0, 1.8 * h)
    off[SHOULDER_L] = (0, shoulder, 1.6 * h)
    off[SHOULDER_R] = (0, -shoulder, 1.6 * h)
    off[ELBOW_L] = off[ELBOW_R] = (0, 0, -1.45 * h)
    off[HIP_L] = (0, hip, 0)
    off[HIP_R] = (0, -hip, 0)
    off[KNEE_L] = off[KNEE_R] = (0, 0, -2.0 * h)
    return Skeleton(off, 1.45 * h, 1.75 * h, 2.0 * h, 1.7 * h, 0.3 * h)


# ------------------------------------------------------------------------- meshes
def _camo(look: Look, mesh: Mesh, salt: str) -> Mesh:
    """Recolour a garment mesh face by face from the look's camouflage palette."""
    if look.camo is None:
        return mesh
    rng = stream(0, f"cast.camo.{look.name}.{salt}")
    faces = look.camo[rng.integers(0, len(look.camo), len(mesh.v) // 3)]
    mesh.c[:, :3] = np.repeat(faces, 3, axis=0)
    return mesh


def _head_parts(look: Look) -> list[Mesh]:
    h = look.head
    x0 = 0.04 * h
    zs = np.array([0.28, 0.5, 0.9, 1.15, 1.3]) * h
    rx = np.array([0.22, 0.42, 0.47, 0.40, 0.2]) * h
    ry = np.array([0.17, 0.32, 0.35, 0.31, 0.15]) * h
    ctr = np.column_stack([np.full(5, x0), np.zeros(5), zs])
    parts = [loft([[0, 0, -0.05 * h], [0, 0, 0.45 * h]], 0.19 * h, 0.18 * h, look.skin, 6),
             loft(ctr, rx, ry, look.skin, 8)]
    # eyes and brows: small dark marks that say which way the face looks
    for y in (0.14 * h, -0.14 * h):
        parts.append(box((x0 + 0.40 * h, y - 0.06 * h, 0.84 * h),
                         (x0 + 0.47 * h, y + 0.06 * h, 0.92 * h), (30, 24, 22)))
    hair = look.hair
    style = look.hair_style
    cap_lo = 0.78 if style != "buzz" else 0.86
    grow = 1.05 if style == "buzz" else 1.1
    cz = np.concatenate([[cap_lo * h], zs[zs > cap_lo * h + 1e-9]])  # the head above cap_lo
    cx = np.interp(cz, zs, rx) * grow
    cy = np.interp(cz, zs, ry) * grow
    cz = cz.copy()
    cz[-1] += 0.06 * h
    parts.append(loft(np.column_stack([np.full(len(cz), x0 - 0.05 * h), np.zeros(len(cz)), cz]),
                      cx, cy, hair, 8))
    if style in ("short",):  # a fringe over the forehead
        parts.append(box((x0 + 0.25 * h, -0.3 * h, 1.0 * h), (x0 + 0.47 * h, 0.3 * h, 1.2 * h),
                         hair))
    if style in ("long", "bob"):
        bottom = -1.6 * h if style == "long" else 0.35 * h
        # a curtain behind and beside the face, straight down
        parts.append(loft([[x0 - 0.2 * h, 0, bottom], [x0 - 0.15 * h, 0, 0.7 * h],
                           [x0 - 0.05 * h, 0, 1.15 * h]],
                          np.array([0.2, 0.36, 0.42]) * h, np.array([0.42, 0.4, 0.38]) * h,
                          hair, 8))
        for y in (0.34 * h, -0.34 * h):
            parts.append(box((x0 + 0.05 * h, y - 0.06 * h, (bottom + 0.6 * h) if style == "long"
                              else 0.4 * h), (x0 + 0.4 * h, y + 0.06 * h, 1.15 * h), hair))
    if style == "ponytail":
        parts.append(loft([[x0 - 0.45 * h, 0, 1.0 * h], [x0 - 0.62 * h, 0, 0.55 * h],
                           [x0 - 0.6 * h, 0, -0.2 * h]], np.array([0.12, 0.13, 0.05]) * h,
                          np.array([0.12, 0.13, 0.05]) * h, hair, 6))
    if look.helmet is not None:
        parts.append(loft([[x0, 0, 0.82 * h], [x0, 0, 1.05 * h], [x0, 0, 1.3 * h],
                           [x0, 0, 1.45 * h]], np.array([0.58, 0.56, 0.5, 0.25]) * h,
                          np.array([0.48, 0.46, 0.42, 0.2]) * h, look.helmet, 10))
    return parts


def _torso_parts(look: Look, sk: Skeleton) -> list[Mesh]:
    h = look.head
    male = look.sex == "m"
    s = abs(sk.offsets[SHOULDER_L, 1])
    waist = sk.offsets[HIP_L, 1] + (0.22 if male else 0.12) * h
    zs = np.array([-0.05, 0.75, 1.45, 1.72, 1.85]) * h
    ry = np.array([waist, waist + (0.14 if male else 0.18) * h, s + 0.16 * h, s + 0.06 * h,
                   0.45 * s])
    rx = np.array([0.40, 0.48 if male else 0.52, 0.46, 0.40, 0.28]) * h
    ctr = np.column_stack([np.zeros(5), np.zeros(5), zs])
    out = look.outer
    parts = [_camo(look, loft(ctr, rx, ry, out, 8), "torso")]
    front = rx[2] + 0.01 * h
    if look.top_style != "fatigues":
        # the open front: shirt (and the blazer/top under a jacket) in a V down the chest
        v = np.array([[front, -0.28 * h, 1.78 * h], [front, 0.28 * h, 1.78 * h],
                      [front, 0.0, 0.95 * h]])
        under = look.top if look.jacket is not None else look.shirt
        parts.append(_plate(v, under, 0.03 * h))
        if look.jacket is not None:
            v2 = v.copy()
            v2[:, 0] += 0.012 * h
            v2[:2, 1] *= 0.55
            v2[2, 2] = 1.3 * h
            parts.append(_plate(v2, look.shirt, 0.03 * h))
        if look.top_style != "hoodie":
            parts.append(box((front, -0.05 * h, 1.05 * h), (front + 0.05 * h, 0.05 * h,
                                                             1.72 * h), look.tie))
        else:  # the hood bunched behind the neck
            parts.append(loft([[-0.3 * h, 0, 1.6 * h], [-0.35 * h, 0, 1.95 * h]],
                              [0.22 * h, 0.18 * h], [0.38 * h, 0.3 * h], look.top, 8))
    if look.jacket is not None:  # the coat's hem hangs over the hips
        parts.append(loft([[0, 0, -0.75 * h], [0, 0, 0.0]], [rx[0] * 1.15, rx[0] * 1.08],
                          [waist * 1.25, waist * 1.08], look.jacket, 8, caps=True))
    if look.helmet is not None:  # a plate carrier over the fatigues
        parts.append(box((-0.5 * h, -s * 0.85, 0.4 * h), (0.52 * h, s * 0.85, 1.6 * h),
                         np.clip(look.top.astype(int) - 18, 0, 255)))
    return parts


def _plate(tri: np.ndarray, color, depth: float) -> Mesh:
    """A thin triangular plate facing +X (collar V, lapels)."""
    lo = tri - np.array([depth, 0, 0])
    t = np.array([tri, lo[::-1], [tri[0], lo[0], lo[1]], [tri[0], lo[1], tri[1]],
                  [tri[1], lo[1], lo[2]], [tri[1], lo[2], tri[2]], [tri[2], lo[2], lo[0]],
                  [tri[2], lo[0], tri[0]]])
    return from_triangles(t, color, np.broadcast_to(tri.mean(0) - [depth / 2, 0, 0],
                                                    (len(t), 3)))


def _pelvis_parts(look: Look, sk: Skeleton) -> list[Mesh]:
    h = look.head
    hip = abs(sk.offsets[HIP_L, 1])
    male = look.sex == "m"
    wide = hip + (0.26 if male else 0.30) * h
    pel = loft([[0, 0, -0.45 * h], [0, 0, 0.1 * h], [0, 0, 0.6 * h]],
               np.array([0.36, 0.44, 0.4]) * h, [hip + 0.16 * h, wide, wide * 0.95],
               look.bottom_color, 8)
    parts = [_camo(look, pel, "pelvis")]
    if look.bottom == "skirt":  # pleated skirt flaring to above the knee
        parts.append(loft([[0, 0, -1.05 * h], [0, 0, 0.5 * h]], [0.72 * h, 0.44 * h],
                          [wide * 1.35, wide * 1.02], look.bottom_color, 10))
    if look.jacket is None and look.top_style in ("cardigan", "hoodie", "jacket"):
        # the top's hem over the waistband
        parts.append(loft([[0, 0, 0.3 * h], [0, 0, 0.62 * h]], [0.43 * h, 0.42 * h],
                          [wide * 1.02, wide], look.top, 8))
    return parts


def _arm_parts(look: Look, sk: Skeleton, side: float) -> tuple[list[Mesh], list[Mesh]]:
    h = look.head
    sleeve = look.outer
    upper = [_camo(look, loft([[0, 0, 0.15 * h], [0, 0, -0.3 * h], [0, 0, -sk.upper_arm]],
                              np.array([0.22, 0.22, 0.17]) * h,
                              np.array([0.2, 0.21, 0.16]) * h, sleeve, 6), f"arm{side}")]
    fl = sk.forearm - 0.7 * h
    fore = [_camo(look, loft([[0, 0, 0.05 * h], [0, 0, -fl]], [0.17 * h, 0.13 * h],
                             [0.16 * h, 0.12 * h], sleeve, 6), f"fore{side}"),
            loft([[0.02 * h, 0, -fl + 0.05 * h], [0.03 * h, 0, -fl - 0.3 * h],
                  [0.02 * h, 0, -sk.forearm]], np.array([0.1, 0.14, 0.09]) * h,
                 np.array([0.07, 0.07, 0.05]) * h, look.skin, 6)]
    if look.helmet is not None and side < 0:  # a rifle in the right hand, muzzle down-forward
        rifle = merge([box((-0.05 * h, -0.03 * h, -0.4 * h), (0.05 * h, 0.03 * h, 3.4 * h),
                           (28, 28, 26)),
                       box((-0.03 * h, -0.06 * h, 0.6 * h), (0.25 * h, 0.06 * h, 1.0 * h),
                           (28, 28, 26))])
        fore.append(rifle.transformed(matrix(rot_y(1.9), (0.15 * h, 0, -sk.forearm + 0.35 * h))))
    return upper, fore


def _leg_parts(look: Look, sk: Skeleton, side: float) -> tuple[list[Mesh], list[Mesh]]:
    h = look.head
    cloth = look.legs if look.bottom == "skirt" else look.bottom_color
    thigh = [_camo(look, loft([[0, 0, 0.25 * h], [0, 0, -0.8 * h], [0, 0, -sk.thigh]],
                              np.array([0.32, 0.3, 0.21]) * h,
                              np.array([0.3, 0.27, 0.2]) * h, cloth, 7), f"thigh{side}")]
    drop = sk.shin
    shin = [_camo(look, loft([[0, 0, 0.05 * h], [0.02 * h, 0, -0.6 * h], [0, 0, -drop]],
                             np.array([0.21, 0.22, 0.15]) * h,
                             np.array([0.2, 0.2, 0.14]) * h, cloth, 7), f"shin{side}"),
            box((-0.22 * h, -0.15 * h, -drop - sk.ankle),
                (0.74 * h, 0.15 * h, -drop + 0.05 * h), look.shoes)]
    return thigh, shin


def figure_meshes(look: Look) -> list[Mesh]:
    """One Mesh per joint of `JOINTS`, in that joint's local frame (metres)."""
    sk = skeleton(look)
    ul, fl = _arm_parts(look, sk, 1.0)
    ur, fr = _arm_parts(look, sk, -1.0)
    tl, sl = _leg_parts(look, sk, 1.0)
    tr, sr = _leg_parts(look, sk, -1.0)
    parts = {PELVIS: _pelvis_parts(look, sk), TORSO: _torso_parts(look, sk),
             HEAD: _head_parts(look), SHOULDER_L: ul, ELBOW_L: fl, SHOULDER_R: ur,
             ELBOW_R: fr, HIP_L: tl, KNEE_L: sl, HIP_R: tr, KNEE_R: sr}
    return [merge(parts[j]) for j in range(len(JOINTS))]


# -------------------------------------------------------------------------- poses
@dataclass(frozen=True)
class Pose:
    """root (3,) metres: the pelvis's offset from its rest place; angles (J, 3) radians
    (rx, ry, rz) per joint of `JOINTS` (row 0 turns the whole body about the pelvis)."""

    root: np.ndarray
    angles: np.ndarray


def joint_matrices(sk: Skeleton, pose: Pose, local: bool = True) -> np.ndarray:
    """(J, 4, 4) column-vector transforms: each joint in its parent's frame (local=True,
    what the scene graph wants) or in the figure's frame (feet origin, facing +X). A
    joint turns by its angles (x, y, z) as rot_z @ rot_y @ rot_x, written out for all
    joints at once (a dozen small matrix products per figure cost more than the pose)."""
    (cx, cy, cz), (sx, sy, sz) = np.cos(pose.angles).T, np.sin(pose.angles).T
    loc = np.zeros((len(JOINTS), 4, 4))
    loc[:, 0, :3] = np.stack([cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx], 1)
    loc[:, 1, :3] = np.stack([sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx], 1)
    loc[:, 2, :3] = np.stack([-sy, cy * sx, cy * cx], 1)
    loc[:, :3, 3] = sk.offsets
    loc[PELVIS, :3, 3] += pose.root
    loc[:, 3, 3] = 1.0
    if local:
        return loc
    world = np.empty_like(loc)
    for j in range(len(JOINTS)):
        world[j] = loc[j] if PARENT[j] < 0 else world[PARENT[j]] @ loc[j]
    return world


def _two_bone(forward: float, down: float, l1: float, l2: float, knee: bool):
    """Sagittal two-bone reach: the end of a chain hanging from its joint must land
    `forward` and `down` metres away. Returns (swing forward, flex) radians; a knee
    bends backward (the thigh swings past the line), an elbow forward."""
    dist = float(np.clip(np.hypot(forward, down), abs(l1 - l2) + 1e-4, l1 + l2 - 1e-4))
    line = np.arctan2(forward, down)
    inner = np.arccos(np.clip((l1 * l1 + l2 * l2 - dist * dist) / (2 * l1 * l2), -1, 1))
    alpha = np.arccos(np.clip((l1 * l1 + dist * dist - l2 * l2) / (2 * l1 * dist), -1, 1))
    flex = np.pi - inner
    return (line + alpha, flex) if knee else (line - alpha, flex)


def _smooth(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _base(sk: Skeleton, t: float, seed: float) -> Pose:
    """Standing at ease, breathing: arms a little out, elbows soft, a slow weight sway."""
    a = np.zeros((len(JOINTS), 3))
    br = np.sin(2 * np.pi * t / BREATH_PERIOD.default + seed)
    sway = np.sin(2 * np.pi * t / 7.3 + 1.7 * seed)
    a[TORSO, 1] = 0.015 * br
    a[HEAD, 1] = -0.01 * br + 0.03
    a[SHOULDER_L] = (0.08 + 0.01 * br, 0.02, 0)
    a[SHOULDER_R] = (-0.08 - 0.01 * br, 0.02, 0)
    a[ELBOW_L, 1] = a[ELBOW_R, 1] = -0.15
    a[PELVIS, 0] = 0.015 * sway
    a[HIP_L, 0] = a[HIP_R, 0] = -0.015 * sway
    a[KNEE_L, 1] = a[KNEE_R, 1] = 0.03
    return Pose(np.array([0.0, 0.0, 0.004 * br]), a)


def _gait(sk: Skeleton, phase: float, run: bool) -> Pose:
    """One stride cycle: thighs swing in antiphase, the knee bends most early in the
    swing, arms counter-swing, the pelvis bobs twice a cycle and twists against the
    shoulders; running leans the torso and bends the elbows hard."""
    f = RUN_CADENCE.default if run else WALK_CADENCE.default
    ph = 2 * np.pi * f * phase
    a = np.zeros((len(JOINTS), 3))
    amp, bias = (0.78, 0.22) if run else (0.42, 0.04)
    kmax, k0 = (1.9, 0.3) if run else (1.05, 0.08)
    for hip, knee, shoulder, elbow, off, side in (
            (HIP_L, KNEE_L, SHOULDER_L, ELBOW_L, 0.0, 1.0),
            (HIP_R, KNEE_R, SHOULDER_R, ELBOW_R, np.pi, -1.0)):
        p = ph + off
        swing = amp * np.sin(p) + bias
        a[hip, 1] = -swing
        a[knee, 1] = k0 + kmax * np.maximum(0.0, np.cos(p + (0.7 if run else 0.5))) ** 2
        arm = (0.75 if run else 0.38) * np.sin(p)   # opposite arm: this leg's phase
        a[shoulder, 1] = arm                           # ry = -(-arm): swings back
        a[shoulder, 0] = side * (0.12 if run else 0.07)
        a[elbow, 1] = -((1.45 if run else 0.25) + (0.25 if run else 0.2)
                        * np.maximum(0.0, -np.sin(p)))
    a[PELVIS, 2] = -(0.14 if run else 0.08) * np.sin(ph)
    a[TORSO, 2] = (0.22 if run else 0.13) * np.sin(ph)
    a[TORSO, 1] = (0.28 if run else 0.04) + 0.03 * np.cos(2 * ph)
    a[HEAD, 1] = -0.6 * a[TORSO, 1] + 0.03
    a[PELVIS, 0] = (0.05 if run else 0.035) * np.sin(ph)
    bob = (0.045 if run else 0.022) * np.cos(2 * ph) - (0.07 if run else 0.02)
    return Pose(np.array([0.0, 0.0, bob]), a)


def _jump(sk: Skeleton, phase: float) -> Pose:
    """Crouch (0-0.3 s: knees and hips fold, arms swing back), push off (0.3-0.45 s:
    legs straighten, arms thrust up), then tuck in the air (knees up, arms forward)."""
    h = sk.offsets[PELVIS, 2] / 4.0
    keys = np.zeros((4, len(JOINTS), 3))
    roots = np.zeros((4, 3))
    # 0: stand; 1: crouch; 2: extended; 3: tucked
    keys[1, HIP_L, 1] = keys[1, HIP_R, 1] = -1.1
    keys[1, KNEE_L, 1] = keys[1, KNEE_R, 1] = 1.7
    keys[1, TORSO, 1] = 0.55
    keys[1, SHOULDER_L, 1] = keys[1, SHOULDER_R, 1] = 0.9
    keys[1, ELBOW_L, 1] = keys[1, ELBOW_R, 1] = -0.3
    roots[1] = (0.0, 0.0, -1.1 * h)
    keys[2, TORSO, 1] = -0.05
    keys[2, HEAD, 1] = -0.2
    keys[2, SHOULDER_L, 1] = keys[2, SHOULDER_R, 1] = -2.7
    keys[2, SHOULDER_L, 0], keys[2, SHOULDER_R, 0] = 0.25, -0.25
    keys[2, HIP_L, 1], keys[2, HIP_R, 1] = 0.15, -0.1
    roots[2] = (0.0, 0.0, 0.05 * h)
    keys[3, HIP_L, 1] = keys[3, HIP_R, 1] = -1.3
    keys[3, KNEE_L, 1] = keys[3, KNEE_R, 1] = 1.6
    keys[3, TORSO, 1] = 0.35
    keys[3, SHOULDER_L, 1] = keys[3, SHOULDER_R, 1] = -1.6
    keys[3, ELBOW_L, 1] = keys[3, ELBOW_R, 1] = -0.4
    keys[3, SHOULDER_L, 0], keys[3, SHOULDER_R, 0] = 0.3, -0.3
    roots[3] = (0.0, 0.0, 0.4 * h)
    times = np.array([0.0, 0.3, 0.45, 0.75])
    i = int(np.clip(np.searchsorted(times, phase, side="right") - 1, 0, 2))
    w = _smooth((phase - times[i]) / (times[i + 1] - times[i]))
    return Pose(roots[i] * (1 - w) + roots[i + 1] * w, keys[i] * (1 - w) + keys[i + 1] * w)


def _fall(sk: Skeleton, phase: float, seed: float) -> Pose:
    """Flailing: arms windmill over the head out of step, legs pedal, back arched."""
    w = 2 * np.pi * 1.6 * phase + seed
    a = np.zeros((len(JOINTS), 3))
    a[SHOULDER_L] = (0.9 + 0.3 * np.sin(w * 1.3), -2.2 - 0.9 * np.sin(w), 0)
    a[SHOULDER_R] = (-0.9 - 0.3 * np.sin(w * 1.1 + 1), -2.2 - 0.9 * np.sin(w + 2.1), 0)
    a[ELBOW_L, 1] = -0.5 - 0.4 * np.sin(w + 0.7)
    a[ELBOW_R, 1] = -0.5 - 0.4 * np.sin(w + 2.9)
    a[HIP_L, 1] = -0.5 - 0.5 * np.sin(w * 0.9)
    a[HIP_R, 1] = -0.5 - 0.5 * np.sin(w * 0.9 + np.pi)
    a[KNEE_L, 1] = 0.8 + 0.5 * np.sin(w * 0.9 + 1.2)
    a[KNEE_R, 1] = 0.8 + 0.5 * np.sin(w * 0.9 + 1.2 + np.pi)
    a[TORSO, 1] = -0.25
    a[HEAD, 1] = -0.3
    ease = _smooth(phase / 0.25)
    return Pose(np.zeros(3), a * ease)


def _look_down(sk: Skeleton, t: float, seed: float) -> Pose:
    """Leaning over a parapet: hips back, torso and head bent forward and down, the
    right hand resting on the parapet top (two-bone reach), the left arm hanging
    plumb."""
    p = _base(sk, t, seed)
    a = p.angles.copy()
    a[PELVIS, 1] = 0.25
    a[TORSO, 1] += 0.6
    a[HEAD, 1] = 0.6
    a[HIP_L, 1] = a[HIP_R, 1] = -0.25      # legs stay plumb under the tipped pelvis
    root = p.root + np.array([-0.08, 0.0, -0.01])
    pose = Pose(root, a)
    world = joint_matrices(sk, pose, local=False)
    lean = a[PELVIS, 1] + a[TORSO, 1]
    reach = world[TORSO, :3, :3].T @ (np.array([0.38, -0.22, PARAPET_HEIGHT.default + 0.02])
                                      - world[SHOULDER_R, :3, 3])
    swing, flex = _two_bone(reach[0], -reach[2], sk.upper_arm, sk.forearm, knee=False)
    a[SHOULDER_R] = (-0.05, -swing, 0)
    a[ELBOW_R] = (0, -flex, 0)
    a[SHOULDER_L] = (0.06, -lean + 0.05, 0)   # swing forward by the lean: hangs plumb
    return Pose(root, a)


def _sit(sk: Skeleton, t: float, seed: float) -> Pose:
    """Sitting on the ground by a fire, knees up, forearms resting on the knees."""
    p = _base(sk, t, seed)
    a = p.angles.copy()
    h = sk.offsets[PELVIS, 2] / 4.0
    seat = 0.45 * h
    root = np.array([-0.3 * h, 0.0, seat - sk.offsets[PELVIS, 2]])
    swing, flex = _two_bone(2.3 * h, -(sk.ankle - seat), sk.thigh, sk.shin, knee=True)
    a[HIP_L] = (0.05, -swing, 0)
    a[HIP_R] = (-0.05, -swing, 0)
    a[KNEE_L, 1] = a[KNEE_R, 1] = flex
    a[TORSO, 1] = 0.3 + a[TORSO, 1]
    a[HEAD, 1] = 0.12
    pose = Pose(root, a)
    world = joint_matrices(sk, pose, local=False)
    for shoulder, elbow, knee in ((SHOULDER_L, ELBOW_L, KNEE_L), (SHOULDER_R, ELBOW_R, KNEE_R)):
        target = world[knee, :3, 3] + np.array([0.1 * h, 0.0, 0.1 * h])
        d = world[TORSO, :3, :3].T @ (target - world[shoulder, :3, 3])
        sw, fl = _two_bone(d[0], -d[2], sk.upper_arm, sk.forearm, knee=False)
        a[shoulder, 1] = -sw
        a[elbow, 1] = -fl
    return Pose(root, a)


def pose(look: Look, action: str, phase: float, t: float, seed: float = 0.0) -> Pose:
    """The figure's pose for `action` after `phase` seconds of it, at scene time `t`
    (idle motion), with a per-actor `seed` offsetting idle cycles. Pure."""
    sk = skeleton(look)
    if action == "stand":
        return _base(sk, t, seed)
    if action in ("walk", "run"):
        return _gait(sk, phase, action == "run")
    if action == "jump":
        return _jump(sk, phase)
    if action == "fall":
        return _fall(sk, phase, seed)
    if action == "look_down":
        return _look_down(sk, t, seed)
    if action == "sit":
        return _sit(sk, t, seed)
    raise ValueError(f"action {action!r} is not a person's (expected one of "
                     f"{', '.join(HUMAN_ACTIONS)})")


def actor_seed(name: str) -> float:
    """A stable idle-cycle offset in [0, 2 pi) from an actor's name."""
    return (zlib.crc32(name.encode("utf-8")) % 10007) / 10007.0 * 2 * np.pi
