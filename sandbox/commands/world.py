"""`hyosan models build` and `hyosan world map`: the generated world and its data."""

from __future__ import annotations

from pathlib import Path

from sandbox import paths
from sandbox.commands.common import UserError, writable_output

ORDER = 80


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


def register(sub) -> None:
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
