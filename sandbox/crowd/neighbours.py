"""Uniform spatial grid for neighbour queries: agents counting-sorted by cell each step.

The hash grid covers the nav grid's extent with square buckets at least as wide
as the interaction range, so every neighbour within range lies in the 3x3
buckets around an agent. Inside a bucket agents are ordered by position (x,
then y), not by id: the order in which neighbour contributions are summed then
depends only on where the agents stand, which keeps the update independent of
agent order bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit


class SpatialGrid:
    """Bucket layout over a world rectangle.

    origin : (2,) float64 metres, lower-left corner; size : bucket side, metres;
    shape : (ny, nx) buckets. Agents outside are clamped into the border buckets.
    """

    def __init__(self, origin, extent, size: float):
        self.origin = np.asarray(origin, dtype=np.float64).reshape(2).copy()
        self.size = float(size)
        ext = np.asarray(extent, dtype=np.float64).reshape(2)
        self.nx = max(1, int(np.ceil(ext[0] / self.size)))
        self.ny = max(1, int(np.ceil(ext[1] / self.size)))

    def build(self, pos: np.ndarray):
        """Sort agents (pos (n, 2) float64 m) by bucket: (order (n,), start (ny*nx + 1,)).

        `order[start[b]:start[b + 1]]` are the agents in bucket b = by*nx + bx.
        """
        return _counting_sort(pos, self.origin[0], self.origin[1], self.size, self.nx, self.ny)


@njit(cache=True)
def bucket_of(x, y, ox, oy, size, nx, ny):
    bx = int(np.floor((x - ox) / size))
    by = int(np.floor((y - oy) / size))
    bx = min(max(bx, 0), nx - 1)
    by = min(max(by, 0), ny - 1)
    return bx, by


@njit(cache=True, nogil=True)
def _counting_sort(pos, ox, oy, size, nx, ny):
    n = pos.shape[0]
    nb = nx * ny
    key = np.empty(n, dtype=np.int64)
    start = np.zeros(nb + 1, dtype=np.int64)
    for a in range(n):
        bx, by = bucket_of(pos[a, 0], pos[a, 1], ox, oy, size, nx, ny)
        b = by * nx + bx
        key[a] = b
        start[b + 1] += 1
    for b in range(nb):
        start[b + 1] += start[b]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for a in range(n):
        b = key[a]
        order[fill[b]] = a
        fill[b] += 1
    # insertion sort inside each bucket by (x, y, id): buckets hold few agents
    for b in range(nb):
        s = start[b]
        e = start[b + 1]
        for k in range(s + 1, e):
            a = order[k]
            ax = pos[a, 0]
            ay = pos[a, 1]
            m = k - 1
            while m >= s:
                c = order[m]
                cx = pos[c, 0]
                cy = pos[c, 1]
                if cx < ax or (cx == ax and (cy < ay or (cy == ay and c < a))):
                    break
                order[m + 1] = c
                m -= 1
            order[m + 1] = a
    return order, start
