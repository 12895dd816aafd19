"""Flat-shaded coloured primitives, accumulated into one trimesh per part.

Every face gets its own vertices (no smoothing across hard edges), an outward
normal and one RGBA colour (uint8). A planar quad shares its 4 vertices between
its 2 triangles, which is still flat-shaded and keeps the .glb files small.

`MeshBuilder` is the only place geometry is emitted from, so every module that
builds a part (school, grounds, city...) speaks the same small vocabulary:
`box`, `quad`, `beam`, `prism`, `cone`, `strip`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import trimesh

RGBA = tuple[int, int, int, int]


def rgba(r: int, g: int, b: int, a: int = 255) -> RGBA:
    return (int(r), int(g), int(b), int(a))


# The six faces of an axis-aligned box as corner indices into
# [x0y0z0, x1y0z0, x1y1z0, x0y1z0, x0y0z1, x1y0z1, x1y1z1, x0y1z1], each CCW seen from outside.
_BOX_FACES = {
    "bottom": (0, 3, 2, 1),
    "top": (4, 5, 6, 7),
    "south": (0, 1, 5, 4),   # -Y
    "north": (2, 3, 7, 6),   # +Y
    "west": (3, 0, 4, 7),    # -X
    "east": (1, 2, 6, 5),    # +X
}
SIDES = ("south", "north", "west", "east")


class MeshBuilder:
    """Accumulates flat-shaded quads and triangles; `mesh()` returns one trimesh.

    Geometry is stored as polygons of 3 or 4 corners, each with one colour, in
    insertion order, so the output is deterministic.
    """

    def __init__(self) -> None:
        self._quads: list[np.ndarray] = []   # (k, 4, 3) float64
        self._qcol: list[np.ndarray] = []    # (k, 4) uint8
        self._tris: list[np.ndarray] = []    # (k, 3, 3) float64
        self._tcol: list[np.ndarray] = []    # (k, 4) uint8

    # -- raw polygons -----------------------------------------------------------------
    def quads(self, corners: np.ndarray, colour: RGBA | np.ndarray) -> None:
        """(k, 4, 3) planar quads, corners CCW seen from the front; colour (4,) or (k, 4)."""
        corners = np.asarray(corners, np.float64).reshape(-1, 4, 3)
        col = np.broadcast_to(np.asarray(colour, np.uint8), (len(corners), 4))
        self._quads.append(corners)
        self._qcol.append(np.array(col))

    def tris(self, corners: np.ndarray, colour: RGBA | np.ndarray) -> None:
        """(k, 3, 3) triangles, CCW seen from the front; colour (4,) or (k, 4)."""
        corners = np.asarray(corners, np.float64).reshape(-1, 3, 3)
        col = np.broadcast_to(np.asarray(colour, np.uint8), (len(corners), 4))
        self._tris.append(corners)
        self._tcol.append(np.array(col))

    def quad(self, p0, p1, p2, p3, colour: RGBA, two_sided: bool = False) -> None:
        """One planar quad p0..p3 (CCW from the front); `two_sided` adds the back face."""
        q = np.array([p0, p1, p2, p3], np.float64)
        self.quads(q[None], colour)
        if two_sided:
            self.quads(q[None, ::-1], colour)

    # -- solids --------------------------------------------------------------------------
    def box(self, lo: Sequence[float], hi: Sequence[float],
            colour: RGBA | Mapping[str, RGBA], skip: Sequence[str] = ()) -> None:
        """Axis-aligned box from corner `lo` (x, y, z) to `hi`; metres.

        `colour` is one RGBA or a mapping with keys among top/bottom/side/north/...
        (missing keys fall back to "side", then to the first value). Faces named in
        `skip` are left out (e.g. "bottom" for boxes standing on the ground).
        """
        x0, y0, z0 = lo
        x1, y1, z1 = hi
        if x1 <= x0 or y1 <= y0 or z1 <= z0:
            return
        c = np.array([[x0, y0, z0], [x1, y0, z0], [x1, y1, z0], [x0, y1, z0],
                      [x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]])
        for name, idx in _BOX_FACES.items():
            if name in skip:
                continue
            if isinstance(colour, Mapping):
                col = colour.get(name, colour.get("side", next(iter(colour.values()))))
            else:
                col = colour
            self.quads(c[list(idx)][None], col)

    def beam(self, p0: Sequence[float], p1: Sequence[float], w: float, h: float | None = None,
             colour: RGBA = rgba(128, 128, 128)) -> None:
        """A square-section bar from p0 to p1 (centreline), width `w`, height `h` (default w)."""
        p0 = np.asarray(p0, np.float64)
        p1 = np.asarray(p1, np.float64)
        h = w if h is None else h
        d = p1 - p0
        length = np.linalg.norm(d)
        if length < 1e-9:
            return
        a = d / length
        ref = np.array([0.0, 0.0, 1.0]) if abs(a[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
        u = np.cross(a, ref)
        u /= np.linalg.norm(u)
        v = np.cross(u, a)
        hu, hv = u * (w / 2), v * (h / 2)
        ring0 = np.array([p0 - hu - hv, p0 + hu - hv, p0 + hu + hv, p0 - hu + hv])
        ring1 = ring0 + d
        sides = [np.array([ring0[i], ring0[(i + 1) % 4], ring1[(i + 1) % 4], ring1[i]])
                 for i in range(4)]
        # orientation: u x a = -v ... make every side face point away from the axis
        out = []
        for i, s in enumerate(sides):
            n = np.cross(s[1] - s[0], s[2] - s[0])
            centre = s.mean(0) - (p0 + d / 2)
            out.append(s if np.dot(n, centre) > 0 else s[::-1])
        cap0, cap1 = ring0[::-1], ring1
        if np.dot(np.cross(cap0[1] - cap0[0], cap0[2] - cap0[0]), -a) < 0:
            cap0, cap1 = cap0[::-1], cap1[::-1]
        self.quads(np.array(out + [cap0, cap1]), colour)

    def prism(self, cx: float, cy: float, r: float, z0: float, z1: float, n: int,
              colour: RGBA | Mapping[str, RGBA], top: bool = True, bottom: bool = False,
              phase: float = 0.0) -> None:
        """Vertical n-sided prism (a cylinder for the low-poly world) of radius r."""
        side = colour.get("side") if isinstance(colour, Mapping) else colour
        topc = colour.get("top", side) if isinstance(colour, Mapping) else colour
        a = phase + np.arange(n) * 2 * np.pi / n
        ring = np.stack([cx + r * np.cos(a), cy + r * np.sin(a)], 1)
        nxt = np.roll(ring, -1, 0)
        lo = np.full((n, 1), z0)
        hi = np.full((n, 1), z1)
        q = np.stack([np.hstack([ring, lo]), np.hstack([nxt, lo]),
                      np.hstack([nxt, hi]), np.hstack([ring, hi])], 1)
        self.quads(q, side)
        if top:
            self._fan(np.hstack([ring, hi]), topc)
        if bottom:
            self._fan(np.hstack([ring, lo])[::-1], side)

    def cone(self, cx: float, cy: float, r: float, z0: float, z1: float, n: int,
             colour: RGBA, base: bool = True, phase: float = 0.0) -> None:
        """Vertical n-sided cone, base radius r at z0, apex at z1."""
        a = phase + np.arange(n) * 2 * np.pi / n
        ring = np.stack([cx + r * np.cos(a), cy + r * np.sin(a), np.full(n, z0)], 1)
        apex = np.broadcast_to([cx, cy, z1], (n, 3))
        self.tris(np.stack([ring, np.roll(ring, -1, 0), apex], 1), colour)
        if base:
            self._fan(ring[::-1], colour)

    def strip(self, points: np.ndarray, width: float, z: float, colour: RGBA,
              closed: bool = False) -> None:
        """A flat ribbon of `width` along a 2D polyline (k, 2) at height z (road/track lines)."""
        p = np.asarray(points, np.float64)
        if closed:
            p = np.vstack([p, p[:1]])
        d = np.diff(p, axis=0)
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        nrm = np.stack([-d[:, 1], d[:, 0]], 1) * (width / 2)
        a, b = p[:-1], p[1:]
        zz = np.full((len(a), 1), z)
        q = np.stack([np.hstack([a - nrm, zz]), np.hstack([b - nrm, zz]),
                      np.hstack([b + nrm, zz]), np.hstack([a + nrm, zz])], 1)
        self.quads(q, colour)

    def _fan(self, ring: np.ndarray, colour: RGBA) -> None:
        """Triangle fan over a convex CCW ring (k, 3)."""
        k = len(ring)
        idx = np.array([[0, i, i + 1] for i in range(1, k - 1)])
        self.tris(ring[idx], colour)

    def extend(self, other: "MeshBuilder") -> None:
        self._quads += other._quads
        self._qcol += other._qcol
        self._tris += other._tris
        self._tcol += other._tcol

    # -- output --------------------------------------------------------------------------
    @property
    def n_triangles(self) -> int:
        return 2 * sum(len(q) for q in self._quads) + sum(len(t) for t in self._tris)

    def mesh(self) -> trimesh.Trimesh:
        """One trimesh: split vertices per polygon, unit face normals, uint8 RGBA colours."""
        quads = np.concatenate(self._quads) if self._quads else np.zeros((0, 4, 3))
        qcol = np.concatenate(self._qcol) if self._qcol else np.zeros((0, 4), np.uint8)
        tris = np.concatenate(self._tris) if self._tris else np.zeros((0, 3, 3))
        tcol = np.concatenate(self._tcol) if self._tcol else np.zeros((0, 4), np.uint8)
        # Newell normal per polygon: robust for slightly non-planar quads
        qn = np.cross(quads[:, 2] - quads[:, 0], quads[:, 3] - quads[:, 1])
        tn = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
        q_ok = np.linalg.norm(qn, axis=1) > 1e-12
        t_ok = np.linalg.norm(tn, axis=1) > 1e-12
        quads, qcol, qn = quads[q_ok], qcol[q_ok], qn[q_ok]
        tris, tcol, tn = tris[t_ok], tcol[t_ok], tn[t_ok]
        qn /= np.linalg.norm(qn, axis=1, keepdims=True)
        tn /= np.linalg.norm(tn, axis=1, keepdims=True)
        nq, nt = len(quads), len(tris)
        verts = np.concatenate([quads.reshape(-1, 3), tris.reshape(-1, 3)])
        normals = np.concatenate([np.repeat(qn, 4, 0), np.repeat(tn, 3, 0)])
        colours = np.concatenate([np.repeat(qcol, 4, 0), np.repeat(tcol, 3, 0)])
        base = 4 * np.arange(nq)[:, None]
        qf = np.concatenate([base + [0, 1, 2], base + [0, 2, 3]], 1).reshape(-1, 3)
        tf = 4 * nq + np.arange(3 * nt).reshape(-1, 3)
        faces = np.concatenate([qf, tf]).astype(np.int64)
        return make_mesh(verts, faces, normals, colours)


def make_mesh(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray,
              colours: np.ndarray) -> trimesh.Trimesh:
    """A trimesh from explicit arrays, untouched by trimesh's processing (no merging)."""
    mesh = trimesh.Trimesh(vertices=np.asarray(vertices, np.float64),
                           faces=np.asarray(faces, np.int64), process=False)
    mesh.vertex_normals = np.asarray(normals, np.float64)
    mesh.visual = trimesh.visual.ColorVisuals(mesh, vertex_colors=np.asarray(colours, np.uint8))
    return mesh
