"""The construction site next to the school: hoarding, an unfinished concrete frame
wrapped in scaffolding with an open elevator shaft, and a tower crane."""

from __future__ import annotations

import numpy as np

from sandbox.world import blueprint as bp
from sandbox.world.shapes import MeshBuilder, rgba
from sandbox.world.walls import wall_boxes

HOARDING = rgba(214, 214, 206)
HOARDING_BAND = rgba(46, 92, 150)
CONCRETE = rgba(168, 166, 160)
SLAB_TOP = rgba(150, 148, 142)
SCAFFOLD = rgba(150, 150, 154)
PLANK = rgba(156, 120, 74)
NETTING = rgba(60, 110, 80, 110)
CRANE = rgba(232, 186, 40)
GRAVEL = rgba(132, 124, 112)


def _scaffold(b: MeshBuilder, glass: MeshBuilder) -> None:
    """Tubes and boards 1 m outside the frame on all four sides, lifts every 2 m."""
    t = bp.TOWER.grow(bp.SCAFFOLD_OFFSET)
    top = bp.TOWER_FLOORS * bp.TOWER_FLOOR_H + 1.0
    lifts = np.arange(2.0, top + 0.01, 2.0)
    tube = 0.06
    corners = [(t.x0, t.y0), (t.x1, t.y0), (t.x1, t.y1), (t.x0, t.y1)]
    for k in range(4):
        (ax, ay), (ex, ey) = corners[k], corners[(k + 1) % 4]
        length = np.hypot(ex - ax, ey - ay)
        n = int(np.ceil(length / 2.5))
        for i in range(n):           # standards (vertical tubes)
            s = i / n
            x, y = ax + s * (ex - ax), ay + s * (ey - ay)
            b.beam((x, y, 0.0), (x, y, top), tube, colour=SCAFFOLD)
        for z in lifts:              # ledgers (horizontal tubes)
            b.beam((ax, ay, z), (ex, ey, z), tube, colour=SCAFFOLD)
        for z0 in lifts[:-1:3]:      # a diagonal brace every third lift
            b.beam((ax, ay, z0), (ex, ey, min(z0 + 6.0, top)), tube, colour=SCAFFOLD)
        # boards every other lift and a green debris net over the outer face (translucent)
        nx, ny = (ey - ay) / length, -(ex - ax) / length        # outward normal (CCW ring)
        for z in lifts[::2]:
            p0 = np.array([ax, ay]) - np.array([nx, ny]) * 0.5
            p1 = np.array([ex, ey]) - np.array([nx, ny]) * 0.5
            b.beam((*p0, z - 0.03), (*p1, z - 0.03), 0.7, 0.05, PLANK)
        glass.quad((ax, ay, 0.0), (ex, ey, 0.0), (ex, ey, top), (ax, ay, top), NETTING, True)


def _frame(b: MeshBuilder) -> None:
    t = bp.TOWER
    for f in range(1, bp.TOWER_FLOORS + 1):
        z = f * bp.TOWER_FLOOR_H
        hole = bp.SHAFT
        # slab around the open shaft (the shaft sits at the slab's south-east corner)
        b.box((t.x0 - 0.3, t.y0 - 0.3, z - 0.25), (hole.x0, t.y1 + 0.3, z), {"top": SLAB_TOP, "side": CONCRETE})
        b.box((hole.x0, hole.y1, z - 0.25), (t.x1 + 0.3, t.y1 + 0.3, z), {"top": SLAB_TOP, "side": CONCRETE})
        b.box((hole.x0, t.y0 - 0.3, z - 0.25), (t.x1 + 0.3, hole.y0, z), {"top": SLAB_TOP, "side": CONCRETE})
    h = bp.TOWER_FLOORS * bp.TOWER_FLOOR_H
    for c in bp.tower_columns():
        b.box((c.x0, c.y0, 0.0), (c.x1, c.y1, h + 1.2), CONCRETE, skip=("bottom",))
        # rebar stubs sticking out of the top
        cx, cy = c.centre
        b.beam((cx, cy, h + 1.2), (cx, cy, h + 2.2), 0.05, colour=rgba(110, 70, 50))
    for r in bp.shaft_walls():
        b.box((r.x0, r.y0, 0.0), (r.x1, r.y1, h + 2.5), CONCRETE, skip=("bottom",))


def _crane(b: MeshBuilder) -> None:
    x, y = bp.CRANE_XY
    h, m = bp.CRANE_H, 1.0
    b.box((x - 2.5, y - 2.5, 0.0), (x + 2.5, y + 2.5, 1.0), CONCRETE, skip=("bottom",))
    cs = [(x - m, y - m), (x + m, y - m), (x + m, y + m), (x - m, y + m)]
    for cx, cy in cs:
        b.beam((cx, cy, 1.0), (cx, cy, h), 0.15, colour=CRANE)
    for z in np.arange(1.0, h - 2.0, 3.0):           # lattice: zig-zag on each face
        for k in range(4):
            (ax, ay), (ex, ey) = cs[k], cs[(k + 1) % 4]
            b.beam((ax, ay, z), (ex, ey, z + 3.0), 0.08, colour=CRANE)
    # jib east over the site, counter-jib west with its ballast, operator's cab
    b.beam((x, y, h + 0.6), (x - bp.CRANE_JIB, y, h + 0.6), 1.2, 1.2, CRANE)
    b.beam((x, y, h + 0.6), (x + 12.0, y, h + 0.6), 1.2, 1.0, CRANE)
    b.box((x + 8.0, y - 1.0, h - 1.2), (x + 11.0, y + 1.0, h), CONCRETE)
    b.box((x - 1.2, y - 2.4, h - 2.5), (x + 1.2, y - 1.0, h), rgba(220, 220, 214))
    b.beam((x, y, h + 0.6), (x, y, h + 6.0), 0.4, colour=CRANE)
    for end in (x - bp.CRANE_JIB * 0.7, x + 11.0):
        b.beam((x, y, h + 6.0), (end, y, h + 1.2), 0.06, colour=SCAFFOLD)
    hx = x - bp.CRANE_JIB * 0.6
    b.beam((hx, y, h), (hx, y, 14.0), 0.03, colour=rgba(40, 40, 40))   # hook cable
    b.box((hx - 0.3, y - 0.3, 13.2), (hx + 0.3, y + 0.3, 14.0), rgba(40, 40, 40))


def build_construction() -> tuple[MeshBuilder, MeshBuilder]:
    """(opaque, translucent) builders of the construction site."""
    b, glass = MeshBuilder(), MeshBuilder()
    s = bp.SITE
    b.box((s.x0, s.y0, -0.1), (s.x1, s.y1, 0.015), GRAVEL, skip=("bottom",))
    for w in bp.site_hoarding():
        wall_boxes(b, w, HOARDING)
        # blue band along the top of the hoarding, on the outer face
        for seg in w.segments(0.0):
            g = seg.grow(0.02)
            b.box((g.x0, g.y0, w.height - 0.5), (g.x1, g.y1, w.height), HOARDING_BAND)
    _frame(b)
    _scaffold(b, glass)
    _crane(b)
    # material stacks
    for k, (x, y) in enumerate(((-130.0, -20.0), (-134.0, -14.0), (-168.0, 20.0))):
        b.box((x, y, 0.0), (x + 4.0, y + 1.5, 0.6 + 0.3 * k), PLANK, skip=("bottom",))
    return b, glass
