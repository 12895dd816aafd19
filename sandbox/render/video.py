"""Video out through PyAV (FFmpeg in-process), written atomically.

Frames go straight from numpy to the encoder; nothing touches disk but the
video. The encoder runs on a worker thread, so it works on one frame while the
caller renders the next (PyAV lets go of the GIL while it encodes); a queue of
two frames bounds the memory, and an error in the worker is raised in the
caller at its next `write()` or in `close()`. The file is written under a
temporary name beside the target and moved into place only when the encoder has
flushed, so an interrupted render never leaves a truncated file at the output
path. With no path the packets go to FFmpeg's null muxer, so a benchmark pays
the real encode cost and writes nothing."""

from __future__ import annotations

import io
import os
import queue
import tempfile
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


@dataclass(frozen=True)
class Codec:
    """How one `--codec` choice is encoded: FFmpeg encoder, pixel format, container suffixes
    (the first is the default), CRF default (None: the encoder has no CRF) and the speed
    setting per quality (x264/x265 preset, or prores_ks profile)."""

    encoder: str
    pix_fmt: str
    suffixes: tuple[str, ...]
    crf: int | None
    speed: dict[str, str]

    def options(self, quality: str, crf: int | None) -> dict[str, str]:
        if self.crf is None:
            return {"profile": self.speed[quality]}
        opts = {"crf": str(self.crf if crf is None else crf), "preset": self.speed[quality]}
        if self.encoder == "libx265":
            opts["x265-params"] = "log-level=error"  # x265 prints its banner straight to stderr
        elif quality == "final":
            opts["x264-params"] = _X264_FINAL
        return opts


_X26X_SPEED = {"final": "veryfast", "draft": "ultrafast"}
# x264's veryfast with superfast's sub-pixel refinement (subme 1 for 2): on finale frames
# at 1280x720, CRF 20, a third less encoder CPU (9-16 ms a frame, of the 250-300 ms a
# final frame costs both cores) for files 3-6% larger and 0.2-0.5 dB less PSNR, at 44-48 dB.
_X264_FINAL = "subme=1"
CODECS = {
    "h264": Codec("libx264", "yuv420p", (".mp4", ".mov", ".mkv"), 20, _X26X_SPEED),
    "h265": Codec("libx265", "yuv420p", (".mp4", ".mov", ".mkv"), 24, _X26X_SPEED),
    # ProRes lives in QuickTime: MP4 players do not take it. Profile 3 = HQ, 0 = proxy.
    "prores": Codec("prores_ks", "yuv422p10le", (".mov",), None, {"final": "3", "draft": "0"}),
}
CRF_RANGE = (0, 51)  # x264 and x265, 8-bit


def check_output(codec: str, crf: int | None, path: Path | None) -> None:
    """ValueError naming the problem if `codec`, `crf` and the output's suffix do not go
    together, or this FFmpeg build lacks the encoder; checked before anything is opened."""
    spec = CODECS[codec]
    if spec.encoder not in av.codecs_available:
        raise ValueError(f"--codec {codec}: this FFmpeg build (PyAV {av.__version__}) has no "
                         f"{spec.encoder} encoder")
    if crf is not None:
        if spec.crf is None:
            raise ValueError(f"--crf does not apply to --codec {codec} (its quality is set "
                             f"by --quality)")
        if not CRF_RANGE[0] <= crf <= CRF_RANGE[1]:
            raise ValueError(f"--crf {crf} is outside {CRF_RANGE[0]} to {CRF_RANGE[1]}")
    if path is not None and path.suffix.lower() not in spec.suffixes:
        raise ValueError(f"--codec {codec} writes {' or '.join(spec.suffixes)} files, "
                         f"not {path.name!r}")


_END = object()   # put on the queue after the last frame


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class VideoWriter:
    """`with VideoWriter(path, (w, h), fps) as v: v.write(rgb)` for (h, w, 3) uint8 frames.

    `path=None` encodes into the null muxer (benchmarks). `codec` is a key of CODECS,
    `quality` "final" or "draft" (encoder speed), `crf` overrides the codec's default.
    Frames are encoded on the thread "hyosan-encode", in the order they were written."""

    def __init__(self, path: str | Path | None, size: tuple[int, int], fps: int,
                 codec: str = "h264", quality: str = "final", crf: int | None = None):
        spec = CODECS[codec]
        self.path = None if path is None else Path(path)
        self.size, self.fps = size, fps
        self.frames = 0
        self.tmp = None
        if self.path is None:
            self._container = av.open(io.BytesIO(), mode="w", format="null")
        else:
            check_output(codec, crf, self.path)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.",
                                       suffix=f".part{self.path.suffix}", dir=self.path.parent)
            os.close(fd)
            self.tmp = Path(tmp)
            os.chmod(self.tmp, 0o666 & ~_umask())   # as a plain new file, not mkstemp's 0600
            fmt = "mov" if self.path.suffix.lower() == ".mov" else None
            try:
                self._container = av.open(str(self.tmp), mode="w", format=fmt)
            except BaseException:
                self.tmp.unlink(missing_ok=True)
                raise
        stream = self._container.add_stream(spec.encoder, rate=Fraction(fps))
        stream.width, stream.height = size
        stream.pix_fmt = spec.pix_fmt
        stream.options = spec.options(quality, crf)
        self._stream = stream
        self._time_base = Fraction(1, fps)
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._encode, name="hyosan-encode", daemon=True)
        self._worker.start()

    def _encode(self) -> None:
        """The worker: encode and mux each queued frame until the end marker. After an
        error it keeps taking frames off the queue, unencoded, so `write` never blocks."""
        pts = 0
        while (rgb := self._queue.get()) is not _END:
            if self._error is None:
                try:
                    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
                    frame.pts = pts
                    frame.time_base = self._time_base
                    for packet in self._stream.encode(frame):
                        self._container.mux(packet)
                except BaseException as exc:  # whatever it is, the caller gets it
                    self._error = exc
            pts += 1

    def write(self, rgb: np.ndarray) -> None:
        """Queue `rgb` for the encoder (waits while two frames are queued). The writer
        keeps a reference to the array: do not modify it after handing it over. Raises
        the worker's error if encoding an earlier frame failed."""
        if self._error is not None:
            raise self._error
        self._queue.put(rgb)
        self.frames += 1

    def close(self) -> None:
        """Encode the queued frames, flush the encoder and move the finished file into
        place. On an error, the worker's included, the partial file is dropped."""
        self._stop_worker()
        try:
            if self._error is not None:
                raise self._error
            for packet in self._stream.encode():
                self._container.mux(packet)
            self._container.close()
        except BaseException:
            self._discard()
            raise
        if self.tmp is not None:
            os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Stop the worker without encoding the frames still queued and drop the partial
        file; the output path is left as it was."""
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        self._stop_worker()
        self._discard()

    def _stop_worker(self) -> None:
        self._queue.put(_END)
        self._worker.join()

    def _discard(self) -> None:
        try:
            self._container.close()
        except Exception:  # the container may be half-written; it is deleted anyway
            pass
        if self.tmp is not None:
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
