"""Characters and vehicles: poses are pure functions of (action, phase, t) with walking
legs that alternate and a reach that lands on the parapet; the cast file is validated
with errors naming file and key; and, rendered on the real world, a figure draws where
it stands, Nam-ra's jacket shows its colour, actors not in the state hide, and the
helicopter's rotor turns with scene time.

The render tests need OpenGL (Mesa llvmpipe through p3headlessgl); they fail, not skip,
where it is missing. One ShowBase per process: a stage left by another test module is
stashed while these run and this module's stage is destroyed afterwards.
"""

import numpy as np
import pytest

from sandbox.config import ConfigError
from sandbox.view import figures, vehicles
from sandbox.view.figures import (ELBOW_R, HIP_L, KNEE_L, KNEE_R, PELVIS,
                                  SHOULDER_L, joint_matrices, load_cast, pose, skeleton)

W, H = 320, 180
STUDENTS = ("onjo", "suhyeok", "daesu", "hari", "mijin", "hyoryung")
SPOT = np.array([0.0, -10.0, 0.0])      # on the sports field


@pytest.fixture(scope="module")
def cast():
    return load_cast()


def _feet(look, action, phase, t=0.0):
    """(2, 3) left and right ankle positions in the figure frame, metres."""
    sk = skeleton(look)
    w = joint_matrices(sk, pose(look, action, phase, t), local=False)
    return np.array([(w[k] @ [0, 0, -sk.shin, 1])[:3] for k in (KNEE_L, KNEE_R)])


def test_pose_is_pure_and_action_dependent(cast):
    look = cast.characters["onjo"]
    sk = skeleton(look)
    mats = {}
    for action in figures.HUMAN_ACTIONS:
        a = joint_matrices(sk, pose(look, action, 0.37, 2.5, 1.0))
        b = joint_matrices(sk, pose(look, action, 0.37, 2.5, 1.0))
        assert np.array_equal(a, b), action
        mats[action] = a
    names = list(mats)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            assert np.abs(mats[x] - mats[y]).max() > 0.05, (x, y)


def test_walk_legs_alternate_over_a_cycle(cast):
    look = cast.characters["suhyeok"]
    period = 1.0 / figures.WALK_CADENCE.default
    lead = []
    for k in range(8):
        feet = _feet(look, "walk", period * k / 8)
        lead.append(feet[0, 0] - feet[1, 0])       # + when the left foot is ahead
    lead = np.array(lead)
    assert lead.max() > 0.35 and lead.min() < -0.35, lead    # a real stride, both ways
    # half a cycle later the other foot leads by the same amount
    assert np.allclose(lead[:4], -lead[4:], atol=0.02), lead
    # the swinging leg's knee bends more than the planted one's
    sk = skeleton(look)
    angles = [pose(look, "walk", period * k / 8, 0.0).angles for k in range(8)]
    knee_l = np.array([a[KNEE_L, 1] for a in angles])
    assert knee_l.max() > 0.8 and knee_l.min() < 0.2
    # feet stay near the ground through the cycle (no sinking, no floating)
    lows = [min(_feet(look, "walk", period * k / 8)[:, 2]) for k in range(8)]
    assert all(-0.06 < z - sk.ankle < 0.06 for z in lows), lows


def test_jump_and_fall_differ_from_stand(cast):
    look = cast.characters["namra"]
    sk = skeleton(look)
    stand = joint_matrices(sk, pose(look, "stand", 0.0, 0.0), local=False)
    crouch = joint_matrices(sk, pose(look, "jump", 0.3, 0.0), local=False)
    reach = joint_matrices(sk, pose(look, "jump", 0.45, 0.0), local=False)
    assert crouch[PELVIS, 2, 3] < stand[PELVIS, 2, 3] - 0.15          # crouched
    hand = (reach[ELBOW_R] @ [0, 0, -sk.forearm, 1])[2]
    assert hand > reach[figures.HEAD, 2, 3]                              # arms thrown up
    fall = [joint_matrices(sk, pose(look, "fall", p, 0.0), local=False) for p in (0.5, 0.7)]
    assert np.abs(fall[0][SHOULDER_L] - fall[1][SHOULDER_L]).max() > 0.1  # flailing


