"""Scene files: TOML -> validated, frozen dataclasses, with `include` chaining scenes into a film.

The format is declared once in the `Decl` tables below (see `schema.py`); the
loader reads through them and `scene_schema()` prints them as JSON Schema.
Places are coordinates `[x, y, z]`, an anchor name, or `{anchor, offset}`;
anchors are resolved later against the world's table, which the caller passes
in (`check_scene`, `Sequence`), so the timeline never imports the world.

Include rule: a file's `include` list plays first, in order, each included
scene shifted by the durations of those before it; the file's own shots and
events follow, shifted by the sum of the included durations. A film's duration
is that sum plus its own `[scene].duration` (which may then be left out: 0).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Mapping

from sandbox.config import ConfigError
from sandbox.timeline.curves import EASINGS
from sandbox.timeline.schema import REQUIRED, Decl, Field, Place, Reader
from sandbox.timeline.state import WEATHERS

TIMES_OF_DAY = ("day", "dusk", "night")
SPAWN_KINDS = ("regular", "immune", "immortal", "human")
CHARACTER_KINDS = ("student", "immune", "soldier")
CAST = ("onjo", "suhyeok", "daesu", "hari", "mijin", "hyoryung", "namra")
EXTERNAL_TARGETS = ("horde:", "agent:")   # resolved by the director, not the timeline


def _num(name, doc, default=REQUIRED, lo=None, hi=None, unit="", open_hi=False):
    return Field(name, "number", doc, default, lo, hi, unit, open_hi=open_hi)


HEAD = Decl((
    Field("title", "string", "shown in the player and file names", None),
    _num("duration", "length of this file's own part; may be left out in a file that only "
         "includes others", None, 0, 3600, "seconds"),
    Field("seed", "integer", "same seed, same crowd and effects", 0, 0, 2**63 - 1),
    Field("time_of_day", "choice", "lighting preset", "day", choices=TIMES_OF_DAY),
    Field("weather", "choice", "particles and haze", "clear", choices=WEATHERS),
    Field("burnt", "fraction", "the school intact (false, 0) or scorched (true, 1)", 0.0),
), "world state of this part")

REGION = Decl((Field("min", "place", "one corner (x, y used)"),
               Field("max", "place", "the opposite corner")), "a rectangle on the ground")
SPAWN = Decl((
    Field("count", "integer", "agents", REQUIRED, 0, 200_000),
    Field("kind", "choice", "who they are", "regular", choices=SPAWN_KINDS),
    Field("at", "place", "centre of a disc (give at + radius, or region)", None),
    _num("radius", "disc radius", None, 0.5, 500, "metres"),
    Field("region", "table", "rectangle to fill instead of a disc", None, sub=REGION),
), "a group of agents placed at the start")
CROWD = Decl((
    Field("preset", "string", "a file in scenes/crowd/ without .toml", "hyosan_horde"),
    Field("params", "dict", "overrides of the preset's declared parameters", None),
    Field("goal", "place", "where the horde heads", None),
    Field("spawn", "tables", "groups placed at the start", (), sub=SPAWN),
), "the horde")

KEY = Decl((
    _num("t", "seconds from the shot's start", REQUIRED, 0, None, "seconds"),
    Field("pos", "place", "camera position (leave out when the shot follows a character)", None),
    Field("look_at", "place", "aim point (leave out when the shot looks at a character)", None),
    _num("fov", "vertical field of view", 50.0, 5, 150, "degrees"),
    _num("roll", "about the view axis", 0.0, -180, 180, "degrees"),
    Field("ease", "choice", "easing of the segment after this key", "ease_in_out",
          choices=tuple(EASINGS)),
), "a camera keyframe; keys are joined by a centripetal Catmull-Rom spline")
SHAKE = Decl((
    _num("amplitude", "handheld wobble size", REQUIRED, 0, 5, "metres"),
    _num("frequency", "main wobble rate", 1.2, 0.05, 30, "Hz"),
), "seeded handheld shake")
SHOT = Decl((
    Field("name", "string", "shown by the player", None),
    _num("start", "when the shot cuts in", REQUIRED, 0, None, "seconds"),
    Field("look_at", "target", "aim at a character (the timeline places it) or the crowd "
          "(horde:centroid, horde:front, agent:ID: the director places it)", None),
    Field("follow", "target", "camera rides along with this target", None),
    Field("follow_offset", "vec3", "camera position relative to the followed target",
          (0.0, -6.0, 2.5), unit="metres"),
    Field("shake", "table", "handheld shake", None, sub=SHAKE),
    Field("key", "tables", "keyframes, times strictly increasing", REQUIRED, sub=KEY),
), "a camera shot; shots follow each other with hard cuts")

CHARACTER = Decl((
    Field("name", "string", "onjo, suhyeok, daesu, hari, mijin, hyoryung, namra, or any "
          "lower-case name (soldier1 ...)"),
    Field("kind", "choice", "how the figure is dressed and moves", choices=CHARACTER_KINDS),
    Field("start", "place", "where the character stands at the scene's start"),
    _num("heading", "facing, counter-clockwise from east", 90.0, -360, 360, "degrees"),
), "a scripted character")


def _mover(speed: float) -> Decl:
    return Decl((
        Field("to", "place", "destination (give to or path)", None),
        Field("path", "places", "points walked in straight lines", None, lo=1),
        _num("speed", "ground speed", speed, 0.1, 12, "m/s"),
    ), "move in straight lines (no navigation)")


ACTIONS = {
    "walk": _mover(1.4),
    "run": _mover(4.0),
    "stand": Decl((_num("heading", "turn to face", None, -360, 360, "degrees"),), "stand still"),
    "look": Decl((Field("at", "place", "turn to face this place"),), "turn to face a place"),
    "jump": Decl((
        Field("toward", "place", "direction of the leap"),
        _num("speed", "horizontal take-off speed", 3.0, 0, 15, "m/s"),
        _num("up", "vertical take-off speed", 2.5, 0, 15, "m/s"),
        _num("land_height", "height where the fall ends; must be below the take-off", 0.0,
             -100, 1000, "metres"),
    ), "a ballistic leap, then a fall to land_height"),
    "fall": Decl((_num("land_height", "height where the fall ends", 0.0, -100, 1000, "metres"),),
                 "drop straight down"),
    "sit": Decl((_num("heading", "turn to face", None, -360, 360, "degrees"),), "sit down"),
    "look_down": Decl((Field("at", "place", "turn to face this place first", None),),
                      "lean over an edge and look down"),
}


def _flight(speed: float, doc: str) -> Decl:
    return Decl((
        Field("path", "places", "waypoints flown in straight lines"),
        _num("speed", "air speed", speed, 0.1, 400, "m/s"),
        Field("waits", "numbers", "seconds hovering at each waypoint (as many as path)", None,
              unit="seconds"),
    ), doc)


EVENT = Decl((_num("t", "when it happens, from this file's start", REQUIRED, 0, None,
                   "seconds"),), "a story event", key="type", variants={
    "sound": Decl((
        Field("at", "place", "source"),
        _num("loudness", "0 silent .. 1 loudspeaker", 1.0, 0, 1),
        _num("duration", "how long it sounds", REQUIRED, 0.01, 3600, "seconds"),
    ), "a sound lure heard by the horde"),
    "drone": Decl((
        Field("path", "places", "waypoints flown in straight lines"),
        _num("speed", "air speed (give speed or duration)", None, 0.1, 100, "m/s"),
        _num("duration", "time to fly the path (give speed or duration)", None, 0.01, 3600,
             "seconds"),
        _num("loudness", "its siren, 0 .. 1", 1.0, 0, 1),
    ), "a sound drone: a moving lure and a drone actor"),
    "strike": Decl((
        Field("at", "place", "impact point"),
        _num("yield", "relative size, 1 = 500 lb bomb", 1.0, 0.05, 20),
        Field("kind", "choice", "what falls", "bomb", choices=("bomb", "missile")),
    ), "an explosion: fireball, shockwave, smoke, debris, camera shake"),
    "fire": Decl((
        Field("at", "place", "centre"),
        _num("radius", "radius at ignition", 2.0, 0.1, 200, "metres"),
        _num("spread", "radius growth", 0.0, 0, 20, "m/s"),
        _num("max_radius", "largest radius (default: radius)", None, 0.1, 500, "metres"),
        _num("out", "extinguish time, after t (scene seconds)", None, 0, None, "seconds"),
    ), "a fire that ignites at t, spreads and may go out"),
    "action": Decl((Field("character", "string", "a declared [[character]] name"),),
                   "a character starts an action", key="do", variants=ACTIONS),
    "lighting": Decl((
        Field("to", "choice", "lighting preset to blend to", choices=TIMES_OF_DAY),
        _num("duration", "blend time", 5.0, 0, 3600, "seconds"),
    ), "change of light"),
    "caption": Decl((
        Field("speaker", "string", "who speaks (empty for a title)", ""),
        Field("text", "string", "what is shown"),
        _num("duration", "time on screen", REQUIRED, 0.1, 600, "seconds"),
        _num("fade", "fade in and out", 0.4, 0, 5, "seconds"),
    ), "subtitle"),
    "helicopter": _flight(20.0, "a helicopter flies the path, hovering where waits says"),
    "jet": _flight(220.0, "a jet flies the path"),
})

TOP = Decl((
    Field("include", "strings", "scene files played first, paths relative to this file", ()),
    Field("scene", "table", "title, duration and world state", None, sub=HEAD),
    Field("crowd", "table", "the horde", None, sub=CROWD),
    Field("character", "tables", "the cast", (), sub=CHARACTER),
    Field("shot", "tables", "camera shots", (), sub=SHOT),
    Field("event", "tables", "story events", (), sub=EVENT),
), "a hyosan scene file")


def scene_schema() -> dict:
    """JSON Schema (draft 2020-12) of a scene file, generated from the declarations above."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "hyosan scene", **TOP.json()}


