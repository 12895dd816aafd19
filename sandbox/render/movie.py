"""The non-real-time movie loop: scene time advances by exactly 1/fps per frame,
whatever the wall clock does, and every frame is piped to the encoder."""

from __future__ import annotations

import math
import time
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from sandbox.director import Director, Frame
from sandbox.config import ConfigError
from sandbox.timeline import Scene, load_scene


class _FpsColumn(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:5.1f} fps" if speed else "  ... fps", style="cyan")


class ScenePlayer:
    """A scene's director bound to a headless Panda3D stage: `draw(t)` renders scene time t."""

    def __init__(self, scene: Scene, size: tuple[int, int]):
        self.director = Director(scene)  # validates anchors and the crowd preset before any GL
        from sandbox import world
        from sandbox.view.app import FrameGrabber, open_base
        from sandbox.view.horde import Horde
        from sandbox.view.stage import Stage

        self.base = open_base(size=size, headless=True)
        self.stage = Stage(self.base, world.load_parts(), world.tree_instances(), scene.time_of_day)
        crowd = self.director.crowd
        self.horde = Horde(self.stage, capacity=max(crowd.n if crowd else 0, 1))
        self.grabber = FrameGrabber(self.base)
        self.size = size

    def show(self, frame: Frame) -> None:
        cam = frame.spec.camera
        self.stage.set_camera(cam.pos, cam.look_at, cam.fov, cam.roll)
        self.stage.set_time(frame.spec.t)
        h = frame.horde
        self.horde.update(h.positions, h.z, h.headings, h.phase)

    def draw(self, t: float):
        """Render scene time `t`; returns the (h, w, 3) uint8 RGB frame."""
        self.show(self.director.frame(t))
        return self.grabber.grab()


def render_movie(scene_path: Path, out: Path, size=(1280, 720), fps: int = 24,
                 console: Console | None = None) -> dict:
    """Render the whole scene to `out` (H.264 MP4); returns a summary of the run."""
    from sandbox.render.video import VideoWriter

    console = console or Console(stderr=True)
    player = ScenePlayer(load_scene(scene_path), size)
    n = max(1, math.ceil(player.director.scene.duration * fps - 1e-9))
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               _FpsColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    start = time.perf_counter()
    with VideoWriter(out, size, fps) as video, Progress(*columns, console=console) as bar:
        task = bar.add_task(f"rendering {scene_path.name}", total=n)
        for i in range(n):
            video.write(player.draw(i / fps))
            bar.advance(task)
    seconds = time.perf_counter() - start
    summary = {"frames": n, "seconds": seconds, "fps": n / seconds, "output": str(out),
               "bytes": out.stat().st_size}
    console.print(f"wrote {out}: {n} frames at {size[0]}x{size[1]}, {n / fps:.1f} s of video, "
                  f"rendered in {seconds:.1f} s ({n / seconds:.1f} fps), "
                  f"{summary['bytes'] / 1e6:.1f} MB")
    return summary


def render_still(scene_path: Path, t: float, out: Path, size=(1280, 720)) -> None:
    from PIL import Image

    scene = load_scene(scene_path)
    if not 0 <= t <= scene.duration:
        raise ConfigError(f"--at {t:g} is outside {scene_path} (0 to {scene.duration:g} s)")
    image = ScenePlayer(scene, size).draw(t)
    Image.fromarray(image).save(out)
