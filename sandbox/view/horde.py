"""The instanced horde: one low-poly running figure drawn `n` times in one call.

Per-instance data live in an rgba32f buffer texture written from numpy every frame,
two texels per agent: (x, y, z, heading) and (phase, tint, 0, 0). `shaders/horde.vert`
swings the limbs by the gait phase (each vertex carries a limb id and a material id in
its `limb` column). The node has an omni bounding volume (never culled: the shader moves
the vertices), sits in the fixed bin (deterministic draw order) and is hidden from the
sun's shadow camera (`SHADOW_MASK`): the crowd receives shadows but casts none.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import GeomEnums, NodePath, OmniBoundingVolume

from sandbox.view import shaders
from sandbox.view.geom import geom_node, make_geom

# limb ids (shaders/horde.vert must agree)
TORSO, HEAD, ARM_L, ARM_R, THIGH_L, THIGH_R, SHIN_L, SHIN_R = range(8)
# material ids: the shader picks the colour per instance
SKIN, SHIRT, PANTS, SHOES, HAIR, JACKET = range(6)

_BOX_FACES = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                       [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])


def _box(lo, hi, limb, mat, taper=1.0):
    """A flat-shaded box (12 triangles) from corner lo to hi; `taper` scales the top's
    x/y extent (a prism-ish limb). Returns vertices, normals, limb columns, faces."""
    lo, hi = np.asarray(lo, np.float32), np.asarray(hi, np.float32)
    c = (lo + hi) / 2
    corners = np.array([[lo[0], lo[1], lo[2]], [hi[0], lo[1], lo[2]], [hi[0], hi[1], lo[2]],
                        [lo[0], hi[1], lo[2]], [lo[0], lo[1], hi[2]], [hi[0], lo[1], hi[2]],
                        [hi[0], hi[1], hi[2]], [lo[0], hi[1], hi[2]]], np.float32)
    corners[4:, :2] = c[:2] + (corners[4:, :2] - c[:2]) * taper
    v = corners[_BOX_FACES.reshape(-1)]
    tri = v.reshape(-1, 3, 3)
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    # make normals point outward (away from the box centre)
    out = np.sign(np.einsum("ij,ij->i", n, tri.mean(1) - c))[:, None]
    n *= np.where(out == 0, 1, out)
    normals = np.repeat(n, 3, axis=0)
    limb = np.tile([float(limb), float(mat)], (len(v), 1)).astype(np.float32)
    return v, normals.astype(np.float32), limb


def figure_arrays():
    """A ~1.72 m humanoid facing +X, feet at z=0 (metres). Returns vertices (v, 3),
    normals (v, 3), colours (v, 4) uint8, triangles (t, 3), limb (v, 2) = (limb, material)."""
    parts = [
        # torso: shirt body over hips (pants), slightly tapered
        _box((-0.11, -0.19, 0.86), (0.11, 0.19, 1.42), TORSO, SHIRT, 1.05),
        _box((-0.10, -0.17, 0.80), (0.10, 0.17, 0.93), TORSO, PANTS),
        _box((-0.12, -0.20, 1.16), (0.12, 0.20, 1.40), TORSO, JACKET, 1.04),
        _box((-0.05, -0.05, 1.40), (0.05, 0.05, 1.50), HEAD, SKIN),
        _box((-0.10, -0.09, 1.48), (0.11, 0.09, 1.72), HEAD, SKIN, 0.92),
        _box((-0.115, -0.095, 1.60), (0.07, 0.095, 1.74), HEAD, HAIR),
        # arms hang from the shoulders (z 1.40); sleeve then hand
        _box((-0.055, 0.19, 0.92), (0.055, 0.29, 1.40), ARM_L, JACKET, 1.1),
        _box((-0.045, 0.20, 0.76), (0.045, 0.28, 0.93), ARM_L, SKIN),
        _box((-0.055, -0.29, 0.92), (0.055, -0.19, 1.40), ARM_R, JACKET, 1.1),
        _box((-0.045, -0.28, 0.76), (0.045, -0.20, 0.93), ARM_R, SKIN),
        # legs: thigh from the hip (z 0.86) to the knee (0.46), shin + shoe below
        _box((-0.075, 0.02, 0.46), (0.075, 0.17, 0.88), THIGH_L, PANTS, 1.1),
        _box((-0.075, -0.17, 0.46), (0.075, -0.02, 0.88), THIGH_R, PANTS, 1.1),
        _box((-0.06, 0.035, 0.07), (0.06, 0.155, 0.47), SHIN_L, PANTS),
        _box((-0.06, -0.155, 0.07), (0.06, -0.035, 0.47), SHIN_R, PANTS),
        _box((-0.07, 0.035, 0.0), (0.16, 0.155, 0.08), SHIN_L, SHOES),
        _box((-0.07, -0.155, 0.0), (0.16, -0.035, 0.08), SHIN_R, SHOES),
    ]
    v = np.concatenate([p[0] for p in parts])
    n = np.concatenate([p[1] for p in parts])
    limb = np.concatenate([p[2] for p in parts])
    tris = np.arange(len(v), dtype=np.uint32).reshape(-1, 3)
    colors = np.full((len(v), 4), 255, np.uint8)
    return v, n, colors, tris, limb


class Horde:
    """Instanced zombies under `parent` (a Stage, whose root is used, or a NodePath).

    capacity: initial number of agents the buffer holds; `update` grows it when needed.
    """

    def __init__(self, parent, capacity: int = 2000):
        from sandbox.view.stage import SHADOW_MASK, instance_buffer
        root = getattr(parent, "root", parent)
        self._instance_buffer = instance_buffer
        v, n, c, t, limb = figure_arrays()
        self.triangles_per_figure = len(t)
        node = geom_node("horde", make_geom(v, n, c, t, extra={"limb": limb}))
        node.set_bounds(OmniBoundingVolume())
        node.set_final(True)
        self.np = NodePath(node)
        self.np.reparent_to(root)
        self.np.hide(SHADOW_MASK)
        self.np.set_bin("fixed", 10)
        self.shader = shaders.load("horde.vert", "horde.frag")
        self.np.set_shader(self.shader, 10)
        self.capacity = 0
        self.count = 0
        self._alloc(max(1, int(capacity)))
        self.np.set_instance_count(0)

    def _alloc(self, capacity: int) -> None:
        self.capacity = capacity
        self.tex = self._instance_buffer(2 * capacity, "horde-instances")
        self.np.set_shader_input("u_instances", self.tex)

    def update(self, positions, z, headings, phase, tint=None) -> None:
        """Write this frame's agents.

        positions (n, 2) float32 metres; z (n,) float32 ground height, metres; headings
        (n,) radians CCW from +X; phase (n,) gait phase, radians (advances with distance
        walked); tint (n,) float32 or None: the fractional part picks clothes/skin
        variants (None: a hash of the index), an integer part >= 1 marks the agent (drawn
        reddish, for debugging/hero highlighting).
        """
        pos = np.asarray(positions, np.float32).reshape(-1, 2)
        n = len(pos)
        if n > self.capacity:
            self._alloc(max(n, int(self.capacity * 1.5)))
        buf = np.frombuffer(self.tex.modify_ram_image(), np.float32).reshape(-1, 2, 4)
        if n:
            buf[:n, 0, :2] = pos
            buf[:n, 0, 2] = z
            buf[:n, 0, 3] = headings
            buf[:n, 1, 0] = phase
            if tint is None:
                idx = np.arange(n, dtype=np.uint32)
                buf[:n, 1, 1] = ((idx * np.uint32(2654435761)) >> np.uint32(8)) / float(1 << 24)
            else:
                buf[:n, 1, 1] = tint
        self.count = n
        self.np.set_instance_count(n)

    @property
    def instance_count(self) -> int:
        return self.np.get_instance_count()

    def destroy(self) -> None:
        self.np.remove_node()
