"""Flow fields: for every walkable cell, the direction of the shortest path to a goal.

One Dijkstra over the walkable cells (8-connected, no corner cutting past a
blocked orthogonal neighbour, plus the grid's portals: stairs to another level) from
a set of goal cells gives the path distance;
the cost of a step grows near walls so paths keep off them. The direction in a
cell is the descending upwind gradient of that distance (smooth, unlike "go to
the best neighbour", which only knows 8 directions); agents sample it
bilinearly. A field is built once per goal and kept in a small cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from numba import njit

from .grid import NavGrid

_INF = np.inf


@dataclass(frozen=True)
class FlowField:
    """A built flow field (arrays read-only).

    dist : (ny, nx) float64, metres of weighted path length from each cell centre to
        the nearest goal cell centre; inf on blocked and unreachable cells.
    direction : (ny, nx, 2) float32, unit (x, y) direction of travel toward the goal;
        (0, 0) on blocked, unreachable and goal cells.
    goal_cells : (k, 2) int64 (i, j) = (column, row), sorted, unique.
    """

    dist: np.ndarray
    direction: np.ndarray
    goal_cells: np.ndarray
    wall_cost: float
    wall_cost_range: float
    max_dist: float = _INF


def goal_cells_for(nav: NavGrid, goal_xy) -> np.ndarray:
    """(k, 2) int64 sorted unique goal cells for world points `goal_xy` ((2,) or (k, 2) m).

    A point outside the grid or on a blocked cell is moved to the nearest walkable cell.
    """
    pts = np.asarray(goal_xy, dtype=np.float64).reshape(-1, 2)
    if len(pts) == 0:
        raise ValueError("a goal needs at least one point")
    ij = nav.cell_of(pts)
    ok = nav.is_walkable(pts)
    for k in np.nonzero(~ok)[0]:
        ij[k] = nav.nearest_walkable_cell(pts[k])
    return np.unique(ij, axis=0)


def build_flow_field(nav: NavGrid, goal_cells, wall_cost: float = 3.0,
                     wall_cost_range: float = 1.5, max_dist: float = _INF) -> FlowField:
    """Build the flow field toward `goal_cells` ((k, 2) int (i, j), walkable).

    max_dist (m): the search stops there; farther cells read as unreachable (inf), nearer
    ones exactly as without the limit (Dijkstra settles cells in order of distance). A
    sound, heard only within its reach, needs no more; a whole-map field takes 0.65 s on
    the school's ground level, a 60 m one a small part of that."""
    goals = np.unique(np.asarray(goal_cells, dtype=np.int64).reshape(-1, 2), axis=0)
    ny, nx = nav.shape
    if (goals[:, 0] < 0).any() or (goals[:, 0] >= nx).any() or (goals[:, 1] < 0).any() \
            or (goals[:, 1] >= ny).any():
        raise ValueError("goal cell outside the grid")
    if not nav.walkable[goals[:, 1], goals[:, 0]].all():
        raise ValueError("goal cell on a blocked cell")
    if wall_cost_range > 0.0 and wall_cost > 0.0:
        near = np.clip(1.0 - nav.wall_sdf / wall_cost_range, 0.0, 1.0)
        cost = 1.0 + wall_cost * near
    else:
        cost = np.ones(nav.shape)
    cost = np.ascontiguousarray(cost, dtype=np.float64)
    # the search runs from the goals outward, so a portal (from, to) is walked backwards
    back = np.ascontiguousarray(nav.portals[:, ::-1])
    dist = _dijkstra(nav.walkable, cost, goals, nav.cell, back, nav.portal_cost,
                     float(max_dist))
    direction = _directions(nav.walkable, dist)
    dist.setflags(write=False)
    direction.setflags(write=False)
    goals.setflags(write=False)
    return FlowField(dist, direction, goals, float(wall_cost), float(wall_cost_range),
                     float(max_dist))


