"""The bombing (scenes/bombing.toml, which plays scenes/bombing_raid.toml first), checked
on rendered frames and on the crowd: the strikes flash, their fireballs are orange where
the bombs land, the aftermath's school is scorched, and the horde around a strike is
killed or thrown down. Frames render in a subprocess (one Panda3D window per process)
and fail, never skip, without OpenGL."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from sandbox.crowd.behaviour import STATES
from sandbox.director import BLAST_RADIUS, Director
from sandbox.timeline import load_scene

SCENES = Path(__file__).resolve().parents[1] / "scenes"
FILM, RAID = SCENES / "bombing.toml", SCENES / "bombing_raid.toml"
# (time s, ground point x, y m) of strikes in bombing_raid.toml: one behind the school seen
# from the hill, two on the lured horde in the closer shot of the field.
STRIKES = [(10.5, -10.0, 58.5), (17.0, 6.0, -5.0), (18.2, -12.0, 9.0)]
RAID_LENGTH = 22.0   # s: where the aftermath part begins in the film
SCHOOL_FACADE = [(-30.0, 40.0, 2.0), (30.0, 40.0, 12.0)]   # opposite corners, world m

RENDER = textwrap.dedent("""
    import dataclasses, json, sys
    import numpy as np
    from pathlib import Path
    from panda3d.core import Point2, Point3
    from sandbox.render.movie import ScenePlayer
    from sandbox.timeline import load_scene
    strikes, facade, raid_length = json.loads(sys.argv[2])
    player = ScenePlayer(load_scene(Path(sys.argv[1])), (320, 180), "draft")
    W, H = player.size

    def luminance(img):
        return img.astype(float) @ [0.2126, 0.7152, 0.0722]

    def on_screen(p):
        rel = player.base.cam.get_relative_point(player.base.render, Point3(*p))
        s = Point2()
        assert player.base.cam.node().get_lens().project(rel, s), p
        return (s[0] + 1) / 2 * W, (1 - s[1]) / 2 * H

    out = {"strikes": [], "school": {}}
    for t0, x, y in strikes:
        before = luminance(player.draw(t0 - 0.04)).mean()
        after = luminance(player.draw(t0 + 0.05)).mean()
        img = player.draw(t0 + 0.4).astype(float)   # the fireball at 0.4 s
        u, v = on_screen((x, y, 4.0))
        patch = img[int(v) - 6:int(v) + 7, int(u) - 6:int(u) + 7].reshape(-1, 3)
        out["strikes"].append({"t": t0, "before": before, "after": after,
                               "uv": [u, v], "rgb": patch.mean(0).tolist()})

    # The school's facade from the aftermath's first camera: burnt, the same frame
    # unburnt, and the intact school of the raid (before any strike) from that camera.
    burnt = player.director.frame(raid_length + 2.0)
    intact = player.director.frame(3.0)
    intact = dataclasses.replace(intact, spec=dataclasses.replace(intact.spec,
                                                                 camera=burnt.spec.camera))
    unburnt = dataclasses.replace(burnt, spec=dataclasses.replace(
        burnt.spec, state=dataclasses.replace(burnt.spec.state, burnt=0.0)))
    for name, frame in (("burnt", burnt), ("unburnt", unburnt), ("intact", intact)):
        player.show(frame)
        img = luminance(player.grabber.grab())
        (u0, v0), (u1, v1) = (on_screen(p) for p in facade)
        box = img[int(min(v0, v1)):int(max(v0, v1)), int(min(u0, u1)):int(max(u0, u1))]
        out["school"][name] = {"median": float(np.median(box)), "pixels": int(box.size)}
    print(json.dumps(out))
""")


def render_measures() -> dict:
    args = json.dumps([STRIKES, SCHOOL_FACADE, RAID_LENGTH])
    run = subprocess.run([sys.executable, "-c", RENDER, str(FILM), args],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_raid_is_the_first_part_of_the_film():
    """The strike times above are the raid's own and the film's (the raid plays first)."""
    assert load_scene(RAID).duration == RAID_LENGTH
    assert load_scene(FILM).duration > RAID_LENGTH


def test_strikes_flash_orange_and_the_aftermath_school_is_burnt():
    m = render_measures()
    for s in m["strikes"]:
        # The whole frame brightens the instant a bomb lands (a far one from the hill less).
        assert s["after"] > s["before"] + 3.0, s
        u, v = s["uv"]
        assert 6 <= u < 314 and 6 <= v < 174, s   # the bomb lands in view
        r, g, b = s["rgb"]
        assert r > 170 and r > b + 50 and r >= g, s   # an orange-white fireball, not grey
    # The two field strikes of the closer shot flash hard.
    assert all(s["after"] > 1.4 * s["before"] for s in m["strikes"][1:]), m["strikes"]
    school = m["school"]
    assert min(x["pixels"] for x in school.values()) > 400, school   # the facade fills a box
    assert school["burnt"]["median"] < 0.8 * school["unburnt"]["median"], school
    assert school["burnt"]["median"] < 0.8 * school["intact"]["median"], school


def test_strike_kills_or_knocks_down_the_horde_around_it():
    """Agents alive within a field strike's blast radius just before it are dead or
    knocked down just after; the lure brought a crowd there to hit."""
    director = Director(load_scene(RAID))
    dead, knocked = STATES.index("dead"), STATES.index("knocked")
    radius = BLAST_RADIUS.default * 1.5 ** (1 / 3)   # the field strikes' yield in the raid
    for t0, x, y in STRIKES[1:]:
        director.horde_at(t0 - 0.05)
        crowd = director.crowd
        near = np.hypot(*(crowd.positions(np.float64) - [x, y]).T) < radius - 0.5
        alive = crowd.states() != dead
        director.horde_at(t0 + 0.1)
        after = director.crowd.states()
        hit = near & alive
        assert hit.sum() > 50, (t0, int(hit.sum()))
        assert np.isin(after[hit], [dead, knocked]).all(), (t0, np.bincount(after[hit]))
        assert (after[hit] == dead).sum() > 10, (t0, np.bincount(after[hit]))
