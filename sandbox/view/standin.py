"""Stand-in world parts for tests and look-dev while the real models are absent.

Boxes with vertex colours, flat-shaded (vertices split per face), in the site plan's
layout: school 80 x 16 m, four floors, window bands on its south face, gym to the east,
dirt field south, a hill to the north, city blocks around, a tree template and a table.
"""

from __future__ import annotations

import numpy as np
import trimesh


def _colored(mesh: trimesh.Trimesh, rgba) -> trimesh.Trimesh:
    mesh = mesh.copy()
    mesh.unmerge_vertices()
    mesh.visual.vertex_colors = np.tile(np.asarray(rgba, np.uint8), (len(mesh.vertices), 1))
    return mesh


def box(extents, center, rgba) -> trimesh.Trimesh:
    m = trimesh.creation.box(extents=extents)
    m.apply_translation(center)
    return _colored(m, rgba)


def terrain(size=1400.0, step=20.0) -> trimesh.Trimesh:
    n = int(size / step) + 1
    xs = np.linspace(-size / 2, size / 2, n)
    X, Y = np.meshgrid(xs, xs)
    Z = 60.0 * np.clip((Y - 60.0) / 300.0, 0, 1) ** 1.5 * np.exp(-(X / 400.0) ** 2)
    Z[(np.abs(X) < 70) & (Y > -80) & (Y < 60)] = 0.0
    v = np.stack([X, Y, Z], -1).reshape(-1, 3)
    i = np.arange(n * n).reshape(n, n)
    a, b, c, d = i[:-1, :-1], i[:-1, 1:], i[1:, :-1], i[1:, 1:]
    f = np.concatenate([np.stack([a, b, d], -1).reshape(-1, 3), np.stack([a, d, c], -1).reshape(-1, 3)])
    m = trimesh.Trimesh(v, f, process=False)
    m.unmerge_vertices()
    col = np.where(m.vertices[:, 2:3] > 2.0, [[70, 92, 52, 255]], [[96, 104, 70, 255]])
    m.visual.vertex_colors = col.astype(np.uint8)
    return m


def tree_template() -> trimesh.Trimesh:
    trunk = trimesh.creation.cylinder(radius=0.25, height=3.0, sections=6)
    trunk.apply_translation([0, 0, 1.5])
    crown = trimesh.creation.cone(radius=2.2, height=7.0, sections=7)
    crown.apply_translation([0, 0, 2.5])
    return trimesh.util.concatenate([_colored(trunk, [90, 64, 44, 255]),
                                     _colored(crown, [44, 78, 42, 255])])


def world(seed: int = 7):
    """(parts, trees): parts name -> Trimesh, trees (n, 5) float32 (x, y, z, scale, heading)."""
    rng = np.random.default_rng(seed)
    school = [box((80, 16, 15.5), (0, 30, 7.75), [178, 174, 164, 255])]
    for floor in range(4):  # dark window bands on the south face, glass marked by alpha
        for k in range(8):
            school.append(box((7.0, 0.3, 1.8), (-35 + k * 10, 21.9, 1.9 + floor * 3.6),
                              [70, 88, 100, 200]))
    school.append(box((5, 5, 3), (-30, 32, 17.0), [170, 166, 156, 255]))
    parts = {
        "school": trimesh.util.concatenate(school),
        "gym": box((40, 25, 12), (75, 20, 6), [150, 160, 170, 255]),
        "grounds": box((100, 60, 0.1), (0, -25, 0.05), [150, 118, 84, 255]),
        "perimeter": box((160, 0.4, 2.2), (0, -60, 1.1), [140, 136, 128, 255]),
        "terrain": terrain(),
    }
    city = []
    for k in range(40):
        ang = rng.uniform(0, 2 * np.pi)
        r = rng.uniform(220, 600)
        x, y = r * np.cos(ang), r * np.sin(ang)
        if y > 80 and abs(x) < 250:
            y = -abs(y)
        h = rng.uniform(40, 75)
        city.append(box((22, 14, h), (x, y, h / 2), [200, 196, 186, 255]))
    parts["city"] = trimesh.util.concatenate(city)
    parts["tree"] = tree_template()
    n = 600
    tx = rng.uniform(-300, 300, n)
    ty = rng.uniform(70, 420, n)
    tz = 60.0 * np.clip((ty - 60.0) / 300.0, 0, 1) ** 1.5 * np.exp(-(tx / 400.0) ** 2) - 0.3
    trees = np.stack([tx, ty, tz, rng.uniform(0.8, 1.4, n), rng.uniform(0, 6.28, n)], 1)
    return parts, trees.astype(np.float32)
