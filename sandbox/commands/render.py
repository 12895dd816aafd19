"""`hyosan render` (video, stills, benchmark) and `hyosan still`."""

from __future__ import annotations

from pathlib import Path

from sandbox import paths
from sandbox.commands.common import (UserError, positive_int, ranged_int, scene_path,
                                     size_arg, writable_output)
from sandbox.render.workers import CROWD_LIMIT

ORDER = 10


# Options that only mean something in one mode of `render`, by destination name.
_MODE_ONLY = {"bench": ("frames", "json"), "stills": ("every",),
              "video": ("output", "codec", "crf")}


def _check_render_mode(args) -> str:
    """Which of video / stills / bench was asked for; a UserError for an option given
    with a mode it does not apply to."""
    if args.bench and args.stills:
        raise UserError("--bench and --stills are separate modes; give one")
    mode = "bench" if args.bench else "stills" if args.stills else "video"
    for other, dests in _MODE_ONLY.items():
        for dest in dests:
            if other != mode and getattr(args, dest) not in (None, False):
                flag = "-o/--output" if dest == "output" else f"--{dest}"
                raise UserError(f"{flag} does not apply to "
                                f"{'--' + mode if mode != 'video' else 'a video render'}")
    if mode == "bench" and (args.start != 0.0 or args.end is not None):
        raise UserError("--start/--end do not apply to --bench (it samples the whole scene)")
    return mode


def cmd_render(args) -> int:
    mode = _check_render_mode(args)
    scene_file = scene_path(args.scene)
    from sandbox.render import movie, video

    if args.bake is not None and args.agents is not None:
        raise UserError("--agents and --bake do not go together (a bake has its own agents)")
    if args.bake is not None:
        from sandbox.crowd.bake import check
        check(args.bake)   # a bad file is a one-line error before anything opens
    spec = movie.PlayerSpec(movie.prepare(scene_file, args.agents), args.size, args.quality,
                            args.bake)
    codec = args.codec or "h264"
    jobs = args.jobs or movie.default_jobs(spec)
    if mode == "bench":
        result = movie.bench(spec, args.fps, frames=args.frames or 48, codec=codec,
                             jobs=jobs)
        print_bench(result, as_json=args.json)
        return 0
    times = movie.frame_times(spec.scene, args.fps, args.start, args.end)
    if mode == "stills":
        folder = writable_output(args.stills / "contact.png").parent
        movie.render_stills(spec, folder, times=times, every=args.every or 1, jobs=jobs)
        return 0
    out = args.output or paths.OUT / f"{scene_file.stem}{video.CODECS[codec].suffixes[0]}"
    try:
        video.check_output(codec, args.crf, out)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    movie.render_movie(spec, writable_output(out), args.fps, times=times, codec=codec,
                       crf=args.crf, jobs=jobs)
    return 0


def print_bench(result: dict, as_json: bool) -> None:
    """The bench result as one JSON object, or as a table, on stdout."""
    import json

    if as_json:
        print(json.dumps(result))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{result['scene']} at {result['size']}, {result['quality']}, "
                  f"{result['agents']:,} agents, {result['codec']}, {result['frames']} frames")
    table.add_column("stage")
    table.add_column("median ms / frame", justify="right")
    for key, label in (("crowd_ms", "crowd step (wait)"), ("show_ms", "scene update"),
                       ("draw_ms", "draw + readback"), ("encode_ms", "encode (wait)")):
        table.add_row(label, f"{result[key]:.1f}")
    table.add_row("CPU time (all threads)", f"{result['cpu_ms']:.1f}")
    table.add_row("[bold]overall", f"[bold]{result['fps']:.2f} fps")
    Console().print(table)
    print(f"OpenGL: {result['renderer']}")


