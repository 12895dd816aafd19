"""The explorer's logic without a window: camera maths, transport, bookmarks, tuning,
the key table, and a Session on a real Director (scrubbing replays deterministically,
a slider changes the crowd). Also the CLI's answers to a bad scene."""

import math
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sandbox.config import ConfigError
from sandbox.crowd import PARAMS, load_preset
from sandbox.explore import bindings
from sandbox.explore.bookmarks import Bookmarks
from sandbox.explore.camera import FAST_FACTOR, FlyCamera, pick, project
from sandbox.explore.transport import SPEEDS, Marker, Transport
from sandbox.explore.tuning import Tuning, groups
from sandbox.timeline import load_scene

SCENES = Path(__file__).parent / "scenes"


# -- camera -----------------------------------------------------------------------
def test_fly_follows_the_view_and_world_up():
    cam = FlyCamera(np.zeros(3), heading=0.0, pitch=0.0)
    cam.fly((0, 1, 0), dt=0.5)                      # W at heading 0: north (+Y)
    assert np.allclose(cam.pos, [0, 0.5 * cam.speed, 0])
    cam = FlyCamera(np.zeros(3), heading=90.0, pitch=0.0)
    cam.fly((0, 1, 0), dt=1.0)                      # heading 90: west (-X)
    assert np.allclose(cam.pos, [-cam.speed, 0, 0])
    cam = FlyCamera(np.zeros(3), heading=0.0, pitch=-30.0)
    cam.fly((1, 0, 0), dt=1.0)                      # D: right (+X), level
    assert np.allclose(cam.pos, [cam.speed, 0, 0])
    cam = FlyCamera(np.zeros(3), heading=0.0, pitch=-30.0)
    cam.fly((0, 0, 1), dt=1.0, fast=True)           # E with Shift: straight up, faster
    assert np.allclose(cam.pos, [0, 0, cam.speed * FAST_FACTOR])
    cam = FlyCamera(np.zeros(3), heading=0.0, pitch=-30.0)
    cam.fly((0, 1, 0), dt=1.0)                      # forward follows the pitch down
    assert cam.pos[2] < 0 and math.isclose(np.linalg.norm(cam.pos), cam.speed)


def test_wheel_look_orbit_and_frame():
    cam = FlyCamera(np.array([0.0, -20.0, 5.0]))
    cam.wheel(2)
    assert math.isclose(cam.speed, 12.0 * 1.25 ** 2)
    cam.wheel(-100)
    assert cam.speed == 0.5                          # clamped
    cam.look(0.5, 0.0)                               # mouse right: turn right (heading down)
    assert math.isclose(cam.heading, -45.0)
    cam.look(0.0, 5.0)
    assert cam.pitch == 89.0                         # never past straight up
    pivot = np.array([0.0, 0.0, 0.0])
    cam = FlyCamera.looking_at([0, -20, 0], pivot)
    cam.orbit(pivot, 0.3, 0.1)
    assert math.isclose(np.linalg.norm(cam.pos - pivot), 20.0)
    assert np.allclose(cam.look_point(20.0), pivot, atol=1e-9)
    cam.frame(np.array([5.0, 5.0, 1.0]), size=2.0)
    xy, depth = project([[5.0, 5.0, 1.0]], cam.pos, cam.look_point(), cam.fov, 16 / 9)
    assert np.allclose(xy, 0.0, atol=1e-9) and depth[0] > 0


def test_pick_nearest_on_screen_in_front():
    pos, look = np.array([0.0, -10.0, 1.0]), np.array([0.0, 0.0, 1.0])
    pts = np.array([[0.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.0, -20.0, 1.0]])  # ahead, right, behind
    assert pick(pts, (0.0, 0.0), pos, look, 50.0, 16 / 9) == 0
    x = project(pts[1:2], pos, look, 50.0, 16 / 9)[0][0]
    assert pick(pts, tuple(x), pos, look, 50.0, 16 / 9) == 1
    assert pick(pts, (0.9, -0.9), pos, look, 50.0, 16 / 9) is None


