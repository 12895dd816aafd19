"""What the aborted rescue and the escape show, measured on rendered frames.

Each scene renders in its own process (one Panda3D window per process). A beat is checked
by drawing the same instant twice, once as the story has it and once with one thing taken
out (the helicopter, the caption, the horde), so any difference is that thing on screen.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

SCENES = Path(__file__).resolve().parents[1] / "scenes"
SIZE = (320, 180)

# Shared by both scripts: draw a scene instant as it is, or with parts of its state removed.
PRELUDE = """
import dataclasses, json
import numpy as np
from pathlib import Path
from panda3d.core import Point3, Point2
from sandbox.director import Frame
from sandbox.render.movie import ScenePlayer
from sandbox.timeline import load_scene

player = ScenePlayer(load_scene(Path({path!r})), {size!r}, "draft")

def draw(t, **state_changes):
    frame = player.director.frame(t)
    if state_changes:
        state = dataclasses.replace(frame.spec.state, **state_changes)
        frame = Frame(dataclasses.replace(frame.spec, state=state), frame.horde)
    player.show(frame)
    return player.grabber.grab().astype(np.int32), frame

def screen(p):
    '''Pixel (col, row) of world point p (3,) in the last drawn frame, or None off screen.'''
    rel = player.base.cam.get_relative_point(player.base.render, Point3(*map(float, p)))
    uv = Point2()
    if not player.base.cam.node().get_lens().project(rel, uv):
        return None
    w, h = {size!r}
    return [float((uv.x + 1) / 2 * w), float((1 - uv.y) / 2 * h)]

CAPTION_ROWS = slice(int(0.80 * {size!r}[1]), {size!r}[1])  # where subtitles sit

def changed(a, b, rows=slice(None), cols=slice(None)):
    '''Fraction of pixels in the window that differ noticeably (sum of |dRGB| > 30).'''
    return float((np.abs(a[rows, cols] - b[rows, cols]).sum(-1) > 30).mean())
"""


def run_script(scene: str, body: str) -> dict:
    code = PRELUDE.format(path=str(SCENES / scene), size=SIZE) + textwrap.dedent(body)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


RESCUE = """
out = {}
# 1. hovering beside the roof (shot 2, looking up): the helicopter is what is at its pixel
with_heli, frame = draw(14.0)
heli = [a for a in frame.spec.state.actors if a.kind == "helicopter"]
out["heli_action"] = heli[0].action
col, row = out["heli_px"] = screen(heli[0].pos)
without, _ = draw(14.0, actors=tuple(a for a in frame.spec.state.actors if a.kind != "helicopter"))
c, r = int(col), int(row)
win = (slice(max(r - 6, 0), r + 7), slice(max(c - 6, 0), c + 7))
out["heli_changed"] = changed(with_heli, without, *win)
out["heli_luma"] = float(with_heli[win].mean())
out["sky_luma"] = float(without[win].mean())
# 2. Su-hyeok's caption (9 .. 12.5 s): on screen inside its time, nothing left after it
for t in (10.5, 12.8):
    shown, _ = draw(t)
    bare, _ = draw(t, captions=())
    out[f"caption_{t}"] = changed(shown, bare, CAPTION_ROWS)
# 3. broad daylight: the opening wide, against the same instant lit as night
day, _ = draw(4.0)
night, _ = draw(4.0, time_of_day="night", light_blend=("night", "night", 0.0))
out["day_luma"], out["night_luma"] = float(day.mean()), float(night.mean())
print(json.dumps(out))
"""


def test_rescue_helicopter_caption_daylight():
    out = run_script("aborted_rescue.toml", RESCUE)
    assert out["heli_action"] == "hover"
    col, row = out["heli_px"]
    assert 0 <= col < SIZE[0] and 0 <= row < SIZE[1]
    assert out["heli_changed"] > 0.3                    # the helicopter covers its own pixel
    assert out["heli_luma"] < out["sky_luma"] - 20      # dark against the bright sky
    assert out["caption_10.5"] > 0.005                  # the subtitle's letters
    assert out["caption_12.8"] == 0.0                   # gone once its time is over
    assert out["day_luma"] > 1.8 * out["night_luma"]


ESCAPE = """
out = {}
d = player.director
def students(t):
    return np.array([a.pos[:2] for a in d.frame(t).spec.state.actors if a.kind == "student"])
# 1. the chase: the zombies that can see the students as they come out of the door
def gaps(t, who):
    xy = d.horde_at(t).positions[who]
    return np.linalg.norm(xy[:, None] - students(t)[None], axis=2).min(1)
emerge = 7.0
seeing = gaps(emerge, slice(None)) < d.crowd.params["sight_range"]
out["seeing"] = int(seeing.sum())
out["gaps"] = [float(gaps(t, seeing).mean()) for t in (emerge, 8.0, 9.0)]
# 2. the loudspeaker (0.5 .. 5.5 s): on screen while it speaks, gone when they run
for t in (3.0, 6.0):
    shown, frame = draw(t)
    bare, _ = draw(t, captions=())
    out[f"caption_{t}"] = changed(shown, bare, CAPTION_ROWS)
    out[f"speaker_{t}"] = [c.speaker for c in frame.spec.state.captions]
# 3. the low shot at the forest edge, aimed at the horde's front: the horde is in the picture
shown, frame = draw(16.5)
out["shot"] = frame.spec.shot
player.horde.np.hide()
bare, _ = draw(16.5)
out["horde_changed"] = changed(shown, bare)
print(json.dumps(out))
"""


def test_escape_horde_chases_and_is_seen():
    out = run_script("escape.toml", ESCAPE)
    assert out["seeing"] > 100
    gaps = np.array(out["gaps"])
    assert np.all(np.diff(gaps) < 0), gaps          # those who see them close in …
    assert gaps[-1] < 0.75 * gaps[0], gaps          # … a third of the gap in two seconds
    assert out["caption_3.0"] > 0.005 and out["speaker_3.0"] == ["Loudspeaker"]
    assert out["caption_6.0"] == 0.0 and out["speaker_6.0"] == []
    assert out["shot"] == "low at the forest edge: the horde behind them"
    assert out["horde_changed"] > 0.03                 # the horde fills part of the frame
