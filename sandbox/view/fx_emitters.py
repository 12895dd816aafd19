"""Particles and lights of the effects as pure numpy functions of (story state, t, seed).

Nothing here keeps state between frames: every particle's position, size, colour and
opacity is a closed-form function of its emitter's age and a per-emitter seeded table
(`sandbox.rng.stream`), so any frame can be rendered alone, in any order (seeking).
A `Batch` is drawn by `sandbox.view.effects.Effects` as instanced camera-facing quads
shaded by `shaders/fx_particles.frag`; a light row feeds `Stage.set_point_lights`.

Units: metres, seconds, world axes (X east, Y north, Z up). Colours are linear light;
emissive kinds carry an HDR intensity in their colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sandbox import rng
from sandbox.config import Param

# particle kinds (shaders/fx_kinds.glsl must agree)
FIREBALL, SMOKE, FLAME, SPARK, DEBRIS, SNOW, RING, GLOW = range(8)
ADDITIVE_KINDS = (FLAME, SPARK, GLOW)  # the optically thick fireball is alpha-blended

PARAMS = (
    Param("wind_x", 2.5, -20.0, 20.0, "m/s", "wind drifting smoke, embers and snow east"),
    Param("wind_y", 1.0, -20.0, 20.0, "m/s", "wind drifting smoke, embers and snow north"),
    Param("debris", 220, 0, 2000, "chunks", "debris chunks thrown by a strike of yield 1",
          integer=True),
    Param("smoke_puffs", 26, 4, 200, "puffs", "billboards in one strike's smoke column",
          integer=True),
    Param("snow", 2500, 0, 50000, "flakes", "snowflakes in the volume around the camera",
          integer=True),
)

GRAVITY = 9.81
FIREBALL_RADIUS = 7.5      # m, yield 1 (a 500 lb bomb's fireball is about 15 m across)
FIREBALL_GROW = 0.12       # s, time constant of the fireball's expansion (~0.5 s to full)
FIREBALL_COOL = 1.3        # s, time constant of its cooling (white -> orange -> dark red)
FIREBALL_PUFFS = 14
FIREBALL_RISE = 3.0        # m/s, buoyant rise of the fireball
FLASH_DECAY = 0.07         # s, the white-hot flash's decay
FLASH_RANGE = 110.0        # m, reach of the flash's light at yield 1
RING_RADIUS = 45.0         # m, the shock ring's radius 0.3 s after a yield-1 impact
RING_LIFE = 0.6            # s
SPARKS = 60                # hot sparks per strike
SMOKE_RISE = 38.0          # m, height a yield-1 smoke column billows up to
SMOKE_RISE_TIME = 10.0     # s, time constant of that rise
SMOKE_LIFE = (12.0, 22.0)  # s, a smoke puff's lifetime range
SMOKE_EMIT = 18.0          # s over which a strike feeds its column (densest early)
STRIKE_LIFE = SMOKE_EMIT + SMOKE_LIFE[1]
SMOKE_COLOR = np.array([0.20, 0.18, 0.16]) ** 2.2    # dark grey-brown, linear
DUST_COLOR = np.array([0.88, 0.84, 0.78]) ** 2.2    # the shock front's dust, sunlit
DEBRIS_COLOR = np.array([0.22, 0.19, 0.16]) ** 2.2
FIRE_LIGHT = np.array([1.0, 0.52, 0.18])
FLASH_LIGHT = np.array([1.0, 0.88, 0.7])
SNOW_BOX = np.array([44.0, 44.0, 26.0])  # m, the wrapping volume centred on the camera
SNOW_COLOR = np.array([0.95, 0.96, 1.0])


@dataclass
class Batch:
    """n particles: pos (n, 3), size (n,) half-width m, color (n, 4) linear rgb + alpha,
    kind (n,), seed (n,), param (n,) kind-specific (heat 0..1, flame stretch), spin (n,) rad."""

    pos: np.ndarray
    size: np.ndarray
    color: np.ndarray
    kind: np.ndarray
    seed: np.ndarray
    param: np.ndarray
    spin: np.ndarray

    @staticmethod
    def make(pos, size, rgb, alpha, kind, seed, param=0.0, spin=0.0) -> "Batch":
        pos = np.asarray(pos, np.float32).reshape(-1, 3)
        n = len(pos)
        color = np.empty((n, 4), np.float32)
        color[:, :3] = np.broadcast_to(np.asarray(rgb, np.float32), (n, 3))
        color[:, 3] = np.broadcast_to(np.asarray(alpha, np.float32), (n,))
        f = lambda x: np.broadcast_to(np.asarray(x, np.float32), (n,)).copy()  # noqa: E731
        return Batch(pos, f(size), color, f(kind), f(seed), f(param), f(spin))

    @staticmethod
    def join(batches: list["Batch"]) -> "Batch":
        if not batches:
            return Batch.make(np.zeros((0, 3)), 0, 0, 0, 0, 0)
        return Batch(*(np.concatenate([getattr(b, k) for b in batches])
                       for k in ("pos", "size", "color", "kind", "seed", "param", "spin")))

    def __len__(self) -> int:
        return len(self.pos)

    def take(self, idx) -> "Batch":
        return Batch(*(getattr(self, k)[idx]
                       for k in ("pos", "size", "color", "kind", "seed", "param", "spin")))


def light(pos, radius: float, rgb) -> np.ndarray:
    """A (7,) point-light row: x, y, z, radius m, linear colour x intensity."""
    return np.concatenate([np.asarray(pos, np.float64), [radius], np.asarray(rgb, np.float64)])


@lru_cache(maxsize=256)
def _strike_table(seed: int, salt: int, n_debris: int, n_puffs: int) -> dict:
    """Seeded constants of one strike: directions, speeds, birth times (never per frame)."""
    g = rng.stream(seed, f"fx.strike.{salt}")
    d = g.normal(size=(FIREBALL_PUFFS, 3))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    d *= g.uniform(0.0, 1.0, (FIREBALL_PUFFS, 1)) ** (1 / 3)
    d[:, 2] = np.abs(d[:, 2]) * 0.7  # a hemisphere squashed onto the ground
    az = g.uniform(0, 2 * np.pi, n_debris)
    el = np.radians(g.uniform(25, 85, n_debris))
    sp = g.uniform(10, 38, n_debris)
    vel = np.stack([np.cos(az) * np.cos(el), np.sin(az) * np.cos(el), np.sin(el)], 1) * sp[:, None]
    saz = g.uniform(0, 2 * np.pi, SPARKS)
    sel = np.radians(g.uniform(15, 80, SPARKS))
    ssp = g.uniform(20, 55, SPARKS)
    svel = np.stack([np.cos(saz) * np.cos(sel), np.sin(saz) * np.cos(sel), np.sin(sel)],
                    1) * ssp[:, None]
    return {
        "puff_dir": d, "puff_size": g.uniform(0.5, 0.8, FIREBALL_PUFFS),
        "puff_spin": g.uniform(0, 2 * np.pi, FIREBALL_PUFFS),
        "debris_vel": vel, "debris_size": g.uniform(0.12, 0.45, n_debris),
        "debris_spin": g.uniform(-8, 8, n_debris), "spark_vel": svel,
        "smoke_birth": 0.15 + SMOKE_EMIT * np.sort(g.uniform(0, 1, n_puffs)) ** 1.3,
        "smoke_life": g.uniform(*SMOKE_LIFE, n_puffs),
        "smoke_off": g.normal(0, 0.35, (n_puffs, 2)),
        "smoke_spin": g.uniform(0, 2 * np.pi, n_puffs),
        "smoke_shade": g.uniform(0.8, 1.2, n_puffs),
        "seeds": g.uniform(0, 1000, FIREBALL_PUFFS + n_puffs + n_debris + SPARKS),
    }


def explosion(strike, t: float, params, seed: int = 0) -> tuple[list[Batch], list]:
    """Particles and lights of one strike at scene time t (nothing before it lands or
    after its smoke has gone): flash, fireball, shock ring, sparks, debris, smoke column."""
    a = float(t) - float(strike.t0)
    if a < 0.0 or a > STRIKE_LIFE:
        return [], []
    s = max(float(strike.yield_), 1e-3) ** (1 / 3)
    n_debris = int(round(params.debris * min(s ** 3, 4.0)))
    n_puffs = int(params.smoke_puffs)
    tab = _strike_table(int(seed), int(strike.seed), n_debris, n_puffs)
    seeds = tab["seeds"]
    p0 = np.asarray(strike.pos, np.float64)
    wind = np.array([params.wind_x, params.wind_y, 0.0])
    out, lights = [], []

    radius = FIREBALL_RADIUS * s * (1.0 - np.exp(-a / FIREBALL_GROW))
    heat = float(np.exp(-a / FIREBALL_COOL))
    centre = p0 + np.array([0.0, 0.0, 0.55 * radius + FIREBALL_RISE * s * a]) + wind * a * 0.3
    # flash: a light that lights everything around for a fraction of a second, then the
    # fireball's own orange light while it burns
    flash = 150.0 * np.exp(-a / FLASH_DECAY)
    burn = 6.0 * heat * (1.0 - np.clip((a - 2.5) / 1.5, 0, 1))
    if flash + burn > 0.05:
        col = FLASH_LIGHT * flash + FIRE_LIGHT * burn
        lights.append(light(centre + [0, 0, 2.0], FLASH_RANGE * s, col))
    if a < 0.4:
        out.append(Batch.make(centre, 6.0 + 3.0 * radius, FLASH_LIGHT * 10.0 * np.exp(-a / 0.06),
                              1.0, GLOW, 0.0))
    fade = 1.0 - np.clip((a - 1.5) / 2.0, 0.0, 1.0)
    if fade > 0.0:
        d = tab["puff_dir"]
        pos = centre + d * radius * 0.6
        size = radius * tab["puff_size"] * (1.0 + 0.25 * a) + 0.3
        out.append(Batch.make(pos, size, 1.0 + 3.0 * heat, 0.85 * fade, FIREBALL,
                              seeds[:FIREBALL_PUFFS], heat, tab["puff_spin"] + 0.4 * a))
    if a < RING_LIFE:
        rr = RING_RADIUS * s * np.sqrt(a / 0.3)
        out.append(Batch.make(p0 + [0, 0, 0.2], rr / 0.86 + 0.5, DUST_COLOR,
                              0.85 * (1.0 - a / RING_LIFE) ** 1.5, RING, seeds[0]))
    if a < 2.0:  # hot sparks on ballistic arcs
        v = tab["spark_vel"]
        pos = p0 + v * a + [0, 0, -0.5 * GRAVITY * a * a]
        alive = pos[:, 2] > p0[2]
        k = float(np.exp(-a / 0.5))
        out.append(Batch.make(pos[alive], 0.35, FIRE_LIGHT * 8.0 * k, 1.0, SPARK,
                              seeds[-SPARKS:][alive]))
    # debris: chunks on ballistic arcs that stop where they land and fade after a while
    v = tab["debris_vel"]
    t_land = 2.0 * v[:, 2] / GRAVITY
    if a < t_land.max() + 6.0:
        ae = np.minimum(a, t_land)[:, None]
        pos = p0 + v * ae + np.concatenate([np.zeros((len(v), 2)), -0.5 * GRAVITY * ae ** 2], 1)
        pos[:, 2] = np.maximum(pos[:, 2], p0[2]) + 0.1
        alpha = 1.0 - np.clip((a - t_land - 4.0) / 2.0, 0.0, 1.0)
        live = alpha > 0.0
        n0 = FIREBALL_PUFFS + n_puffs
        out.append(Batch.make(pos[live], (tab["debris_size"] * s)[live], DEBRIS_COLOR,
                              alpha[live], DEBRIS, seeds[n0:n0 + n_debris][live],
                              float(np.exp(-a / 0.8)), (tab["debris_spin"] * ae[:, 0])[live]))
    # smoke column: puffs born through the first seconds, billowing up, growing, drifting
    pa = a - tab["smoke_birth"]
    live = (pa >= 0.0) & (pa < tab["smoke_life"])
    if live.any():
        pa_l, life = pa[live], tab["smoke_life"][live]
        rise = SMOKE_RISE * s * (1.0 - np.exp(-pa_l / SMOKE_RISE_TIME)) + 0.4 * pa_l
        up = np.clip(rise / (SMOKE_RISE * s), 0.0, 1.0)
        off = tab["smoke_off"][live] * FIREBALL_RADIUS * s * (0.5 + 0.6 * up[:, None])
        pos = np.empty((len(pa_l), 3))
        pos[:, :2] = p0[:2] + off + wind[:2] * pa_l[:, None] * (0.25 + 0.75 * up[:, None])
        pos[:, 2] = p0[2] + 0.5 * FIREBALL_RADIUS * s + rise
        size = s * (4.0 + 1.9 * np.sqrt(pa_l * 3.0)) * (0.8 + 0.4 * up)
        late = tab["smoke_birth"][live] / SMOKE_EMIT   # the smouldering crater thins out
        alpha = (np.clip(pa_l / 0.8, 0, 1) * np.clip((life - pa_l) / (0.4 * life), 0, 1)
                 * 0.85 * (1.0 - 0.5 * late))
        glow = np.exp(-pa_l / 1.5) * heat
        out.append(Batch.make(pos, size, SMOKE_COLOR[None, :] * tab["smoke_shade"][live, None],
                              alpha, SMOKE, seeds[FIREBALL_PUFFS:FIREBALL_PUFFS + n_puffs][live],
                              glow, tab["smoke_spin"][live] + 0.05 * pa_l))
    return out, lights


@lru_cache(maxsize=256)
def _fire_table(seed: int, salt: int, n_flames: int, n_embers: int, n_smoke: int) -> dict:
    g = rng.stream(seed, f"fx.fire.{salt}")
    ang = g.uniform(0, 2 * np.pi, n_flames)
    rad = np.sqrt(g.uniform(0, 1, n_flames)) * 0.65
    eang = g.uniform(0, 2 * np.pi, n_embers)
    erad = np.sqrt(g.uniform(0, 1, n_embers)) * 0.6
    return {
        "flame_xy": np.stack([np.cos(ang) * rad, np.sin(ang) * rad], 1),
        "flame_period": g.uniform(0.55, 1.1, n_flames),
        "flame_phase": g.uniform(0, 1, n_flames),
        "flame_size": g.uniform(0.7, 1.3, n_flames),
        "ember_xy": np.stack([np.cos(eang) * erad, np.sin(eang) * erad], 1),
        "ember_life": g.uniform(1.8, 3.8, n_embers),
        "ember_phase": g.uniform(0, 1, n_embers),
        "ember_swirl": g.uniform(0, 2 * np.pi, n_embers),
        "smoke_phase": g.uniform(0, 1, n_smoke),
        "smoke_xy": g.normal(0, 0.3, (n_smoke, 2)),
        "flicker": g.uniform(0, 2 * np.pi, 3),
        "seeds": g.uniform(0, 1000, n_flames + n_embers + n_smoke),
    }


FLICKER_HZ = np.array([7.3, 11.1, 17.9]) * 2 * np.pi
FIRE_SMOKE_LIFE = 9.0   # s, a burning building's smoke puff's lifetime


def flicker(t: float, phases: np.ndarray) -> float:
    """0.7..1.0: a fire's light level at time t (three incommensurate sines)."""
    return float(0.85 + 0.05 * np.sin(FLICKER_HZ * t + phases).sum())


