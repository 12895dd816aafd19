"""`hyosan` command line. Subcommands import their heavy modules lazily, so
`hyosan --help` and argument errors answer at once."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from sandbox import paths
from sandbox.config import ConfigError


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


def scene_path(text: str) -> Path:
    """A scene given as a path, or by name from scenes/ (`finale` -> scenes/finale.toml)."""
    path = Path(text)
    if path.is_file():
        return path
    named = paths.SCENES / f"{text}.toml"
    if named.is_file():
        return named
    raise UserError(f"scene {text!r} not found (no such file, and no {named.name} in "
                    f"{paths.SCENES.name}/)")


def writable_output(path: Path) -> Path:
    """Create the output's folder if needed; refuse early if it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a directory")
    return path


def cmd_render(args) -> int:
    scene = scene_path(args.scene)
    out = writable_output(args.output)
    from sandbox.render.movie import render_movie

    render_movie(scene, out, size=args.size, fps=args.fps)
    return 0


def cmd_still(args) -> int:
    scene = scene_path(args.scene)
    out = writable_output(args.output)
    from sandbox.render.movie import render_still

    render_still(scene, args.at, out, size=args.size)
    print(f"wrote {out}")
    return 0


def cmd_models_build(args) -> int:
    from sandbox.world.export import build_models

    out = args.output
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    for path in build_models(out):
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    return 0


def cmd_world_map(args) -> int:
    from sandbox.world import walkmap
    from sandbox.world.walkmap import draw_level

    wm = walkmap()
    if args.level not in wm.levels:
        raise UserError(f"unknown level {args.level!r} (levels: {', '.join(wm.levels)})")
    out = writable_output(args.output)
    draw_level(wm, args.level, out)
    print(f"wrote {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hyosan",
        description="Hyosan High School sandbox: render the finale, build the world, tune hordes.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("render", help="render a scene headlessly to an H.264 MP4",
                       description="Render a scene file headlessly to H.264 MP4 (yuv420p). "
                       "Frames go straight to the encoder; the output appears only when complete.")
    p.add_argument("scene", nargs="?", default="finale",
                   help="scene file, or a name in scenes/ (default: finale)")
    p.add_argument("-o", "--output", type=Path, default=paths.OUT / "finale.mp4",
                   help="output video (default: out/finale.mp4)")
    p.add_argument("--size", type=size_arg, default=(1280, 720), help="WIDTHxHEIGHT (default 1280x720)")
    p.add_argument("--fps", type=positive_int, default=24, help="frames per second (default 24)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("still", help="render one frame of a scene to PNG",
                       description="Render the frame at scene time --at of a scene to a PNG.")
    p.add_argument("scene", help="scene file, or a name in scenes/")
    p.add_argument("--at", type=float, default=0.0, metavar="SECONDS", help="scene time (default 0)")
    p.add_argument("-o", "--output", type=Path, default=Path("frame.png"), help="PNG to write")
    p.add_argument("--size", type=size_arg, default=(1280, 720), help="WIDTHxHEIGHT (default 1280x720)")
    p.set_defaults(func=cmd_still)

    p = sub.add_parser("models", help="generated 3D assets")
    msub = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    b = msub.add_parser("build", help="write the world's meshes to models/ as glTF binaries",
                        description="Build every part of the world from the blueprint and write "
                        "it as .glb; the bytes are the same on every run.")
    b.add_argument("-o", "--output", type=Path, default=paths.MODELS,
                   help="folder to write (default: the repository's models/)")
    b.set_defaults(func=cmd_models_build)

    p = sub.add_parser("world", help="inspect the world data")
    wsub = p.add_subparsers(dest="world_command", required=True, metavar="ACTION")
    m = wsub.add_parser("map", help="draw a level's walkable map to PNG",
                        description="Draw the walkable cells of one level, with anchors and "
                        "stairwell links, to a PNG.")
    m.add_argument("--level", default="ground", help="ground, floor2, floor3, floor4 or roof")
    m.add_argument("-o", "--output", type=Path, default=Path("map.png"), help="PNG to write")
    m.set_defaults(func=cmd_world_map)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (UserError, ConfigError) as exc:
        print(f"hyosan: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hyosan: interrupted", file=sys.stderr)
        return 130
