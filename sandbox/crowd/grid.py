"""The walkable map as the crowd sees it: a nav grid with a signed wall-distance field.

The world hands over plain arrays (duck-typed: anything with `walkable`,
`origin`, `cell`). Cell [j, i] (row j = y, column i = x) covers world
x in [ox + i*cell, ox + (i+1)*cell), y in [oy + j*cell, oy + (j+1)*cell).
Everything outside the grid counts as blocked.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.ndimage import distance_transform_edt


class NavGrid:
    """One walkable level, plus the fields steering needs.

    Attributes
    ----------
    walkable : (ny, nx) bool, read-only. Row = y, column = x.
    origin : (2,) float64, metres: world x, y of cell [0, 0]'s lower-left corner.
    cell : float, metres: side of a cell.
    wall_sdf : (ny, nx) float64, metres: signed distance from each cell centre to the
        nearest wall surface (positive on walkable cells, negative inside walls);
        the grid's outer border counts as wall.
    wall_grad : (ny, nx, 2) float64: gradient of `wall_sdf` (x, y components),
        pointing away from walls; about unit length away from corners.
    portals : (m, 2) int64 flat cell indices (row * nx + col) (from, to): one-way jumps
        between cells that are not neighbours (stairs between levels packed side by side,
        see `NavStack`); none on a plain grid.
    portal_cost : (m,) float64 metres of path a jump counts for.
    """

    def __init__(self, walkable, origin, cell):
        walk = np.array(walkable, dtype=bool, order="C")  # own copy: frozen below, never the caller's
        if walk.ndim != 2 or walk.shape[0] < 2 or walk.shape[1] < 2:
            raise ValueError(f"walkable must be a 2-D (ny, nx) bool array, got shape {walk.shape}")
        origin = np.asarray(origin, dtype=np.float64).reshape(2).copy()
        cell = float(cell)
        if not cell > 0:
            raise ValueError(f"cell must be positive metres, got {cell}")
        walk.setflags(write=False)
        origin.setflags(write=False)
        self.walkable = walk
        self.origin = origin
        self.cell = cell
        self.wall_sdf, self.wall_grad = _wall_fields(walk, cell)
        self.wall_sdf.setflags(write=False)
        self.wall_grad.setflags(write=False)
        self.portals = np.zeros((0, 2), np.int64)
        self.portal_cost = np.zeros(0)

    @classmethod
    def from_level(cls, level) -> "NavGrid":
        """A NavGrid from anything with `walkable`, `origin`, `cell` (the world's Level)."""
        if isinstance(level, NavGrid):
            return level
        return cls(level.walkable, level.origin, level.cell)

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx)."""
        return self.walkable.shape

    def cell_of(self, xy) -> np.ndarray:
        """(n, 2) int64 (i, j) = (column, row) of world points `xy` (n, 2) metres; may be outside."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        return np.floor((xy - self.origin) / self.cell).astype(np.int64)

    def cell_centre(self, ij) -> np.ndarray:
        """(n, 2) float64 world x, y of the centres of cells (i, j)."""
        ij = np.asarray(ij, dtype=np.float64).reshape(-1, 2)
        return self.origin + (ij + 0.5) * self.cell

    def is_walkable(self, xy) -> np.ndarray:
        """(n,) bool: whether each world point (n, 2) lies in a walkable cell (outside = no)."""
        ij = self.cell_of(xy)
        ny, nx = self.shape
        inside = (ij[:, 0] >= 0) & (ij[:, 0] < nx) & (ij[:, 1] >= 0) & (ij[:, 1] < ny)
        out = np.zeros(len(ij), dtype=bool)
        out[inside] = self.walkable[ij[inside, 1], ij[inside, 0]]
        return out

    def nearest_walkable_cell(self, xy) -> tuple[int, int]:
        """(i, j) of the walkable cell whose centre is nearest to world point `xy`."""
        jj, ii = np.nonzero(self.walkable)
        if len(ii) == 0:
            raise ValueError("the nav grid has no walkable cell")
        c = self.cell_centre(np.stack([ii, jj], axis=1))
        d2 = ((c - np.asarray(xy, dtype=np.float64).reshape(1, 2)) ** 2).sum(axis=1)
        k = int(np.argmin(d2))  # first minimum in row-major order: deterministic
        return int(ii[k]), int(jj[k])


def _wall_fields(walk: np.ndarray, cell: float) -> tuple[np.ndarray, np.ndarray]:
    """Signed wall distance (metres, + on walkable) and its gradient, border = wall."""
    padded = np.zeros((walk.shape[0] + 2, walk.shape[1] + 2), dtype=bool)
    padded[1:-1, 1:-1] = walk
    # Distance between cell centres to the nearest cell of the other kind, minus half
    # a cell: an estimate of the distance to the wall surface between them.
    d_in = distance_transform_edt(padded)[1:-1, 1:-1] * cell - 0.5 * cell
    d_out = distance_transform_edt(~padded)[1:-1, 1:-1] * cell - 0.5 * cell
    sdf = np.where(walk, d_in, -d_out).astype(np.float64)
    gy, gx = np.gradient(sdf, cell)
    grad = np.ascontiguousarray(np.stack([gx, gy], axis=-1), dtype=np.float64)
    return np.ascontiguousarray(sdf), grad


@njit(cache=True)
def sample_bilinear(field, ox, oy, cell, x, y):
    """Bilinear sample of a (ny, nx) field stored at cell centres, clamped at the border."""
    ny, nx = field.shape
    fx = min(max((x - ox) / cell - 0.5, 0.0), nx - 1.0)
    fy = min(max((y - oy) / cell - 0.5, 0.0), ny - 1.0)
    i0 = min(int(fx), nx - 2)
    j0 = min(int(fy), ny - 2)
    tx = fx - i0
    ty = fy - j0
    a = field[j0, i0] * (1.0 - tx) + field[j0, i0 + 1] * tx
    b = field[j0 + 1, i0] * (1.0 - tx) + field[j0 + 1, i0 + 1] * tx
    return a * (1.0 - ty) + b * ty


@njit(cache=True)
def cell_walkable(walk, ox, oy, cell, x, y):
    """Whether world point (x, y) lies in a walkable cell; outside the grid is blocked."""
    ny, nx = walk.shape
    fx = (x - ox) / cell
    fy = (y - oy) / cell
    if not (fx >= 0.0 and fy >= 0.0):  # also catches NaN
        return False
    i = int(fx)
    j = int(fy)
    if i >= nx or j >= ny:
        return False
    return walk[j, i]