def fire(f, t: float, params, seed: int = 0) -> tuple[list[Batch], list]:
    """Flames, embers, (for building fires, radius >= 2 m) smoke, and a flickering warm
    light of one Fire at time t."""
    inten = float(np.clip(f.intensity, 0.0, 1.0))
    if inten <= 0.0:
        return [], []
    r = float(f.radius)
    n_flames = int(np.clip(round(4 + 3 * r), 4, 24))
    n_embers = int(np.clip(round(10 * r), 8, 60))
    n_smoke = int(np.clip(round(2 * r), 0, 16)) if r >= 2.0 else 0
    tab = _fire_table(int(seed), int(f.seed), n_flames, n_embers, n_smoke)
    seeds = tab["seeds"]
    p0 = np.asarray(f.pos, np.float64)
    wind = np.array([params.wind_x, params.wind_y, 0.0])
    out = []
    # flame tongues lick upward: each rises and fades over its own period, staggered
    ph = (t / tab["flame_period"] + tab["flame_phase"]) % 1.0
    w = r * 0.42 * tab["flame_size"] * np.sqrt(inten) * (1.0 - 0.45 * ph)
    pos = np.empty((n_flames, 3))
    pos[:, :2] = p0[:2] + tab["flame_xy"] * r + wind[:2] * 0.05 * ph[:, None] * r
    pos[:, 2] = p0[2] + ph * w * 1.6 - 0.1 * r
    # overlapping additive tongues: a big fire's many flames share the same brightness
    out.append(Batch.make(pos, w, (1.0 + inten) * np.sqrt(6.0 / n_flames),
                          np.sin(np.pi * ph) ** 0.7, FLAME,
                          seeds[:n_flames], 2.0))
    lvl = flicker(t, tab["flicker"])
    # embers: rise, swirl, drift with the wind and die out
    life = tab["ember_life"]
    eph = (t / life + tab["ember_phase"]) % 1.0
    age = eph * life
    sw = tab["ember_swirl"] + age * 2.5
    pos = np.empty((n_embers, 3))
    pos[:, :2] = (p0[:2] + tab["ember_xy"] * r + wind[:2] * age[:, None] * 0.6
                  + 0.4 * np.stack([np.cos(sw), np.sin(sw)], 1) * np.sqrt(age)[:, None])
    pos[:, 2] = p0[2] + 0.3 * r + age * (1.2 + 0.8 * r ** 0.5)
    out.append(Batch.make(pos, 0.06 + 0.02 * r ** 0.5, FIRE_LIGHT * 7.0 * (1.0 - eph[:, None]) ** 1.5,
                          inten, SPARK, seeds[n_flames:n_flames + n_embers]))
    if n_smoke:
        sph = (t / FIRE_SMOKE_LIFE + tab["smoke_phase"]) % 1.0
        age = sph * FIRE_SMOKE_LIFE
        pos = np.empty((n_smoke, 3))
        pos[:, :2] = p0[:2] + tab["smoke_xy"] * r + wind[:2] * age[:, None]
        pos[:, 2] = p0[2] + r + age * 2.2
        out.append(Batch.make(pos, r * 0.6 * (1.0 + 1.5 * sph), SMOKE_COLOR,
                              0.6 * inten * np.sin(np.pi * sph), SMOKE,
                              seeds[n_flames + n_embers:], 0.6 * (1.0 - sph) * inten))
    lt = light(p0 + [0, 0, 0.8 * r + 0.4], 10.0 + 10.0 * r,
               FIRE_LIGHT * (3.0 + 2.0 * r) * inten * lvl)
    return out, [lt]


