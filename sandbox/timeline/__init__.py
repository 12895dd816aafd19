"""Scene files, curves and camera rigs on a seekable timeline (pure Python + numpy)."""

from sandbox.timeline.scene import Scene, load_scene
from sandbox.timeline.sequence import CameraPose, FrameSpec, Sequence

__all__ = ["CameraPose", "FrameSpec", "Scene", "Sequence", "load_scene"]
