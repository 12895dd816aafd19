"""The world scene graph: parts with the world GLSL shader, sun shadow, instanced trees,
sky, time of day, scene time and camera.

Camera masks: the main camera sees bit 0 (`MAIN_MASK`), the sun's shadow camera bit 1
(`SHADOW_MASK`), the moving casters' shadow camera bit 2 (`CAST_MASK`). The sun's map
holds what stands still (world parts, trees) and is drawn again only when the sun moves;
the cast get a map of their own, fitted around them each frame (`update_shadow_map`), so
a frame with people on stage draws a small pass instead of the whole world's: the
casters' shadow camera draws only the subtree given to `cast_shadows_of` (the actors').
The world and horde shaders take the darker of the two maps. Things that must not cast
shadows (the horde) hide from `SHADOW_MASK`. The shadow passes draw with a depth-only
shader chosen by tag state (`shadow` tag).

Cost on llvmpipe (a software rasteriser: fragments are the budget): the world shader
lights each face once per vertex (the meshes are flat-shaded) and is compiled in variants,
one per number of point lights in `LIGHT_BUCKETS` (a loop over a uniform count runs in
full on every fragment) and with or without the burnt material; each frame uses the
cheapest that shows what it must, and the horde follows (`add_variant_user`). Trees are
drawn twice from two instance buffers: for the main camera only those in its view cone,
nearest first (hidden canopies then fail the depth test before shading), re-sorted at
every `set_camera`; for the sun only those whose shadow can land on its map, fixed until
the sun moves.

Draw order: the opaque bin keeps scene-graph order (`sandbox.view.app`), and a fragment
that fails llvmpipe's early depth test is not shaded, so what hides most is drawn first
(`DRAW_ORDER`). Drawn in file order, the city was shaded in full and then covered by the
school, and the mountain by its forest.
"""

from __future__ import annotations

import numpy as np
from panda3d.core import (BitMask32, ColorWriteAttrib, CullBinEnums, CullBinManager,
                          DirectionalLight, GeomEnums, LMatrix4f, LVecBase3f, NodePath,
                          OmniBoundingVolume, Point3, PTA_LVecBase4f, RenderState,
                          SamplerState, ShaderAttrib, Texture, Vec3)

from sandbox.view import lighting, noise, shaders
from sandbox.view.geom import geom_node, make_geom, trimesh_to_geom

MAIN_MASK = BitMask32.bit(0)
SHADOW_MASK = BitMask32.bit(1)
CAST_MASK = BitMask32.bit(2)
SHADOW_SIZE = 2048
CAST_SIZE = 1024      # texels per side of the moving casters' map
CAST_FILM = 12.0      # metres: its smallest square; it doubles until the cast fits
CAST_MARGIN = 1.0     # metres around the casters' bounding spheres
SHADOW_FILM = 250.0   # metres: the square the sun's shadow map covers, around the school
MAX_POINT_LIGHTS = 8  # shaders/fx_world.glsl FX_MAX_LIGHTS must agree
LIGHT_BUCKETS = (0, 1, 2, 4, MAX_POINT_LIGHTS)  # point-light counts the world shader is built for
TREE_CENTRE = 4.5     # metres x scale above a tree's foot: the centre view culling uses
TREE_RADIUS = 5.0     # metres x scale: a sphere around that centre holding the whole tree
BURNABLE_PARTS = ("school", "gym", "glass")  # parts the burnt material state applies to
SURFACES = {"terrain": "SMOOTH", "glass": "GLASS"}  # parts built with a world shader variant
HAZE_COLOR = np.array([0.30, 0.26, 0.22])  # sRGB: smoke haze (fog and sky) at full haze
HAZE_DENSITY = 0.007  # per metre added to the fog at full haze
HAZE_SUN = 0.35       # the sun's remaining fraction through full haze
SKY_BIN = "sky"
# The opaque draw order of the stage's nodes (`draw_sort`; others follow, in the order
# attached): the cast and the horde, which stand in front of the world in most shots; the
# buildings; the trees, which hide the mountain but not the school; the ground last. The
# glass precedes the school: where a pane and its frame meet at equal depth, the first
# drawn shows.
DRAW_ORDER = ("actors", "horde", "glass", "school", "gym", "construction", "perimeter",
              "city", "trees", "grounds", "terrain")


