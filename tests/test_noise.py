"""The effects' noise table (sandbox/view/noise.py): it tiles without a seam, its
channels are noise of one, three and four octaves, and the shader reads it with the
period it was baked for."""

import re

import numpy as np

from sandbox import paths
from sandbox.view import noise


def _steps(a: np.ndarray, axis: int) -> np.ndarray:
    """Absolute differences between neighbouring texels along `axis`, the wrap included."""
    return np.abs(np.diff(a, axis=axis, append=np.take(a, [0], axis=axis)))


def test_the_table_tiles_without_a_seam():
    # the step from the last texel to the first is like the steps across the lattice's
    # lines inside the table (all octaves' cells start there; the smoothstep is flattest)
    cell = noise.SIZE // noise.PERIOD
    t = noise.table().astype(float)
    for c in range(3):
        for axis in (0, 1):
            steps = _steps(t[..., c], axis)
            seam = np.take(steps, -1, axis=axis)          # last texel -> first
            lines = np.take(steps, np.arange(cell - 1, noise.SIZE - 1, cell), axis=axis)
            assert seam.max() <= lines.max(), (c, axis)
            assert abs(seam.mean() - lines.mean()) < 0.25 * lines.mean() + 0.5, (c, axis)


def test_channels_are_value_noise_and_its_fbm_of_three_and_four_octaves():
    t = noise.table().astype(float) / 255.0
    assert noise.table().shape == (noise.SIZE, noise.SIZE, 4)
    for c in range(3):
        assert 0.45 < t[..., c].mean() < 0.55
        assert t[..., c].min() < 0.2 and t[..., c].max() > 0.8
    # each octave adds finer detail: neighbouring texels differ more
    roughness = [_steps(t[..., c], 1).mean() for c in range(3)]
    assert roughness[0] < roughness[1] < roughness[2], roughness
    assert np.all(t[..., 3] == 1.0)


def test_the_table_is_the_same_every_time():
    noise.table.cache_clear()
    first = noise.table().copy()
    noise.table.cache_clear()
    assert np.array_equal(first, noise.table())


def test_the_shader_reads_the_table_with_its_period():
    src = (paths.SHADERS / "fx_noise.glsl").read_text()
    period = float(re.search(r"FX_NOISE_PERIOD\s*=\s*([\d.]+)", src).group(1))
    assert period == noise.PERIOD
