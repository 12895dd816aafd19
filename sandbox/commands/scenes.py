"""`hyosan scenes check` and `hyosan scenes schema`: validate scene files, print their schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sandbox import paths
from sandbox.config import ConfigError

ORDER = 30


def cmd_scenes_check(args) -> int:
    """Load every file (with its includes) and check its anchors against the world; one line
    per file, errors on stderr; exit 2 when any file is wrong."""
    from sandbox.timeline.scene import check_scene, load_scene
    from sandbox.world import anchors

    files = args.files or [p for p in sorted(paths.SCENES.glob("*.toml")) if _is_scene(p)]
    table = anchors()
    failed = 0
    for path in files:
        try:
            scene = load_scene(path)
            check_scene(scene, table)
        except ConfigError as exc:
            print(exc, file=sys.stderr)
            failed += 1
            continue
        print(f"ok {path}: {scene.duration:g} s, {len(scene.segments)} part(s), "
              f"{len(scene.shots)} shots, {len(scene.events)} events, "
              f"{len(scene.characters)} characters")
    return 2 if failed else 0


def _is_scene(path: Path) -> bool:
    """Whether a file in scenes/ is a scene: other data lives there too (lighting presets,
    the cast's looks), told apart by having none of a scene's top-level keys."""
    import tomllib

    try:
        keys = set(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError):
        return True   # let the check report it
    return bool(keys & {"scene", "include", "shot", "event"})


def cmd_scenes_schema(args) -> int:
    from sandbox.timeline.scene import scene_schema

    print(json.dumps(scene_schema(), indent=2))
    return 0


def register(sub) -> None:
    p = sub.add_parser("scenes", help="check scene files, print their JSON Schema")
    ssub = p.add_subparsers(dest="scenes_command", required=True, metavar="ACTION")
    c = ssub.add_parser("check", help="validate scene files (default: every scenes/*.toml)",
                        description="Read each scene and what it includes, check every key, "
                        "time and anchor; each error names the file, line, key, value and "
                        "what is allowed.")
    c.add_argument("files", nargs="*", type=Path, metavar="FILE", help="scene files")
    c.set_defaults(func=cmd_scenes_check)
    s = ssub.add_parser("schema", help="print the scene format as JSON Schema",
                        description="The JSON Schema generated from the same declarations the "
                        "loader reads through, for editors to complete and check scene files.")
    s.set_defaults(func=cmd_scenes_schema)
