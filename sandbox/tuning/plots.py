"""matplotlib figures (Agg, no window) of a run and of a sweep, written as PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sandbox.crowd.behaviour import KINDS, STATES

_DPI = 110


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path: Path, top: float = 1.0) -> str:
    fig.tight_layout(rect=(0.0, 0.0, 1.0, top))
    fig.savefig(path, dpi=_DPI)
    _plt().close(fig)
    return path.name


def run_plots(stage: Path, m, title: str) -> list[str]:
    """counts.png, infections.png, flow.png, density.png, reach.png; the names written."""
    return [counts_plot(stage / "counts.png", m, title),
            infections_plot(stage / "infections.png", m, title),
            flow_plot(stage / "flow.png", m, title),
            density_plot(stage / "density.png", m, title),
            reach_plot(stage / "reach.png", m, title)]


def counts_plot(path: Path, m, title: str) -> str:
    plt = _plt()
    fig, (a, b) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    for ax, names, table, what in ((a, KINDS, m.kinds, "kind"), (b, STATES, m.states, "state")):
        for k, name in enumerate(names):
            if table[:, k].any():
                ax.plot(m.times, table[:, k], label=name, lw=1.6)
        ax.set_ylabel(f"agents by {what}")
        if what == "kind":  # a few humans beside thousands of zombies: log above 10
            ax.set_yscale("symlog", linthresh=10)
            ax.set_ylim(0, max(int(table.max()), 10) * 1.6)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        ax.grid(alpha=0.3)
    b.set_xlabel("time (s)")
    a.set_title(f"{title}: {m.n} agents (the dead included)")
    return _save(fig, path)


def infections_plot(path: Path, m, title: str) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4))
    humans = m.kinds[0, KINDS.index("human")]
    ax.step(m.times, m.infected, where="post", label="bitten (infected)", color="#c0392b")
    ax.step(m.times, m.turned, where="post", label="turned into zombies", color="#6c3483")
    ax.set_ylim(0, max(humans, int(m.infected.max()), 1) * 1.08)
    ax.axhline(humans, color="grey", ls=":", lw=1, label=f"humans at the start ({humans})")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("agents")
    ax.set_title(f"{title}: infections over time")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def flow_plot(path: Path, m, title: str, bin_s: float = 1.0) -> str:
    """Crossings per second through each line that anyone crossed: in up, out down."""
    plt = _plt()
    starts, fin, fout = m.flow_rate(bin_s)
    used = [k for k in range(len(m.line_names)) if fin[:, k].any() or fout[:, k].any()]
    rows = max(len(used), 1)
    fig, axes = plt.subplots(rows, 1, figsize=(9, 1.2 + 2.2 * rows), sharex=True, squeeze=False)
    for ax, k in zip(axes[:, 0], used):
        ax.bar(starts, fin[:, k] / bin_s, width=bin_s, align="edge", color="#2e86c1", label="in")
        ax.bar(starts, -fout[:, k] / bin_s, width=bin_s, align="edge", color="#e67e22",
               label="out")
        ax.axhline(0, color="black", lw=0.6)
        ax.set_ylabel("agents/s")
        ax.set_title(f"{m.line_names[k]}: {m.flow_in[-1, k]} in, {m.flow_out[-1, k]} out "
                     f"(net {m.flow_in[-1, k] - m.flow_out[-1, k]:+d})", fontsize=9)
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(alpha=0.3)
    if not used:
        axes[0, 0].text(0.5, 0.5, "nobody crossed a gate or door line ("
                        + ", ".join(m.line_names) + ")", ha="center", va="center",
                        transform=axes[0, 0].transAxes)
    axes[-1, 0].set_xlabel("time (s)")
    fig.suptitle(f"{title}: flow through gates and doors (per {bin_s:g} s)", fontsize=10)
    return _save(fig, path, top=1.0 - 0.3 / fig.get_figheight())


def _view(m, margin: float = 12.0) -> tuple[float, float, float, float]:
    """x0, x1, y0, y1 (m) around everywhere agents stood and every place they reached."""
    p = m.probes
    ny, nx = p.shape
    j, i = np.nonzero(m.density > 0)
    pts = [np.column_stack([p.origin[0] + i * p.cell, p.origin[1] + j * p.cell]),
           np.column_stack([p.origin[0] + (i + 1) * p.cell, p.origin[1] + (j + 1) * p.cell])]
    pts += [np.array([xy]) for name, xy in p.places.items() if m.reach.get(name) is not None]
    pts = np.concatenate([q.reshape(-1, 2) for q in pts])
    if not len(pts):
        pts = np.array([p.origin, (p.origin[0] + nx * p.cell, p.origin[1] + ny * p.cell)])
    lo, hi = pts.min(axis=0) - margin, pts.max(axis=0) + margin
    gx0, gy0 = p.origin
    gx1, gy1 = gx0 + nx * p.cell, gy0 + ny * p.cell
    return max(lo[0], gx0), min(hi[0], gx1), max(lo[1], gy0), min(hi[1], gy1)


def density_plot(path: Path, m, title: str) -> str:
    """Mean density over the main level's walkable map (grey: walkable light, blocked
    dark), with its lines and places, cropped to where agents went."""
    plt = _plt()
    from matplotlib.colors import LogNorm

    p = m.probes
    x0, x1, y0, y1 = _view(m)
    aspect = (y1 - y0) / max(x1 - x0, 1e-9)
    fig, ax = plt.subplots(figsize=(10, min(14.0, max(4.0, 8.5 * aspect + 1.0))))
    if p.walkable is not None:
        wy, wx = p.walkable.shape
        ax.imshow(np.where(p.walkable, 0.9, 0.25), origin="lower", cmap="gray", vmin=0, vmax=1,
                  extent=(p.walk_origin[0], p.walk_origin[0] + wx * p.walk_cell,
                          p.walk_origin[1], p.walk_origin[1] + wy * p.walk_cell),
                  interpolation="nearest")
    ny, nx = p.shape
    d = np.ma.masked_less_equal(m.density, 0.0)
    if d.count():
        lo = max(float(d.min()), float(d.max()) * 1e-3)
        im = ax.imshow(d, origin="lower", cmap="YlOrRd", alpha=0.9, interpolation="nearest",
                       norm=LogNorm(vmin=lo, vmax=float(d.max())),
                       extent=(p.origin[0], p.origin[0] + nx * p.cell,
                               p.origin[1], p.origin[1] + ny * p.cell))
        fig.colorbar(im, ax=ax, shrink=0.8, label=f"mean agents/m² ({p.cell:g} m cells, log)")
    for name, (a, b) in p.lines.items():
        if p.line_level.get(name, 0):
            continue
        ax.plot([a[0], b[0]], [a[1], b[1]], color="#00c0ff", lw=2.5)
        ax.annotate(name, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), xytext=(3, -10),
                    textcoords="offset points", fontsize=7, color="#005f80",
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.6))
    spots: dict[tuple, list[str]] = {}  # places at one point share a label ("goal = gate")
    for name, (x, y) in p.places.items():
        if x0 <= x <= x1 and y0 <= y <= y1 and not p.place_level.get(name, 0):
            spots.setdefault((round(x, 1), round(y, 1)), []).append(name)
    for (x, y), names in spots.items():
        ax.plot(x, y, "o", ms=4, mfc="#2ecc71", mec="black", mew=0.5)
        ax.annotate(" = ".join(names), (x, y), xytext=(3, 3), textcoords="offset points",
                    fontsize=7, bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none",
                                          alpha=0.6))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m, east)")
    ax.set_ylabel("y (m, north)")
    on = f" on {p.level_names[0]}" if len(p.level_names) > 1 else ""
    ax.set_title(f"{title}: density{on} (peak {m.peak_density:.2f} agents/m²); "
                 "blue: flow lines", fontsize=10)
    return _save(fig, path)


def reach_plot(path: Path, m, title: str) -> str:
    plt = _plt()
    items = sorted(m.reach.items(), key=lambda kv: (kv[1] is None, kv[1] or 0.0, kv[0]))
    fig, ax = plt.subplots(figsize=(9, 1.5 + 0.28 * max(len(items), 1)))
    end = float(m.times[-1])
    lv = m.probes.level_names
    names = [f"{k} ({lv[m.probes.place_level.get(k, 0)]})" if len(lv) > 1 else k
             for k, _ in items]
    for y, (name, t) in enumerate(items):
        if t is None:
            ax.text(end * 0.01, y, f"not reached in {end:g} s", va="center", fontsize=8,
                    color="grey")
        else:
            ax.barh(y, t, color="#8e44ad", height=0.6)
            ax.text(t, y, f" {t:.2f} s", va="center", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, end * 1.12)
    ax.set_xlabel("time (s)")
    ax.set_title(f"{title}: first zombie within {m.probes.reach_radius:g} m of each place"
                 + (" (on its level)" if len(lv) > 1 else ""),
                 fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def spread(rows: list[dict], param: str, metric: str) -> tuple[np.ndarray, ...]:
    """(x, median, min, max, runs with a value, runs) of `metric` over the rows at each
    value x of `param`, from the runs where it has a value (a place never reached has
    none); x sorted, (k,) each."""
    out = []
    for x in sorted({r["params"][param] for r in rows}):
        v = np.array([r["metrics"].get(metric) for r in rows if r["params"][param] == x],
                     dtype=float)
        ok = v[np.isfinite(v)]
        if len(ok):
            out.append((x, np.median(ok), ok.min(), ok.max(), len(ok), len(v)))
    return tuple(np.array(c, dtype=float) for c in zip(*out)) if out else (np.zeros(0),) * 6


def sweep_plot(path: Path, param: str, others: list[str], rows: list[dict],
               metrics: list[str], title: str) -> str:
    """Each metric against `param`: median over seeds, band from min to max over seeds; one
    line per combination of the `others` swept parameters (at most 6, else pooled)."""
    plt = _plt()
    groups: dict[tuple, list[dict]] = {}
    combos = {tuple(r["params"][o] for o in others) for r in rows}
    split = others if 1 < len(combos) <= 6 else []
    for r in rows:
        groups.setdefault(tuple(r["params"][o] for o in split), []).append(r)
    cols = min(3, len(metrics))
    nrows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4.2 * cols, 3.2 * nrows), squeeze=False)
    values = sorted({r["params"][param] for r in rows})
    pad = 0.05 * (values[-1] - values[0] or 1.0)
    xlim = (values[0] - pad, values[-1] + pad)
    for ax, metric in zip(axes.ravel(), metrics):
        never = False
        for key, grp in sorted(groups.items()):
            xok, med, lo, hi, got, runs = spread(grp, param, metric)
            label = ", ".join(f"{o}={k:g}" for o, k in zip(split, key)) or None
            line, = ax.plot(xok, med, "o-", ms=3.5, label=label)
            ax.fill_between(xok, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
            for x, y, g, n in zip(xok, med, got, runs):
                if g < n:  # e.g. a place reached in only some runs: say how many
                    ax.annotate(f"{g:.0f}/{n:.0f}", (x, y), xytext=(3, 3), fontsize=7,
                                textcoords="offset points", color=line.get_color())
            for x in sorted({r["params"][param] for r in grp} - set(xok)):
                ax.plot(x, 0.04, "x", color=line.get_color(), transform=ax.get_xaxis_transform())
                never = True
        ax.set_xlim(*xlim)
        ax.set_title(metric + ("  (x: in no run)" if never else ""), fontsize=9)
        ax.set_xlabel(param, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if split and metric == metrics[0]:
            ax.legend(fontsize=6)
    for ax in axes.ravel()[len(metrics):]:
        ax.axis("off")
    fig.suptitle(f"{title}: median over seeds, band = min to max; k/n: the metric happened in "
                 "only k of n runs", fontsize=10)
    return _save(fig, path, top=1.0 - 0.35 / fig.get_figheight())


def tune_plot(path: Path, rows: list[list], job, title: str) -> str:
    """Loss per trial (log) with the best so far, then each target's median per trial with
    its wanted value and tolerance band. rows: [trial, loss, *values, *target medians]."""
    plt = _plt()
    rows = sorted(rows)
    n_t = len(job.targets)
    fig, axes = plt.subplots(1 + n_t, 1, figsize=(9, 2.6 * (1 + n_t)), sharex=True,
                             squeeze=False)
    trial = np.array([r[0] for r in rows])
    loss = np.array([r[1] for r in rows], dtype=float)
    ax = axes[0, 0]
    ax.semilogy(trial, np.maximum(loss, 1e-6), "o", ms=3, color="grey", label="trial")
    ax.semilogy(trial, np.maximum(np.minimum.accumulate(loss), 1e-6), color="#c0392b",
                label="best so far")
    ax.axhline(n_t, color="#27ae60", ls=":", label="every target at its tolerance")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    first = len(rows[0]) - n_t if rows else 0
    for k, t in enumerate(job.targets):
        ax = axes[1 + k, 0]
        got = np.array([r[first + k] for r in rows], dtype=float)
        ax.plot(trial, got, "o", ms=3, color="#2e86c1")
        ax.axhspan(t.value - t.tol, t.value + t.tol, color="#27ae60", alpha=0.2)
        ax.axhline(t.value, color="#27ae60")
        ax.set_ylabel(t.metric, fontsize=8)
        never = f"; never reached counts as {job.never:g} s" if t.metric.startswith("reach(") else ""
        ax.set_title(f"{t.text}  (median over seeds{never})", fontsize=9)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("trial")
    axes[0, 0].set_title(f"{title} tune: loss = sum of (miss / tolerance)²", fontsize=10)
    return _save(fig, path)
