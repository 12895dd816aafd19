"""Time-of-day lighting presets, read from `scenes/time_of_day.toml` by path.

A preset is sun (or moon) direction and colour, hemisphere ambient (sky above, ground
below), exponential fog, sky gradient and exposure, plus the colour grade, vignette and
bloom the post chain (sandbox/view/post.py) applies for it. `apply(np, preset)` sets the shader
inputs every world/horde/sky shader reads (`u_sun_dir`, `u_sun_color`, ...).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from sandbox import paths
from sandbox.config import ConfigError

TIME_OF_DAY_FILE = paths.SCENES / "time_of_day.toml"


@dataclass(frozen=True)
class TimeOfDay:
    """One preset. Colours sRGB 0..1 triples; angles degrees; fog_density per metre."""

    name: str
    sun_azimuth: float      # degrees clockwise from north
    sun_elevation: float    # degrees above the horizon
    sun_color: tuple
    sun_intensity: float
    sky_ambient: tuple
    ground_ambient: tuple
    ambient_intensity: float
    fog_color: tuple
    fog_density: float
    sky_zenith: tuple
    sky_horizon: tuple
    disc_color: tuple
    disc_size: float        # angular radius, degrees
    exposure: float
    # --- post chain (sandbox/view/post.py); display-referred unless noted ---------------
    lift: tuple             # added to blacks, fading out toward white (per channel)
    gamma: tuple            # mid-tone power, > 1 brightens (per channel)
    gain: tuple             # multiplies whites (per channel)
    saturation: float       # 1 = unchanged, 0 = grey
    contrast: float         # 1 = unchanged, around display mid-grey
    vignette: float         # corner darkening, 0 = none, 1 = black corners
    bloom_threshold: float  # linear HDR level (exposure applied) where bloom starts
    bloom_intensity: float  # how much of the blurred bright pass is added back

    @property
    def sun_dir(self) -> np.ndarray:
        """(3,) float32 unit vector in world space (X east, Y north, Z up) toward the sun."""
        az, el = math.radians(self.sun_azimuth), math.radians(self.sun_elevation)
        return np.array([math.sin(az) * math.cos(el), math.cos(az) * math.cos(el),
                         math.sin(el)], np.float32)


# Allowed (lo, hi) of the grade keys, per component; other keys only need to be numbers.
GRADE_RANGES = {"lift": (-0.2, 0.2), "gamma": (0.5, 2.0), "gain": (0.5, 1.5),
                "saturation": (0.0, 2.0), "contrast": (0.5, 1.5), "vignette": (0.0, 1.0),
                "bloom_threshold": (0.1, 20.0), "bloom_intensity": (0.0, 2.0)}


def _lin(c) -> np.ndarray:
    return np.power(np.asarray(c, np.float32), 2.2)


def load_presets(path: Path | None = None) -> dict[str, TimeOfDay]:
    """All presets in the TOML file (default scenes/time_of_day.toml), validated."""
    path = Path(path or TIME_OF_DAY_FILE)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: {e}") from e
    names = [f.name for f in fields(TimeOfDay) if f.name != "name"]
    out = {}
    for key, table in data.items():
        missing = [n for n in names if n not in table]
        extra = [n for n in table if n not in names]
        if missing or extra:
            raise ConfigError(f"{path} [{key}]: missing {missing} unknown {extra}")
        vals = {}
        for n in names:
            v = table[n]
            if isinstance(v, list):
                if len(v) != 3 or not all(isinstance(x, (int, float)) for x in v):
                    raise ConfigError(f"{path} [{key}] {n}: expected 3 numbers, got {v!r}")
                vals[n] = tuple(float(x) for x in v)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                vals[n] = float(v)
            else:
                raise ConfigError(f"{path} [{key}] {n}: expected a number, got {v!r}")
            if n in GRADE_RANGES:
                lo, hi = GRADE_RANGES[n]
                if not all(lo <= x <= hi for x in (v if isinstance(v, list) else [v])):
                    raise ConfigError(f"{path} [{key}] {n} = {v!r}: allowed {lo:g} to {hi:g}")
        out[key] = TimeOfDay(name=key, **vals)
    return out


def get(name: str, path: Path | None = None) -> TimeOfDay:
    presets = load_presets(path)
    if name not in presets:
        raise ConfigError(f"unknown time of day {name!r} (known: {', '.join(presets)})")
    return presets[name]


def shader_inputs(tod: TimeOfDay) -> dict[str, object]:
    """Uniform name -> value (linear-light colours, intensities folded in)."""
    amb = tod.ambient_intensity
    return {
        "u_sun_dir": tuple(float(x) for x in tod.sun_dir),
        "u_sun_color": tuple(_lin(tod.sun_color) * tod.sun_intensity),
        "u_sky_ambient": tuple(_lin(tod.sky_ambient) * amb),
        "u_ground_ambient": tuple(_lin(tod.ground_ambient) * amb),
        "u_fog_color": tuple(_lin(tod.fog_color)),
        "u_fog_density": float(tod.fog_density),
        "u_sky_zenith": tuple(_lin(tod.sky_zenith)),
        "u_sky_horizon": tuple(_lin(tod.sky_horizon)),
        "u_disc_color": tuple(_lin(tod.disc_color)),
        "u_disc_cos": float(math.cos(math.radians(tod.disc_size))),
        "u_exposure": float(tod.exposure),
    }


def apply(nodepath, tod: TimeOfDay) -> None:
    """Set every lighting uniform on `nodepath` (inherited by its children)."""
    from panda3d.core import LVecBase3f
    for k, v in shader_inputs(tod).items():
        if isinstance(v, tuple):
            nodepath.set_shader_input(k, LVecBase3f(*[float(x) for x in v]))
        else:
            nodepath.set_shader_input(k, float(v))