def test_look_down_rests_a_hand_on_the_parapet(cast):
    for name in ("onjo", "suhyeok"):
        look = cast.characters[name]
        sk = skeleton(look)
        w = joint_matrices(sk, pose(look, "look_down", 0.0, 1.0), local=False)
        hand = (w[ELBOW_R] @ [0, 0, -sk.forearm, 1])[:3]
        assert abs(hand[2] - figures.PARAPET_HEIGHT.default) < 0.1, hand
        assert hand[0] > 0.25                                          # in front of her
        upright = joint_matrices(sk, pose(look, "stand", 0.0, 1.0), local=False)
        head, up = w[figures.HEAD, :3, 3], upright[figures.HEAD, :3, 3]
        assert head[0] > up[0] + 0.2 and head[2] < up[2] - 0.12     # bent over the edge


def test_sit_puts_the_seat_low_and_feet_on_the_ground(cast):
    look = cast.characters["daesu"]
    sk = skeleton(look)
    w = joint_matrices(sk, pose(look, "sit", 0.0, 0.0), local=False)
    assert w[PELVIS, 2, 3] < 0.2
    feet = _feet(look, "sit", 0.0)
    assert np.all(np.abs(feet[:, 2] - sk.ankle) < 0.05), feet
    assert np.all(feet[:, 0] > w[PELVIS, 0, 3] + 0.3)                # knees up, feet ahead


def test_students_wear_distinct_colours_and_build(cast):
    tops = np.array([cast.characters[n].top for n in STUDENTS], float)
    d = np.linalg.norm(tops[:, None] - tops[None], axis=2)
    d[np.arange(len(tops)), np.arange(len(tops))] = np.inf
    assert d.min() > 40, d.min()
    namra = cast.characters["namra"]
    assert namra.jacket is not None and namra.hair_style == "long"
    assert min(np.linalg.norm(namra.outer.astype(float) - tops, axis=1)) > 40
    boys = [n for n in STUDENTS if cast.characters[n].sex == "m"]
    for n in boys:
        sk = skeleton(cast.characters[n])
        assert sk.offsets[SHOULDER_L, 1] > 1.8 * sk.offsets[HIP_L, 1]
    heights = {cast.characters[n].height for n in STUDENTS}
    assert len(heights) >= 5


def test_cast_errors_name_file_and_key(tmp_path, cast):
    text = figures.CAST_FILE.read_text()
    bad = tmp_path / "cast.toml"
    bad.write_text(text.replace('top = "#d98aa6"', 'top = "pink"'))
    with pytest.raises(ConfigError, match=r"cast\.toml \[character\.mijin\] top = 'pink'"):
        load_cast(bad)
    bad.write_text(text.replace("[character.hari]\n", "[character.hari]\nhat = 'red'\n"))
    with pytest.raises(ConfigError, match=r"cast\.toml \[character\.hari\]: unknown key 'hat'"):
        load_cast(bad)
    bad.write_text(text + "\n[kind.zombie]\n")
    with pytest.raises(ConfigError, match=r"\[kind\.zombie\]: unknown kind"):
        load_cast(bad)
    with pytest.raises(ConfigError, match=r"cast\.toml: no \[character\.gwinam\]"):
        cast.look("gwinam", "student")
    assert cast.look("private_kim", "soldier") is cast.kinds["soldier"]


