"""The site plan of Hyosan High School and its surroundings, held as data.

Everything the meshes, the anchors and the walkable map know about the world is
derived from this module, so a dimension changed here moves the wall, the map
cell and the anchor together.

Conventions: metres, Z up, X east, Y north. The origin is the centre of the
sports field; the school's main entrance faces south onto it.

Deviation from the written brief: the main building is 80 m x 11 m rather than
16 m deep, because 7.6 m classrooms + a 2.6 m corridor + walls add up to 11 m;
16 m would leave 5 m no room accounts for.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from sandbox.rng import stream

SEED = 20220128          # the world's fixed seed (release date of the series)


@dataclass(frozen=True)
class Rect:
    """Axis-aligned rectangle [x0, x1] x [y0, y1], metres."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def grow(self, d: float) -> "Rect":
        return Rect(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)

    def contains(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) points -> (n,) bool."""
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        return ((xy[:, 0] >= self.x0) & (xy[:, 0] <= self.x1)
                & (xy[:, 1] >= self.y0) & (xy[:, 1] <= self.y1))


@dataclass(frozen=True)
class Opening:
    """A hole in a wall: u along the wall from its start (m), v up from the wall's base (m)."""

    u0: float
    u1: float
    v0: float
    v1: float
    kind: str = "window"        # "window" (glazed, framed), "door", "gap" (plain hole)


@dataclass(frozen=True)
class Wall:
    """A straight axis-aligned wall, from `a` to `b` along its centreline (x, y), metres.

    Axis-aligned only: either a[0] == b[0] (runs north) or a[1] == b[1] (runs east).
    """

    a: tuple[float, float]
    b: tuple[float, float]
    thickness: float
    z0: float
    height: float
    openings: tuple[Opening, ...] = ()
    role: str = "interior"      # colour role: exterior, interior, parapet, perimeter, hoarding...

    @property
    def along_x(self) -> bool:
        return self.a[1] == self.b[1]

    @property
    def length(self) -> float:
        return abs(self.b[0] - self.a[0]) + abs(self.b[1] - self.a[1])

    def segments(self, v: float = 0.0) -> list[Rect]:
        """Footprint rectangles of the wall at height v above its base (openings cut out)."""
        cuts = sorted((o.u0, o.u1) for o in self.openings if o.v0 <= v < o.v1)
        spans, u = [], 0.0
        for u0, u1 in cuts:
            if u0 > u:
                spans.append((u, u0))
            u = max(u, u1)
        if u < self.length:
            spans.append((u, self.length))
        t = self.thickness / 2
        out = []
        for u0, u1 in spans:
            if self.along_x:
                x0 = min(self.a[0], self.b[0])
                out.append(Rect(x0 + u0, self.a[1] - t, x0 + u1, self.a[1] + t))
            else:
                y0 = min(self.a[1], self.b[1])
                out.append(Rect(self.a[0] - t, y0 + u0, self.a[0] + t, y0 + u1))
        return out


# ---------------------------------------------------------------------------------------
# Main school building
# ---------------------------------------------------------------------------------------
FLOOR_H = 3.6              # storey height
N_FLOORS = 4
SLAB = 0.25                # floor slab thickness
ROOF_Z = FLOOR_H * N_FLOORS          # 14.4: top of the roof slab
PARAPET_H = 1.1
PARAPET_T = 0.25
EXT_T = 0.3                # exterior wall thickness
INT_T = 0.2                # partition thickness

SCHOOL = Rect(-40.0, 40.0, 40.0, 51.0)           # footprint, outer faces
CLASS_Y = (SCHOOL.y0 + EXT_T, 47.9)              # classroom band (south), 7.6 m deep
CORRIDOR_WALL_Y = 48.0                            # centreline of the corridor wall
CORRIDOR_Y = (48.1, SCHOOL.y1 - EXT_T)           # corridor band (north), 2.6 m wide
# Bays along X, west to east, between partition centrelines (outer ends are the facades).
BAY_EDGES = (-40.0, -35.0, -26.0, -17.0, -8.0, 8.0, 17.0, 26.0, 35.0, 40.0)
BAY_KINDS = ("stair", "class", "class", "class", "hall", "class", "class", "class", "stair")

