"""Hyosan High School's main building: facades with rows of windows, floor slabs,
corridor and classroom partitions with doors, two dog-leg stairwells, classroom
furniture, and the roof (green paint, parapet, stair-house, water tanks).
"""

from __future__ import annotations

from sandbox.world import blueprint as bp
from sandbox.world.blueprint import Rect
from sandbox.world.shapes import MeshBuilder, rgba
from sandbox.world.walls import faces_towards, wall_boxes

EXT_WALL = rgba(226, 216, 194)       # beige concrete
INT_WALL = rgba(238, 234, 222)       # painted plaster
SLAB_EDGE = rgba(196, 192, 184)      # floor bands on the facade
CEILING = rgba(242, 242, 238)
CORRIDOR_FLOOR = rgba(150, 158, 148)
CLASS_FLOOR = rgba(168, 124, 82)     # wooden boards
LOBBY_FLOOR = rgba(182, 176, 164)
ROOF_PAINT = rgba(88, 146, 102)      # the green roof paint of Korean schools
COPING = rgba(206, 204, 198)
STAIR = rgba(186, 182, 172)
STAIR_NOSE = rgba(120, 124, 120)
TANK = rgba(72, 124, 176)
STEEL = rgba(90, 92, 96)
DESK = rgba(196, 160, 112)
DESK_FRAME = rgba(70, 76, 84)
BOARD = rgba(38, 78, 58)             # chalkboard green
SIGN = rgba(40, 60, 110)
DOOR = rgba(120, 128, 136)

_CENTRE = bp.SCHOOL.centre


def rect_minus(r: Rect, hole: Rect) -> list[Rect]:
    """`r` with `hole` cut out, as up to four rectangles."""
    if hole.x0 >= r.x1 or hole.x1 <= r.x0 or hole.y0 >= r.y1 or hole.y1 <= r.y0:
        return [r]
    out = []
    if hole.y0 > r.y0:
        out.append(Rect(r.x0, r.y0, r.x1, hole.y0))
    if hole.y1 < r.y1:
        out.append(Rect(r.x0, hole.y1, r.x1, r.y1))
    ya, yb = max(r.y0, hole.y0), min(r.y1, hole.y1)
    if hole.x0 > r.x0:
        out.append(Rect(r.x0, ya, hole.x0, yb))
    if hole.x1 < r.x1:
        out.append(Rect(hole.x1, ya, r.x1, yb))
    return out


def _slab(b: MeshBuilder, level: int) -> None:
    """Floor slab of `level` (0 = ground, 4 = roof), with holes over the stair runs."""
    s = bp.SCHOOL
    z = level * bp.FLOOR_H
    if level == 0:
        holes = []
    elif level == bp.N_FLOORS:
        holes = [bp.stair_hole("west")]
    else:
        holes = [bp.stair_hole("west"), bp.stair_hole("east")]
    lip = 0.12 if 0 < level < bp.N_FLOORS else 0.0     # floor bands stand out of the facade
    pieces = [Rect(s.x0 - lip, s.y0 - lip, s.x1 + lip, s.y1 + lip)]
    for h in holes:
        pieces = [q for p in pieces for q in rect_minus(p, h)]
    top = ROOF_PAINT if level == bp.N_FLOORS else CORRIDOR_FLOOR
    z0 = z - (bp.SLAB if level else 0.35)
    for p in pieces:
        b.box((p.x0, p.y0, z0), (p.x1, p.y1, z + 0.03 * (level == 0)),
              {"top": top, "bottom": CEILING, "side": SLAB_EDGE})
    if level == bp.N_FLOORS:
        return
    # floor finishes: wooden classrooms, terrazzo lobby
    zf = z + 0.03 * (level == 0) + 0.006
    for kind, x0, x1 in bp.bays():
        if kind == "class" or (kind == "hall" and level > 0):
            col = CLASS_FLOOR
        elif kind == "hall":
            col = LOBBY_FLOOR
        else:
            continue
        r = Rect(x0 + bp.INT_T / 2, bp.CLASS_Y[0], x1 - bp.INT_T / 2, bp.CLASS_Y[1])
        b.quad((r.x0, r.y0, zf), (r.x1, r.y0, zf), (r.x1, r.y1, zf), (r.x0, r.y1, zf), col)


def _stairs(b: MeshBuilder, side: str, storey: int) -> None:
    """One storey of dog-leg stairs: outer flight south to the mid landing, inner flight
    north to the next floor's landing. Solid stepped boxes standing on the slab."""
    z = storey * bp.FLOOR_H + (0.03 if storey == 0 else 0.0)
    rise = (bp.FLOOR_H - (z - storey * bp.FLOOR_H)) / bp.RISERS
    outer, inner = bp.stair_halves(side)
    sw = bp.stairwells()[side]
    n = bp.RISERS // 2
    col = {"top": STAIR, "side": STAIR_NOSE}
    for i in range(n):
        y1 = bp.STAIR_NORTH_LANDING_Y - i * bp.TREAD
        b.box((outer.x0, y1 - bp.TREAD, z), (outer.x1, y1, z + (i + 1) * rise), col, skip=("bottom",))
    mid_z = z + n * rise
    b.box((sw.x0, bp.STAIR_MID_LANDING_Y[0], z), (sw.x1, bp.STAIR_MID_LANDING_Y[1], mid_z), col,
          skip=("bottom",))
    for i in range(n - 1):   # the last riser lands on the next floor's slab
        y0 = bp.STAIR_FLIGHT_Y[0] + i * bp.TREAD
        b.box((inner.x0, y0, z), (inner.x1, y0 + bp.TREAD, mid_z + (i + 1) * rise), col,
              skip=("bottom",))
    # spine wall between the flights, with a handrail height above the upper flight
    mx = (outer.x0 + outer.x1 + inner.x0 + inner.x1) / 4
    b.box((mx - 0.05, bp.STAIR_FLIGHT_Y[0], z), (mx + 0.05, bp.STAIR_FLIGHT_Y[1], mid_z + 1.0),
          INT_WALL, skip=("bottom",))


