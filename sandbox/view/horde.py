"""The instanced horde in three levels of detail, each one Geom drawn `k` times in one call.

Levels: `FULL` (the 192-triangle figure, `figure_arrays`), `MID` (a 19-triangle figure
with the same limb ids, so `shaders/horde.vert` swings its legs and arms the same way,
`mid_figure_arrays`) and `CARD` (one camera-facing card, 2 triangles, sized to a running
figure that `shaders/horde_card.frag` paints procedurally; `CARDS_PER_INSTANCE` of them
per drawn instance). Each agent's level is chosen in numpy from its projected height in
pixels (`FIG_HEIGHT` x focal length in pixels / distance): `FULL_PX` and up full,
`CARD_PX` and down card, the middle figure between.
Around each threshold a band (`FADE_BAND`, relative) draws the agent in both levels with
complementary screen-door dither (`shaders/horde_common.glsl`), so the switch never pops.
Agents behind the camera or outside its view cone (with a `CULL_MARGIN`) are dropped in
numpy and cost nothing on the GPU. In a dense horde near the camera the thresholds rise
so that only the nearest `FULL_BUDGET` agents get the full figure and the next
`MID_BUDGET` the middle one (the fade bands move with them, so nothing pops): the
triangle count stays bounded however many agents crowd the view.

Per-instance data live in one rgba32f buffer texture per level, written from numpy every
`upload` (from a `plan`), three texels per drawn instance: (x, y, z, heading), (phase,
tint, fade, fade side) and (behaviour state, kind, 0, 0). The two figure levels draw
their buffer in two parts (`PARTS`): the figures drawn whole, then those in a fade band,
so only the second part's shader can discard. Every level animates the state the same
way (`shaders/horde_common.glsl`: `gait`, `lying_pose`): idle/wander shamble, lured/chase
sprint, attack lunge, humans and the turning walk upright (the turning shudder), knocked
thrash and dead lie flat along their heading (a card lying on the ground far away).
The figures' fragment shaders add the effects' point lights (`shaders/fx_world.glsl`,
uniforms set on the stage's root) and look the sun's shadow maps up; a card is a few
pixels across, so its vertex shader lights it once (point lights, sun, ambient across its
round body) and takes the shadow and the fog at its corners, and its fragments only find
the figure: on a software rasteriser that about halves a card's cost. The nodes have omni
bounding volumes (never culled by Panda: the shaders move the vertices), are drawn
before the world's parts (`stage.DRAW_ORDER`: the world they hide is then not shaded)
and are hidden from the sun's shadow camera (`SHADOW_MASK`): the crowd receives shadows
but casts none.

`update` (plan, then upload) reads the camera: place it (`Stage.set_camera`) first, or
hand `plan` the view the camera will have (`stage.camera_view`).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass

import numpy as np
from panda3d.core import NodePath, OmniBoundingVolume

from sandbox.crowd import STATES
from sandbox.view import shaders
from sandbox.view.geom import geom_node, make_geom
from sandbox.view.stage import (SHADOW_MASK, draw_sort, focal_length, in_view_cone,
                                instance_buffer)

FULL, MID, CARD = range(3)
LEVEL_NAMES = ("full", "mid", "card")
FIG_HEIGHT = 1.75     # metres: the height used to project an agent's size on screen
FULL_PX = 56.0        # projected height (pixels) from which the full figure is drawn
CARD_PX = 28.0        # projected height at and below which the card is drawn: a card
                      # lit per card costs less than the middle figure up to about there
FULL_BUDGET = 3000    # at most about this many full figures a frame (the nearest) ...
MID_BUDGET = 20000    # ... and middle figures; the rest are cards
FADE_BAND = 0.25      # cross-fade from threshold to threshold * (1 + FADE_BAND)
CULL_MARGIN = 1.5     # metres around an agent's centre kept when testing the view cone
CENTRE_Z = 0.9        # metres above the feet: the point distances and culling use
TEXELS = 3            # rgba32f texels per agent (the shaders fetch 3i, 3i+1, 3i+2)
CARDS_PER_INSTANCE = 4  # cards one drawn instance holds: llvmpipe shades an instance's
                      # vertices in batches of 8, so an instance of one 4-corner card left
                      # half of every batch idle and cost twice the vertex shading
# A figure level draws in two parts from one buffer: the figures drawn whole, then those
# in a fade band from instance `u_first` on. Only the second shader can discard, and a
# shader that never discards has its hidden fragments rejected before it runs (llvmpipe
# and GPUs test depth early only then): in a dense crowd, most of a figure's fragments.
PARTS = ("whole", "fading")

# limb ids (shaders/horde.vert must agree)
TORSO, HEAD, ARM_L, ARM_R, THIGH_L, THIGH_R, SHIN_L, SHIN_R = range(8)
# the behaviour state drawn when `update` is given none (horde_common.glsl's state and
# kind ids follow sandbox.crowd.STATES and KINDS)
CHASE = STATES.index("chase")
# material ids: the shader picks the colour per instance
SKIN, SHIRT, PANTS, SHOES, HAIR, JACKET = range(6)

_BOX_FACES = np.array([[0, 2, 1], [0, 3, 2], [4, 5, 6], [4, 6, 7], [0, 1, 5], [0, 5, 4],
                       [1, 2, 6], [1, 6, 5], [2, 3, 7], [2, 7, 6], [3, 0, 4], [3, 4, 7]])


def _box(lo, hi, limb, mat, taper=1.0):
    """A box (12 triangles) from corner lo to hi; `taper` scales the top's x/y extent (a
    prism-ish limb). Returns the triangles' corners (36, 3) and limb columns (36, 2)."""
    lo, hi = np.asarray(lo, np.float32), np.asarray(hi, np.float32)
    c = (lo + hi) / 2
    corners = np.array([[lo[0], lo[1], lo[2]], [hi[0], lo[1], lo[2]], [hi[0], hi[1], lo[2]],
                        [lo[0], hi[1], lo[2]], [lo[0], lo[1], hi[2]], [hi[0], lo[1], hi[2]],
                        [hi[0], hi[1], hi[2]], [lo[0], hi[1], hi[2]]], np.float32)
    corners[4:, :2] = c[:2] + (corners[4:, :2] - c[:2]) * taper
    v = corners[_BOX_FACES.reshape(-1)]
    return v, np.tile([float(limb), float(mat)], (len(v), 1)).astype(np.float32)