def test_vehicle_budget_and_rotor_angle():
    heli = vehicles.helicopter()
    tris = len(heli.body.v) // 3 + sum(len(s.mesh.v) // 3 + len(s.blur.v) // 3
                                       for s in heli.spinners)
    assert tris < 10_000
    rotor = heli.spinners[0]
    assert rotor.angle(0.10) != rotor.angle(0.13)
    assert rotor.angle(1.0) == rotor.angle(1.0)
    beacon = vehicles.drone().glows[0]
    levels = {beacon.level(t) for t in np.arange(0, 2, 0.05)}
    assert levels == {0.0, beacon.gain}                               # it blinks


# ---------------------------------------------------------------------------- render
@pytest.fixture(scope="module")
def scene():
    from sandbox import world
    from sandbox.view import shaders
    from sandbox.view.actors import Actors
    from sandbox.view.app import FrameGrabber, open_base
    from sandbox.view.stage import Stage

    base = open_base((W, H))
    others = [n for n in base.render.get_children() if n.get_name() == "stage"]
    for n in others:
        n.stash()
    lens = base.cam.node().get_lens()
    saved = (base.camera.get_mat(), lens.get_fov(), lens.get_near(), lens.get_far())
    stage = Stage(base, world.load_parts(), world.tree_instances(), "day")
    actors = Actors(stage)
    grab = FrameGrabber(base)
    shaders.check_compiled(base, stage.all_shaders() + actors.shaders)
    yield stage, actors, grab
    stage.destroy()
    for n in others:
        n.unstash()
    base.camera.set_mat(saved[0])          # later modules may assume the camera they found
    lens.set_fov(saved[1])
    lens.set_near_far(saved[2], saved[3])


def _actor(name, kind, pos, heading=-np.pi / 2, action="stand", phase=0.0):
    from sandbox.timeline.state import Actor
    return Actor(name, kind, np.asarray(pos, float), heading, action, phase)


def _close_up(stage):
    stage.set_time_of_day("day")
    stage.set_camera(SPOT + (0, -3.2, 1.0), SPOT + (0, 0, 0.95), 40)


def test_figure_draws_where_placed_and_hides(scene):
    stage, actors, grab = scene
    _close_up(stage)
    actors.update([], 0.0)
    empty = grab.grab().astype(np.int16)
    actors.update([_actor("onjo", "student", SPOT)], 0.0)
    full = grab.grab().astype(np.int16)
    changed = np.abs(full - empty).max(axis=2) > 25
    assert changed.mean() > 0.03, changed.mean()
    cols = np.flatnonzero(changed.any(axis=0))
    assert abs(cols.mean() - W / 2) < W * 0.1                         # centred, where she stands
    again = grab.grab().astype(np.int16)
    assert np.abs(again - full).mean() < 0.5                          # deterministic
    actors.update([], 0.0)
    assert actors.get("onjo").root.is_hidden()
    assert np.abs(grab.grab().astype(np.int16) - empty).mean() < 0.5


def _predicted(albedo_srgb, gains=np.linspace(0.2, 4.0, 60)):
    """Display colours (k, 3) 0..255 a lit albedo can take under near-white light:
    linearise, scale, the shaders' filmic curve and gamma (common.glsl)."""
    from sandbox.view.post import filmic

    c = (np.asarray(albedo_srgb, float) / 255.0) ** 2.2 * gains[:, None]
    return 255.0 * filmic(c) ** (1 / 2.2)


def test_namra_jacket_colour_shows(scene):
    stage, actors, grab = scene
    _close_up(stage)
    actors.update([_actor("namra", "immune", SPOT)], 0.0)
    img = grab.grab().astype(float)
    look = actors.cast.characters["namra"]
    palette = {"jacket": look.jacket, "skirt": look.bottom_color, "hair": look.hair,
               "skin": look.skin, "shirt": look.shirt, "top": look.top}
    # the torso's flank, beside the open front (the jacket's sleeves and body)
    patch = img[int(H * 0.36):int(H * 0.50), int(W * 0.45):int(W * 0.55)].reshape(-1, 3)
    err = {k: np.min(np.linalg.norm(patch[:, None] - _predicted(c)[None], axis=2), axis=1)
           for k, c in palette.items()}
    best = np.argmin(np.stack([err[k] for k in palette]), axis=0)
    share = np.mean(best == list(palette).index("jacket"))
    assert share > 0.4, {k: float(np.median(v)) for k, v in err.items()}
    assert np.median(err["jacket"]) < 20


