"""Open the one Panda3D ShowBase of the process, headless (EGL, offscreen) or windowed.

Headless rendering goes through Mesa llvmpipe via `p3headlessgl`; the PRC below is the
set-up measured to work (see DESIGN.md): offscreen window, null audio, no vsync, no
power-of-two texture padding and a non-real-time clock so movie frames are stepped by
scene time, never wall-clock.
"""

from __future__ import annotations

import os

from panda3d.core import CullBinManager, loadPrcFileData

_BASE = None


def prc_lines(size: tuple[int, int], headless: bool, multisamples: int = 0) -> str:
    """The PRC text `open_base` applies; `size` is (width, height) in pixels."""
    w, h = int(size[0]), int(size[1])
    lines = [
        f"win-size {w} {h}",
        "audio-library-name null",
        "sync-video false",
        "textures-power-2 none",
        "clock-mode non-real-time",
        "show-frame-rate-meter false",
        "print-pipe-types false",
        "gl-coordinate-system default",
        # GLSL 330+ everywhere: a core-profile-capable context. llvmpipe gives 4.5.
        "gl-version 3 3",
        "basic-shaders-only false",
        "framebuffer-srgb false",
        "default-directnotify-level warning",
        "notify-level-glgsg warning",
        "notify-level-display error",
        "notify-level-device fatal",
        "notify-level-audio error",
        # Compose transforms afresh: the cache of compositions kept results from earlier
        # frames, so a frame's vertices could land a rounding error apart depending on
        # what was drawn before it (a few edge pixels changed). No measurable cost.
        "transform-cache false",
    ]
    if headless:
        lines += ["load-display p3headlessgl", "window-type offscreen",
                  "aux-display p3headlessgl"]
    else:
        lines += ["load-display pandagl", "window-type onscreen",
                  "window-title hyosan"]
    if multisamples:
        lines += ["framebuffer-multisample true", f"multisamples {int(multisamples)}"]
    return "\n".join(lines) + "\n"


def open_base(size: tuple[int, int] = (1280, 720), headless: bool = True):
    """The process's ShowBase, created on first call with the headless (or windowed) PRC.

    `size`: (width, height) pixels of the main window/offscreen buffer. Panda3D allows
    one ShowBase per process, so a second call returns the first base (its size must
    match, else ValueError). The default mouse trackball is disabled: cameras are set
    explicitly by the stage. numba's OpenMP threads are set to wait asleep
    (OMP_WAIT_POLICY, unless already set).
    """
    global _BASE
    if _BASE is not None:
        w, h = _BASE.win.get_x_size(), _BASE.win.get_y_size()
        if (w, h) != (int(size[0]), int(size[1])):
            raise ValueError(f"open_base: a ShowBase of {w}x{h} already exists in this "
                             f"process; asked for {size[0]}x{size[1]}")
        return _BASE
    # numba's OpenMP threads spin after each parallel kernel, waiting for the next; beside
    # a software rasteriser that spinning takes the cores its threads need (a fifth of
    # the CPU of a draft render here), so they sleep instead. OpenMP reads this when numba
    # first runs a parallel kernel, which in a rendering process comes after the base.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    loadPrcFileData("hyosan-view", prc_lines(size, headless))
    from direct.showbase.ShowBase import ShowBase

    base = ShowBase(windowType="offscreen" if headless else "onscreen")
    if base.win is None:
        raise RuntimeError("open_base: Panda3D could not open a graphics output "
                           "(no OpenGL? headless needs Mesa's EGL: libegl1/libgl1-mesa-dri)")
    base.disableMouse()
    base.setBackgroundColor(0, 0, 0, 1)
    # Opaque geometry draws in scene-graph order. Panda3D's default state-sorted bin
    # orders render states by their addresses in memory, which differ from run to run,
    # and where two surfaces meet at equal depth the first drawn wins: the same frame
    # came out with a few pixels changed between runs.
    bins = CullBinManager.get_global_ptr()
    bins.set_bin_type(bins.find_bin("opaque"), CullBinManager.BT_unsorted)
    _BASE = base
    return base


def renderer(base) -> str:
    """The OpenGL driver drawing `base.win`, e.g. "llvmpipe (LLVM 15.0.6, 256 bits), GL
    4.5": benchmark figures mean little without it (software GL versus a GPU)."""
    gsg = base.win.get_gsg()
    return f"{gsg.get_driver_renderer()}, GL {gsg.get_driver_version()}"


class FrameGrabber:
    """Read frames of `base.win` back into numpy through a RAM-copied render texture
    (5.7 ms at 1280x720, about half of getScreenshot). With a post chain
    (sandbox/view/post.py) the window holds the chain's final LDR pass, so this reads
    the finished frame, never the float HDR target."""

    def __init__(self, base):
        from panda3d.core import GraphicsOutput, Texture
        self.base = base
        self.tex = Texture("grab")
        base.win.add_render_texture(self.tex, GraphicsOutput.RTM_copy_ram)

    def grab(self, render: bool = True):
        """(h, w, 3) uint8 RGB of the next frame (rendered now unless render=False).

        Renders two frames the first time so the copy holds the current one."""
        import numpy as np
        eng = self.base.graphicsEngine
        if render:
            eng.render_frame()
            if not self.tex.has_ram_image():
                eng.render_frame()
        data = self.tex.get_ram_image_as("RGB")
        h, w = self.tex.get_y_size(), self.tex.get_x_size()
        img = np.frombuffer(data, np.uint8).reshape(h, w, 3)
        return img[::-1].copy()  # Panda's rows run bottom-up


def save_png(img, path) -> None:
    from PIL import Image
    from pathlib import Path
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(img).save(str(path))