@dataclass(frozen=True)
class Key:
    """A camera keyframe, `t` seconds after its shot starts; `ease` shapes the segment after it."""

    t: float
    pos: Place | None
    look_at: Place | None
    fov: float = 50.0
    roll: float = 0.0
    ease: str = "ease_in_out"


@dataclass(frozen=True)
class Shake:
    amplitude: float   # metres
    frequency: float   # Hz


@dataclass(frozen=True)
class Shot:
    name: str
    start: float                                    # film seconds
    keys: tuple[Key, ...]
    look_target: str | None = None
    follow_target: str | None = None
    follow_offset: tuple[float, float, float] = (0.0, -6.0, 2.5)
    shake: Shake | None = None
    seed: int = 0                                   # drives the handheld wobble
    segment: int = 0


@dataclass(frozen=True)
class Spawn:
    count: int
    at: Place | None          # disc centre, or None when `region` is given
    radius: float
    kind: str = "regular"
    region: tuple[Place, Place] | None = None


@dataclass(frozen=True)
class CrowdSpec:
    preset: str
    params: Mapping[str, Any]
    spawns: tuple[Spawn, ...]
    goal: Place | None


@dataclass(frozen=True)
class Character:
    name: str
    kind: str
    start: Place
    heading: float            # radians, counter-clockwise from +X
    segment: int = 0


