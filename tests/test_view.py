"""The Panda3D view renders headless: shaders compile, frames are not blank, night is
darker than day, the horde draws, its levels of detail partition the agents in view,
a far horde still draws (as cards) and agents behind the camera are culled; every level
of detail animates the behaviour state (the dead lie flat), the crowd is lit by the
effects' point lights and darkened by the school's shadow.

These tests need OpenGL (Mesa llvmpipe through p3headlessgl); they fail, not skip,
where it is missing. One ShowBase per process: a module-scoped fixture shares it.
"""

import contextlib

import numpy as np
import pytest

W, H = 320, 180


@pytest.fixture(scope="module")
def scene():
    from sandbox.view.app import FrameGrabber, open_base
    from sandbox import world
    from sandbox.view import shaders
    from sandbox.view.horde import Horde
    from sandbox.view.stage import Stage

    base = open_base((W, H))
    stage = Stage(base, world.load_parts(), world.tree_instances(), "day")
    horde = Horde(stage, 64)
    grab = FrameGrabber(base)
    shaders.check_compiled(base, stage.all_shaders() + horde.shaders)
    return base, stage, horde, grab


def _crowd(n, seed=3):
    rng = np.random.default_rng(seed)
    pos = np.stack([rng.uniform(-6, 6, n), rng.uniform(-32, -22, n)], 1).astype(np.float32)
    return (pos, np.zeros(n, np.float32), rng.uniform(0, 6.28, n).astype(np.float32),
            rng.uniform(0, 6.28, n).astype(np.float32))