def fullscreen_triangle() -> NodePath:
    """A triangle covering clip space ([-1, 3] x [-1, 3]); the sky draws on it."""
    v = np.array([[-1, -1, 0], [3, -1, 0], [-1, 3, 0]], np.float32)
    n = np.tile([0, 0, 1], (3, 1)).astype(np.float32)
    c = np.full((3, 4), 255, np.uint8)
    g = make_geom(v, n, c, np.array([[0, 1, 2]]))
    return NodePath(geom_node("sky", g))


def draw_sort(name: str) -> int:
    """The sort of node `name` under the stage's root (children are drawn by ascending
    sort): its place in DRAW_ORDER, before everything else (0)."""
    return DRAW_ORDER.index(name) - len(DRAW_ORDER) if name in DRAW_ORDER else 0


def _sky_bin() -> str:
    """A cull bin between "opaque" and "transparent": the sky, at the far plane and
    depth-tested, then shades only the pixels no opaque surface covers (the sky shader
    is a full-screen pass otherwise), and translucent things still blend over it."""
    mgr = CullBinManager.get_global_ptr()
    if mgr.find_bin(SKY_BIN) < 0:
        opaque, translucent = (mgr.get_bin_sort(mgr.find_bin(b)) for b in ("opaque", "transparent"))
        mgr.add_bin(SKY_BIN, CullBinEnums.BT_unsorted, (opaque + translucent) // 2)
    return SKY_BIN


def in_view_cone(points, cam_mat, hfov_deg: float, vfov_deg: float, margin=0.0):
    """Boolean mask of `points` (n, 3) metres within `margin` metres (scalar or (n,)) of
    the view cone of a camera with world matrix `cam_mat` (4x4, Panda3D row-vector
    convention: rows right, forward, up, position) and fields of view in degrees."""
    m = np.asarray(cam_mat, np.float64)
    right, fwd, up, origin = m[0, :3], m[1, :3], m[2, :3], m[3, :3]
    rel = np.asarray(points, np.float32) - origin.astype(np.float32)
    basis = np.stack([right / np.linalg.norm(right), fwd / np.linalg.norm(fwd),
                      up / np.linalg.norm(up)], 1).astype(np.float32)
    x, depth, y = (rel @ basis).T
    th, tv = np.tan(np.radians(hfov_deg) / 2), np.tan(np.radians(vfov_deg) / 2)
    margin = np.asarray(margin, np.float32)
    mh, mv = margin * np.sqrt(1 + th * th), margin * np.sqrt(1 + tv * tv)
    return (depth > -margin) & (np.abs(x) <= depth * th + mh) & (np.abs(y) <= depth * tv + mv)


def horizontal_fov(vfov_deg: float, size) -> float:
    """Horizontal field of view (degrees) of a vertical one on a window of `size` (w, h)."""
    v = np.radians(float(vfov_deg))
    return float(np.degrees(2.0 * np.arctan(np.tan(v / 2.0) * size[0] / max(size[1], 1))))


def focal_length(vfov_deg: float, height: int) -> float:
    """Focal length in pixels of a vertical field of view on a window `height` pixels tall."""
    return float(0.5 * height / np.tan(np.radians(float(vfov_deg)) / 2))


def camera_view(pos, look_at, fov_deg: float, roll_deg: float, size):
    """(world matrix 4x4, hfov, vfov degrees, focal length in pixels) of the camera that
    `Stage.set_camera(pos, look_at, fov_deg, roll_deg)` places on a window of `size`
    (w, h), in numpy alone, so a worker thread can work out what the camera will see
    (the matrix as Panda3D's look_at and roll make it: rows right, forward, up, position;
    a test holds it to Panda3D's)."""
    pos = np.asarray(pos, np.float64)
    fwd = np.asarray(look_at, np.float64) - pos
    fwd /= max(np.linalg.norm(fwd), 1e-12)
    right = np.cross(fwd, [0.0, 0.0, 1.0])
    norm = np.linalg.norm(right)
    right = right / norm if norm > 1e-9 else np.array([1.0, 0.0, 0.0])
    up = np.cross(right, fwd)
    r = np.radians(float(roll_deg))
    right, up = right * np.cos(r) - up * np.sin(r), up * np.cos(r) + right * np.sin(r)
    mat = np.eye(4)
    mat[0, :3], mat[1, :3], mat[2, :3], mat[3, :3] = right, fwd, up, pos
    return mat, horizontal_fov(fov_deg, size), float(fov_deg), focal_length(fov_deg, size[1])


def instance_buffer(n_texels: int, name: str) -> Texture:
    """An rgba32f buffer texture of `n_texels` texels, RAM image zeroed."""
    tex = Texture(name)
    tex.setup_buffer_texture(max(1, int(n_texels)), Texture.T_float, Texture.F_rgba32,
                             GeomEnums.UH_dynamic)
    tex.set_keep_ram_image(True)
    np.frombuffer(tex.modify_ram_image(), np.float32)[:] = 0.0
    return tex


class Stage:
    """The scene: world parts, trees, sky and sun for one ShowBase.

    parts: name -> trimesh.Trimesh (flat-shaded, vertex colours, Z up, metres); the
    part named "tree" is a template drawn once per row of `trees`.
    trees: (n, 5) float32 rows (x, y, z, scale, heading radians) or None.
    time_of_day: a preset name in scenes/time_of_day.toml ("day", "dusk", "night").
    tree_shadows: trees cast the sun's shadow; sun_shadows: there is a sun shadow pass at
    all (False: no shadow map is rendered nor sampled, a draft's saving); hdr_output: the
    stage is drawn through a post chain (sandbox/view/post.py), so its shaders write
    linear HDR and leave the tone mapping to the chain (`load_shader`).
    """

    def __init__(self, base, parts: dict, trees: np.ndarray | None = None,
                 time_of_day: str = "day", shadow_center: tuple | None = None,
                 tree_shadows: bool = True, sun_shadows: bool = True,
                 hdr_output: bool = False):
        self.base = base
        self.root = base.render.attach_new_node("stage")
        self.presets = lighting.load_presets()
        self.time = 0.0
        base.cam.node().set_camera_mask(MAIN_MASK)
        lens = base.cam.node().get_lens()
        lens.set_near_far(0.3, 6000.0)

        self.sun_shadows = bool(sun_shadows)
        self.hdr_output = bool(hdr_output)
        self._variants: dict[tuple, object] = {}
        self.light_bucket = 0     # the LIGHT_BUCKETS entry in use
        self._variant_users = []  # callbacks told the light bucket and casting when they change
        self.casting = False      # the moving casters' map holds casters this frame
        self.burnt = 0.0
        self._shadow_stale = True    # the sun or its trees moved since the map was drawn
        self._applied = None      # (lights, burnt?, casting) the nodes' shaders are set for
        self.world_shader = self.variant(0, False)
        self.tree_shader = self.variant(0, False, instanced=True)
        self.sky_shader = self.load_shader("sky.vert", "sky.frag")
        self.depth_shader = shaders.load("shadow.vert", "shadow.frag")
        self.depth_tree_shader = shaders.load("shadow.vert", "shadow.frag", {"INSTANCED": 1})

        self.root.set_shader(self.world_shader)
        self.root.set_shader_input("u_time", 0.0)
        self.root.set_shader_input("u_shadow_texel", 1.0 / SHADOW_SIZE)
        self.root.set_shader_input("u_fx_noise", noise.texture())   # fire and smoke
        self.root.set_shader_input("u_burnt", 0.0)
        self.haze = 0.0
        self.trees = self.tree_casters = None
        self.tree_count = 0
        self.set_point_lights(np.zeros((0, 7)))

        # --- world parts -------------------------------------------------------------
        self.parts: dict[str, NodePath] = {}
        bounds = []
        for name, mesh in parts.items():
            if name == "tree":
                continue
            np_ = self.root.attach_new_node(geom_node(name, trimesh_to_geom(mesh)),
                                            draw_sort(name))
            np_.set_tag("shadow", "world")
            self.parts[name] = np_
            if len(mesh.vertices):
                bounds.append((name, np.asarray(mesh.bounds, np.float64)))

        # --- sun and its shadow camera -----------------------------------------------
        if shadow_center is None:
            school = [b for n, b in bounds if n == "school"]
            b = school[0] if school else (np.array([[-50, -50, 0], [50, 50, 0]], float))
            shadow_center = tuple((b[0] + b[1]) / 2.0)
        self.shadow_center = np.asarray(shadow_center, np.float64)
        # the sun's map (p3d_LightSource[0]: lights are bound by descending priority) and
        # the moving casters' (p3d_LightSource[1]), looking the same way; neither lights
        # anything itself (the shaders take the sun from lighting.py's inputs)
        self.sun, self.sun_np = self._shadow_light("sun", SHADOW_MASK, SHADOW_SIZE, 1)
        self.sun.get_lens().set_film_size(SHADOW_FILM, SHADOW_FILM)
        self.sun.set_tag_state("tree", RenderState.make(
            ShaderAttrib.make(self.depth_tree_shader, 100), ColorWriteAttrib.make(0)))
        self.cast, self.cast_np = self._shadow_light("cast-shadow", CAST_MASK, CAST_SIZE, 0)
        self.cast.set_scene(NodePath("no-casters"))   # until `cast_shadows_of`

        # --- trees (instanced template: one node for the camera, one for the sun) ------
        if "tree" in parts and trees is not None and len(trees):
            rows = np.asarray(trees, np.float32).reshape(-1, 5)
            self.tree_count = len(rows)
            self._tree_rows = np.zeros((len(rows), 8), np.float32)  # the two texels of each
            self._tree_rows[:, :4] = rows[:, :4]
            self._tree_rows[:, 4] = rows[:, 4]
            self._tree_centres = rows[:, :3] + np.outer(TREE_CENTRE * rows[:, 3], [0, 0, 1])
            self._tree_radii = TREE_RADIUS * rows[:, 3]
            geom = trimesh_to_geom(parts["tree"])
            self.trees, self.tree_tex = self._tree_node("trees", geom)
            self.trees.hide(SHADOW_MASK)
            self.trees.set_shader(self.tree_shader, 10)
            if tree_shadows and self.sun_shadows:
                self.tree_casters, self.tree_caster_tex = self._tree_node("tree-casters", geom)
                self.tree_casters.hide(MAIN_MASK)
                self.tree_casters.set_tag("shadow", "tree")

        # --- sky ---------------------------------------------------------------------
        self.sky = fullscreen_triangle()
        self.sky.reparent_to(self.root)
        self.sky.node().set_bounds(OmniBoundingVolume())
        self.sky.node().set_final(True)
        self.sky.set_bin(_sky_bin(), 0)
        self.sky.set_depth_write(False)
        self.sky.set_shader(self.sky_shader, 10)
        self.sky.hide(SHADOW_MASK)
        self.sky.set_shader_input("u_inv_view_proj", LMatrix4f.ident_mat())

        self.time_of_day = None
        self.set_time_of_day(time_of_day)
        self._place_trees()
        base.taskMgr.add(self._sky_task, "hyosan-sky", sort=49)
        # A shadow buffer is made during the first frame whose shaders sample its map and
        # draws from the second on: warm both up (the casters' with the variant that
        # samples it) so the first frame a caller reads has its shadows.
        self.casting = self.sun_shadows
        self._apply_variants()
        base.graphicsEngine.render_frame()
        base.graphicsEngine.render_frame()
        self.casting = False
        self._apply_variants()
        if self.sun_shadows:
            gsg = base.win.get_gsg()
            for light in (self.sun, self.cast):
                buf = light.get_shadow_buffer(gsg)
                if buf is not None:
                    _clamp_to_edge(buf.get_texture())

    def _shadow_light(self, name: str, mask: BitMask32, size: int, priority: int):
        light = DirectionalLight(name)
        light.set_priority(priority)
        if self.sun_shadows:
            light.set_shadow_caster(True, size, size)
        light.set_camera_mask(mask)
        light.get_lens().set_near_far(1.0, 1200.0)
        light.set_tag_state_key("shadow")
        light.set_tag_state("world", RenderState.make(
            ShaderAttrib.make(self.depth_shader, 100), ColorWriteAttrib.make(0)))
        np_ = self.root.attach_new_node(light)
        self.root.set_light(np_)
        return light, np_

    # ------------------------------------------------------------------ public API
    def cast_shadows_of(self, casters: NodePath) -> None:
        """Draw the subtree `casters` (the actors') into the moving casters' shadow map
        and keep it out of the sun's map of what stands still. Parts under it that cast
        no shadow hide from `SHADOW_MASK | CAST_MASK`."""
        casters.hide(SHADOW_MASK)
        self.cast.set_scene(casters)

    def set_time_of_day(self, name: str) -> None:
        """Switch the lighting preset (sun/moon, ambient, fog, sky, exposure)."""
        if name not in self.presets:
            raise ValueError(f"unknown time of day {name!r} (known: {', '.join(self.presets)})")
        tod = self.presets[name]
        self.time_of_day = name
        lighting.apply(self.root, tod)
        self._apply_haze()
        d = tod.sun_dir.astype(np.float64)
        self.sun.set_color((1, 1, 1, 1))
        self.sun_np.set_pos(*(self.shadow_center + d * 500.0))
        self.sun_np.look_at(Point3(*self.shadow_center), Vec3(0, 0, 1) if abs(d[2]) < 0.99
                            else Vec3(0, 1, 0))
        self._place_tree_casters()
        self._shadow_stale = True

    def update_shadow_map(self, casters=()) -> None:
        """Draw this frame the shadow maps whose depths may change. casters: world
        bounding spheres ((3,) centre, radius m) of the moving casters on stage (the
        cast and their machines: `Actors.casters`). The sun's map of the world and trees
        is drawn only after the sun or its trees moved (`set_time_of_day`); the casters'
        map is fitted around those whose shadow can land on the sun's map and drawn while
        there are any, and once more after they leave (to empty it). A frame with people
        on stage so draws a pass of a dozen figures, not of the whole world (the sun's
        pass was a sixth to a quarter of a 720p frame here)."""
        if not self.sun_shadows:
            return
        gsg = self.base.win.get_gsg()
        sun, cast = (light.get_shadow_buffer(gsg) for light in (self.sun, self.cast))
        if sun is None or cast is None:   # not made yet (first frame): both draw
            return
        sun.set_active(self._shadow_stale)
        self._shadow_stale = False
        fitted = self._fit_cast(casters)
        cast.set_active(fitted or self.casting)   # once more after they leave: emptied
        if fitted != self.casting:   # shaders look the casters' map up only while it is used
            self.casting = fitted
            self._apply_variants()

    def _fit_cast(self, casters) -> bool:
        """Aim the casters' map at the `casters` spheres whose shadow can fall on the
        sun's map (in the sun's frame: x across, z up its film); False if there are none.
        The square doubles from CAST_FILM until they fit and its centre moves in whole
        texels, so a shadow does not crawl as its caster walks."""
        half = SHADOW_FILM / 2
        lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
        for centre, radius in casters:
            p = self.sun_np.get_relative_point(self.root, Point3(*map(float, centre)))
            xz = np.array([p[0], p[2]])
            if np.any(np.abs(xz) - radius >= half):
                continue
            lo = np.minimum(lo, xz - radius - CAST_MARGIN)
            hi = np.maximum(hi, xz + radius + CAST_MARGIN)
        if not np.all(hi > lo):
            return False
        lo, hi = np.maximum(lo, -half), np.minimum(hi, half)
        film = CAST_FILM * 2.0 ** max(0, int(np.ceil(np.log2((hi - lo).max() / CAST_FILM))))
        texel = film / CAST_SIZE
        cx, cz = np.round((lo + hi) / 2 / texel) * texel
        self.cast_np.set_mat(self.sun_np.get_mat())
        self.cast_np.set_pos(self.cast_np, float(cx), 0.0, float(cz))
        self.cast.get_lens().set_film_size(film, film)
        return True

    def set_burnt(self, f: float) -> None:
        """Burnt material state of the school, gym and their glass: 0 intact .. 1 fully
        scorched (soot, charred patches, broken panes; shaders/fx_world.glsl)."""
        f = float(np.clip(f, 0.0, 1.0))
        self.burnt = f
        for pname, pnode in self.parts.items():
            if pname in BURNABLE_PARTS:
                pnode.set_shader_input("u_burnt", f)
        self._apply_variants()

    def set_point_lights(self, lights: np.ndarray) -> None:
        """Unshadowed point lights for the world shader: (n, 7) rows (x, y, z, radius m,
        r, g, b linear colour x intensity); the first MAX_POINT_LIGHTS rows are used."""
        lights = np.asarray(lights, np.float32).reshape(-1, 7)[:MAX_POINT_LIGHTS]
        packed = np.zeros((2 * MAX_POINT_LIGHTS, 4), np.float32)
        packed[0::2, 3] = 1.0   # unused slots: black lights of radius 1 m (no 0 / 0)
        packed[0:2 * len(lights):2] = lights[:, :4]
        packed[1:2 * len(lights):2, :3] = lights[:, 4:]
        pta = PTA_LVecBase4f.empty_array(2 * MAX_POINT_LIGHTS)
        np.frombuffer(pta, np.float32)[:] = packed.reshape(-1)
        self.root.set_shader_input("u_point_lights", pta)
        self.root.set_shader_input("u_point_count", float(len(lights)))
        self.light_bucket = next(b for b in LIGHT_BUCKETS if b >= len(lights))
        if hasattr(self, "parts"):  # not while __init__ sets the first (empty) lights
            self._apply_variants()

    def load_shader(self, vertex: str, fragment: str, defines: dict | None = None):
        """`shaders.load` with what every shader drawn on this stage shares: HDR_OUTPUT
        (linear HDR for the post chain) and NO_SUN_SHADOW (no shadow map to sample);
        `defines` add to or override them."""
        return shaders.load(vertex, fragment, {"HDR_OUTPUT": self.hdr_output,
                                               "NO_SUN_SHADOW": not self.sun_shadows,
                                               **(defines or {})})

    def variant(self, lights: int, burnt: bool, instanced: bool = False,
                surface: str | None = None):
        """The world shader built for `lights` point lights (a LIGHT_BUCKETS entry), with
        or without the burnt material, for parts or (instanced) trees; `surface` a SURFACES
        value (smooth terrain, glass panes) or None for flat faces; looking the moving
        casters' map up only while `casting`; built once."""
        key = (lights, burnt, instanced, surface, self.casting)
        if key not in self._variants:
            defines = {"FX_LIGHTS": lights, "BURNT": burnt, "INSTANCED": instanced,
                       "CASTERS": self.casting}
            if surface:
                defines[surface] = True
            self._variants[key] = self.load_shader("world.vert", "world.frag", defines)
        return self._variants[key]

    def _apply_variants(self) -> None:
        """Point the world, each part and the trees at the cheapest shader variant for
        this frame's lights, burn and casters (only where it changed)."""
        burnt = self.burnt > 0.0
        if self._applied == (self.light_bucket, burnt, self.casting):
            return
        self._applied = (self.light_bucket, burnt, self.casting)
        self.world_shader = self.variant(self.light_bucket, False)
        self.root.set_shader(self.world_shader)
        for pname, pnode in self.parts.items():
            burns = burnt and pname in BURNABLE_PARTS
            if burns or pname in SURFACES:
                pnode.set_shader(self.variant(self.light_bucket, burns,
                                              surface=SURFACES.get(pname)))
            else:
                pnode.clear_shader()
        if self.trees is not None:
            self.tree_shader = self.variant(self.light_bucket, False, instanced=True)
            self.trees.set_shader(self.tree_shader, 10)
        for use in self._variant_users:
            use(self.light_bucket, self.casting)

    def add_variant_user(self, use) -> None:
        """Have `use(light_bucket, casting)` called now and whenever the point-light bucket
        or `casting` may have changed, so shaders outside the stage (the horde's) follow
        the world's."""
        self._variant_users.append(use)
        use(self.light_bucket, self.casting)

    def _tree_node(self, name: str, geom):
        """An instanced tree node with its own instance buffer (room for every tree)."""
        tex = instance_buffer(2 * self.tree_count, f"{name}-instances")
        node = geom_node(name, geom)
        node.set_bounds(OmniBoundingVolume())
        node.set_final(True)
        np_ = self.root.attach_new_node(node, draw_sort(name))
        np_.set_shader_input("u_instances", tex)
        np_.set_instance_count(1)
        np_.hide()
        return np_, tex

    @staticmethod
    def _write_trees(np_, tex, rows: np.ndarray) -> None:
        """Put `rows` (k, 8) into a tree node's buffer and draw k instances (none: hidden,
        since an instance count of 0 would draw one uninstanced copy)."""
        if len(rows):
            np.frombuffer(tex.modify_ram_image(), np.float32)[:rows.size] = rows.reshape(-1)
            np_.set_instance_count(len(rows))
            np_.show()
        else:
            np_.hide()

    def _place_tree_casters(self) -> None:
        """The sun's trees: those within a tree's radius of its shadow map's square (the
        film, seen along the sun), so trees whose shadow falls off the map cost nothing."""
        if self.tree_casters is None:
            return
        m = np.array(self.sun_np.get_mat(self.base.render), np.float64).reshape(4, 4)
        right, up = m[0, :3] / np.linalg.norm(m[0, :3]), m[2, :3] / np.linalg.norm(m[2, :3])
        rel = self._tree_centres - self.shadow_center
        half = SHADOW_FILM / 2.0 + self._tree_radii
        keep = (np.abs(rel @ right) <= half) & (np.abs(rel @ up) <= half)
        self._write_trees(self.tree_casters, self.tree_caster_tex, self._tree_rows[keep])

    def _place_trees(self) -> None:
        """The camera's trees: those in its view cone, nearest first."""
        if self.trees is None:
            return
        cam = self.base.cam
        hfov, vfov = cam.node().get_lens().get_fov()
        mat = np.array(cam.get_mat(self.base.render), np.float64).reshape(4, 4)
        keep = np.flatnonzero(in_view_cone(self._tree_centres, mat, hfov, vfov,
                                           self._tree_radii))
        d = self._tree_centres[keep] - mat[3, :3].astype(np.float32)
        keep = keep[np.argsort(np.einsum("ij,ij->i", d, d), kind="stable")]
        self._write_trees(self.trees, self.tree_tex, self._tree_rows[keep])

    def set_haze(self, amount: float) -> None:
        """Smoke haze 0..1 over the current time of day: thicker grey-brown fog, a sky
        darkened toward the smoke colour and a dimmer sun."""
        self.haze = float(np.clip(amount, 0.0, 1.0))
        self._apply_haze()

    def _apply_haze(self) -> None:
        inputs = lighting.shader_inputs(self.presets[self.time_of_day])
        h = self.haze
        smoke = np.power(HAZE_COLOR, 2.2)
        light = np.asarray(inputs["u_sky_ambient"]).mean() + 0.05  # darker smoke at night
        smoke_lit = smoke * min(1.0, light * 2.0)
        for key in ("u_fog_color", "u_sky_zenith", "u_sky_horizon"):
            c = np.asarray(inputs[key]) * (1.0 - h) + smoke_lit * h
            self.root.set_shader_input(key, LVecBase3f(*map(float, c)))
        self.root.set_shader_input("u_fog_density", inputs["u_fog_density"] + HAZE_DENSITY * h)
        sun = np.asarray(inputs["u_sun_color"]) * (1.0 - (1.0 - HAZE_SUN) * h)
        self.root.set_shader_input("u_sun_color", LVecBase3f(*map(float, sun)))

    def set_time(self, t: float) -> None:
        """Scene time in seconds for the shaders' `u_time` (never wall-clock)."""
        self.time = float(t)
        self.root.set_shader_input("u_time", self.time)

    def set_camera(self, pos, look_at, fov_deg: float = 50.0, roll_deg: float = 0.0) -> None:
        """Place the main camera: pos and look_at (3,) metres; fov_deg is the VERTICAL
        field of view in degrees (horizontal follows the window's aspect); roll_deg turns
        the camera about its view axis (positive = clockwise on screen)."""
        cam = self.base.camera
        cam.set_pos(*map(float, pos))
        cam.look_at(Point3(*map(float, look_at)), Vec3(0, 0, 1))
        cam.set_r(cam, float(roll_deg))
        lens = self.base.cam.node().get_lens()
        size = self.base.win.get_x_size(), self.base.win.get_y_size()
        lens.set_fov(horizontal_fov(fov_deg, size), float(fov_deg))
        self.update_sky()
        self._place_trees()

    def update_sky(self) -> None:
        """Recompute the sky's inverse view-projection from the current camera."""
        cam = self.base.cam
        view = LMatrix4f(cam.get_mat(self.base.render))
        view.invert_in_place()
        vp = view * cam.node().get_lens().get_projection_mat()
        vp.invert_in_place()
        self.sky.set_shader_input("u_inv_view_proj", vp)

    def all_shaders(self):
        """Every shader built so far (the world variants as far as frames used them)."""
        return list(self._variants.values()) + [self.sky_shader, self.depth_shader,
                                                self.depth_tree_shader]

    def destroy(self) -> None:
        self.base.taskMgr.remove("hyosan-sky")
        self.root.clear_light(self.sun_np)
        self.root.remove_node()

    def _sky_task(self, task):
        """Each frame of a task-driven loop (interactive): sky and trees follow the camera
        however it was moved."""
        self.update_sky()
        self._place_trees()
        return task.cont


def _clamp_to_edge(tex) -> None:
    """Sample a shadow map clamped to its edge instead of Panda3D's white border: the
    shaders light whatever lies off a map already (shadows.glsl `off_map`), and
    llvmpipe's border test on every texel of every tap cost 3.6% of a 720p frame."""
    tex.set_wrap_u(SamplerState.WM_clamp)
    tex.set_wrap_v(SamplerState.WM_clamp)