@dataclass(frozen=True)
class Event:
    """A story event at film time `t`; `args` holds its declared keys, checked and converted
    (places as Place, degrees still degrees). `seed` is its own, for effects."""

    t: float
    type: str
    args: Mapping[str, Any]
    where: str
    segment: int = 0
    seed: int = 0


@dataclass(frozen=True)
class Segment:
    """One scene file's own part of the film: [start, start + duration)."""

    start: float
    duration: float
    path: Path
    title: str
    seed: int
    time_of_day: str
    weather: str
    burnt: float
    crowd: CrowdSpec | None


@dataclass(frozen=True)
class Scene:
    path: Path
    title: str
    duration: float
    seed: int
    time_of_day: str
    crowd: CrowdSpec | None
    shots: tuple[Shot, ...] = field(default=())
    weather: str = "clear"
    burnt: float = 0.0
    characters: tuple[Character, ...] = ()
    events: tuple[Event, ...] = ()
    segments: tuple[Segment, ...] = ()

    def places(self) -> Iterator[Place]:
        """Every place the scene names, each knowing where in which file it was written."""
        for s in self.shots:
            for k in s.keys:
                yield from (p for p in (k.pos, k.look_at) if p is not None)
        for seg in self.segments:
            if seg.crowd:
                for sp in seg.crowd.spawns:
                    yield from (p for p in (sp.at, *(sp.region or ())) if p is not None)
                if seg.crowd.goal:
                    yield seg.crowd.goal
        yield from (c.start for c in self.characters)
        for e in self.events:
            for v in e.args.values():
                if isinstance(v, Place):
                    yield v
                elif isinstance(v, tuple):
                    yield from (p for p in v if isinstance(p, Place))

    def anchor_names(self) -> set[str]:
        """Every anchor the scene refers to, for checking against the world's table."""
        return {p.anchor for p in self.places() if p.anchor is not None}

    def segment_at(self, t: float) -> Segment:
        i = 0
        for j, seg in enumerate(self.segments):
            if seg.start <= t:
                i = j
        return self.segments[i]


def check_scene(scene: Scene, anchors: Mapping[str, Any]) -> None:
    """Raise ConfigError at the first place naming an anchor that `anchors` lacks."""
    for p in scene.places():
        if p.anchor is not None and p.anchor not in anchors:
            raise ConfigError(f"{p.where}: unknown anchor {p.anchor!r} "
                              f"(known: {', '.join(sorted(anchors))})")


