"""The non-real-time movie loop: scene time advances by exactly 1/fps per frame,
whatever the wall clock does, and every frame is piped to the encoder. Also the
frame range, stills with a contact sheet, and the per-stage benchmark."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

from sandbox.director import Director, Frame
from sandbox.config import ConfigError
from sandbox.render import workers
from sandbox.render.ahead import frames_ahead
from sandbox.timeline import Scene, load_scene

if TYPE_CHECKING:   # the view's types; the view itself is imported when a player opens
    from sandbox.view.effects import EffectsPlan
    from sandbox.view.horde import HordePlan

QUALITIES = ("final", "draft")
AGENTS_RANGE = (1, 200_000)  # the scene file's own limit on a spawn's count
BENCH_STAGES = ("crowd", "show", "draw", "encode")


@dataclasses.dataclass(frozen=True)
class Ahead:
    """What `ScenePlayer.prepare` works out for a frame off the main thread, for the
    frame's camera: the horde sorted into its draws (`Horde.plan`), the effects'
    particles and lights (`Effects.plan`) and the people's joint matrices
    (`Actors.poses`)."""

    horde: HordePlan
    effects: EffectsPlan
    poses: dict


class _FpsColumn(ProgressColumn):
    """Frames per second: lately while running, over the whole bar once finished."""

    def render(self, task) -> Text:
        speed = task.speed
        if task.finished and task.finished_time:
            speed = task.completed / task.finished_time
        return Text(f"{speed:5.1f} fps" if speed else "  ... fps", style="cyan")


class ScenePlayer:
    """A scene's director bound to a headless Panda3D stage: `draw(t)` renders scene time t.

    quality "draft" renders no sun shadows (no shadow pass, no shadow lookups) and uses
    the cheaper post chain (no anti-aliasing, no grain); "final" is the full look: sun
    shadows of the world, trees and cast, HDR with bloom, grade, vignette, grain and FXAA
    (sandbox.view.post.QUALITY)."""

    def __init__(self, scene: Scene, size: tuple[int, int], quality: str = "final",
                 bake=None):
        self.director = Director(scene, bake)  # validates anchors and the crowd preset before any GL
        from sandbox import world
        from sandbox.view.actors import Actors
        from sandbox.view.app import FrameGrabber, open_base
        from sandbox.view.captions import Captions
        from sandbox.view.effects import Effects
        from sandbox.view.horde import Horde
        from sandbox.view.post import PostChain
        from sandbox.view.stage import Stage

        self.base = open_base(size=size, headless=True)
        self.stage = Stage(self.base, world.load_parts(), world.tree_instances(), scene.time_of_day,
                           sun_shadows=quality != "draft", hdr_output=True)
        self.horde = Horde(self.stage)   # each level's buffer grows to what it draws
        self.effects = Effects(self.stage, seed=scene.seed)
        self.actors = Actors(self.stage)
        self.post = PostChain(self.base, self.stage, quality)
        self.captions = Captions(self.base)
        self.grabber = FrameGrabber(self.base)
        self.size, self.quality = size, quality

    def prepare(self, t: float):
        """Scene time `t`'s frame and what `show` needs of it worked out for the frame's
        camera (`Ahead`): numpy alone, so `frames_ahead` runs it on its worker thread."""
        from sandbox.view.stage import camera_view
        frame = self.director.frame(t)
        cam = frame.spec.camera
        return frame, self._ahead(frame, camera_view(cam.pos, cam.look_at, cam.fov, cam.roll,
                                                     self.size))

    def _ahead(self, frame: Frame, view) -> Ahead:
        h, state, t = frame.horde, frame.spec.state, frame.spec.t
        return Ahead(self.horde.plan(h.positions, h.z, h.headings, h.phase, state=h.state,
                                     kind=h.kind, view=view),
                     self.effects.plan(state, t, view[0]),
                     self.actors.poses(state.actors, t))

    def show(self, frame: Frame, ahead: Ahead | None = None) -> None:
        """Put everything of `frame` on the stage: camera first (the horde's levels of
        detail and the effects' billboards depend on it), then the story's state. `ahead`:
        what `prepare` worked out (None, or made for another camera: worked out here)."""
        t, cam, state = frame.spec.t, frame.spec.camera, frame.spec.state
        if state.time_of_day != self.stage.time_of_day:
            self.stage.set_time_of_day(state.time_of_day)
            self.post.set_time_of_day(state.time_of_day)
        self.stage.set_camera(cam.pos, cam.look_at, cam.fov, cam.roll)
        self.stage.set_time(t)
        self.post.set_time(t)
        view = self.horde.view()
        if ahead is None or not ahead.horde.seen_from(view):
            ahead = self._ahead(frame, view)
        self.horde.upload(ahead.horde)
        self.actors.update(state.actors, t, ahead.poses)
        self.stage.update_shadow_map(self.actors.casters())
        self.effects.show(ahead.effects, state)
        self.captions.update(state.captions)

    def draw(self, t: float):
        """Render scene time `t`; returns the (h, w, 3) uint8 RGB frame."""
        self.show(self.director.frame(t))
        return self.grabber.grab()


@dataclasses.dataclass(frozen=True)
class PlayerSpec:
    """What it takes to open a `ScenePlayer`, as plain data: a worker process
    (`sandbox.render.workers`) gets it and opens its own. `bake`: the path of a recorded
    crowd (`hyosan crowd bake`) to play back, loaded where the player opens."""

    scene: Scene
    size: tuple[int, int] = (1280, 720)
    quality: str = "final"
    bake: Path | None = None

    def open(self) -> ScenePlayer:
        from sandbox.crowd.bake import load
        return ScenePlayer(self.scene, self.size, self.quality,
                           None if self.bake is None else load(self.bake))


def largest_crowd(scene: Scene) -> int:
    """Agents in the biggest horde of the film's parts."""
    return max((sum(s.count for s in seg.crowd.spawns) for seg in scene.segments
                if seg.crowd), default=0)


def default_jobs(spec: PlayerSpec) -> int:
    """Processes a render uses unless told: one per core, up to 2, but one where the
    film's crowd is simulated and passes `workers.CROWD_LIMIT` agents."""
    if spec.bake is None and largest_crowd(spec.scene) > workers.CROWD_LIMIT:
        return 1
    return min(2, os.cpu_count() or 1)


def with_agents(scene: Scene, n: int) -> Scene:
    """`scene` with the crowd of each of its parts resized to `n` agents, each spawn
    keeping its share (largest remainders, so the counts add up to exactly n) and, for a
    disc, its density: the radius grows or shrinks with sqrt(count), as
    `hyosan crowd bake --agents` does (a rectangle keeps its size)."""
    lo, hi = AGENTS_RANGE
    if not lo <= n <= hi:
        raise ConfigError(f"--agents {n} is outside {lo} to {hi}")
    if not any(seg.crowd and sum(s.count for s in seg.crowd.spawns) for seg in scene.segments):
        raise ConfigError(f"--agents: {scene.path} has no crowd to resize")
    segments = tuple(dataclasses.replace(seg, crowd=_resized(seg.crowd, n))
                     for seg in scene.segments)
    return dataclasses.replace(scene, crowd=_resized(scene.crowd, n), segments=segments)


def _resized(crowd, n: int):
    total = sum(s.count for s in crowd.spawns) if crowd else 0
    if total == 0:
        return crowd
    shares = [s.count * n / total for s in crowd.spawns]
    counts = [math.floor(x) for x in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[:n - sum(counts)]:
        counts[i] += 1
    spawns = tuple(dataclasses.replace(s, count=c, radius=s.radius * math.sqrt(c / s.count)
                                       if s.region is None and s.count else s.radius)
                   for s, c in zip(crowd.spawns, counts))
    return dataclasses.replace(crowd, spawns=spawns)


def prepare(scene_path: Path, agents: int | None = None) -> Scene:
    """Load the scene and apply --agents; everything here is checked before any GL opens."""
    scene = load_scene(scene_path)
    return scene if agents is None else with_agents(scene, agents)


def frame_times(scene: Scene, fps: int, start: float = 0.0, end: float | None = None) -> list[float]:
    """Scene times of the frames of [start, end) at `fps` (end defaults to the duration)."""
    end = scene.duration if end is None else end
    if not 0 <= start < end <= scene.duration:
        raise ConfigError(f"--start {start:g} / --end {end:g}: need 0 <= start < end <= "
                          f"{scene.duration:g} (the duration of {scene.path.name})")
    n = max(1, math.ceil((end - start) * fps - 1e-9))
    return [start + i / fps for i in range(n)]


@contextlib.contextmanager
def _progress(label: str, total: int, console: Console, rate: bool = True,
              started: bool = True):
    """A progress bar over `total` frames; yields its `advance()` (one frame done) and
    `start()` (its clock starts, where `started` is False: once the renderers are open).
    `rate`: show frames per second (off for the benchmark, whose untimed work between
    its timed frames would make that figure disagree with the one it reports)."""
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               *([_FpsColumn()] if rate else []), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(label, total=total, start=started)
        yield SimpleNamespace(advance=functools.partial(bar.advance, task),
                              start=functools.partial(bar.start_task, task))


def drawn(player: ScenePlayer, times: list[float]):
    """Yield (t, rgb) for each of `times`, drawn by `player`: each frame's crowd, horde
    sorting, effects and poses are worked out while the frame before it draws
    (`frames_ahead`), and each frame is put on stage before that work starts."""
    for t, _ in frames_ahead(player.prepare, times, lambda prepared: player.show(*prepared)):
        yield t, player.grabber.grab()


def _rendered(spec: PlayerSpec, times: list[float], jobs: int, label: str, console: Console,
              opened=None):
    """Yield each frame of `times` as (index, t, rgb), in order, under a progress bar:
    drawn here (`jobs` 1) or by `jobs` worker processes, interleaved (`workers`);
    `opened()` is called once the players are open, before the first frame draws."""
    jobs = min(jobs, len(times))
    with _progress(label, len(times), console, started=False) as bar:
        def ready():   # the bar's clock, like the summary's, starts with the renderers open
            bar.start()
            if opened is not None:
                opened()

        if jobs == 1:
            player = spec.open()
            ready()
            frames = drawn(player, times)
        else:
            frames = workers.interleaved(drawn, spec, times, jobs, opened=ready)
        for i, (t, rgb) in enumerate(frames):
            yield i, t, rgb
            bar.advance()


def render_movie(spec: PlayerSpec, out: Path, fps: int = 24, *, times: list[float],
                 codec: str = "h264", crf: int | None = None, jobs: int = 1,
                 console: Console | None = None) -> dict:
    """Render the frames at `times` to the video `out`; returns a summary of the run
    (its seconds and fps count from the moment the players are open)."""
    from sandbox.render.video import VideoWriter

    console = console or Console(stderr=True)
    clock = [time.perf_counter()]   # when the run began, then when the players were open
    (w, h), quality = spec.size, spec.quality
    with VideoWriter(out, spec.size, fps, codec=codec, quality=quality, crf=crf) as video:
        for _, _, rgb in _rendered(spec, times, jobs, f"rendering {spec.scene.path.name}",
                                   console, opened=lambda: clock.append(time.perf_counter())):
            video.write(rgb)
    seconds = time.perf_counter() - clock[1]
    n, jobs = len(times), min(jobs, len(times))
    summary = {"frames": n, "seconds": seconds, "fps": n / seconds, "output": str(out),
               "bytes": out.stat().st_size, "jobs": jobs, "open_seconds": clock[1] - clock[0]}
    console.print(f"wrote {out}: {n} frames at {w}x{h} ({codec}, {quality}), "
                  f"{n / fps:.1f} s of video, rendered in {seconds:.1f} s "
                  f"({n / seconds:.1f} fps) by {jobs} process{'es' if jobs > 1 else ''} "
                  f"after {summary['open_seconds']:.1f} s opening, "
                  f"{summary['bytes'] / 1e6:.1f} MB")
    return summary


def render_stills(spec: PlayerSpec, folder: Path, *, times: list[float], every: int = 1,
                  jobs: int = 1, console: Console | None = None) -> dict:
    """Write every `every`th frame of `times` as PNG into `folder`, plus `contact.png`.

    Files are made in a hidden folder beside the output and moved in only at the end,
    so an interrupted run leaves `folder` as it was."""
    from PIL import Image

    console = console or Console(stderr=True)
    picked = list(range(0, len(times), every))
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".stills.", dir=folder))
    start = time.perf_counter()
    try:
        shots = []
        for i, t, rgb in _rendered(spec, [times[k] for k in picked], jobs,
                                   f"stills of {spec.scene.path.name}", console):
            name = f"frame_{picked[i]:05d}.png"
            Image.fromarray(rgb).save(work / name)
            shots.append((t, rgb))
        contact_sheet(shots).save(work / "contact.png")
        for path in sorted(work.iterdir()):
            path.replace(folder / path.name)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        if created:
            folder.rmdir()
        raise
    work.rmdir()
    seconds = time.perf_counter() - start
    w, h = spec.size
    console.print(f"wrote {len(shots)} stills at {w}x{h} and "
                  f"{folder / 'contact.png'} in {seconds:.1f} s")
    return {"frames": len(shots), "seconds": seconds, "output": str(folder)}


