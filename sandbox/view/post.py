"""Post-processing in hand-written GLSL: the camera renders linear HDR into a float
(rgba16f) target, multisampled and resolved (AA "msaa") or single-sample; a bright pass
and a separable Gaussian at 1/`bloom_div` resolution make the bloom; the composite adds
it, applies the filmic curve, the time of day's grade (baked into a 3D table per preset:
`grade_table`), vignette and film grain, and writes display RGB into the window (or,
with FXAA, into a texture that `_fxaa` filters into the window), so FrameGrabber reads
the final LDR frame as before.

Built on direct.filter.FilterManager (GLSL quads work headless; CommonFilters is Cg and
does not). The scene's shaders must write linear HDR: built with common.glsl's
HDR_OUTPUT (a Stage made with hdr_output=True); `destroy()` puts the camera back on the
window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.config import ConfigError, Param, ParamSet

AA_MODES = ("none", "fxaa", "msaa")
GRADE_SIZE = 48   # entries per side of the grade table: within about 1/255 of the exact grade
LUMA = np.array([0.2126, 0.7152, 0.0722])
MSAA_SAMPLES = 4  # 8 fails on llvmpipe (DESIGN.md)

POST_PARAMS = (
    Param("bloom", 1, 0, 1, doc="bloom on (1) or off (0)", integer=True, group="post"),
    Param("bloom_div", 4, 2, 8, doc="bloom buffers are 1/bloom_div of the frame per side",
          integer=True, live=False, group="post"),
    Param("grain", 0.02, 0.0, 0.2, unit="display units",
          doc="film grain amplitude (0 = off)", group="post"),
    Param("vignette", 1.0, 0.0, 2.0, doc="scale on the time of day's vignette (0 = off)",
          group="post"),
)


@dataclass(frozen=True)
class Quality:
    """What a render quality turns on: anti-aliasing mode and post settings."""
    aa: str
    values: dict


QUALITY = {
    # Finale on llvmpipe, 2 cores, draw + readback per frame at 1280x720: the chain with
    # bloom and grain costs ~5-20 ms over no post, FXAA ~5 ms more, 4x MSAA 30-100 ms
    # more (four times the scene fill): final takes FXAA for the 8 fps target.
    "final": Quality("fxaa", {"bloom": 1, "bloom_div": 4, "grain": 0.02, "vignette": 1.0}),
    "draft": Quality("none", {"bloom": 1, "bloom_div": 4, "grain": 0.0, "vignette": 1.0}),
}


def grain_offset(t: float) -> tuple[float, float]:
    """Pixel offset of the grain noise for scene time `t` (s): a fixed function of the
    time in whole milliseconds, so a frame's grain is reproducible and changes per frame."""
    k = int(round(float(t) * 1000.0))
    return float((k * 7919) % 4093), float((k * 104729) % 4091)