def load_scene(path: str | Path) -> Scene:
    """Read and validate a scene file and everything it includes; ConfigError on any mistake."""
    return _load(Path(path), ())


def _load(path: Path, chain: tuple[Path, ...]) -> Scene:
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such scene file") from None
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    r = Reader(raw, path, source)
    top = TOP.read(r)
    chain = chain + (path.resolve(),)
    parts = []
    for i, name in enumerate(top["include"]):
        inc = (path.parent / name)
        if inc.resolve() in chain:
            names = " -> ".join(p.name for p in chain[chain.index(inc.resolve()):]) + f" -> {name}"
            raise r.error(f"include[{i}]", f"{name!r} closes an include cycle: {names}")
        if not inc.is_file():
            raise r.error(f"include[{i}]", f"{name!r}: no such file next to {path.name}")
        parts.append(_load(inc, chain))
    if top["scene"] is None and not parts:
        raise r.error("scene", "missing (expected a [scene] table with at least duration)")
    own = _own_part(path, r, top, must_have_duration=not parts)
    return _chain(path, top, parts, own)


def _own_part(path: Path, r: Reader, top: dict, must_have_duration: bool) -> Scene:
    head = top["scene"] or {f.name: f.default for f in HEAD.fields}
    duration = head["duration"]
    if duration is None:
        if must_have_duration:
            raise r.error("scene.duration", "missing (expected a number from 0 to 3600 seconds)")
        duration = 0.0
    if duration == 0 and must_have_duration:
        raise r.error("scene.duration", "0.0 is not allowed (expected more than 0 seconds)")
    seed = head["seed"]
    cast = {}
    for i, c in enumerate(top["character"]):
        if c["name"] in cast:
            raise r.error(f"character[{i}].name", f"{c['name']!r} is declared twice")
        cast[c["name"]] = Character(c["name"], c["kind"], c["start"], math.radians(c["heading"]))
    shots = tuple(_shot(r, i, s, duration, cast, seed) for i, s in enumerate(top["shot"]))
    if duration > 0 and not shots:
        raise r.error("shot", "a scene needs at least one [[shot]]")
    starts = [s.start for s in shots]
    if shots and (starts[0] != 0.0 or any(b <= a for a, b in zip(starts, starts[1:]))):
        raise r.error("shot", f"starts {starts} must begin at 0 and strictly increase")
    events = tuple(_event(r, i, e, duration, cast, seed) for i, e in enumerate(top["event"]))
    crowd = _crowd(r, top["crowd"])
    seg = Segment(0.0, duration, path, head["title"] or path.stem, seed, head["time_of_day"],
                  head["weather"], head["burnt"], crowd)
    return Scene(path=path, title=seg.title, duration=duration, seed=seed,
                 time_of_day=seg.time_of_day, weather=seg.weather, burnt=seg.burnt, crowd=crowd,
                 shots=shots, characters=tuple(cast.values()), events=events,
                 segments=(seg,) if duration > 0 else ())


def _chain(path: Path, top: dict, parts: list[Scene], own: Scene) -> Scene:
    """Join included scenes and this file's own part end to end (see the module docstring)."""
    if not parts:
        return own
    shots, chars, events, segments = [], [], [], []
    offset = 0.0
    for part in parts + [own]:
        base = len(segments)
        shots += [replace(s, start=s.start + offset, segment=s.segment + base) for s in part.shots]
        chars += [replace(c, segment=c.segment + base) for c in part.characters]
        events += [replace(e, t=e.t + offset, segment=e.segment + base,
                           args=_shift_args(e, offset)) for e in part.events]
        segments += [replace(g, start=g.start + offset) for g in part.segments]
        offset += part.duration
    first = segments[0]
    crowd = own.crowd or next((g.crowd for g in segments if g.crowd), None)
    head = top["scene"] or {}
    return Scene(path=path, title=head.get("title") or path.stem, duration=offset,
                 seed=head.get("seed", first.seed), time_of_day=first.time_of_day,
                 weather=first.weather, burnt=first.burnt, crowd=crowd, shots=tuple(shots),
                 characters=tuple(chars), events=tuple(events), segments=tuple(segments))


def _shift_args(e: Event, offset: float) -> Mapping[str, Any]:
    """Event keys that are times in scene seconds (a fire's `out`) move with the event."""
    if e.type == "fire" and e.args.get("out") is not None:
        return {**e.args, "out": e.args["out"] + offset}
    return e.args


