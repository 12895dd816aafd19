"""The scene format's story side: events, characters, shake, include, validation and schema."""

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sandbox import paths
from sandbox.config import ConfigError
from sandbox.timeline import Sequence, load_scene
from sandbox.timeline.scene import check_scene, scene_schema
from sandbox.timeline.schema import line_of
from sandbox.world import anchors

EXAMPLE = Path(__file__).parent / "scenes" / "example_rooftop.toml"
ANCHORS = anchors()


@pytest.fixture(scope="module")
def seq():
    return Sequence(load_scene(EXAMPLE), ANCHORS)


def snapshot(spec):
    """Everything evaluate says at one instant, as comparable plain data."""
    s, c = spec.state, spec.camera
    return (spec.shot, tuple(c.pos), tuple(c.look_at), c.fov, c.roll, c.look_target,
            tuple((a.name, a.kind, tuple(a.pos), a.heading, a.action, a.phase) for a in s.actors),
            tuple((x.speaker, x.text, x.alpha) for x in s.captions), tuple(s.shake),
            tuple((tuple(f.pos), f.radius, f.intensity) for f in s.fires),
            tuple((tuple(x.pos), x.t0) for x in s.strikes),
            tuple((tuple(x.pos), x.loudness) for x in s.sounds), s.light_blend, s.weather, s.burnt)


def test_example_exercises_every_feature(seq):
    scene = seq.scene
    assert (scene.weather, scene.burnt, scene.time_of_day) == ("smoke", 0.5, "dusk")
    kinds = {e.type for e in scene.events}
    assert kinds == {"fire", "caption", "action", "sound", "drone", "helicopter", "jet",
                     "strike", "lighting"}
    assert {e.args["do"] for e in scene.events if e.type == "action"} >= {"walk", "jump", "run",
                                                                          "look", "look_down"}
    spawn = scene.crowd.spawns[1]
    assert spawn.kind == "human" and spawn.at is None and spawn.region is not None
    assert scene.crowd.spawns[0].at.anchor == "field_centre"


def test_shuffled_evaluation_equals_forward(seq):
    ts = [i / 12 for i in range(int(seq.duration * 12))]
    forward = [snapshot(seq.evaluate(t)) for t in ts]
    order = list(range(len(ts)))
    random.Random(5).shuffle(order)
    again = {i: snapshot(seq.evaluate(ts[i])) for i in order}
    assert all(again[i] == forward[i] for i in range(len(ts)))
    assert any(f[8] != (0.0, 0.0, 0.0) for f in forward)      # shake really varies


def test_crowd_events_fire_once_across_intervals(seq):
    every = seq.crowd_events(0.0, seq.duration + 1)
    assert [e.kind for e in every] == ["fire", "sound", "sound", "strike", "strike", "fire_out"]
    for step in (1 / 24, 1 / 7, 0.5):   # 1/7 s is not a divisor of any event time
        edges = np.arange(0.0, seq.duration + 1, step)
        got = [e for a, b in zip(edges, edges[1:]) for e in seq.crowd_events(a, b)]
        assert [(e.t, e.kind) for e in got] == [(e.t, e.kind) for e in every]
    assert seq.crowd_events(21.0, 21.0) == ()


def test_jump_ends_below_the_roof_edge(seq):
    edge = ANCHORS["roof_edge"][2]
    before = next(a for a in seq.evaluate(11.9).state.actors if a.name == "namra")
    assert before.pos[2] == pytest.approx(edge) and before.action == "stand"
    zs = [next(a for a in seq.evaluate(12 + dt).state.actors if a.name == "namra").pos[2]
          for dt in np.arange(0, 4, 0.05)]
    assert max(zs) > edge + 0.2                         # the arc rises first
    assert zs[-1] == pytest.approx(0.0) and zs[-1] < edge - 10
    after = next(a for a in seq.evaluate(16).state.actors if a.name == "namra")
    assert after.action == "stand" and after.pos[1] < ANCHORS["roof_edge"][1]   # out past the edge


def test_walk_keeps_its_speed_and_ends_standing(seq):
    a = [next(x for x in seq.evaluate(t).state.actors if x.name == "namra") for t in (2.0, 3.0)]
    assert np.linalg.norm(a[1].pos - a[0].pos) == pytest.approx(1.2, rel=1e-6)
    assert a[1].action == "walk"
    late = next(x for x in seq.evaluate(11.0).state.actors if x.name == "namra")
    np.testing.assert_allclose(late.pos, ANCHORS["roof_edge"] + [0, 0.5, 0])
    assert late.action == "stand"


