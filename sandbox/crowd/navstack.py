"""Several walkable levels joined by stairs, packed into one grid so one crowd walks them all.

The levels are laid out one above another (in +y) in an atlas grid, each `GAP` metres of
blocked cells from the next: the flow-field, neighbour and steering kernels of the
single-level crowd run on the atlas unchanged, and agents on different levels are never
within each other's reach (separation and bites stay within a level). The stairs become
portals of the atlas grid, so one Dijkstra seeded on any level continues through them to
every other level. An agent that reaches the foot of stairs its field leads through
climbs: it appears on the far landing and stands there for `climb_time` s (state CLIMB).

The world's walkmap is passed in as plain data (`levels`: name -> object with
`walkable`, `origin`, `cell`; `links`: (a, a_xy, b, b_xy) tuples), never imported.
"""

from __future__ import annotations

import numpy as np

from sandbox.config import ConfigError

from .grid import NavGrid

GAP = 32.0  # metres of blocked atlas between two levels: more than any reach, bite or sight


class NavStack:
    """The atlas of several levels and its stair portals.

    names : level names in atlas order; index = the agents' level index.
    atlas : NavGrid of all levels, with `portals` (both ways along every link) and
        `portal_cost` (m: the stair's length, horizontal run and rise together).
    offsets : (L, 2) float64 m: atlas xy = world xy + offsets[level].
    rows : (L + 1,) int64 atlas row where each level starts (last: the end).
    ends : (m, 2, 2) float64 atlas xy of each portal's (foot, landing) cell centre.
    """

    def __init__(self, levels: dict, links):
        if not levels:
            raise ConfigError("a level stack needs at least one level")
        self.names = list(levels)
        grids = [NavGrid.from_level(levels[k]) for k in self.names]
        cell = grids[0].cell
        for name, g in zip(self.names, grids):
            if g.cell != cell:
                raise ConfigError(f"level {name!r}: cell = {g.cell:g} m (allowed: the same cell "
                                  f"size as level {self.names[0]!r}, {cell:g} m)")
        gap = int(np.ceil(GAP / cell))
        rows = [0]
        for g in grids:
            rows.append(rows[-1] + g.shape[0] + gap)
        nx = max(g.shape[1] for g in grids)
        walk = np.zeros((rows[-1] - gap, nx), bool)
        offsets = np.empty((len(grids), 2))
        for k, g in enumerate(grids):
            ny_k, nx_k = g.shape
            walk[rows[k]:rows[k] + ny_k, :nx_k] = g.walkable
            offsets[k] = (-g.origin[0], rows[k] * cell - g.origin[1])
        self.offsets = offsets
        self.rows = np.array(rows[:-1] + [walk.shape[0]], np.int64)
        self.atlas = NavGrid(walk, (0.0, 0.0), cell)
        z = [float(getattr(levels[k], "z", 0.0)) for k in self.names]
        portals, cost, ends = [], [], []
        for link in links:
            a, a_xy, b, b_xy = link
            ia, ib = self.index(a), self.index(b)
            pa = self.to_atlas(a_xy, ia)[0]
            pb = self.to_atlas(b_xy, ib)[0]
            for p, lvl, name in ((pa, ia, a), (pb, ib, b)):
                if not self.atlas.is_walkable(p[None])[0]:
                    raise ConfigError(f"link {a!r} -> {b!r}: its end on {name!r} is not on a "
                                      "walkable cell (allowed: points on the walkable map)")
            ca, cb = self.atlas.cell_of(np.stack([pa, pb]))
            run = float(np.hypot(*(np.asarray(a_xy, float) - np.asarray(b_xy, float))))
            length = float(np.hypot(run, z[ib] - z[ia]))
            fa, fb = ca[1] * nx + ca[0], cb[1] * nx + cb[0]
            portals += [(fa, fb), (fb, fa)]
            cost += [length, length]
            centres = self.atlas.cell_centre(np.stack([ca, cb]))
            ends += [centres, centres[::-1]]
        self.atlas.portals = np.array(portals, np.int64).reshape(-1, 2)
        self.atlas.portal_cost = np.array(cost, np.float64)
        self.ends = np.array(ends, np.float64).reshape(-1, 2, 2)

    def index(self, level) -> int:
        """The index of level `level` (a name or an index)."""
        if isinstance(level, (int, np.integer)) and 0 <= level < len(self.names):
            return int(level)
        if level in self.names:
            return self.names.index(level)
        raise ConfigError(f"level = {level!r} is not a level of this crowd "
                          f"(allowed: {', '.join(self.names)})")

    def to_atlas(self, xy, level) -> np.ndarray:
        """(k, 2) atlas points of world points `xy` ((2,) or (k, 2) m) on `level`."""
        return np.asarray(xy, np.float64).reshape(-1, 2) + self.offsets[self.index(level)]

    def level_of(self, atlas_xy: np.ndarray) -> np.ndarray:
        """(n,) uint8 level index of atlas points (n, 2) m (by atlas row)."""
        row = np.floor(atlas_xy[:, 1] / self.atlas.cell).astype(np.int64)
        return (np.searchsorted(self.rows, row, side="right") - 1).clip(0, len(self.names) - 1) \
            .astype(np.uint8)

    def to_world(self, atlas_xy: np.ndarray) -> np.ndarray:
        """(n, 2) world points of atlas points (n, 2) m, each on its own level."""
        return atlas_xy - self.offsets[self.level_of(atlas_xy)]

    def used(self, dist: np.ndarray) -> np.ndarray:
        """(m,) bool: the portals a field of path distances (ny, nx) m leads through
        (the foot's distance is the landing's plus the stair's length)."""
        d = dist.reshape(-1)
        foot = d[self.atlas.portals[:, 0]]
        land = d[self.atlas.portals[:, 1]]
        with np.errstate(invalid="ignore"):  # inf - inf where neither end is reachable
            return np.isfinite(foot) & (np.abs(foot - land - self.atlas.portal_cost)
                                        <= 1e-9 * (1.0 + foot))
