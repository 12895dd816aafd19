"""Bakes: every agent at every step, saved as .npz, played back as snapshots, exported to CSV.

A bake holds frames 0..F-1 (frame 0 = the state before the first step) of n agents:
positions (F, n, 2) float32 m, headings (F, n) float32 rad, phase (F, n) float32 cycles,
kind, state, level (F, n) uint8, and dt (s per frame). The CSV export is a trajectory
table (id, frame, x, y, level, kind, state) with a header row and numeric columns, as
pandas and PedPy (TrajectoryData, frame rate 1/dt) read it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from sandbox.config import ConfigError

from .crowd import Crowd, CrowdSnapshot, _frozen

_ARRAYS = ("positions", "headings", "phase", "kind", "state", "level")


@dataclass(frozen=True)
class Bake:
    positions: np.ndarray
    headings: np.ndarray
    phase: np.ndarray
    kind: np.ndarray
    state: np.ndarray
    level: np.ndarray
    dt: float

    @property
    def frames(self) -> int:
        return self.positions.shape[0]

    @property
    def n(self) -> int:
        return self.positions.shape[1]

    def snapshot(self, frame: int) -> CrowdSnapshot:
        """Frame `frame` as the live crowd would have given it (for playback and lerp)."""
        f = int(frame)
        return CrowdSnapshot(f * self.dt, f, *(_frozen(np.array(getattr(self, k)[f]))
                                               for k in _ARRAYS[:5]))

    def save(self, path: str | Path) -> None:
        np.savez(path, dt=np.float64(self.dt), **{k: getattr(self, k) for k in _ARRAYS})


def record(crowd: Crowd, steps: int, before_step: Callable[[Crowd], None] | None = None,
           on_step: Callable[[int], None] | None = None) -> Bake:
    """Step `crowd` `steps` times, recording every agent every step (frame 0 included).

    before_step(crowd) runs before each step (scheduled events); on_step(k) after each.
    """
    n, f = crowd.n, int(steps) + 1
    out = {"positions": np.empty((f, n, 2), np.float32), "headings": np.empty((f, n), np.float32),
           "phase": np.empty((f, n), np.float32), "kind": np.empty((f, n), np.uint8),
           "state": np.empty((f, n), np.uint8), "level": np.empty((f, n), np.uint8)}

    def grab(i):
        out["positions"][i] = crowd.positions()
        out["headings"][i] = crowd.headings()
        out["phase"][i] = crowd.gait_phase()
        out["kind"][i] = crowd.kinds()
        out["state"][i] = crowd.states()
        out["level"][i] = crowd.levels()

    grab(0)
    for k in range(1, f):
        if before_step is not None:
            before_step(crowd)
        crowd.step()
        grab(k)
        if on_step is not None:
            on_step(k)
    return Bake(dt=crowd.dt, **out)


def load(path: str | Path) -> Bake:
    """A bake written by `Bake.save` (ConfigError naming the file if it is not one)."""
    with _opened(path) as z:
        data = {k: z[k] for k in (*_ARRAYS, "dt")}
    _check_shapes(path, {k: v.shape for k, v in data.items()})
    return Bake(dt=float(data.pop("dt")), **data)


def check(path: str | Path) -> None:
    """`load`'s checks on the arrays' headers alone, their data left on disk: for a
    process that hands the path to others (the render's workers) and loads nothing."""
    with _opened(path) as z:
        shapes = {}
        for k in (*_ARRAYS, "dt"):
            with z.zip.open(f"{k}.npy") as f:
                version = np.lib.format.read_magic(f)
                read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                        else np.lib.format.read_array_header_2_0)
                shapes[k] = read(f)[0]
    _check_shapes(path, shapes)


@contextlib.contextmanager
def _opened(path: str | Path):
    """np.load's NpzFile of `path`; what goes wrong in the block is a ConfigError."""
    try:
        with np.load(path) as z:
            yield z
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such bake") from None
    except (OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ConfigError(f"{path}: not a crowd bake ({exc})") from None


def _check_shapes(path, shapes: dict) -> None:
    shape = shapes["positions"]
    if len(shape) != 3 or shape[2] != 2 or any(shapes[k] != shape[:2] for k in _ARRAYS[1:]):
        raise ConfigError(f"{path}: not a crowd bake (array shapes disagree)")


def export_csv(bake: Bake, path: str | Path) -> int:
    """Write the trajectory table, one row per agent per frame (frame-major); rows written."""
    f, n = bake.frames, bake.n
    ids = np.tile(np.arange(n), f)
    frames = np.repeat(np.arange(f), n)
    xy = bake.positions.reshape(-1, 2)
    table = np.column_stack([ids, frames, xy[:, 0], xy[:, 1], bake.level.ravel(),
                             bake.kind.ravel(), bake.state.ravel()])
    fmt = ["%d", "%d", "%.4f", "%.4f", "%d", "%d", "%d"]
    np.savetxt(path, table, fmt=fmt, delimiter=",", header="id,frame,x,y,level,kind,state",
               comments="")
    return f * n