def _classroom_furniture(b: MeshBuilder, x0: float, x1: float, z: float) -> None:
    """Chalkboard on the west wall, teacher's desk, 5 x 6 pupils' desks facing west."""
    y0, y1 = bp.CLASS_Y
    b.box((x0 + 0.1, y0 + 1.6, z + 0.9), (x0 + 0.16, y1 - 1.6, z + 2.1), BOARD)
    b.box((x0 + 1.0, 43.2, z), (x0 + 1.8, 44.8, z + 0.8), DESK_FRAME, skip=("bottom",))
    for i in range(6):          # columns across the room (x)
        for j in range(5):      # rows (y)
            cx = x0 + 3.0 + i * (x1 - x0 - 4.2) / 5
            cy = y0 + 1.2 + j * (y1 - y0 - 2.4) / 4
            b.box((cx - 0.3, cy - 0.25, z + 0.7), (cx + 0.3, cy + 0.25, z + 0.75), DESK)
            b.box((cx - 0.05, cy - 0.2, z), (cx + 0.05, cy + 0.2, z + 0.7), DESK_FRAME,
                  skip=("bottom", "top"))


def _roof(b: MeshBuilder, glass: MeshBuilder) -> None:
    for w in bp.roof_walls():
        if w.role == "parapet":
            wall_boxes(b, w, faces_towards(w, _CENTRE, EXT_WALL, EXT_WALL, COPING))
        else:
            wall_boxes(b, w, faces_towards(w, bp.STAIR_HOUSE.centre, EXT_WALL, INT_WALL), glass)
    sh = bp.STAIR_HOUSE
    top = bp.ROOF_Z + bp.STAIR_HOUSE_H
    b.box((sh.x0 - 0.15, sh.y0 - 0.15, top), (sh.x1 + 0.15, sh.y1 + 0.15, top + 0.25),
          {"top": ROOF_PAINT, "bottom": CEILING, "side": SLAB_EDGE})
    # roof-level landing inside the stair-house
    # (the slab already covers it); door canopy over the roof door
    dy0, dy1 = bp.ROOF_DOOR_Y
    b.box((sh.x1, dy0 - 0.3, bp.ROOF_Z + 2.35), (sh.x1 + 0.8, dy1 + 0.3, bp.ROOF_Z + 2.45), SLAB_EDGE)
    for t in bp.WATER_TANKS:
        b.box((t.x0 + 0.2, t.y0 + 0.2, bp.ROOF_Z), (t.x1 - 0.2, t.y1 - 0.2, bp.ROOF_Z + 0.5), STEEL,
              skip=("bottom",))
        b.box((t.x0, t.y0, bp.ROOF_Z + 0.5), (t.x1, t.y1, bp.ROOF_Z + 0.5 + bp.WATER_TANK_H), TANK)
        # panel seams
        for k in (1, 2):
            x = t.x0 + k * t.w / 3
            b.box((x - 0.03, t.y0 - 0.03, bp.ROOF_Z + 0.5), (x + 0.03, t.y1 + 0.03,
                  bp.ROOF_Z + 0.5 + bp.WATER_TANK_H + 0.02), rgba(58, 104, 150))
    # the school's name board on the south parapet, above the entrance
    y = bp.SCHOOL.y0
    b.box((-7.0, y - 0.12, bp.ROOF_Z - 1.9), (7.0, y, bp.ROOF_Z - 0.6), SIGN, skip=("north",))


def _entrance(b: MeshBuilder) -> None:
    """Canopy and columns over the main door; shoe lockers in the lobby."""
    y = bp.SCHOOL.y0
    b.box((-5.0, y - 3.2, 3.0), (5.0, y, 3.3), {"top": SLAB_EDGE, "bottom": CEILING, "side": EXT_WALL})
    for x in (-4.6, 4.6):
        b.box((x - 0.2, y - 3.0, 0.03), (x + 0.2, y - 2.6, 3.0), EXT_WALL, skip=("bottom", "top"))
    b.box((-5.0, y - 3.2, 0.0), (5.0, y, 0.18), LOBBY_FLOOR, skip=("bottom",))   # entrance step
    for x0 in (-7.5, 4.5):
        b.box((x0, 44.0, 0.03), (x0 + 3.0, 44.6, 1.8), DESK_FRAME, skip=("bottom",))


def build_school() -> tuple[MeshBuilder, MeshBuilder]:
    """(opaque, glass) builders of the main building."""
    b, glass = MeshBuilder(), MeshBuilder()
    for floor in range(bp.N_FLOORS):
        z = floor * bp.FLOOR_H
        for w in bp.school_walls(floor):
            if w.role == "exterior":
                wall_boxes(b, w, faces_towards(w, _CENTRE, EXT_WALL, INT_WALL), glass)
            else:
                wall_boxes(b, w, INT_WALL, glass)
        for kind, x0, x1 in bp.bays():
            if kind == "class":
                _classroom_furniture(b, x0 + bp.INT_T / 2, x1 - bp.INT_T / 2, z)
        for side in ("west", "east"):
            if floor < bp.N_FLOORS - 1 or side == "west":
                _stairs(b, side, floor)
    for level in range(bp.N_FLOORS + 1):
        _slab(b, level)
    _roof(b, glass)
    _entrance(b)
    return b, glass
