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
          "body radius of an agent (shoulder half-width)"),
    Param("max_speed", 4.0, 0.1, 12.0, "m/s",
          "top speed; the show's zombies sprint at 5-7 m/s, 4 is a fast run"),
    Param("speed_jitter", 0.1, 0.0, 0.5, "",
          "per-agent spread of the preferred speed, as a fraction of max_speed "
          "(drawn once at spawn; an agent never exceeds max_speed)"),
    Param("max_accel", 10.0, 0.1, 60.0, "m/s^2",
          "bound on the change of velocity per second, all forces together"),
    Param("relax_time", 0.35, 0.02, 5.0, "s",
          "time to reach the preferred velocity (driving term of the steering)"),
    Param("separation_strength", 18.0, 0.0, 200.0, "m/s^2",
          "push between two agents at contact (grows further when they overlap)"),
    Param("separation_range", 0.35, 0.0, 3.0, "m",
          "gap between two bodies below which they start to push each other"),
    Param("anticipation_time", 0.6, 0.0, 3.0, "s",
          "look-ahead of the collision-avoidance term (0 turns it off)"),
    Param("anticipation_strength", 6.0, 0.0, 100.0, "m/s^2",
          "push away from a predicted collision, strongest when it is imminent"),
    Param("wall_margin", 0.25, 0.0, 2.0, "m",
          "clearance between body and wall below which the wall pushes back"),
    Param("wall_strength", 25.0, 0.0, 200.0, "m/s^2",
          "push of a wall at contact"),
    Param("goal_radius", 1.5, 0.0, 50.0, "m",
          "agents slow down within this path distance of the goal and stop on it"),
    Param("heading_smoothing", 0.15, 0.0, 2.0, "s",
          "time constant of the heading filter (0: heading = velocity direction)"),
    Param("stride_length", 1.6, 0.2, 5.0, "m",
          "distance covered by one full gait cycle (phase 0 to 1)"),
    Param("wall_cost", 3.0, 0.0, 50.0, "",
          "extra path cost right at a wall, as a multiple of the open-ground cost, "
          "so paths keep off walls", live=False),
    Param("wall_cost_range", 1.5, 0.0, 20.0, "m",
          "distance from a wall over which the extra path cost fades out", live=False),
)


def default_params() -> ParamSet:
    """A ParamSet with every crowd parameter at its default."""
    return ParamSet(PARAMS)


def load_preset(path: str | Path) -> ParamSet:
    """Read a crowd preset: a TOML file whose `[params]` table sets some parameters.

    Unset parameters keep their defaults. A missing file, bad TOML, a missing or
    non-table `[params]`, an unknown key or an out-of-range value raise
    `ConfigError` naming the file, the key, the value and the allowed range.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such crowd preset") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    extra = sorted(set(data) - {"params", "meta"})
    if extra:
        raise ConfigError(f"{path}: unknown table or key {extra[0]!r} "
                          "(a crowd preset has [params] and optionally [meta])")
    table = data.get("params")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: a crowd preset needs a [params] table")
    known = {p.name for p in PARAMS}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{path} [params]: unknown parameter {key!r} = {value!r} "
                              f"(known: {', '.join(sorted(known))})")
    return ParamSet(PARAMS, table, where=f"{path} [params]")