def test_captions_fires_lighting_and_vehicles(seq):
    alphas = [seq.evaluate(t).state.captions for t in (0.9, 1.25, 3.0, 4.9, 5.1)]
    assert alphas[0] == () and alphas[4] == ()
    assert alphas[1][0].alpha == pytest.approx(0.5) and alphas[2][0].alpha == 1.0
    assert 0 < alphas[3][0].alpha < 0.5 and alphas[2][0].text == "They're back."
    fire = [seq.evaluate(t).state.fires for t in (1.0, 4.0, 20.0, 27.0, 30.0)]
    assert 0 < fire[0][0].intensity < 1 and fire[1][0].intensity == 1.0
    assert fire[2][0].radius == 1.0 and 0 < fire[3][0].intensity < 1 and fire[4] == ()
    assert seq.evaluate(19).state.light_blend == ("dusk", "dusk", 0.0)
    assert seq.evaluate(23).state.light_blend == ("dusk", "night", 0.5)
    assert seq.evaluate(27).state.time_of_day == "night"
    heli = {t: next(a for a in seq.evaluate(t).state.actors if a.kind == "helicopter")
            for t in (9.0, 16.0)}
    assert heli[9.0].action == "fly" and heli[16.0].action == "hover"
    np.testing.assert_allclose(heli[16.0].pos, ANCHORS["helicopter_hover"])
    drone = seq.evaluate(12.0).state
    assert any(a.kind == "drone" for a in drone.actors) and len(drone.sounds) == 2


def test_strike_shake_arrives_with_the_shock_and_decays(seq):
    cam = seq.evaluate(21.0).camera.pos
    delay = np.linalg.norm(cam - ANCHORS["gym"]) / 340.0
    quiet = [np.linalg.norm(seq.evaluate(21 + delay * f).state.shake) for f in (0.2, 0.9)]
    assert quiet == [0.0, 0.0]                         # the aerial shot has no handheld shake
    near = max(np.linalg.norm(seq.evaluate(21 + delay + dt).state.shake)
               for dt in np.arange(0.01, 0.3, 0.01))
    late = max(np.linalg.norm(seq.evaluate(21 + delay + dt).state.shake)
               for dt in np.arange(1.0, 1.25, 0.01))   # before the missile's jolt arrives
    assert near > 0.05 and late < near / 3


def test_targets_characters_resolved_crowd_left_to_the_director(seq):
    follow = seq.evaluate(11.0)
    namra = next(a for a in follow.state.actors if a.name == "namra")
    np.testing.assert_allclose(follow.camera.pos, namra.pos + [0, 5, 2])
    np.testing.assert_allclose(follow.camera.look_at, namra.pos + [0, 0, 1.5])
    aerial = seq.evaluate(25.0).camera
    assert aerial.look_target == "horde:centroid" and aerial.follow_target is None
    placed = aerial.resolve(look=np.array([0.0, 10.0, 0.0]))
    np.testing.assert_allclose(placed.look_at, [0, 10, 0], atol=1.0)   # within the shake


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def part(duration, extra=""):
    return f"""
[scene]
duration = {duration}
time_of_day = "night"
[[character]]
name = "onjo"
kind = "student"
start = [0, 0, 0]
[[shot]]
start = 0
[[shot.key]]
t = 0
pos = [0, -10, 2]
look_at = [0, 0, 0]
[[event]]
t = 1
type = "action"
character = "onjo"
do = "walk"
to = [10, 0, 0]
{extra}"""