def test_helicopter_rotor_turns_with_time(scene):
    stage, actors, grab = scene
    stage.set_time_of_day("day")
    heli = _actor("heli", "helicopter", SPOT + (0, 10, 20), 0.0, "hover", 1.0)
    actors.update([heli], 0.10)
    machine = actors.get("heli")
    rotor = machine.spinner("rotor")
    h0 = rotor.get_h()
    stage.set_camera(SPOT + (0, -15, 45), SPOT + (0, 10, 23.6), 40)
    a = grab.grab().astype(np.int16)
    actors.update([heli], 0.13)
    assert abs(rotor.get_h() - h0) > 10
    b = grab.grab().astype(np.int16)
    assert (np.abs(a - b).max(axis=2) > 25).mean() > 0.002            # the blades moved
    parked = _actor("heli", "helicopter", SPOT + (0, 10, 20), 0.0, "stand", 0.0)
    actors.update([parked], 0.2)
    assert rotor.get_h() == 0.0
    actors.update([], 0.0)


def _pixel(base, world_point):
    """(row, col) of a world point (3,) in the main camera's image."""
    from panda3d.core import Point2, Point3
    p = base.cam.get_relative_point(base.render, Point3(*map(float, world_point)))
    s = Point2()
    assert base.cam.node().get_lens().project(p, s)
    return int(round((1 - (s[1] + 1) / 2) * H)), int(round((s[0] + 1) / 2 * W))


def test_figures_cast_shadows(scene):
    stage, actors, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera(SPOT + (0, -0.5, 9.0), SPOT + (0, 0, 0), 40)
    actors.update([], 0.0)
    stage.update_shadow_map(actors.casters())
    empty = grab.grab().astype(float)
    actors.update([_actor("suhyeok", "student", SPOT)], 0.0)
    stage.update_shadow_map(actors.casters())   # as ScenePlayer.show does
    full = grab.grab().astype(float)
    sun = stage.presets["day"].sun_dir.astype(float)
    away = -sun[:2] / np.linalg.norm(sun[:2])
    # the ground 1.2 m from the feet, away from the sun: in the figure's shadow
    r, c = _pixel(stage.base, SPOT + (*(away * 1.2), 0.0))
    ground = (slice(r - 2, r + 3), slice(c - 2, c + 3))
    assert full[ground].mean() < 0.8 * empty[ground].mean(), (full[ground].mean(),
                                                              empty[ground].mean())
    # and not toward the sun
    r, c = _pixel(stage.base, SPOT + (*(-away * 1.2), 0.0))
    lit = (slice(r - 2, r + 3), slice(c - 2, c + 3))
    assert abs(full[lit].mean() - empty[lit].mean()) < 4
    actors.update([], 0.0)


def test_meshes_face_outward_with_matching_winding(cast):
    from sandbox.view.meshkit import box, loft
    for mesh in (box((0, 0, 0), (1, 2, 3), (9, 9, 9)),
                 loft([[0, 0, 0], [0, 0, 1], [0, 0, 2]], [0.3, 0.5, 0.2], [0.2, 0.4, 0.1],
                      (9, 9, 9), sides=7)):
        tri = mesh.v.reshape(-1, 3, 3)
        n = mesh.n[::3]
        cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
        assert np.all(np.einsum("ij,ij->i", cross, n) > 0)            # CCW from outside
        out = tri.mean(1) - mesh.v.mean(0)
        assert np.all(np.einsum("ij,ij->i", out, n) > 0)              # convex: outward
    tris = sum(len(m.v) // 3 for m in figures.figure_meshes(cast.characters["namra"]))
    assert 300 < tris < 2000