WINDOW_SILL = 0.9          # above floor
WINDOW_HEAD = 2.7
CORR_SILL = 1.0
PIER = 0.6                 # wall between windows
CLASS_DOOR_W = 1.2
DOOR_H = 2.2
MAIN_DOOR = (-2.2, 2.2)    # x range of the main entrance (ground floor, south facade)
BACK_DOOR = (-1.2, 1.2)    # x range of the back door (ground floor, north facade)
STAIR_DOOR_Y = (48.4, 50.5)   # doorway between corridor and stairwell

# Stairs: dog-leg, floor landing at the north (by the corridor), mid landing south.
RISERS = 20                # per storey (10 per flight), riser 0.18 m
TREAD = 0.25
STAIR_NORTH_LANDING_Y = 48.6          # floor-level landing: y in [48.6, corridor north]
STAIR_FLIGHT_Y = (STAIR_NORTH_LANDING_Y - 10 * TREAD, STAIR_NORTH_LANDING_Y)   # (46.1, 48.6)
STAIR_MID_LANDING_Y = (44.6, STAIR_FLIGHT_Y[0])
STAIR_CLOSET_WALL_Y = 44.5            # wall closing off the space south of the stairs

# Roof
STAIR_HOUSE = Rect(-40.0, 44.3, -34.9, 51.0)     # over the west stairwell, 5.1 x 6.7 m
STAIR_HOUSE_H = 3.0
ROOF_DOOR_Y = (49.0, 50.4)                        # door in the stair-house's east wall
WATER_TANKS = (Rect(-33.4, 46.8, -30.4, 49.8), Rect(-29.9, 46.8, -26.9, 49.8))
WATER_TANK_H = 2.4
CAMPFIRE_XY = (-30.5, 44.0)


def bays() -> list[tuple[str, float, float]]:
    """(kind, x0, x1) of each bay between partition centrelines, west to east."""
    return [(k, BAY_EDGES[i], BAY_EDGES[i + 1]) for i, k in enumerate(BAY_KINDS)]


def stairwells() -> dict[str, Rect]:
    """Interior rectangle of each stairwell: {"west": Rect, "east": Rect}."""
    y0, y1 = CLASS_Y[0], CORRIDOR_Y[1]
    return {"west": Rect(SCHOOL.x0 + EXT_T, y0, BAY_EDGES[1] - INT_T / 2, y1),
            "east": Rect(BAY_EDGES[-2] + INT_T / 2, y0, SCHOOL.x1 - EXT_T, y1)}


def stair_halves(side: str) -> tuple[Rect, Rect]:
    """(outer, inner) half of a stairwell's flight zone: outer flight climbs south to the
    mid landing, inner flight climbs north to the next floor's landing."""
    s = stairwells()[side]
    mid = (s.x0 + s.x1) / 2
    west = Rect(s.x0, STAIR_FLIGHT_Y[0], mid - 0.05, STAIR_FLIGHT_Y[1])
    east = Rect(mid + 0.05, STAIR_FLIGHT_Y[0], s.x1, STAIR_FLIGHT_Y[1])
    return (west, east) if side == "west" else (east, west)


def stair_hole(side: str) -> Rect:
    """The opening in the slab above a stair run (flights and mid landing)."""
    s = stairwells()[side]
    return Rect(s.x0, STAIR_MID_LANDING_Y[0], s.x1, STAIR_NORTH_LANDING_Y)


