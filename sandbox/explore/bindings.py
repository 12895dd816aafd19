"""The explorer's one key table. The app registers its handlers from it and the F1
help is printed from it, so the help cannot drift from what the keys do.

Keys are Panda3D button names, read with modifier chords switched off (each key is
its own event), so Shift can be held while flying; `mod` says which modifier must be
held for a press binding ("" = none of Ctrl and Alt)."""

from __future__ import annotations

from dataclasses import dataclass

DIGITS = tuple(str(k) for k in range(1, 10))
SHIFT = ("shift", "lshift", "rshift")
CONTROL = ("control", "lcontrol", "rcontrol")
ALT = ("alt", "lalt", "ralt")


@dataclass(frozen=True)
class Binding:
    label: str                 # as the help shows it
    keys: tuple[str, ...]      # Panda3D button names (empty: a mouse gesture on a widget)
    help: str
    action: str = ""           # explorer method called with the key name on a press
    mod: str = ""              # "control" or "alt" must be held; "" = neither
    hold: bool = False         # a key read while held every frame (flying), no action
    section: str = "camera"


BINDINGS: tuple[Binding, ...] = (
    Binding("W / S", ("w", "s"), "fly forward / back where you look (leaves the shot camera)",
            hold=True),
    Binding("A / D", ("a", "d"), "fly left / right", hold=True),
    Binding("Q / E", ("q", "e"), "fly down / up", hold=True),
    Binding("Shift", SHIFT, "fly 4x faster while held", hold=True),
    Binding("Wheel", ("wheel_up", "wheel_down"), "fly speed x1.25 / x0.8", action="wheel"),
    Binding("Right drag", ("mouse3",), "look around", hold=True),
    Binding("Alt + left drag", ("mouse1",), "orbit round the selection or the point ahead",
            action="begin_orbit", mod="alt"),
    Binding("Left click", ("mouse1",), "select the character or agent under the mouse",
            action="select"),
    Binding("F", ("f",), "frame the selection (or the anchor last jumped to)", action="frame"),
    Binding("G", ("g",), "follow the selection / stop following", action="toggle_follow"),
    Binding("C", ("c",), "back to the scene's shot camera", action="shot_camera"),
    Binding("Esc", ("escape",), "drop the selection", action="clear_selection"),
    Binding("Ctrl + 1..9", DIGITS, "store the camera in bookmark 1..9 (kept next to the scene)",
            action="store_bookmark", mod="control"),
    Binding("1..9", DIGITS, "go to bookmark 1..9", action="recall_bookmark"),
    Binding("L", ("l",), "list of named anchors: click one to fly there", action="toggle_anchors"),
    Binding("Space", ("space",), "play / pause", action="play_pause", section="time"),
    Binding(". / ,", (".", ","), "step one frame forward / back (pauses)", action="step_frame",
            section="time"),
    Binding("] / [", ("]", "["), "jump to the next / previous event", action="jump_event",
            section="time"),
    Binding("= / -", ("=", "-"), "playback speed up / down (x0.25 .. x4)", action="speed",
            section="time"),
    Binding("Home", ("home",), "back to the start", action="rewind", section="time"),
    Binding("Drag the bar", (), "scrub: the crowd replays to that time, step for step",
            section="time"),
    Binding("F1", ("f1",), "this help", action="toggle_help", section="view"),
    Binding("Tab", ("tab",), "crowd tuning panel (sliders, reset, save preset)",
            action="toggle_panel", section="view"),
    Binding("F2", ("f2",), "overlay: walkable map of the crowd's level",
            action="toggle_overlay", section="view"),
    Binding("F3", ("f3",), "overlay: flow-field arrows toward the crowd's goal",
            action="toggle_overlay", section="view"),
    Binding("F4", ("f4",), "overlay: agent velocity vectors", action="toggle_overlay",
            section="view"),
    Binding("F5", ("f5",), "overlay: perception radii (sight, bite, flee) near the view centre",
            action="toggle_overlay", section="view"),
    Binding("F6", ("f6",), "overlay: sound events and how far they are heard",
            action="toggle_overlay", section="view"),
    Binding("F12", ("f12",), "screenshot to PNG (path shown in the HUD)", action="screenshot",
            section="view"),
    Binding("F9", ("f9",), "record what is on screen to MP4 / stop", action="toggle_record",
            section="view"),
)

OVERLAY_KEYS = {"f2": "walkable", "f3": "flow", "f4": "velocity", "f5": "perception",
                "f6": "sound"}
SECTIONS = {"camera": "Camera", "time": "Time", "view": "View"}


def held_keys() -> set[str]:
    """Every key that is tracked while held."""
    return {k for b in BINDINGS if b.hold for k in b.keys}


def press_keys() -> set[str]:
    return {k for b in BINDINGS if b.action for k in b.keys}


def binding_for(key: str, control: bool, alt: bool) -> Binding | None:
    """The press binding `key` triggers with these modifiers held (Ctrl wins over Alt)."""
    mod = "control" if control else "alt" if alt else ""
    for b in BINDINGS:
        if b.action and key in b.keys and b.mod == mod:
            return b
    if mod:   # a modifier no binding of this key wants: as if it were not held
        return binding_for(key, False, False)
    return None


def help_lines() -> list[tuple[str, str, str]]:
    """(section title, key label, what it does) for every binding, in table order."""
    return [(SECTIONS[b.section], b.label, b.help) for b in BINDINGS]
