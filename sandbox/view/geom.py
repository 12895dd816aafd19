"""trimesh -> Panda3D Geom, straight from numpy arrays (no per-vertex Python loops).

Vertex layout (one interleaved array, 28 bytes a vertex): `vertex` float32 x3 (metres),
`normal` float32 x3 (left out where a mesh has none), `color` uint8 x4 (RGBA, read as
0..1 in shaders). Optional extra float32 columns (for example the horde's per-vertex
limb id) are appended. Triangles are
uint32 indices. Measured in DESIGN.md: 200k triangles in about 33 ms.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import (Geom, GeomEnums, GeomLines, GeomNode, GeomTriangles,
                          GeomVertexArrayFormat, GeomVertexData, GeomVertexFormat,
                          InternalName)


def _format(extra: dict[str, int], normals: bool = True) -> GeomVertexFormat:
    arr = GeomVertexArrayFormat()
    arr.add_column(InternalName.get_vertex(), 3, Geom.NT_float32, Geom.C_point)
    if normals:
        arr.add_column(InternalName.get_normal(), 3, Geom.NT_float32, Geom.C_normal)
    arr.add_column(InternalName.get_color(), 4, Geom.NT_uint8, Geom.C_color)
    for name, n in extra.items():
        arr.add_column(InternalName.make(name), n, Geom.NT_float32, Geom.C_other)
    return GeomVertexFormat.register_format(GeomVertexFormat(arr))


def make_geom(vertices: np.ndarray, normals: np.ndarray | None, colors: np.ndarray,
              triangles: np.ndarray, extra: dict[str, np.ndarray] | None = None,
              usage=GeomEnums.UH_static) -> Geom:
    """A Geom of triangles from arrays.

    vertices (n, 3) float, metres; normals (n, 3) float, or None for a mesh whose shaders
    need none (no normal column); colors (n, 4) uint8 RGBA (or
    (n, 3), alpha 255 added); triangles (m, 3) int vertex indices; extra: name ->
    (n,) or (n, k) float32 columns (k <= 4), readable in GLSL as `in float/vecK name`.
    """
    v = np.ascontiguousarray(vertices, np.float32).reshape(-1, 3)
    n = len(v)
    col = np.asarray(colors)
    if col.dtype != np.uint8:
        col = np.clip(np.round(col * 255.0 if col.max(initial=0) <= 1.0 else col), 0, 255)
        col = col.astype(np.uint8)
    col = col.reshape(n, -1)
    if col.shape[1] == 3:
        col = np.concatenate([col, np.full((n, 1), 255, np.uint8)], axis=1)
    extra = {k: np.asarray(a, np.float32).reshape(n, -1) for k, a in (extra or {}).items()}
    fmt = _format({k: a.shape[1] for k, a in extra.items()}, normals is not None)

    fields = [("v", np.float32, (3,))]
    fields += [("n", np.float32, (3,))] if normals is not None else []
    fields += [("c", np.uint8, (4,))]
    fields += [(k, np.float32, (a.shape[1],)) for k, a in extra.items()]
    dtype = np.dtype(fields)
    stride = fmt.get_array(0).get_stride()
    if dtype.itemsize != stride:
        dtype = np.dtype({"names": dtype.names,
                          "formats": [dtype.fields[k][0] for k in dtype.names],
                          "offsets": [fmt.get_array(0).get_column(i).get_start()
                                      for i in range(len(dtype.names))],
                          "itemsize": stride})
    rec = np.zeros(n, dtype)
    rec["v"], rec["c"] = v, col
    if normals is not None:
        rec["n"] = np.asarray(normals, np.float32).reshape(n, 3)
    for k, a in extra.items():
        rec[k] = a

    return packed_geom(fmt, rec, triangles, usage=usage)


def packed_geom(fmt: GeomVertexFormat, rec: np.ndarray, indices, lines: bool = False,
                usage=GeomEnums.UH_static, name: str = "mesh") -> Geom:
    """A Geom from vertex records `rec` (n,) laid out byte for byte as `fmt`'s one array,
    and uint32 indices: lines ((m, 2)) or triangles ((m, 3)). Two memory copies, no
    per-vertex Python."""
    vdata = GeomVertexData(name, fmt, usage)
    vdata.unclean_set_num_rows(len(rec))
    memoryview(vdata.modify_array(0)).cast("B")[:] = rec.view(np.uint8).reshape(-1)
    idx = np.ascontiguousarray(indices, np.uint32).reshape(-1)
    prim = (GeomLines if lines else GeomTriangles)(usage)
    prim.set_index_type(GeomEnums.NT_uint32)
    arr = prim.modify_vertices()
    arr.unclean_set_num_rows(len(idx))
    memoryview(arr).cast("B")[:] = idx.view(np.uint8)
    geom = Geom(vdata)
    geom.add_primitive(prim)
    return geom


def trimesh_to_geom(mesh, extra: dict[str, np.ndarray] | None = None) -> Geom:
    """A Geom from a trimesh.Trimesh: its vertices, vertex normals, vertex colours, faces.

    Flat-shaded meshes arrive with vertices already split per face, so vertex normals
    are face normals. Missing colours default to light grey.
    """
    verts = np.asarray(mesh.vertices, np.float32)
    normals = np.asarray(mesh.vertex_normals, np.float32)
    colors = None
    vis = getattr(mesh, "visual", None)
    if vis is not None and getattr(vis, "kind", None) == "vertex":
        colors = np.asarray(vis.vertex_colors, np.uint8)
    elif vis is not None and getattr(vis, "kind", None) == "face":
        fc = np.asarray(vis.face_colors, np.uint8)
        colors = np.zeros((len(verts), 4), np.uint8)
        colors[np.asarray(mesh.faces).reshape(-1)] = np.repeat(fc, 3, axis=0)
    if colors is None or len(colors) != len(verts):
        colors = np.full((len(verts), 4), 200, np.uint8)
        colors[:, 3] = 255
    return make_geom(verts, normals, colors, np.asarray(mesh.faces), extra)


def geom_node(name: str, geom: Geom) -> GeomNode:
    node = GeomNode(name)
    node.add_geom(geom)
    return node
