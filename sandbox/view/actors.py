"""The story's characters and vehicles on the stage, posed every frame from
`timeline.state.Actor`s.

People are hierarchical figures (`figures`): one NodePath per joint (pelvis -> torso ->
head and arms; pelvis -> legs), each holding that joint's flat-shaded mesh, their local
matrices set from `figures.pose` + `figures.joint_matrices`. Vehicles (`vehicles`) are a
body plus spinning rotors/propellers (turned by `Spinner.angle(t)`) with translucent blur
discs and self-lit glows. Only a dozen actors exist at once, so separate NodePaths are
cheap (DESIGN.md: they stop scaling near a thousand).

Solid parts draw with the stage's world shader (same sun, shadow, fog) and, unlike the
horde, cast shadows into the stage's map of moving casters (`Stage.cast_shadows_of`;
the actors' root carries the stage's `shadow=world` tag); `casters()` tells the stage
where to fit that map. Blur discs and glows use `shaders/actor_fx.frag` and stay out of
the shadow passes.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from panda3d.core import LMatrix4f, NodePath, TransparencyAttrib

from sandbox.view import figures, vehicles
from sandbox.view.geom import geom_node, make_geom
from sandbox.view.meshkit import Mesh
from sandbox.view.stage import CAST_MASK, SHADOW_MASK, draw_sort

PEOPLE = ("student", "immune", "soldier")


def _node(name: str, mesh: Mesh) -> NodePath:
    return NodePath(geom_node(name, make_geom(mesh.v, mesh.n, mesh.c, mesh.triangles)))


def _mat(m: np.ndarray) -> LMatrix4f:
    """Our column-vector (4, 4) matrix as Panda3D's row-vector LMatrix4f."""
    return LMatrix4f(*np.asarray(m, np.float64).T.ravel())


def _posed(look: figures.Look, actor, t: float) -> np.ndarray:
    """(J, 4, 4) joint matrices, each in its parent's frame, of person `actor` with
    `look` at scene time `t` (s): numpy alone."""
    p = figures.pose(look, actor.action, float(actor.phase), float(t),
                     figures.actor_seed(actor.name))
    return figures.joint_matrices(figures.skeleton(look), p)


class _Figure:
    """One person: joint NodePaths under `root` (placed at the feet, facing heading)."""

    def __init__(self, parent: NodePath, name: str, look: figures.Look):
        self.look = look
        self.root = parent.attach_new_node(name)
        self.joints: list[NodePath] = []
        for j, mesh in enumerate(figures.figure_meshes(look)):
            up = self.root if figures.PARENT[j] < 0 else self.joints[figures.PARENT[j]]
            joint = up.attach_new_node(figures.JOINTS[j])
            _node(f"{name}-{figures.JOINTS[j]}", mesh).reparent_to(joint)
            self.joints.append(joint)

    def place(self, actor, t: float, joints: np.ndarray | None = None) -> None:
        """Pose for `actor` at scene time `t`; joints: its matrices if worked out
        already (`Actors.poses`)."""
        self.root.set_pos(*map(float, actor.pos))
        self.root.set_hpr(float(np.degrees(actor.heading)), 0.0, 0.0)
        if joints is None:
            joints = _posed(self.look, actor, t)
        for joint, m in zip(self.joints, joints):
            joint.set_mat(_mat(m))


class _Machine:
    """One vehicle: its body, spinner pivots (blades turn, blur discs stay) and glows."""

    def __init__(self, parent: NodePath, name: str, kind: str, fx_shader):
        self.kind = kind
        self.seed = figures.actor_seed(name)
        model = vehicles.BUILDERS[kind]()
        self.root = parent.attach_new_node(name)
        self.frame = self.root.attach_new_node("attitude")
        _node(f"{name}-body", model.body).reparent_to(self.frame)
        self.spinners = []
        for sp in model.spinners:
            pivot = self.frame.attach_new_node(sp.name)
            pivot.set_pos(*map(float, sp.pivot))
            blades = pivot.attach_new_node(f"{sp.name}-blades")
            _node(f"{name}-{sp.name}", sp.mesh).reparent_to(blades)
            if sp.blur is not None:
                blur = _node(f"{name}-{sp.name}-blur", sp.blur)
                blur.reparent_to(pivot)
                self._fx(blur, fx_shader, 0.0)
                blur.set_transparency(TransparencyAttrib.M_alpha)
                blur.set_bin("transparent", 0)
                blur.set_depth_write(False)
                blur.set_two_sided(True)
            self.spinners.append((sp, blades))
        self.glows = []
        for g in model.glows:
            node = _node(f"{name}-{g.name}", g.mesh)
            node.reparent_to(self.frame)
            self._fx(node, fx_shader, g.gain)
            self.glows.append((g, node))

    @staticmethod
    def _fx(node: NodePath, shader, emissive: float) -> None:
        node.set_shader(shader, 10)
        node.set_shader_input("u_emissive", float(emissive))
        node.hide(SHADOW_MASK | CAST_MASK)

    def place(self, actor, t: float) -> None:
        dz, pitch, roll = vehicles.attitude(self.kind, actor.action, float(actor.phase),
                                            float(t), self.seed)
        p = np.asarray(actor.pos, np.float64)
        self.root.set_pos(float(p[0]), float(p[1]), float(p[2] + dz))
        self.root.set_hpr(float(np.degrees(actor.heading)), 0.0, 0.0)
        # Panda's P turns +Y's end up and R banks about +Y; our vehicles face +X, so
        # nose-down pitch is a roll about Y and a bank a pitch about X
        self.frame.set_hpr(0.0, float(np.degrees(roll)), float(np.degrees(pitch)))
        spinning = not (self.kind == "helicopter" and actor.action == "stand")
        for sp, blades in self.spinners:
            a = float(np.degrees(sp.angle(t))) if spinning else 0.0
            if sp.axis == "z":
                blades.set_hpr(a, 0.0, 0.0)
            else:
                blades.set_hpr(0.0, 0.0, a)
        for g, node in self.glows:
            node.set_shader_input("u_emissive", float(g.level(t)))

    def spinner(self, name: str) -> NodePath:
        return next(np_ for sp, np_ in self.spinners if sp.name == name)


