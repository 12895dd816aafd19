"""What a run is measured against: named places (for reach times), named line segments
(for flows through the gate and doors) and the density grid.

On a multi-level crowd every place and line stands on one of its levels (an index into
the crowd's level names; a one-level crowd's agents are all on level 0) and only agents
on that level reach it or cross it; the density grid covers the main level (0) only.

Lines are directed: an agent crossing from the right of a -> b to its left counts +1
("in"), the other way -1 ("out"). The school's lines point "in" = into the school
grounds, into the building, into a stairwell, out onto the roof.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Probes:
    """places : name -> (x, y) m; lines : name -> ((x0, y0), (x1, y1)) m, "in" = to the
    left of a -> b; origin (2,) m, shape (ny, nx) and cell (m) of the density grid;
    reach_radius : m, an agent this close to a place (in plan, on its level) has reached
    it; place_level / line_level : name -> level index (missing: 0, the main level);
    level_names : the levels' names by index (empty: not named)."""

    places: dict[str, tuple[float, float]]
    lines: dict[str, tuple[tuple[float, float], tuple[float, float]]]
    origin: tuple[float, float]
    shape: tuple[int, int]
    cell: float
    reach_radius: float = 3.0
    walkable: np.ndarray | None = field(default=None, compare=False)  # (ny', nx') bool, for plots
    walk_origin: tuple[float, float] = (0.0, 0.0)
    walk_cell: float = 1.0
    place_level: dict[str, int] = field(default_factory=dict)
    line_level: dict[str, int] = field(default_factory=dict)
    level_names: tuple[str, ...] = ()

    @classmethod
    def over(cls, level, places, lines, cell: float = 2.0, reach_radius: float = 3.0,
             place_level=None, line_level=None, level_names=()) -> "Probes":
        """Probes whose density grid covers `level` (`walkable`, `origin`, `cell`) with
        square cells of `cell` m; place_level / line_level as in the class."""
        ny, nx = level.walkable.shape
        w, h = nx * level.cell, ny * level.cell
        shape = (int(np.ceil(h / cell)), int(np.ceil(w / cell)))
        return cls(dict(places), dict(lines), (float(level.origin[0]), float(level.origin[1])),
                   shape, float(cell), float(reach_radius), np.asarray(level.walkable, bool),
                   (float(level.origin[0]), float(level.origin[1])), float(level.cell),
                   dict(place_level or {}), dict(line_level or {}), tuple(level_names))


def school_lines(level_name: str) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """The gates and doors of the school on `level_name`, as directed segments (m) along
    each opening's wall centreline ("in" as in the module docstring)."""
    from sandbox.world import blueprint as bp

    p, s = bp.PERIMETER, bp.SCHOOL
    sy0, sy1 = bp.STAIR_DOOR_Y
    west, east = bp.BAY_EDGES[1], bp.BAY_EDGES[-2]
    stairs = {"stair_door_west": ((west, sy0), (west, sy1)),
              "stair_door_east": ((east, sy1), (east, sy0))}
    if level_name == "ground":
        return {"gate": ((bp.GATE_X[0], p.y0), (bp.GATE_X[1], p.y0)),
                "back_gate": ((bp.BACK_GATE_X[1], p.y1), (bp.BACK_GATE_X[0], p.y1)),
                "west_gap": ((p.x0, bp.WEST_GAP_Y[1]), (p.x0, bp.WEST_GAP_Y[0])),
                "main_door": ((bp.MAIN_DOOR[0], s.y0), (bp.MAIN_DOOR[1], s.y0)),
                "back_door": ((bp.BACK_DOOR[1], s.y1), (bp.BACK_DOOR[0], s.y1)),
                **stairs}
    if level_name == "roof":
        x = bp.STAIR_HOUSE.x1 - bp.EXT_T / 2
        return {"roof_door": ((x, bp.ROOF_DOOR_Y[1]), (x, bp.ROOF_DOOR_Y[0]))}
    return stairs
