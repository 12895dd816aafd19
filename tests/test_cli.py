"""Bad input ends in one clear line on stderr and exit code 2, with nothing written."""

import subprocess
import sys

import pytest


def hyosan(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def assert_user_error(run, *words):
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert "Traceback" not in run.stderr
    assert any(all(w in line for w in words) for line in lines), run.stderr


def test_help_lists_commands():
    run = hyosan("--help")
    assert run.returncode == 0
    for command in ("render", "still", "models", "world"):
        assert command in run.stdout


def test_unknown_scene(tmp_path):
    run = hyosan("render", "no_such_scene", "-o", str(tmp_path / "x.mp4"))
    assert_user_error(run, "no_such_scene", "not found")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("size", ["640", "640x", "axb", "641x360", "8x8"])
def test_malformed_size(tmp_path, size):
    run = hyosan("render", "--size", size, "-o", str(tmp_path / "x.mp4"))
    assert_user_error(run, "--size", size)
    assert not list(tmp_path.iterdir())


def test_output_that_cannot_be_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    run = hyosan("render", "-o", str(blocker / "x.mp4"))
    assert_user_error(run, "cannot write", str(blocker / "x.mp4"))
    assert blocker.read_text() == "not a folder"


def test_invalid_scene_file_names_file_and_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scene]\nduration = 5\ntime_of_day = "noon"\n')
    run = hyosan("still", str(bad), "-o", str(tmp_path / "f.png"))
    assert_user_error(run, str(bad), "scene.time_of_day", "'noon'", "day or dusk or night")
    assert not (tmp_path / "f.png").exists()


def test_still_time_outside_scene(tmp_path):
    run = hyosan("still", "finale", "--at", "999", "-o", str(tmp_path / "f.png"))
    assert_user_error(run, "--at 999", "outside")
    assert not (tmp_path / "f.png").exists()


def test_unknown_level(tmp_path):
    run = hyosan("world", "map", "--level", "basement", "-o", str(tmp_path / "m.png"))
    assert_user_error(run, "basement", "ground")


@pytest.mark.parametrize("args, words", [
    (["--start", "5", "--end", "3"], ["--start 5", "--end 3", "start < end"]),
    (["--end", "9999"], ["--end 9999", "start < end <="]),
    (["--start", "-1"], ["--start -1"]),
    (["--codec", "prores"], ["prores", ".mov", "x.mp4"]),
    (["--codec", "h265", "--crf", "60"], ["--crf 60", "0 to 51"]),
    (["--codec", "ogg"], ["--codec", "ogg"]),
    (["--quality", "best"], ["--quality", "best"]),
    (["--fps", "0"], ["--fps", "'0'"]),
    (["--agents", "0"], ["--agents", "'0'"]),
    (["--every", "3"], ["--every", "does not apply"]),
    (["--frames", "3"], ["--frames", "does not apply"]),
])
def test_bad_render_values(tmp_path, args, words):
    run = hyosan("render", "-o", str(tmp_path / "x.mp4"), *args)
    assert_user_error(run, *words)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args, words", [
    (["--bench", "--start", "2"], ["--start", "--bench"]),
    (["--bench", "--stills", "st"], ["--bench", "--stills"]),
    (["--stills", "st", "--crf", "20"], ["--crf", "--stills"]),
])
def test_conflicting_render_modes(tmp_path, args, words):
    run = hyosan("render", *args, cwd=tmp_path)
    assert_user_error(run, *words)
    assert not list(tmp_path.iterdir())


def test_render_help_explains_options():
    run = hyosan("render", "--help")
    assert run.returncode == 0
    for option in ("--quality", "--start", "--end", "--crf", "--codec", "--stills", "--every",
                   "--bench", "--agents", "--frames", "--json", "default 24", "seconds"):
        assert option in run.stdout, option


def test_bad_bake(tmp_path):
    bad = tmp_path / "run.npz"
    bad.write_bytes(b"not a bake")
    run = hyosan("render", "--bake", str(bad), "--stills", str(tmp_path / "s"))
    assert_user_error(run, str(bad), "not a crowd bake")
    run = hyosan("render", "--bake", str(bad), "--agents", "10", "--stills", str(tmp_path / "s"))
    assert_user_error(run, "--agents and --bake")
    assert not (tmp_path / "s").exists()