def test_include_chains_parts_end_to_end(tmp_path):
    write(tmp_path, "a.toml", part(5))
    write(tmp_path, "b.toml", part(4, '[[event]]\nt = 2\ntype = "fire"\nat = [1, 1, 0]\nout = 3'))
    film = load_scene(write(tmp_path, "film.toml", 'include = ["a.toml", "b.toml"]\n'
                            '[scene]\ntitle = "film"\n'))
    assert film.duration == 9 and [g.start for g in film.segments] == [0, 5]
    assert [s.start for s in film.shots] == [0, 5]
    assert sorted(e.t for e in film.events) == [1, 6, 7]
    assert next(e for e in film.events if e.type == "fire").args["out"] == 8
    seq = Sequence(film, {})
    onjo = lambda t: [a for a in seq.evaluate(t).state.actors if a.name == "onjo"]
    assert len(onjo(5.5)) == 1 and onjo(5.5)[0].pos[0] == 0.0   # part b's own onjo, at its start
    assert onjo(4.9)[0].pos[0] == pytest.approx(1.4 * 3.9)
    assert [e.t for e in seq.crowd_events(0, 9)] == [7, 8]


def expect_error(path, pattern, anchors=None, file=None):
    with pytest.raises(ConfigError) as err:
        scene = load_scene(path)
        if anchors is not None:
            check_scene(scene, anchors)
    message = str(err.value)
    assert re.search(pattern, message), message
    assert str(file or path) in message and "\n" not in message
    return message


def test_error_include_cycle_names_the_chain(tmp_path):
    write(tmp_path, "a.toml", 'include = ["b.toml"]\n')
    write(tmp_path, "b.toml", '# b\ninclude = ["c.toml"]\n')
    write(tmp_path, "c.toml", 'include = ["a.toml"]\n')
    expect_error(tmp_path / "a.toml", r"c\.toml:1: include\[0\]: 'a\.toml' closes an "
                       r"include cycle: a\.toml -> b\.toml -> c\.toml -> a\.toml",
                 file=tmp_path / "c.toml")


BASE = part(10)


@pytest.mark.parametrize("edit, pattern", [
    # unknown event type
    (('type = "action"', 'type = "explosion"'),
     r":17: event\[0\]\.type: 'explosion' is not allowed \(expected sound or drone or strike"),
    # unknown character
    (('character = "onjo"', 'character = "namra"'),
     r":18: event\[0\]\.character: unknown character 'namra' \(declared: onjo\)"),
    # times out of order
    (("t = 0\npos", "t = 3\npos", "[[shot.key]]\nt = 2\npos = [0, -5, 2]\nlook_at = [0, 0, 0]"),
     r":22: shot\[0\]\.key\[1\]\.t: key times \[3\.0, 2\.0\] must strictly increase"),
    # past the end
    (("t = 1\ntype", "t = 12\ntype"),
     r":16: event\[0\]\.t: 12\.0 is past the end \(expected 0 to 10 seconds\)"),
    # wrong type
    (('to = [10, 0, 0]', 'to = 10'), r":20: event\[0\]\.to: 10 is not a place \(expected \[x, y, z\]"),
    # wrong unit
    (("duration = 10", 'duration = "10s"'),
     r":3: scene\.duration: '10s' is not allowed \(expected a number from 0 to 3600 seconds\): "
     r"write the number alone"),
    # unknown key
    (('do = "walk"', 'do = "walk"\nsped = 3'), r":20: event\[0\]\.sped: unknown key"),
])
def test_error_kinds(tmp_path, edit, pattern):
    text = BASE.replace(edit[0], edit[1]) + (edit[2] if len(edit) > 2 else "")
    expect_error(write(tmp_path, "s.toml", text), pattern)


def test_error_unknown_anchor_names_its_line(tmp_path):
    path = write(tmp_path, "s.toml", BASE.replace("to = [10, 0, 0]", 'to = "rooff_edge"'))
    expect_error(path, r":20: event\[0\]\.to: unknown anchor 'rooff_edge' \(known: .*roof_edge",
                 ANCHORS)


def test_error_jump_that_does_not_go_down(tmp_path):
    path = write(tmp_path, "s.toml", BASE.replace('do = "walk"\nto = [10, 0, 0]',
                                                  'do = "jump"\ntoward = [5, 0, 0]'))
    with pytest.raises(ConfigError, match=r":15: event\[0\]\.land_height: 0\.0 is not below"):
        Sequence(load_scene(path), {})


def test_line_of_finds_tables_arrays_and_keys():
    src = ('title = 1\n[scene]\nduration = 3\n[[shot]]\nstart = 0\n[[shot.key]]\nt = 0\n'
           '[[shot.key]]\nt = 1\nfov = 9\n[[shot]]\nstart = 4\n')
    assert line_of(src, "title") == 1 and line_of(src, "scene.duration") == 3
    assert line_of(src, "shot[0].key[1].fov") == 10 and line_of(src, "shot[1].start") == 12
    assert line_of(src, "shot[0].key[1]") == 8 and line_of(src, "missing") is None


