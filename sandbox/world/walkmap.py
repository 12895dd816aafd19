"""The walkable map: one boolean grid per level, rasterised from the blueprint.

Levels: `ground` (outdoors and the school's ground floor), `floor2`, `floor3`,
`floor4` and `roof`. Grids are indexed `walkable[row, col]` with row = y and
col = x; cell [0, 0]'s lower-left corner is at `origin`. A cell is blocked when
its centre lies inside an obstacle; obstacles thinner than a cell are widened to
one cell across their thickness (never along their length, so door openings keep
their width), so no wall can be tunnelled through.

Stairs join consecutive levels through `Link`s (both stairwells between floors;
the roof only through the west stair-house and its door).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sandbox.world import blueprint as bp
from sandbox.world.blueprint import Rect


@dataclass
class Level:
    """One floor's walkable grid.

    name: level name; z: floor height (m; the ground level follows `terrain_height`
    outdoors); origin: (2,) float64 world x, y of cell [0, 0]'s lower-left corner;
    cell: cell size (m); walkable: (ny, nx) bool, row = y, column = x.
    """

    name: str
    z: float
    origin: np.ndarray
    cell: float
    walkable: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.walkable.shape

    @property
    def extent(self) -> Rect:
        ny, nx = self.walkable.shape
        return Rect(self.origin[0], self.origin[1], self.origin[0] + nx * self.cell,
                    self.origin[1] + ny * self.cell)

    def world_to_cell(self, xy) -> np.ndarray:
        """(n, 2) world x, y (m) -> (n, 2) int64 (col, row), i.e. (ix, iy) in xy order:
        index the grid as `walkable[iy, ix]`. Not clipped: check `inside` for off-grid."""
        xy = np.asarray(xy, np.float64).reshape(-1, 2)
        return np.floor((xy - self.origin) / self.cell).astype(np.int64)

    def inside(self, cells: np.ndarray) -> np.ndarray:
        ny, nx = self.walkable.shape
        return (cells[:, 0] >= 0) & (cells[:, 0] < nx) & (cells[:, 1] >= 0) & (cells[:, 1] < ny)

    def cell_centres(self) -> np.ndarray:
        """(ny, nx, 2) float64 world x, y of every cell centre."""
        ny, nx = self.walkable.shape
        xs = self.origin[0] + (np.arange(nx) + 0.5) * self.cell
        ys = self.origin[1] + (np.arange(ny) + 0.5) * self.cell
        gx, gy = np.meshgrid(xs, ys)
        return np.stack([gx, gy], -1)

    def is_walkable(self, xy) -> np.ndarray:
        """(n, 2) world x, y -> (n,) bool; False off the grid."""
        c = self.world_to_cell(xy)
        ok = self.inside(c)
        out = np.zeros(len(c), bool)
        out[ok] = self.walkable[c[ok, 1], c[ok, 0]]
        return out

    def flood(self, xy) -> np.ndarray:
        """(ny, nx) bool: cells reachable from `xy` (2,) by 4-connected walkable steps."""
        from scipy import ndimage
        labels, _ = ndimage.label(self.walkable)
        c = self.world_to_cell(np.asarray(xy)[None])[0]
        lab = labels[c[1], c[0]]
        if lab == 0:
            return np.zeros_like(self.walkable)
        return labels == lab


@dataclass(frozen=True)
class Link:
    """A stair connection: standing at `a_xy` on level `a` one can climb to `b_xy` on `b`."""

    a: str
    a_xy: tuple[float, float]
    b: str
    b_xy: tuple[float, float]


@dataclass
class WalkMap:
    levels: dict[str, Level]
    links: list[Link] = field(default_factory=list)

    def reachable(self, level: str, xy) -> dict[str, np.ndarray]:
        """Cells of every level reachable from `xy` on `level`, walking and taking links
        (both ways): level name -> (ny, nx) bool."""
        from scipy import ndimage
        labels = {n: ndimage.label(lv.walkable)[0] for n, lv in self.levels.items()}

        def label_at(name: str, p) -> int:
            lv = self.levels[name]
            c = lv.world_to_cell(np.asarray(p)[None])[0]
            if not lv.inside(c[None])[0]:
                return 0
            return int(labels[name][c[1], c[0]])

        seen: set[tuple[str, int]] = set()
        start = (level, label_at(level, xy))
        todo = deque([start] if start[1] else [])
        while todo:
            node = todo.popleft()
            if node in seen:
                continue
            seen.add(node)
            for ln in self.links:
                for (n0, p0), (n1, p1) in (((ln.a, ln.a_xy), (ln.b, ln.b_xy)),
                                           ((ln.b, ln.b_xy), (ln.a, ln.a_xy))):
                    if n0 == node[0] and label_at(n0, p0) == node[1]:
                        other = (n1, label_at(n1, p1))
                        if other[1] and other not in seen:
                            todo.append(other)
        out = {n: np.zeros(lv.walkable.shape, bool) for n, lv in self.levels.items()}
        for name, lab in seen:
            out[name] |= labels[name] == lab
        return out


# ---------------------------------------------------------------------------------------
# rasterisation
# ---------------------------------------------------------------------------------------
def _fill(level: Level, r: Rect, value: bool) -> None:
    """Set every cell whose centre lies in `r` (half-open: [x0, x1) x [y0, y1)) to
    `value`. Along a side thinner than a cell, the one cell holding the obstacle's
    centreline is set instead, so thin walls are exactly one cell thick and a point on
    a wall's centreline always maps to a blocked cell."""
    c = level.cell
    ox, oy = level.origin
    ny, nx = level.walkable.shape
    eps = 1e-9

    def span(a: float, b: float, o: float, n: int) -> tuple[int, int]:
        if b - a < c:
            k = int(np.floor(((a + b) / 2 - o) / c))
            return max(0, k), min(n, k + 1)
        return (max(0, int(np.ceil((a - o) / c - 0.5 - eps))),
                min(n, int(np.ceil((b - o) / c - 0.5 - eps))))

    i0, i1 = span(r.x0, r.x1, ox, nx)
    j0, j1 = span(r.y0, r.y1, oy, ny)
    if i1 > i0 and j1 > j0:
        level.walkable[j0:j1, i0:i1] = value


