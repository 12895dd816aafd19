"""Crowd parameters: one declaration each, and the TOML preset loader.

`live` parameters are read on every step, so a slider change applies on the
next step. The flow-field costs are `live=False`: changing them rebuilds the
cached flow fields (the cache key includes them, so this happens by itself on
the next step, at the cost of one field build).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sandbox.config import ConfigError, Param, ParamSet

PARAMS: tuple[Param, ...] = (
    Param("radius", 0.25, 0.1, 1.0, "m",
          "body radius of an agent (shoulder half-width)", group="steering"),
    Param("max_speed", 4.0, 0.1, 12.0, "m/s",
          "top speed; the show's zombies sprint at 5-7 m/s, 4 is a fast run", group="steering"),
    Param("speed_jitter", 0.1, 0.0, 0.5, "",
          "per-agent spread of the preferred speed, as a fraction of max_speed "
          "(drawn once at spawn; an agent never exceeds max_speed)", group="steering"),
    Param("max_accel", 10.0, 0.1, 60.0, "m/s^2",
          "bound on the change of velocity per second, all forces together", group="steering"),
    Param("relax_time", 0.35, 0.02, 5.0, "s",
          "time to reach the preferred velocity (driving term of the steering)", group="steering"),
    Param("separation_strength", 18.0, 0.0, 200.0, "m/s^2",
          "push between two agents at contact (grows further when they overlap)", group="steering"),
    Param("separation_range", 0.35, 0.0, 3.0, "m",
          "gap between two bodies below which they start to push each other", group="steering"),
    Param("anticipation_time", 0.6, 0.0, 3.0, "s",
          "look-ahead of the collision-avoidance term (0 turns it off)", group="steering"),
    Param("anticipation_strength", 6.0, 0.0, 100.0, "m/s^2",
          "push away from a predicted collision, strongest when it is imminent", group="steering"),
    Param("headway_time", 0.3, 0.0, 2.0, "s",
          "an agent closes the gap to a body in its path, at most its own speed, in this time "
          "over the speed of that body (0 turns it off: it pushes on into a jam)",
          group="steering"),
    Param("wall_margin", 0.25, 0.0, 2.0, "m",
          "clearance between body and wall below which the wall pushes back", group="steering"),
    Param("wall_strength", 25.0, 0.0, 200.0, "m/s^2",
          "push of a wall at contact", group="steering"),
    Param("goal_radius", 1.5, 0.0, 50.0, "m",
          "agents slow down within this path distance of the goal and stop on it", group="navigation"),
    Param("heading_smoothing", 0.15, 0.0, 2.0, "s",
          "time constant of the heading filter (0: heading = velocity direction)", group="steering"),
    Param("stride_length", 1.6, 0.2, 5.0, "m",
          "distance covered by one full gait cycle (phase 0 to 1)", group="steering"),
    Param("stair_reach", 0.75, 0.1, 5.0, "m",
          "an agent led up or down stairs takes them within this distance of their foot "
          "(multi-level crowds)", group="navigation"),
    Param("climb_time", 4.0, 0.0, 60.0, "s",
          "time on one flight of stairs: the agent stands on the landing it reached this "
          "long (multi-level crowds)", group="navigation"),
    Param("wall_cost", 3.0, 0.0, 50.0, "",
          "extra path cost right at a wall, as a multiple of the open-ground cost, "
          "so paths keep off walls", live=False, group="navigation"),
    Param("wall_cost_range", 1.5, 0.0, 20.0, "m",
          "distance from a wall over which the extra path cost fades out", live=False, group="navigation"),

    # -- behaviour: what each kind wants to do (the preferred velocity)
    Param("light_level", 1.0, 0.0, 1.0, "",
          "scene light, 0 = night, 1 = day; the director sets it live; scales zombie sight",
          group="senses"),
    Param("sight_range", 25.0, 0.0, 200.0, "m",
          "how far a zombie sees a human in full daylight (line of sight through the map)",
          group="senses"),
    Param("night_sight", 0.25, 0.0, 1.0, "",
          "fraction of sight_range left in full darkness (light_level 0)", group="senses"),
    Param("hearing_range", 40.0, 0.0, 500.0, "m",
          "path distance at which a sound of loudness 1 is heard (scales with loudness)",
          group="senses"),
    Param("wander_speed", 0.2, 0.0, 1.0, "",
          "speed of an undisturbed zombie, as a fraction of its cruising speed",
          group="behaviour"),
    Param("wander_time_min", 2.0, 0.1, 120.0, "s",
          "shortest stretch an idle or wandering zombie keeps its heading or rest",
          group="behaviour"),
    Param("wander_time_max", 8.0, 0.1, 120.0, "s",
          "longest such stretch (each drawn uniformly, seeded per agent)", group="behaviour"),
    Param("idle_fraction", 0.4, 0.0, 1.0, "",
          "chance that an undisturbed zombie stands still for a stretch instead of wandering",
          group="behaviour"),
    Param("bite_reach", 0.15, 0.0, 1.0, "m",
          "gap between a zombie's body and a human's at which a bite lands", group="behaviour"),
    Param("attack_time", 0.8, 0.0, 10.0, "s",
          "a biting zombie stands this long before it moves on", group="behaviour"),
    Param("turn_delay_min", 5.0, 0.0, 600.0, "s",
          "shortest delay between a bite and the human turning (drawn per agent, seeded)",
          group="behaviour"),
    Param("turn_delay_max", 30.0, 0.0, 600.0, "s",
          "longest delay between a bite and the human turning", group="behaviour"),
    Param("human_speed", 0.45, 0.05, 1.0, "",
          "cruising speed of a human on a route, as a fraction of max_speed", group="humans"),
    Param("flee_speed", 0.75, 0.05, 1.0, "",
          "speed of a fleeing human, as a fraction of max_speed", group="humans"),
    Param("flee_range", 8.0, 0.0, 50.0, "m",
          "a human flees zombies closer than this", group="humans"),
    Param("waypoint_radius", 1.0, 0.1, 20.0, "m",
          "a route waypoint counts as reached within this distance", group="humans"),
    # -- effects
    Param("fire_margin", 1.5, 0.0, 20.0, "m",
          "zombies turn away from a fire this far outside its radius", group="effects"),
    Param("strike_kill_fraction", 0.5, 0.0, 1.0, "",
          "inner part of a strike's radius that kills; beyond it agents are knocked down",
          group="effects"),
    Param("scatter_speed", 6.0, 0.0, 12.0, "m/s",
          "outward speed of a knocked-down agent at the kill radius, fading to 0 at the edge "
          "(capped at max_speed)", group="effects"),
    Param("knock_time", 3.0, 0.0, 60.0, "s",
          "how long a knocked-down agent lies before it gets up", group="effects"),
)


# (lower, upper) pairs that must stay ordered.
_ORDERED = (("turn_delay_min", "turn_delay_max"), ("wander_time_min", "wander_time_max"))


def check_params(params: ParamSet, where: str = "") -> None:
    """ConfigError unless every (min, max) pair of parameters is ordered."""
    prefix = f"{where}: " if where else ""
    for lo, hi in _ORDERED:
        if params[lo] > params[hi]:
            raise ConfigError(f"{prefix}{lo} = {params[lo]:g} is above {hi} = {params[hi]:g} "
                              f"(allowed: {lo} <= {hi})")


def default_params() -> ParamSet:
    """A ParamSet with every crowd parameter at its default."""
    return ParamSet(PARAMS)


def read_preset(path: Path) -> dict:
    """The TOML of the crowd preset at `path`, or a ConfigError naming the file."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such crowd preset") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def load_preset(path: str | Path) -> ParamSet:
    """Read a crowd preset: a TOML file whose `[params]` table sets some parameters.

    Unset parameters keep their defaults. A `[setup]` table (what to spawn where, for
    `hyosan crowd bake`) is read by `sandbox.crowd.setup`, not here. A missing file, bad TOML, a missing or
    non-table `[params]`, an unknown key or an out-of-range value raise
    `ConfigError` naming the file, the key, the value and the allowed range.
    """
    path = Path(path)
    data = read_preset(path)
    extra = sorted(set(data) - {"params", "meta", "setup"})
    if extra:
        raise ConfigError(f"{path}: unknown table or key {extra[0]!r} "
                          "(a crowd preset has [params] and optionally [meta], [setup])")
    table = data.get("params")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: a crowd preset needs a [params] table")
    known = {p.name for p in PARAMS}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{path} [params]: unknown parameter {key!r} = {value!r} "
                              f"(known: {', '.join(sorted(known))})")
    params = ParamSet(PARAMS, table, where=f"{path} [params]")
    check_params(params, f"{path} [params]")
    return params
