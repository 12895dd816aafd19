"""The video writer: decodable H.264 with the right frame count in the right order,
atomic output, and errors of the encoder thread raised in the caller."""

import os
import traceback

import av
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
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask   # like any new file, not 0600


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


def test_frames_are_encoded_in_order(tmp_path):
    out = tmp_path / "v.mp4"
    colours = [(255, 0, 0), (0, 0, 255), (255, 255, 255), (0, 255, 0),
               (0, 0, 0), (255, 255, 0), (0, 255, 255), (255, 0, 255)]
    with VideoWriter(out, (32, 32), fps=12) as video:
        for c in colours:
            video.write(np.full((32, 32, 3), c, np.uint8))
    with av.open(str(out)) as container:
        got = [f.to_ndarray(format="rgb24").reshape(-1, 3).mean(0)
               for f in container.decode(video=0)]
    assert len(got) == len(colours)
    assert np.abs(np.array(got) - colours).max() < 16


@pytest.mark.parametrize("good_after", [40, 0])
def test_encoder_error_surfaces_in_the_caller(tmp_path, good_after):
    """A frame the worker cannot encode: its error is raised at a later write (the
    writes go on, so none may block) or, if it was the last frame, in close."""
    out = tmp_path / "v.mp4"
    rgba = np.zeros((64, 96, 4), np.uint8)
    with pytest.raises(ValueError) as err:
        with VideoWriter(out, (96, 64), fps=12) as video:
            for f in [*frames(3), rgba, *frames(good_after)]:
                video.write(f)
    raised_in = "write" if good_after else "close"
    names = [f.name for f in traceback.extract_tb(err.value.__traceback__)]
    assert raised_in in names and "_encode" in names   # the worker's own exception
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("codec, suffix, name, pix_fmt", [
    ("h265", ".mp4", "hevc", "yuv420p"), ("prores", ".mov", "prores", "yuv422p10le")])
def test_other_codecs_decode(tmp_path, codec, suffix, name, pix_fmt):
    out = tmp_path / f"v{suffix}"
    with VideoWriter(out, (96, 64), fps=12, codec=codec, quality="draft") as video:
        for f in frames(7):
            video.write(f)
    assert probe(out) == {"frames": 7, "width": 96, "height": 64, "fps": 12.0,
                          "codec": name, "pix_fmt": pix_fmt}
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("codec, crf, name, words", [
    ("prores", None, "v.mp4", ("prores", ".mov", "v.mp4")),
    ("prores", 20, "v.mov", ("--crf", "prores")),
    ("h264", 52, "v.mp4", ("--crf 52", "0 to 51"))])
def test_mismatched_output_refused_before_writing(tmp_path, codec, crf, name, words):
    with pytest.raises(ValueError) as err:
        VideoWriter(tmp_path / name, (96, 64), fps=12, codec=codec, crf=crf)
    assert all(w in str(err.value) for w in words)
    assert not list(tmp_path.iterdir())


def test_null_sink_encodes_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with VideoWriter(None, (96, 64), fps=12) as video:
        for f in frames(5):
            video.write(f)
    assert video.frames == 5 and not list(tmp_path.iterdir())