def _block_walls(level: Level, walls, v: float = 0.5) -> None:
    for w in walls:
        for seg in w.segments(v):
            _fill(level, seg, False)


def _new_level(name: str, extent: Rect, cell: float, walkable: bool) -> Level:
    nx = int(round(extent.w / cell))
    ny = int(round(extent.h / cell))
    return Level(name, bp.LEVEL_Z[name], np.array([extent.x0, extent.y0], np.float64), cell,
                 np.full((ny, nx), walkable, bool))


def _stair_blocks(level: Level, sides) -> None:
    """Stair runs, the mid landing and the closet behind them: everything of a stairwell
    south of its floor-level landing."""
    for side in sides:
        s = bp.stairwells()[side]
        _fill(level, Rect(s.x0, s.y0, s.x1, bp.STAIR_NORTH_LANDING_Y - 0.01), False)


def _ground(trees: np.ndarray | None) -> Level:
    lv = _new_level("ground", bp.GROUND_GRID, bp.GROUND_CELL, True)
    _block_walls(lv, bp.school_walls(0))
    _stair_blocks(lv, ("west", "east"))
    _fill(lv, Rect(-7.5, 44.0, -4.5, 44.6), False)          # shoe lockers in the lobby
    _fill(lv, Rect(4.5, 44.0, 7.5, 44.6), False)
    for x in (-4.6, 4.6):                                    # entrance canopy columns
        _fill(lv, Rect(x - 0.2, bp.SCHOOL.y0 - 3.0, x + 0.2, bp.SCHOOL.y0 - 2.6), False)
    _fill(lv, bp.BLEACHERS, False)
    _fill(lv, bp.GYM, False)
    _block_walls(lv, bp.perimeter_walls())
    _block_walls(lv, bp.tennis_fence())
    for k in range(2):                                       # tennis nets
        cx = bp.TENNIS.x0 + bp.TENNIS.w * (k + 0.5) / 2
        _fill(lv, Rect(cx - 6.0, bp.TENNIS.centre[1] - 0.02, cx + 6.0, bp.TENNIS.centre[1] + 0.02), False)
    _block_walls(lv, bp.site_hoarding())
    for r in bp.tower_columns():
        _fill(lv, r, False)
    _fill(lv, bp.SHAFT, False)                               # the open shaft is a pit
    x, y = bp.CRANE_XY
    _fill(lv, Rect(x - 2.5, y - 2.5, x + 2.5, y + 2.5), False)
    for bd in bp.city_buildings():
        _fill(lv, bd.rect, False)
    if trees is not None and len(trees):
        c = lv.world_to_cell(trees[:, :2].astype(np.float64))
        ok = lv.inside(c)
        lv.walkable[c[ok, 1], c[ok, 0]] = False
    return lv


def _indoor_extent() -> Rect:
    return bp.SCHOOL.grow(1.0)


