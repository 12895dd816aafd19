"""Seeded random streams: one independent numpy Generator per subsystem.

Every stream is derived from the scene seed through `SeedSequence`, keyed by the
subsystem's name, so adding a new consumer never shifts another one's numbers.
The global `np.random` is never used.
"""

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The Generator of subsystem `name` (e.g. "crowd.spawn") for scene seed `seed`."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed), key]))
