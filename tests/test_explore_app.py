"""The explorer on an offscreen window, driven by injected input events (the
messenger events Panda3D's button thrower sends for keys and mouse buttons, and the
mouse pointer set by hand). One ShowBase per process: a module fixture runs the whole
drive once in a subprocess and the tests check what it recorded."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

SCENES = Path(__file__).parent / "scenes"
W, H = 480, 270

DRIVE = r'''
import json, sys
from pathlib import Path
import numpy as np
from sandbox.crowd import load_preset
from sandbox.director import Director
from sandbox.timeline import load_scene
from sandbox.explore.app import Explorer

work = Path(sys.argv[1])
scene = load_scene(work / "example_rooftop.toml")
(work / "example_rooftop.bookmarks.json").write_text("{ this is not json")
ex = Explorer(scene, (W, H), headless=True, out_dir=work / "out", presets_dir=work / "presets")
send, s, out = ex.base.messenger.send, ex.session, {}
step = ex.step
step(); step()
out["start_mode"] = s.mode
out["corrupt_message"] = ex.hud.message.get_text()

def hold(key, frames, dt=0.1):
    send(key)
    for _ in range(frames):
        step(dt)
    send(key + "-up")

# fly: W for 1 s at 12 m/s moves 12 m along the view; Shift makes it 4x; E rises
s.transport.playing = False
p0, fwd = s.camera.pos.copy(), s.camera.basis()[0]
hold("w", 10)
out["fly_w"] = [float(np.dot(s.camera.pos - p0, fwd)), float(np.linalg.norm(s.camera.pos - p0))]
out["mode_after_fly"] = s.mode
send("shift"); p0 = s.camera.pos.copy(); hold("s", 5); send("shift-up")
out["fly_shift_s"] = float(np.dot(s.camera.pos - p0, fwd))
p0 = s.camera.pos.copy(); hold("e", 5)
out["fly_e"] = (s.camera.pos - p0).tolist()
# mouse look with the right button held: pointer right by 0.2 turns right by 18 degrees
h0 = s.camera.heading
ex.pointer_override = (0.0, 0.0); send("mouse3"); step()
ex.pointer_override = (0.2, 0.0); step(); send("mouse3-up"); step()
out["look_dheading"] = s.camera.heading - h0
ex.pointer_override = None
# bookmark: Ctrl+1 stores (replacing the corrupt file), fly away, 1 recalls
pose = s.camera.pose()
send("control"); send("1"); send("control-up"); step()
hold("d", 5)
moved = s.camera.pose()
send("1"); step()
out["bookmark"] = {"stored": pose, "away": moved, "recalled": s.camera.pose(),
                   "file": json.loads((work / "example_rooftop.bookmarks.json").read_text()),
                   "aside": (work / "example_rooftop.bookmarks.json.corrupt").exists()}
# C goes back to the shot camera
send("c"); step()
out["mode_after_c"] = s.mode
# click a figure in the middle of the view: selected; G follows it as it moves
h = s.last.horde
s.free().frame(np.array([*h.positions[5], h.z[5] + 1.0]), 6.0)
step(0.0)
ex.pointer_override = (0.0, 0.0); send("mouse1"); send("mouse1-up")
ex.pointer_override = None
out["selected"] = s.selection.kind if s.selection else None
send("g"); step(0.0)
target0, cam0 = s.target_point(s.last), s.camera.pos.copy()
s.transport.playing = True
for _ in range(10):
    step(0.1)
s.transport.playing = False
out["follow"] = [(s.target_point(s.last) - target0).tolist(), (s.camera.pos - cam0).tolist()]
# Alt + left drag orbits round the selection: same distance, still looking at it
target = s.target_point(s.last)
d0 = float(np.linalg.norm(s.camera.pos - target))
send("alt"); ex.pointer_override = (0.0, 0.0); send("mouse1"); step(0.0)
ex.pointer_override = (0.3, 0.1); step(0.0)
send("mouse1-up"); send("alt-up"); ex.pointer_override = None
out["orbit"] = [d0, float(np.linalg.norm(s.camera.pos - target)),
                float(np.linalg.norm(s.camera.look_point(d0) - target)),
                s.selection.kind if s.selection else None]
send("escape"); step(0.0)
out["following_after_escape"] = s.following
# transport keys
s.transport.seek(3.0); s.transport.playing = True
send("space"); out["playing_after_space"] = s.transport.playing
send("."); step(); out["t_after_step"] = s.transport.t
send("]"); step(); out["t_after_next_event"] = s.transport.t
send("["); step(); out["t_after_prev_event"] = s.transport.t
send("="); send("="); out["speed"] = s.transport.speed
# scrub on the timeline bar to 12 s: the crowd equals a fresh director played to 12 s
ex.timebar.slider["value"] = 12.0; step(0.0)
out["t_after_scrub"] = s.transport.t
ref = Director(scene)
t = 0.0
while t < 12.0 - 1e-9:
    t = min(12.0, t + 1 / 24)
    ref.horde_at(t)
out["scrub_digest"] = [s.director.crowd.state_digest(), ref.crowd.state_digest()]
# a drag backwards replays once the thumb rests
import time
ex.timebar.slider["value"] = 6.0; step(0.0)
out["t_while_dragging_back"] = s.transport.t
time.sleep(0.3); step(0.0); step(0.0)
out["t_after_rest"] = s.transport.t
ref = Director(scene)
ref.horde_at(6.0)
out["back_digest"] = [s.director.crowd.state_digest(), ref.crowd.state_digest()]
# the max_speed slider: agents slow to it
send("tab"); step(0.0)
panel = ex.panel
panel.show_group("steering")
panel.sliders["max_speed"]["value"] = 1.0
s.transport.playing = True
step(0.0)
out["max_speed_param"] = s.tuning.value("max_speed")
for _ in range(20):
    step(0.1)
out["top_speed_after"] = float(np.linalg.norm(s.director.crowd.velocities(), axis=1).max())
# save preset, then a read-only target: a message, and it keeps running
(work / "presets").mkdir()
panel.entry.enterText("explored"); panel._save(); step()
saved = work / "presets" / "explored.toml"
out["saved_max_speed"] = load_preset(saved)["max_speed"]
saved.chmod(0o444)
panel._save(); step()
out["readonly_message"] = ex.hud.message.get_text()
send("tab")
# overlays, screenshots and a recording
s.transport.playing = False
step(); send("f12"); step()
out["plain_png"] = s.message.split(" ", 1)[1]
send("f4"); send("f5"); send("f2"); step(); step(); send("f12"); step()
out["overlay_png"] = s.message.split(" ", 1)[1]
send("f1"); step(); send("f12"); step()
out["help_png"] = s.message.split(" ", 1)[1]
send("f1"); s.transport.playing = True
send("f9")
for _ in range(6):
    step(0.2)
send("f9"); step()
out["record_message"] = s.message
out["t_after_record"] = s.transport.t
print("RESULT " + json.dumps(out))
'''


@pytest.fixture(scope="module")
def drive(tmp_path_factory):
    work = tmp_path_factory.mktemp("explore")
    shutil.copy(SCENES / "example_rooftop.toml", work)
    code = f"W, H = {W}, {H}\n" + DRIVE
    run = subprocess.run([sys.executable, "-c", code, str(work)], capture_output=True,
                         text=True, timeout=600)
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(lines[-1][7:]), work


def test_starts_on_the_shot_camera_and_says_the_bookmarks_are_corrupt(drive):
    out, _ = drive
    assert out["start_mode"] == "shot"
    assert "corrupt bookmarks" in out["corrupt_message"]


def test_keys_fly_the_camera_the_expected_way(drive):
    out, _ = drive
    along, dist = out["fly_w"]
    assert out["mode_after_fly"] == "free"
    assert along == pytest.approx(12.0, rel=1e-6) and dist == pytest.approx(12.0, rel=1e-6)
    assert out["fly_shift_s"] == pytest.approx(-0.5 * 12.0 * 4, rel=1e-6)   # back, 4x
    assert out["fly_e"] == pytest.approx([0.0, 0.0, 6.0], abs=1e-6)
    assert out["look_dheading"] == pytest.approx(-18.0, abs=1e-6)
    assert out["mode_after_c"] == "shot"


def test_click_selects_and_g_follows(drive):
    out, _ = drive
    assert out["selected"] in ("agent", "character")
    moved, carried = out["follow"]
    assert np.linalg.norm(moved) > 0.5                       # the figure walked
    assert carried == pytest.approx(moved, abs=1e-6)         # the camera came along
    d0, d1, miss, still = out["orbit"]
    assert d1 == pytest.approx(d0, rel=1e-9) and miss < 1e-6 * d0   # orbit, not a click
    assert still == out["selected"]
    assert out["following_after_escape"] is False


def test_bookmark_round_trip_replaces_the_corrupt_file(drive):
    b = drive[0]["bookmark"]
    assert b["away"]["pos"] != b["stored"]["pos"]
    assert b["recalled"] == b["stored"]                    # JSON floats round-trip exactly
    assert b["file"]["bookmarks"]["1"] == b["stored"]
    assert b["aside"]


def test_transport_keys(drive):
    out, _ = drive
    assert out["playing_after_space"] is False
    assert out["t_after_step"] == pytest.approx(3.0 + 1 / 30)
    assert out["t_after_next_event"] > out["t_after_step"]
    assert out["t_after_prev_event"] < out["t_after_next_event"]
    assert out["speed"] == 4.0


def test_scrub_on_the_bar_equals_playing(drive):
    out, _ = drive
    assert out["t_after_scrub"] == 12.0
    a, b = out["scrub_digest"]
    assert a == b
    assert out["t_while_dragging_back"] == 12.0 and out["t_after_rest"] == 6.0
    a, b = out["back_digest"]
    assert a == b


def test_slider_changes_the_crowd_and_preset_saves(drive):
    out, _ = drive
    assert out["max_speed_param"] == pytest.approx(1.0)
    assert out["top_speed_after"] <= 1.0 + 1e-6
    assert out["saved_max_speed"] == pytest.approx(1.0)
    assert "read-only: preset not saved" in out["readonly_message"]


def _img(path):
    return np.asarray(Image.open(path).convert("RGB"), np.int16)


def test_screenshots_show_scene_hud_overlays_and_help(drive):
    out, work = drive
    plain, overlay, helped = (_img(out[k]) for k in ("plain_png", "overlay_png", "help_png"))
    assert plain.shape == (H, W, 3)
    assert plain.std() > 10                                # not blank
    hud = plain[: H // 5, : W // 3].mean(axis=2)
    assert (hud > 200).mean() > 0.01                       # HUD text, top left
    assert np.abs(overlay - plain).mean() > 2              # the overlays drew
    centre = (slice(H // 4, 3 * H // 4), slice(W // 4, 3 * W // 4))
    assert helped[centre].mean() < plain[centre].mean()    # the dark help sheet


def test_record_writes_an_mp4_at_fixed_rate(drive):
    from sandbox.render.video import probe
    out, _ = drive
    assert out["record_message"].startswith("recorded ")
    path = out["record_message"].rsplit(" to ", 1)[1]
    info = probe(path)
    assert info["frames"] >= 5
    assert info["width"] == W and info["height"] == H