class Actors:
    """All actors of a stage, cached by name.

    `update(actors, t)` creates an actor's nodes the first time its name is seen (again
    if its kind changes), hides those not in `actors`, and poses each from its action,
    phase and the scene time `t` seconds. Looks come from `cast_path` (default
    scenes/cast.toml); a person whose name has no look raises ConfigError.
    """

    def __init__(self, stage, cast_path=None):
        self.stage = stage
        self.cast = figures.load_cast(cast_path)
        self.root = stage.root.attach_new_node("actors", draw_sort("actors"))
        self.root.set_tag("shadow", "world")
        stage.cast_shadows_of(self.root)
        self._present: list[str] = []
        self.fx_shader = stage.load_shader("world.vert", "actor_fx.frag", {"NO_SUN_SHADOW": True})
        self.shaders = [self.fx_shader]
        self._nodes: dict[str, tuple[str, _Figure | _Machine]] = {}

    def update(self, actors: Sequence, t: float, poses: dict | None = None) -> None:
        """Show and place `actors` at scene time `t` (s), hide the others. poses: the
        people's joint matrices as `poses(actors, t)` gives them (None: worked out here)."""
        present = set()
        for actor in actors:
            entry = self._nodes.get(actor.name)
            if entry is None or entry[0] != actor.kind:
                if entry is not None:
                    entry[1].root.remove_node()
                entry = (actor.kind, self._build(actor))
                self._nodes[actor.name] = entry
            entry[1].root.show()
            if actor.kind in PEOPLE:
                entry[1].place(actor, t, (poses or {}).get(actor.name))
            else:
                entry[1].place(actor, t)
            present.add(actor.name)
        for name, (_, obj) in self._nodes.items():
            if name not in present:
                obj.root.hide()
        self._present = [actor.name for actor in actors]

    def poses(self, actors: Sequence, t: float) -> dict[str, np.ndarray]:
        """The joint matrices of the people among `actors` at scene time `t` (s), by
        name, in numpy alone: a worker thread may work them out (`ScenePlayer.prepare`)
        for `update`."""
        return {a.name: _posed(self.cast.look(a.name, a.kind), a, t)
                for a in actors if a.kind in PEOPLE}

    def casters(self) -> list[tuple[np.ndarray, float]]:
        """World bounding spheres ((3,) centre, radius m) of the actors on stage, as
        `update` last placed them: where `Stage.update_shadow_map` fits the map of
        moving casters."""
        out = []
        for name in self._present:
            root = self._nodes[name][1].root
            bounds = root.get_bounds()    # in the parent's frame (the actors' root)
            if bounds.is_empty() or bounds.is_infinite():
                continue
            centre = self.stage.root.get_relative_point(self.root, bounds.get_center())
            out.append((np.array(centre, np.float64), float(bounds.get_radius())))
        return out

    def _build(self, actor):
        if actor.kind in PEOPLE:
            return _Figure(self.root, actor.name, self.cast.look(actor.name, actor.kind))
        if actor.kind in vehicles.BUILDERS:
            return _Machine(self.root, actor.name, actor.kind, self.fx_shader)
        raise ValueError(f"actor {actor.name!r}: unknown kind {actor.kind!r} (expected one "
                         f"of {', '.join(PEOPLE + tuple(vehicles.BUILDERS))})")

    def get(self, name: str):
        """The figure or machine drawn for actor `name` (KeyError if never seen)."""
        return self._nodes[name][1]

    def destroy(self) -> None:
        self.root.remove_node()
        self._nodes.clear()
