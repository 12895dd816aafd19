"""Effects on the real world, asserted on pixels: a strike's fireball, its flash lighting
the ground and its smoke column; a campfire lighting the roof at night; snow; the burnt
school; and seeking (a frame rendered after another equals the frame rendered alone).

These tests need OpenGL (Mesa llvmpipe through p3headlessgl); they fail, not skip, where
it is missing. One ShowBase per process: a stage left by another test module is stashed
while these run and this module's stage is destroyed afterwards.
"""

import numpy as np
import pytest

W, H = 320, 180
HIT = np.array([0.0, 10.0, 0.0])       # on the sports field, in front of the school
FAR = ((0.0, -120.0, 25.0), (0.0, 20.0, 10.0))


@pytest.fixture(scope="module")
def fx():
    from sandbox import world
    from sandbox.view import shaders
    from sandbox.view.app import FrameGrabber, open_base
    from sandbox.view.effects import Effects
    from sandbox.view.stage import Stage

    base = open_base((W, H))
    others = [n for n in base.render.get_children() if n.get_name() == "stage"]
    for n in others:
        n.stash()
    stage = Stage(base, world.load_parts(), world.tree_instances(), "day")
    effects = Effects(stage, seed=1)
    grab = FrameGrabber(base)
    shaders.check_compiled(base, stage.all_shaders() + effects.shaders)
    yield stage, effects, grab
    stage.destroy()
    for n in others:
        n.unstash()


def _frame(fx, state, t, cam=FAR, tod="day"):
    stage, effects, grab = fx
    stage.set_time_of_day(tod)
    stage.set_camera(cam[0], cam[1], 50)
    stage.set_time(t)
    effects.update(state, t, cam[0])
    return grab.grab().astype(np.float32)


def _project(stage, p):
    """Pixel (x, y) of world point p in the main camera, rows counted from the top."""
    from panda3d.core import Point2, Point3
    base = stage.base
    q = base.cam.get_relative_point(base.render, Point3(*map(float, p)))
    film = Point2()
    assert base.cam.node().get_lens().project(q, film)
    return int((film[0] + 1) / 2 * W), int((1 - film[1]) / 2 * H)


def _strike(t0=0.0, pos=HIT, seed=7):
    from sandbox.timeline.state import SceneState, Strike
    return SceneState(strikes=(Strike(np.asarray(pos, float), t0, 1.0, seed),))


def _lum(img):
    return img @ np.array([0.2126, 0.7152, 0.0722], np.float32)


