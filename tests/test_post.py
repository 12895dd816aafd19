"""The post chain (sandbox/view/post.py) on synthetic scenes drawn through common.glsl:
bloom spreads light around an emitter, the filmic curve does not hard-clip HDR, MSAA
and FXAA smooth a slanted edge (FXAA leaving pixels off edges as they were), the grade
differs per time of day and matches its numpy twin, grain is a function of scene time,
the vignette darkens corners.

Needs OpenGL (Mesa llvmpipe via p3headlessgl); fails, never skips, without it. One
ShowBase per process: 320x180 like test_view.py; everything made here is removed after.
"""

import numpy as np
import pytest

W, H = 320, 180

EMIT_FRAG = """#version 330
// HDR emitter for the tests: colour u_color * (u_ramp ? uv.x : 1), through tonemap().
#include "{common}"
uniform vec3 u_color;
uniform float u_ramp;
in vec2 v_uv;
out vec4 o_color;
void main() {{
    float k = u_ramp > 0.5 ? v_uv.x : 1.0;
    o_color = vec4(tonemap(u_color * k), 1.0);
}}
"""


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    from panda3d.core import CardMaker, Shader

    from sandbox.view import lighting, shaders
    from sandbox.view.app import FrameGrabber, open_base

    base = open_base((W, H))
    frag = tmp_path_factory.mktemp("glsl") / "emit.frag"
    frag.write_text(EMIT_FRAG.format(common=shaders.shader_path("common.glsl")))
    vsrc, _ = shaders.preprocess(shaders.shader_path("post_quad.vert"))

    def emitter(hdr: bool):
        fsrc, _ = shaders.preprocess(frag, {"HDR_OUTPUT": hdr})
        return Shader.make(Shader.SL_GLSL, vertex=vsrc, fragment=fsrc)

    shader, ldr = emitter(True), emitter(False)  # for the chain's float target / the window
    # Other test modules share the ShowBase: hide what they left under render.
    others = [c for c in base.render.get_children() if not c.is_stashed()]
    for c in others:
        c.stash()
    root = base.render.attach_new_node("post-test")
    root.set_shader(shader)
    root.set_shader_input("u_exposure", 1.0)
    root.set_shader_input("u_ramp", 0.0)
    cm = CardMaker("card")
    cm.set_uv_range((0, 0), (1, 1))

    def card(name, frame, y, color):
        cm.set_frame(*frame)
        np_ = root.attach_new_node(cm.generate())
        np_.set_pos(0, y, 0)
        np_.set_shader_input("u_color", color)
        return np_

    lens = base.cam.node().get_lens()
    old = (lens.get_fov(), base.cam.get_mat(), base.camera.get_mat())
    lens.set_fov(90, 90 * H / W)  # at distance 10 the view spans x +-10, z +-5.625
    base.cam.clear_transform()
    base.camera.clear_transform()
    rig = {"base": base, "root": root, "card": card, "grab": FrameGrabber(base),
           "presets": lighting.load_presets(), "shader": shader, "ldr_shader": ldr}
    yield rig
    root.remove_node()
    for c in others:
        c.unstash()
    lens.set_fov(old[0])
    base.cam.set_mat(old[1])
    base.camera.set_mat(old[2])


@pytest.fixture
def scene(rig):
    """Empty the test root after each test (cards are added per test)."""
    yield rig
    for child in rig["root"].get_children():
        child.remove_node()


def _chain(rig, aa="none", **settings):
    from sandbox.view import shaders
    from sandbox.view.post import PostChain

    values = {"grain": 0.0, "vignette": 0.0}
    values.update(settings)
    chain = PostChain(rig["base"], rig["presets"], "final", aa=aa, settings=values)
    shaders.check_compiled(rig["base"], chain.shaders + [rig["shader"]])
    chain.set_time_of_day("day")
    return chain


