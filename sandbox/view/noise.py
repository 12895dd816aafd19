"""The effects' noise as a texture: value noise and its fbm baked once into a periodic
table that shaders/fx_noise.glsl reads with one filtered lookup, instead of hashing
four lattice values per octave at every fragment (on a software rasteriser the fire and
smoke spent most of their time there). The particles read all their noise from it, the
burnt walls the three finer octaves of their soot patches.

The table is fixed (its own seeded stream), so every frame and every run read the same
noise; what varies per particle comes from the particle's seed, as before.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from sandbox.rng import stream

PERIOD = 32    # noise units per repeat of the table (shaders/fx_noise.glsl FX_NOISE_PERIOD)
SIZE = 512     # texels per side: 16 per unit, 2 per lattice cell of the finest octave
OCTAVES = 4


def value_noise(lattice: np.ndarray, size: int) -> np.ndarray:
    """(size, size) float64 in 0..1: the periodic lattice (m, m) of values in 0..1
    interpolated with the smoothstep at texel centres ([row, column] = [y, x])."""
    m = lattice.shape[0]
    x = (np.arange(size) + 0.5) * (m / size)
    i = np.floor(x).astype(int)
    f = x - i
    u = f * f * (3.0 - 2.0 * f)
    i0, i1 = i % m, (i + 1) % m
    rows0, rows1 = lattice[i0], lattice[i1]           # y -> lattice rows
    top = rows0[:, i0] * (1 - u) + rows0[:, i1] * u   # along x
    bottom = rows1[:, i0] * (1 - u) + rows1[:, i1] * u
    return top * (1 - u)[:, None] + bottom * u[:, None]


@cache
def table() -> np.ndarray:
    """(SIZE, SIZE, 4) uint8: R value noise of PERIOD cells per repeat, G its fbm of 3
    octaves, B of 4 (each octave twice the frequency and half the amplitude of the one
    before, on a lattice of its own), A 255. Rows are y, columns x."""
    rng = stream(0, "view.fx-noise")
    octaves = [value_noise(rng.random((PERIOD << k, PERIOD << k)), SIZE)
               for k in range(OCTAVES)]
    amps = 0.5 ** np.arange(1, OCTAVES + 1)
    fbm3 = sum(a * o for a, o in zip(amps[:3], octaves)) / amps[:3].sum()
    fbm4 = sum(a * o for a, o in zip(amps, octaves)) / amps.sum()
    out = np.full((SIZE, SIZE, 4), 255, np.uint8)
    for c, v in enumerate((octaves[0], fbm3, fbm4)):
        out[..., c] = np.round(np.clip(v, 0.0, 1.0) * 255.0)
    return out


def texture():
    """The table as a Panda3D texture: repeating, bilinear, no mipmaps."""
    from panda3d.core import SamplerState, Texture
    tex = Texture("fx-noise")
    tex.setup_2d_texture(SIZE, SIZE, Texture.T_unsigned_byte, Texture.F_rgba8)
    tex.set_ram_image(np.ascontiguousarray(table()[..., [2, 1, 0, 3]]).tobytes())  # BGRA
    tex.set_wrap_u(SamplerState.WM_repeat)
    tex.set_wrap_v(SamplerState.WM_repeat)
    tex.set_minfilter(SamplerState.FT_linear)
    tex.set_magfilter(SamplerState.FT_linear)
    return tex