def test_fireball_bright_and_warm_where_the_bomb_hits(fx):
    from sandbox.timeline.state import SceneState
    stage = fx[0]
    none = _frame(fx, SceneState(), 0.5)
    hit = _frame(fx, _strike(), 0.5)
    x, y = _project(stage, HIT + [0, 0, 6])
    win = (slice(max(y - 6, 0), y + 6), slice(x - 6, x + 6))
    a, b = hit[win].reshape(-1, 3).mean(0), none[win].reshape(-1, 3).mean(0)
    assert _lum(a) > _lum(b) + 30, (a, b)  # brighter even against the sunlit wall
    assert a[0] > a[2] + 40, f"fireball not warm: {a}"
    # debris, sparks or flash: the effect is confined around the hit, not the whole frame
    assert np.abs(hit - none)[:, : W // 5].mean() < 2.0


def test_smoke_column_darker_than_sky_later(fx):
    from sandbox.timeline.state import SceneState
    stage = fx[0]
    t = 12.0
    none = _frame(fx, SceneState(), t)
    smoke = _frame(fx, _strike(), t)
    # points up the column (it leans downwind) all well darker than the sky behind them
    diff = _lum(none) - _lum(smoke)
    pts = [_project(stage, HIT + [dx, dx * 0.4, z]) for dx, z in ((2, 18), (5, 24), (8, 30))]
    dark = [diff[y - 2:y + 3, x - 2:x + 3].mean() for x, y in pts]
    assert min(dark) > 40, dark
    assert all(_lum(smoke[y, x]) < 130 for x, y in pts)  # dark grey-brown, not white


def test_flash_lights_the_ground(fx):
    from sandbox.timeline.state import SceneState
    stage = fx[0]
    none = _frame(fx, SceneState(), 0.05)
    flash = _frame(fx, _strike(), 0.05)
    # ground 25-40 m to the side of the hit: lit by the flash, clear of the particles
    pts = [_project(stage, HIT + [dx, dy, 0]) for dx, dy in ((30, -20), (40, -25), (-30, -20))]
    ys = slice(min(p[1] for p in pts) - 2, max(p[1] for p in pts) + 3)
    rise = []
    for x, y in pts:
        rise.append(_lum(flash[y - 2:y + 3, x - 3:x + 4]).mean()
                    - _lum(none[y - 2:y + 3, x - 3:x + 4]).mean())
    assert min(rise) > 12, rise
    assert ys.start >= 0


def test_campfire_brightens_its_surroundings_at_night(fx):
    from sandbox import world
    from sandbox.timeline.state import Fire, SceneState
    camp = world.anchors()["campfire"]
    cam = (camp + [6, -8, 3], camp + [0, 0, 0.5])
    dark = _frame(fx, SceneState(), 3.0, cam, "night")
    lit = _frame(fx, SceneState(fires=(Fire(camp, 0.6, 1.0, 3),)), 3.0, cam, "night")
    x, y = _project(fx[0], camp + [2.5, 0, 0])  # the roof beside the fire, not the flames
    a = _lum(lit[y - 4:y + 5, x - 4:x + 5]).mean()
    b = _lum(dark[y - 4:y + 5, x - 4:x + 5]).mean()
    assert a > b + 25, (a, b)
    # and it flickers: the light is a function of t
    later = _frame(fx, SceneState(fires=(Fire(camp, 0.6, 1.0, 3),)), 3.13, cam, "night")
    assert np.abs(later - lit).mean() > 0.05


def test_snow_changes_pixels_all_over_the_frame(fx):
    from sandbox.timeline.state import SceneState
    cam = ((0, -40, 6), (0, 10, 8))
    clear = _frame(fx, SceneState(), 4.0, cam)
    snow = _frame(fx, SceneState(weather="snow"), 4.0, cam)
    changed = np.abs(snow - clear).max(axis=2) > 25
    cells = changed.reshape(3, H // 3, 4, W // 4).any(axis=(1, 3))
    assert cells.all(), f"snow missing in some screen cells:\n{cells}"
    assert 0.003 < changed.mean() < 0.4, changed.mean()


def test_smoke_weather_hazes_the_sky(fx):
    from sandbox.timeline.state import SceneState
    clear = _frame(fx, SceneState(), 4.0)
    haze = _frame(fx, SceneState(weather="smoke"), 4.0)
    assert _lum(haze[: H // 6]).mean() < _lum(clear[: H // 6]).mean() - 40
    top = haze[: H // 6].reshape(-1, 3).mean(0)
    assert top[0] >= top[2], f"smoke haze should be grey-brown, not blue: {top}"


def test_burnt_school_darker_than_intact(fx):
    from sandbox.timeline.state import SceneState
    cam = ((0, 5, 8), (0, 40, 8))
    intact = _frame(fx, SceneState(burnt=0.0), 4.0, cam)
    burnt = _frame(fx, SceneState(burnt=1.0), 4.0, cam)
    wall = slice(H // 3, 2 * H // 3)
    assert _lum(burnt[wall]).mean() < 0.8 * _lum(intact[wall]).mean()
    _frame(fx, SceneState(), 4.0, cam)


def test_seeking_gives_the_same_frame(fx):
    from sandbox import world
    from sandbox.timeline.state import Fire, SceneState, Strike
    strikes = tuple(Strike(HIT + [dx, dy, 0], t0, 1.0, i)
                    for i, (dx, dy, t0) in enumerate(((0, 0, 0.0), (-30, 5, 1.5), (25, -5, 3.0))))
    camp = world.anchors()["campfire"]
    state = SceneState(strikes=strikes, fires=(Fire(camp, 0.6, 1.0, 3),), weather="snow")
    fresh = _frame(fx, state, 3.4)
    _frame(fx, state, 8.4)
    again = _frame(fx, state, 3.4)
    assert np.abs(fresh - again).mean() < 0.3
    assert np.abs(fresh - _frame(fx, SceneState(), 3.4)).mean() > 1.0


def test_kind_variants_draw_what_the_all_kinds_shader_draws(fx):
    from sandbox import world
    from sandbox.view import shaders
    from sandbox.timeline.state import Fire, SceneState, Strike
    from sandbox.view import fx_emitters
    stage, effects, grab = fx
    camp = world.anchors()["campfire"]
    for state, t in ((SceneState(strikes=(Strike(HIT, 0.0, 1.0, 0),), weather="snow"), 0.6),
                     (SceneState(fires=(Fire(camp, 0.6, 1.0, 3),), weather="snow"), 2.0),
                     (SceneState(weather="snow"), 2.0)):
        picked = _frame(fx, state, t)
        layers = [layer for layer in (effects.alpha, effects.additive) if layer.count]
        masks = [layer.mask for layer in layers]
        assert all(mask != 255 for mask in masks)   # fewer kinds than all
        for layer in layers:
            layer.np.set_shader(effects.variant(layer is effects.additive, 255), 20)
        every = grab.grab().astype(np.float32)
        for layer in layers:
            layer.mask = None   # the next frame picks its variant again
        assert np.abs(picked - every).max() <= 1.0
    assert masks == [1 << fx_emitters.SNOW]   # the last: snow alone
    shaders.check_compiled(stage.base, effects.shaders)


def test_emitters_are_pure_and_bounded():
    from sandbox.config import ParamSet
    from sandbox.timeline.state import Strike
    from sandbox.view import fx_emitters as fx
    p = ParamSet(fx.PARAMS)
    s = Strike(HIT, 2.0, 1.0, 4)
    assert fx.explosion(s, 1.9, p) == ([], [])           # nothing before impact
    assert fx.explosion(s, 2.0 + fx.STRIKE_LIFE + 1, p) == ([], [])
    a, la = fx.explosion(s, 2.6, p)
    b, lb = fx.explosion(s, 2.6, p)
    ja, jb = fx.Batch.join(a), fx.Batch.join(b)
    assert np.array_equal(ja.pos, jb.pos) and np.array_equal(la, lb)
    assert len(ja) < 600                                  # a few hundred billboards a strike
    debris = ja.pos[ja.kind == fx.DEBRIS]
    assert len(debris) > 100 and debris[:, 2].min() >= HIT[2]
    other = fx.Batch.join(fx.explosion(Strike(HIT, 2.0, 1.0, 5), 2.6, p)[0])
    assert not np.allclose(other.pos[other.kind == fx.DEBRIS], debris)  # seeded per strike
