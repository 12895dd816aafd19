"""The video writer: decodable H.264 with the right frame count, and atomic output."""

import numpy as np
import pytest

from sandbox.render.video import VideoWriter, probe


def frames(n, w=96, h=64):
    yy, xx = np.mgrid[0:h, 0:w]
    for i in range(n):
        yield np.stack([(xx * 2 + i * 8) % 256, yy * 3 % 256, np.full_like(xx, i * 10)], -1).astype(np.uint8)


def test_writes_decodable_h264(tmp_path):
    out = tmp_path / "v.mp4"
    with VideoWriter(out, (96, 64), fps=12) as video:
        for f in frames(18):
            video.write(f)
    info = probe(out)
    assert info == {"frames": 18, "width": 96, "height": 64, "fps": 12.0,
                    "codec": "h264", "pix_fmt": "yuv420p"}
    assert list(tmp_path.iterdir()) == [out]


def test_interrupted_write_leaves_nothing(tmp_path):
    out = tmp_path / "v.mp4"
    out.write_bytes(b"previous")
    with pytest.raises(KeyboardInterrupt):
        with VideoWriter(out, (96, 64), fps=12) as video:
            for i, f in enumerate(frames(10)):
                video.write(f)
                if i == 5:
                    raise KeyboardInterrupt
    assert out.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [out]
