"""Presets on several levels: [setup] level = [...], points with their level, barricades,
and reach / flows measured on each place's own level."""

import numpy as np
import pytest

from sandbox.cli import main
from sandbox.crowd.setup import load_setup
from sandbox.tuning.runner import RunSpec, run, world_resolver
from sandbox.world import blueprint as bp

DOOR = "[[setup.barricade]]\nline = [[-35.05, 48.8], [-35.05, 50.6]]\nlevel = \"roof\"\n"
NOISE = ("[[setup.sound]]\nat = { at = [-35.6, 49.7], level = \"roof\" }\nloudness = 2.0\n"
         "duration = 8.0\n")


def preset(tmp_path, setup: str, params: str = "max_speed = 3.0\n"):
    path = tmp_path / "two_levels.toml"
    path.write_text(f"[params]\n{params}[setup]\n{setup}")
    return path


def test_a_multi_level_preset_loads_points_with_their_levels(tmp_path):
    path = preset(tmp_path, 'level = ["floor4", "roof"]\ngoal = "roof_door"\n'
                            '[[setup.spawn]]\nat = "corridor_floor4"\ncount = 5\n' + DOOR + NOISE)
    s = load_setup(path, world_resolver(), ["ground", "floor2", "floor3", "floor4", "roof"])
    assert s.levels == ("floor4", "roof") and s.level == "floor4"
    assert s.goal == pytest.approx((-33.9, 49.7)) and s.goal_level == "roof"
    assert s.spawns[0].level == "floor4" and s.events[0].level == "roof"
    assert s.events[0].at == (-35.6, 49.7)
    (b,) = s.barricades
    assert b.level == "roof" and b.a == (-35.05, 48.8)
    # a one-level preset keeps taking [x, y] on its level
    flat = preset(tmp_path, 'level = "floor4"\n[[setup.spawn]]\nat = [0.0, 49.4]\n')
    assert load_setup(flat, world_resolver()).spawns[0].level == "floor4"


SPAWN = '[[setup.spawn]]\nat = "corridor_floor4"\ncount = 5\n'


@pytest.mark.parametrize("setup, words", [
    ('level = ["floor4", "attic"]\n' + SPAWN,
     ["level = ['floor4', 'attic']: 'attic' is not a level", "one of ground, floor2"]),
    ('level = ["floor4", "roof"]\ngoal = "gate"\n' + SPAWN,
     ["goal = 'gate' stands on level 'ground'", "an anchor on floor4 or roof"]),
    ('level = ["floor4", "roof"]\n[[setup.spawn]]\nat = [0.0, 49.4]\n',
     ["spawn[0]: at = [0.0, 49.4]", "{ at = [x, y], level = one of floor4, roof }"]),
    ('level = ["floor4", "roof"]\n' + SPAWN + '[[setup.sound]]\nat = { at = [0, 45], '
     'level = "ground" }\n', ["sound[0]: at.level = 'ground' is not a level of this preset"]),
    ('level = ["floor4", "roof"]\n' + SPAWN + '[[setup.barricade]]\nline = [[0, 0]]\n',
     ["barricade[0]: line = [[0, 0]]", "[[x, y], [x, y]] metres"]),
    ('level = ["floor2", "roof"]\n[[setup.spawn]]\nat = "corridor_floor2"\ncount = 5\n',
     ["no stairs join 'roof' to 'floor2'", "levels joined by stairs"]),
])
def test_bad_levels_and_points_are_one_line_exit_2(tmp_path, capsys, setup, words):
    path = preset(tmp_path, setup)
    out = tmp_path / "rep"
    assert main(["crowd", "run", str(path), "--seconds", "0.2", "--report", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "two_levels.toml" in err or "no stairs" in err
    for w in words:
        assert w in err
    assert not out.exists()


def test_reach_of_the_roof_door_counts_zombies_on_the_roof_only(tmp_path):
    """Six zombies on floor4 stand beneath the roof door (within the reach radius in plan)
    and are drawn up the west stairs by the banging inside the barricaded stair-house. The
    door is reached only when one climbs out on the roof landing (2.3 m from the door):
    after walking at least the straight way to the stair foot at max_speed."""
    path = preset(tmp_path, 'seconds = 8.0\nseed = 1\nlevel = ["floor4", "roof"]\n'
                            '[[setup.spawn]]\nat = { at = [-33.9, 49.4], level = "floor4" }\n'
                            'count = 6\nradius = 1.0\n' + DOOR + NOISE)
    m, prep = run(RunSpec(str(path)))
    s = m.scalars()
    c = prep.setup.build(prep.walkmap, prep.params)
    foot = np.array(bp.stair_link_points("west")[0])
    start = np.linalg.norm(c.positions(np.float64) - foot, axis=1).min()
    shortest = (start - prep.params["stair_reach"]) / prep.params["max_speed"]
    assert np.linalg.norm(np.subtract(prep.places["roof_door"], (-33.9, 49.4))) < 3.0
    assert prep.place_level["roof_door"] == 1 and prep.place_level["corridor_floor4"] == 0
    assert shortest > 0.5
    assert shortest <= s["reach(roof_door)"] <= 2.0 * shortest + 1.0, (shortest, s)
    # the climb crosses no line; the stair door is crossed on floor4, the barricade never
    assert s["flow_in(stair_door_west)"] >= 1
    assert s["flow_in(roof_door)"] == s["flow_out(roof_door)"] == 0
    assert m.probes.level_names == ("floor4", "roof")
    # density is measured on the main level: the agents that climbed leave it
    assert m.density.sum() > 0 and m.states[-1].sum() == 6
