"""Debug overlays, each a layer toggled by a key: the walkable map of the crowd's
level, flow-field arrows, velocity vectors, perception radii and sound events.

Cheap on purpose: lines and one draped textured mesh, built from numpy in one call
each, no shaders of their own. They draw in their own pass after the post chain (a
display region between the graded frame and the 2D HUD, sharing the main camera's
lens), so they are never bloomed or graded, cost nothing in the post chain, and show
through walls like an editor's gizmos; the walkable map is a translucent tint.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import (Camera, Geom, GeomEnums, GeomNode, GeomVertexFormat, NodePath,
                          SamplerState, Texture, TransparencyAttrib)

from sandbox import world
from sandbox.view.geom import packed_geom

LAYERS = ("walkable", "flow", "velocity", "perception", "sound")
OVERLAY_SORT = 5            # after the post chain's final quad (0), before render2d (10)
MAP_STEP = 4.0              # m between vertices of the draped walkable map
MAP_LIFT = 0.25            # m above the terrain
FLOW_SPACING = 3.0          # m between flow arrows
FLOW_RADIUS = 60.0          # m around the view's ground point
VELOCITY_SECONDS = 0.5      # a velocity vector shows where the agent is in this long
PERCEPTION_AGENTS = 8       # agents near the view centre whose radii are drawn
CIRCLE_SEGMENTS = 48

WALKABLE_RGBA = (60, 220, 110, 60)
BLOCKED_RGBA = (240, 60, 50, 140)


def vertex_geom(vertices, colors, indices, lines: bool, uv=None) -> Geom:
    """A Geom of lines (indices (m, 2)) or triangles ((m, 3)) from vertices (n, 3)
    metres, colours (n, 4) uint8 and optional texture coordinates uv (n, 2)."""
    v = np.ascontiguousarray(vertices, np.float32).reshape(-1, 3)
    n = len(v)
    fmt = GeomVertexFormat.get_v3c4t2() if uv is not None else GeomVertexFormat.get_v3c4()
    cols = [("v", np.float32, (3,)), ("c", np.uint8, (4,))]
    if uv is not None:
        cols.append(("t", np.float32, (2,)))
    rec = np.zeros(n, np.dtype(cols))
    assert rec.dtype.itemsize == fmt.get_array(0).get_stride()
    rec["v"], rec["c"] = v, np.asarray(colors, np.uint8).reshape(n, 4)
    if uv is not None:
        rec["t"] = uv
    return packed_geom(fmt, rec, indices, lines, GeomEnums.UH_stream, "overlay")


def segments_geom(a, b, colors) -> Geom:
    """Line segments from points a (m, 3) to b (m, 3), colours (m, 4) uint8 (both ends)."""
    a, b = np.asarray(a, np.float32).reshape(-1, 3), np.asarray(b, np.float32).reshape(-1, 3)
    m = len(a)
    verts = np.empty((2 * m, 3), np.float32)
    verts[0::2], verts[1::2] = a, b
    cols = np.repeat(np.asarray(colors, np.uint8).reshape(m, 4), 2, axis=0)
    return vertex_geom(verts, cols, np.arange(2 * m), lines=True)


def circles(centres, radii, lift: float = 0.3, segments: int = CIRCLE_SEGMENTS):
    """Segment ends (a, b), each (k * segments, 3), of circles round `centres` (k, 2)
    with `radii` (k,) metres, draped `lift` metres over the terrain."""
    c = np.asarray(centres, float).reshape(-1, 2)
    r = np.asarray(radii, float).reshape(-1)
    ang = np.linspace(0.0, 2 * np.pi, segments + 1)
    ring = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    xy = c[:, None, :] + r[:, None, None] * ring[None]          # (k, segments + 1, 2)
    z = world.terrain_height(xy[..., 0], xy[..., 1]) + lift
    p = np.concatenate([xy, z[..., None]], axis=2)
    return p[:, :-1].reshape(-1, 3), p[:, 1:].reshape(-1, 3)


def arrows(start, direction, length: float):
    """Segment ends of arrows (shaft and two barbs) from `start` (m, 3) along unit
    ground `direction` (m, 2), `length` metres long."""
    s = np.asarray(start, float).reshape(-1, 3)
    d = np.zeros((len(s), 3))
    d[:, :2] = direction
    tip = s + d * length
    side = np.stack([-d[:, 1], d[:, 0], np.zeros(len(s))], axis=1)
    barb1 = tip - d * (0.35 * length) + side * (0.2 * length)
    barb2 = tip - d * (0.35 * length) - side * (0.2 * length)
    return np.concatenate([s, tip, tip]), np.concatenate([tip, barb1, barb2])


def walkable_texture(walkable: np.ndarray) -> Texture:
    """An RGBA texture of a (ny, nx) bool walkable grid, one texel a cell, unfiltered."""
    rgba = np.where(walkable[..., None], np.uint8(WALKABLE_RGBA), np.uint8(BLOCKED_RGBA))
    tex = Texture("walkable")
    ny, nx = walkable.shape
    tex.setup_2d_texture(nx, ny, Texture.T_unsigned_byte, Texture.F_rgba8)
    tex.set_ram_image(np.ascontiguousarray(rgba[..., [2, 1, 0, 3]]).tobytes())  # BGRA
    tex.set_minfilter(SamplerState.FT_nearest)
    tex.set_magfilter(SamplerState.FT_nearest)
    tex.set_wrap_u(SamplerState.WM_clamp)
    tex.set_wrap_v(SamplerState.WM_clamp)
    return tex


def draped_map(level) -> NodePath:
    """The walkable map of `level` (walkable (ny, nx), origin (2,), cell m, z) as a
    mesh over the terrain (ground) or at the level's height, textured cell by cell."""
    ny, nx = level.walkable.shape
    w, h = nx * level.cell, ny * level.cell
    xs = np.linspace(0.0, w, max(2, int(w / MAP_STEP) + 1))
    ys = np.linspace(0.0, h, max(2, int(h / MAP_STEP) + 1))
    gx, gy = np.meshgrid(xs + level.origin[0], ys + level.origin[1])
    ground = world.terrain_height(gx, gy) if level.z == 0.0 else np.full(gx.shape, level.z)
    verts = np.stack([gx, gy, ground + MAP_LIFT], axis=-1).reshape(-1, 3)
    uv = np.stack([(gx - level.origin[0]) / w, (gy - level.origin[1]) / h], -1).reshape(-1, 2)
    cols = np.full((len(verts), 4), 255, np.uint8)
    m = len(xs)
    i = np.arange(len(ys) - 1)[:, None] * m + np.arange(m - 1)[None, :]
    i = i.reshape(-1)
    tris = np.concatenate([np.stack([i, i + 1, i + m + 1], 1), np.stack([i, i + m + 1, i + m], 1)])
    node = GeomNode("walkable-map")
    node.add_geom(vertex_geom(verts, cols, tris, lines=False, uv=uv))
    path = NodePath(node)
    path.set_texture(walkable_texture(level.walkable))
    path.set_transparency(TransparencyAttrib.M_alpha)
    path.set_two_sided(True)
    return path