def _frame(rig, chain=None, t=0.0):
    if chain is not None:
        chain.set_time(t)
    rig["grab"].grab()
    return rig["grab"].grab().astype(np.int32)


def test_bloom_spreads_light_around_emitter(scene):
    scene["card"]("emitter", (-1, 1, -1, 1), 10.0, (8.0, 8.0, 8.0))
    chain = _chain(scene)
    try:
        glow = _frame(scene, chain)
        chain.configure({"bloom": 0})
        flat = _frame(scene, chain)
    finally:
        chain.destroy()
    # the emitter spans x 144..176; a band 4..12 px outside it on the row through its centre
    ring = np.r_[132:140, 180:188]
    assert glow[90, 160].min() > 240 and flat[90, 160].min() > 240
    assert flat[90, ring].max() < 8  # no light there without bloom (no AA: hard edge)
    assert glow[90, ring].mean() > flat[90, ring].mean() + 10


def test_tonemap_rolls_off_without_clipping(scene):
    ramp = scene["card"]("ramp", (-10, 10, -5.625, 5.625), 10.0, (16.0, 16.0, 16.0))
    ramp.set_shader_input("u_ramp", 1.0)
    chain = _chain(scene, bloom=0)
    try:
        row = _frame(scene, chain)[90, :, 1]  # HDR value 16 * x / W across the row
    finally:
        chain.destroy()
    hdr = 16.0 * (np.arange(W) + 0.5) / W
    assert np.all(np.diff(row) >= 0), "the tone curve must be monotonic"
    assert row[hdr <= 4.0].max() < 255, "values up to 4x white must not clip"
    # still rising between 1x and 4x white: highlights keep detail
    assert row[np.searchsorted(hdr, 4.0)] > row[np.searchsorted(hdr, 1.0)] + 12


def _edge_ramp_count(img):
    """Pixels strictly between black and white on a slanted edge (green channel)."""
    g = img[20:160, 40:280, 1]
    return int(np.count_nonzero((g > 25) & (g < 200)))


@pytest.mark.parametrize("aa", ["msaa", "fxaa"])
def test_antialiasing_smooths_a_slanted_edge(scene, aa):
    quad = scene["card"]("edge", (-4, 4, -4, 4), 10.0, (0.9, 0.9, 0.9))
    quad.set_r(17.0)
    counts = {}
    for mode in ("none", aa):
        chain = _chain(scene, aa=mode, bloom=0)
        try:
            counts[mode] = _edge_ramp_count(_frame(scene, chain))
        finally:
            chain.destroy()
    assert counts[aa] > 2 * counts["none"] + 50, counts


def test_fxaa_leaves_pixels_off_edges_as_they_were(scene):
    """FXAA filters only where its edge pass marked the depth buffer: faint grain on a
    grey card is no edge (its luma steps stay under FXAA's threshold) and comes out
    exactly as without anti-aliasing. Filtered everywhere, the grain would be smeared."""
    scene["card"]("grey", (-10, 10, -5.625, 5.625), 10.0, (0.18, 0.18, 0.18))
    frames = {}
    for mode in ("none", "fxaa"):
        chain = _chain(scene, aa=mode, bloom=0, grain=0.01)
        try:
            frames[mode] = _frame(scene, chain, t=0.5)
        finally:
            chain.destroy()
    assert frames["none"][40:140, 60:260].std() > 0.5   # there is grain to smear
    assert np.array_equal(frames["fxaa"], frames["none"])


def test_grade_differs_per_time_of_day(scene):
    scene["card"]("grey", (-10, 10, -5.625, 5.625), 10.0, (0.18, 0.18, 0.18))
    chain = _chain(scene, bloom=0)
    try:
        means = {}
        for name in ("day", "dusk", "night"):
            chain.set_time_of_day(name)
            means[name] = _frame(scene, chain)[60:120, 100:220].reshape(-1, 3).mean(0)
    finally:
        chain.destroy()
    for a, b in (("day", "dusk"), ("day", "night"), ("dusk", "night")):
        assert np.abs(means[a] - means[b]).max() > 3, (a, b, means)
    assert means["night"][2] > means["night"][0]  # moonlight grade leans blue
    assert means["dusk"][0] > means["dusk"][2]    # dusk grade leans warm


