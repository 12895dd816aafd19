"""School grounds: the dirt field with its running track and goals, the paved apron and
bleacher steps, the tennis courts, the perimeter wall with its gates, and the gymnasium.
"""

from __future__ import annotations

import numpy as np

from sandbox.world import blueprint as bp
from sandbox.world.shapes import MeshBuilder, rgba
from sandbox.world.walls import faces_towards, wall_boxes

DIRT = rgba(168, 116, 82)            # reddish-brown dirt
DIRT_EDGE = rgba(150, 104, 76)
LINE = rgba(238, 236, 228)
APRON = rgba(176, 172, 164)
CONCRETE = rgba(198, 194, 186)
COURT = rgba(72, 134, 88)
COURT_OUT = rgba(120, 82, 70)
NET = rgba(236, 236, 236)
FENCE = rgba(40, 88, 62)
MESH = rgba(30, 70, 48, 90)          # chain-link panels, translucent
PERIM = rgba(208, 202, 190)
PERIM_CAP = rgba(150, 146, 140)
GATE_STEEL = rgba(70, 74, 80)
GYM_WALL = rgba(232, 230, 224)
GYM_BASE = rgba(150, 96, 80)         # brick plinth
GYM_ROOF = rgba(66, 104, 150)        # blue arched roof
GYM_GLASS = rgba(40, 54, 66)

Z_FIELD = 0.02
Z_LINE = 0.035


def _oval(inner_r: float, straight: float, n_arc: int = 20) -> np.ndarray:
    """Closed stadium shape (k, 2) centred at the origin, straights along X."""
    a = np.linspace(-np.pi / 2, np.pi / 2, n_arc + 1)
    east = np.stack([straight / 2 + inner_r * np.cos(a), inner_r * np.sin(a)], 1)
    west = np.stack([-straight / 2 - inner_r * np.cos(a), -inner_r * np.sin(a)], 1)
    return np.vstack([east, west])


def _field(b: MeshBuilder) -> None:
    f = bp.FIELD
    b.box((f.x0, f.y0, -0.1), (f.x1, f.y1, Z_FIELD), {"top": DIRT, "side": DIRT_EDGE}, skip=("bottom",))
    for k in range(bp.TRACK_LANES + 1):
        b.strip(_oval(bp.TRACK_RADIUS + k * bp.TRACK_LANE_W, bp.TRACK_STRAIGHT), 0.08, Z_LINE, LINE,
                closed=True)
    # centre line, centre circle and goals of the football pitch inside the track
    b.strip(np.array([[0.0, -bp.TRACK_RADIUS + 2], [0.0, bp.TRACK_RADIUS - 2]]), 0.1, Z_LINE, LINE)
    a = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    b.strip(np.stack([6 * np.cos(a), 6 * np.sin(a)], 1), 0.1, Z_LINE, LINE, closed=True)
    for sx in (-1, 1):
        x = sx * (bp.TRACK_STRAIGHT / 2 + bp.TRACK_RADIUS - 3.0)
        gw, gh = bp.GOAL_W / 2, bp.GOAL_H
        for y in (-gw, gw):
            b.box((x - 0.06, y - 0.06, Z_FIELD), (x + 0.06, y + 0.06, gh), LINE, skip=("bottom",))
            b.beam((x, y, gh), (x + sx * bp.GOAL_D, y, 0.05), 0.06, colour=LINE)
        b.box((x - 0.06, -gw, gh - 0.12), (x + 0.06, gw, gh), LINE)


def _apron(b: MeshBuilder) -> None:
    a = bp.APRON
    b.box((a.x0, a.y0, -0.1), (a.x1, a.y1, Z_FIELD), APRON, skip=("bottom",))
    # paved yard around the building and the path to the back gate
    b.box((-100.0, 51.0, -0.1), (100.0, 56.0, Z_FIELD), APRON, skip=("bottom",))
    b.box((-2.5, 56.0, -0.1), (2.5, bp.PERIMETER.y1, Z_FIELD), APRON, skip=("bottom",))
    b.box((-2.5, bp.PERIMETER.y0, -0.1), (2.5, bp.FIELD.y0, Z_FIELD), APRON, skip=("bottom",))
    # bleacher steps facing the field
    r = bp.BLEACHERS
    n = 5
    for i in range(n):
        y0 = r.y0 + i * r.h / n
        b.box((r.x0, y0, 0.0), (r.x1, r.y1, 0.2 + 0.4 * (i + 1)), CONCRETE, skip=("bottom",))