def _crowd(r: Reader, c: dict | None) -> CrowdSpec | None:
    if c is None:
        return None
    spawns = []
    for i, s in enumerate(c["spawn"]):
        where = f"crowd.spawn[{i}]"
        if (s["at"] is None) == (s["region"] is None):
            raise r.error(where, "give either at (with radius) or region = { min, max }")
        if s["region"] is not None and s["radius"] is not None:
            raise r.error(f"{where}.radius", "a region spawn has no radius (the rectangle "
                          "is filled)")
        region = (s["region"]["min"], s["region"]["max"]) if s["region"] else None
        spawns.append(Spawn(count=s["count"], at=s["at"], kind=s["kind"], region=region,
                            radius=10.0 if s["radius"] is None else s["radius"]))
    return CrowdSpec(preset=c["preset"], params=c["params"] or {}, spawns=tuple(spawns),
                     goal=c["goal"])


def is_character(name: str) -> bool:
    """Whether a shot target names a scripted character (else a crowd target for the director)."""
    return not name.startswith(EXTERNAL_TARGETS)


def _shot(r: Reader, i: int, s: dict, duration: float, cast: dict, seed: int) -> Shot:
    where = f"shot[{i}]"
    if s["start"] >= duration:
        raise r.error(f"{where}.start", f"{s['start']!r} is past the end (expected seconds "
                      f"from 0 to below the scene's duration {duration:g})")
    for role in ("look_at", "follow"):
        name = s[role]
        if name is not None and is_character(name) and name not in cast:
            raise r.error(f"{where}.{role}", f"unknown character {name!r} (declared: "
                          f"{', '.join(cast) or 'none'}; or horde:centroid, horde:front, agent:ID)")
    keys = tuple(Key(**k) for k in s["key"])
    if not keys:
        raise r.error(f"{where}.key", "a shot needs at least one [[shot.key]]")
    times = [k.t for k in keys]
    for j in range(1, len(times)):
        if times[j] <= times[j - 1]:
            raise r.error(f"{where}.key[{j}].t", f"key times {times} must strictly increase")
    if s["start"] + times[-1] > duration:
        raise r.error(f"{where}.key[{len(keys) - 1}].t", f"{times[-1]!r} is past the end "
                      f"(the shot starts at {s['start']:g}, the scene lasts {duration:g} s)")
    for j, k in enumerate(keys):
        for field_, target in (("pos", s["follow"]), ("look_at", s["look_at"])):
            needs = target is None or not is_character(target)
            if getattr(k, field_) is None and needs:
                why = "" if target is None else f" (the director aims here until it places {target})"
                raise r.error(f"{where}.key[{j}].{field_}", f"missing (expected a place{why})")
    shake = Shake(**s["shake"]) if s["shake"] else None
    return Shot(name=s["name"] or f"shot at {s['start']:g}s", start=s["start"], keys=keys,
                look_target=s["look_at"], follow_target=s["follow"],
                follow_offset=s["follow_offset"], shake=shake, seed=seed * 1009 + i)


def _event(r: Reader, i: int, e: dict, duration: float, cast: dict, seed: int) -> Event:
    where = f"event[{i}]"
    t, kind = e["t"], e["type"]
    if t > duration:
        raise r.error(f"{where}.t", f"{t!r} is past the end (expected 0 to {duration:g} seconds)")
    args = {k: v for k, v in e.items() if k not in ("t", "type")}
    if kind == "action":
        if args["character"] not in cast:
            raise r.error(f"{where}.character", f"unknown character {args['character']!r} "
                          f"(declared: {', '.join(cast) or 'none'})")
        if args["do"] in ("walk", "run") and (args["to"] is None) == (args["path"] is None):
            raise r.error(where, f"a {args['do']} needs either to = PLACE or path = [PLACES]")
    if kind == "drone" and (args["speed"] is None) == (args["duration"] is None):
        raise r.error(where, "a drone needs either speed (m/s) or duration (s)")
    if kind in ("helicopter", "jet") and args["waits"] is not None \
            and len(args["waits"]) != len(args["path"]):
        raise r.error(f"{where}.waits", f"{list(args['waits'])!r} has {len(args['waits'])} "
                      f"numbers (expected one per waypoint: {len(args['path'])})")
    if kind == "fire":
        if args["out"] is not None and args["out"] <= t:
            raise r.error(f"{where}.out", f"{args['out']!r} is out of order (expected a time "
                          f"after the ignition t = {t:g})")
        if args["max_radius"] is not None and args["max_radius"] < args["radius"]:
            raise r.error(f"{where}.max_radius", f"{args['max_radius']!r} is below radius "
                          f"{args['radius']:g} (expected at least radius)")
    return Event(t=t, type=kind, args=args, where=r.where(where), seed=seed * 7919 + i)
