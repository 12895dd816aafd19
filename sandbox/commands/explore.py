"""`hyosan explore`: a scene live in a window with a free camera, scrubbing, overlays
and crowd tuning (sandbox.explore)."""

from __future__ import annotations

import json
from pathlib import Path

from sandbox import paths
from sandbox.commands.common import UserError, ranged_int, scene_path, size_arg

ORDER = 15


def cmd_explore(args) -> int:
    if args.headless and not args.bench:
        raise UserError("--headless goes with --bench (an offscreen window shows no one anything)")
    scene_file = scene_path(args.scene)
    from sandbox.render import movie

    scene = movie.prepare(scene_file, args.agents)   # the checks `hyosan render` makes
    if not 0 <= args.at <= scene.duration:
        raise UserError(f"--at {args.at:g} is outside {scene_file} (0 to {scene.duration:g} s)")
    from sandbox.explore.app import Explorer

    explorer = Explorer(scene, args.size, headless=args.headless, quality=args.quality,
                        out_dir=args.out)
    explorer.session.transport.seek(args.at)
    if args.bench:
        print(json.dumps({"scene": scene_file.name, "headless": args.headless,
                          **explorer.bench(args.bench)}))
        return 0
    explorer.run()
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "explore", help="explore a scene live: free camera, scrubbing, overlays, crowd tuning",
        description="Open a window on a scene and play it live. Fly with W/A/S/D/Q/E and the "
        "right mouse button, scrub on the timeline bar, tune the crowd with Tab; F1 lists "
        "every key. Starts on the scene's own shot camera; any camera key flies free, C "
        "goes back. Bookmarks (Ctrl+1..9) are kept in SCENE.bookmarks.json next to the "
        "scene; screenshots (F12) and recordings (F9) go to --out.")
    p.add_argument("scene", nargs="?", default="finale",
                   help="scene file, or a name in scenes/ (default: finale)")
    p.add_argument("--size", type=size_arg, default=(1280, 720),
                   help="window WIDTHxHEIGHT in pixels (default 1280x720)")
    p.add_argument("--quality", choices=("draft", "final"), default="draft",
                   help="draft (default): no sun shadows, the cheaper post chain; final: "
                   "the full look of `hyosan render`")
    p.add_argument("--agents", type=ranged_int(1, 200_000), default=None, metavar="N",
                   help="resize the scene's crowd to N agents, 1 to 200000 (as in render)")
    p.add_argument("--at", type=float, default=0.0, metavar="SECONDS",
                   help="start at this scene time (default 0)")
    p.add_argument("--out", type=Path, default=paths.OUT, metavar="DIR",
                   help="folder for screenshots and recordings (default out/)")
    p.add_argument("--headless", action="store_true",
                   help="an offscreen window (EGL) instead of a real one; for --bench")
    p.add_argument("--bench", type=ranged_int(1, 10_000), default=None, metavar="FRAMES",
                   help="play FRAMES frames at x1 and print the median frame time and fps "
                   "(each frame read back so software GL cannot defer it) as JSON, then quit")
    p.set_defaults(func=cmd_explore)
