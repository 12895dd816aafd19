"""Subtitles: the story's captions drawn over the finished frame (after post-processing,
so they are never bloomed or graded), speaker in a warm colour, line in white."""

from __future__ import annotations

from panda3d.core import TextNode

MAX_LINES = 2          # captions shown at once; later ones stack above
LINE_GAP = 0.13        # screen units between stacked captions
BOTTOM = -0.82         # baseline of the lowest caption (aspect2d units, -1 = bottom edge)


class Captions:
    """`update(captions)` shows the `Caption`s of one instant, each with its own alpha."""

    def __init__(self, base):
        self.root = base.aspect2d.attach_new_node("captions")
        self.lines = []
        for i in range(MAX_LINES):
            text = TextNode(f"caption-{i}")
            text.set_align(TextNode.A_center)
            text.set_shadow(0.05, 0.05)
            text.set_wordwrap(34)
            node = self.root.attach_new_node(text)
            node.set_scale(0.07)
            node.set_z(BOTTOM + i * LINE_GAP)
            self.lines.append((text, node))

    def update(self, captions) -> None:
        for i, (text, node) in enumerate(self.lines):
            if i >= len(captions):
                node.hide()
                continue
            c = captions[i]
            text.set_text(f"\1speaker\1{c.speaker}:\2 {c.text}" if c.speaker else c.text)
            text.set_text_color(1, 1, 1, c.alpha)
            text.set_shadow_color(0, 0, 0, 0.8 * c.alpha)
            node.show()


def _speaker_style() -> None:
    """Register the warm speaker-name colour with Panda3D's text property manager once."""
    from panda3d.core import TextProperties, TextPropertiesManager

    manager = TextPropertiesManager.get_global_ptr()
    if not manager.has_properties("speaker"):
        props = TextProperties()
        props.set_text_color(1.0, 0.78, 0.45, 1)
        manager.set_properties("speaker", props)


_speaker_style()
