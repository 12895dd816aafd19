"""Scene files and the camera timeline: parsing, errors, seekable evaluation."""

import random

import numpy as np
import pytest

from sandbox.config import ConfigError
from sandbox.timeline import Sequence, load_scene
from sandbox.timeline.curves import catmull_rom, ease, sample_path

ANCHORS = {"gate": np.array([0.0, -50.0, 0.0]), "school": np.array([0.0, 40.0, 15.0])}

SCENE = """
[scene]
title = "test"
duration = 10
seed = 3
time_of_day = "night"

[[shot]]
name = "crane"
start = 0
[[shot.key]]
t = 0
pos = { anchor = "gate", offset = [0, -20, 10] }
look_at = "school"
[[shot.key]]
t = 4
pos = [10, -30, 30]
look_at = "school"
fov = 40
ease = "linear"
[[shot.key]]
t = 6
pos = [20, -10, 40]
look_at = [0, 0, 0]

[[shot]]
name = "cut"
start = 6.5
[[shot.key]]
t = 0
pos = [-50, 0, 5]
look_at = "gate"
"""


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_scene_parses_and_resolves_anchors(tmp_path):
    scene = load_scene(write(tmp_path, SCENE))
    assert scene.time_of_day == "night" and scene.duration == 10.0 and scene.seed == 3
    seq = Sequence(scene, ANCHORS)
    start = seq.evaluate(0.0).camera
    np.testing.assert_allclose(start.pos, [0, -70, 10])
    np.testing.assert_allclose(start.look_at, ANCHORS["school"])
    assert seq.evaluate(6.49).shot == "crane" and seq.evaluate(6.5).shot == "cut"
    np.testing.assert_allclose(seq.evaluate(8.0).camera.pos, [-50, 0, 5])  # single key holds


def test_spline_passes_through_keys_and_is_smooth(tmp_path):
    seq = Sequence(load_scene(write(tmp_path, SCENE)), ANCHORS)
    np.testing.assert_allclose(seq.evaluate(4.0).camera.pos, [10, -30, 30], atol=1e-9)
    assert seq.evaluate(4.0).camera.fov == pytest.approx(40)
    # no jumps: consecutive samples 1/240 s apart move less than 0.5 m
    ts = np.arange(0, 6.0, 1 / 240)
    pts = np.array([seq.evaluate(t).camera.pos for t in ts])
    assert np.max(np.linalg.norm(np.diff(pts, axis=0), axis=1)) < 0.5


def test_evaluate_is_pure_in_any_order(tmp_path):
    seq = Sequence(load_scene(write(tmp_path, SCENE)), ANCHORS)
    ts = [i / 24 for i in range(240)]
    forward = [seq.evaluate(t).camera.pos for t in ts]
    shuffled = ts[:]
    random.Random(1).shuffle(shuffled)
    again = dict(zip(shuffled, (seq.evaluate(t).camera.pos for t in shuffled)))
    for t, pos in zip(ts, forward):
        assert np.array_equal(again[t], pos)


def test_easing_and_catmull_rom_basics():
    assert ease("ease_in_out", 0.0) == 0.0 and ease("ease_in_out", 1.0) == 1.0
    assert ease("ease_in", 0.5) < 0.5 < ease("ease_out", 0.5)
    p = [np.array([i, 0.0, 0.0]) for i in range(4)]
    np.testing.assert_allclose(catmull_rom(*p, 0.0), p[1])
    np.testing.assert_allclose(catmull_rom(*p, 1.0), p[2])
    np.testing.assert_allclose(sample_path([0, 1], [[0.0], [2.0]], 0.5, ["linear"]), [1.0])


@pytest.mark.parametrize("edit, expected", [
    (("time_of_day = \"night\"", "time_of_day = \"noon\""), "scene.time_of_day: 'noon'"),
    (("duration = 10", "duration = \"long\""), "scene.duration: 'long' is not"),
    (("fov = 40", "fov = 400"), "shot[0].key[1].fov: 400 is not allowed"),
    (("t = 4", "t = 7"), "shot[0].key[2].t: key times [0.0, 7.0, 6.0] must strictly increase"),
    (("ease = \"linear\"", "ease = \"bouncy\""), "shot[0].key[1].ease: 'bouncy'"),
    (("pos = [10, -30, 30]", "pos = [10, -30]"), "shot[0].key[1].pos: [10, -30] is not allowed (expected three"),
    (("seed = 3", "seed = 3\nsped = 2"), "scene.sped: unknown key"),
    (("start = 6.5", "start = 12"), "shot[1].start: 12.0 is past the end"),
])
def test_errors_name_file_key_and_value(tmp_path, edit, expected):
    path = write(tmp_path, SCENE.replace(*edit))
    with pytest.raises(ConfigError) as err:
        load_scene(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_unknown_anchor_and_bad_toml(tmp_path):
    path = write(tmp_path, SCENE.replace('look_at = "gate"', 'look_at = "gaet"'))
    with pytest.raises(ConfigError, match="unknown anchor 'gaet'"):
        Sequence(load_scene(path), ANCHORS)
    path = write(tmp_path, SCENE.replace("[scene]", "[scene"))
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 2"):
        load_scene(path)
    with pytest.raises(ConfigError, match="no such scene file"):
        load_scene(tmp_path / "missing.toml")
