"""The director on the real finale: the horde stays on the school's walkable map, frames
are deterministic and seekable, and the fixed crowd step is independent of frame rate."""

import numpy as np
import pytest

from sandbox import paths, world
from sandbox.director import Director
from sandbox.timeline import load_scene


@pytest.fixture(scope="module")
def finale():
    return load_scene(paths.SCENES / "finale.toml")


def test_horde_stays_on_walkable_cells_and_moves(finale):
    director = Director(finale)
    ground = world.walkmap().levels["ground"]
    start = director.horde_at(0.0).positions.copy()
    assert len(start) >= 2000
    for t in np.arange(0.5, finale.duration + 1e-9, 0.5):
        xy = director.horde_at(float(t)).positions
        assert ground.is_walkable(xy).all(), f"an agent stands in a wall at t={t}"
    goal = director.anchors["school_entrance"][:2]
    before = np.linalg.norm(start - goal, axis=1).mean()
    after = np.linalg.norm(xy - goal, axis=1).mean()
    assert after < 0.5 * before


def test_frames_are_deterministic_and_seekable(finale):
    forward = Director(finale)
    a = [forward.horde_at(t).positions.copy() for t in (1.0, 2.5, 4.0)]
    seeking = Director(finale)
    b4 = seeking.horde_at(4.0).positions.copy()
    b1 = seeking.horde_at(1.0).positions.copy()   # backwards: replays from the start
    assert np.array_equal(a[2], b4) and np.array_equal(a[0], b1)
    assert np.array_equal(Director(finale).frame(2.5).horde.positions, a[1])


def test_crowd_steps_are_fixed_whatever_the_frame_rate(finale):
    """At a time that falls on a step, 24 fps and 30 fps renders show the same state."""
    at24, at30 = Director(finale), Director(finale)
    for i in range(49):
        at24.horde_at(i / 24)
    for i in range(61):
        at30.horde_at(i / 30)
    assert np.array_equal(at24.horde_at(2.0).positions, at30.horde_at(2.0).positions)
    assert at24.crowd.steps == at30.crowd.steps == 60
