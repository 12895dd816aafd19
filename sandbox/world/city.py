"""The city of Hyosan around the school: asphalt streets with markings, raised sidewalk
blocks, rows of apartment slabs (15-25 floors) with balcony bands and their big painted
block numbers, and lower shop buildings with signage along the downtown avenue.
"""

from __future__ import annotations

import numpy as np

from sandbox.world import blueprint as bp
from sandbox.world.blueprint import Building, Rect
from sandbox.world.shapes import MeshBuilder, rgba

ASPHALT = rgba(72, 74, 78)
CENTRE_LINE = rgba(222, 182, 48)
ZEBRA = rgba(228, 228, 222)
SIDEWALK = rgba(176, 170, 160)
KERB = rgba(150, 148, 142)
APT_WALLS = (rgba(236, 234, 226), rgba(226, 222, 206), rgba(214, 218, 220), rgba(232, 224, 214))
APT_BAND = rgba(52, 64, 76)           # balcony glazing
APT_RAIL = rgba(200, 200, 196)
NUMBER = rgba(44, 52, 70)             # painted block numbers
ROOF = rgba(150, 150, 146)
SHOP_WALLS = (rgba(200, 190, 170), rgba(176, 170, 166), rgba(214, 206, 192), rgba(160, 150, 140),
              rgba(190, 196, 200), rgba(210, 200, 204))
SHOP_GLASS = rgba(40, 50, 60)
SIGN_COLOURS = (rgba(200, 40, 40), rgba(240, 200, 40), rgba(40, 110, 200), rgba(240, 120, 30),
                rgba(40, 160, 90), rgba(230, 230, 230))

Z_ROAD = 0.02
Z_WALK = 0.15

# seven-segment digits: segment -> (s0, t0, s1, t1) in a unit cell (width 1, height 2)
_K = 0.22
_SEG = {"a": (0, 2 - _K, 1, 2), "d": (0, 0, 1, _K), "g": (0, 1 - _K / 2, 1, 1 + _K / 2),
        "f": (0, 1, _K, 2), "e": (0, 0, _K, 1), "b": (1 - _K, 1, 1, 2), "c": (1 - _K, 0, 1, 1)}
_DIGITS = {"0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg", "5": "acdfg",
           "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg"}


def face_quad(b: MeshBuilder, origin, right, s0: float, s1: float, t0: float, t1: float,
              colour) -> None:
    """A quad on a vertical face: origin + s * right + t * up; the normal is right x up."""
    o = np.asarray(origin, np.float64)
    r = np.asarray(right, np.float64)
    up = np.array([0.0, 0.0, 1.0])
    b.quad(o + s0 * r + t0 * up, o + s1 * r + t0 * up, o + s1 * r + t1 * up, o + s0 * r + t1 * up, colour)


def painted_number(b: MeshBuilder, text: str, origin, right, height: float, colour=NUMBER) -> None:
    """`text` as seven-segment digits `height` tall, left edge at `origin` (on the face)."""
    w = height / 2
    gap = w * 0.35
    for i, ch in enumerate(text):
        s = i * (w + gap)
        for seg in _DIGITS.get(ch, ""):
            s0, t0, s1, t1 = _SEG[seg]
            face_quad(b, origin, right, s + s0 * w, s + s1 * w, t0 * w, t1 * w, colour)


def _faces(r: Rect, off: float):
    """(origin, right, length) of the four vertical faces, seen from outside, pushed out by off."""
    return [((r.x0, r.y0 - off, 0.0), (1.0, 0.0, 0.0), r.w),        # south
            ((r.x1, r.y1 + off, 0.0), (-1.0, 0.0, 0.0), r.w),       # north
            ((r.x1 + off, r.y0, 0.0), (0.0, 1.0, 0.0), r.h),        # east
            ((r.x0 - off, r.y1, 0.0), (0.0, -1.0, 0.0), r.h)]       # west