# -- transport --------------------------------------------------------------------
def test_transport_speed_steps_events_and_end():
    marks = (Marker(0.0, "shot", "a"), Marker(2.0, "event", "sound"), Marker(5.0, "event", "strike"))
    tr = Transport(6.0, marks)
    tr.advance(1.0)
    assert tr.t == 1.0
    tr.slower()
    tr.advance(1.0)
    assert tr.t == 1.5 and tr.speed == 0.5
    for _ in range(10):
        tr.faster()
    assert tr.speed == SPEEDS[-1] == 4.0
    assert tr.next_event().t == 2.0 and tr.t == 2.0
    assert tr.next_event().t == 5.0
    assert tr.next_event() is None and tr.t == 5.0
    assert tr.prev_event().t == 2.0
    tr.step(3)
    assert not tr.playing and math.isclose(tr.t, 2.1)
    tr.toggle()
    tr.advance(100.0)
    assert tr.t == 6.0 and not tr.playing           # stops at the end
    tr.toggle()
    assert tr.t == 0.0 and tr.playing               # play from the end starts again
    assert tr.shot_at(3.0).label == "a"


# -- bookmarks --------------------------------------------------------------------
POSE = {"pos": [1.0, 2.0, 3.0], "heading": 30.0, "pitch": -10.0, "fov": 45.0}


def test_bookmarks_round_trip(tmp_path):
    path = tmp_path / "s.bookmarks.json"
    marks = Bookmarks(path)
    assert marks.slots == {} and marks.message is None
    assert marks.store("3", POSE)
    assert Bookmarks(path).recall("3") == POSE
    assert Bookmarks(path).recall("4") is None


@pytest.mark.parametrize("text", ["{not json", '{"bookmarks": {"1": {"pos": [1, 2]}}}',
                                  '{"bookmarks": {"12": {}}}', "[]",
                                  '{"bookmarks": {"1": {"pos": [1, 2, 3], "heading": "x", '
                                  '"pitch": 0, "fov": 50}}}'])
def test_corrupt_bookmarks_say_so_and_are_moved_aside(tmp_path, text):
    path = tmp_path / "s.bookmarks.json"
    path.write_text(text)
    marks = Bookmarks(path)
    assert marks.slots == {}
    assert "corrupt bookmarks" in marks.message and path.name in marks.message
    assert marks.store("1", POSE)
    assert (tmp_path / "s.bookmarks.json.corrupt").read_text() == text
    assert Bookmarks(path).recall("1") == POSE


def test_bookmark_write_failure_keeps_the_slot(tmp_path):
    marks = Bookmarks(tmp_path / "missing-dir" / "s.bookmarks.json")
    assert not marks.store("2", POSE)
    assert "cannot write" in marks.message
    assert marks.recall("2") == POSE


# -- tuning -----------------------------------------------------------------------
def test_groups_cover_every_parameter_once():
    names = [p.name for ps in groups().values() for p in ps]
    assert sorted(names) == sorted(p.name for p in PARAMS)


def test_tuning_set_reset_save_round_trip(tmp_path):
    params = load_preset(Path("scenes/crowd/hyosan_horde.toml"))
    tuning = Tuning(tmp_path)
    tuning.bind(params, "hyosan_horde")
    assert tuning.set("max_speed", 2.5) is False
    assert tuning.set("wall_cost", 7.0) is True        # a rebuild parameter
    with pytest.raises(ConfigError, match="max_speed = 99.0 is out of range"):
        tuning.set("max_speed", 99.0)
    with pytest.raises(ConfigError, match="wander_time_min"):
        tuning.set("wander_time_min", 100.0)           # above wander_time_max
    assert params["max_speed"] == 2.5 and params["wander_time_min"] != 100.0
    path = tuning.save()
    assert path == tmp_path / "hyosan_horde_tuned.toml"
    again = load_preset(path)
    assert again.values == params.values
    assert tuning.reset() == ["wall_cost"]
    assert params.values == load_preset(Path("scenes/crowd/hyosan_horde.toml")).values
    with pytest.raises(ConfigError, match="preset name"):
        tuning.save("../escape")


def test_saving_over_a_read_only_preset_is_refused(tmp_path):
    params = load_preset(Path("scenes/crowd/hyosan_horde.toml"))
    tuning = Tuning(tmp_path)
    tuning.bind(params, "hyosan_horde")
    target = tmp_path / "locked.toml"
    target.write_text("# someone's preset\n")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    with pytest.raises(ConfigError, match="read-only: preset not saved"):
        tuning.save("locked")
    assert target.read_text() == "# someone's preset\n"


