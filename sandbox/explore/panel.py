"""The live tuning panel (Tab) and the anchor list (L), in DirectGui.

The panel is generated from the crowd parameters' declarations: a tab per group, a
row per parameter with its value, unit and range, a slider over that range, and
"rebuild" on the parameters that are not live. Reset and Save act on the session."""

from __future__ import annotations

from direct.gui.DirectGui import DGG, DirectButton, DirectEntry, DirectFrame, DirectSlider
from panda3d.core import TextNode

from sandbox.explore.hud import ACCENT, text_node
from sandbox.explore.tuning import groups

WIDTH = 1.0           # panel width, aspect2d units
ROW = 0.09            # height of one parameter row (the largest group has 13)
FG = (0.92, 0.93, 0.95, 1.0)
MUTED = (0.6, 0.63, 0.68, 1.0)
BUTTON = dict(relief=DGG.FLAT, frameColor=(0.22, 0.24, 0.28, 1.0), text_fg=FG,
              text_scale=0.036, pad=(0.02, 0.012))


class TuningPanel:
    """Right-hand panel. `refresh()` re-reads the values (after a reset or when the
    film reaches a part with another crowd); the session does the work."""

    def __init__(self, base, session, font, on_typing):
        self.session = session
        self.font = font
        self.groups = groups()
        self.group = next(iter(self.groups))
        self.frame = DirectFrame(parent=base.a2dTopRight, frameColor=(0.04, 0.05, 0.07, 0.82),
                                 frameSize=(-WIDTH - 0.04, -0.02, -1.78, -0.02),
                                 state=DGG.NORMAL)   # swallows clicks: no picking through it
        title, title_np = text_node(self.frame, "panel-title", font, scale=0.042, card=None,
                                    color=ACCENT)
        title.set_text("Crowd tuning")
        title_np.set_pos(-WIDTH, 0, -0.08)
        self.preset, self.preset_np = text_node(self.frame, "panel-preset", font, scale=0.032,
                                                card=None, color=MUTED)
        self.preset_np.set_pos(-WIDTH, 0, -0.125)
        self.tabs = {}
        for k, name in enumerate(self.groups):
            x = -WIDTH + 0.02 + (k % 3) * 0.33
            z = -0.19 - (k // 3) * 0.07
            self.tabs[name] = DirectButton(parent=self.frame, text=name, pos=(x + 0.14, 0, z),
                                           command=self.show_group, extraArgs=[name],
                                           text_font=font, **BUTTON)
        self.rows = self.frame.attach_new_node("rows")
        self.sliders: dict[str, DirectSlider] = {}
        self.labels: dict[str, TextNode] = {}
        DirectButton(parent=self.frame, text="Save as", pos=(-WIDTH + 0.1, 0, -1.6),
                     command=self._save, text_font=font, **BUTTON)
        self.entry = DirectEntry(parent=self.frame, scale=0.034, width=21,
                                 pos=(-WIDTH + 0.22, 0, -1.608),
                                 initialText=session.tuning.default_name(), entryFont=font,
                                 frameColor=(0.12, 0.13, 0.16, 1), text_fg=FG,
                                 focusInCommand=on_typing, focusInExtraArgs=[True],
                                 focusOutCommand=on_typing, focusOutExtraArgs=[False],
                                 command=lambda _text: self._save())
        DirectButton(parent=self.frame, text="Reset to preset", pos=(-WIDTH + 0.18, 0, -1.71),
                     command=self._reset, text_font=font, **BUTTON)
        self._bound = None
        self.show_group(self.group)
        self.frame.hide()

    def visible(self) -> bool:
        return not self.frame.is_hidden()

    def toggle(self) -> bool:
        if self.visible():
            self.frame.hide()
        else:
            self.refresh()
            self.frame.show()
        return self.visible()

    def show_group(self, name: str) -> None:
        """Rebuild the rows for group `name`."""
        self.group = name
        for tab_name, tab in self.tabs.items():
            tab["frameColor"] = (0.45, 0.36, 0.12, 1) if tab_name == name else BUTTON["frameColor"]
        for slider in self.sliders.values():
            slider.destroy()
        self.rows.node().remove_all_children()
        self.sliders, self.labels = {}, {}
        top = -0.36
        for i, p in enumerate(self.groups[name]):
            z = top - i * ROW
            label, label_np = text_node(self.rows, f"row-{p.name}", self.font, scale=0.032,
                                        card=None, color=FG)
            label_np.set_pos(-WIDTH, 0, z)
            self.labels[p.name] = label
            self.sliders[p.name] = DirectSlider(
                parent=self.frame, range=(p.lo, p.hi), value=p.default,
                pageSize=(p.hi - p.lo) / 20, pos=(-WIDTH / 2 - 0.03, 0, z - 0.035),
                frameSize=(-WIDTH / 2 + 0.01, WIDTH / 2 - 0.01, -0.006, 0.006),
                frameColor=(0.3, 0.32, 0.36, 1), relief=DGG.FLAT,
                thumb_frameSize=(-0.012, 0.012, -0.022, 0.022), thumb_relief=DGG.FLAT,
                thumb_frameColor=ACCENT if p.live else (1.0, 0.5, 0.3, 1.0),
                command=self._moved, extraArgs=[p.name])
        self.refresh()

    def refresh(self) -> None:
        tuning = self.session.tuning
        if id(tuning.params) != self._bound:   # another part's crowd: its own preset name
            self.entry.enterText(tuning.default_name())
        self._bound = id(tuning.params)
        self.preset.set_text(f"preset {tuning.preset}  ·  thumb orange = rebuild"
                             if tuning.params is not None else "no crowd in this part")
        for p in self.groups[self.group]:
            value = tuning.value(p.name) if tuning.params is not None else p.default
            self.sliders[p.name]["value"] = value
            self._label(p, value)

    def _label(self, p, value: float) -> None:
        unit = f" {p.unit}" if p.unit else ""
        tag = "  rebuild" if not p.live else ""
        digits = 0 if p.integer else 1 if p.hi >= 100 else 2
        self.labels[p.name].set_text(f"{p.name:<22}{value:8.{digits}f}{unit:<7}{tag}")

    def _moved(self, name: str) -> None:
        tuning = self.session.tuning
        if tuning.params is None:
            return
        value = float(self.sliders[name]["value"])
        if abs(value - tuning.value(name)) <= 1e-9 * max(1.0, abs(value)):
            return   # our own refresh
        decl = tuning.params.decl[name]
        if self.session.set_param(name, value):
            self._label(decl, tuning.value(name))
        else:
            self.sliders[name]["value"] = tuning.value(name)

    def update(self) -> None:
        """Follow the film into a part with another crowd."""
        if self.visible() and id(self.session.tuning.params) != self._bound:
            self.refresh()

    def _reset(self) -> None:
        self.session.reset_params()
        self.refresh()

    def _save(self) -> None:
        self.session.save_preset(self.entry.get().strip() or None)


class AnchorList:
    """The world's named anchors as buttons (L); a click flies to the anchor."""

    def __init__(self, base, names, font, on_pick):
        names = sorted(names)
        per_column = (len(names) + 1) // 2
        self.frame = DirectFrame(parent=base.a2dTopLeft, frameColor=(0.04, 0.05, 0.07, 0.82),
                                 frameSize=(0.02, 1.02, -0.43 - per_column * 0.062, -0.3),
                                 pos=(0, 0, -0.28), state=DGG.NORMAL)   # below the HUD
        title, title_np = text_node(self.frame, "anchors-title", font, scale=0.04, card=None,
                                    color=ACCENT)
        title.set_text("Anchors: click to fly there")
        title_np.set_pos(0.05, 0, -0.36)
        self.buttons = {}
        for k, name in enumerate(names):
            x, z = 0.27 + (k // per_column) * 0.5, -0.43 - (k % per_column) * 0.062
            self.buttons[name] = DirectButton(parent=self.frame, text=name, pos=(x, 0, z),
                                              command=on_pick, extraArgs=[name],
                                              text_font=font, text_align=TextNode.A_center,
                                              **{**BUTTON, "text_scale": 0.032})
        self.frame.hide()

    def toggle(self) -> bool:
        self.frame.show() if self.frame.is_hidden() else self.frame.hide()
        return not self.frame.is_hidden()
