"""The core (world, crowd, timeline, director) never loads Panda3D."""

import subprocess
import sys


def test_core_imports_without_panda3d():
    code = ("import sys, sandbox.world, sandbox.crowd, sandbox.timeline, sandbox.director; "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('panda3d', 'direct')); "
            "print(loaded); assert not loaded, loaded")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
