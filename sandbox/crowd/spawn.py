"""Deterministic placement of new agents on walkable ground, apart from each other.

Rejection sampling from the seeded spawn stream: candidates drawn uniformly in a
disc, kept if their cell is walkable and they are at least `min_dist` from every
agent placed so far (existing agents included); a greedy pass in candidate
order, so the result depends only on the seed and the inputs. If the disc is
too crowded for `min_dist`, the distance is relaxed step by step rather than failing.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .grid import NavGrid


def sample_disc(rng: np.random.Generator, m: int, centre, radius: float) -> np.ndarray:
    """(m, 2) float64 points uniform in the disc (centre (2,) m, radius m)."""
    u = rng.random((m, 2))
    r = radius * np.sqrt(u[:, 0])
    t = 2.0 * np.pi * u[:, 1]
    c = np.asarray(centre, dtype=np.float64).reshape(2)
    return np.stack([c[0] + r * np.cos(t), c[1] + r * np.sin(t)], axis=1)


def spawn_positions(nav: NavGrid, rng: np.random.Generator, n: int, centre, radius: float,
                    min_dist: float, existing: np.ndarray | None = None) -> np.ndarray:
    """(n, 2) float64 walkable positions in the disc, about `min_dist` m apart.

    Raises ValueError if the disc holds no walkable ground at all.
    """
    n = int(n)
    if n <= 0:
        return np.zeros((0, 2))
    radius = float(radius)
    if not radius >= 0.0:
        raise ValueError(f"spawn radius must be >= 0 metres, got {radius}")
    centre = np.asarray(centre, dtype=np.float64).reshape(2)
    existing = np.zeros((0, 2)) if existing is None else np.asarray(existing, np.float64)
    # only existing agents that can conflict matter
    if len(existing):
        near = ((existing - centre) ** 2).sum(axis=1) <= (radius + min_dist) ** 2
        existing = existing[near]
    placed = np.empty((len(existing) + n, 2))
    placed[:len(existing)] = existing
    count = len(existing)
    target = count + n
    dist = float(min_dist)
    misses = 0
    rounds_at_dist = 0
    while count < target:
        cands = sample_disc(rng, max(4 * (target - count), 256), centre, radius)
        cands = cands[nav.is_walkable(cands)]
        if len(cands) == 0:
            misses += 1
            if misses >= 20:
                raise ValueError(f"no walkable ground within {radius} m of {tuple(centre)}")
            continue
        before = count
        count = _greedy_accept(cands, placed, count, target, dist, centre[0] - radius,
                               centre[1] - radius, 2.0 * radius)
        rounds_at_dist += 1
        if count - before < max(1, (target - before) // 50) and rounds_at_dist >= 3:
            dist *= 0.8  # too crowded: relax the spacing rather than loop forever
            rounds_at_dist = 0
            if dist < 1e-3:
                dist = 0.0
    return placed[len(existing):].copy()


@njit(cache=True)
def _greedy_accept(cands, placed, count, target, min_dist, x0, y0, extent):
    """Append candidates at least `min_dist` from all placed points; new count."""
    if min_dist <= 0.0:
        k = 0
        while count < target and k < cands.shape[0]:
            placed[count, 0] = cands[k, 0]
            placed[count, 1] = cands[k, 1]
            count += 1
            k += 1
        return count
    size = max(min_dist, extent / 1024.0)
    g = int(np.ceil(extent / size)) + 2
    head = np.full(g * g, -1, dtype=np.int64)
    nxt = np.full(placed.shape[0], -1, dtype=np.int64)
    for p in range(count):
        bx = min(max(int(np.floor((placed[p, 0] - x0) / size)) + 1, 0), g - 1)
        by = min(max(int(np.floor((placed[p, 1] - y0) / size)) + 1, 0), g - 1)
        nxt[p] = head[by * g + bx]
        head[by * g + bx] = p
    md2 = min_dist * min_dist
    for k in range(cands.shape[0]):
        if count >= target:
            break
        cx = cands[k, 0]
        cy = cands[k, 1]
        bx = min(max(int(np.floor((cx - x0) / size)) + 1, 0), g - 1)
        by = min(max(int(np.floor((cy - y0) / size)) + 1, 0), g - 1)
        ok = True
        for qy in range(max(by - 1, 0), min(by + 2, g)):
            if not ok:
                break
            for qx in range(max(bx - 1, 0), min(bx + 2, g)):
                p = head[qy * g + qx]
                while p >= 0:
                    dx = placed[p, 0] - cx
                    dy = placed[p, 1] - cy
                    if dx * dx + dy * dy < md2:
                        ok = False
                        break
                    p = nxt[p]
                if not ok:
                    break
        if ok:
            placed[count, 0] = cx
            placed[count, 1] = cy
            nxt[count] = head[by * g + bx]
            head[by * g + bx] = count
            count += 1
    return count
