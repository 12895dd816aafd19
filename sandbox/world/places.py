"""Named places of the story, as world positions (x, y, z) in metres, from the blueprint."""

from __future__ import annotations

import numpy as np

from sandbox.world import blueprint as bp
from sandbox.world.terrain import terrain_height


def _on_ground(x: float, y: float) -> np.ndarray:
    return np.array([x, y, float(terrain_height(x, y))], np.float64)


def _at(x: float, y: float, z: float) -> np.ndarray:
    return np.array([x, y, z], np.float64)


def build_anchors() -> dict[str, np.ndarray]:
    """name -> (3,) float64 position; z is the floor or ground the place stands on."""
    s = bp.SCHOOL
    roof = bp.ROOF_Z
    sh = bp.STAIR_HOUSE
    west_foot, _ = bp.stair_link_points("west")
    east_foot, _ = bp.stair_link_points("east")
    path = np.asarray(bp.PATH)
    mid_path = path[len(path) // 2]
    return {
        "field_centre": _at(*bp.FIELD.centre, 0.02),
        "gate": _at(0.0, bp.PERIMETER.y0, 0.0),
        "gate_outside": _at(0.0, bp.PERIMETER.y0 - 6.0, 0.02),
        "school_entrance": _at(0.0, s.y0 - 4.0, 0.02),
        "lobby": _at(0.0, 45.0, 0.03),
        "back_door": _at(0.0, s.y1 + 1.5, 0.02),
        "back_gate": _at(0.0, bp.PERIMETER.y1, 0.0),
        "forest_edge": _on_ground(0.0, bp.FOREST_EDGE_Y + 4.0),
        "hill_path": _on_ground(*mid_path),
        "hilltop": _on_ground(*bp.HILL_LOOKOUT),
        "hilltop_clearing": _on_ground(*bp.HILLTOP),
        "stairwell_west": _at(*west_foot, 0.03),
        "stairwell_east": _at(*east_foot, 0.03),
        "corridor_floor2": _at(0.0, sum(bp.CORRIDOR_Y) / 2, bp.LEVEL_Z["floor2"]),
        "corridor_floor3": _at(0.0, sum(bp.CORRIDOR_Y) / 2, bp.LEVEL_Z["floor3"]),
        "corridor_floor4": _at(0.0, sum(bp.CORRIDOR_Y) / 2, bp.LEVEL_Z["floor4"]),
        "roof_edge": _at(0.0, s.y0 + bp.PARAPET_T + 0.4, roof),
        "roof_centre": _at(0.0, s.centre[1], roof),
        "roof_door": _at(sh.x1 + 1.0, sum(bp.ROOF_DOOR_Y) / 2, roof),
        "campfire": _at(*bp.CAMPFIRE_XY, roof),
        "sos_sign": _at(12.0, s.centre[1], roof),
        "water_tanks": _at(*bp.WATER_TANKS[0].centre, roof + 0.5 + bp.WATER_TANK_H),
        "gym": _at(bp.GYM.x0 - 4.0, sum(bp.GYM_DOOR_Y) / 2, 0.0),
        "tennis_courts": _at(*bp.TENNIS.centre, 0.03),
        "construction_site": _at(bp.SITE.x1 - 8.0, sum(bp.SITE_GATE_Y) / 2, 0.015),
        "elevator_shaft": _at(*bp.SHAFT.centre, 0.0),
        "west_gap": _at(bp.PERIMETER.x0, sum(bp.WEST_GAP_Y) / 2, 0.0),
        "downtown": _at(*bp.DOWNTOWN, 0.02),
        "helicopter_hover": _at(10.0, s.centre[1] - 5.0, roof + 25.0),
    }
