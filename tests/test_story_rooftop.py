"""What the rooftop scene shows, measured on rendered frames (draft quality, 320x180).

One subprocess per Panda3D window: `_measure` renders the frames a test needs and prints
its numbers as JSON. Without OpenGL the subprocess fails and so do the tests."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCENES = Path(__file__).parent.parent / "scenes"
ROOFTOP = SCENES / "rooftop.toml"
ROOF_Z = 14.4            # roof slab height (m), DESIGN/anchors
PARAPET_TOP = 1.1        # parapet above the roof (m)
JUMP_T = 19.6            # rooftop.toml: Nam-ra leaps from the parapet
BACK_T = (14.5, 2.5)
HEAD = 1.6               # her head above her feet (m): what shows over the parapet     # rooftop.toml: "They're back." at t, for duration s

PRELUDE = """
    import json
    import numpy as np
    from pathlib import Path
    from panda3d.core import Point2, Point3
    from sandbox.render.movie import ScenePlayer
    from sandbox.timeline import load_scene

    def screen(player, p):
        '''World point (3,) -> pixel (x, y) of the last drawn frame, None behind the camera.'''
        cam = player.base.cam
        rel = cam.get_relative_point(player.base.render, Point3(*map(float, p)))
        ndc = Point2()
        if not cam.node().get_lens().project(rel, ndc):
            return None
        w, h = player.size
        return [(ndc.x + 1) * w / 2, (1 - ndc.y) * h / 2]

    def actor(player, t, name):
        return next(a for a in player.director.frame(t).spec.state.actors if a.name == name)
"""


def _measure(scene: Path, body: str) -> dict:
    code = textwrap.dedent(PRELUDE) + textwrap.dedent(f"""
        player = ScenePlayer(load_scene(Path({str(scene)!r})), (320, 180), "draft")
        out = {{}}
    """) + textwrap.dedent(body) + "\nprint(json.dumps(out))\n"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def rooftop():
    """Fire, jump and caption numbers from one window on scenes/rooftop.toml."""
    return _measure(ROOFTOP, f"""
        from sandbox import world
        fire = world.anchors()["campfire"] + np.array([0, 0, 0.5])
        frames, refs = [], []
        for t in (3.0, 3.1, 3.2):
            img = player.draw(t).astype(float)
            x, y = map(int, screen(player, fire))
            box = img[y - 14:y + 14, x - 14:x + 14]                # the flames, 28x28 px
            frames.append(box)
            refs.append(img[y - 54:y - 26, x - 74:x - 46])          # lit roof beside them
            r, b = box[..., 0], box[..., 2]
            out.setdefault("fire_rgb", []).append(box.reshape(-1, 3).mean(0).tolist())
            out.setdefault("warm", []).append(float(((r > 180) & (r - b > 30)).mean()))
        out["flicker"] = [float(np.abs(a - b).mean()) for a, b in zip(frames, frames[1:])]
        out["still"] = [float(np.abs(a - b).mean()) for a, b in zip(refs, refs[1:])]
        out["frame_mean"] = float(img.mean())

        # Nam-ra against the parapet: world height and screen height, before and after.
        edge = world.anchors()["roof_edge"]
        for key, t in (("before", {JUMP_T} - 0.1), ("after", {JUMP_T} + 1.6)):
            player.draw(t)
            a = actor(player, t, "namra")
            parapet = np.array([a.pos[0], edge[1], {ROOF_Z + PARAPET_TOP}])
            out[key] = {{"z": float(a.pos[2]), "action": a.action,
                        "her_px": screen(player, a.pos + [0, 0, {HEAD}]), "parapet_px": screen(player, parapet)}}

        # The caption strip (bottom fifth), with and without the caption layer.
        t_on, dur = {BACK_T}
        for key, t in (("on", t_on + 1.0), ("off", t_on + dur + 0.6)):
            shown = player.draw(t).astype(float)
            player.captions.root.hide()
            hidden = player.draw(t).astype(float)
            player.captions.root.show()
            strip = (slice(144, 180), slice(40, 280))
            diff = np.abs(shown[strip] - hidden[strip]).sum(-1)
            texts = [c.text for c in player.director.frame(t).spec.state.captions]
            out["caption_" + key] = {{"changed": float((diff > 60).mean()), "texts": texts}}
    """)


def test_fire_is_warm_bright_and_flickers(rooftop):
    for (r, g, b), warm in zip(rooftop["fire_rgb"], rooftop["warm"]):
        assert r > b + 8, rooftop["fire_rgb"]               # warm on average (white-hot core)
        assert warm > 0.2, rooftop["warm"]                  # a good part bright orange-yellow
        assert (r + g + b) / 3 > 2 * rooftop["frame_mean"]  # brighter than the frame overall
    # 0.1 s apart the flames change far more than the lit roof beside them (the tripod
    # shot is still; there only the falling snow moves)
    for fire, still in zip(rooftop["flicker"], rooftop["still"]):
        assert fire > 4.0 and fire > 2 * still, (rooftop["flicker"], rooftop["still"])


def test_namra_above_the_edge_before_the_jump_and_below_after(rooftop):
    before, after = rooftop["before"], rooftop["after"]
    assert before["z"] > ROOF_Z + 0.5 and before["action"] in ("run", "stand")  # on the parapet
    assert after["z"] < ROOF_Z - 2 and after["action"] == "fall"
    # on screen (y grows downward): her head shows over the parapet before, sinks below after
    assert before["her_px"] is not None and after["her_px"] is not None
    assert before["her_px"][1] < before["parapet_px"][1], before
    assert after["her_px"][1] > after["parapet_px"][1] + 5, after
    for px in (before["her_px"], after["her_px"]):
        assert 0 <= px[0] < 320 and 0 <= px[1] < 180, px    # she is in the shot


def test_theyre_back_caption_shown_then_gone(rooftop):
    on, off = rooftop["caption_on"], rooftop["caption_off"]
    assert on["texts"] == ["They're back."] and on["changed"] > 0.01, on
    assert off["texts"] == [] and off["changed"] == 0.0, off


def test_night_is_darker_than_day(tmp_path):
    """The same rooftop shot with time_of_day = "day" is far brighter than the night one."""
    day = tmp_path / "rooftop_day.toml"
    day.write_text(ROOFTOP.read_text().replace('time_of_day = "night"', 'time_of_day = "day"'))
    lum = "out['lum'] = float((player.draw(3.0).astype(float) @ [0.2126, 0.7152, 0.0722]).mean())"
    night_lum = _measure(ROOFTOP, lum)["lum"]
    day_lum = _measure(day, lum)["lum"]
    assert day_lum > 1.5 * night_lum and day_lum - night_lum > 30, (night_lum, day_lum)