class FlowFieldCache:
    """The last few flow fields built on one NavGrid, keyed by goal cells and costs."""

    def __init__(self, nav: NavGrid, maxsize: int = 8):
        self.nav = nav
        self.maxsize = int(maxsize)
        self._fields: OrderedDict = OrderedDict()
        self.builds = 0  # how many fields were built (for tests and profiling)

    def get(self, goal_cells, wall_cost: float, wall_cost_range: float,
            max_dist: float = _INF) -> FlowField:
        goals = np.unique(np.asarray(goal_cells, dtype=np.int64).reshape(-1, 2), axis=0)
        key = (goals.tobytes(), float(wall_cost), float(wall_cost_range), float(max_dist))
        field = self._fields.get(key)
        if field is None:
            field = build_flow_field(self.nav, goals, wall_cost, wall_cost_range, max_dist)
            self.builds += 1
            self._fields[key] = field
            while len(self._fields) > self.maxsize:
                self._fields.popitem(last=False)
        else:
            self._fields.move_to_end(key)
        return field


# 8 neighbour offsets (di, dj), orthogonal first.
_DI = np.array([1, -1, 0, 0, 1, -1, 1, -1], dtype=np.int64)
_DJ = np.array([0, 0, 1, -1, 1, 1, -1, -1], dtype=np.int64)


@njit(cache=True)
def _sift_up(hkey, hnode, hpos, k):
    key = hkey[k]
    node = hnode[k]
    while k > 0:
        parent = (k - 1) >> 1
        pk = hkey[parent]
        if pk < key or (pk == key and hnode[parent] < node):
            break
        hkey[k] = pk
        hnode[k] = hnode[parent]
        hpos[hnode[k]] = k
        k = parent
    hkey[k] = key
    hnode[k] = node
    hpos[node] = k


@njit(cache=True)
def _sift_down(hkey, hnode, hpos, k, size):
    key = hkey[k]
    node = hnode[k]
    while True:
        c = 2 * k + 1
        if c >= size:
            break
        if c + 1 < size:
            k1 = hkey[c + 1]
            k0 = hkey[c]
            if k1 < k0 or (k1 == k0 and hnode[c + 1] < hnode[c]):
                c += 1
        ck = hkey[c]
        if key < ck or (key == ck and node < hnode[c]):
            break
        hkey[k] = ck
        hnode[k] = hnode[c]
        hpos[hnode[k]] = k
        k = c
    hkey[k] = key
    hnode[k] = node
    hpos[node] = k


@njit(cache=True, nogil=True)
def _dijkstra(walk, cost, goals, cell, links, link_cost, max_dist):
    """Weighted path distance (metres) to the nearest goal cell, inf beyond `max_dist`;
    indexed binary heap.

    links : (m, 2) int64 extra edges (flat cell a, flat cell b) the search may take from a
    to b at `link_cost` (m,) metres (few: checked only at cells flagged as link ends).
    Ties are broken by cell index, so the result never depends on anything but the inputs.
    """
    ny, nx = walk.shape
    n = ny * nx
    dist = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    hkey = np.empty(n, dtype=np.float64)
    hnode = np.empty(n, dtype=np.int64)
    hpos = np.full(n, -1, dtype=np.int64)
    size = 0
    for g in range(goals.shape[0]):
        node = goals[g, 1] * nx + goals[g, 0]
        if dist[node] == 0.0:
            continue
        dist[node] = 0.0
        hkey[size] = 0.0
        hnode[size] = node
        hpos[node] = size
        _sift_up(hkey, hnode, hpos, size)
        size += 1
    diag = np.sqrt(2.0)
    cflat = cost.ravel()
    has_link = np.zeros(n, dtype=np.bool_)
    for m in range(links.shape[0]):
        has_link[links[m, 0]] = True
    while size > 0:
        node = hnode[0]
        d = hkey[0]
        if d > max_dist:
            for k in range(size):   # reached only on the way, never settled
                dist[hnode[k]] = np.inf
            break
        hpos[node] = -1
        done[node] = True
        size -= 1
        if size > 0:
            hkey[0] = hkey[size]
            hnode[0] = hnode[size]
            hpos[hnode[0]] = 0
            _sift_down(hkey, hnode, hpos, 0, size)
        j = node // nx
        i = node - j * nx
        c0 = cflat[node]
        if has_link[node]:
            for m in range(links.shape[0]):
                nb = links[m, 1]
                if links[m, 0] != node or done[nb]:
                    continue
                size = _relax(hkey, hnode, hpos, dist, nb, d + link_cost[m], size)
        for k in range(8):
            di = _DI[k]
            dj = _DJ[k]
            ii = i + di
            jj = j + dj
            if ii < 0 or ii >= nx or jj < 0 or jj >= ny or not walk[jj, ii]:
                continue
            if k >= 4:
                # no corner cutting: both orthogonal cells beside the diagonal must be open
                if not walk[j, ii] or not walk[jj, i]:
                    continue
                step = diag
            else:
                step = 1.0
            nb = jj * nx + ii
            if done[nb]:
                continue
            size = _relax(hkey, hnode, hpos, dist, nb, d + step * cell * 0.5 * (c0 + cflat[nb]),
                          size)
    return dist.reshape(ny, nx)