class Overlays:
    """The overlay layers of one explorer. `update(session, frame)` rebuilds the shown
    line layers for the frame; `toggle(name)` shows or hides a layer."""

    def __init__(self, base, level):
        self.base = base
        self.level = level
        self.root = NodePath("overlays")
        self.root.set_depth_test(False)
        self.root.set_depth_write(False)
        self.root.set_light_off(1)
        cam = Camera("overlay-camera", base.cam.node().get_lens())
        cam.set_scene(self.root)
        self.cam_np = base.cam.attach_new_node(cam)
        region = base.win.make_display_region()
        region.set_sort(OVERLAY_SORT)
        region.set_clear_depth_active(True)
        region.set_camera(self.cam_np)
        self.region = region
        self.on = {name: False for name in LAYERS}
        self.nodes = {name: self.root.attach_new_node(name) for name in LAYERS if name != "walkable"}
        self.map = None
        self._flow_key = None

    def toggle(self, name: str) -> bool:
        self.on[name] = not self.on[name]
        if name == "walkable" and self.map is None:   # built the first time it is asked for
            self.map = draped_map(self.level)
            self.map.reparent_to(self.root)
            self.map.set_bin("background", 0)   # under the lines, which ignore depth
            self.map.set_depth_test(True, 1)     # hill folds hide the map behind them
            self.map.set_depth_write(True, 1)
        layer = self.map if name == "walkable" else self.nodes[name]
        if self.on[name]:
            layer.show()
        else:
            layer.hide()
        return self.on[name]

    def _set(self, name: str, geom: Geom | None) -> None:
        parent = self.nodes[name]
        parent.node().remove_all_children()
        if geom is not None and geom.get_num_primitives():
            node = GeomNode(name)
            node.add_geom(geom)
            parent.attach_new_node(node)

    def update(self, session, frame) -> None:
        crowd = session.director.crowd
        h, t = frame.horde, frame.spec.t
        if self.on["velocity"]:
            self._set("velocity", self._velocities(h, crowd))
        if self.on["flow"]:
            self._flow(session, crowd)
        if self.on["perception"]:
            self._set("perception", self._perception(session, h, crowd))
        if self.on["sound"]:
            self._set("sound", self._sounds(frame.spec.state.sounds, t, crowd))

    @staticmethod
    def _velocities(h, crowd) -> Geom | None:
        if crowd is None or crowd.n != len(h.positions) or not len(h.positions):
            return None
        vel = crowd.velocities()
        a = np.column_stack([h.positions, h.z + 0.4])
        b = a.copy()
        b[:, :2] += vel * VELOCITY_SECONDS
        speed = np.linalg.norm(vel, axis=1) / max(crowd.params["max_speed"], 1e-6)
        s = np.clip(speed, 0.0, 1.0)[:, None]
        cols = (np.array([80, 170, 255]) * (1 - s) + np.array([255, 240, 90]) * s).astype(np.uint8)
        cols = np.column_stack([cols, np.full(len(cols), 255, np.uint8)])
        return segments_geom(a, b, cols)

    def _flow(self, session, crowd) -> None:
        field = crowd.flow_field if crowd is not None else None
        centre = _ground_point(session.camera)
        key = (id(field), tuple(np.round(centre / FLOW_SPACING).astype(int)))
        if key == self._flow_key:
            return
        self._flow_key = key
        if field is None:
            self._set("flow", None)
            return
        nav = crowd.nav
        step = max(1, int(round(FLOW_SPACING / nav.cell)))
        ci = np.floor((centre - nav.origin) / nav.cell).astype(int)
        r = int(FLOW_RADIUS / nav.cell)
        ny, nx = field.direction.shape[:2]
        js = np.arange(max(0, ci[1] - r), min(ny, ci[1] + r), step)
        is_ = np.arange(max(0, ci[0] - r), min(nx, ci[0] + r), step)
        jj, ii = np.meshgrid(js, is_, indexing="ij")
        d = field.direction[jj, ii].reshape(-1, 2).astype(float)
        ok = np.hypot(d[:, 0], d[:, 1]) > 0.5
        xy = (np.stack([ii, jj], -1).reshape(-1, 2)[ok] + 0.5) * nav.cell + nav.origin
        start = np.column_stack([xy, world.terrain_height(xy[:, 0], xy[:, 1]) + 0.3])
        a, b = arrows(start, d[ok], 0.8 * FLOW_SPACING)
        cols = np.tile(np.array([[120, 255, 200, 230]], np.uint8), (len(a), 1))
        self._set("flow", segments_geom(a, b, cols) if len(a) else None)

    @staticmethod
    def _perception(session, h, crowd) -> Geom | None:
        if crowd is None or not len(h.positions):
            return None
        p = crowd.params
        sel = session.selection
        if sel is not None and sel.kind == "agent":
            near = np.array([sel.key])
        else:
            d = np.hypot(*(h.positions - _ground_point(session.camera)).T)
            near = np.argsort(d)[:PERCEPTION_AGENTS]
        sight = p["sight_range"] * (p["night_sight"] + (1 - p["night_sight"]) * p["light_level"])
        bite = 2 * p["radius"] + p["bite_reach"]
        xy = h.positions[near]
        rings = [(sight, (255, 220, 60, 230)), (bite, (255, 70, 60, 255)),
                 (p["flee_range"], (90, 200, 255, 160))]
        parts = []
        for radius, rgba in rings:
            a, b = circles(xy, np.full(len(xy), radius))
            parts.append((a, b, np.tile(np.array([rgba], np.uint8), (len(a), 1))))
        a, b, c = (np.concatenate(x) for x in zip(*parts))
        return segments_geom(a, b, c)

    @staticmethod
    def _sounds(sounds, t: float, crowd) -> Geom | None:
        if not sounds:
            return None
        hearing = crowd.params["hearing_range"] if crowd is not None else 40.0
        parts = []
        for s in sounds:
            xy = np.asarray(s.pos[:2], float)[None]
            reach = hearing * s.loudness
            pulse = ((t - s.t0) % 1.5) / 1.5      # a ring running out every 1.5 s
            for radius, alpha in ((reach, 230), (reach * pulse, int(255 * (1 - pulse)))):
                a, b = circles(xy, [max(radius, 0.1)], lift=0.5)
                parts.append((a, b, np.tile(np.array([[255, 90, 230, alpha]], np.uint8), (len(a), 1))))
            top = np.asarray(s.pos, float)
            parts.append((top[None], (top + (0, 0, 12.0))[None],
                          np.array([[255, 90, 230, 255]], np.uint8)))
        a, b, c = (np.concatenate(x) for x in zip(*parts))
        return segments_geom(a, b, c)


def _ground_point(camera) -> np.ndarray:
    """(2,) where the view's centre line meets the ground (or 30 m ahead if it does not)."""
    forward = camera.basis()[0]
    pos = camera.pos
    ground = float(world.terrain_height(pos[0], pos[1]))
    if forward[2] < -0.05:
        dist = min((pos[2] - ground) / -forward[2], 200.0)
    else:
        dist = 30.0
    return (pos + forward * dist)[:2]