def _upper(name: str, floor: int) -> Level:
    lv = _new_level(name, _indoor_extent(), bp.INDOOR_CELL, False)
    s = bp.SCHOOL
    _fill(lv, Rect(s.x0 + bp.EXT_T, s.y0 + bp.EXT_T, s.x1 - bp.EXT_T, s.y1 - bp.EXT_T), True)
    _block_walls(lv, bp.school_walls(floor))
    _stair_blocks(lv, ("west", "east"))
    return lv


def _roof() -> Level:
    lv = _new_level("roof", _indoor_extent(), bp.INDOOR_CELL, False)
    s = bp.SCHOOL
    _fill(lv, s.grow(-bp.PARAPET_T), True)
    _block_walls(lv, bp.roof_walls())
    sh, s = bp.STAIR_HOUSE, bp.stairwells()["west"]
    _fill(lv, Rect(s.x0, sh.y0, s.x1, bp.STAIR_NORTH_LANDING_Y - 0.01), False)   # stair run
    for t in bp.WATER_TANKS:
        _fill(lv, t, False)
    return lv


def build_walkmap(trees: np.ndarray | None = None) -> WalkMap:
    """The WalkMap of the whole site; `trees` (n, 5) blocks the cell of each trunk."""
    levels = {"ground": _ground(trees)}
    for k, name in enumerate(bp.LEVELS[1:-1], start=1):
        levels[name] = _upper(name, k)
    levels["roof"] = _roof()
    links = []
    for k in range(len(bp.LEVELS) - 1):
        lo, hi = bp.LEVELS[k], bp.LEVELS[k + 1]
        for side in ("west", "east"):
            if hi == "roof" and side != "west":
                continue
            foot, head = bp.stair_link_points(side)
            links.append(Link(lo, foot, hi, head))
    return WalkMap(levels, links)


def anchor_on_level(level: Level, p) -> bool:
    """Whether anchor `p` (3,) x, y, z m stands on `level`: within its extent and at its
    floor height (on the ground level: near z 0 or on the terrain)."""
    from sandbox.world.terrain import terrain_height

    e = level.extent
    if not (e.x0 <= p[0] <= e.x1 and e.y0 <= p[1] <= e.y1):
        return False
    if level.name == "ground":
        return p[2] < 1.0 or abs(p[2] - float(terrain_height(p[0], p[1]))) < 0.5
    return abs(p[2] - level.z) < 1.2


# ---------------------------------------------------------------------------------------
# picture
# ---------------------------------------------------------------------------------------
def draw_level(walkmap: WalkMap, level_name: str, path, anchors: dict | None = None) -> Path:
    """Write a PNG of one level: walkable light, blocked dark, metre axes, anchors on
    this level and stair links marked. Returns the path written."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if anchors is None:
        from sandbox.world.places import build_anchors
        anchors = build_anchors()
    lv = walkmap.levels[level_name]
    e = lv.extent
    aspect = e.h / e.w
    width = 11.0
    fig, ax = plt.subplots(figsize=(width, min(16.0, max(3.0, width * aspect + 1.2))), dpi=110)
    img = np.where(lv.walkable, 0.93, 0.18)
    ax.imshow(img, origin="lower", extent=(e.x0, e.x1, e.y0, e.y1), cmap="gray", vmin=0, vmax=1,
              interpolation="nearest")
    for name, p in sorted(anchors.items()):
        if not anchor_on_level(lv, p):
            continue
        ax.plot(p[0], p[1], "o", ms=5, mfc="#e63b2e", mec="black", mew=0.6, zorder=5)
        ax.annotate(name, (p[0], p[1]), xytext=(4, 4), textcoords="offset points", fontsize=7,
                    color="#b01e14", zorder=6,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
    for ln in walkmap.links:
        for n, p, up in ((ln.a, ln.a_xy, True), (ln.b, ln.b_xy, False)):
            if n == level_name:
                ax.plot(p[0], p[1], "^" if up else "v", ms=7, mfc="#2e7be6" if up else "#20b060",
                        mec="black", mew=0.6, zorder=5)
    ax.set_xlabel("x (m, east)")
    ax.set_ylabel("y (m, north)")
    n_walk = int(lv.walkable.sum())
    ax.set_title(f"Hyosan walkable map: {level_name}  (z = {lv.z:g} m, cell {lv.cell:g} m, "
                 f"{lv.shape[1]} x {lv.shape[0]} cells, {n_walk * lv.cell ** 2:,.0f} m² walkable)\n"
                 "light = walkable, dark = blocked; ▲ stairs up, ▼ stairs down", fontsize=9)
    ax.grid(True, color="#4a90d9", alpha=0.25, lw=0.5)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