def cmd_still(args) -> int:
    scene = scene_path(args.scene)
    out = writable_output(args.output)
    from sandbox.render.movie import render_still

    render_still(scene, args.at, out, size=args.size)
    print(f"wrote {out}")
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "render", help="render a scene headlessly to video, stills or a benchmark",
        description="Render a scene headlessly. By default to a video (H.264 MP4, yuv420p): "
        "frames go straight to the encoder and the file appears at OUT only when complete; "
        "an interrupted render leaves OUT as it was. --stills writes PNGs and a contact "
        "sheet instead; --bench times each stage of a frame and writes nothing.")
    p.add_argument("scene", nargs="?", default="finale",
                   help="scene file, or a name in scenes/ (default: finale)")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="OUT",
                   help="output video (default: out/SCENE.mp4, .mov for prores); the suffix "
                   "picks the container: .mp4, .mov or .mkv (prores: .mov only)")
    p.add_argument("--size", type=size_arg, default=(1280, 720),
                   help="WIDTHxHEIGHT in pixels, even (default 1280x720)")
    p.add_argument("--fps", type=ranged_int(1, 240), default=24,
                   help="frames per second of scene time, 1 to 240 (default 24)")
    p.add_argument("--quality", choices=("final", "draft"), default="final",
                   help="final: full look, x264/x265 preset veryfast (x264 with subme=1), "
                   "ProRes HQ; draft: a fast preview without sun shadows, preset "
                   "ultrafast, ProRes proxy (default final)")
    p.add_argument("--start", type=float, default=0.0, metavar="SECONDS",
                   help="first scene time to render, seconds (default 0)")
    p.add_argument("--end", type=float, default=None, metavar="SECONDS",
                   help="scene time to stop before, seconds (default: the scene's duration)")
    p.add_argument("--codec", choices=("h264", "h265", "prores"), default=None,
                   help="h264 (libx264, yuv420p), h265 (libx265, yuv420p) or prores "
                   "(prores_ks, yuv422p10le, .mov) (default h264)")
    p.add_argument("--crf", type=int, default=None, metavar="N",
                   help="constant rate factor for h264/h265, 0 (lossless) to 51; lower is "
                   "better and bigger (default 20 for h264, 24 for h265)")
    p.add_argument("--stills", type=Path, default=None, metavar="DIR",
                   help="write frames as PNG (frame_NNNNN.png, N = frame number at --fps) "
                   "and a labelled contact sheet DIR/contact.png instead of a video")
    p.add_argument("--every", type=positive_int, default=None, metavar="N",
                   help="with --stills: keep every Nth frame (default 1)")
    p.add_argument("--bench", action="store_true",
                   help="time the wait for the crowd step, scene update, draw + readback and "
                   "the wait on the encoder on frames spread over the scene, drawn as in a "
                   "render (the next frame's crowd is stepped and the last one encoded, into "
                   "a null sink, no file, on threads of their own while a frame draws) and "
                   "the CPU time a frame costs the process, all threads; print medians in ms")
    p.add_argument("--frames", type=ranged_int(1, 10_000), default=None, metavar="K",
                   help="with --bench: how many frames to time (default 48)")
    p.add_argument("--json", action="store_true",
                   help="with --bench: print the result as one JSON object on stdout")
    p.add_argument("--jobs", type=ranged_int(1, 16), default=None, metavar="N",
                   help="processes drawing frames at once, each with its own renderer, frame "
                   "k by process k mod N; each works its frames out from the scene alone, so "
                   "they are the frames one process draws, bit for bit. Under software "
                   "GL one process leaves a core idle while it bins a pass's triangles and "
                   "its rasteriser waits (default: one per core, up to 2, but 1 where the "
                   f"scene's crowd passes {CROWD_LIMIT:,} agents, since each process steps it "
                   "all; 1 draws in this process) (any render mode)")
    p.add_argument("--bake", type=Path, default=None, metavar="RUN.npz",
                   help="play back a recorded crowd (hyosan crowd bake) instead of simulating "
                   "the scene's own (any render mode)")
    p.add_argument("--agents", type=ranged_int(1, 200_000), default=None, metavar="N",
                   help="resize the scene's crowd to N agents, 1 to 200000, each spawn "
                   "keeping its share and a disc its density (its radius grows with "
                   "sqrt(count)) (default: as in the scene)")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("still", help="render one frame of a scene to PNG",
                       description="Render the frame at scene time --at of a scene to a PNG.")
    p.add_argument("scene", help="scene file, or a name in scenes/")
    p.add_argument("--at", type=float, default=0.0, metavar="SECONDS", help="scene time (default 0)")
    p.add_argument("-o", "--output", type=Path, default=Path("frame.png"), help="PNG to write")
    p.add_argument("--size", type=size_arg, default=(1280, 720), help="WIDTHxHEIGHT (default 1280x720)")
    p.set_defaults(func=cmd_still)