def test_composite_applies_the_grade_table(scene):
    """Saturated colours come out as the numpy grade of their tone-mapped display colour
    (post.grade after post.filmic) within the table's interpolation; a mix-up of the
    table's slices or channels moves them by tens of levels."""
    from sandbox.view.post import filmic, grade

    hdr = np.array([(1.2, 0.3, 0.05), (0.05, 0.6, 0.2), (0.1, 0.15, 0.9), (0.5, 0.45, 0.2)])
    for i, c in enumerate(hdr):  # 3 units wide, centred at x = -7.5 .. 7.5: columns 40 .. 280
        scene["card"](f"c{i}", (-9 + 5 * i, -6 + 5 * i, -2, 2), 10.0, tuple(map(float, c)))
    chain = _chain(scene, bloom=0)
    try:
        for name in ("day", "dusk", "night"):
            chain.set_time_of_day(name)
            got = _frame(scene, chain)[90, [40, 120, 200, 280]]
            want = 255.0 * grade(filmic(hdr) ** (1 / 2.2), scene["presets"][name])
            assert np.abs(got - want).max() <= 3, (name, got, want.round(1))
    finally:
        chain.destroy()


def test_grain_is_a_function_of_scene_time(scene):
    scene["card"]("grey", (-10, 10, -5.625, 5.625), 10.0, (0.18, 0.18, 0.18))
    chain = _chain(scene, bloom=0, grain=0.04)
    try:
        a = _frame(scene, chain, t=1.25)
        b = _frame(scene, chain, t=1.25)
        c = _frame(scene, chain, t=1.25 + 1 / 24)
        chain.configure({"grain": 0.0})
        flat = _frame(scene, chain, t=1.25)
    finally:
        chain.destroy()
    assert np.array_equal(a, b)
    assert np.abs(a - c).mean() > 2
    assert a[..., 1].std() > flat[..., 1].std() + 2  # it is noise, not a shift


def test_vignette_darkens_corners(scene):
    scene["card"]("grey", (-10, 10, -5.625, 5.625), 10.0, (0.3, 0.3, 0.3))
    chain = _chain(scene, bloom=0, vignette=1.0)
    try:
        img = _frame(scene, chain)
        chain.configure({"vignette": 0.0})
        plain = _frame(scene, chain)
    finally:
        chain.destroy()
    center = img[80:100, 150:170].mean()
    corners = np.mean([img[:10, :10].mean(), img[:10, -10:].mean(),
                       img[-10:, :10].mean(), img[-10:, -10:].mean()])
    assert corners < center - 20
    assert abs(plain[:10, :10].mean() - plain[80:100, 150:170].mean()) < 3


def test_destroy_puts_the_camera_back_on_the_window(scene):
    scene["root"].set_shader(scene["ldr_shader"])  # tone mapped in the shader, as without a chain
    try:
        scene["card"]("bright", (-10, 10, -5.625, 5.625), 10.0, (3.0, 3.0, 3.0))
        before = _frame(scene)
        _chain(scene, bloom=0).destroy()
        after = _frame(scene)
    finally:
        scene["root"].set_shader(scene["shader"])
    assert before[90, 160, 1] > 240 and np.array_equal(before, after)


def test_bad_settings_name_the_culprit(scene):
    from sandbox.config import ConfigError
    from sandbox.view.post import PostChain

    with pytest.raises(ConfigError, match="aa 'ssaa'"):
        PostChain(scene["base"], scene["presets"], "final", aa="ssaa")
    with pytest.raises(ConfigError, match="grain"):
        PostChain(scene["base"], scene["presets"], "final", settings={"grain": 5})
