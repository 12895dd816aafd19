"""Where the repository's data lives: models, shaders and scenes are loaded by path."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
SHADERS = ROOT / "shaders"
SCENES = ROOT / "scenes"
CROWD_PRESETS = SCENES / "crowd"
OUT = Path("out")
