"""Crowd simulation: agent state as arrays, behaviour, flow fields, neighbour grid, steering.

Pure numpy + numba; never imports Panda3D nor the world, timeline or view
packages. The walkable map comes in as plain arrays (`NavGrid`, or anything
with `walkable`, `origin`, `cell`).

    crowd = Crowd(level, load_preset(CROWD_PRESETS / "hyosan_horde.toml"), seed=7)
    crowd.spawn(2000, (0.0, -40.0), 15.0)
    crowd.set_goal((0.0, 30.0))
    crowd.step(30)
    xy = crowd.positions()          # (n, 2) float32 metres

Kinds ("regular", "immune", "immortal", "human") and behaviour states (`STATES`)
are uint8 arrays (`kinds()`, `states()`, `counts()`); behaviour picks each agent's
preferred velocity from sounds (`add_sound`), sight of humans (own and
`set_visible_humans`, shortened by the live `light_level`), routes (`set_route`),
pursuit (`set_target`), fire (`add_fire`) and strikes (`strike`); the steering
makes it collision-free.

Several levels joined by stairs: `Crowd.multi(levels, links)` (a `NavStack`); every
call taking points then takes `level=`, and agents climb where their field leads.
"""

from .behaviour import KINDS, STATES
from .crowd import Crowd, CrowdSnapshot
from .flowfield import FlowField, FlowFieldCache, build_flow_field, goal_cells_for
from .grid import NavGrid
from .navstack import NavStack
from .params import PARAMS, default_params, load_preset

__all__ = ["KINDS", "STATES", "Crowd", "CrowdSnapshot", "FlowField", "FlowFieldCache", "NavGrid",
           "NavStack", "PARAMS", "build_flow_field", "default_params", "goal_cells_for", "load_preset"]
