"""Explosions, fires, weather and the burnt school on a Stage, from a `SceneState`.

`Effects(stage).update(state, t, camera_pos)` is a pure function of (state, t, seed,
camera): the particles come from `sandbox.view.fx_emitters` (closed-form in each
emitter's age, seeded tables), so rendering frame t after any other frame gives the same
pixels as rendering it alone. Particles are instanced quads (one Geom, one draw call per
blend mode) shaded procedurally by `shaders/fx_particles.frag`, built for the kinds each
layer draws this frame: smoke, debris, snow, the shock ring and the (optically thick)
fireball alpha-blended and sorted back to front in numpy; flames, sparks and glows
additive. Both depth-test against the world and horde and write no depth, draw after
everything opaque (fixed bin) and stay out of the sun's shadow pass.
Flashes and fires also light the world through `Stage.set_point_lights`; "smoke"
weather thickens the haze (`Stage.set_haze`) and `state.burnt` sets the school's
burnt material (`Stage.set_burnt`).

Place the camera (`Stage.set_camera`) before `update`: the quads face it. `plan` works
out a frame's particles and lights in numpy alone for a given camera (a worker thread
may run it: `ScenePlayer.prepare`), `show` puts a plan on the stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from panda3d.core import ColorBlendAttrib, OmniBoundingVolume

from sandbox.config import ParamSet
from sandbox.view import fx_emitters as fx
from sandbox.view.geom import geom_node, make_geom
from sandbox.view.stage import MAX_POINT_LIGHTS, SHADOW_MASK, instance_buffer

TEXELS = 3           # per instance: (pos, size), (rgba), (kind, seed, param, spin)
BIN_SORT = 50        # fixed-bin order: alpha-blended layer, then the additive one


def _quad():
    v = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], np.float32)
    n = np.tile([0, 0, 1], (4, 1)).astype(np.float32)
    c = np.full((4, 4), 255, np.uint8)
    return make_geom(v, n, c, np.array([[0, 1, 2], [0, 2, 3]]))


def kinds_mask(kinds: np.ndarray) -> int:
    """The bit mask (bit k: kind k) of the particle kinds in `kinds`: the KINDS of the
    fx_particles.frag variant that draws them."""
    return int(np.bitwise_or.reduce(np.left_shift(1, np.unique(kinds).astype(np.int64)),
                                    initial=0))


class _Layer:
    """One instanced quad node with its own blend mode and growing instance buffer,
    shaded each frame by the variant built for the kinds it draws (`shader(mask)`)."""

    def __init__(self, parent, name: str, shader, additive: bool, sort: int):
        node = geom_node(name, _quad())
        node.set_bounds(OmniBoundingVolume())
        node.set_final(True)
        self.np = parent.attach_new_node(node)
        self.shader = shader
        self.mask = None
        self.np.set_bin("fixed", sort)
        self.np.set_depth_write(False)
        self.np.set_depth_test(True)
        self.np.set_two_sided(True)
        self.np.hide(SHADOW_MASK)
        if additive:
            blend = ColorBlendAttrib.make(ColorBlendAttrib.M_add, ColorBlendAttrib.O_one,
                                          ColorBlendAttrib.O_one)
        else:
            blend = ColorBlendAttrib.make(ColorBlendAttrib.M_add,
                                          ColorBlendAttrib.O_incoming_alpha,
                                          ColorBlendAttrib.O_one_minus_incoming_alpha)
        self.np.set_attrib(blend)
        self.name = name
        self.capacity = 0
        self.count = 0
        self._alloc(256)

    def _alloc(self, capacity: int) -> None:
        self.capacity = capacity
        self.tex = instance_buffer(TEXELS * capacity, f"{self.name}-instances")
        self.np.set_shader_input("u_instances", self.tex)

    def write(self, b: fx.Batch) -> None:
        n = len(b)
        if n > self.capacity:
            self._alloc(max(n, int(self.capacity * 1.5)))
        self.count = n
        if n == 0:  # an instance count of 0 would draw one uninstanced copy
            self.np.hide()
            return
        mask = kinds_mask(b.kind)
        if mask != self.mask:
            self.mask = mask
            self.np.set_shader(self.shader(mask), 20)
        buf = np.frombuffer(self.tex.modify_ram_image(), np.float32).reshape(-1, TEXELS, 4)
        buf[:n, 0, :3] = b.pos
        buf[:n, 0, 3] = b.size
        buf[:n, 1] = b.color
        buf[:n, 2, 0] = b.kind
        buf[:n, 2, 1] = b.seed
        buf[:n, 2, 2] = b.param
        buf[:n, 2, 3] = b.spin
        self.np.set_instance_count(n)
        self.np.show()


@dataclass(frozen=True)
class EffectsPlan:
    """One frame of effects as `Effects.plan` works them out: scene time t (s), the
    camera's right and up (3,) the quads face, the additive particles, the alpha-blended
    ones far to near, and the point lights (n, 7) (`Stage.set_point_lights`)."""

    t: float
    right: np.ndarray
    up: np.ndarray
    additive: fx.Batch
    blended: fx.Batch
    lights: np.ndarray


class Effects:
    """Draws a SceneState's strikes, fires, weather and burnt state on `stage`.

    seed: the scene seed (each strike/fire also has its own); params: overrides of
    `fx_emitters.PARAMS` by name (wind, debris and smoke puff counts, snowflakes).
    """

    def __init__(self, stage, seed: int = 0, params: dict | None = None):
        self.stage = stage
        self.seed = int(seed)
        self.params = ParamSet(fx.PARAMS, params, "effects")
        self.root = stage.root.attach_new_node("effects")
        self._variants: dict[tuple[bool, int], object] = {}
        self.alpha = _Layer(self.root, "fx-alpha", lambda mask: self.variant(False, mask),
                            False, BIN_SORT)
        self.additive = _Layer(self.root, "fx-additive", lambda mask: self.variant(True, mask),
                               True, BIN_SORT + 1)
        self.root.set_shader_input("u_fx_time", 0.0)
        self.root.set_shader_input("u_cam_right", (1.0, 0.0, 0.0))
        self.root.set_shader_input("u_cam_up", (0.0, 0.0, 1.0))
        self.lights = np.zeros((0, 7))

    def variant(self, additive: bool, mask: int):
        """The particle shader for one blend mode (`additive`) and the kinds in `mask`
        (`kinds_mask`), built once."""
        key = (additive, mask)
        if key not in self._variants:
            self._variants[key] = self.stage.load_shader(
                "fx_particles.vert", "fx_particles.frag", {"ADDITIVE": additive, "KINDS": mask})
        return self._variants[key]

    @property
    def shaders(self) -> list:
        """Every particle shader built so far."""
        return list(self._variants.values())

    def update(self, state, t: float, camera_pos) -> None:
        """Build this frame's particles and lights from `state` at scene time `t`
        (seconds) for the camera as it stands, at camera_pos (3,) metres (it centres the
        snow volume and orders the sort): `show(plan(...), state)`."""
        mat = np.array(self.stage.base.camera.get_mat(self.stage.base.render),
                       np.float64).reshape(4, 4)
        mat[3, :3] = np.asarray(camera_pos, np.float64).reshape(3)
        self.show(self.plan(state, t, mat), state)

    def plan(self, state, t: float, cam_mat) -> EffectsPlan:
        """`state`'s particles and lights at scene time `t` (s) seen by a camera with world
        matrix cam_mat (4x4, Panda3D row-vector convention: rows right, forward, up,
        position), in numpy alone."""
        t = float(t)
        mat = np.asarray(cam_mat, np.float64)
        right, fwd, up = (v / max(np.linalg.norm(v), 1e-9) for v in mat[:3, :3])
        cam = mat[3, :3]
        batches, lights = [], []
        for strike in state.strikes:
            b, l = fx.explosion(strike, t, self.params, self.seed)
            batches += b
            lights += l
        for f in state.fires:
            b, l = fx.fire(f, t, self.params, self.seed)
            batches += b
            lights += l
        if state.weather == "snow":
            batches.append(fx.snow(t, cam, self.params, self.seed))
        allp = fx.Batch.join(batches)
        add = np.isin(allp.kind, fx.ADDITIVE_KINDS)
        blended = allp.take(np.flatnonzero(~add))
        depth = (blended.pos - cam) @ fwd
        return EffectsPlan(t, right, up, allp.take(np.flatnonzero(add)),
                           blended.take(np.argsort(-depth, kind="stable")),
                           self.pick_lights(lights, cam))

    def show(self, plan: EffectsPlan, state) -> None:
        """Put `plan` on the stage, with `state`'s haze and burnt school."""
        self.root.set_shader_input("u_fx_time", plan.t)
        self.root.set_shader_input("u_cam_right", tuple(map(float, plan.right)))
        self.root.set_shader_input("u_cam_up", tuple(map(float, plan.up)))
        self.additive.write(plan.additive)
        self.alpha.write(plan.blended)
        self.lights = plan.lights
        self.stage.set_point_lights(self.lights)
        self.stage.set_haze(1.0 if state.weather == "smoke" else 0.0)
        self.stage.set_burnt(state.burnt)

    @staticmethod
    def pick_lights(lights: list, cam: np.ndarray) -> np.ndarray:
        """The MAX_POINT_LIGHTS lights that matter most here: (n, 7) rows ranked by
        intensity x radius over distance to the camera (ties keep their order)."""
        if not lights:
            return np.zeros((0, 7))
        rows = np.stack(lights)
        power = rows[:, 4:].sum(1) * rows[:, 3]
        dist = np.linalg.norm(rows[:, :3] - cam, axis=1)
        score = power / (1.0 + dist / rows[:, 3])
        return rows[np.argsort(-score, kind="stable")[:MAX_POINT_LIGHTS]]

    @property
    def counts(self) -> tuple[int, int]:
        """(alpha-blended, additive) particles drawn this frame."""
        return self.alpha.count, self.additive.count

    def destroy(self) -> None:
        self.root.remove_node()
