"""Blueprint walls (with their door and window openings) turned into boxes, frames and glass."""

from __future__ import annotations

from typing import Mapping

from sandbox.world.blueprint import Wall
from sandbox.world.shapes import RGBA, MeshBuilder, rgba

FRAME = rgba(196, 200, 204)          # aluminium window frames
GLASS = rgba(46, 62, 74, 120)        # dark blue-grey glazing, translucent
FRAME_W = 0.07
FRAME_D = 0.12


def wall_boxes(b: MeshBuilder, wall: Wall, colour: RGBA | Mapping[str, RGBA],
               glass: MeshBuilder | None = None, frame: RGBA = FRAME,
               mullion_every: float = 1.3) -> None:
    """Emit `wall` as boxes around its openings; windows get frames (into `b`) and
    two-sided glass panes (into `glass`, when given)."""
    t = wall.thickness / 2
    z0, H = wall.z0, wall.height
    ops = sorted(wall.openings, key=lambda o: o.u0)
    start = min(wall.a[0], wall.b[0]) if wall.along_x else min(wall.a[1], wall.b[1])
    c = wall.a[1] if wall.along_x else wall.a[0]

    def put(u0: float, u1: float, v0: float, v1: float, col=colour) -> None:
        if u1 - u0 < 1e-6 or v1 - v0 < 1e-6:
            return
        if wall.along_x:
            b.box((start + u0, c - t, z0 + v0), (start + u1, c + t, z0 + v1), col)
        else:
            b.box((c - t, start + u0, z0 + v0), (c + t, start + u1, z0 + v1), col)

    u = 0.0
    for o in ops:
        put(u, o.u0, 0, H)
        put(o.u0, o.u1, 0, o.v0)
        put(o.u0, o.u1, o.v1, H)
        u = max(u, o.u1)
    put(u, wall.length, 0, H)

    for o in ops:
        if o.kind != "window":
            continue
        d = min(FRAME_D, wall.thickness) / 2
        w = o.u1 - o.u0
        n = max(1, int(round(w / mullion_every)))
        members = [(o.u0, o.u0 + FRAME_W, o.v0, o.v1), (o.u1 - FRAME_W, o.u1, o.v0, o.v1),
                   (o.u0, o.u1, o.v0, o.v0 + FRAME_W), (o.u0, o.u1, o.v1 - FRAME_W, o.v1)]
        for k in range(1, n):
            m = o.u0 + k * w / n
            members.append((m - FRAME_W / 2, m + FRAME_W / 2, o.v0, o.v1))
        for u0, u1, v0, v1 in members:
            if wall.along_x:
                b.box((start + u0, c - d, z0 + v0), (start + u1, c + d, z0 + v1), frame)
            else:
                b.box((c - d, start + u0, z0 + v0), (c + d, start + u1, z0 + v1), frame)
        if glass is not None:
            a0, a1 = start + o.u0 + FRAME_W, start + o.u1 - FRAME_W
            v0, v1 = z0 + o.v0 + FRAME_W, z0 + o.v1 - FRAME_W
            if wall.along_x:
                glass.quad((a0, c, v0), (a1, c, v0), (a1, c, v1), (a0, c, v1), GLASS, two_sided=True)
            else:
                glass.quad((c, a1, v0), (c, a0, v0), (c, a0, v1), (c, a1, v1), GLASS, two_sided=True)


def faces_towards(wall: Wall, inside_xy: tuple[float, float], outer: RGBA, inner: RGBA,
                  top: RGBA | None = None) -> dict[str, RGBA]:
    """Face colours of a wall's boxes: `outer` on the face away from `inside_xy`."""
    if wall.along_x:
        out_face = "south" if inside_xy[1] > wall.a[1] else "north"
        in_face = "north" if out_face == "south" else "south"
        ends = ("west", "east")
    else:
        out_face = "west" if inside_xy[0] > wall.a[0] else "east"
        in_face = "east" if out_face == "west" else "west"
        ends = ("south", "north")
    cols = {out_face: outer, in_face: inner, ends[0]: outer, ends[1]: outer,
            "top": top or outer, "bottom": inner}
    return cols

