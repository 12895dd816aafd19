"""The timeline bar along the bottom of the window: a DirectSlider over the scene's
duration, with a tick for every shot (tall, cyan) and event (short, amber) and the
time under the thumb. Dragging it scrubs.

Going back in time replays the crowd from the director's latest checkpoint before it
(up to `CHECKPOINT_EVERY` seconds of steps), so a drag backwards is applied once the
thumb rests (SETTLE seconds without a move), not at every position it passes; forward,
each position costs only the steps in between and is applied at once."""

from __future__ import annotations

import time

from direct.gui.DirectGui import DGG, DirectFrame, DirectSlider
from panda3d.core import LineSegs, TextNode

from sandbox.explore.hud import ACCENT, PANEL_BG, text_node

BAR_Z = 0.1          # height of the bar's centre above the bottom edge (aspect2d units)
MARGIN = 0.08        # gap to the window's left and right edges
THUMB = 0.018        # half width of the thumb
SETTLE = 0.2         # wall seconds a backward drag must rest before the crowd replays
SHOT_RGBA = (0.35, 0.85, 1.0, 1.0)
EVENT_RGBA = ACCENT


class TimeBar:
    """`update(t)` moves the thumb; a drag calls `on_scrub(t)` with the new time."""

    def __init__(self, base, transport, font, on_scrub):
        self.transport, self.on_scrub = transport, on_scrub
        half = base.get_aspect_ratio() - MARGIN
        self.x0, self.x1 = -half, half
        self.root = base.a2dBottomCenter.attach_new_node("timebar")
        DirectFrame(parent=self.root, frameColor=PANEL_BG, state=DGG.NORMAL,  # no picking
                    frameSize=(self.x0 - 0.04, self.x1 + 0.04, BAR_Z - 0.06, BAR_Z + 0.075))
        duration = max(transport.duration, 1e-3)
        self.slider = DirectSlider(
            parent=self.root, range=(0.0, duration), value=0.0, pageSize=duration / 20,
            pos=(0, 0, BAR_Z), frameSize=(self.x0, self.x1, -0.012, 0.012),
            frameColor=(0.25, 0.27, 0.3, 0.9), relief=DGG.FLAT,
            thumb_frameSize=(-THUMB, THUMB, -0.04, 0.04), thumb_relief=DGG.FLAT,
            thumb_frameColor=(0.95, 0.95, 0.95, 1.0), command=self._moved)
        self._shown = 0.0
        self._pending: tuple[float, float] | None = None   # (time dragged to, wall time)
        self._ticks()
        self.label, self.label_np = text_node(self.root, "timebar-time", font, scale=0.036,
                                              card=PANEL_BG, align=TextNode.A_center)
        self.label_np.set_z(BAR_Z + 0.06)

    def destroy(self) -> None:
        self.slider.destroy()
        self.root.remove_node()

    def x_of(self, t: float) -> float:
        """Screen x of time t: the thumb's centre travels the bar inside its own width."""
        f = t / max(self.transport.duration, 1e-9)
        return self.x0 + THUMB + f * (self.x1 - self.x0 - 2 * THUMB)

    def _ticks(self) -> None:
        lines = LineSegs("timebar-ticks")
        lines.set_thickness(2.0)
        for m in self.transport.markers:
            shot = m.kind == "shot"
            lines.set_color(*(SHOT_RGBA if shot else EVENT_RGBA))
            x = self.x_of(m.t)
            lines.move_to(x, 0, BAR_Z + 0.016)
            lines.draw_to(x, 0, BAR_Z + (0.05 if shot else 0.032))
        self.root.attach_new_node(lines.create())

    def _moved(self) -> None:
        value = float(self.slider["value"])
        if abs(value - self._shown) > 1e-4:   # a drag, not our own update
            self._shown = value
            if value >= self.transport.t:
                self._pending = None
                self.on_scrub(value)
            else:
                self._pending = (value, time.perf_counter())

    def update(self, t: float) -> None:
        """Follow scene time `t`, or apply a backward drag that has come to rest."""
        if self._pending is not None:
            value, at = self._pending
            if time.perf_counter() - at < SETTLE:
                self.label.set_text(f"{value:7.2f} s  (replays the crowd when the thumb rests)")
                return
            self._pending = None
            self.on_scrub(value)
            t = value
        if abs(t - self._shown) > 1e-6:
            self._shown = t
            self.slider["value"] = t
        tr = self.transport
        state = "play" if tr.playing else "pause"
        self.label.set_text(f"{t:7.2f} / {tr.duration:.2f} s  {state} x{tr.speed:g}")
        self.label_np.set_x(min(max(self.x_of(t), self.x0 + 0.35), self.x1 - 0.35))
