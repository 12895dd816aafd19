"""Measure ms per frame (median, readback included) of the stage + horde.

    python -m sandbox.view.bench [--size 1280x720] [--n 2000 10000] [--frames 12]
                                 [--standin] [--tod day]

Uses the real world (sandbox.world) when its models are available, else the stand-ins.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def load_world(standin: bool):
    if not standin:
        try:
            from sandbox.world import build_world  # type: ignore
            w = build_world()
            parts = getattr(w, "parts", None) or w[0]
            trees = getattr(w, "trees", None)
            if trees is None and isinstance(w, tuple):
                trees = w[1]
            return parts, trees, "world"
        except Exception as e:  # noqa: BLE001 - fall back, but say why
            print(f"real world unavailable ({type(e).__name__}: {e}); using stand-ins")
    from sandbox.view import standin as s
    parts, trees = s.world()
    return parts, trees, "standin"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--n", type=int, nargs="+", default=[0, 2000, 10000])
    ap.add_argument("--frames", type=int, default=12)
    ap.add_argument("--standin", action="store_true")
    ap.add_argument("--tod", default="day")
    a = ap.parse_args(argv)
    w, h = map(int, a.size.split("x"))
    from sandbox.view.app import FrameGrabber, open_base
    from sandbox.view.horde import Horde
    from sandbox.view.stage import Stage
    parts, trees, kind = load_world(a.standin)
    tris = sum(len(m.faces) for k, m in parts.items() if k != "tree")
    ttris = len(parts["tree"].faces) * (len(trees) if trees is not None and "tree" in parts else 0)
    base = open_base((w, h))
    stage = Stage(base, parts, trees, a.tod)
    horde = Horde(stage, max(a.n))
    grab = FrameGrabber(base)
    stage.set_camera((0, -110, 14), (0, 20, 6), 50)
    rng = np.random.default_rng(0)
    print(f"{kind} world: {tris} triangles + trees {ttris}; figure {horde.triangles_per_figure} tris")
    for n in a.n:
        pos = np.stack([rng.uniform(-50, 50, n), rng.uniform(-60, 0, n)], 1).astype(np.float32)
        hd = rng.uniform(0, 6.28, n).astype(np.float32)
        ph = rng.uniform(0, 6.28, n).astype(np.float32)
        times = []
        for f in range(a.frames + 2):
            t0 = time.perf_counter()
            horde.update(pos, np.zeros(n, np.float32), hd, ph + f * 0.3)
            stage.set_time(f / 24)
            grab.grab()
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{w}x{h} n={n:6d}: median {np.median(times[2:]):7.1f} ms/frame "
              f"(min {min(times[2:]):.1f})")


if __name__ == "__main__":
    main()
