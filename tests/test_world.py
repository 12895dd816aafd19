"""sandbox.world: deterministic models, anchors where the story needs them, a walkable map
that agrees with the buildings, and sane meshes."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

import sandbox.world as W
from sandbox.paths import MODELS
from sandbox.world import blueprint as bp
from sandbox.world.export import glb_bytes, load_parts
from sandbox.world.walkmap import WalkMap

REQUIRED_ANCHORS = ("gate", "field_centre", "roof_edge", "roof_door", "forest_edge", "hilltop",
                    "construction_site", "school_entrance", "gym", "stairwell_west",
                    "stairwell_east", "downtown", "tennis_courts", "campfire")

_DIGEST = """
import hashlib, sys
from sandbox.world import build_world
from sandbox.world.export import glb_bytes
for name, mesh in sorted(build_world().parts.items()):
    print(name, hashlib.sha256(glb_bytes(name, mesh)).hexdigest())
print("panda3d" in sys.modules, "sandbox.crowd" in sys.modules, "sandbox.timeline" in sys.modules)
"""


@pytest.fixture(scope="module")
def world():
    return W.build_world()


@pytest.fixture(scope="module")
def wm() -> WalkMap:
    return W.walkmap()


def _digests() -> str:
    r = subprocess.run([sys.executable, "-c", _DIGEST], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": "random", "PATH": ""}, cwd=str(MODELS.parent))
    return r.stdout


# -- models ---------------------------------------------------------------------------------
def test_models_identical_across_processes_and_pure():
    a, b = _digests(), _digests()
    assert a == b
    assert a.strip().splitlines()[-1] == "False False False"   # no panda3d, crowd, timeline


def test_checked_in_models_match_generator(world):
    names = sorted(world.parts)
    on_disk = sorted(p.stem for p in MODELS.glob("*.glb"))
    assert on_disk == names, "models/ is stale: run build_models()"
    for name in names:
        data = (MODELS / f"{name}.glb").read_bytes()
        assert hashlib.sha256(data).digest() == hashlib.sha256(glb_bytes(name, world.parts[name])).digest(), \
            f"models/{name}.glb differs from the generator"
    assert sum((MODELS / f"{n}.glb").stat().st_size for n in names) < 12_000_000


def test_load_parts_round_trip(world):
    parts = load_parts()
    for name, mesh in world.parts.items():
        got = parts[name]
        assert np.array_equal(got.faces, mesh.faces)
        assert np.allclose(got.vertices, mesh.vertices, atol=1e-4)
        assert np.allclose(got.vertex_normals, mesh.vertex_normals, atol=1e-4)
        assert np.array_equal(np.asarray(got.visual.vertex_colors), np.asarray(mesh.visual.vertex_colors))


# -- meshes ---------------------------------------------------------------------------------
def test_mesh_sanity_and_budget(world):
    tris = {n: len(m.faces) for n, m in world.parts.items()}
    assert set(W.PART_NAMES) == set(tris)
    assert tris["school"] < 100_000
    assert tris["city"] < 60_000
    assert 30 <= tris["tree"] <= 80
    static = sum(tris.values()) - tris["tree"] + tris["tree"] * 0   # tree drawn per instance
    assert static < 400_000
    for name, m in world.parts.items():
        n = np.linalg.norm(m.vertex_normals, axis=1)
        assert np.allclose(n, 1.0, atol=1e-5), name
        c = np.asarray(m.visual.vertex_colors)
        assert c.dtype == np.uint8 and c.shape == (len(m.vertices), 4), name
        assert np.isfinite(m.vertices).all(), name
        assert m.area_faces.min() > 0, name
        if name != "terrain":   # flat-shaded: every vertex normal equals its faces' normals
            assert np.allclose(m.vertex_normals[m.faces[:, 0]], m.face_normals, atol=1e-5), name
    assert (np.asarray(world.parts["glass"].visual.vertex_colors)[:, 3] < 255).all()
    assert (np.asarray(world.parts["school"].visual.vertex_colors)[:, 3] == 255).all()


def test_normals_point_outwards_on_school_facades(world):
    m = world.parts["school"]
    c = m.triangles_center
    n = m.face_normals
    south = (np.abs(c[:, 1] - bp.SCHOOL.y0) < 1e-6) & (np.abs(n[:, 1]) > 0.99) & (c[:, 2] > 3.7)
    assert south.sum() > 100
    assert (n[south, 1] < 0).all()


def test_school_has_rows_of_windows(world):
    """Glass panes on the south and north facades, on every floor."""
    g = world.parts["glass"]
    c = g.triangles_center
    for y in (bp.SCHOOL.y0 + bp.EXT_T / 2, bp.SCHOOL.y1 - bp.EXT_T / 2):
        on = np.abs(c[:, 1] - y) < 1e-6
        floors = np.unique(np.floor(c[on, 2] / bp.FLOOR_H))
        assert list(floors) == [0, 1, 2, 3]
        assert on.sum() >= 4 * 4 * 18     # >= 18 two-sided panes per floor


def test_trees(world):
    t = world.trees
    assert t.dtype == np.float32 and t.shape[1] == 5 and 1000 < len(t) < 6000
    assert np.array_equal(t, W.tree_instances())
    assert np.allclose(t[:, 2], W.terrain_height(t[:, 0], t[:, 1]), atol=1e-3)
    xy = t[:, :2].astype(np.float64)
    for r in (bp.SCHOOL, bp.GYM, bp.FIELD, bp.TENNIS, *bp.ROADS, *(b.rect for b in bp.city_buildings())):
        assert not r.contains(xy).any()
    gate_way = bp.Rect(bp.GATE_X[0] - 2, bp.PERIMETER.y0 - 6, bp.GATE_X[1] + 2, bp.FIELD.y0)
    assert not gate_way.contains(xy).any()
    hx, hy = bp.HILLTOP
    assert (np.hypot(xy[:, 0] - hx, xy[:, 1] - hy) > bp.CLEARING_R).all()
    assert (xy[:, 1] > 100).sum() > 0.8 * len(t)          # mostly the hill's forest


def test_terrain_height():
    assert np.allclose(W.terrain_height([0, 100, -150, 0], [0, -150, 0, 45]), 0.0, atol=1e-9)
    assert W.terrain_height(np.zeros((3, 4)), np.zeros((3, 4))).shape == (3, 4)
    hx, hy = bp.HILLTOP
    assert 55 < W.terrain_height(hx, hy) < 65


def _room(gap_pane: bool):
    """A 6 x 6 x 3 m room of 0.2 m slabs and walls, a 1 m gap in its south wall (closed by
    a pane when `gap_pane`) and a table inside, in front of the gap."""
    from sandbox.world.shapes import MeshBuilder
    grey = (128, 128, 128, 255)
    b = MeshBuilder()
    b.box((0, 0, 0), (6, 6, 0.2), grey)                 # floor
    b.box((0, 0, 3), (6, 6, 3.2), grey)                 # roof
    b.box((0, 0, 0.2), (2.5, 0.2, 3), grey)             # south wall, west of the gap
    b.box((3.5, 0, 0.2), (6, 0.2, 3), grey)             # south wall, east of the gap
    b.box((0, 5.8, 0.2), (6, 6, 3), grey)               # north wall
    b.box((0, 0.2, 0.2), (0.2, 5.8, 3), grey)           # west wall
    b.box((5.8, 0.2, 0.2), (6, 5.8, 3), grey)           # east wall
    b.box((2.8, 2, 0.2), (3.2, 2.4, 1), grey)           # table
    pane = MeshBuilder()
    pane.quad((2.5, 0.1, 0.2), (3.5, 0.1, 0.2), (3.5, 0.1, 3), (2.5, 0.1, 3), grey, two_sided=True)
    return b.mesh(), [pane.mesh()] if gap_pane else []


def _face(mesh, point, normal) -> int:
    """The face that holds `point` and faces `normal`."""
    from trimesh.triangles import points_to_barycentric
    p = np.broadcast_to(np.asarray(point, float), (len(mesh.faces), 3))
    bary = points_to_barycentric(mesh.triangles, p)
    on = (np.abs(np.einsum("ij,ij->i", p - mesh.triangles[:, 0], mesh.face_normals)) < 1e-6) \
        & (bary > -1e-9).all(axis=1) & (mesh.face_normals @ np.asarray(normal, float) > 0.99)
    return int(np.flatnonzero(on)[0])


def test_open_faces_are_those_seen_from_outside():
    """A face is open where the space in front of it sees out along an axis it faces:
    the roof and the outer walls, and through the gap the table's front (a face is
    judged at its centre and halfway to each corner, so the north wall's inside, whose
    triangles span the room, stays shut); the ceiling, the table's top, the floor's top
    and the walls' insides are shut, and so is the table's front once a
    pane closes the gap."""
    from sandbox.world.draw_order import open_faces

    mesh, _ = _room(gap_pane=False)
    is_open = open_faces(mesh)
    f = lambda c, n: is_open[_face(mesh, c, n)]  # noqa: E731
    assert f((3, 3, 3.2), (0, 0, 1)) and f((1.5, 0, 1.6), (0, -1, 0)) and f((6, 3, 1.6), (1, 0, 0))
    assert f((3.0, 2.0, 0.6), (0, -1, 0))
    assert not (f((3, 3, 3.0), (0, 0, -1)) or f((3.0, 2.2, 1.0), (0, 0, 1))
                or f((1.5, 1.5, 0.2), (0, 0, 1)) or f((0.2, 3, 1.6), (1, 0, 0))
                or f((3.0, 5.8, 1.6), (0, -1, 0)))
    mesh, pane = _room(gap_pane=True)
    is_open = open_faces(mesh, pane)
    assert not f((3.0, 2.0, 0.6), (0, -1, 0))
    assert f((1.5, 0, 1.6), (0, -1, 0))


def test_faces_are_drawn_details_and_shells_first(world):
    """The last built face is drawn first (a builder lays details over the surfaces they
    decorate: drawn first, a detail wins the depth test even where depth cannot tell it
    from its surface) and, in a part with rooms, the faces open to the outside before
    the rest: the school's roof is drawn before its top floor's rooms, so seen from the
    roof they are never shaded."""
    from sandbox.world.draw_order import occluders_first, open_faces

    mesh, pane = _room(gap_pane=True)
    is_open = open_faces(mesh, pane)
    assert 0 < is_open.sum() < len(is_open)
    last_first = np.arange(len(mesh.faces))[::-1]
    assert np.array_equal(occluders_first(mesh).faces, mesh.faces[last_first])
    ordered = occluders_first(mesh, rooms=True, blockers=pane)
    shell = last_first[is_open[last_first]]
    assert np.array_equal(ordered.faces, mesh.faces[np.concatenate(
        [shell, last_first[~is_open[last_first]]])])
    assert np.array_equal(ordered.vertices, mesh.vertices)

    school = world.parts["school"]
    big_up = (school.face_normals[:, 2] > 0.99) & (school.area_faces > 10.0)
    z = school.triangles_center[:, 2]
    roof = np.flatnonzero(big_up & np.isclose(z, bp.ROOF_Z, atol=0.01))
    top_floor = np.flatnonzero(big_up & np.isclose(z, bp.ROOF_Z - bp.FLOOR_H, atol=0.01))
    assert len(roof) and len(top_floor)
    assert roof.max() < top_floor.min(), "the top storey's floors come before the roof"


# -- anchors --------------------------------------------------------------------------------
def test_anchors():
    a = W.anchors()
    for name in REQUIRED_ANCHORS:
        assert a[name].shape == (3,) and a[name].dtype == np.float64, name
    s = bp.SCHOOL
    assert a["roof_edge"][2] == pytest.approx(bp.ROOF_Z)
    assert s.y0 < a["roof_edge"][1] < s.y0 + 1.0 and abs(a["roof_edge"][0]) < 1
    assert a["roof_door"][2] == pytest.approx(bp.ROOF_Z)
    assert a["campfire"][2] == pytest.approx(bp.ROOF_Z)
    assert a["gate"][1] == pytest.approx(bp.PERIMETER.y0) and abs(a["gate"][0]) < 1
    assert np.allclose(a["field_centre"][:2], 0)
    assert a["hilltop"][2] == pytest.approx(60, abs=5) and a["hilltop"][1] > s.y1 + 200
    assert a["forest_edge"][1] > s.y1 and a["forest_edge"][1] < a["hilltop"][1]
    assert a["construction_site"][0] < bp.TENNIS.x0
    assert a["gym"][0] > bp.FIELD.x1


def test_roof_visible_from_hilltop():
    """Neither the ground nor a tree crown hides the roof from the hilltop (eye 1.6 m up)."""
    a = W.anchors()
    t = W.tree_instances()
    eye = a["hilltop"] + [0, 0, 1.6]
    for x in (bp.SCHOOL.x0 + 6, 0.0, bp.SCHOOL.x1 - 2):
        target = np.array([x, a["roof_edge"][1], bp.ROOF_Z + 1.0])
        s = np.linspace(0.02, 0.98, 400)[:, None]
        p = eye + s * (target - eye)
        assert (p[:, 2] > W.terrain_height(p[:, 0], p[:, 1])).all()
        # trees: crown (radius 2.6 m x scale) whose top is above the line where it passes
        d = target[:2] - eye[:2]
        f = np.clip(((t[:, :2] - eye[:2]) @ d) / (d @ d), 0, 1)
        closest = eye[:2] + f[:, None] * d
        near = np.linalg.norm(t[:, :2] - closest, axis=1) < 2.6 * t[:, 3]
        line_z = eye[2] + f * (target[2] - eye[2])
        top = t[:, 2] + bp.TREE_H * t[:, 3]
        assert not (near & (top > line_z) & (f > 0.01) & (f < 0.99)).any()


# -- walkable map ---------------------------------------------------------------------------
def _walk(wm, level, xy):
    return bool(wm.levels[level].is_walkable(np.atleast_2d(xy))[0])


def test_levels_shape(wm):
    assert list(wm.levels) == ["ground", "floor2", "floor3", "floor4", "roof"]
    for name, lv in wm.levels.items():
        assert lv.walkable.dtype == bool and lv.origin.shape == (2,)
        assert lv.z == pytest.approx(bp.LEVEL_Z[name])
        cc = lv.cell_centres()
        assert cc.shape == lv.walkable.shape + (2,)
        assert np.array_equal(lv.world_to_cell(cc[3:5, 7].reshape(-1, 2)), [[7, 3], [7, 4]])


def test_ground_blocked_and_open(wm):
    g = wm.levels["ground"]
    a = W.anchors()
    for name in ("gate", "field_centre", "school_entrance", "lobby", "forest_edge", "hilltop",
                 "construction_site", "gym", "tennis_courts", "downtown", "stairwell_west"):
        assert _walk(wm, "ground", a[name][:2]), name
    # the building's exterior walls, between openings
    s = bp.SCHOOL
    xs = np.linspace(s.x0 + 0.1, s.x1 - 0.1, 200)
    south = np.stack([xs, np.full_like(xs, s.y0 + bp.EXT_T / 2)], 1)
    doors = (xs > bp.MAIN_DOOR[0]) & (xs < bp.MAIN_DOOR[1])
    assert not g.is_walkable(south[~doors]).any()
    assert g.is_walkable(south[doors & (np.abs(xs) < 1.5)]).all()
    assert not _walk(wm, "ground", bp.GYM.centre)
    # the perimeter wall is closed except at its gates
    p = bp.PERIMETER
    xs = np.arange(p.x0 + 0.25, p.x1, 0.25)
    on_wall = g.is_walkable(np.stack([xs, np.full_like(xs, p.y0)], 1))
    in_gate = (xs > bp.GATE_X[0] + 0.5) & (xs < bp.GATE_X[1] - 0.5)
    off_gate = (xs < bp.GATE_X[0] - 0.5) | (xs > bp.GATE_X[1] + 0.5)
    assert on_wall[in_gate].all() and not on_wall[off_gate].any()
    ys = np.arange(p.y0 + 0.25, p.y1, 0.25)
    assert not g.is_walkable(np.stack([np.full_like(ys, p.x1), ys], 1)).any()
    # walls are at least one cell thick: no diagonal or straight leak through the south wall
    row = g.world_to_cell(np.array([[0.0, p.y0]]))[0, 1]
    blocked = ~g.walkable[row]
    assert blocked.sum() > 0.9 * (p.x1 - p.x0) / g.cell


def test_ground_connectivity(wm):
    a = W.anchors()
    g = wm.levels["ground"]
    reach = g.flood(a["gate"][:2])
    for name in ("school_entrance", "lobby", "forest_edge", "hilltop", "construction_site",
                 "stairwell_west", "stairwell_east", "downtown"):
        c = g.world_to_cell(a[name][None, :2])[0]
        assert reach[c[1], c[0]], name


def test_flood_respects_walls(wm):
    """A classroom on floor 2 is reachable only through its doors: close them and it is cut off."""
    lv = wm.levels["floor2"]
    saved = lv.walkable.copy()
    try:
        lv.walkable[lv.world_to_cell([[0.0, bp.CORRIDOR_WALL_Y]])[0, 1], :] = False
        r = lv.flood((-30.0, 44.0))
        assert not r[lv.world_to_cell([[0.0, 49.5]])[0, 1], lv.world_to_cell([[0.0, 49.5]])[0, 0]]
    finally:
        lv.walkable[:] = saved


def test_links(wm):
    assert len(wm.links) == 7
    for ln in wm.links:
        assert _walk(wm, ln.a, ln.a_xy) and _walk(wm, ln.b, ln.b_xy), ln
        assert bp.LEVELS.index(ln.b) == bp.LEVELS.index(ln.a) + 1
    roof_links = [ln for ln in wm.links if ln.b == "roof"]
    assert len(roof_links) == 1 and bp.STAIR_HOUSE.contains(np.array([roof_links[0].b_xy]))[0]


def test_roof_reachable_from_the_gate_only_through_the_stair_house(wm):
    a = W.anchors()
    reach = wm.reachable("ground", a["gate"][:2])
    roof = wm.levels["roof"]
    for name in ("roof_edge", "roof_door", "campfire"):
        c = roof.world_to_cell(a[name][None, :2])[0]
        assert reach["roof"][c[1], c[0]], name
    # the door is the only way out of the stair-house: shut it and the roof is cut off
    saved = roof.walkable.copy()
    try:
        door = roof.world_to_cell([[bp.STAIR_HOUSE.x1 - 0.15, sum(bp.ROOF_DOOR_Y) / 2]])[0]
        roof.walkable[:, door[0]] = False
        reach = wm.reachable("ground", a["gate"][:2])
        c = roof.world_to_cell(a["roof_edge"][None, :2])[0]
        assert not reach["roof"][c[1], c[0]]
    finally:
        roof.walkable[:] = saved


def test_draw_level(tmp_path, wm):
    from PIL import Image
    for name in ("ground", "roof"):
        p = W.draw_level(wm, name, tmp_path / f"{name}.png")
        im = np.asarray(Image.open(p).convert("L"))
        assert im.shape[0] > 200 and im.std() > 20