def stair_link_points(side: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """(foot, head): xy at the bottom of a storey's stairs on the lower level and at their
    top on the upper level, both on the floor-level landing."""
    outer, inner = stair_halves(side)
    y = STAIR_NORTH_LANDING_Y + 0.9
    return (outer.centre[0], y), (inner.centre[0], y)


def _windows(x0: float, x1: float, sill: float, head: float, start: float) -> list[Opening]:
    """Evenly spaced windows across a bay from x0 to x1 (u measured from `start`)."""
    width = x1 - x0
    n = max(1, int(width // 3.0))
    w = (width - (n + 1) * PIER) / n
    return [Opening(x0 - start + PIER + i * (w + PIER), x0 - start + PIER + i * (w + PIER) + w,
                    sill, head) for i in range(n)]


def school_walls(floor: int) -> list[Wall]:
    """Every wall of storey `floor` (0 = ground), openings included."""
    z = floor * FLOOR_H
    h = FLOOR_H - SLAB
    x0, x1, y0, y1 = SCHOOL.x0, SCHOOL.x1, SCHOOL.y0, SCHOOL.y1
    t = EXT_T / 2
    south, north, inner = [], [], []
    for kind, bx0, bx1 in bays():
        a = max(bx0, x0 + EXT_T) + (0 if bx0 == x0 else INT_T / 2)
        b = min(bx1, x1 - EXT_T) - (0 if bx1 == x1 else INT_T / 2)
        if kind == "class":
            south += _windows(a, b, WINDOW_SILL, WINDOW_HEAD, x0)
            north += _windows(a, b, CORR_SILL, WINDOW_HEAD, x0)
            # two doors (front and back) and a clerestory between them
            d0, d1 = a + 0.7, b - 0.7 - CLASS_DOOR_W
            inner += [Opening(d0 - x0, d0 + CLASS_DOOR_W - x0, 0, DOOR_H, "door"),
                      Opening(d1 - x0, d1 + CLASS_DOOR_W - x0, 0, DOOR_H, "door"),
                      Opening(d0 + CLASS_DOOR_W + 0.6 - x0, d1 - 0.6 - x0, 2.2, 2.9, "gap")]
        elif kind == "stair":
            mid = (a + b) / 2
            south.append(Opening(mid - 0.8 - x0, mid + 0.8 - x0, 1.8, 3.0))   # at mid landing
            north.append(Opening(mid - 0.8 - x0, mid + 0.8 - x0, 1.2, 2.6))
        else:  # hall: lobby on the ground floor, staff room above
            if floor == 0:
                south += [Opening(a + PIER - x0, MAIN_DOOR[0] - 1.2 - x0, WINDOW_SILL, WINDOW_HEAD),
                          Opening(MAIN_DOOR[0] - x0, MAIN_DOOR[1] - x0, 0.0, 2.6, "door"),
                          Opening(MAIN_DOOR[1] + 1.2 - x0, b - PIER - x0, WINDOW_SILL, WINDOW_HEAD)]
                north += [Opening(a + PIER - x0, BACK_DOOR[0] - 1.2 - x0, CORR_SILL, WINDOW_HEAD),
                          Opening(BACK_DOOR[0] - x0, BACK_DOOR[1] - x0, 0.0, DOOR_H, "door"),
                          Opening(BACK_DOOR[1] + 1.2 - x0, b - PIER - x0, CORR_SILL, WINDOW_HEAD)]
                inner += [Opening(a - x0, b - x0, 0, h, "gap")]   # lobby open to the corridor
            else:
                south += _windows(a, b, WINDOW_SILL, WINDOW_HEAD, x0)
                north += _windows(a, b, CORR_SILL, WINDOW_HEAD, x0)
                inner += [Opening(a + 1.0 - x0, a + 1.0 + CLASS_DOOR_W - x0, 0, DOOR_H, "door"),
                          Opening(b - 1.0 - CLASS_DOOR_W - x0, b - 1.0 - x0, 0, DOOR_H, "door")]
    walls = [
        Wall((x0, y0 + t), (x1, y0 + t), EXT_T, z, h, tuple(south), "exterior"),
        Wall((x0, y1 - t), (x1, y1 - t), EXT_T, z, h, tuple(north), "exterior"),
        Wall((x0 + t, y0 + EXT_T), (x0 + t, y1 - EXT_T), EXT_T, z, h, (), "exterior"),
        Wall((x1 - t, y0 + EXT_T), (x1 - t, y1 - EXT_T), EXT_T, z, h, (), "exterior"),
        # corridor wall between the stairwells
        Wall((BAY_EDGES[1] + INT_T / 2, CORRIDOR_WALL_Y), (BAY_EDGES[-2] - INT_T / 2, CORRIDOR_WALL_Y),
             INT_T, z, h, tuple(Opening(o.u0 - (BAY_EDGES[1] + INT_T / 2 - x0),
                                        o.u1 - (BAY_EDGES[1] + INT_T / 2 - x0), o.v0, o.v1, o.kind)
                                for o in inner)),
    ]
    # partitions between bays (full depth for stairwells, classroom band for the others)
    ya, yb = y0 + EXT_T, y1 - EXT_T
    for i, xe in enumerate(BAY_EDGES[1:-1], start=1):
        if "stair" in (BAY_KINDS[i - 1], BAY_KINDS[i]):
            sd = (STAIR_DOOR_Y[0] - ya, STAIR_DOOR_Y[1] - ya)
            walls.append(Wall((xe, ya), (xe, yb), INT_T, z, h, (Opening(*sd, 0, DOOR_H + 0.3, "door"),)))
        else:
            walls.append(Wall((xe, ya), (xe, CORRIDOR_WALL_Y - INT_T / 2), INT_T, z, h))
    # closets south of each stair run
    for s in stairwells().values():
        walls.append(Wall((s.x0, STAIR_CLOSET_WALL_Y), (s.x1, STAIR_CLOSET_WALL_Y), INT_T, z, h))
    return walls


def roof_walls() -> list[Wall]:
    """Parapet around the roof and the stair-house walls (with the roof door)."""
    x0, x1, y0, y1 = SCHOOL.x0, SCHOOL.x1, SCHOOL.y0, SCHOOL.y1
    t = PARAPET_T / 2
    z = ROOF_Z
    sh = STAIR_HOUSE
    walls = [Wall((x0, y0 + t), (x1, y0 + t), PARAPET_T, z, PARAPET_H, (), "parapet"),
             Wall((x0, y1 - t), (sh.x0, y1 - t), PARAPET_T, z, PARAPET_H, (), "parapet"),
             Wall((sh.x1, y1 - t), (x1, y1 - t), PARAPET_T, z, PARAPET_H, (), "parapet"),
             Wall((x0 + t, y0), (x0 + t, sh.y0), PARAPET_T, z, PARAPET_H, (), "parapet"),
             Wall((x1 - t, y0), (x1 - t, y1), PARAPET_T, z, PARAPET_H, (), "parapet")]
    st = EXT_T / 2
    door = Opening(ROOF_DOOR_Y[0] - sh.y0, ROOF_DOOR_Y[1] - sh.y0, 0.0, DOOR_H, "door")
    walls += [Wall((sh.x0, sh.y0 + st), (sh.x1, sh.y0 + st), EXT_T, z, STAIR_HOUSE_H, (), "exterior"),
              Wall((sh.x0, sh.y1 - st), (sh.x1, sh.y1 - st), EXT_T, z, STAIR_HOUSE_H, (), "exterior"),
              Wall((sh.x0 + st, sh.y0), (sh.x0 + st, sh.y1), EXT_T, z, STAIR_HOUSE_H, (), "exterior"),
              Wall((sh.x1 - st, sh.y0), (sh.x1 - st, sh.y1), EXT_T, z, STAIR_HOUSE_H, (door,), "exterior")]
    return walls


# ---------------------------------------------------------------------------------------
# Grounds
# ---------------------------------------------------------------------------------------
FIELD = Rect(-50.0, -30.0, 50.0, 30.0)           # dirt sports field, 100 x 60 m
TRACK_STRAIGHT = 60.0                             # oval track: straights along X
TRACK_RADIUS = 22.0                               # inner lane radius
TRACK_LANES = 4
TRACK_LANE_W = 1.22
APRON = Rect(-100.0, 30.0, 100.0, 40.0)          # paved strip between field and building
BLEACHERS = Rect(-30.0, 30.5, 30.0, 34.0)        # concrete steps facing the field
GOAL_W, GOAL_H, GOAL_D = 7.32, 2.44, 1.5

GYM = Rect(58.0, 8.0, 98.0, 33.0)                # 40 x 25 m
GYM_H = 12.0                                      # ridge of the arched roof
GYM_EAVE = 9.0
GYM_DOOR_Y = (17.0, 24.0)                         # doors in the west facade

TENNIS = Rect(-96.0, -10.0, -60.0, 26.0)         # two courts N-S inside a fence
TENNIS_FENCE_H = 3.5
TENNIS_GATE_Y = (6.0, 8.0)                       # opening in the east fence

PERIMETER = Rect(-104.0, -40.0, 104.0, 70.0)     # centreline of the school's outer wall
PERIM_T = 0.3
PERIM_H = 2.2
GATE_X = (-4.0, 4.0)                              # main gate, south wall
BACK_GATE_X = (-2.0, 2.0)                         # north wall, towards the forest path
WEST_GAP_Y = (-4.0, 0.0)                          # side gate, west wall, towards the site


def perimeter_walls() -> list[Wall]:
    p, t = PERIMETER, PERIM_T
    gate = Opening(GATE_X[0] - p.x0, GATE_X[1] - p.x0, 0, PERIM_H + 1, "gap")
    back = Opening(BACK_GATE_X[0] - p.x0, BACK_GATE_X[1] - p.x0, 0, PERIM_H + 1, "gap")
    west = Opening(WEST_GAP_Y[0] - p.y0, WEST_GAP_Y[1] - p.y0, 0, PERIM_H + 1, "gap")
    return [Wall((p.x0, p.y0), (p.x1, p.y0), t, 0, PERIM_H, (gate,), "perimeter"),
            Wall((p.x0, p.y1), (p.x1, p.y1), t, 0, PERIM_H, (back,), "perimeter"),
            Wall((p.x0, p.y0), (p.x0, p.y1), t, 0, PERIM_H, (west,), "perimeter"),
            Wall((p.x1, p.y0), (p.x1, p.y1), t, 0, PERIM_H, (), "perimeter")]


def tennis_fence() -> list[Wall]:
    r = TENNIS
    gate = Opening(TENNIS_GATE_Y[0] - r.y0, TENNIS_GATE_Y[1] - r.y0, 0, TENNIS_FENCE_H, "gap")
    return [Wall((r.x0, r.y0), (r.x1, r.y0), 0.1, 0, TENNIS_FENCE_H, (), "fence"),
            Wall((r.x0, r.y1), (r.x1, r.y1), 0.1, 0, TENNIS_FENCE_H, (), "fence"),
            Wall((r.x0, r.y0), (r.x0, r.y1), 0.1, 0, TENNIS_FENCE_H, (), "fence"),
            Wall((r.x1, r.y0), (r.x1, r.y1), 0.1, 0, TENNIS_FENCE_H, (gate,), "fence")]


# ---------------------------------------------------------------------------------------
# Construction site (west of the tennis courts)
# ---------------------------------------------------------------------------------------
SITE = Rect(-175.0, -30.0, -120.0, 30.0)         # hoarding line
SITE_GATE_Y = (-6.0, 2.0)                         # opening in the east hoarding
SITE_NORTH_GAP_X = (-150.0, -144.0)               # opening in the north hoarding (to the hill)
HOARDING_H = 2.6
TOWER = Rect(-162.0, -10.0, -140.0, 6.0)         # concrete frame footprint
TOWER_FLOORS = 9
TOWER_FLOOR_H = 3.2
COLUMN = 0.5
SCAFFOLD_OFFSET = 1.0
SHAFT = Rect(-143.0, -9.0, -140.0, -6.0)          # open elevator shaft, SE corner, open to the east
CRANE_XY = (-130.0, 15.0)
CRANE_H = 42.0
CRANE_JIB = 40.0


def site_hoarding() -> list[Wall]:
    s = SITE
    gate = Opening(SITE_GATE_Y[0] - s.y0, SITE_GATE_Y[1] - s.y0, 0, HOARDING_H, "gap")
    north = Opening(SITE_NORTH_GAP_X[0] - s.x0, SITE_NORTH_GAP_X[1] - s.x0, 0, HOARDING_H, "gap")
    return [Wall((s.x0, s.y0), (s.x1, s.y0), 0.1, 0, HOARDING_H, (), "hoarding"),
            Wall((s.x0, s.y1), (s.x1, s.y1), 0.1, 0, HOARDING_H, (north,), "hoarding"),
            Wall((s.x0, s.y0), (s.x0, s.y1), 0.1, 0, HOARDING_H, (), "hoarding"),
            Wall((s.x1, s.y0), (s.x1, s.y1), 0.1, 0, HOARDING_H, (gate,), "hoarding")]


def tower_columns() -> list[Rect]:
    """Footprints of the frame's columns (4 x 3 grid)."""
    t = TOWER
    xs = np.linspace(t.x0, t.x1, 4)
    ys = np.linspace(t.y0, t.y1, 3)
    c = COLUMN / 2
    return [Rect(x - c, y - c, x + c, y + c) for y in ys for x in xs]


def shaft_walls() -> list[Rect]:
    """Footprints of the elevator shaft's three walls (open to the east)."""
    s, t = SHAFT, 0.25
    return [Rect(s.x0, s.y0, s.x1, s.y0 + t), Rect(s.x0, s.y1 - t, s.x1, s.y1),
            Rect(s.x0, s.y0, s.x0 + t, s.y1)]


# ---------------------------------------------------------------------------------------
# Terrain and hill
# ---------------------------------------------------------------------------------------
TERRAIN = Rect(-320.0, -280.0, 320.0, 440.0)     # heightfield extent
TERRAIN_N = 128                                   # quads per side
HILL_FOOT_Y = 80.0                                # flat (z = 0) south of this
HILLTOP = (-20.0, 330.0)                          # centre of the clearing
HILL_H = 60.0
CLEARING_R = 20.0
_to_school = np.array(SCHOOL.centre) - np.array(HILLTOP)
HILL_LOOKOUT = tuple(np.array(HILLTOP) + _to_school / np.linalg.norm(_to_school) * (CLEARING_R - 2.0))
"""On the clearing's rim facing the school: the roof is in view from here (eye 1.6 m up)."""
FOREST_EDGE_Y = 84.0                              # first trees north of the school
PATH = ((0.0, 70.0), (0.0, 95.0), (18.0, 140.0), (8.0, 190.0), (-22.0, 240.0),
        (-12.0, 285.0), (-20.0, 330.0))           # the path from the back gate to the hilltop
PATH_W = 3.0

# ---------------------------------------------------------------------------------------
# Trees
# ---------------------------------------------------------------------------------------
FOREST = Rect(-300.0, FOREST_EDGE_Y, 300.0, 425.0)
FOREST_SPACING = 9.0                              # jittered grid
TREE_H = 9.0                                      # template height before scaling

# ---------------------------------------------------------------------------------------
# City of Hyosan
# ---------------------------------------------------------------------------------------
ROAD_W = 12.0
SIDEWALK_W = 3.0
# Roads as (x0, y0, x1, y1) carriageway rectangles
ROADS = (
    Rect(-320.0, -56.0, 320.0, -44.0),           # school road, along the south wall
    Rect(-320.0, -166.0, 320.0, -146.0),         # main avenue (20 m) through downtown
    Rect(-320.0, -262.0, 320.0, -250.0),
    Rect(-6.0, -280.0, 6.0, -44.0),              # from the gate to downtown
    Rect(-126.0, -280.0, -114.0, -44.0),
    Rect(114.0, -280.0, 126.0, 80.0),            # east of the gym
    Rect(-196.0, -280.0, -184.0, 80.0),          # west of the construction site
    Rect(214.0, -280.0, 226.0, 80.0),
    Rect(-320.0, 74.0, -184.0, 86.0),            # along the foot of the hill, west
    Rect(114.0, 74.0, 320.0, 86.0),              # and east
)
DOWNTOWN = (0.0, -156.0)


@dataclass(frozen=True)
class Building:
    """A city building: footprint, number of floors, kind ("apartment" or "shop"), painted
    block number (apartments) and the wall colour index."""

    rect: Rect
    floors: int
    kind: str
    number: int = 0
    tint: int = 0

    @property
    def height(self) -> float:
        return self.floors * (2.8 if self.kind == "apartment" else 3.6)


CITY_BLOCKS = (   # blocks between roads that get buildings (inset by the sidewalk)
    Rect(6.0, -146.0, 114.0, -56.0), Rect(-114.0, -146.0, -6.0, -56.0),
    Rect(126.0, -146.0, 214.0, -56.0), Rect(-184.0, -146.0, -126.0, -56.0),
    Rect(6.0, -250.0, 114.0, -166.0), Rect(-114.0, -250.0, -6.0, -166.0),
    Rect(126.0, -250.0, 214.0, -166.0), Rect(-184.0, -250.0, -126.0, -166.0),
    Rect(126.0, -44.0, 214.0, 74.0), Rect(226.0, -44.0, 320.0, 74.0),
    Rect(-320.0, -44.0, -196.0, 74.0), Rect(226.0, -146.0, 320.0, -56.0),
    Rect(-320.0, -146.0, -196.0, -56.0),
)


@cache
def city_buildings() -> tuple[Building, ...]:
    """Deterministic buildings of Hyosan: rows of apartment slabs in the outer blocks,
    lower shops along the main avenue (downtown)."""
    rng = stream(SEED, "world.city")
    out: list[Building] = []
    number = 101
    for block in CITY_BLOCKS:
        b = block.grow(-SIDEWALK_W - 2.0)
        downtown = abs(block.centre[1] - DOWNTOWN[1]) < 60 and abs(block.centre[0]) < 120
        if downtown:
            # shops along the avenue side, a tall office tower behind
            avenue_north = block.y1 <= DOWNTOWN[1]
            edge = b.y1 if avenue_north else b.y0
            x = b.x0
            while x < b.x1 - 8:
                w = float(rng.uniform(10, 18))
                w = min(w, b.x1 - x)
                d = float(rng.uniform(12, 18))
                r = Rect(x, edge - d, x + w, edge) if avenue_north else Rect(x, edge, x + w, edge + d)
                out.append(Building(r, int(rng.integers(2, 6)), "shop", tint=int(rng.integers(0, 6))))
                x += w + float(rng.uniform(1.5, 4))
            cx = (b.x0 + b.x1) / 2 + float(rng.uniform(-15, 15))
            cy = (b.y0 + b.y1) / 2 + (-10 if avenue_north else 10)
            out.append(Building(Rect(cx - 12, cy - 10, cx + 12, cy + 10), int(rng.integers(10, 16)),
                                "shop", tint=int(rng.integers(0, 6))))
            continue
        # apartment slabs: long axis east-west, rows spaced for sunlight, 8 m between slabs
        depth, gap = 12.0, 26.0
        y = b.y0
        while y + depth <= b.y1:
            x = b.x0 + float(rng.uniform(0, 6))
            while x + 30.0 <= b.x1:
                length = min(float(rng.choice([40.0, 50.0, 60.0])), b.x1 - x)
                out.append(Building(Rect(x, y, x + length, y + depth), int(rng.integers(15, 26)),
                                    "apartment", number, int(rng.integers(0, 4))))
                number += 1
                x += length + float(rng.uniform(8, 14))
            y += depth + gap
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Walkable map
# ---------------------------------------------------------------------------------------
GROUND_GRID = Rect(-200.0, -200.0, 200.0, 360.0)  # ground level extent (0.5 m cells)
GROUND_CELL = 0.5
INDOOR_CELL = 0.5
LEVELS = ("ground", "floor2", "floor3", "floor4", "roof")
LEVEL_Z = {name: i * FLOOR_H for i, name in enumerate(LEVELS)}
