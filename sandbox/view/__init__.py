"""The thin Panda3D view: the only package that imports panda3d.

Modules: `app` (headless ShowBase), `geom` (trimesh -> Geom from numpy),
`shaders` (GLSL loading with #defines), `lighting` (time-of-day presets),
`stage` (world scene graph, sky, trees, camera), `horde` (instanced crowd).
Import submodules directly; this package imports nothing eagerly.
"""
