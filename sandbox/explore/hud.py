"""The explorer's HUD, message line and F1 help, drawn in aspect2d: after the post
chain, so text is never bloomed or graded, and it shows in screenshots and recordings.

Text uses DejaVu Sans Mono (shipped with matplotlib, a dependency) so numbers do not
jitter as they change; Panda3D's own monospace font if it cannot be loaded."""

from __future__ import annotations

from pathlib import Path

from panda3d.core import TextNode

from sandbox.explore.bindings import help_lines

TEXT_SCALE = 0.042        # aspect2d units per line height at 720 px: about 15 px
MESSAGE_SECONDS = 6.0     # how long a message stays (wall seconds)
PANEL_BG = (0.04, 0.05, 0.07, 0.72)
ACCENT = (1.0, 0.82, 0.35, 1.0)


def mono_font(loader):
    """DejaVu Sans Mono from matplotlib's data, else Panda3D's cmtt12."""
    import matplotlib
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSansMono.ttf"
    font = loader.load_font(str(path)) if path.is_file() else None
    if font is None or not font.is_valid():
        font = loader.load_font("cmtt12.egg")
    font.set_pixels_per_unit(48)
    return font


def text_node(parent, name: str, font, scale: float = TEXT_SCALE, color=(1, 1, 1, 1),
              card=PANEL_BG, align=TextNode.A_left, margin: float = 0.35):
    """A TextNode under `parent` with a translucent card behind it for legibility."""
    node = TextNode(name)
    node.set_font(font)
    node.set_align(align)
    node.set_text_color(*color)
    if card is not None:
        node.set_card_color(*card)
        node.set_card_as_margin(margin, margin, margin * 0.6, margin * 0.4)
        node.set_card_decal(True)
    path = parent.attach_new_node(node)
    path.set_scale(scale)
    return node, path


def format_counts(counts: dict, width: int = 92) -> list[str]:
    """HUD lines for counts by kind and by state, wrapped at `width` characters."""
    total = sum(counts["kind"].values())
    if not total:
        return ["no crowd in this part"]
    kinds = ", ".join(f"{k} {n:,}" for k, n in counts["kind"].items())
    lines, line = [f"agents {total:,}: {kinds}"], "states:"
    for s, n in counts["state"].items():
        item = f" {s} {n:,}"
        if len(line) + len(item) > width:
            lines.append(line)
            line = "       "
        line += item
    return lines + [line]


class Hud:
    """Top-left status block, bottom message line and the F1 help sheet."""

    def __init__(self, base, font):
        self.base = base
        self.root = base.a2dTopLeft.attach_new_node("hud")
        self.status, self.status_np = text_node(self.root, "hud-status", font)
        self.status_np.set_pos(0.04, 0, -0.06)
        self.message, self.message_np = text_node(base.a2dBottomCenter, "hud-message", font,
                                                  scale=0.048, color=ACCENT,
                                                  align=TextNode.A_center)
        self.message_np.set_pos(0, 0, 0.26)
        self.message_np.hide()
        self._serial, self._shown_at = 0, 0.0
        self.help, self.help_np = text_node(base.aspect2d, "hud-help", font, scale=0.04,
                                            card=(0.02, 0.02, 0.03, 0.86), margin=0.8)
        self.help.set_text(self.help_text())
        self.help_np.set_pos(-0.95, 0, 0.78)
        self.help_np.hide()

    @staticmethod
    def help_text() -> str:
        rows, section = [], None
        for title, label, what in help_lines():
            if title != section:
                rows.append(("" if section is None else "\n") + f"\1hud_accent\1{title}\2")
                section = title
            rows.append(f"  {label:<16} {what}")
        rows.append("\nStarts on the scene's shot camera; any camera key flies free, C returns.")
        return "\n".join(rows)

    def toggle_help(self) -> bool:
        if self.help_np.is_hidden():
            self.help_np.show()
            return True
        self.help_np.hide()
        return False

    def update(self, lines: list[str], message: str | None, serial: int, now: float) -> None:
        """Show the status `lines`; a message is shown for MESSAGE_SECONDS from the time
        its `serial` first arrives (`now`: wall seconds)."""
        self.status.set_text("\n".join(lines))
        if serial != self._serial and message:
            self._serial, self._shown_at = serial, now
            self.message.set_text(message)
            self.message_np.show()
        if now - self._shown_at > MESSAGE_SECONDS:
            self.message_np.hide()


def _accent_style() -> None:
    from panda3d.core import TextProperties, TextPropertiesManager
    manager = TextPropertiesManager.get_global_ptr()
    if not manager.has_properties("hud_accent"):
        props = TextProperties()
        props.set_text_color(*ACCENT)
        manager.set_properties("hud_accent", props)


_accent_style()
