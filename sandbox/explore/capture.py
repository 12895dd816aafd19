"""F12 screenshots and the record toggle: what is on screen, HUD included, to PNG or to
MP4 through the project's encoder (`sandbox.render.video.VideoWriter`).

A recording runs at a fixed frame rate: while it runs, scene time advances exactly
1/fps (times the playback speed) per drawn frame, as in `hyosan render`, so the video
plays at the right pace however slowly frames are drawn."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

RECORD_FPS = 30


def window_rgb(base) -> np.ndarray:
    """(h, w, 3) uint8 RGB of what the window shows now (the last rendered frame)."""
    tex = base.win.get_screenshot()
    if tex is None:
        raise RuntimeError("the window has no frame to read yet")
    data = tex.get_ram_image_as("RGB")
    img = np.frombuffer(data, np.uint8).reshape(tex.get_y_size(), tex.get_x_size(), 3)
    return img[::-1].copy()


def stamped(folder: Path, stem: str, suffix: str) -> Path:
    """folder/stem-YYYYmmdd-HHMMSS[-k]suffix, not yet taken."""
    base = f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, k = folder / f"{base}{suffix}", 1
    while path.exists():
        path, k = folder / f"{base}-{k}{suffix}", k + 1
    return path


def screenshot(base, folder: Path, stem: str) -> Path:
    from sandbox.view.app import save_png
    path = stamped(folder, stem, ".png")
    save_png(window_rgb(base), path)
    return path


class Recorder:
    """Frames of the window to an MP4; `add_frame()` after each rendered frame.

    Uses a RAM-copied render texture (sandbox.view.app.FrameGrabber) only while
    recording, so exploring without recording pays no readback."""

    def __init__(self, base, folder: Path, stem: str, fps: int = RECORD_FPS):
        from sandbox.render.video import VideoWriter
        from sandbox.view.app import FrameGrabber

        w, h = base.win.get_x_size(), base.win.get_y_size()
        self.base, self.fps = base, fps
        self.path = stamped(folder, stem, ".mp4")
        folder.mkdir(parents=True, exist_ok=True)
        self.video = VideoWriter(self.path, (w - w % 2, h - h % 2), fps, quality="draft")
        self.grabber = FrameGrabber(base)

    @property
    def frames(self) -> int:
        return self.video.frames

    def add_frame(self) -> None:
        if not self.grabber.tex.has_ram_image():
            return   # the copy starts with the next frame
        rgb = self.grabber.grab(render=False)
        h, w = self.video.size[1], self.video.size[0]
        self.video.write(np.ascontiguousarray(rgb[:h, :w]))

    def stop(self) -> Path:
        self.base.win.clear_render_textures()
        self.video.close()
        return self.path
