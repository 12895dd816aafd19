"""Camera bookmarks kept in a JSON file next to the scene (`scenes/finale.toml` ->
`scenes/finale.bookmarks.json`), so they survive restarts.

JSON rather than TOML so `hyosan scenes check` (every `*.toml` in scenes/) never takes
it for a scene. A corrupt file is never fatal: the explorer starts without bookmarks,
says so, and moves the bad file aside (`.corrupt`) the first time it saves.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

SLOTS = tuple(str(k) for k in range(1, 10))


def bookmarks_path(scene_path: Path) -> Path:
    return Path(scene_path).with_suffix(".bookmarks.json")


def _checked(slot: str, pose) -> dict:
    """`pose` as {pos: [x, y, z], heading, pitch, fov} floats, or ValueError saying why."""
    if slot not in SLOTS:
        raise ValueError(f"slot {slot!r} is not 1 to 9")
    if not isinstance(pose, dict):
        raise ValueError(f"slot {slot}: not a table")
    pos = pose.get("pos")
    if not (isinstance(pos, list) and len(pos) == 3):
        raise ValueError(f"slot {slot}: pos must be [x, y, z]")
    numbers = [*pos, pose.get("heading"), pose.get("pitch"), pose.get("fov")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
               for v in numbers):
        raise ValueError(f"slot {slot}: pos, heading, pitch and fov must be finite numbers")
    if not 1.0 <= pose["fov"] <= 170.0:
        raise ValueError(f"slot {slot}: fov {pose['fov']} is not 1 to 170 degrees")
    return {"pos": [float(v) for v in pos], "heading": float(pose["heading"]),
            "pitch": float(pose["pitch"]), "fov": float(pose["fov"])}


class Bookmarks:
    """Slots "1".."9" -> camera pose dicts (`FlyCamera.pose()`), loaded from `path`.

    `message` holds the latest thing the user should read (a corrupt file, a failed
    save); it is None when all went well."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.slots: dict[str, dict] = {}
        self.message: str | None = None
        self._corrupt = False
        self.load()

    def load(self) -> None:
        self.slots, self._corrupt = {}, False
        if not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("bookmarks"), dict):
                raise ValueError('expected {"bookmarks": {"1": {...}, ...}}')
            self.slots = {k: _checked(k, v) for k, v in data["bookmarks"].items()}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.slots, self._corrupt = {}, True
            self.message = (f"{self.path.name}: corrupt bookmarks ({exc}); starting without "
                            f"them, the file is moved aside on the next save")

    def recall(self, slot: str) -> dict | None:
        return self.slots.get(slot)

    def store(self, slot: str, pose: dict) -> bool:
        """Keep `pose` in `slot` and write the file; False (and `message`) if it failed.
        The slot is kept for this session even when the file cannot be written."""
        self.slots[slot] = _checked(slot, pose)
        return self.save()

    def save(self) -> bool:
        text = json.dumps({"bookmarks": dict(sorted(self.slots.items()))}, indent=2) + "\n"
        tmp = None
        try:
            if self._corrupt and self.path.exists():
                self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
            self._corrupt = False
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            self.message = f"cannot write {self.path}: {exc.strerror or exc}; bookmark kept until you quit"
            return False
        self.message = None
        return True