def _shared(corners, limb):
    """Triangle corners (3t, 3) with their limb columns (3t, 2) as an indexed mesh, each
    distinct (position, limb, material) one vertex: the shaders run once per vertex, not
    per corner, and take face normals from the fragments' slopes (`shaders/horde.frag`).
    Returns vertices (v, 3), colours (v, 4) uint8 (unused, white), triangles (t, 3),
    limb (v, 2)."""
    rows = np.concatenate([np.asarray(corners, np.float32), np.asarray(limb, np.float32)], 1)
    unique, index = np.unique(rows, axis=0, return_inverse=True)
    tris = index.reshape(-1, 3).astype(np.uint32)
    return unique[:, :3], np.full((len(unique), 4), 255, np.uint8), tris, unique[:, 3:]


def figure_arrays():
    """A ~1.72 m humanoid of 16 boxes facing +X, feet at z=0 (metres). Returns vertices
    (v, 3), colours (v, 4) uint8, triangles (t, 3), limb (v, 2) = (limb, material)."""
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
    return _shared(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def mid_figure_arrays():
    """The middle level: a 19-triangle figure (same frame, limb ids and materials as
    `figure_arrays`): a triangular-prism torso with a top cap (7), crossed quads for the
    head (4), a quad crossed with a triangle for each leg (3 each; the foot vertices carry
    the shin limb id so the knee bend still moves the foot) and one triangle per arm (2). Drawn two-sided, colours
    interpolated between vertices (the shader's TWO_SIDED variant). Same return values."""
    verts, limbs = [], []

    def tri(a, b, c, la, lb, lc, ma, mb=None, mc=None):
        verts.extend([a, b, c])
        mb = ma if mb is None else mb
        mc = ma if mc is None else mc
        limbs.extend([[la, ma], [lb, mb], [lc, mc]])

    # torso: a triangular prism from hip to shoulder, apex forward: sides shirt at the
    # bottom ring to jacket at the top (this level interpolates its colours), a shirt
    # cap on top (the full figure's shirt box tops its jacket: what an aerial view sees)
    ring = [(0.15, 0.0), (-0.10, 0.23), (-0.10, -0.23)]
    for i in range(3):
        (x0, y0), (x1, y1) = ring[i], ring[(i + 1) % 3]
        b0, b1, t0, t1 = (x0, y0, 0.80), (x1, y1, 0.80), (x0, y0, 1.42), (x1, y1, 1.42)
        tri(b0, t1, b1, TORSO, TORSO, TORSO, SHIRT, JACKET, SHIRT)
        tri(b0, t0, t1, TORSO, TORSO, TORSO, SHIRT, JACKET, JACKET)
    tri(*[(x, y, 1.42) for x, y in ring], TORSO, TORSO, TORSO, SHIRT)
    # head: two crossed quads, skin below, hair on top
    for a, b in (((-0.1, 0, 1.46), (0.1, 0, 1.46)), ((0, -0.09, 1.46), (0, 0.09, 1.46))):
        a, b = np.array(a), np.array(b)
        a2, b2 = a + (0, 0, 0.27), b + (0, 0, 0.27)
        tri(a, b, b2, HEAD, HEAD, HEAD, SKIN, SKIN, HAIR)
        tri(a, b2, a2, HEAD, HEAD, HEAD, SKIN, HAIR, HAIR)
    # legs, hip (thigh id) to foot (shin id: the knee bend moves it): a quad seen from
    # the side crossed with a triangle seen from the front
    for y, thigh, shin in ((0.095, THIGH_L, SHIN_L), (-0.095, THIGH_R, SHIN_R)):
        h0, h1, f0, f1 = (-0.075, y, 0.88), (0.075, y, 0.88), (-0.06, y, 0.0), (0.12, y, 0.0)
        tri(f0, f1, h1, shin, shin, thigh, PANTS)
        tri(f0, h1, h0, shin, thigh, thigh, PANTS)
        tri((0.0, y - 0.075, 0.88), (0.0, y + 0.075, 0.88), (0.03, y, 0.0),
            thigh, thigh, shin, PANTS)
    # arms: one triangle each in the vertical plane of the reach, shoulder to hand
    for y, arm in ((0.24, ARM_L), (-0.24, ARM_R)):
        tri((-0.06, y, 1.40), (0.06, y, 1.40), (0.0, y, 0.76), arm, arm, arm, JACKET)
    return _shared(verts, limbs)


def card_arrays():
    """The far level: `CARDS_PER_INSTANCE` cards, each x -0.5..0.5 across and z 0..1 up,
    y its slot in the instance (horde_card.vert sizes them and turns them to the camera).
    Same return values, limb all zero."""
    corners = np.array([[-0.5, 0, 0], [0.5, 0, 0], [0.5, 0, 1], [-0.5, 0, 1]], np.float32)
    slots = np.arange(CARDS_PER_INSTANCE)
    v = (corners[None] + np.outer(slots, [0, 1, 0])[:, None]).reshape(-1, 3)
    t = (np.array([[0, 1, 2], [0, 2, 3]])[None] + 4 * slots[:, None, None]).reshape(-1, 3)
    n = len(v)
    return (v.astype(np.float32), np.full((n, 4), 255, np.uint8), t.astype(np.uint32),
            np.zeros((n, 2), np.float32))


def projected_height(positions, z, cam_pos, focal_px: float):
    """Projected height in pixels of a `FIG_HEIGHT` figure at each agent: positions (n, 2),
    z (n,), cam_pos (3,) metres; focal_px = (window height / 2) / tan(vertical fov / 2)."""
    d = np.empty((len(positions), 3), np.float32)
    d[:, :2] = positions - np.asarray(cam_pos[:2], np.float32)
    d[:, 2] = z + CENTRE_Z - np.float32(cam_pos[2])
    dist = np.sqrt(np.einsum("ij,ij->i", d, d))
    return FIG_HEIGHT * float(focal_px) / np.maximum(dist, 1e-3)


def select_levels(size_px, full_px: float = FULL_PX, card_px: float = CARD_PX,
                  band: float = FADE_BAND):
    """Bucket agents by projected height `size_px` (n,) pixels.

    Returns three (indices, fade, side) tuples (FULL, MID, CARD): indices into the agents,
    fade (k,) float32 in (0, 1] and side (k,) float32 0/1 (see horde_common.glsl). Outside
    the fade bands every agent is in exactly one level with (1, 0); inside a band it is in
    the two levels around the threshold, near (w, 0) and far (1 - w, 1), w its position
    in the band (1 at the band's near edge).
    """
    s = np.asarray(size_px, np.float32)
    top1, top2 = full_px * (1.0 + band), card_px * (1.0 + band)
    w1 = np.clip((s - full_px) / max(full_px * band, 1e-6), 0.0, 1.0).astype(np.float32)
    w2 = np.clip((s - card_px) / max(card_px * band, 1e-6), 0.0, 1.0).astype(np.float32)
    in_full = s >= full_px
    band1 = in_full & (s < top1)
    in_card = s < top2
    band2 = in_card & (s >= card_px)
    in_mid = (s < top1) & (s >= card_px)
    one = np.float32(1.0)

    full = np.flatnonzero(in_full)
    mid = np.flatnonzero(in_mid)
    card = np.flatnonzero(in_card)
    out = []
    # full: near side of band 1
    out.append((full, np.where(band1[full], w1[full], one), np.zeros(len(full), np.float32)))
    # mid: far side of band 1, near side of band 2
    f_mid = np.where(band1[mid], 1.0 - w1[mid], np.where(band2[mid], w2[mid], one))
    out.append((mid, f_mid.astype(np.float32), band1[mid].astype(np.float32)))
    # card: far side of band 2
    out.append((card, np.where(band2[card], 1.0 - w2[card], one).astype(np.float32),
                band2[card].astype(np.float32)))
    return out


def in_view(positions, z, cam_mat, hfov_deg: float, vfov_deg: float,
            margin: float = CULL_MARGIN):
    """Boolean mask of agents whose centre (`CENTRE_Z` above the feet) is within `margin`
    metres of the camera's view cone. cam_mat: the camera's 4x4 world matrix (Panda3D
    row-vector convention, y forward, z up), as numpy."""
    centres = np.empty((len(positions), 3), np.float32)
    centres[:, :2] = positions
    centres[:, 2] = np.asarray(z, np.float32) + CENTRE_Z
    return in_view_cone(centres, cam_mat, hfov_deg, vfov_deg, margin)


@dataclass(frozen=True)
class HordePlan:
    """One frame of the horde as `Horde.plan` sorts it: the camera view it was made for,
    the agent count and, per level, the packed instance rows (k, 12) float32 (three
    texels each) and how many of them, from the first, are drawn whole."""

    view: tuple | None
    count: int
    levels: tuple

    def seen_from(self, view) -> bool:
        """Whether `view` (as `Horde.view` gives it) is the one this plan was made for."""
        if view is None or self.view is None:
            return view is None and self.view is None
        return (np.allclose(view[0], self.view[0], atol=1e-3)
                and np.allclose(view[1:], self.view[1:], rtol=1e-4))


class Horde:
    """Instanced zombies under `parent` (a Stage, whose root is used, or a NodePath).

    capacity: initial number of instances each level's buffer holds; `upload` grows a
    level's buffer when it draws more.
    camera: the camera NodePath the levels of detail and culling are computed for; None
    uses the stage's (`stage.base.cam`) or the ShowBase's. Without any camera every agent
    is drawn full.
    """

    def __init__(self, parent, capacity: int = 2000, camera=None):
        root = getattr(parent, "root", parent)
        self.base = getattr(parent, "base", None) or getattr(builtins, "base", None)
        self.camera = camera if camera is not None else getattr(self.base, "cam", None)
        self._instance_buffer = instance_buffer
        self.np = root.attach_new_node("horde", draw_sort("horde"))
        self.np.hide(SHADOW_MASK)
        self._load = getattr(parent, "load_shader", shaders.load)  # a Stage's output, shadows
        self._variants: dict[tuple, list] = {}
        self.levels: list[NodePath] = []
        self.parts: list[list[NodePath]] = []
        self.np.set_shader_input("u_first", 0.0)
        self.np.set_shader_input("u_count", 0.0)
        for level, arrays in enumerate((figure_arrays(), mid_figure_arrays(), card_arrays())):
            v, c, t, limb = arrays
            geom = make_geom(v, None, c, t, extra={"limb": limb})
            lnp = self.np.attach_new_node(f"horde-{LEVEL_NAMES[level]}")
            if level != FULL:
                lnp.set_two_sided(True)
            parts = []
            for part in PARTS[:1 if level == CARD else 2]:
                node = geom_node(f"horde-{LEVEL_NAMES[level]}-{part}", geom)
                node.set_bounds(OmniBoundingVolume())
                node.set_final(True)
                pnp = lnp.attach_new_node(node)
                pnp.set_instance_count(1)
                pnp.hide()
                parts.append(pnp)
            self.levels.append(lnp)
            self.parts.append(parts)
        if hasattr(parent, "add_variant_user"):  # a Stage: follow its lights and casters
            parent.add_variant_user(self._use_variant)
        else:
            self._use_variant(None, False)
        self.count = 0
        self.counts = (0, 0, 0)
        # level-of-detail thresholds (projected pixels) and fade band; per horde, so a
        # caller can tune or force them (full_px=0: everything full)
        self.full_px, self.card_px, self.band = FULL_PX, CARD_PX, FADE_BAND
        self.full_budget, self.mid_budget = FULL_BUDGET, MID_BUDGET
        self.capacities = [0, 0, 0]
        self.texs = [None, None, None]
        for level in range(3):
            self._alloc(level, max(1, int(capacity)))

    def _shaders(self, lights: int | None, casting: bool) -> list:
        """The shaders of each level's parts (`parts`) built for `lights` point lights (a
        Stage.LIGHT_BUCKETS entry; None: any number, a loop over the uniform count, which
        llvmpipe runs in full on every fragment), with the moving casters' shadow map
        looked up only while `casting`, as the parent stage builds its shaders
        (`Stage.load_shader`: no shadow lookup where it renders no sun shadows, linear HDR
        under a post chain); built once per key."""
        key = (lights, casting)
        if key not in self._variants:
            common = {"CASTERS": casting}
            if lights is not None:
                common["FX_LIGHTS"] = lights
            mid = dict(common, TWO_SIDED=1)
            load = self._load
            self._variants[key] = [
                [load("horde.vert", "horde.frag", common),
                 load("horde.vert", "horde.frag", dict(common, FADES=1))],
                [load("horde.vert", "horde.frag", mid),
                 load("horde.vert", "horde.frag", dict(mid, FADES=1))],
                [load("horde_card.vert", "horde_card.frag",
                      dict(common, CARDS_PER_INSTANCE=CARDS_PER_INSTANCE))]]
        return self._variants[key]

    def _use_variant(self, lights: int | None, casting: bool) -> None:
        variant = self._shaders(lights, casting)
        self.shaders = [shader for level in variant for shader in level]  # all in use
        for parts, level_shaders in zip(self.parts, variant):
            for pnp, shader in zip(parts, level_shaders):
                pnp.set_shader(shader, 10)

    def _alloc(self, level: int, capacity: int) -> None:
        """A buffer of `capacity` instances for `level`. Each level's grows to what that
        level draws, not to the whole horde: the whole buffer goes to the GPU each frame."""
        self.capacities[level] = capacity
        tex = self._instance_buffer(TEXELS * capacity, f"horde-{LEVEL_NAMES[level]}-instances")
        self.levels[level].set_shader_input("u_instances", tex)
        self.texs[level] = tex

    def view(self):
        """(camera world matrix 4x4, hfov, vfov degrees, focal length in pixels) of the
        camera, or None where there is no camera/window."""
        if self.camera is None or self.base is None or self.base.win is None:
            return None
        lens = self.camera.node().get_lens()
        hfov, vfov = lens.get_fov()
        mat = np.array(self.camera.get_mat(self.base.render), np.float64).reshape(4, 4)
        return mat, float(hfov), float(vfov), focal_length(vfov, self.base.win.get_y_size())

    def update(self, positions, z, headings, phase, tint=None, state=None,
               kind=None) -> None:
        """Write this frame's agents (after the camera is placed for the frame): `plan`
        from the camera as it is, then `upload`. The arguments are `plan`'s."""
        self.upload(self.plan(positions, z, headings, phase, tint, state, kind))

    def plan(self, positions, z, headings, phase, tint=None, state=None, kind=None,
             view=None) -> HordePlan:
        """This frame's agents sorted into the levels' draws and packed as their buffers
        want them, in numpy alone (a worker thread may run it: `ScenePlayer.prepare`).

        positions (n, 2) float32 metres; z (n,) float32 ground height, metres; headings
        (n,) radians CCW from +X; phase (n,) gait phase, radians (advances with distance
        walked); tint (n,) float32 or None: the fractional part picks clothes/skin
        variants (None: a hash of the index), an integer part >= 1 marks the agent (drawn
        reddish, for debugging/hero highlighting); state (n,) uint8 indices into
        `sandbox.crowd.STATES` (None: all "chase", the sprint); kind (n,) uint8 indices
        into `KINDS` (None: all "regular"); view: the camera it is seen from, as `view`
        gives it (None: the camera as it is now).
        """
        view = self.view() if view is None else view
        pos = np.asarray(positions, np.float32).reshape(-1, 2)
        n = len(pos)
        rows = np.zeros((n, 4 * TEXELS), np.float32)
        rows[:, :2] = pos
        rows[:, 2] = z
        rows[:, 3] = headings
        rows[:, 4] = phase
        if tint is None:
            idx = np.arange(n, dtype=np.uint32)
            rows[:, 5] = ((idx * np.uint32(2654435761)) >> np.uint32(8)) / float(1 << 24)
        else:
            rows[:, 5] = tint
        rows[:, 8] = CHASE if state is None else np.asarray(state, np.uint8)
        if kind is not None:
            rows[:, 9] = np.asarray(kind, np.uint8)
        levels = []
        for level, (idx, fade, side) in enumerate(self.select(rows[:, :2], rows[:, 2], view)):
            whole = len(idx)
            if level != CARD:  # whole figures first, those fading after (each near first)
                fading = fade < 1.0
                order = np.argsort(fading, kind="stable")
                idx, fade, side = idx[order], fade[order], side[order]
                whole -= int(np.count_nonzero(fading))
            packed = rows[idx]
            packed[:, 6] = fade
            packed[:, 7] = side
            levels.append((packed, whole))
        return HordePlan(view, n, tuple(levels))

    def upload(self, plan: HordePlan) -> None:
        """Put `plan`'s instances into the levels' buffers and draws."""
        for level, (packed, whole) in enumerate(plan.levels):
            k = len(packed)
            if k > self.capacities[level]:
                self._alloc(level, max(k, int(self.capacities[level] * 1.5)))
            if k:
                buf = np.frombuffer(self.texs[level].modify_ram_image(), np.float32)
                buf.reshape(-1, 4 * TEXELS)[:k] = packed
            per = CARDS_PER_INSTANCE if level == CARD else 1   # agents an instance draws
            for part, (first, m) in zip(self.parts[level], ((0, whole), (whole, k - whole))):
                part.set_instance_count(max(-(-m // per), 1))   # m / per rounded up
                part.set_shader_input("u_first", float(first))
                part.set_shader_input("u_count", float(m))
                if m:  # an instance count of 0 would draw one (uninstanced) copy: hide instead
                    part.show()
                else:
                    part.hide()
        self.count = plan.count
        self.counts = tuple(len(packed) for packed, _ in plan.levels)

    def select(self, positions, z, view=None):
        """The (indices, fade, side) buckets (FULL, MID, CARD) for agents at `positions`
        (n, 2) / `z` (n,) seen from `view` (as `view` gives it; None: the camera as it is
        now): culled, then `select_levels`; each bucket ordered nearest first."""
        n = len(positions)
        v = self.view() if view is None else view
        if v is None:
            none = (np.zeros(0, np.intp), np.zeros(0, np.float32), np.zeros(0, np.float32))
            return [(np.arange(n), np.ones(n, np.float32), np.zeros(n, np.float32)), none, none]
        mat, hfov, vfov, focal = v
        keep = np.flatnonzero(in_view(positions, z, mat, hfov, vfov))
        size = projected_height(positions[keep], z[keep], mat[3, :3], focal)
        # front to back: occluded fragments of later instances fail the depth test early
        order = np.argsort(-size, kind="stable")
        keep, size = keep[order], size[order]
        full_px, card_px = self.budget_thresholds(size)
        return [(keep[i], f, s) for i, f, s in
                select_levels(size, full_px, card_px, self.band)]

    def budget_thresholds(self, size):
        """(full_px, card_px) for agents of projected heights `size` (k,) pixels, sorted
        largest first: the horde's thresholds, raised where more than `full_budget`
        agents would be full or more than `mid_budget` more would be middle figures
        (the card threshold stays a fade band below the full one, so no agent is ever
        in three levels)."""
        full_px, card_px = self.full_px, self.card_px
        above = lambda k: float(np.nextafter(size[k], np.inf))  # noqa: E731 (k-th excluded)
        if 0 < self.full_budget < len(size):
            full_px = max(full_px, above(self.full_budget))
        if 0 < self.full_budget + self.mid_budget < len(size):
            card_px = max(card_px, above(self.full_budget + self.mid_budget))
        return full_px, min(card_px, full_px / (1.0 + self.band))  # fade bands apart

    @property
    def instance_count(self) -> int:
        """Instances drawn this frame over all levels (agents in a fade band count twice)."""
        return int(sum(self.counts))

    def destroy(self) -> None:
        self.np.remove_node()
