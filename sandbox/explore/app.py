"""The explorer window: a `Session` drawn by a `ScenePlayer`'s stage, with the HUD,
timeline bar, tuning panel, anchor list, overlays and capture on top, driven by the
key table in `bindings`.

Every frame (`tick`): held keys fly the free camera, the mouse looks or orbits, the
transport advances, the session gives the frame, the player shows it, the overlays
and HUD follow. `step(dt)` runs one whole frame through Panda3D's task loop with a
given wall time, which is how the tests and the benchmark drive it."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np

from sandbox import paths
from sandbox.explore import bindings
from sandbox.explore.capture import RECORD_FPS, Recorder, screenshot
from sandbox.explore.session import Session

CLICK_SLOP = 0.01     # normalised mouse travel under which a press-release is a click


class Explorer:
    """An open explorer on `scene`. headless: an offscreen window (tests, benchmarks);
    otherwise a real window through pandagl. `out_dir` receives screenshots and
    recordings; `presets_dir` saved presets; `bookmarks_file` defaults to the one next
    to the scene."""

    def __init__(self, scene, size=(1280, 720), headless: bool = False, quality: str = "draft",
                 out_dir: Path = paths.OUT, presets_dir: Path = paths.CROWD_PRESETS,
                 bookmarks_file: Path | None = None):
        self.session = Session(scene, presets_dir, bookmarks_file)  # all checks before GL
        from sandbox.render.movie import ScenePlayer
        from sandbox.view.app import open_base
        from sandbox.explore.hud import Hud, mono_font
        from sandbox.explore.overlays import Overlays
        from sandbox.explore.panel import AnchorList, TuningPanel
        from sandbox.explore.timebar import TimeBar

        self.base = base = open_base(size, headless=headless)
        self.player = ScenePlayer(scene, size, quality)
        self.player.director = self.session.director   # one crowd, the session's
        base.win.clear_render_textures()   # no per-frame readback unless recording
        self.out_dir, self.stem = Path(out_dir), Path(scene.path).stem
        font = mono_font(base.loader)
        self.hud = Hud(base, font)
        self._timebar = lambda: TimeBar(base, self.session.transport, font,
                                        self.session.transport.seek)
        self.timebar = self._timebar()
        base.accept("aspectRatioChanged", self._relayout)
        self.panel = TuningPanel(base, self.session, font, self._typing)
        self.anchors = AnchorList(base, self.session.anchors, font, self.session.jump_to_anchor)
        from sandbox import world
        self.overlays = Overlays(base, world.walkmap().levels["ground"])   # the director's crowd level
        self.recorder: Recorder | None = None
        self.held: set[str] = set()
        self.typing = False
        self.pointer_override: tuple[float, float] | None = None
        self._pointer_last = None
        self._orbiting = False
        self._press_at = None
        self._fixed_dt: float | None = None
        self._last_wall = time.perf_counter()
        self.frame_ms: list[float] = []   # wall ms between frames
        self.tick_ms: list[float] = []    # ms in `tick`: input, crowd, scene update, HUD
        self._fps = 0.0
        self._raw_keys()
        self._register()
        base.taskMgr.add(self._task, "hyosan-explore", sort=10)

    # -- input ---------------------------------------------------------------------
    def _raw_keys(self) -> None:
        """Every key its own event (no "shift-w"), so Shift can be held while flying."""
        from panda3d.core import ModifierButtons
        for thrower in self.base.buttonThrowers or ():
            thrower.node().set_modifier_buttons(ModifierButtons())
        if self.base.mouseWatcherNode is not None:
            self.base.mouseWatcherNode.set_modifier_buttons(ModifierButtons())

    def _register(self) -> None:
        accept = self.base.accept
        for key in bindings.held_keys() | set(bindings.SHIFT + bindings.CONTROL + bindings.ALT):
            accept(key, self.held.add, [key])
            accept(f"{key}-up", self.held.discard, [key])
        for key in bindings.press_keys():
            accept(key, self.press, [key])
        accept("mouse1-up", self._release)

    def _relayout(self) -> None:
        """The window changed shape: the bar spans the new width."""
        self.timebar.destroy()
        self.timebar = self._timebar()

    def _typing(self, on: bool) -> None:
        self.typing = on
        if on:
            self.held.clear()

    def held_any(self, keys) -> bool:
        return any(k in self.held for k in keys)

    def press(self, key: str) -> None:
        """Run the binding `key` triggers with the modifiers held now."""
        if self.typing:
            return
        b = bindings.binding_for(key, self.held_any(bindings.CONTROL), self.held_any(bindings.ALT))
        if b is not None:
            getattr(self, b.action)(key)

    def pointer(self) -> tuple[float, float] | None:
        """The mouse in normalised window coordinates, or None when it is outside."""
        if self.pointer_override is not None:
            return self.pointer_override
        watcher = self.base.mouseWatcherNode
        if watcher is not None and watcher.has_mouse():
            m = watcher.get_mouse()
            return float(m.x), float(m.y)
        return None

    def _mouse_delta(self) -> tuple[float, float]:
        p = self.pointer()
        last, self._pointer_last = self._pointer_last, p
        if p is None or last is None:
            return 0.0, 0.0
        return p[0] - last[0], p[1] - last[1]

    # -- actions (named in bindings.BINDINGS) ----------------------------------------
    def wheel(self, key: str) -> None:
        self.session.wheel(1 if key == "wheel_up" else -1)
        self.session.say(f"fly speed {self.session.camera.speed:.1f} m/s")

    def begin_orbit(self, _key: str) -> None:
        self._orbiting = True

    def select(self, _key: str) -> None:
        self._press_at = self.pointer()

    def _release(self) -> None:
        self._orbiting = False
        start, self._press_at = self._press_at, None
        p = self.pointer()
        if start is None or p is None or self.typing:
            return
        if np.hypot(p[0] - start[0], p[1] - start[1]) <= CLICK_SLOP:
            self.session.select_at(p, self.base.get_aspect_ratio())

    def frame(self, _key: str) -> None:
        self.session.frame_selection()

    def toggle_follow(self, _key: str) -> None:
        self.session.toggle_follow()

    def shot_camera(self, _key: str) -> None:
        self.session.shot_camera()

    def clear_selection(self, _key: str) -> None:
        self.session.clear_selection()

    def store_bookmark(self, key: str) -> None:
        self.session.store_bookmark(key)

    def recall_bookmark(self, key: str) -> None:
        self.session.recall_bookmark(key)

    def toggle_anchors(self, _key: str) -> None:
        self.anchors.toggle()

    def play_pause(self, _key: str) -> None:
        self.session.transport.toggle()

    def step_frame(self, key: str) -> None:
        self.session.transport.step(1 if key == "." else -1)

    def jump_event(self, key: str) -> None:
        tr = self.session.transport
        marker = tr.next_event() if key == "]" else tr.prev_event()
        self.session.say(f"event: {marker.label} at {marker.t:.2f} s" if marker
                         else "no event that way")

    def speed(self, key: str) -> None:
        tr = self.session.transport
        tr.faster() if key == "=" else tr.slower()
        self.session.say(f"playback x{tr.speed:g}")

    def rewind(self, _key: str) -> None:
        self.session.transport.seek(0.0)

    def toggle_help(self, _key: str) -> None:
        self.hud.toggle_help()

    def toggle_panel(self, _key: str) -> None:
        self.panel.toggle()

    def toggle_overlay(self, key: str) -> None:
        name = bindings.OVERLAY_KEYS[key]
        on = self.overlays.toggle(name)
        self.session.say(f"overlay {name} {'on' if on else 'off'}")

    def screenshot(self, _key: str = "f12") -> Path | None:
        try:
            path = screenshot(self.base, self.out_dir, self.stem)
        except (OSError, RuntimeError) as exc:
            self.session.say(f"screenshot failed: {exc}")
            return None
        self.session.say(f"screenshot {path}")
        return path

    def toggle_record(self, _key: str = "f9") -> None:
        if self.recorder is not None:
            recorder, self.recorder = self.recorder, None
            path = recorder.stop()
            self.session.say(f"recorded {recorder.frames} frames at {RECORD_FPS} fps to {path}")
            return
        try:
            self.recorder = Recorder(self.base, self.out_dir, self.stem)
        except (OSError, ValueError) as exc:
            self.session.say(f"cannot record: {exc}")
            return
        self.session.say(f"recording to {self.recorder.path} (F9 stops)")

    # -- the frame -------------------------------------------------------------------
    def tick(self, dt: float) -> None:
        """Everything of one frame before it is drawn; `dt` wall seconds since the last."""
        s, held = self.session, self.held
        if self.recorder is not None:
            self.recorder.add_frame()     # the frame drawn last time
            dt = 1.0 / RECORD_FPS
        move = (("d" in held) - ("a" in held), ("w" in held) - ("s" in held),
                ("e" in held) - ("q" in held))
        if any(move) and not self.typing:
            s.fly(move, dt, self.held_any(bindings.SHIFT))
        dx, dy = self._mouse_delta()
        if dx or dy:
            if self._orbiting:
                s.orbit(dx, dy)
            elif "mouse3" in held:
                s.look(dx, dy)
        s.transport.advance(dt)
        frame = s.frame()
        self.player.show(frame)
        self.overlays.update(s, frame)
        self.timebar.update(s.transport.t)
        self.panel.update()
        self.hud.update(self.status_lines(frame), s.message, s.serial, time.perf_counter())

    def status_lines(self, frame) -> list[str]:
        s = self.session
        tr = s.transport
        cam = s.camera
        shot = tr.shot_at()
        mode = "shot camera" if s.mode == "shot" else "free camera"
        if s.following and s.selection is not None:
            mode += f", following {s.selection.label()}"
        lines = [
            f"{self._fps:5.1f} fps   t {tr.t:6.2f} / {tr.duration:.2f} s   "
            f"{'playing' if tr.playing else 'paused'} x{tr.speed:g}",
            f"shot   {shot.label if shot else '-'}   ({s.scene.segment_at(tr.t).path.name})",
            f"camera {mode}  ({cam.pos[0]:.1f}, {cam.pos[1]:.1f}, {cam.pos[2]:.1f}) m  "
            f"fly {cam.speed:.1f} m/s",
            *self._counts_lines(),
        ]
        if s.selection is not None:
            lines.append(f"selected {s.selection.label()}")
        on = [name for name, shown in self.overlays.on.items() if shown]
        if on:
            lines.append("overlays " + ", ".join(on))
        if self.recorder is not None:
            lines.append(f"\1hud_accent\1REC {self.recorder.frames} frames\2")
        lines.append("F1 help")
        return lines

    def _counts_lines(self) -> list[str]:
        from sandbox.explore.hud import format_counts
        return format_counts(self.session.counts())

    def _task(self, task):
        now = time.perf_counter()
        wall = now - self._last_wall
        self._last_wall = now
        if wall > 0:
            self.frame_ms.append(wall * 1000.0)
            self._fps = 1000.0 / statistics.median(self.frame_ms[-30:])
        self.tick(self._fixed_dt if self._fixed_dt is not None else min(wall, 0.25))
        self.tick_ms.append((time.perf_counter() - now) * 1000.0)
        return task.cont

    def step(self, dt: float = 1.0 / 30.0) -> None:
        """Run one frame (events, tick, draw) as if `dt` wall seconds had passed."""
        self._fixed_dt = dt
        try:
            self.base.taskMgr.step()
        finally:
            self._fixed_dt = None

    def run(self) -> None:
        """The interactive loop, until the window is closed (a recording still running
        is finished then, so its MP4 is complete)."""
        self.base.exitFunc = self._finish
        self.base.run()

    def _finish(self) -> None:
        if self.recorder is not None:
            self.toggle_record()
            print(self.session.message)

    def bench(self, frames: int) -> dict:
        """Draw `frames` frames playing at x1 and time each whole frame (input, crowd,
        scene update, draw, swap) with a readback of the window (a RAM-copied render
        texture, about 5 ms at 1280x720), so software GL cannot defer the work; median
        ms and fps, and the median ms of `tick` (the CPU side: crowd, scene update,
        overlays, HUD; the rest is drawing), the first frame left out."""
        from sandbox.view.app import FrameGrabber, renderer
        grabber = FrameGrabber(self.base)
        ms, first = [], len(self.tick_ms)
        for _ in range(frames):
            t0 = time.perf_counter()
            self.step(1.0 / 30.0)
            grabber.grab(render=False)
            ms.append((time.perf_counter() - t0) * 1000.0)
        self.base.win.clear_render_textures()
        skip = 1 if frames > 1 else 0
        med = statistics.median(ms[skip:])
        crowd = self.session.director.crowd
        return {"frames": frames, "agents": crowd.n if crowd else 0,
                "size": f"{self.base.win.get_x_size()}x{self.base.win.get_y_size()}",
                "tick_ms": statistics.median(self.tick_ms[first + skip:]),
                "median_ms": med, "fps": 1000.0 / med, "renderer": renderer(self.base)}