def _tennis(b: MeshBuilder, glass: MeshBuilder) -> None:
    t = bp.TENNIS
    b.box((t.x0, t.y0, -0.1), (t.x1, t.y1, Z_FIELD), {"top": COURT_OUT, "side": COURT_OUT},
          skip=("bottom",))
    cw, cl = 10.97, 23.77
    for k in range(2):
        cx = t.x0 + t.w * (k + 0.5) / 2
        cy = t.centre[1]
        zc = Z_FIELD + 0.008
        b.quad((cx - cw / 2 - 2, cy - cl / 2 - 4, zc), (cx + cw / 2 + 2, cy - cl / 2 - 4, zc),
               (cx + cw / 2 + 2, cy + cl / 2 + 4, zc), (cx - cw / 2 - 2, cy + cl / 2 + 4, zc), COURT)
        outline = np.array([[cx - cw / 2, cy - cl / 2], [cx + cw / 2, cy - cl / 2],
                            [cx + cw / 2, cy + cl / 2], [cx - cw / 2, cy + cl / 2]])
        b.strip(outline, 0.06, Z_LINE, LINE, closed=True)
        for sx in (-1, 1):
            x = cx + sx * 4.115
            b.strip(np.array([[x, cy - cl / 2], [x, cy + cl / 2]]), 0.05, Z_LINE, LINE)
        for sy in (-1, 1):
            y = cy + sy * 6.4
            b.strip(np.array([[cx - 4.115, y], [cx + 4.115, y]]), 0.05, Z_LINE, LINE)
        b.strip(np.array([[cx, cy - 6.4], [cx, cy + 6.4]]), 0.05, Z_LINE, LINE)
        b.box((cx - cw / 2 - 0.5, cy - 0.02, 0.0), (cx + cw / 2 + 0.5, cy + 0.02, 0.95), NET,
              skip=("bottom",))
    for w in bp.tennis_fence():
        for seg in w.segments(0.0):
            # posts every ~3 m, three rails, a chain-link panel
            along = w.along_x
            u0, u1 = (seg.x0, seg.x1) if along else (seg.y0, seg.y1)
            c = w.a[1] if along else w.a[0]
            n = max(1, int(np.ceil((u1 - u0) / 3.0)))
            for k in range(n + 1):
                u = u0 + k * (u1 - u0) / n
                p = (u, c) if along else (c, u)
                b.box((p[0] - 0.04, p[1] - 0.04, 0.0), (p[0] + 0.04, p[1] + 0.04, w.height), FENCE,
                      skip=("bottom",))
            for z in (0.1, w.height / 2, w.height - 0.05):
                a, e = ((u0, c, z), (u1, c, z)) if along else ((c, u0, z), (c, u1, z))
                b.beam(a, e, 0.04, colour=FENCE)
            if along:
                glass.quad((u0, c, 0), (u1, c, 0), (u1, c, w.height), (u0, c, w.height), MESH, True)
            else:
                glass.quad((c, u1, 0), (c, u0, 0), (c, u0, w.height), (c, u1, w.height), MESH, True)


def build_grounds() -> tuple[MeshBuilder, MeshBuilder]:
    """(opaque, translucent) builders of the field, apron, bleachers and tennis courts."""
    b, glass = MeshBuilder(), MeshBuilder()
    _field(b)
    _apron(b)
    _tennis(b, glass)
    return b, glass


