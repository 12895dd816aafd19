"""The ground: flat (z = 0) under the school and the city, the forested hill to the north.

`terrain_height(x, y)` returns the height of the *rendered* surface: the analytic
hill is sampled at the grid nodes and interpolated over the same two triangles per
quad the mesh uses, so anything placed with it sits exactly on the drawn ground.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import trimesh

from sandbox.world import blueprint as bp
from sandbox.world.shapes import make_mesh


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def path_distance(xy: np.ndarray) -> np.ndarray:
    """(n, 2) points -> (n,) distance (m) to the forest path polyline."""
    xy = np.asarray(xy, np.float64).reshape(-1, 2)
    p = np.asarray(bp.PATH, np.float64)
    a, b = p[:-1], p[1:]
    ab = b - a
    t = np.clip(((xy[:, None] - a[None]) * ab[None]).sum(-1) / (ab * ab).sum(-1)[None], 0, 1)
    closest = a[None] + t[..., None] * ab[None]
    return np.linalg.norm(xy[:, None] - closest, axis=-1).min(1)


def hill_analytic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The hill as a smooth function (m): 0 south of HILL_FOOT_Y, HILL_H at the clearing."""
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    hx, hy = bp.HILLTOP
    # convex profile (steepening towards the summit), so the school is in view from the top
    t = np.clip((y - bp.HILL_FOOT_Y) / (hy - bp.HILL_FOOT_Y), 0.0, 1.0)
    rise = t ** 1.7 * (1.7 - 0.7 * t)        # ~t^1.7, eased to a gentle crest at t = 1
    # the ridge falls off east and west of the summit, and a little beyond it to the north
    side = 1.0 - 0.45 * _smoothstep(np.abs(x - hx) / 320.0)
    beyond = 1.0 - 0.25 * _smoothstep((y - hy) / 120.0)
    h = bp.HILL_H * rise * side * beyond
    # gentle folds so the slope is not a perfect ramp (zero at the foot)
    folds = (2.5 * np.sin(x / 23.0 + 0.7) * np.cos(y / 31.0)
             + 1.5 * np.sin((x + y) / 13.0) + 1.0 * np.cos((x - 2 * y) / 9.0))
    h = h + folds * _smoothstep((y - bp.HILL_FOOT_Y) / 60.0) * (1 - _smoothstep(
        (bp.CLEARING_R + 10 - np.hypot(x - hx, y - hy)) / 10))
    # level clearing at the top
    d = np.hypot(x - hx, y - hy)
    w = _smoothstep((bp.CLEARING_R + 12 - d) / 12)
    return h * (1 - w) + bp.HILL_H * w


@cache
def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node coordinates (n+1,), (n+1,) and heights (n+1, n+1) [row = y]."""
    t = bp.TERRAIN
    xs = np.linspace(t.x0, t.x1, bp.TERRAIN_N + 1)
    ys = np.linspace(t.y0, t.y1, bp.TERRAIN_N + 1)
    gx, gy = np.meshgrid(xs, ys)
    h = hill_analytic(gx, gy)
    h.setflags(write=False)
    return xs, ys, h


def terrain_height(x, y) -> np.ndarray:
    """Height (m) of the rendered ground at x, y (arrays, metres; broadcast together).

    Points outside the terrain are clamped to its edge.
    """
    xs, ys, h = _grid()
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    x, y = np.broadcast_arrays(x, y)
    n = bp.TERRAIN_N
    fx = np.clip((x - xs[0]) / (xs[1] - xs[0]), 0, n - 1e-9)
    fy = np.clip((y - ys[0]) / (ys[1] - ys[0]), 0, n - 1e-9)
    i = fx.astype(np.int64)
    j = fy.astype(np.int64)
    u = fx - i
    v = fy - j
    h00 = h[j, i]
    h10 = h[j, i + 1]
    h01 = h[j + 1, i]
    h11 = h[j + 1, i + 1]
    # quads are split along (i+1, j) - (i, j+1), matching terrain_mesh
    lower = u + v <= 1
    z_lo = h00 + u * (h10 - h00) + v * (h01 - h00)
    z_hi = h11 + (1 - u) * (h01 - h11) + (1 - v) * (h10 - h11)
    return np.where(lower, z_lo, z_hi)


def _colours(gx: np.ndarray, gy: np.ndarray, h: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Per-node RGBA: mown grass on the flat, forest floor on the hill, earth on steep bits
    and along the path, pale dry grass in the clearing."""
    flat = np.array([112, 128, 78], np.float64)
    forest = np.array([62, 84, 46], np.float64)
    earth = np.array([118, 96, 70], np.float64)
    clearing = np.array([150, 146, 96], np.float64)
    t = _smoothstep((h - 0.5) / 6.0)[..., None]
    c = flat * (1 - t) + forest * t
    # deterministic mottling
    m = (np.sin(gx * 0.21 + gy * 0.07) * np.cos(gy * 0.17 - gx * 0.05))[..., None]
    c = c * (1 + 0.08 * m)
    s = _smoothstep((slope - 0.25) / 0.35)[..., None]
    c = c * (1 - s) + earth * s
    pd = path_distance(np.stack([gx.ravel(), gy.ravel()], 1)).reshape(gx.shape)
    p = (_smoothstep((bp.PATH_W * 1.6 - pd) / (bp.PATH_W * 1.2)) * (gy > bp.PERIMETER.y1))[..., None]
    c = c * (1 - p) + earth * p
    d = np.hypot(gx - bp.HILLTOP[0], gy - bp.HILLTOP[1])
    k = _smoothstep((bp.CLEARING_R + 4 - d) / 8)[..., None]
    c = c * (1 - k) + clearing * k
    out = np.empty(gx.shape + (4,), np.uint8)
    out[..., :3] = np.clip(c, 0, 255).round()
    out[..., 3] = 255
    return out


def terrain_mesh() -> trimesh.Trimesh:
    """The heightfield as one mesh: (N+1)^2 shared vertices with smooth normals.

    The ground has no hard edges, so it is the one part that shares vertices; that
    keeps it at 32k triangles for under 1 MB of .glb.
    """
    xs, ys, h = _grid()
    gx, gy = np.meshgrid(xs, ys)
    n1 = len(xs)
    verts = np.stack([gx, gy, h], -1).reshape(-1, 3)
    dzdy, dzdx = np.gradient(h, ys, xs)
    normals = np.stack([-dzdx, -dzdy, np.ones_like(h)], -1)
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    slope = np.hypot(dzdx, dzdy)
    colours = _colours(gx, gy, h, slope).reshape(-1, 4)
    j, i = np.meshgrid(np.arange(n1 - 1), np.arange(n1 - 1), indexing="ij")
    v00 = (j * n1 + i).ravel()
    v10 = v00 + 1
    v01 = v00 + n1
    v11 = v01 + 1
    faces = np.concatenate([np.stack([v00, v10, v01], 1), np.stack([v11, v01, v10], 1)])
    return make_mesh(verts, faces, normals.reshape(-1, 3), colours)
