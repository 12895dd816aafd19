"""Trees: one low-poly pine template and a deterministic instance table.

The forest covers the hill north of the school (leaving the path and the hilltop
clearing free); a few rows of trees stand inside the school wall. Nothing stands
on a road, a building, the field or the courts.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import trimesh

from sandbox.rng import stream
from sandbox.world import blueprint as bp
from sandbox.world.shapes import MeshBuilder, rgba
from sandbox.world.terrain import path_distance, terrain_height

BARK = rgba(92, 66, 46)
NEEDLES = (rgba(44, 84, 52), rgba(54, 98, 58), rgba(66, 112, 64))


def tree_template() -> trimesh.Trimesh:
    """A pine, TREE_H (9 m) tall at scale 1, base at the origin: a 5-sided trunk and
    three stacked 7-sided cones (about 60 triangles)."""
    b = MeshBuilder()
    b.prism(0.0, 0.0, 0.22, -0.5, 3.0, 5, BARK, top=False)
    layers = ((2.0, 5.4, 2.6), (3.9, 7.3, 2.0), (5.7, bp.TREE_H, 1.35))
    for k, (z0, z1, r) in enumerate(layers):
        b.cone(0.0, 0.0, r, z0, z1, 7, NEEDLES[k], base=True, phase=0.45 * k)
    return b.mesh()


def _keepout(xy: np.ndarray) -> np.ndarray:
    """(n, 2) -> (n,) True where no tree may stand."""
    bad = np.zeros(len(xy), bool)
    for r in bp.ROADS:
        bad |= r.grow(3.0).contains(xy)
    for r in bp.CITY_BLOCKS:
        bad |= r.grow(1.0).contains(xy)
    for r in (bp.SCHOOL.grow(4.0), bp.GYM.grow(4.0), bp.FIELD.grow(3.0), bp.TENNIS.grow(3.0),
              bp.SITE.grow(3.0), bp.APRON, bp.BLEACHERS.grow(2.0),
              # keep the ways in clear: main gate to field, west side gate, back gate
              bp.Rect(bp.GATE_X[0] - 4, bp.PERIMETER.y0 - 8, bp.GATE_X[1] + 4, bp.FIELD.y0),
              bp.Rect(bp.PERIMETER.x0 - 8, bp.WEST_GAP_Y[0] - 4, bp.TENNIS.x0, bp.WEST_GAP_Y[1] + 4),
              bp.Rect(bp.BACK_GATE_X[0] - 4, bp.SCHOOL.y1, bp.BACK_GATE_X[1] + 4, bp.PERIMETER.y1 + 4)):
        bad |= r.contains(xy)
    bad |= path_distance(xy) < bp.PATH_W + 1.5
    bad |= np.hypot(xy[:, 0] - bp.HILLTOP[0], xy[:, 1] - bp.HILLTOP[1]) < bp.CLEARING_R + 2.0
    # stay a little clear of the perimeter wall's line
    p = bp.PERIMETER
    near_x = (np.abs(xy[:, 0] - p.x0) < 2.5) | (np.abs(xy[:, 0] - p.x1) < 2.5)
    near_y = (np.abs(xy[:, 1] - p.y0) < 2.5) | (np.abs(xy[:, 1] - p.y1) < 2.5)
    inside = p.grow(2.5).contains(xy)
    bad |= inside & (near_x | near_y)
    return bad


def _blocks_view(xy: np.ndarray, top: np.ndarray) -> np.ndarray:
    """True for trees that would hide the school's roof from the hilltop clearing: the
    forest is thinned below the sight lines from an eye 1.6 m above the clearing to the
    whole length of the roof (a view cut down the slope)."""
    hx, hy = bp.HILL_LOOKOUT
    s = bp.SCHOOL
    z_eye = float(terrain_height(hx, hy)) + 1.6
    ty, tz = s.y0, bp.ROOF_Z + 1.0
    f = (hy - xy[:, 1]) / (hy - ty)               # 0 at the eye, 1 at the school's facade
    xc = hx + f * (s.centre[0] - hx)
    half = f * s.w / 2 + 3.0
    line = z_eye + f * (tz - z_eye)
    return (f > 0) & (f < 1) & (np.abs(xy[:, 0] - xc) < half) & (top > line - 0.5)


@cache
def tree_instances() -> np.ndarray:
    """(n, 5) float32: x, y, z (ground height), scale, heading (radians) of every tree."""
    rng = stream(bp.SEED, "world.trees")
    f = bp.FOREST
    s = bp.FOREST_SPACING
    gx, gy = np.meshgrid(np.arange(f.x0, f.x1, s), np.arange(f.y0, f.y1, s))
    xy = np.stack([gx.ravel(), gy.ravel()], 1) + rng.uniform(-0.45 * s, 0.45 * s, (gx.size, 2))
    # thinner forest at the very edge, so the tree line is ragged rather than ruled
    edge = (xy[:, 1] - bp.FOREST_EDGE_Y) / 25.0
    keep = rng.random(len(xy)) < np.clip(0.35 + edge, 0, 1)
    forest = xy[keep]
    # rows along the inside of the school wall (east, west and north sides)
    p = bp.PERIMETER
    rows = [np.stack([np.arange(p.x0 + 6, p.x1 - 5, 9.0), np.full(len(np.arange(p.x0 + 6, p.x1 - 5, 9.0)),
                                                                    p.y1 - 4.0)], 1),
            np.stack([np.full(12, p.x0 + 4.0), np.linspace(p.y0 + 6, p.y1 - 6, 12)], 1),
            np.stack([np.full(12, p.x1 - 4.0), np.linspace(p.y0 + 6, p.y1 - 6, 12)], 1),
            np.stack([np.arange(p.x0 + 8, p.x1 - 8, 12.0), np.full(len(np.arange(p.x0 + 8, p.x1 - 8, 12.0)),
                                                                     p.y0 + 4.0)], 1)]
    school = np.concatenate(rows) + rng.uniform(-0.8, 0.8, (sum(len(r) for r in rows), 2))
    xy = np.concatenate([forest, school])
    xy = xy[~_keepout(xy) & bp.TERRAIN.grow(-5.0).contains(xy)]
    n = len(xy)
    z = terrain_height(xy[:, 0], xy[:, 1])
    scale = rng.uniform(0.8, 1.45, n)
    heading = rng.uniform(-np.pi, np.pi, n)
    keep = ~_blocks_view(xy, z + bp.TREE_H * scale)
    xy, z, scale, heading = xy[keep], z[keep], scale[keep], heading[keep]
    out = np.column_stack([xy, z, scale, heading]).astype(np.float32)
    out.setflags(write=False)
    return out
