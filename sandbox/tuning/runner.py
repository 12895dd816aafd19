"""One headless run of a crowd preset on the school map, described by a picklable `RunSpec`
so that sweeps and tunes can hand runs to other processes or machines.

A run is a pure function of its spec: same spec, same metrics, wherever it runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from sandbox.config import ParamSet

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
    """A spec made concrete: params with overrides, the setup, the world's walkable map
    with the setup's barricades, and the places on the setup's levels."""

    params: ParamSet
    setup: object
    walkmap: object
    seed: int
    seconds: float
    places: dict = field(default_factory=dict)
    place_level: dict = field(default_factory=dict)

    @property
    def level(self):
        """The main level's walkable grid (density is measured over it)."""
        return self.walkmap.levels[self.setup.level]


def world_resolver():
    """Anchor name -> (x, y, name of the level it stands on or None) on the world map."""
    from sandbox import world
    from sandbox.world.walkmap import anchor_on_level

    anchors = world.anchors()
    levels = world.walkmap().levels

    def resolve(name: str):
        p = anchors[name]
        on = next((n for n, lv in levels.items() if anchor_on_level(lv, p)), None)
        return float(p[0]), float(p[1]), on

    return resolve


def preset_world(preset: str | Path):
    """(params, setup, walkable map) of a preset on the world map, the setup's barricades
    blocked in the map; ConfigError naming the file for a bad preset or level."""
    from sandbox import world
    from sandbox.crowd import load_preset
    from sandbox.crowd.setup import load_setup

    params = load_preset(preset)
    wm = world.walkmap()
    setup = load_setup(preset, world_resolver(), list(wm.levels))
    return params, setup, setup.walkmap(wm)


def with_overrides(params: ParamSet, overrides, where: str) -> ParamSet:
    """A copy of `params` with `overrides` ((key, value) pairs) applied and the ordered
    pairs checked; ConfigError naming `where`, the key, the value and the range."""
    from sandbox.crowd.params import check_params

    out = ParamSet(params.decl.values(), params.values)
    out.update(dict(overrides), where)
    check_params(out, where)
    return out


def places_on(setup) -> tuple[dict[str, tuple[float, float]], dict[str, int]]:
    """The world's anchors standing on the setup's levels, plus `goal` where the setup
    has one: (name -> (x, y) m, name -> index into setup.levels)."""
    from sandbox import world

    resolve = world_resolver()
    xy, level = {}, {}
    for name in sorted(world.anchors()):
        x, y, on = resolve(name)
        if on in setup.levels:
            xy[name], level[name] = (x, y), setup.levels.index(on)
    if setup.goal is not None:
        xy["goal"] = (float(setup.goal[0]), float(setup.goal[1]))
        level["goal"] = setup.levels.index(setup.goal_level)
    return xy, level


def lines_on(setup) -> tuple[dict, dict[str, int]]:
    """The school's doors and gates on the setup's levels: (name -> segment, name -> index
    into setup.levels). A name already taken on an earlier level gets `_LEVEL` appended."""
    lines, level = {}, {}
    for k, name in enumerate(setup.levels):
        for line, seg in school_lines(name).items():
            key = line if line not in lines else f"{line}_{name}"
            lines[key], level[key] = seg, k
    return lines, level


def prepare(spec: RunSpec) -> Prepared:
    params, setup, walkmap = preset_world(spec.preset)
    params = with_overrides(params, spec.overrides, "--set")
    seed = setup.seed if spec.seed is None else int(spec.seed)
    seconds = setup.seconds if spec.seconds is None else float(spec.seconds)
    return Prepared(params, setup, walkmap, seed, seconds, *places_on(setup))


def probes_for(spec: RunSpec, prep: Prepared) -> Probes:
    lines, line_level = lines_on(prep.setup)
    return Probes.over(prep.level, prep.places, lines, cell=spec.density_cell,
                       reach_radius=spec.reach_radius, place_level=prep.place_level,
                       line_level=line_level, level_names=prep.setup.levels)


def run(spec: RunSpec, on_step: Callable[[int, int], None] | None = None
        ) -> tuple[RunMetrics, Prepared]:
    """Build the preset's crowd and run it for the spec's seconds, measuring every step.
    on_step(k, total) after each step (progress bars)."""
    prep = prepare(spec)
    crowd = prep.setup.build(prep.walkmap, prep.params, seed=prep.seed, agents=spec.agents)
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