def contact_sheet(shots: list, thumb_width: int = 240, columns: int = 6):
    """A grid of thumbnails, each labelled with its scene time; `shots` is [(t, rgb)]."""
    from PIL import Image, ImageDraw

    h, w = shots[0][1].shape[:2]
    tw = min(thumb_width, w)
    th = max(1, round(h * tw / w))
    label_h = 16
    cols = min(columns, len(shots))
    rows = math.ceil(len(shots) / cols)
    sheet = Image.new("RGB", (cols * tw, rows * (th + label_h)), (20, 20, 20))
    draw = ImageDraw.Draw(sheet)
    for k, (t, rgb) in enumerate(shots):
        x, y = (k % cols) * tw, (k // cols) * (th + label_h)
        sheet.paste(Image.fromarray(rgb).resize((tw, th), Image.BILINEAR), (x, y))
        draw.text((x + 4, y + th + 2), f"t = {t:.2f} s", fill=(230, 230, 230))
    return sheet


def bench(spec: PlayerSpec, fps: int = 24, *, frames: int = 48, codec: str = "h264",
          crf: int | None = None, jobs: int = 1, console: Console | None = None) -> dict:
    """Median milliseconds per frame in each stage (`timed_frames`), over `frames` frames
    spread over the scene, and the overall rate.

    The overall rate is the frames over the timed stages and the encoder's tail. With
    `jobs` > 1 that many worker processes each time an interleaved share of the frames,
    in rounds: they start their timed frames of a round together, so they draw at once
    as in a render with as many jobs, and the overall rate is the sum of theirs."""
    console = console or Console(stderr=True)
    scene, (w, h) = spec.scene, spec.size
    times = [scene.duration * (k + 0.5) / frames for k in range(frames)]
    jobs = min(jobs, frames)
    if jobs == 1:
        timed = timed_frames(spec.open(), times, fps, codec, crf)
    else:
        timed = workers.interleaved(timed_frames, spec, times, jobs, fps, codec, crf,
                                    workers.CONTEXT.Barrier(jobs), math.ceil(frames / jobs))
    with _progress(f"bench {scene.path.name}", frames, console, rate=False) as bar:
        records = []
        for record in timed:
            records.append(record)
            bar.advance()
    rate = 0.0
    for share in (records[k::jobs] for k in range(jobs)):
        rate += len(share) / (sum(r["end"] - r["start"] for r in share)
                              + share[-1]["flush"] / 1000)
    last = records[-1]
    result = {"scene": scene.path.name, "size": f"{w}x{h}", "quality": spec.quality,
              "codec": codec, "agents": last["agents"], "frames": frames, "jobs": jobs,
              "renderer": last["renderer"]}
    result.update({f"{stage}_ms": statistics.median(r[stage] for r in records)
                   for stage in (*BENCH_STAGES, "cpu")})
    result["fps"] = rate
    return result


def timed_frames(player: ScenePlayer, times: list[float], fps: int, codec: str,
                 crf: int | None, barrier=None, rounds: int = 0):
    """For each of `times`, {stage: ms} of drawing that frame as in a render, encoding
    into the null muxer (real encode work, no file), "cpu" (ms of CPU time the process
    spent meanwhile, all its threads: the rasteriser's, the worker's and the encoder's
    too) and the clock (seconds) at its "start" and "end"; the last also has "flush"
    (ms: the queued frames and the encoder's tail), "agents" and "renderer" (the GL
    driver).

    Each timed frame is drawn as in a render: the crowd is first brought, untimed, to two
    frames before it; the frame before it is drawn and encoded untimed while the timed
    frame's crowd is worked out on the worker thread (`frames_ahead`), so "crowd" is what
    the loop waits for that, one movie frame's worth of stepping; once the timed frame is
    on stage, the worker works out the frame after it, sharing the cores with the draw as
    in a render (that frame is then shown, untimed, and dropped); the encoder also works
    on its own thread (`VideoWriter`), so "encode" is what the loop waits for it.
    `barrier`: waited on before each timed frame and then up to `rounds` times in all,
    so that the processes sharing it time their frames together (`bench`)."""
    from sandbox.render.video import VideoWriter
    from sandbox.view.app import renderer

    director, grab, dt = player.director, player.grabber.grab, 1.0 / fps
    duration = director.scene.duration
    clock = time.perf_counter
    shown: list[float] = []   # the clock before and after each show of a timed frame's trio

    def show(prepared):
        shown.append(clock())
        player.show(*prepared)
        shown.append(clock())

    records = []
    try:
        with VideoWriter(None, player.size, fps, codec=codec, quality=player.quality,
                         crf=crf) as video:
            for t in times:
                before = max(0.0, t - dt)
                director.horde_at(max(0.0, before - dt))
                shown.clear()
                trio = frames_ahead(player.prepare, [before, t, min(t + dt, duration)], show)
                next(trio)
                video.write(grab())
                if barrier is not None:
                    barrier.wait()
                t0, c0 = clock(), time.process_time()
                next(trio)
                t1, t2 = shown[2:4]
                rgb = grab()
                t3 = clock()
                video.write(rgb)
                t4, c4 = clock(), time.process_time()
                next(trio)   # the frame after: worked out during the timed draw, then dropped
                records.append({"start": t0, "end": t4, "cpu": (c4 - c0) * 1000, **{
                    stage: (b - a) * 1000 for stage, a, b in
                    zip(BENCH_STAGES, (t0, t1, t2, t3), (t1, t2, t3, t4))}})
                if len(records) < len(times):
                    yield records[-1]
            for _ in range(rounds - len(times)):   # rounds the other processes still time
                barrier.wait()
            flush_start = clock()
    except BaseException:
        if barrier is not None:
            barrier.abort()   # the other processes stop waiting for this one
        raise
    bake = director.bake
    yield {**records[-1], "flush": (clock() - flush_start) * 1000,
           "agents": bake.n if bake is not None else largest_crowd(director.scene),
           "renderer": renderer(player.base)}


def render_still(scene_path: Path, t: float, out: Path, size=(1280, 720)) -> None:
    from PIL import Image

    scene = load_scene(scene_path)
    if not 0 <= t <= scene.duration:
        raise ConfigError(f"--at {t:g} is outside {scene_path} (0 to {scene.duration:g} s)")
    image = ScenePlayer(scene, size).draw(t)
    Image.fromarray(image).save(out)