@lru_cache(maxsize=8)
def _snow_table(seed: int, n: int) -> dict:
    g = rng.stream(seed, "fx.snow")
    return {"pos": g.uniform(0, 1, (n, 3)) * SNOW_BOX, "fall": g.uniform(0.8, 1.5, n),
            "sway": g.uniform(0, 2 * np.pi, n), "size": g.uniform(0.025, 0.05, n),
            "seeds": g.uniform(0, 1000, n)}


def snow(t: float, camera_pos, params, seed: int = 0) -> Batch:
    """Snowflakes in a box around the camera: each falls and drifts from a seeded start,
    wrapped into the box, so the field is the same whichever frame came before."""
    n = int(params.snow)
    tab = _snow_table(int(seed), n)
    cam = np.asarray(camera_pos, np.float64)
    p = tab["pos"].copy()
    p[:, 0] += params.wind_x * t + 0.4 * np.sin(0.9 * t + tab["sway"])
    p[:, 1] += params.wind_y * t + 0.4 * np.cos(0.7 * t + tab["sway"])
    p[:, 2] -= tab["fall"] * t
    lo = cam - SNOW_BOX / 2
    p = lo + np.mod(p - lo, SNOW_BOX)
    # the nearest flakes would smear across the lens: thin them out
    d = np.linalg.norm(p - cam, axis=1)
    alpha = np.clip((d - 0.6) / 1.5, 0, 1) * 0.9
    return Batch.make(p, tab["size"] * (1.0 + d / 30.0), SNOW_COLOR, alpha, SNOW, tab["seeds"])
