"""The explorer in a real window (pandagl) on an X server (Xvfb), driven through the
window's own input device, so key presses take the path a keyboard's do: X window ->
Panda3D's data graph -> button thrower -> the explorer's bindings.

CI installs xvfb (.ci/run); there this test fails, never skips, without it."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

SCENES = Path(__file__).parent / "scenes"

DRIVE = r'''
import json, sys
from pathlib import Path
import numpy as np
from panda3d.core import KeyboardButton
from sandbox.timeline import load_scene
from sandbox.explore.app import Explorer

work = Path(sys.argv[1])
ex = Explorer(load_scene(work / "gate_view.toml"), (320, 180), headless=False,
              out_dir=work / "out")
keys = ex.base.win.get_input_device(0)
out = {"pipe": ex.base.pipe.get_type().get_name(), "offscreen": not ex.base.win.is_of_type(
    __import__("panda3d.core", fromlist=["GraphicsWindow"]).GraphicsWindow)}
for _ in range(3):
    ex.step()
p0, fwd = ex.session.camera.pos.copy(), ex.session.camera.basis()[0]
keys.button_down(KeyboardButton.ascii_key("w"))
for _ in range(5):
    ex.step(0.1)
keys.button_up(KeyboardButton.ascii_key("w"))
ex.step(0.1)
out["moved"] = float(np.dot(ex.session.camera.pos - p0, fwd))
keys.button_down(KeyboardButton.f12())
keys.button_up(KeyboardButton.f12())
ex.step()
out["message"] = ex.session.message
from panda3d.core import WindowProperties
x1 = ex.timebar.x1
props = WindowProperties()
props.set_size(400, 180)
ex.base.win.request_properties(props)
for _ in range(5):
    ex.step()
out["resized"] = [ex.base.win.get_x_size(), x1, ex.timebar.x1, ex.base.get_aspect_ratio()]
print("RESULT " + json.dumps(out))
'''


def _xvfb_display():
    """Start Xvfb on a free display; (process, ':N'), or None where Xvfb is missing."""
    if shutil.which("Xvfb") is None:
        return None
    for n in range(91, 120):
        if Path(f"/tmp/.X{n}-lock").exists():
            continue
        proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "640x480x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                return proc, f":{n}"
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        proc.kill()
    raise RuntimeError("Xvfb would not start on any display :91 to :119")


def test_real_window_under_xvfb_flies_and_screenshots(tmp_path):
    started = _xvfb_display()
    if started is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Xvfb is missing on CI: .ci/run must install xvfb")
        pytest.skip("Xvfb is not installed (apt-get install -y xvfb)")
    proc, display = started
    try:
        shutil.copy(SCENES / "gate_view.toml", tmp_path)
        env = {**os.environ, "DISPLAY": display}
        run = subprocess.run([sys.executable, "-c", DRIVE, str(tmp_path)], capture_output=True,
                             text=True, timeout=300, env=env)
    finally:
        proc.terminate()   # SIGTERM: Xvfb removes its lock and socket (SIGKILL leaks the display)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stdout[-3000:] + run.stderr[-3000:]
    out = json.loads(lines[-1][7:])
    assert out["pipe"] == "glxGraphicsPipe" and not out["offscreen"]
    assert out["moved"] == pytest.approx(12.0 * 0.5, rel=1e-6)   # W held for 0.5 s at 12 m/s
    assert out["message"].startswith("screenshot ")
    width, x1_before, x1_after, aspect = out["resized"]
    assert width == 400 and x1_after > x1_before                # the bar spans the new width
    assert x1_after == pytest.approx(aspect - 0.08)
    img = np.asarray(Image.open(out["message"].split(" ", 1)[1]).convert("RGB"), float)
    assert img.shape == (180, 320, 3)
    assert img.std() > 10 and img.mean() > 20                 # not blank
    assert (img[:36, :100].mean(axis=2) > 200).mean() > 0.005  # the HUD's text
