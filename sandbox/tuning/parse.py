"""Command-line expressions of batch runs, checked against the parameter declarations.

    --set key=value            one parameter for every run
    --grid key=a,b,c           listed values
    --grid key=lo:hi:n         n evenly spaced values from lo to hi, both included
    --param key | key=lo:hi    a tuned parameter, over its declared range or [lo, hi]
    --target "reach(goal) = 40 ± 2"   a metric, its wanted value and tolerance (± or +-)

Every mistake is a ConfigError in one line naming the argument, the culprit and what
is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from sandbox.config import ConfigError, Param

_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _decl(arg: str, key: str, decl: dict[str, Param]) -> Param:
    if key not in decl:
        raise ConfigError(f"{arg}: unknown parameter {key!r} (known: {', '.join(sorted(decl))})")
    return decl[key]


def _split(arg: str, text: str, form: str) -> tuple[str, str]:
    key, eq, value = text.partition("=")
    key = key.strip()
    if not eq or not key or not value.strip():
        raise ConfigError(f"{arg} {text!r}: not {form}")
    return key, value.strip()


def _number(arg: str, text: str, value: str, form: str) -> float:
    if not re.fullmatch(_NUM, value.strip()):
        raise ConfigError(f"{arg} {text!r}: {value.strip()!r} is not a number ({form})")
    return float(value)


def parse_set(texts: list[str], decl: dict[str, Param]) -> tuple[tuple[str, float], ...]:
    """`--set key=value` arguments -> sorted ((key, value), ...), each within its range."""
    out: dict[str, float] = {}
    form = "key=value, e.g. max_speed=5.5"
    for text in texts:
        key, value = _split("--set", text, form)
        p = _decl(f"--set {text!r}", key, decl)
        if key in out:
            raise ConfigError(f"--set {text!r}: {key} is set twice (allowed: once)")
        out[key] = p.check(_number("--set", text, value, form), f"--set {text!r}")
    return tuple(sorted(out.items()))


def parse_grid(texts: list[str], decl: dict[str, Param]) -> dict[str, list[float]]:
    """`--grid` arguments -> {key: [values]} in the order given, each value within range."""
    form = "key=a,b,c or key=lo:hi:n (n >= 2), e.g. max_speed=3:6:4"
    out: dict[str, list[float]] = {}
    for text in texts:
        key, value = _split("--grid", text, form)
        p = _decl(f"--grid {text!r}", key, decl)
        if key in out:
            raise ConfigError(f"--grid {text!r}: {key} is swept twice (allowed: once)")
        if ":" in value:
            parts = value.split(":")
            if len(parts) != 3 or not re.fullmatch(r"\d+", parts[2].strip()):
                raise ConfigError(f"--grid {text!r}: not {form}")
            lo, hi = (_number("--grid", text, v, form) for v in parts[:2])
            n = int(parts[2])
            if n < 2 or not lo < hi:
                raise ConfigError(f"--grid {text!r}: needs lo < hi and n >= 2 ({form})")
            values = [float(v) for v in np.linspace(lo, hi, n)]
        else:
            values = [_number("--grid", text, v, form) for v in value.split(",")]
            if len(set(values)) != len(values):
                raise ConfigError(f"--grid {text!r}: a value is listed twice ({form})")
        out[key] = [p.check(v, f"--grid {text!r}") for v in values]
    return out


def parse_params(texts: list[str], decl: dict[str, Param]) -> dict[str, tuple[float, float]]:
    """`--param key` or `--param key=lo:hi` -> {key: (lo, hi)} within the declared range."""
    form = "key or key=lo:hi, e.g. max_speed or max_speed=3:7"
    out: dict[str, tuple[float, float]] = {}
    for text in texts:
        key, eq, rng = text.partition("=")
        key = key.strip()
        p = _decl(f"--param {text!r}", key, decl)
        if key in out:
            raise ConfigError(f"--param {text!r}: {key} is tuned twice (allowed: once)")
        if not eq:
            out[key] = (float(p.lo), float(p.hi))
            continue
        parts = rng.split(":")
        if len(parts) != 2:
            raise ConfigError(f"--param {text!r}: not {form}")
        lo, hi = (p.check(_number("--param", text, v, form), f"--param {text!r}") for v in parts)
        if not lo < hi:
            raise ConfigError(f"--param {text!r}: needs lo < hi ({form})")
        out[key] = (lo, hi)
    return out


@dataclass(frozen=True)
class Target:
    """A wanted value of one metric: `metric` as named in a run's scalars, `value`, `tol`."""

    text: str
    metric: str
    value: float
    tol: float

    def miss(self, got: float | None, never: float) -> float:
        """|got - value| in units of the tolerance; `never` stands in for a metric that
        did not happen (a place nobody reached)."""
        v = never if got is None or not np.isfinite(got) else got
        return abs(v - self.value) / self.tol


_TARGET = re.compile(rf"\s*([a-z_]+(?:\(\s*[A-Za-z0-9_]+\s*\))?)\s*=\s*({_NUM})\s*"
                     rf"(?:±|\+-|\+/-)\s*({_NUM})\s*")


def parse_target(text: str, known: list[str]) -> Target:
    """`METRIC = VALUE ± TOL` (or +-) -> Target; METRIC must be one of `known`."""
    m = _TARGET.fullmatch(text)
    if not m:
        raise ConfigError(f"--target {text!r}: not METRIC = VALUE ± TOL "
                          "(e.g. \"reach(goal) = 40 ± 2\"; ± may be written +-)")
    metric = re.sub(r"\s+", "", m[1])
    if metric not in known:
        raise ConfigError(f"--target {text!r}: unknown metric {metric} for this preset "
                          f"(known: {', '.join(known)})")
    tol = float(m[3])
    if not tol > 0:
        raise ConfigError(f"--target {text!r}: tolerance {m[3]} (allowed: a number above 0)")
    return Target(text, metric, float(m[2]), tol)