def validate(instance, schema, where="$"):
    """A structural JSON Schema check of the keywords scene_schema() uses (the jsonschema
    package is not a dependency); returns the list of violations."""
    errors = []
    if "oneOf" in schema:
        ok = [s for s in schema["oneOf"] if not validate(instance, s, where)]
        return [] if len(ok) == 1 else [f"{where}: matches {len(ok)} of oneOf"]
    kind = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int,
             "number": (int, float)}
    if kind and (not isinstance(instance, types[kind]) or
                 kind in ("number", "integer") and isinstance(instance, bool)):
        return [f"{where}: not {kind}"]
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{where}: not {schema['const']}")
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{where}: not in enum")
    if "pattern" in schema and not re.match(schema["pattern"], instance):
        errors.append(f"{where}: pattern")
    if "minimum" in schema and instance < schema["minimum"]:
        errors.append(f"{where}: below minimum")
    if "maximum" in schema and instance > schema["maximum"]:
        errors.append(f"{where}: above maximum")
    if kind == "array":
        if len(instance) < schema.get("minItems", 0) or len(instance) > schema.get("maxItems", 1e9):
            errors.append(f"{where}: item count")
        for i, item in enumerate(instance):
            errors += validate(item, schema.get("items", {}), f"{where}[{i}]")
    if kind == "object":
        props = schema.get("properties", {})
        errors += [f"{where}: missing {k}" for k in schema.get("required", []) if k not in instance]
        for k, v in instance.items():
            if k in props:
                errors += validate(v, props[k], f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {k}")
    return errors


def test_schema_accepts_every_scene_and_rejects_mistakes():
    import tomllib

    schema = scene_schema()
    files = [EXAMPLE, *sorted((Path(__file__).parent / "scenes").glob("*.toml")),
             *(p for p in sorted(paths.SCENES.glob("*.toml")) if p.name not in
               ("time_of_day.toml", "cast.toml"))]
    for path in files:
        assert validate(tomllib.loads(path.read_text()), schema) == [], path
    doc = tomllib.loads(EXAMPLE.read_text())
    doc["event"][0]["type"] = "explosion"
    doc["shot"][0]["key"][0]["fov"] = 400
    doc["scene"]["weather"] = "fog"
    assert len(validate(doc, schema)) == 3


def test_cli_check_and_schema(tmp_path):
    bad = write(tmp_path, "bad.toml", BASE.replace('type = "action"', 'type = "explosion"'))
    run = lambda *a: subprocess.run([sys.executable, "-m", "sandbox", "scenes", *a],
                                    capture_output=True, text=True)
    r = run("check", str(EXAMPLE), str(bad))
    assert r.returncode == 2 and f"ok {EXAMPLE}" in r.stdout
    assert f"{bad}:17: event[0].type: 'explosion'" in r.stderr and "Traceback" not in r.stderr
    r = run("check")   # every scene in scenes/, the data files beside them skipped
    assert r.returncode == 0 and "ok " in r.stdout and "cast.toml" not in r.stdout + r.stderr
    r = run("schema")
    assert r.returncode == 0 and json.loads(r.stdout) == scene_schema()


def test_readme_example_is_a_valid_scene(tmp_path):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    section = readme.split("## Scene files", 1)[1].split("\n## ", 1)[0]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    assert example.startswith("include = ")
    for name in ("aborted_rescue.toml", "escape.toml"):
        write(tmp_path, name, part(5))
    film = load_scene(write(tmp_path, "readme.toml", example))
    check_scene(film, ANCHORS)
    assert film.duration == 40 and len(film.segments) == 3
    assert {e.type for e in film.events} >= {"sound", "drone", "helicopter", "strike", "fire",
                                            "action", "lighting", "caption"}
    spec = Sequence(film, ANCHORS).evaluate(10 + 13)   # the own part's t = 13: Nam-ra mid-fall
    namra = next(a for a in spec.state.actors if a.name == "namra")
    assert namra.action == "fall" and namra.pos[2] < ANCHORS["roof_edge"][2]
