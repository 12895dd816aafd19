"""One headless run of a crowd preset on the school map, described by a picklable `RunSpec`
so that sweeps and tunes can hand runs to other processes or machines.

A run is a pure function of its spec: same spec, same metrics, wherever it runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sandbox.config import ConfigError, ParamSet

from .metrics import RunMetrics, observe
from .probes import Probes, school_lines


@dataclass(frozen=True)
class RunSpec:
    """preset: path of a crowd preset TOML; overrides: ((key, value), ...) on its [params];
    seed / seconds / agents: None = the preset's [setup]; reach_radius, density_cell: m."""

    preset: str
    overrides: tuple[tuple[str, float], ...] = ()
    seed: int | None = None
    seconds: float | None = None
    agents: int | None = None
    reach_radius: float = 3.0
    density_cell: float = 2.0


@dataclass(frozen=True)
class Prepared:
    """A spec made concrete: params with overrides, the setup, the walkable level."""

    params: ParamSet
    setup: object
    level: object
    level_index: int
    seed: int
    seconds: float
    places: dict = field(default_factory=dict)


def preset_world(preset: str | Path):
    """(params, setup, walkable level, level index) of a preset on the world map;
    ConfigError naming the file for a bad preset or an unknown level."""
    from sandbox import world
    from sandbox.crowd import load_preset
    from sandbox.crowd.setup import load_setup

    anchors = world.anchors()
    params = load_preset(preset)
    setup = load_setup(preset, lambda name: anchors[name][:2])
    levels = world.walkmap().levels
    if setup.level not in levels:
        raise ConfigError(f"{preset} [setup]: level = {setup.level!r} (allowed: "
                          f"{', '.join(levels)})")
    return params, setup, levels[setup.level], list(levels).index(setup.level)


def with_overrides(params: ParamSet, overrides, where: str) -> ParamSet:
    """A copy of `params` with `overrides` ((key, value) pairs) applied and the ordered
    pairs checked; ConfigError naming `where`, the key, the value and the range."""
    from sandbox.crowd.params import check_params

    out = ParamSet(params.decl.values(), params.values)
    out.update(dict(overrides), where)
    check_params(out, where)
    return out


def places_on(level, setup) -> dict[str, tuple[float, float]]:
    """The world's anchors standing on `level`, plus `goal` where the setup has one."""
    from sandbox import world
    from sandbox.world.walkmap import anchor_on_level

    out = {name: (float(p[0]), float(p[1])) for name, p in sorted(world.anchors().items())
           if anchor_on_level(level, p)}
    if setup.goal is not None:
        out["goal"] = (float(setup.goal[0]), float(setup.goal[1]))
    return out


def prepare(spec: RunSpec) -> Prepared:
    params, setup, level, index = preset_world(spec.preset)
    params = with_overrides(params, spec.overrides, "--set")
    seed = setup.seed if spec.seed is None else int(spec.seed)
    seconds = setup.seconds if spec.seconds is None else float(spec.seconds)
    return Prepared(params, setup, level, index, seed, seconds, places_on(level, setup))


def probes_for(spec: RunSpec, prep: Prepared) -> Probes:
    return Probes.over(prep.level, prep.places, school_lines(prep.level.name),
                       cell=spec.density_cell, reach_radius=spec.reach_radius)


def run(spec: RunSpec, on_step: Callable[[int, int], None] | None = None
        ) -> tuple[RunMetrics, Prepared]:
    """Build the preset's crowd and run it for the spec's seconds, measuring every step.
    on_step(k, total) after each step (progress bars)."""
    prep = prepare(spec)
    crowd = prep.setup.build(prep.level, prep.params, seed=prep.seed, agents=spec.agents,
                             level=prep.level_index)
    steps = int(round(prep.seconds / crowd.dt))
    done = [0]

    def events(c):
        done[0] = prep.setup.apply_due(c, done[0])

    tick = None if on_step is None else (lambda k: on_step(k, steps))
    return observe(crowd, steps, probes_for(spec, prep), events, tick), prep


def run_scalars(spec: RunSpec) -> dict:
    """The single-number metrics of one run and its wall time (s): what a worker sends back."""
    t0 = time.perf_counter()
    metrics, _ = run(spec)
    return {"metrics": metrics.scalars(), "wall_s": time.perf_counter() - t0}
