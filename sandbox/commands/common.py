"""What every command shares: the user-error type and argument parsers that answer
bad input in one line naming the value and what is allowed."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sandbox import paths


class UserError(Exception):
    """A mistake on the command line or in an input file: reported in one line, exit code 2."""


def size_arg(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)x(\d+)", text.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1280x720")
    w, h = int(m[1]), int(m[2])
    if not (16 <= w <= 7680 and 16 <= h <= 4320) or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(
            f"{text!r}: width and height must be even, 16x16 to 7680x4320 (H.264 yuv420p)")
    return w, h


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return value


def named_file(text: str, folder: Path, what: str) -> Path:
    """A data file given as a path, or by name from `folder` (`finale` -> folder/finale.toml);
    a UserError listing what `folder` holds otherwise."""
    path = Path(text)
    if path.is_file():
        return path
    named = folder / f"{text}.toml"
    if named.is_file():
        return named
    known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
    raise UserError(f"{what} {text!r} not found (no such file, and no {named.name} in "
                    f"{folder.relative_to(paths.ROOT)}/: {known})")


def scene_path(text: str) -> Path:
    """A scene given as a path, or by name from scenes/."""
    return named_file(text, paths.SCENES, "scene")


def writable_output(path: Path) -> Path:
    """Create the output's folder if needed; refuse early if it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a directory")
    return path


def ranged_int(lo: int, hi: int):
    """An argparse type: a whole number from lo to hi, else one line naming the range."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from {lo} to {hi}")
        return value
    return parse
