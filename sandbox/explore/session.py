"""The explorer's state without any window: a Director playing the scene at the
transport's time, the free camera, the selection, bookmarks and crowd tuning.

Camera modes: the session starts on the scene's own shot camera ("shot"); any camera
input (fly, look, orbit, frame, a bookmark, an anchor, following) switches to the
free camera ("free"), starting from where the shot camera was; `shot_camera()` goes
back. Scrubbing is the director's: a time before the crowd's replays the part's crowd
from its latest checkpoint before t (from its start after a parameter change), which is
deterministic, so scrubbing to t shows what playing to t does (with the parameter
values set now)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from sandbox import paths
from sandbox.config import ConfigError
from sandbox.crowd import KINDS, STATES
from sandbox.director import Director, Frame
from sandbox.explore.bookmarks import Bookmarks, bookmarks_path
from sandbox.explore.camera import FlyCamera, pick
from sandbox.explore.transport import Transport, scene_markers
from sandbox.explore.tuning import Tuning

PICK_HEIGHT = 1.0            # m above the feet where a figure is picked and framed
FRAME_SIZE = {"agent": 2.0, "character": 2.0, "anchor": 10.0}   # metres to fit in view
PICKABLE_ACTORS = ("student", "immune", "soldier")


@dataclasses.dataclass(frozen=True)
class Selection:
    kind: str     # "agent", "character" or "anchor"
    key: object   # agent id (int), character name or anchor name

    def label(self) -> str:
        return f"agent {self.key}" if self.kind == "agent" else f"{self.kind} {self.key}"


class Session:
    """`frame()` is what to draw now; the other methods are what the keys do.

    `message` is the latest line for the HUD (an error or a confirmation), `serial`
    counts messages so the HUD knows a new one came."""

    def __init__(self, scene, presets_dir: Path = paths.CROWD_PRESETS,
                 bookmarks_file: Path | None = None):
        self.scene = scene
        self.director = Director(scene, checkpoints=True)   # checks anchors and presets first
        self.anchors = self.director.anchors
        self.transport = Transport(scene.duration, scene_markers(scene))
        self.tuning = Tuning(presets_dir)
        self.bookmarks = Bookmarks(bookmarks_file or bookmarks_path(scene.path))
        self.mode = "shot"
        self.camera = FlyCamera(np.zeros(3))
        self.selection: Selection | None = None
        self.following = False
        self._follow_from = None
        self.last: Frame | None = None
        self.message, self.serial = None, 0
        if self.bookmarks.message:
            self.say(self.bookmarks.message)

    def say(self, text: str) -> None:
        self.message, self.serial = text, self.serial + 1

    # -- what to draw --------------------------------------------------------------
    def frame(self) -> Frame:
        """The frame at the transport's time, seen from the active camera."""
        t = self.transport.t
        frame = self.director.frame(t)
        segment = self.scene.segment_at(t)
        crowd = self.director.crowd
        self.tuning.bind(crowd.params if crowd is not None else None,
                         segment.crowd.preset if segment.crowd else None)
        if self.selection is not None and self.selection.kind == "agent" \
                and self.selection.key >= len(frame.horde.positions):
            self.say(f"{self.selection.label()} is not in this part's crowd; selection dropped")
            self.selection, self.following = None, False
        if self.mode == "shot":
            cam, speed = frame.spec.camera, self.camera.speed
            self.camera = FlyCamera.looking_at(cam.pos, cam.look_at, cam.fov)
            self.camera.speed = speed
        elif self.following:
            target = self.target_point(frame)
            if target is not None and self._follow_from is not None:
                self.camera.pos = self.camera.pos + (target - self._follow_from)
            self._follow_from = target
        self.last = frame
        if self.mode == "free":
            cam = dataclasses.replace(frame.spec.camera, pos=self.camera.pos,
                                      look_at=self.camera.look_point(), fov=self.camera.fov,
                                      roll=0.0)
            frame = Frame(dataclasses.replace(frame.spec, camera=cam), frame.horde)
        return frame

    def counts(self) -> dict:
        """{"kind": {name: n}, "state": {name: n}} of the horde last drawn (non-zero only)."""
        h = self.last.horde if self.last is not None else None
        if h is None or len(h.kind) == 0:
            return {"kind": {}, "state": {}}
        kc = np.bincount(h.kind, minlength=len(KINDS))
        sc = np.bincount(h.state, minlength=len(STATES))
        return {"kind": {k: int(c) for k, c in zip(KINDS, kc) if c},
                "state": {s: int(c) for s, c in zip(STATES, sc) if c}}

    # -- camera ----------------------------------------------------------------------
    def free(self) -> FlyCamera:
        """The free camera, taking over from the shot camera where it was."""
        self.mode = "free"
        return self.camera

    def shot_camera(self) -> None:
        self.mode, self.following = "shot", False
        self.say("shot camera")

    def fly(self, move, dt: float, fast: bool) -> None:
        self.free().fly(move, dt, fast)

    def look(self, dx: float, dy: float) -> None:
        self.free().look(dx, dy)

    def orbit(self, dx: float, dy: float) -> None:
        pivot = self.target_point(self.last) if self.last is not None else None
        cam = self.free()
        cam.orbit(cam.look_point(20.0) if pivot is None else pivot, dx, dy)

    def wheel(self, notches: int) -> None:
        self.camera.wheel(notches)

    def target_point(self, frame: Frame | None) -> np.ndarray | None:
        """World point (3,) of the selection in `frame`, None without one."""
        sel = self.selection
        if sel is None or frame is None:
            return None
        if sel.kind == "anchor":
            return np.asarray(self.anchors[sel.key], float)
        if sel.kind == "agent":
            h = frame.horde
            if sel.key >= len(h.positions):
                return None
            x, y = h.positions[sel.key]
            return np.array([x, y, h.z[sel.key] + PICK_HEIGHT], float)
        for actor in frame.spec.state.actors:
            if actor.name == sel.key:
                return np.asarray(actor.pos, float) + (0.0, 0.0, PICK_HEIGHT)
        return None

    def select_at(self, screen_xy, aspect: float) -> Selection | None:
        """Select the character or agent drawn nearest `screen_xy` (normalised -1..1)."""
        frame = self.last
        if frame is None:
            return None
        actors = [a for a in frame.spec.state.actors if a.kind in PICKABLE_ACTORS]
        h = frame.horde
        points = np.concatenate([
            np.array([a.pos for a in actors], float).reshape(-1, 3),
            np.column_stack([h.positions, h.z]).astype(float).reshape(-1, 3)])
        points[:, 2] += PICK_HEIGHT
        cam = self.camera
        i = pick(points, screen_xy, cam.pos, cam.look_point(), cam.fov, aspect)
        if i is None:
            self.say("nothing to select there")
            return None
        self.selection = (Selection("character", actors[i].name) if i < len(actors)
                          else Selection("agent", i - len(actors)))
        self.following = False
        self.say(f"selected {self.selection.label()} (F frames, G follows)")
        return self.selection

    def clear_selection(self) -> None:
        self.selection, self.following = None, False

    def frame_selection(self) -> bool:
        target = self.target_point(self.last)
        if target is None:
            self.say("nothing selected to frame (click a figure, or L for an anchor)")
            return False
        self.free().frame(target, FRAME_SIZE[self.selection.kind])
        return True

    def toggle_follow(self) -> None:
        if self.following:
            self.following = False
            self.say("stopped following")
            return
        if self.selection is None or self.selection.kind == "anchor":
            self.say("select a character or an agent to follow (left click)")
            return
        if self.frame_selection():
            self.following, self._follow_from = True, self.target_point(self.last)
            self.say(f"following {self.selection.label()}")

    def jump_to_anchor(self, name: str) -> None:
        self.selection, self.following = Selection("anchor", name), False
        self.free().frame(self.anchors[name], FRAME_SIZE["anchor"])
        self.say(f"anchor {name}")

    def store_bookmark(self, slot: str) -> None:
        if self.bookmarks.store(slot, self.camera.pose()):
            self.say(f"bookmark {slot} stored in {self.bookmarks.path.name}")
        else:
            self.say(self.bookmarks.message)

    def recall_bookmark(self, slot: str) -> None:
        pose = self.bookmarks.recall(slot)
        if pose is None:
            self.say(f"bookmark {slot} is empty (Ctrl+{slot} stores one)")
            return
        self.following = False
        self.free().set_pose(pose)
        self.say(f"bookmark {slot}")

    # -- crowd tuning ----------------------------------------------------------------
    def set_param(self, name: str, value: float) -> bool:
        """Apply a slider; False (and a message) if the value is refused. A rebuild
        parameter replays the part's crowd from its start with the new value."""
        try:
            rebuild = self.tuning.set(name, value)
        except ConfigError as exc:
            self.say(str(exc))
            return False
        if rebuild:
            self._replay()
            self.say(f"{name} = {self.tuning.value(name):g} needs a rebuild: flow fields "
                     f"rebuilt, crowd replayed from the part's start")
        return True

    def reset_params(self) -> None:
        changed = self.tuning.reset()
        if changed:
            self._replay()
        self.say(f"crowd parameters reset to preset {self.tuning.preset}")

    def save_preset(self, name: str | None = None) -> Path | None:
        try:
            path = self.tuning.save(name)
        except ConfigError as exc:
            self.say(str(exc))
            return None
        self.say(f"saved preset {path}")
        return path

    def _replay(self) -> None:
        """Make the director rebuild the current part's crowd: asking for the part's
        first instant resets it; the next frame steps it back up to now."""
        self.director.horde_at(self.scene.segment_at(self.transport.t).start)
