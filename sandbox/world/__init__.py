"""The static world of Hyosan: meshes, tree instances, named anchors and the walkable map.

Pure numpy + trimesh (never Panda3D), all derived from `sandbox.world.blueprint`.

    build_world() -> World           every mesh part, built once per process (cached)
    anchors() -> dict[str, (3,)]     named places, cheap (no meshes)
    walkmap() -> WalkMap             walkable grids per level and stair links, cheap
    tree_instances() -> (n, 5)       x, y, z, scale, heading of every tree, cheap
    terrain_height(x, y) -> array    height of the drawn ground (m)
    load_parts() -> dict[str, Trimesh]   the meshes read back from models/*.glb (no rebuild)
    build_models(out_dir) -> [Path]  write models/<part>.glb
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Callable

import numpy as np
import trimesh

from sandbox.world.export import build_models, load_parts
from sandbox.world.terrain import terrain_height
from sandbox.world.trees import tree_instances
from sandbox.world.walkmap import Level, Link, WalkMap, draw_level

__all__ = ["World", "build_world", "anchors", "walkmap", "tree_instances", "terrain_height",
           "draw_level", "Level", "Link", "WalkMap", "PART_NAMES", "build_models", "load_parts"]

PART_NAMES = ("school", "glass", "gym", "grounds", "perimeter", "construction", "terrain",
              "city", "tree")


@dataclass
class World:
    """parts: part name -> flat-shaded trimesh with uint8 RGBA vertex colours; `glass`
    holds every translucent surface (window panes, chain-link, scaffold netting, alpha < 255);
    `tree` is the template drawn once per row of `trees` ((n, 5) float32: x, y, z, scale,
    heading). anchors: name -> (3,) float64 (m). walkmap: see `sandbox.world.walkmap`."""

    parts: dict[str, trimesh.Trimesh]
    trees: np.ndarray
    anchors: dict[str, np.ndarray]
    walkmap: WalkMap
    terrain_height: Callable[..., np.ndarray]

    @property
    def n_triangles(self) -> int:
        return sum(len(m.faces) for m in self.parts.values())


@cache
def _anchors() -> dict[str, np.ndarray]:
    from sandbox.world.places import build_anchors
    return build_anchors()


def anchors() -> dict[str, np.ndarray]:
    """Named places: name -> (3,) float64 x, y, z (m). A fresh copy each call."""
    return {k: v.copy() for k, v in _anchors().items()}


@cache
def walkmap() -> WalkMap:
    """The walkable map (cached; treat as read-only)."""
    from sandbox.world.walkmap import build_walkmap
    return build_walkmap(tree_instances())


@cache
def build_world() -> World:
    """Every part of the static world (cached; treat as read-only)."""
    from sandbox.world.city import build_city
    from sandbox.world.draw_order import occluders_first
    from sandbox.world.grounds import build_grounds, build_gym, build_perimeter
    from sandbox.world.school import build_school
    from sandbox.world.site import build_construction
    from sandbox.world.shapes import MeshBuilder
    from sandbox.world.terrain import terrain_mesh
    from sandbox.world.trees import tree_template

    school, school_glass = build_school()
    grounds, grounds_glass = build_grounds()
    gym, gym_glass = build_gym()
    site, site_glass = build_construction()
    glass = MeshBuilder()
    for g in (school_glass, grounds_glass, gym_glass, site_glass):
        glass.extend(g)
    parts = {   # faces in the order that hides the most first (draw_order)
        "school": occluders_first(school.mesh(), rooms=True, blockers=[school_glass.mesh()]),
        "glass": glass.mesh(),
        "gym": occluders_first(gym.mesh()),
        "grounds": occluders_first(grounds.mesh()),
        "perimeter": occluders_first(build_perimeter().mesh()),
        "construction": occluders_first(site.mesh(), rooms=True, blockers=[site_glass.mesh()]),
        "terrain": terrain_mesh(),
        "city": occluders_first(build_city().mesh()),
        "tree": occluders_first(tree_template()),   # the crown from the top down, trunk last
    }
    return World(parts, tree_instances(), anchors(), walkmap(), terrain_height)
