"""H.264 video out through PyAV (FFmpeg in-process), written atomically.

Frames go straight from numpy to the encoder; nothing touches disk but the
video. The file is written under a temporary name beside the target and moved
into place only when the encoder has flushed, so an interrupted render never
leaves a truncated file at the output path.
"""

from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


class VideoWriter:
    """`with VideoWriter(path, (w, h), fps) as v: v.write(rgb)` for (h, w, 3) uint8 frames."""

    def __init__(self, path: str | Path, size: tuple[int, int], fps: int,
                 crf: int = 20, preset: str = "veryfast"):
        self.path = Path(path)
        self.size, self.fps = size, fps
        self.frames = 0
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".part.mp4",
                                   dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        self._container = av.open(str(self.tmp), mode="w", format="mp4")
        stream = self._container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": preset}
        self._stream = stream

    def write(self, rgb: np.ndarray) -> None:
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts = self.frames
        frame.time_base = Fraction(1, self.fps)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and move the finished file into place."""
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Drop the partial file; the output path is left as it was."""
        try:
            self._container.close()
        except Exception:  # the container may be half-written; it is deleted anyway
            pass
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def probe(path: str | Path) -> dict:
    """Decode a video fully: frame count, size, frame rate and pixel format, for checks."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return {"frames": frames, "width": stream.codec_context.width,
                "height": stream.codec_context.height, "fps": float(stream.average_rate),
                "codec": stream.codec_context.name, "pix_fmt": stream.codec_context.pix_fmt}
