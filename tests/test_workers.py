"""Frames drawn by worker processes come back in order, and their failures reach the
caller (sandbox.render.workers); no GL here: the workers' "players" are stand-ins."""

import os
from dataclasses import dataclass

import pytest

from sandbox.config import ConfigError
from sandbox.render import workers


@dataclass(frozen=True)
class Spec:
    """Opens a stand-in player: `fail_open` raises as a scene mistake would."""
    fail_open: bool = False

    def open(self):
        if self.fail_open:
            raise ConfigError("scene.toml: camera.fov: -5 is below 1")
        return "player"


def who_draws(player, times, scale):
    for t in times:
        yield t * scale, os.getpid(), player


def fails_at(player, times, bad):
    for t in times:
        if t == bad:
            raise ValueError(f"no frame at {t}")
        yield t


def dies_at(player, times, bad):
    for t in times:
        if t == bad:
            os._exit(3)
        yield t


def test_items_come_back_in_order_from_interleaved_workers():
    opened = []
    out = list(workers.interleaved(who_draws, Spec(), list(range(7)), 3, 10.0,
                                   opened=lambda: opened.append(True)))
    assert [t for t, _, _ in out] == [0, 10, 20, 30, 40, 50, 60]
    assert all(player == "player" for _, _, player in out)
    pids = [pid for _, pid, _ in out]
    assert len(set(pids)) == 3 and os.getpid() not in pids
    assert pids[:3] == pids[3:6] and pids[6] == pids[0]   # frame k by worker k mod 3
    assert opened == [True]


def test_a_workers_error_is_raised_with_its_traceback():
    with pytest.raises(workers.WorkerError, match="ValueError: no frame at 3"):
        list(workers.interleaved(fails_at, Spec(), list(range(6)), 2, 3))


def test_a_scene_mistake_found_in_a_worker_is_raised_as_it_is():
    with pytest.raises(ConfigError, match=r"camera\.fov"):
        list(workers.interleaved(who_draws, Spec(fail_open=True), [0, 1], 2, 1.0))


def test_a_worker_that_dies_is_reported_not_waited_for():
    # worker 1 (times 1, 3, 5, 7) exits at t = 3, without a word, while the caller
    # waits for that frame
    with pytest.raises(workers.WorkerError, match="exit code 3"):
        list(workers.interleaved(dies_at, Spec(), list(range(8)), 2, 3))


def test_renders_take_two_processes_unless_the_crowd_is_too_big_to_step_twice(tmp_path):
    from sandbox import paths
    from sandbox.render import movie
    finale = movie.prepare(paths.SCENES / "finale.toml")
    cores = min(2, os.cpu_count() or 1)
    assert movie.largest_crowd(finale) <= workers.CROWD_LIMIT
    assert movie.default_jobs(movie.PlayerSpec(finale)) == cores
    big = movie.with_agents(finale, workers.CROWD_LIMIT + 1)
    assert movie.default_jobs(movie.PlayerSpec(big)) == 1
    # a recorded crowd is only played back: its size does not count
    assert movie.default_jobs(movie.PlayerSpec(big, bake=tmp_path / "run.npz")) == cores