def test_frame_renders_not_blank(scene):
    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera((0, -90, 12), (0, 30, 8), 50)
    img = grab.grab()
    assert img.shape == (H, W, 3)
    assert img.std() > 8.0, "frame is (nearly) uniform"
    # the sky (top rows) is bluish and brighter than black
    top = img[: H // 6].reshape(-1, 3).mean(0)
    assert top[2] > top[0] and top.mean() > 80


def test_day_brighter_than_night(scene):
    base, stage, horde, grab = scene
    stage.set_camera((0, -90, 12), (0, 30, 8), 50)
    stage.set_time_of_day("day")
    day = grab.grab().mean()
    stage.set_time_of_day("night")
    night = grab.grab().mean()
    stage.set_time_of_day("day")
    assert day > night * 2.0, (day, night)
    assert night > 8.0, "night must stay readable, not black"


def test_horde_draws_where_agents_stand(scene):
    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera((0, -48, 3), (0, -27, 1), 40)
    horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
    empty = grab.grab().astype(np.int16)
    horde.update(*_crowd(50))
    full = grab.grab().astype(np.int16)
    changed = (np.abs(full - empty).max(axis=2) > 20).mean()
    assert changed > 0.01, f"only {changed:.4f} of pixels changed with 50 agents"
    # Deterministic: the same state renders the same frame (within a small tolerance).
    again = grab.grab().astype(np.int16)
    assert np.abs(again - full).mean() < 0.5


def test_instance_count_follows_n(scene):
    base, stage, horde, grab = scene
    stage.set_camera((0, -48, 3), (0, -27, 1), 40)
    for n in (0, 10, 200):  # 200 > capacity 64: the buffers of the levels drawn grow
        horde.update(*_crowd(n))
        assert horde.count == n
        # all in view: each agent drawn once, twice inside a fade band
        assert n <= horde.instance_count <= 2 * n
        assert all(cap >= k for cap, k in zip(horde.capacities, horde.counts))
    grab.grab()


def test_lod_buckets_partition_agents():
    from sandbox.view.horde import CARD, FULL, MID, select_levels

    size = np.geomspace(1.0, 400.0, 5000).astype(np.float32)  # projected pixels
    full_px, card_px, band = 50.0, 15.0, 0.25
    buckets = select_levels(size, full_px, card_px, band)
    seen = np.zeros(len(size), int)
    fade_sum = np.zeros(len(size))
    for idx, fade, side in buckets:
        assert len(np.unique(idx)) == len(idx)
        assert np.all((fade > 0) & (fade <= 1)) and np.all((side == 0) | (side == 1))
        seen[idx] += 1
        fade_sum[idx] += fade
    in_band = (((size >= full_px) & (size < full_px * (1 + band)))
               | ((size >= card_px) & (size < card_px * (1 + band))))
    assert np.all(seen[~in_band] == 1) and np.all(seen[in_band] == 2)
    assert np.allclose(fade_sum, 1.0, atol=1e-5)  # complementary screen-door coverage
    assert set(buckets[FULL][0]) >= set(np.flatnonzero(size >= full_px * (1 + band)))
    assert set(buckets[CARD][0]) >= set(np.flatnonzero(size < card_px))
    assert buckets[FULL][0].min() > buckets[CARD][0].max()  # full near, card far
    # in a band the near level keeps t < w (side 0), the far one t >= w (side 1)
    i = int(np.flatnonzero(in_band & (size > full_px))[0])
    near = buckets[FULL][2][np.flatnonzero(buckets[FULL][0] == i)[0]]
    far = buckets[MID][2][np.flatnonzero(buckets[MID][0] == i)[0]]
    assert (near, far) == (0.0, 1.0)


def test_lod_full_near_card_far(scene):

    base, stage, horde, grab = scene
    stage.set_camera((0, -100, 2), (0, 0, 1), 40)
    pos = np.array([[0, -95], [0, 200], [0, -90]], np.float32)  # 5 m, 300 m, 10 m
    buckets = horde.select(pos, np.zeros(3, np.float32))
    assert [list(b[0]) for b in buckets] == [[0], [2], [1]]
    assert all(np.all(b[1] == 1.0) for b in buckets)  # none in a fade band


def test_far_horde_draws_as_cards(scene):
    from sandbox.view.horde import CARD

    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera((0, -230, 6), (0, -70, 0.8), 9)  # telephoto onto the field
    n = 300
    rng = np.random.default_rng(5)
    pos = np.stack([rng.uniform(-8, 8, n), rng.uniform(-80, -60, n)], 1).astype(np.float32)
    args = (np.zeros(n, np.float32), rng.uniform(0, 6.28, n), rng.uniform(0, 6.28, n))
    horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
    empty = grab.grab().astype(np.int16)
    horde.update(pos, *args)
    assert horde.counts[CARD] == n and horde.instance_count == n, horde.counts
    full = grab.grab().astype(np.int16)
    changed = (np.abs(full - empty).max(axis=2) > 20).mean()
    assert changed > 0.01, f"only {changed:.4f} of pixels changed with {n} far agents"


def test_cards_share_instances_and_spare_slots_draw_nothing(scene):
    """Several cards ride one instance: a count that does not fill the last instance
    draws every card, and its spare slots draw nothing, not the agents a bigger frame
    left in the buffer."""
    from sandbox.view.horde import CARD, CARD_PX, CARDS_PER_INSTANCE, FIG_HEIGHT

    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera((0, -60, 1.5), (0, 0, 1.0), 40)
    focal = 0.5 * H / np.tan(np.radians(20))
    d = FIG_HEIGHT * focal / (0.8 * CARD_PX)
    n = 2 * CARDS_PER_INSTANCE - 1
    x = np.linspace(-0.35, 0.35, n) * d
    pos = np.stack([x, np.full(n, -60 + d)], 1).astype(np.float32)
    cols = np.round(W / 2 + focal * x / d).astype(int)   # each agent's screen column

    def drawn(k):   # the first k agents; per agent, pixels changed within 2 columns of it
        horde.update(pos[:k], np.zeros(k, np.float32), np.zeros(k, np.float32),
                     np.full(k, 0.7, np.float32))
        assert horde.counts[CARD] == k
        diff = (np.abs(grab.grab().astype(np.int16) - empty).max(axis=2) > 20).sum(axis=0)
        return [int(diff[c - 2:c + 3].sum()) for c in cols]

    with _level(horde, CARD):
        horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
        empty = grab.grab().astype(np.int16)
        assert min(drawn(n)) > 3
        k = CARDS_PER_INSTANCE + 1
        cover = drawn(k)
    assert min(cover[:k]) > 3 and max(cover[k:]) == 0, cover


def test_culling_drops_agents_behind_camera(scene):
    base, stage, horde, grab = scene
    stage.set_camera((0, -48, 3), (0, -27, 1), 40)
    pos, z, hd, ph = _crowd(40)
    behind = pos.copy()
    behind[:, 1] = -96 - pos[:, 1]  # mirrored behind the camera (y = -48)
    aside = pos.copy()
    aside[:, 0] += 200  # far outside the view cone to the right
    horde.update(np.concatenate([pos, behind, aside]), np.concatenate([z, z, z]),
                 np.concatenate([hd, hd, hd]), np.concatenate([ph, ph, ph]))
    drawn = np.unique(np.concatenate([idx for idx, _, _ in horde.select(
        np.concatenate([pos, behind, aside]), np.concatenate([z, z, z]))]))
    assert list(drawn) == list(range(40))
    assert 40 <= horde.instance_count <= 80
    horde.update(behind, z, hd, ph)
    assert horde.instance_count == 0
    grab.grab()


@contextlib.contextmanager
def _level(horde, level):
    """Force every agent in view into one level of detail (thresholds in pixels)."""
    from sandbox.view.horde import CARD, FULL
    saved = horde.full_px, horde.card_px
    horde.full_px, horde.card_px = (0.0, 0.0) if level == FULL else (
        (1e9, 1e8) if level == CARD else (1e9, 0.0))
    try:
        yield
    finally:
        horde.full_px, horde.card_px = saved


def _states(*names):
    from sandbox.crowd import STATES
    return np.array([STATES.index(n) for n in names], np.uint8)


def _bbox(mask):
    """(width, height) in pixels of the True pixels' bounding box."""
    ys, xs = np.nonzero(mask)
    assert len(xs) > 20, f"figure covers only {len(xs)} pixels"
    return xs.max() - xs.min() + 1, ys.max() - ys.min() + 1


@pytest.mark.parametrize("level", [0, 1, 2])
def test_dead_lie_flat_runners_stand(scene, level):
    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera((0, -36, 1.6), (0, -27, 0.5), 30)  # side view of one agent heading +x
    one = (np.array([[0, -27]], np.float32), np.zeros(1, np.float32), np.zeros(1, np.float32),
           np.full(1, 0.7, np.float32))
    with _level(horde, level):
        horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
        empty = grab.grab().astype(np.int16)
        size = {}
        for state in ("chase", "dead", "knocked"):
            horde.update(*one, tint=np.full(1, 0.3, np.float32), state=_states(state))
            assert horde.counts[level] == 1, horde.counts
            img = grab.grab().astype(np.int16)
            size[state] = _bbox(np.abs(img - empty).max(axis=2) > 20)
    (rw, rh), (dw, dh), (kw, kh) = size["chase"], size["dead"], size["knocked"]
    assert rh > rw, f"a running figure should stand: {size}"
    assert dw > 2.0 * dh and kw > 1.5 * kh, f"the dead and knocked should lie: {size}"
    assert dh < 0.4 * rh, size


@pytest.mark.parametrize("level", [0, 1, 2])
def test_state_changes_pixels_each_level(scene, level):
    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_time(2.0)
    stage.set_camera((0, -48, 6), (0, -27, 0.5), 40)
    pos, z, hd, ph = _crowd(30)
    frames = {}
    with _level(horde, level):
        for state in ("wander", "chase", "attack", "turning", "dead"):
            horde.update(pos, z, hd, ph, state=_states(*[state] * 30))
            assert horde.counts[level] == 30
            frames[state] = grab.grab().astype(np.int16)
        horde.update(pos, z, hd, ph, state=_states(*["flee"] * 30), kind=np.full(30, 3, np.uint8))
        frames["human"] = grab.grab().astype(np.int16)
    stage.set_time(0.0)
    for state, img in frames.items():
        if state != "chase":
            changed = (np.abs(img - frames["chase"]).max(axis=2) > 20).mean()
            assert changed > 0.002, f"{state} looks like chase at level {level}: {changed:.4f}"


@pytest.mark.parametrize("level", [0, 2])
def test_fire_lights_the_horde_at_night(scene, level):
    base, stage, horde, grab = scene
    stage.set_time_of_day("night")
    stage.set_camera((0, -48, 3), (0, -27, 1), 40)
    ang = np.linspace(0, 2 * np.pi, 12, endpoint=False)  # a ring 2 m around a campfire
    pos = np.stack([2 * np.cos(ang), -27 + 2 * np.sin(ang)], 1).astype(np.float32)
    z, hd, ph = np.zeros(12, np.float32), (ang + np.pi).astype(np.float32), ang
    fire = np.array([[0.0, -27.0, 0.8, 12.0, 6.0, 3.0, 1.0]], np.float32)  # (xyz, r, rgb)
    try:
        with _level(horde, level):
            stage.set_point_lights(fire)
            horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
            ground = grab.grab().astype(np.int16)
            horde.update(pos, z, hd, ph)
            lit = grab.grab().astype(np.float64)
            stage.set_point_lights(np.zeros((0, 7), np.float32))
            dark = grab.grab().astype(np.float64)
    finally:
        stage.set_point_lights(np.zeros((0, 7), np.float32))
        stage.set_time_of_day("day")
    figures = np.abs(lit - ground).max(axis=2) > 20  # pixels the horde covers
    assert figures.mean() > 0.005
    assert lit[figures].mean() > 1.2 * dark[figures].mean() + 3, (
        lit[figures].mean(), dark[figures].mean())


@pytest.mark.parametrize("level", [0, 1, 2])
def test_the_school_shades_the_horde(scene, level):
    """At day the sun stands to the south, so the school's shadow lies to its north: the
    same figures, seen from the same offset, are darker in it than south of the school,
    at every level of detail (the cards take their shadow taps per corner)."""
    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    pos, z, hd, ph = _crowd(12)
    pos = (pos - np.array([0, -27], np.float32)) * np.float32(0.4)   # 12 agents, 5 x 4 m
    hd = np.full(12, -np.pi / 2, np.float32)                      # facing the camera
    mean = {}
    with _level(horde, level):
        for name, y in (("shade", 62.0), ("sun", 24.0)):   # the school spans y 37-51
            stage.set_camera((0, y - 9, 2.5), (0, y, 1.0), 40)
            horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
            empty = grab.grab().astype(np.int16)
            horde.update(pos + np.array([0, y], np.float32), z, hd, ph)
            img = grab.grab().astype(np.int16)
            figures = np.abs(img - empty).max(axis=2) > 20
            assert figures.mean() > 0.01, (name, figures.mean())
            mean[name] = img[figures].mean()
    assert mean["sun"] > 1.3 * mean["shade"], mean


def test_shader_error_names_file(scene, tmp_path, monkeypatch):
    from sandbox import paths
    from sandbox.view import shaders

    base = scene[0]
    (tmp_path / "bad.vert").write_text("#version 330\nin vec4 p3d_Vertex;\n"
                                       "void main() { gl_Position = p3d_Vertex + oops; }\n")
    (tmp_path / "bad.frag").write_text("#version 330\nout vec4 o;\nvoid main() { o = vec4(1); }\n")
    monkeypatch.setattr(paths, "SHADERS", tmp_path)
    sh = shaders.load("bad.vert", "bad.frag", {"FOO": 2})
    node = base.render.attach_new_node("bad")
    from sandbox.view.stage import fullscreen_triangle
    tri = fullscreen_triangle()
    tri.reparent_to(node)
    tri.set_shader(sh, 50)
    try:
        with pytest.raises(shaders.ShaderError, match="bad.vert"):
            shaders.check_compiled(base, [sh])
    finally:
        node.remove_node()


def test_defines_keep_line_numbers(tmp_path):
    from sandbox.view.shaders import preprocess
    f = tmp_path / "a.vert"
    f.write_text("#version 330\n// two\nvoid main() {}\n")
    src, files = preprocess(f, {"A": 1, "B": True})
    lines = src.splitlines()
    assert lines[0] == "#version 330" and "#define A 1" in lines and "#define B" in lines
    assert "#line 2 0" in lines and files == [f]


def test_level_budget_caps_full_and_middle_figures():
    """In a dense crowd the thresholds rise: about `full_budget` agents get the full
    figure and `mid_budget` more the middle one, the nearest first; a small crowd keeps
    the plain thresholds."""
    from types import SimpleNamespace
    from sandbox.view.horde import CARD_PX, FADE_BAND, FULL_PX, Horde, select_levels

    horde = SimpleNamespace(full_px=FULL_PX, card_px=CARD_PX, band=FADE_BAND,
                            full_budget=100, mid_budget=400)
    # projected heights of 5,000 agents spread in depth (log-uniform 4 .. 300 px)
    size = np.sort(np.exp(np.random.default_rng(3).uniform(np.log(4), np.log(300), 5000)))[::-1]
    full_px, card_px = Horde.budget_thresholds(horde, size)
    assert full_px > FULL_PX and CARD_PX < card_px < full_px
    assert np.count_nonzero(size >= full_px) == 100       # only the 100 nearest full
    assert np.count_nonzero(size >= card_px) == 500       # and 400 more in the middle
    levels = [set(b[0]) for b in select_levels(size, full_px, card_px, FADE_BAND)]
    full, mid, card = levels
    assert full | mid | card == set(range(len(size)))     # every agent still drawn
    assert not full & card                                # never in three levels
    assert max(full) < min(card)                          # nearer agents, finer levels
    few = size[::50]                                      # 100 agents: under budget
    assert Horde.budget_thresholds(horde, few) == (FULL_PX, CARD_PX)


def test_levels_cover_the_same_pixels_and_a_fade_band_keeps_them(scene):
    """Where the levels of detail switch, the next level covers about the pixels the one
    before covered: full and middle figures about FULL_PX tall, middle figures and cards
    about CARD_PX tall; agents inside a fade band, drawn by two levels in complementary
    dither (in a draw part of their own, after the whole figures), cover about as much as
    the full figures they replace: nothing pops at a switch."""
    from sandbox.view.horde import CARD, CARD_PX, FIG_HEIGHT, FULL, FULL_PX, MID

    base, stage, horde, grab = scene
    stage.set_time_of_day("day")
    stage.set_camera((0, -60, 1.5), (0, 0, 1.0), 40)
    focal = 0.5 * H / np.tan(np.radians(20))
    horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
    empty = grab.grab().astype(np.int16)

    def covered(pos):
        n = len(pos)
        horde.update(pos, np.zeros(n, np.float32), np.linspace(0, 6, n).astype(np.float32),
                     np.full(n, 0.7, np.float32))
        return int((np.abs(grab.grab().astype(np.int16) - empty).max(axis=2) > 20).sum())

    def row(px, n):   # n agents across the view, each about px pixels tall
        d = FIG_HEIGHT * focal / px
        x = np.linspace(-0.3, 0.3, n) * d
        return np.stack([x, np.full(n, -60 + d)], 1).astype(np.float32)

    near, far = row(FULL_PX, 8), row(CARD_PX, 24)
    cover = {}
    for key, level, pos in (("full", FULL, near), ("mid", MID, near),
                            ("mid far", MID, far), ("card", CARD, far)):
        with _level(horde, level):
            cover[key] = covered(pos)
            assert horde.counts[level] == len(pos), horde.counts
    saved = horde.full_px
    horde.full_px = FULL_PX * 0.9   # every other agent whole, the rest in the fade band
    try:
        mixed = np.concatenate([row(FULL_PX * 1.25, 8)[::2], near[1::2]])
        with _level(horde, FULL):
            cover["full mixed"] = covered(mixed)
        cover["band"] = covered(mixed)
        assert horde.counts[:2] == (8, 4), horde.counts
    finally:
        horde.full_px = saved
    assert 0.7 < cover["mid"] / cover["full"] < 1.43, cover
    assert 0.7 < cover["card"] / cover["mid far"] < 1.43, cover
    assert 0.8 < cover["band"] / cover["full mixed"] < 1.25, cover


def test_what_hides_most_is_drawn_first(scene):
    """The opaque bin draws in scene-graph order and llvmpipe shades only the fragments
    that pass its early depth test, so the horde goes before the world's parts (in the
    opaque bin, not after it), the trees before the ground, all in DRAW_ORDER."""
    from sandbox.view.stage import DRAW_ORDER

    base, stage, horde, grab = scene
    names = [c.get_name() for c in stage.root.get_children()]
    drawn = [n for n in names if n in DRAW_ORDER]
    assert drawn == [n for n in DRAW_ORDER if n in drawn]
    assert {"horde", "school", "city", "trees", "terrain"} <= set(drawn)
    assert drawn[-2:] == ["grounds", "terrain"]
    assert horde.np.get_bin_name() == ""


def test_a_buildings_rooms_are_not_shaded_behind_its_shell(scene):
    """Seen from the roof, the school's storeys lie behind the roof slab: drawn after the
    shell (sandbox.world.draw_order), they fail the early depth test instead of being
    shaded and then covered. Every part is drawn with a shader that adds one level per
    fragment it lets through: the school's fragments per pixel it covers, 1.04 (2.64 when it
    was drawn in the order it was built, roof last)."""
    from panda3d.core import ColorBlendAttrib, Shader

    base, stage, horde, grab = scene
    count = Shader.make(Shader.SL_GLSL, """#version 330
uniform mat4 p3d_ModelViewProjectionMatrix;
in vec4 p3d_Vertex;
void main() { gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex; }""", """#version 330
uniform vec4 u_level;
out vec4 o_color;
void main() { o_color = u_level; }""")
    stage.set_camera((-30.5, 44.0, 16.1), (10.0, 44.0, 12.0), 60)   # from the campfire
    others = [(c, c.get_sort()) for c in stage.root.get_children()
              if c.get_name() not in stage.parts]
    clear = base.win.get_clear_color()
    gsg = base.win.get_gsg()
    maps = [(buf, buf.is_active()) for buf in (stage.sun.get_shadow_buffer(gsg),
                                                stage.cast.get_shadow_buffer(gsg))]
    try:
        base.win.set_clear_color((0, 0, 0, 1))
        for buf, _ in maps:   # the shadow maps keep what they hold
            buf.set_active(False)
        for c, _ in others:
            c.stash()
        for name, part in stage.parts.items():
            part.set_shader(count, 1000)
            part.set_attrib(ColorBlendAttrib.make(ColorBlendAttrib.M_add), 1000)
            part.set_shader_input("u_level", (0, 1 / 255 if name == "school" else 0, 0, 0), 1000)
        school = grab.grab()[..., 1].astype(np.float64)
    finally:
        base.win.set_clear_color(clear)
        for buf, active in maps:
            buf.set_active(active)
        for c, sort in others:   # hidden from some cameras as before, in the same place
            c.unstash(sort)
        for part in stage.parts.values():
            part.clear_shader()
            part.clear_attrib(ColorBlendAttrib)
            part.clear_shader_input("u_level")
    covered = school > 0
    assert covered.mean() > 0.5
    per_pixel = school.sum() / covered.sum()
    assert per_pixel < 1.5, per_pixel


def test_shadow_maps_are_drawn_only_when_their_depths_can_change(scene):
    """The sun's map of what stands still is drawn again only after the sun moved; the
    moving casters' map while casters whose shadow can reach the sun's map are on stage,
    and once after they leave (to empty it); a kept map gives the very frame a drawn one
    gives."""
    base, stage, horde, grab = scene
    horde.update(np.zeros((0, 2), np.float32), np.zeros(0), np.zeros(0), np.zeros(0))
    stage.set_camera((30, -60, 25), (0, 40, 5), 45)   # the school and its shadows
    stage.set_time_of_day("day")
    gsg = base.win.get_gsg()
    sun, cast = stage.sun.get_shadow_buffer(gsg), stage.cast.get_shadow_buffer(gsg)
    on_field = [(np.array([0.0, -20.0, 1.0]), 1.0)]
    far_away = [(np.array([5000.0, 0.0, 1.0]), 1.0)]   # its shadow cannot reach the map
    drawn = []
    try:
        for casters in ((), (), on_field, on_field, (), (), far_away):
            stage.update_shadow_map(casters)
            drawn.append((sun.is_active(), cast.is_active()))
        assert drawn == [(True, False), (False, False), (False, True), (False, True),
                         (False, True), (False, False), (False, False)]
        kept = grab.grab()
        sun.set_active(True)
        assert np.array_equal(kept, grab.grab())
        stage.set_time_of_day("dusk")
        stage.update_shadow_map()
        assert sun.is_active()
        dusk = grab.grab()
        stage.update_shadow_map()
        assert not sun.is_active() and np.array_equal(dusk, grab.grab())
    finally:
        sun.set_active(True)
        stage.set_time_of_day("day")


@pytest.mark.parametrize("pose", [((0, -48, 3), (0, -27, 1), 40, 0.0),
                                  ((30, -60, 25), (0, 40, 5), 45, -12.0),
                                  ((-5, 10, 80), (0, 12, 0), 60, 30.0)])
def test_a_plan_made_off_the_main_thread_sees_what_the_camera_sees(scene, pose):
    """`camera_view` works out in numpy the camera `Stage.set_camera` places, so a horde
    planned for it on the worker thread is the one planned from the camera itself."""
    from sandbox.view.stage import camera_view

    base, stage, horde, grab = scene
    pos, look, fov, roll = pose
    stage.set_camera(pos, look, fov, roll)
    view = camera_view(pos, look, fov, roll, (W, H))
    here = horde.view()
    assert np.allclose(view[0], here[0], atol=1e-4) and np.allclose(view[1:], here[1:])
    args = _crowd(60)
    ahead, now = horde.plan(*args, view=view), horde.plan(*args)
    assert ahead.seen_from(here) and ahead.count == now.count == 60
    for (rows_a, whole_a), (rows_b, whole_b) in zip(ahead.levels, now.levels):
        assert whole_a == whole_b and np.array_equal(rows_a, rows_b)
    assert not ahead.seen_from(camera_view(pos, look, fov + 5, roll, (W, H)))
