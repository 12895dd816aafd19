"""Write the world's parts to `models/<part>.glb` and read them back.

The files are byte-for-byte reproducible: each .glb holds one mesh in a scene
with fixed names, no metadata ("extras") and trimesh's fixed asset header; the
geometry comes out of the blueprint in a fixed order. Vertex colours (COLOR_0,
uint8 RGBA) and normals are written and come back unchanged from `load_parts`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh
from trimesh.exchange.gltf import export_glb

from sandbox.paths import MODELS
from sandbox.world.shapes import make_mesh


def glb_bytes(name: str, mesh: trimesh.Trimesh) -> bytes:
    """The .glb file of one part, deterministic for a given mesh."""
    clean = make_mesh(mesh.vertices, mesh.faces, mesh.vertex_normals,
                      mesh.visual.vertex_colors)
    scene = trimesh.Scene()
    scene.add_geometry(clean, geom_name=name, node_name=name)
    scene.metadata = {}
    return export_glb(scene, include_normals=True)


def build_models(out_dir: Path | str = MODELS) -> list[Path]:
    """Build the world and write one `<part>.glb` per part into `out_dir`; returns the
    paths written, sorted by name. Files whose bytes are already right are left alone."""
    from sandbox.world import build_world

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, mesh in sorted(build_world().parts.items()):
        data = glb_bytes(name, mesh)
        path = out / f"{name}.glb"
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def load_parts(models_dir: Path | str = MODELS) -> dict[str, trimesh.Trimesh]:
    """Read every `<part>.glb` in `models_dir` back: part name -> mesh with the written
    vertices, faces, normals and uint8 RGBA vertex colours (nothing merged)."""
    parts = {}
    for path in sorted(Path(models_dir).glob("*.glb")):
        scene = trimesh.load(path, file_type="glb", process=False, force="scene")
        geoms = list(scene.geometry.values())
        if len(geoms) != 1:
            raise ValueError(f"{path}: expected one mesh, found {len(geoms)}")
        g = geoms[0]
        normals = g.vertex_normals if "vertex_normals" in g._cache else None
        colours = np.asarray(g.visual.vertex_colors, np.uint8)
        mesh = make_mesh(g.vertices, g.faces, normals if normals is not None else g.vertex_normals,
                         colours)
        parts[path.stem] = mesh
    return parts