@njit(cache=True)
def _relax(hkey, hnode, hpos, dist, nb, nd, size):
    """Lower `nb`'s distance to `nd` if shorter (push or decrease-key); the new heap size."""
    if nd < dist[nb]:
        dist[nb] = nd
        p = hpos[nb]
        if p < 0:
            hkey[size] = nd
            hnode[size] = nb
            hpos[nb] = size
            _sift_up(hkey, hnode, hpos, size)
            size += 1
        else:
            hkey[p] = nd
            _sift_up(hkey, hnode, hpos, p)
    return size


@njit(cache=True)
def _directions(walk, dist):
    """Unit descending upwind gradient of `dist`; best-neighbour fallback; (ny, nx, 2) f32."""
    ny, nx = dist.shape
    out = np.zeros((ny, nx, 2), dtype=np.float32)
    diag = np.sqrt(2.0)
    for j in range(ny):
        for i in range(nx):
            d = dist[j, i]
            if not np.isfinite(d) or d == 0.0:
                continue
            xm = dist[j, i - 1] if i > 0 else np.inf
            xp = dist[j, i + 1] if i < nx - 1 else np.inf
            ym = dist[j - 1, i] if j > 0 else np.inf
            yp = dist[j + 1, i] if j < ny - 1 else np.inf
            vx = 0.0
            vy = 0.0
            if xm <= xp:
                if xm < d:
                    vx = -(d - xm)
            elif xp < d:
                vx = d - xp
            if ym <= yp:
                if ym < d:
                    vy = -(d - ym)
            elif yp < d:
                vy = d - yp
            if vx != 0.0 and vy != 0.0:
                # a diagonal move must not cut a blocked corner: if the diagonal cell it
                # heads for is blocked, keep only the steeper axis
                ii = i + (1 if vx > 0 else -1)
                jj = j + (1 if vy > 0 else -1)
                if not walk[jj, ii]:
                    if abs(vx) >= abs(vy):
                        vy = 0.0
                    else:
                        vx = 0.0
            norm = np.sqrt(vx * vx + vy * vy)
            if norm == 0.0:
                # no downhill orthogonal neighbour: head for the lowest allowed neighbour
                best = d
                for k in range(8):
                    ii = i + _DI[k]
                    jj = j + _DJ[k]
                    if ii < 0 or ii >= nx or jj < 0 or jj >= ny or not walk[jj, ii]:
                        continue
                    if k >= 4 and (not walk[j, ii] or not walk[jj, i]):
                        continue
                    if dist[jj, ii] < best:
                        best = dist[jj, ii]
                        step = diag if k >= 4 else 1.0
                        vx = _DI[k] / step
                        vy = _DJ[k] / step
                norm = np.sqrt(vx * vx + vy * vy)
                if norm == 0.0:
                    continue
            out[j, i, 0] = vx / norm
            out[j, i, 1] = vy / norm
    return out
