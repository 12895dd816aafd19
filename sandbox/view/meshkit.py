"""Flat-shaded low-poly solids built in numpy: lofted tubes (limbs, heads, fuselages),
boxes and flat slabs (wings), with per-face colours.

A `Mesh` is non-indexed: every triangle owns its three vertices, so normals are face
normals (the flat look of the world's meshes). Everything is metres, Z up; the `geom`
module turns a Mesh into a Panda3D Geom. No Panda3D here, so the pose and mesh maths are
testable without OpenGL.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def hex_rgb(value: str) -> np.ndarray:
    """'#rrggbb' -> (3,) uint8. Callers validate the string first (see figures.load_cast)."""
    s = value.lstrip("#")
    return np.array([int(s[i:i + 2], 16) for i in (0, 2, 4)], np.uint8)


@dataclass
class Mesh:
    """v (n, 3) float32 metres, n (n, 3) float32 unit face normals, c (n, 4) uint8 RGBA;
    triangle i is vertices 3i, 3i+1, 3i+2 (counter-clockwise seen from outside)."""

    v: np.ndarray
    n: np.ndarray
    c: np.ndarray

    @property
    def triangles(self) -> np.ndarray:
        return np.arange(len(self.v), dtype=np.uint32).reshape(-1, 3)

    def transformed(self, m: np.ndarray) -> "Mesh":
        """This mesh moved by a (4, 4) column-vector matrix (rotation + translation)."""
        r = m[:3, :3]
        return Mesh((self.v @ r.T + m[:3, 3]).astype(np.float32),
                    (self.n @ r.T).astype(np.float32), self.c)


def empty() -> Mesh:
    return Mesh(np.zeros((0, 3), np.float32), np.zeros((0, 3), np.float32),
                np.zeros((0, 4), np.uint8))


def merge(meshes) -> Mesh:
    meshes = [m for m in meshes if len(m.v)]
    if not meshes:
        return empty()
    return Mesh(np.concatenate([m.v for m in meshes]), np.concatenate([m.n for m in meshes]),
                np.concatenate([m.c for m in meshes]))


def _colours(color, n_tri: int, alpha: int = 255) -> np.ndarray:
    """(3 n_tri, 4) uint8 RGBA: one (3,) colour for every vertex of `n_tri` triangles."""
    rgba = np.append(np.asarray(color, np.uint8).reshape(3), np.uint8(alpha))
    return np.tile(rgba, (3 * n_tri, 1))


def from_triangles(tri: np.ndarray, color, inside: np.ndarray | None = None,
                   alpha: int = 255) -> Mesh:
    """A Mesh from (t, 3, 3) triangle corners. Where `inside` (t, 3) points are given,
    each triangle is turned (winding and normal) to face away from its point."""
    tri = np.asarray(tri, np.float32).copy()
    nrm = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    if inside is not None:
        flip = np.einsum("ij,ij->i", nrm, tri.mean(1) - inside) < 0
        tri[flip] = tri[flip][:, ::-1]
        nrm[flip] = -nrm[flip]
    length = np.linalg.norm(nrm, axis=1, keepdims=True)
    nrm = nrm / np.maximum(length, 1e-12)
    return Mesh(tri.reshape(-1, 3), np.repeat(nrm, 3, axis=0).astype(np.float32),
                _colours(color, len(tri), alpha))


_FRAMES = {"z": (np.array([1.0, 0, 0]), np.array([0, 1.0, 0])),
           "x": (np.array([0, 1.0, 0]), np.array([0, 0, 1.0])),
           "y": (np.array([0, 0, 1.0]), np.array([1.0, 0, 0]))}


def loft(centres, ru, rv, color, sides: int = 8, axis: str = "z", caps: bool = True,
         turn: float = 0.0, alpha: int = 255) -> Mesh:
    """A tube through elliptical sections: centres (k, 3) metres along `axis`, radii
    ru (k,) and rv (k,) along the section's two axes (for axis z: X then Y; x: Y then Z;
    y: Z then X), `sides` corners per ring rotated by `turn` radians; capped ends.
    2 * sides * (k - 1) triangles plus 2 * (sides - 2) for the caps."""
    c = np.asarray(centres, np.float64).reshape(-1, 3)
    k = len(c)
    if k < 2:
        raise ValueError(f"loft needs at least 2 sections, got {k}")
    ru = np.broadcast_to(np.asarray(ru, np.float64), (k,))
    rv = np.broadcast_to(np.asarray(rv, np.float64), (k,))
    u, w = _FRAMES[axis]
    th = turn + 2.0 * np.pi * np.arange(sides) / sides
    ring = (c[:, None, :] + ru[:, None, None] * np.cos(th)[None, :, None] * u
            + rv[:, None, None] * np.sin(th)[None, :, None] * w)          # (k, s, 3)
    j = np.arange(sides)
    j1 = (j + 1) % sides
    a0, a1 = ring[:-1][:, j], ring[:-1][:, j1]
    b0, b1 = ring[1:][:, j], ring[1:][:, j1]
    tris = np.concatenate([np.stack([a0, a1, b1], 2), np.stack([a0, b1, b0], 2)], 1)
    tris = tris.reshape(-1, 3, 3)
    # each side face turns away from the nearest point of the tube's centre line
    seg = np.repeat(np.arange(k - 1), 2 * sides)
    d = c[1:] - c[:-1]
    tt = np.einsum("ij,ij->i", tris.mean(1) - c[seg], d[seg]) / np.maximum(
        np.einsum("ij,ij->i", d[seg], d[seg]), 1e-12)
    inside = c[seg] + d[seg] * np.clip(tt, 0, 1)[:, None]
    parts_t, parts_in = [tris], [inside]
    if caps:
        fan = np.arange(1, sides - 1)
        for end, nxt in ((0, 1), (k - 1, k - 2)):
            r = ring[end]
            cap = np.stack([np.broadcast_to(r[0], (len(fan), 3)), r[fan], r[fan + 1]], 1)
            parts_t.append(cap)
            # reference point: a little inside the tube from this end
            parts_in.append(np.broadcast_to(c[end] + (c[nxt] - c[end]) * 0.25 + 1e-9,
                                            (len(fan), 3)))
    return from_triangles(np.concatenate(parts_t), color, np.concatenate(parts_in), alpha)


def box(lo, hi, color, **kw) -> Mesh:
    """An axis-aligned box from corner lo (3,) to hi (3,) metres (12 triangles)."""
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    half = (hi - lo) / 2.0 * np.sqrt(2.0)
    ctr = (lo + hi) / 2.0
    return loft([[ctr[0], ctr[1], lo[2]], [ctr[0], ctr[1], hi[2]]], half[0], half[1],
                color, sides=4, turn=np.pi / 4, **kw)


def slab(outline, z0: float, z1: float, color, alpha: int = 255) -> Mesh:
    """A flat convex plate: outline (m, 2) x/y metres (convex, any order of winding)
    extruded from z0 to z1 (wings, fins laid flat, rotor blades)."""
    o = np.asarray(outline, np.float64)
    m = len(o)
    lo = np.column_stack([o, np.full(m, z0)])
    hi = np.column_stack([o, np.full(m, z1)])
    centre = np.array([*o.mean(0), (z0 + z1) / 2.0])
    fan = np.arange(1, m - 1)
    tris = [np.stack([np.broadcast_to(lo[0], (len(fan), 3)), lo[fan], lo[fan + 1]], 1),
            np.stack([np.broadcast_to(hi[0], (len(fan), 3)), hi[fan], hi[fan + 1]], 1)]
    j, j1 = np.arange(m), (np.arange(m) + 1) % m
    tris += [np.stack([lo[j], lo[j1], hi[j1]], 1), np.stack([lo[j], hi[j1], hi[j]], 1)]
    tri = np.concatenate(tris)
    return from_triangles(tri, color, np.broadcast_to(centre, (len(tri), 3)), alpha)


def rot_x(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(a: float) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def matrix(rot: np.ndarray | None = None, pos=(0.0, 0.0, 0.0)) -> np.ndarray:
    """(4, 4) column-vector transform from a (3, 3) rotation and a (3,) translation."""
    m = np.eye(4)
    if rot is not None:
        m[:3, :3] = rot
    m[:3, 3] = pos
    return m