def build_perimeter() -> MeshBuilder:
    """The school's outer wall with pillars every 4 m, gate posts and opened gate leaves."""
    b = MeshBuilder()
    inside = bp.PERIMETER.centre
    for w in bp.perimeter_walls():
        wall_boxes(b, w, faces_towards(w, inside, PERIM, PERIM, PERIM_CAP))
        for seg in w.segments(0.0):
            u0, u1 = (seg.x0, seg.x1) if w.along_x else (seg.y0, seg.y1)
            c = w.a[1] if w.along_x else w.a[0]
            n = max(1, int(round((u1 - u0) / 4.0)))
            for k in range(n + 1):
                u = u0 + k * (u1 - u0) / n
                x, y = (u, c) if w.along_x else (c, u)
                big = k in (0, n)
                r = 0.45 if big else 0.25
                h = w.height + (0.6 if big else 0.15)
                b.box((x - r, y - r, 0.0), (x + r, y + r, h), {"top": PERIM_CAP, "side": PERIM},
                      skip=("bottom",))
    # the main gate's two steel leaves, swung open against the wall (inside)
    y = bp.PERIMETER.y0
    for x_edge, s in ((bp.GATE_X[0], -1), (bp.GATE_X[1], 1)):
        xa, xb = sorted((x_edge + s * 0.5, x_edge + s * 0.56))
        b.box((xa, y + 0.3, 0.05), (xb, y + 4.3, 1.9), GATE_STEEL, skip=("bottom",))
    return b


def build_gym() -> tuple[MeshBuilder, MeshBuilder]:
    """The gymnasium: brick plinth, white walls with high windows, an arched blue roof."""
    b, glass = MeshBuilder(), MeshBuilder()
    g = bp.GYM
    e = bp.GYM_EAVE
    b.box((g.x0, g.y0, 0.0), (g.x1, g.y1, 1.2), GYM_BASE, skip=("bottom",))
    b.box((g.x0 + 0.05, g.y0 + 0.05, 1.2), (g.x1 - 0.05, g.y1 - 0.05, e), GYM_WALL, skip=("bottom", "top"))
    # high window band on the long sides, and doors on the west facade (dark panels)
    for y, off in ((g.y0, -0.02), (g.y1, 0.02)):
        for k in range(8):
            x0 = g.x0 + 1.5 + k * (g.w - 3.0) / 8
            x1 = x0 + (g.w - 3.0) / 8 - 1.0
            if off < 0:
                b.quad((x0, y + off, 5.0), (x1, y + off, 5.0), (x1, y + off, 8.0), (x0, y + off, 8.0), GYM_GLASS)
            else:
                b.quad((x1, y + off, 5.0), (x0, y + off, 5.0), (x0, y + off, 8.0), (x1, y + off, 8.0), GYM_GLASS)
    for y0, y1 in ((bp.GYM_DOOR_Y[0], bp.GYM_DOOR_Y[0] + 3.0), (bp.GYM_DOOR_Y[1] - 3.0, bp.GYM_DOOR_Y[1])):
        x = g.x0 - 0.02
        b.quad((x, y1, 0.0), (x, y0, 0.0), (x, y0, 3.2), (x, y1, 3.2), GYM_GLASS)
    b.box((g.x0 - 2.0, bp.GYM_DOOR_Y[0] - 0.5, 3.4), (g.x0, bp.GYM_DOOR_Y[1] + 0.5, 3.6), GYM_WALL)
    # arched roof: barrel vault along X spanning the 25 m width, eaves overhang 0.6 m
    n = 10
    a = np.linspace(0, np.pi, n + 1)
    half = g.h / 2 + 0.6
    rise = bp.GYM_H - e
    ys = g.centre[1] - half * np.cos(a)
    zs = e + rise * np.sin(a)
    x0, x1 = g.x0 - 0.6, g.x1 + 0.6
    for k in range(n):
        q = [(x0, ys[k], zs[k]), (x1, ys[k], zs[k]), (x1, ys[k + 1], zs[k + 1]), (x0, ys[k + 1], zs[k + 1])]
        b.quad(*q, GYM_ROOF, two_sided=True)
    # gable ends (the arch's segments closed against the walls)
    for x, sgn in ((g.x0 + 0.05, -1), (g.x1 - 0.05, 1)):
        tri = []
        for k in range(n):
            p = [(x, g.centre[1], e), (x, ys[k], zs[k]), (x, ys[k + 1], zs[k + 1])]
            tri.append(p if sgn < 0 else p[::-1])
        b.tris(np.clip(np.array(tri), [x - 1, g.y0, 0], [x + 1, g.y1, 99]), GYM_WALL)
    return b, glass