# -- the key table ----------------------------------------------------------------
def test_help_lists_every_binding_and_every_action_exists():
    from sandbox.explore.app import Explorer
    from sandbox.explore.hud import Hud
    text = Hud.help_text()
    for b in bindings.BINDINGS:
        assert b.label in text and b.help in text
        if b.action:
            assert callable(getattr(Explorer, b.action)), b.action
    seen = set()
    for b in bindings.BINDINGS:
        for key in b.keys if b.action else ():
            assert (key, b.mod) not in seen, f"{key} bound twice"
            seen.add((key, b.mod))
    assert bindings.binding_for("1", control=True, alt=False).action == "store_bookmark"
    assert bindings.binding_for("1", control=False, alt=False).action == "recall_bookmark"
    assert bindings.binding_for("mouse1", control=False, alt=True).action == "begin_orbit"
    assert bindings.binding_for("f", control=False, alt=True).action == "frame"


# -- a session on the real director -----------------------------------------------
@pytest.fixture
def gate_scene(tmp_path):
    path = tmp_path / "gate_view.toml"
    shutil.copy(SCENES / "gate_view.toml", path)
    return load_scene(path)


def test_session_is_pure():
    code = ("import sys, sandbox.explore.session; "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('panda3d', 'direct')); "
            "assert not loaded, loaded")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_scrubbing_to_t_equals_playing_to_t(gate_scene, tmp_path):
    from sandbox.explore.session import Session
    played = Session(gate_scene, tmp_path)
    while played.transport.t < 1.5 - 1e-9:
        played.transport.advance(1 / 32)     # exact in binary: lands on 1.5
        played.frame()
    scrubbed = Session(gate_scene, tmp_path)
    for t in (1.9, 0.3, 1.8, 1.5):                    # forward, back, forward, back
        scrubbed.transport.seek(t)
        scrubbed.frame()
    assert played.transport.t == scrubbed.transport.t == 1.5
    a, b = played.director.crowd, scrubbed.director.crowd
    assert a.steps == b.steps == 45
    assert a.state_digest() == b.state_digest()
    assert np.array_equal(played.last.horde.positions, scrubbed.last.horde.positions)


def test_max_speed_slider_slows_the_crowd(gate_scene, tmp_path):
    from sandbox.explore.session import Session

    def top_speed(max_speed):
        s = Session(gate_scene, tmp_path)
        s.frame()
        if max_speed is not None:
            assert s.set_param("max_speed", max_speed)
        s.transport.seek(1.5)
        s.frame()
        return float(np.linalg.norm(s.director.crowd.velocities(), axis=1).max())

    assert top_speed(None) > 2.5
    assert top_speed(1.0) <= 1.0 + 1e-6


def test_rebuild_parameter_replays_and_reset_restores(gate_scene, tmp_path):
    from sandbox.explore.session import Session
    s = Session(gate_scene, tmp_path)
    s.transport.seek(1.0)
    s.frame()
    first, before = s.director.crowd, s.director.crowd.state_digest()
    assert s.set_param("wall_cost", 20.0)
    assert "rebuild" in s.message
    s.frame()
    crowd = s.director.crowd
    assert crowd is not first and crowd.steps == 30      # replayed from the part's start
    assert crowd.flow_field.wall_cost == 20.0
    s.reset_params()
    s.frame()
    assert s.director.crowd.flow_field.wall_cost == first.flow_field.wall_cost
    assert s.director.crowd.state_digest() == before   # same values, same replay
    assert not s.set_param("max_speed", 500.0) and "out of range" in s.message


# -- the command line ---------------------------------------------------------------
def _hyosan(*args):
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True,
                          text=True, timeout=120)


def test_bad_scene_is_one_line_exit_2_like_render(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scene]\ntitle = "x"\nduration = -1\nseed = 1\ntime_of_day = "day"\n')
    for scene in ("no_such_scene", str(bad)):
        explore, render = _hyosan("explore", scene), _hyosan("render", scene, "--bench")
        assert explore.returncode == render.returncode == 2
        assert explore.stderr == render.stderr
        assert explore.stderr.count("\n") == 1 and "Traceback" not in explore.stderr


def test_headless_needs_bench():
    run = _hyosan("explore", "--headless")
    assert run.returncode == 2 and "--headless goes with --bench" in run.stderr


def test_at_outside_the_scene_is_refused():
    run = _hyosan("explore", str(SCENES / "gate_view.toml"), "--at", "5")
    assert run.returncode == 2 and "--at 5 is outside" in run.stderr and "0 to 2 s" in run.stderr
