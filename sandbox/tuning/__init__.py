"""Crowd tuning at scale: measure a preset's run, sweep its parameters, calibrate them.

    runner   a run as a picklable spec (preset, --set values, seed, length) -> metrics
    probes   what a run is measured against: places, gate and door lines, density grid
    metrics  counts by kind and state, infections, flows, reach times, density
    report   report folders that appear complete or not at all; JSON and CSV
    plots    the PNGs of a run, a sweep and a tune (matplotlib, Agg)
    parse    --set, --grid, --param and --target expressions, checked against PARAMS
    sweep    every grid combination x seed; the table and its plots
    tune     Optuna study in SQLite (resumable) and the tuned preset
    pool     where runs execute: inline, local processes or a Dask cluster

Joins the crowd with the world (anchors, walkable map, gate and door positions), like
the director; never imports Panda3D.
"""
