"""Hyosan sandbox: Hyosan High School, its zombie hordes and the finale's scripted sequences.

The core (`world`, `crowd`, `timeline`) is pure numpy and never imports Panda3D;
`view`, `render` and `explore` are the thin Panda3D side.
"""

__version__ = "0.1.0"
