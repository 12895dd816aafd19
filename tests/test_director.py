"""The director on the horde fly-over: the horde stays on the school's walkable map, frames
are deterministic and seekable, and the fixed crowd step is independent of frame rate."""

import numpy as np
import pytest

from sandbox import paths, world
from sandbox.director import Director
from sandbox.timeline import load_scene


@pytest.fixture(scope="module")
def finale():
    return load_scene(paths.SCENES / "horde_flyover.toml")


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
    # packed round the ends of the low wall before the entrance, body against body
    assert after < 0.6 * before


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


def test_checkpoints_make_seeking_back_quick_and_change_nothing(finale):
    """A backward seek resumes from the latest fork before it: the same states as playing
    straight through, without replaying from the start; a parameter change since the fork
    makes it stale, and the replay from the start uses the new value."""
    straight = Director(finale)
    digest = {t: (straight.horde_at(t), straight.crowd.state_digest())[1] for t in (5.0, 9.0)}
    seeking = Director(finale, checkpoints=True)
    seeking.horde_at(9.0)
    stepped = []
    step = seeking._step
    seeking._step = lambda: (stepped.append(1), step())
    seeking.horde_at(5.0)
    assert len(stepped) == 30            # resumed from the fork at 4 s, not from 0
    assert seeking.crowd.state_digest() == digest[5.0]
    seeking.horde_at(9.0)
    assert seeking.crowd.state_digest() == digest[9.0]

    seeking.crowd.params.update({"max_speed": 2.0})
    seeking.horde_at(5.0)                # stale forks: replayed from the start
    tuned = Director(finale)
    tuned.crowd.params.update({"max_speed": 2.0})
    tuned.horde_at(5.0)
    assert seeking.crowd.state_digest() == tuned.crowd.state_digest() != digest[5.0]


PART = """
[scene]
duration = {duration}
seed = {seed}
[crowd]
goal = "{goal}"
[[crowd.spawn]]
count = 150
at = "field_centre"
radius = 10
[[shot]]
start = 0
[[shot.key]]
t = 0
pos = [0, -60, 30]
look_at = "field_centre"
"""


def test_each_part_of_a_film_plays_its_own_crowd(tmp_path):
    """A part looks the same inside the chained film as rendered on its own."""
    (tmp_path / "a.toml").write_text(PART.format(duration=3, seed=1, goal="gate"))
    (tmp_path / "b.toml").write_text(PART.format(duration=2, seed=2, goal="school_entrance"))
    (tmp_path / "film.toml").write_text('include = ["a.toml", "b.toml"]\n')
    film = Director(load_scene(tmp_path / "film.toml"))
    alone_a = Director(load_scene(tmp_path / "a.toml"))
    alone_b = Director(load_scene(tmp_path / "b.toml"))
    assert np.array_equal(film.horde_at(2.5).positions, alone_a.horde_at(2.5).positions)
    assert np.array_equal(film.horde_at(4.5).positions, alone_b.horde_at(1.5).positions)
    assert np.array_equal(film.horde_at(1.0).positions, alone_a.horde_at(1.0).positions)


def test_a_bake_plays_back_as_recorded(finale, tmp_path):
    """The renderer can replay a recorded crowd: at each recorded step the horde is exactly
    the bake, between steps it is interpolated, after the end the last step holds."""
    from sandbox.crowd import Crowd, load_preset
    from sandbox.crowd.bake import load, record

    crowd = Crowd(world.walkmap().levels["ground"],
                  load_preset(paths.CROWD_PRESETS / "hyosan_horde.toml"), seed=3)
    crowd.spawn(120, (0.0, -10.0), 8.0)
    crowd.set_goal((0.0, 30.0))
    record(crowd, 30).save(tmp_path / "run.npz")
    bake = load(tmp_path / "run.npz")
    director = Director(finale, bake)
    for step in (0, 7, 30):
        assert np.array_equal(director.horde_at(step * bake.dt).positions, bake.positions[step])
    between = director.horde_at(7.5 * bake.dt).positions
    assert np.allclose(between, (bake.positions[7] + bake.positions[8]) / 2, atol=1e-5)
    assert np.array_equal(director.horde_at(99.0).positions, bake.positions[-1])


def test_frames_worked_out_ahead_are_a_plain_loops_bit_for_bit(finale):
    from sandbox.render.ahead import frames_ahead

    fields = ("positions", "z", "headings", "phase", "state", "kind")
    times = [2.0 + k / 24 for k in range(12)]
    plain = Director(finale)
    expected = []
    for t in times:   # copied at once: a frame must not change as later ones are made
        frame = plain.frame(t)
        expected.append((frame, {f: getattr(frame.horde, f).copy() for f in fields}))
    got = list(frames_ahead(Director(finale).frame, times))
    assert [t for t, _ in got] == times
    for (want, arrays), (_, frame) in zip(expected, got):
        for field in fields:
            assert np.array_equal(arrays[field], getattr(frame.horde, field)), field
        cam, got_cam = want.spec.camera, frame.spec.camera
        assert np.array_equal(cam.pos, got_cam.pos) and np.array_equal(cam.look_at, got_cam.look_at)


def test_frames_are_worked_out_on_one_worker_thread():
    import threading
    from sandbox.render.ahead import frames_ahead

    def make(t):
        return threading.current_thread()

    workers = {thread for _, thread in frames_ahead(make, [k / 24 for k in range(8)])}
    assert len(workers) == 1 and threading.current_thread() not in workers


def test_each_frame_is_used_before_the_next_is_worked_out():
    from sandbox.render.ahead import frames_ahead

    log = []

    def make(t):
        log.append(("make", t))
        return t

    def use(frame):
        log.append(("use", frame))
        return -frame

    times = [k / 24 for k in range(6)]
    assert list(frames_ahead(make, times, use)) == [(t, -t) for t in times]
    assert log == [(step, t) for t in times for step in ("make", "use")]


def test_an_error_working_out_a_frame_is_raised_for_that_frame(finale):
    from sandbox.render.ahead import frames_ahead

    class Failing:
        def frame(self, t):
            if t >= 2.0:
                raise ValueError(f"no frame at {t}")
            return t

    frames = frames_ahead(Failing().frame, [0.0, 1.0, 2.0, 3.0])
    assert next(frames) == (0.0, 0.0) and next(frames) == (1.0, 1.0)
    with pytest.raises(ValueError, match="no frame at 2.0"):
        next(frames)
