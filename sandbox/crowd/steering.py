"""Steering kernels: preferred velocity -> bounded, collision-avoiding velocity -> motion.

Two phases per step, both numba loops over structure-of-arrays state:

1. `compute_velocities` reads one snapshot (positions, velocities) and writes every
   agent's new velocity into a fresh array: drive toward the preferred velocity that
   behaviour picked (`behaviour.decide`),
   separation from neighbours (symmetric pair forces), a time-to-collision
   anticipation term, and a push off nearby walls (never against the flow);
   acceleration and speed bounded.
2. `integrate` moves every agent with its new velocity and enforces the hard
   constraint (an agent centre never enters a blocked cell: resolve per axis,
   sliding along the free axis, else stay), then advances heading and gait phase.

No agent reads another's updated state, so agent order cannot change the result, and
both kernels split the agents over numba's threads (`prange`; NUMBA_NUM_THREADS sets how
many): each thread writes only its own agents, so the thread count never changes a bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .grid import cell_walkable, sample_bilinear

# Layout of the packed parameter vector handed to the kernels.
K_RADIUS, K_MAX_SPEED, K_MAX_ACCEL, K_RELAX, K_SEP_STRENGTH, K_SEP_RANGE, \
    K_ANT_TIME, K_ANT_STRENGTH, K_WALL_MARGIN, K_WALL_STRENGTH, \
    K_DT, K_REACH, K_HEADWAY = range(13)
N_K = 13


def pack_params(p, dt: float, reach: float) -> np.ndarray:
    """(N_K,) float64 kernel constants from a crowd ParamSet, time step `dt` (s) and
    neighbour reach `reach` (m, the spatial-grid bucket size)."""
    k = np.zeros(N_K, dtype=np.float64)
    k[K_RADIUS] = p["radius"]
    k[K_MAX_SPEED] = p["max_speed"]
    k[K_MAX_ACCEL] = p["max_accel"]
    k[K_RELAX] = p["relax_time"]
    k[K_SEP_STRENGTH] = p["separation_strength"]
    k[K_SEP_RANGE] = p["separation_range"]
    k[K_ANT_TIME] = p["anticipation_time"]
    k[K_ANT_STRENGTH] = p["anticipation_strength"]
    k[K_WALL_MARGIN] = p["wall_margin"]
    k[K_WALL_STRENGTH] = p["wall_strength"]
    k[K_DT] = dt
    k[K_REACH] = reach
    k[K_HEADWAY] = p["headway_time"]
    return k


@njit(cache=True, parallel=True, nogil=True)
def compute_velocities(pos, vel, pv, solid, press, order, start, gox, goy, gsize, gnx, gny,
                       walk, ox, oy, cell, sdf, wgx, wgy, k, out):
    """Phase 1: new velocities (n, 2) float64 m/s into `out` from the snapshot pos, vel.

    pv (n, 2) m/s: preferred velocities. solid (n,) bool: bodies others push against and
    that move (the dead lie still and are stepped over). press (n,) bool: agents that
    push on into the bodies in their way (fleeing, scattered by a blast); the others
    slow to what the way ahead allows (headway), so a jam packs instead of compressing.
    order/start: spatial-grid sort
    (see neighbours.SpatialGrid). sdf, wgx, wgy: wall signed distance and gradient.
    """
    n = pos.shape[0]
    ny, nx = walk.shape
    r = k[K_RADIUS]
    max_speed = k[K_MAX_SPEED]
    max_accel = k[K_MAX_ACCEL]
    relax = k[K_RELAX]
    sep_s = k[K_SEP_STRENGTH]
    sep_r = k[K_SEP_RANGE]
    ant_t = k[K_ANT_TIME]
    ant_s = k[K_ANT_STRENGTH]
    margin = k[K_WALL_MARGIN]
    wall_s = k[K_WALL_STRENGTH]
    dt = k[K_DT]
    reach = k[K_REACH]
    headway = k[K_HEADWAY]
    reach2 = reach * reach
    contact = 2.0 * r
    sep_scale = max(sep_r, 0.05)
    margin_scale = max(margin, 0.05)
    for a in prange(n):
        if not solid[a]:
            out[a, 0] = 0.0
            out[a, 1] = 0.0
            continue
        px = pos[a, 0]
        py = pos[a, 1]
        vx = vel[a, 0]
        vy = vel[a, 1]
        ax = 0.0
        ay = 0.0
        ux = pv[a, 0]
        uy = pv[a, 1]
        un = np.sqrt(ux * ux + uy * uy)
        if un > 1e-9:
            ux /= un
            uy /= un
        # fastest speed the way ahead allows: a body in the path, not coming the other
        # way, lets the agent go at its own speed along the path plus the gap / headway
        allowed = un
        # -- neighbours in the 3x3 buckets around the agent
        bx = min(max(int(np.floor((px - gox) / gsize)), 0), gnx - 1)
        by = min(max(int(np.floor((py - goy) / gsize)), 0), gny - 1)
        for qy in range(max(by - 1, 0), min(by + 2, gny)):
            for qx in range(max(bx - 1, 0), min(bx + 2, gnx)):
                b = qy * gnx + qx
                s0 = start[b]
                s1 = start[b + 1]
                # a bucket's agents run in increasing x: in the column left of the
                # agent's skip those whose dx alone puts them out of reach, in the
                # column to the right stop before the first such (the range test
                # below, d2 = dx*dx + dy*dy >= reach2, would skip them all: the same
                # floating-point numbers, so the sum is unchanged bit for bit)
                if qx < bx:
                    while s0 < s1:
                        dx = px - pos[order[s0], 0]
                        if dx * dx < reach2:
                            break
                        s0 += 1
                elif qx > bx:
                    while s1 > s0:
                        dx = px - pos[order[s1 - 1], 0]
                        if dx * dx < reach2:
                            break
                        s1 -= 1
                for s in range(s0, s1):
                    o = order[s]
                    if o == a or not solid[o]:
                        continue
                    dx = px - pos[o, 0]
                    dy = py - pos[o, 1]
                    d2 = dx * dx + dy * dy
                    if d2 >= reach2:
                        continue
                    if d2 < 1e-18:
                        # coincident: split them along x by id (only case where id matters)
                        ax += sep_s if a < o else -sep_s
                        continue
                    d = np.sqrt(d2)
                    nxd = dx / d
                    nyd = dy / d
                    gap = d - contact
                    if headway > 0.0 and un > 1e-9 and not press[a]:
                        ahead = -(dx * ux + dy * uy)
                        side = dx * uy - dy * ux
                        if ahead > 0.0 and side * side < contact * contact:
                            lead = vel[o, 0] * ux + vel[o, 1] * uy
                            if lead > -0.5 * un:
                                v_ok = max(lead, 0.0) + max(gap, 0.0) / headway
                                if v_ok < allowed:
                                    allowed = v_ok
                    if gap < sep_r:
                        f = sep_s * (sep_r - gap) / sep_scale
                        ax += f * nxd
                        ay += f * nyd
                    if ant_t > 0.0 and ant_s > 0.0:
                        dvx = vx - vel[o, 0]
                        dvy = vy - vel[o, 1]
                        dv2 = dvx * dvx + dvy * dvy
                        closing = dx * dvx + dy * dvy
                        if dv2 > 1e-12 and closing < 0.0:
                            tc = -closing / dv2
                            if tc < ant_t:
                                qx2 = dx + dvx * tc
                                qy2 = dy + dvy * tc
                                qd = np.sqrt(qx2 * qx2 + qy2 * qy2)
                                if qd < contact + sep_r:
                                    f = ant_s * (1.0 - tc / ant_t)
                                    if qd > 1e-9:
                                        ax += f * qx2 / qd
                                        ay += f * qy2 / qd
                                    else:
                                        ax += f * nxd
                                        ay += f * nyd
        # -- drive: relax toward the preferred velocity, no faster than the way ahead allows
        scale = allowed / un if un > 1e-9 else 1.0
        ax += (pv[a, 0] * scale - vx) / relax
        ay += (pv[a, 1] * scale - vy) / relax
        # -- walls: push out along the wall-distance gradient (bilinear sdf differs from
        # the nearest cell's value by less than a cell: skip the sampling when far)
        ci = min(max(int((px - ox) / cell), 0), nx - 1)
        cj = min(max(int((py - oy) / cell), 0), ny - 1)
        clear = sdf[cj, ci] - r
        if clear < margin + cell:
            clear = sample_bilinear(sdf, ox, oy, cell, px, py) - r
        if clear < margin:
            gx = sample_bilinear(wgx, ox, oy, cell, px, py)
            gy = sample_bilinear(wgy, ox, oy, cell, px, py)
            gn = np.sqrt(gx * gx + gy * gy)
            if gn > 1e-9:
                gx /= gn
                gy /= gn
                # never push back against the flow: in a narrow door the field dips
                # on both sides and would otherwise hold agents at the entrance; the
                # hard constraint keeps them out of the wall anyway
                along = gx * ux + gy * uy
                if along < 0.0:
                    gx -= along * ux
                    gy -= along * uy
                f = wall_s * (margin - clear) / margin_scale
                ax += f * gx
                ay += f * gy
        # -- bounds
        an = np.sqrt(ax * ax + ay * ay)
        if an > max_accel:
            ax *= max_accel / an
            ay *= max_accel / an
        nvx = vx + ax * dt
        nvy = vy + ay * dt
        sn = np.sqrt(nvx * nvx + nvy * nvy)
        if sn > max_speed:
            nvx *= max_speed / sn
            nvy *= max_speed / sn
        out[a, 0] = nvx
        out[a, 1] = nvy


@njit(cache=True)
def _free(walk, ox, oy, cell, px, py, tx, ty):
    """Whether a short move (at most one cell per axis) from (px, py) to (tx, ty) is free:
    the target cell is walkable and, when the move changes both cell indices, it does not
    squeeze between two blocked cells that touch at a corner."""
    if not cell_walkable(walk, ox, oy, cell, tx, ty):
        return False
    if int(np.floor((tx - ox) / cell)) != int(np.floor((px - ox) / cell)) and \
            int(np.floor((ty - oy) / cell)) != int(np.floor((py - oy) / cell)):
        return cell_walkable(walk, ox, oy, cell, tx, py) or \
            cell_walkable(walk, ox, oy, cell, px, ty)
    return True


@njit(cache=True, parallel=True, nogil=True)
def integrate(pos, vel, heading, phase, walk, ox, oy, cell, dt, heading_alpha, stride):
    """Phase 2, in place: move by vel*dt keeping every centre in a walkable cell.

    The move is cut into sub-moves of at most half a cell, so fast agents or long steps
    cannot tunnel through thin walls. A sub-move into a blocked cell is resolved per
    axis: keep the axis with the larger displacement if that is free, else the other,
    else stay; the blocked velocity component is zeroed (sliding). Then heading
    (radians CCW from +X) turns toward the velocity direction by `heading_alpha`
    (0..1), scaled down below 1 m/s, and the gait phase (cycles in [0, 1)) advances by distance moved / `stride` m.
    """
    n = pos.shape[0]
    half = 0.5 * cell
    for a in prange(n):
        px0 = pos[a, 0]
        py0 = pos[a, 1]
        px = px0
        py = py0
        vx = vel[a, 0]
        vy = vel[a, 1]
        reach = max(abs(vx), abs(vy)) * dt
        m = 1
        if reach > half:
            m = int(np.ceil(reach / half))
        h = dt / m
        for _ in range(m):
            tx = px + vx * h
            ty = py + vy * h
            if not _free(walk, ox, oy, cell, px, py, tx, ty):
                x_ok = _free(walk, ox, oy, cell, px, py, tx, py)
                y_ok = _free(walk, ox, oy, cell, px, py, px, ty)
                if x_ok and (abs(vx) >= abs(vy) or not y_ok):
                    ty = py
                    vy = 0.0
                elif y_ok:
                    tx = px
                    vx = 0.0
                else:
                    tx = px
                    ty = py
                    vx = 0.0
                    vy = 0.0
            px = tx
            py = ty
        mx = px - px0
        my = py - py0
        pos[a, 0] = px
        pos[a, 1] = py
        vel[a, 0] = vx
        vel[a, 1] = vy
        moved = np.sqrt(mx * mx + my * my)
        ph = phase[a] + moved / stride
        phase[a] = ph - np.floor(ph)
        sp = np.sqrt(vx * vx + vy * vy)
        if sp > 0.05:
            target = np.arctan2(vy, vx)
            hd = heading[a]
            diff = target - hd
            diff = (diff + np.pi) % (2.0 * np.pi) - np.pi
            # slow agents (a jam's shuffling) turn less, so their headings do not flicker
            hd = hd + diff * heading_alpha * min(1.0, sp)
            heading[a] = (hd + np.pi) % (2.0 * np.pi) - np.pi
