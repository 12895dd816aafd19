"""hyosan crowd bake / export / bench, presets with [setup], and their bad input."""

import csv
import subprocess
import sys

import numpy as np
import pytest

from sandbox.cli import main
from sandbox.config import ConfigError
from sandbox.crowd import load_preset
from sandbox.crowd.bake import check, load
from sandbox.crowd.bench import bench, make_scenario
from sandbox.crowd.setup import load_setup
from sandbox.paths import CROWD_PRESETS
from sandbox.tuning.runner import world_resolver


def test_every_preset_loads_with_its_setup():
    names = {p.stem for p in CROWD_PRESETS.glob("*.toml")}
    assert {"hyosan_horde", "rooftop_siege", "bombing_lure"} <= names
    for name in names:
        load_preset(CROWD_PRESETS / f"{name}.toml")
        s = load_setup(CROWD_PRESETS / f"{name}.toml", world_resolver())
        assert s.spawns and s.seconds > 0


def test_bad_setup_names_file_key_value(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[params]\n[setup]\n[[setup.spawn]]\nkind = 'ghoul'\nat = [0, 0]\n")
    with pytest.raises(ConfigError, match=r"bad.toml \[setup\] spawn\[0\]: kind = 'ghoul'"):
        load_setup(bad, lambda a: (0.0, 0.0, "ground"))
    bad.write_text("[params]\n[setup]\n[[setup.sound]]\nat = [0, 0]\nloudness = -1\n"
                   "[[setup.spawn]]\nat = [0, 0]\n")
    with pytest.raises(ConfigError, match=r"loudness = -1 \(allowed: a number from 0.01"):
        load_setup(bad, lambda a: (0.0, 0.0, "ground"))
    bad.write_text("[params]\nturn_delay_min = 90.0\nturn_delay_max = 10.0\n")
    with pytest.raises(ConfigError, match="bad.toml.*turn_delay_min = 90"):
        load_preset(bad)


def test_bake_then_export_round_trip(tmp_path, capsys):
    out = tmp_path / "run.npz"
    assert main(["crowd", "bake", "rooftop_siege", "-o", str(out), "--seconds", "0.5",
                 "--agents", "50", "--seed", "3"]) == 0
    check(out)   # the headers' checks pass on what `load` reads
    b = load(out)
    assert b.frames == 16 and b.n == 50
    assert b.positions.dtype == np.float32 and b.state.dtype == np.uint8
    assert (b.level == 3).all()  # floor4: ground, floor2, floor3, floor4
    s = b.snapshot(15)
    assert np.array_equal(s.positions, b.positions[15]) and s.time == pytest.approx(0.5)
    table = tmp_path / "traj.csv"
    assert main(["crowd", "export", str(out), "-o", str(table)]) == 0
    with open(table) as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id", "frame", "x", "y", "level", "kind", "state"]
    assert len(rows) == 1 + 16 * 50
    last = np.array(rows[-1], dtype=float)
    assert last[0] == 49 and last[1] == 15
    assert np.allclose(last[2:4], b.positions[15, 49], atol=1e-4)


def test_a_bake_whose_arrays_disagree_fails_both_checks(tmp_path):
    bad = tmp_path / "run.npz"
    arrays = {k: np.zeros((4, 9), np.float32) for k in ("headings", "phase", "kind", "state")}
    np.savez(bad, dt=0.1, positions=np.zeros((4, 9, 2), np.float32),
             level=np.zeros((4, 8), np.uint8), **arrays)
    for read in (check, load):
        with pytest.raises(ConfigError, match="array shapes disagree"):
            read(bad)


@pytest.mark.parametrize("argv, words", [
    (["crowd", "bake", "no_such_preset", "-o", "x.npz"], "no_such_preset"),
    (["crowd", "bake", "hyosan_horde", "-o", "x.csv"], ".npz"),
    (["crowd", "export", "missing.npz", "-o", "t.csv"], "missing.npz"),
])
def test_bad_cli_input_is_one_line_exit_2(tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err


def test_bad_cli_numbers_exit_2():
    for argv in (["bench", "--agents", "0"], ["bake", "hyosan_horde", "-o", "a.npz",
                                              "--seconds", "-1"]):
        r = subprocess.run([sys.executable, "-m", "sandbox", "crowd", *argv],
                           capture_output=True, text=True)
        assert r.returncode == 2 and "Traceback" not in r.stderr


def test_bench_scenarios_match_the_harness_and_keep_quality():
    sc = make_scenario("plaza", 400)
    side = np.sqrt(800)
    assert np.abs(sc["positions"]).max() <= side / 2
    assert np.array_equal(sc["goals"], -sc["positions"])
    for name in ("plaza", "door"):
        r = bench(name, 400, steps=20)
        assert r["inside_walls"] == 0 and r["overlaps"] <= 1
        assert r["progress_m"] >= 0.8 * r["progress_ideal_m"]