def _apartment(b: MeshBuilder, bd: Building) -> None:
    r, h = bd.rect, bd.height
    wall = APT_WALLS[bd.tint % len(APT_WALLS)]
    b.box((r.x0, r.y0, 0.0), (r.x1, r.y1, h), {"top": ROOF, "side": wall}, skip=("bottom",))
    b.box((r.x0 + 3, r.y0 + 3, h), (r.x0 + 9, r.y1 - 3, h + 3.0), wall, skip=("bottom",))
    fl = 2.8
    faces = _faces(r, 0.03)
    for origin, right, length in faces[:2]:        # balcony bands on the long faces
        o = np.array(origin)
        for f in range(1, bd.floors):
            face_quad(b, o, right, 1.2, length - 1.2, f * fl + 0.9, f * fl + 2.3, APT_BAND)
        # party walls between flats: light vertical strips over the bands
        o2 = o + np.array([0.0, 0.0, 0.0]) + 0.01 * np.cross(right, [0, 0, 1])
        for k in range(1, int(length // 10)):
            s = k * length / int(length // 10)
            face_quad(b, o2, right, s - 0.4, s + 0.4, fl, h - 0.4, wall)
        face_quad(b, o2, right, 0.0, length, h - 0.6, h - 0.2, APT_RAIL)
    # big block number near the top of both end walls, and a thin stripe under it
    text = str(bd.number)
    dh = 5.0
    width = len(text) * dh / 2 + (len(text) - 1) * dh / 2 * 0.35
    for origin, right, length in faces[2:]:
        o = np.array(origin) + np.array([0.0, 0.0, h - dh - 2.0])
        painted_number(b, text, o + np.array(right) * (length - width) / 2, right, dh)
        face_quad(b, np.array(origin), right, 0.0, length, h - dh - 3.4, h - dh - 3.0, NUMBER)


def _shop(b: MeshBuilder, bd: Building, rng: np.random.Generator) -> None:
    r, h = bd.rect, bd.height
    wall = SHOP_WALLS[bd.tint % len(SHOP_WALLS)]
    b.box((r.x0, r.y0, 0.0), (r.x1, r.y1, h), {"top": ROOF, "side": wall}, skip=("bottom",))
    for origin, right, length in _faces(r, 0.03):
        o = np.array(origin)
        face_quad(b, o, right, 0.6, length - 0.6, 0.3, 3.0, SHOP_GLASS)          # shopfront
        for f in range(1, bd.floors):
            face_quad(b, o, right, 0.8, length - 0.8, f * 3.6 + 0.9, f * 3.6 + 2.7, SHOP_GLASS)
        # a few bright signs (boxes standing out of the facade)
        n = int(rng.integers(1, 4))
        for k in range(n):
            f = int(rng.integers(0, bd.floors))
            s0 = float(rng.uniform(0.5, max(0.6, length - 6)))
            col = SIGN_COLOURS[int(rng.integers(0, len(SIGN_COLOURS)))]
            face_quad(b, o + 0.02 * np.cross(right, [0, 0, 1]), right, s0, min(length - 0.3, s0 + 5.0),
                      f * 3.6 + 2.75, f * 3.6 + 3.5, col)


def _roads(b: MeshBuilder) -> None:
    for r in bp.ROADS:
        b.quad((r.x0, r.y0, Z_ROAD), (r.x1, r.y0, Z_ROAD), (r.x1, r.y1, Z_ROAD), (r.x0, r.y1, Z_ROAD),
               ASPHALT)
    # dashed centre lines, skipping crossings
    for r in bp.ROADS:
        along_x = r.w > r.h
        length = r.w if along_x else r.h
        starts = np.arange(2.0, length - 4.0, 8.0)
        for s in starts:
            if along_x:
                p = np.array([[r.x0 + s, r.centre[1]], [r.x0 + s + 4.0, r.centre[1]]])
            else:
                p = np.array([[r.centre[0], r.y0 + s], [r.centre[0], r.y0 + s + 4.0]])
            mid = p.mean(0)
            if any(o is not r and o.grow(1.0).contains(mid[None])[0] for o in bp.ROADS):
                continue
            b.strip(p, 0.18, Z_ROAD + 0.005, CENTRE_LINE)
    # zebra crossings at the school gate and at downtown
    for cx, cy, along_x in ((0.0, -50.0, True), (0.0, -140.0, True), (0.0, -172.0, True)):
        for k in range(-4, 5):
            x = cx + k * 1.0
            b.strip(np.array([[x, cy - 2.5], [x, cy + 2.5]]), 0.5, Z_ROAD + 0.005, ZEBRA)


def _sidewalks(b: MeshBuilder) -> None:
    for blk in bp.CITY_BLOCKS:
        b.box((blk.x0, blk.y0, -0.1), (blk.x1, blk.y1, Z_WALK), {"top": SIDEWALK, "side": KERB},
              skip=("bottom",))
    # pavement outside the school wall along the school road
    p = bp.PERIMETER
    b.box((p.x0 - 10, p.y0 - 4.0, -0.1), (p.x1 + 10, p.y0 - 0.15, Z_WALK), {"top": SIDEWALK, "side": KERB},
          skip=("bottom",))


def build_city() -> MeshBuilder:
    """Streets, sidewalks and buildings of Hyosan (deterministic)."""
    from sandbox.rng import stream
    rng = stream(bp.SEED, "world.city.signs")
    b = MeshBuilder()
    _roads(b)
    _sidewalks(b)
    for bd in bp.city_buildings():
        if bd.kind == "apartment":
            _apartment(b, bd)
        else:
            _shop(b, bd, rng)
    return b