def filmic(hdr) -> np.ndarray:
    """common.glsl's filmic curve on linear HDR RGB: linear 0..1 (the composite's tone
    map, before the grade)."""
    c = np.asarray(hdr, np.float64)
    return np.clip((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0)


def grade(display, tod) -> np.ndarray:
    """The colour grade of preset `tod` on display-referred RGB (..., 3) in 0..1:
    contrast (a power S-curve about mid-grey that keeps 0 and 1), saturation, then
    lift/gamma/gain per channel. post_composite.frag applies it through `grade_table`."""
    c = np.asarray(display, np.float64)
    k = tod.contrast
    lo = 0.5 * (2.0 * c) ** k
    hi = 1.0 - 0.5 * (2.0 * (1.0 - c)) ** k
    c = np.where(c >= 0.5, hi, lo)
    grey = (c @ LUMA)[..., None]
    c = np.clip(grey + (c - grey) * tod.saturation, 0.0, 1.0)
    lifted = np.asarray(tod.gain) * (c + np.asarray(tod.lift) * (1.0 - c))
    return np.maximum(lifted, 0.0) ** (1.0 / np.asarray(tod.gamma))


def grade_table(tod, size: int = GRADE_SIZE) -> np.ndarray:
    """(size, size, size, 4) uint8 BGRA, indexed [b, g, r] (a 3D texture's pages, rows,
    texels): the display colour, graded, of tone-mapped linear RGB u**2 for u on a
    regular grid in 0..1 per channel (the square root spreads the entries like display
    gamma does, so dark tones are as finely sampled as bright ones)."""
    u = np.linspace(0.0, 1.0, size)
    b, g, r = np.meshgrid(u, u, u, indexing="ij")
    rgb = grade(np.stack([r, g, b], -1) ** (2.0 / 2.2), tod)
    out = np.empty((size, size, size, 4), np.uint8)
    out[..., :3] = np.round(np.clip(rgb[..., ::-1], 0.0, 1.0) * 255.0)
    out[..., 3] = 255
    return out


class PostChain:
    """The post-processing chain of `base`'s camera.

    presets: a Stage (its presets and current time of day are used) or a dict of
    lighting.TimeOfDay by name. quality: "final" or "draft" (QUALITY); `aa` overrides the
    quality's anti-aliasing ("none", "fxaa", "msaa"); `settings` overrides POST_PARAMS
    values (bloom_div and aa are fixed at construction, the rest live via `configure`).
    """

    def __init__(self, base, presets, quality: str = "final", aa: str | None = None,
                 settings: dict | None = None):
        from direct.filter.FilterManager import FilterManager
        from panda3d.core import FrameBufferProperties, Texture

        if quality not in QUALITY:
            raise ConfigError(f"post quality {quality!r}: allowed {', '.join(QUALITY)}")
        q = QUALITY[quality]
        self.aa = q.aa if aa is None else aa
        if self.aa not in AA_MODES:
            raise ConfigError(f"post aa {self.aa!r}: allowed {', '.join(AA_MODES)}")
        self.settings = ParamSet(POST_PARAMS, q.values, where=f"post quality {quality}")
        if settings:
            self.settings.update(settings, where="post settings")
        tod_name = getattr(presets, "time_of_day", None)
        self.presets = getattr(presets, "presets", presets)
        self.base = base
        w, h = base.win.get_x_size(), base.win.get_y_size()
        self.size = (w, h)

        def hdr_props(samples: int = 0) -> FrameBufferProperties:
            fb = FrameBufferProperties()
            fb.set_rgba_bits(16, 16, 16, 16)
            fb.set_float_color(True)
            if samples:
                fb.set_multisamples(samples)
            return fb

        def texture(name: str) -> Texture:
            tex = Texture(name)
            tex.set_wrap_u(Texture.WM_clamp)
            tex.set_wrap_v(Texture.WM_clamp)
            return tex

        self.manager = FilterManager(base.win, base.cam)
        # Run after the sun's shadow buffer (sort -10 and up) so this frame's map is used.
        self.manager.nextsort = base.win.get_sort() - 5
        self.scene_tex = texture("post-scene")
        scene_fb = hdr_props(MSAA_SAMPLES if self.aa == "msaa" else 0)
        scene_fb.set_depth_bits(24)
        self.final_quad = self.manager.renderSceneInto(colortex=self.scene_tex, fbprops=scene_fb)
        if self.final_quad is None:
            raise RuntimeError("PostChain: could not create the HDR scene buffer")

        self.shaders = []
        div = int(self.settings.bloom_div)
        self.bloom_tex = texture("post-bloom")
        bright_tex, blur_tex = texture("post-bright"), texture("post-blur-h")
        bright = self.manager.renderQuadInto("post-bright", div=div, colortex=bright_tex,
                                             fbprops=hdr_props())
        blur_h = self.manager.renderQuadInto("post-blur-h", div=div, colortex=blur_tex,
                                             fbprops=hdr_props())
        blur_v = self.manager.renderQuadInto("post-blur-v", div=div, colortex=self.bloom_tex,
                                             fbprops=hdr_props())
        bw, bh = max(1, w // div), max(1, h // div)
        self._bloom_quads = (bright, blur_h, blur_v)
        self._bloom_buffers = self.manager.buffers[-3:]
        self._shade(bright, "post_bright.frag", u_scene=self.scene_tex,
                    u_scene_texel=(1.0 / w, 1.0 / h), u_threshold=1.0, u_knee=0.5)
        self._shade(blur_h, "post_blur.frag", u_src=bright_tex, u_step=(1.0 / bw, 0.0))
        self._shade(blur_v, "post_blur.frag", u_src=blur_tex, u_step=(0.0, 1.0 / bh))

        if self.aa == "fxaa":
            ldr_tex = texture("post-ldr")
            self.composite = self.manager.renderQuadInto("post-composite", colortex=ldr_tex)
            self._fxaa(ldr_tex)
        else:
            self.composite = self.final_quad
        self.grade_tex = Texture("post-grade")
        self.grade_tex.setup_3d_texture(GRADE_SIZE, GRADE_SIZE, GRADE_SIZE,
                                        Texture.T_unsigned_byte, Texture.F_rgba8)
        for wrap in (self.grade_tex.set_wrap_u, self.grade_tex.set_wrap_v,
                     self.grade_tex.set_wrap_w):
            wrap(Texture.WM_clamp)
        self.grade_tex.set_minfilter(Texture.FT_linear)
        self.grade_tex.set_magfilter(Texture.FT_linear)
        # with and without grain (llvmpipe would pay for the grain's hashes on every pixel
        # behind a uniform test): `configure` puts on the one the grain setting needs
        self._grainy = self._shade(self.composite, "post_composite.frag", {"GRAIN": True})
        self._smooth = self._shade(self.composite, "post_composite.frag", u_scene=self.scene_tex,
                                   u_bloom=self.bloom_tex, u_aspect=w / h,
                                   u_grain_offset=(0.0, 0.0), u_grade=self.grade_tex,
                                   u_grade_size=float(GRADE_SIZE))
        self.time_of_day = None
        self._grades: dict[str, bytes] = {}
        self.configure({})
        self.set_time_of_day(tod_name or next(iter(self.presets)))

    def _fxaa(self, ldr_tex) -> None:
        """FXAA from `ldr_tex` into the window in two draws of the full-screen quad
        (post_fxaa.frag): the first copies the composite and marks its edge pixels in
        the depth buffer, the second filters where the mark passes its depth test. On
        llvmpipe that skips the filter's taps on every block without an edge: 1,253 M to
        1,224 M instructions for a 720p finale frame at 35 s, the same pixels. A window
        without a depth buffer passes every test and filters everywhere, as one pass."""
        from panda3d.core import DepthTestAttrib, NodePath, RenderAttrib
        w, h = self.size
        edges = self.final_quad
        fxaa = NodePath(edges.node().make_copy())   # the quad alone, not its camera
        fxaa.reparent_to(edges)
        self._shade(edges, "post_fxaa.frag", {"EDGES": True}, u_src=ldr_tex)
        edges.set_attrib(DepthTestAttrib.make(RenderAttrib.M_always), 1)  # writes depth
        edges.set_depth_write(True, 1)
        edges.set_bin("fixed", 0, 1)
        self._shade(fxaa, "post_fxaa.frag", u_texel=(1.0 / w, 1.0 / h))
        fxaa.set_attrib(DepthTestAttrib.make(RenderAttrib.M_greater), 1)  # at depth 0.5
        fxaa.set_depth_write(False, 1)
        fxaa.set_bin("fixed", 1, 1)

    def _shade(self, quad, fragment: str, defines: dict | None = None, **inputs):
        from sandbox.view import shaders
        shader = shaders.load("post_quad.vert", fragment, defines)
        quad.set_shader(shader)
        self.shaders.append(shader)
        for k, v in inputs.items():
            quad.set_shader_input(k, v)
        return shader

    def configure(self, values: dict) -> None:
        """Change live settings (bloom, grain, vignette); see POST_PARAMS."""
        if "bloom_div" in values:
            raise ConfigError("post setting bloom_div is fixed when the chain is built")
        self.settings.update(values, where="post settings")
        for buf in self._bloom_buffers:  # bloom off skips the buffers' work entirely
            buf.set_active(bool(self.settings.bloom))
        self.composite.set_shader_input("u_grain", float(self.settings.grain))
        self.composite.set_shader(self._grainy if self.settings.grain > 0 else self._smooth)
        if self.time_of_day is not None:
            self.set_time_of_day(self.time_of_day)

    def set_time_of_day(self, name: str) -> None:
        """Use the grade, vignette and bloom of preset `name`."""
        if name not in self.presets:
            raise ConfigError(f"unknown time of day {name!r} (known: {', '.join(self.presets)})")
        tod = self.presets[name]
        self.time_of_day = name
        bloom = tod.bloom_intensity if self.settings.bloom else 0.0
        c = self.composite
        c.set_shader_input("u_bloom_intensity", float(bloom))
        if name not in self._grades:   # 15-20 ms to bake: once per preset, not per switch
            self._grades[name] = grade_table(tod).tobytes()
        self.grade_tex.set_ram_image(self._grades[name])
        c.set_shader_input("u_vignette", float(min(1.0, tod.vignette * self.settings.vignette)))
        bright = self._bloom_quads[0]
        bright.set_shader_input("u_threshold", float(tod.bloom_threshold))
        bright.set_shader_input("u_knee", float(0.5 * tod.bloom_threshold))

    def set_time(self, t: float) -> None:
        """Scene time (s) of the next frame: seeds the grain (never wall-clock)."""
        self.composite.set_shader_input("u_grain_offset", grain_offset(t))

    def destroy(self) -> None:
        """Put the camera back on the window."""
        self.manager.cleanup()
