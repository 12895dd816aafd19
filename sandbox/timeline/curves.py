"""Camera curves: easing functions and Catmull-Rom splines through keyframes.

Pure numpy; every function is a deterministic function of its arguments, so a
camera evaluated at t never depends on which frames were evaluated before.
"""

from __future__ import annotations

import numpy as np

EASINGS = {
    "linear": lambda u: u,
    "ease_in": lambda u: u * u * u,
    "ease_out": lambda u: 1.0 - (1.0 - u) ** 3,
    "ease_in_out": lambda u: u * u * (3.0 - 2.0 * u),
}


def ease(name: str, u: float) -> float:
    """Remap segment progress `u` in [0, 1] through the easing `name`."""
    return float(EASINGS[name](min(max(u, 0.0), 1.0)))


def catmull_rom(p0, p1, p2, p3, u: float, alpha: float = 0.5) -> np.ndarray:
    """Point at `u` in [0, 1] on the segment p1 -> p2 of a Catmull-Rom spline.

    `alpha` 0.5 is the centripetal variant: no cusps or self-intersections when
    keyframes are unevenly spaced, which matters for sweeping camera moves.
    """
    pts = [np.asarray(p, dtype=np.float64) for p in (p0, p1, p2, p3)]
    t = [0.0]
    for a, b in zip(pts, pts[1:]):
        t.append(t[-1] + max(float(np.linalg.norm(b - a)) ** alpha, 1e-6))
    t0, t1, t2, t3 = t
    s = t1 + (t2 - t1) * u
    a1 = (t1 - s) / (t1 - t0) * pts[0] + (s - t0) / (t1 - t0) * pts[1]
    a2 = (t2 - s) / (t2 - t1) * pts[1] + (s - t1) / (t2 - t1) * pts[2]
    a3 = (t3 - s) / (t3 - t2) * pts[2] + (s - t2) / (t3 - t2) * pts[3]
    b1 = (t2 - s) / (t2 - t0) * a1 + (s - t0) / (t2 - t0) * a2
    b2 = (t3 - s) / (t3 - t1) * a2 + (s - t1) / (t3 - t1) * a3
    return (t2 - s) / (t2 - t1) * b1 + (s - t1) / (t2 - t1) * b2


def sample_path(times, points, t: float, easings) -> np.ndarray:
    """Value at time `t` of the spline through `points` (k, d) keyed at `times` (k,).

    Segment i (times[i] -> times[i+1]) is eased by `easings[i]`. The ends are
    extended by reflection so the first and last segments have no kink.
    Before the first key or after the last, the path holds still.
    """
    times = np.asarray(times, dtype=np.float64)
    points = np.asarray(points, dtype=np.float64)
    if len(times) == 1 or t <= times[0]:
        return points[0].copy()
    if t >= times[-1]:
        return points[-1].copy()
    i = int(np.searchsorted(times, t, side="right") - 1)
    u = ease(easings[i], (t - times[i]) / (times[i + 1] - times[i]))
    p1, p2 = points[i], points[i + 1]
    p0 = points[i - 1] if i > 0 else 2 * p1 - p2
    p3 = points[i + 2] if i + 2 < len(points) else 2 * p2 - p1
    return catmull_rom(p0, p1, p2, p3, u)
