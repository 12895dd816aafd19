"""Frames drawn by several processes at once, handed back in order.

Under software GL one process leaves a core idle for part of each frame: llvmpipe's
main thread shades the vertices and bins the triangles of a pass while its rasteriser
threads wait, then waits while they rasterise (Mesa finishes each flushed scene before
the next draw). With N worker processes, worker k drawing frames k, k + N, k + 2N, ...,
one worker bins while another rasterises.

Each worker opens its own player from a `PlayerSpec` and steps the whole crowd to its
frames (cheap beside the drawing up to `CROWD_LIMIT` agents), so its frames are the
ones a single process draws, bit for bit (a frame does not depend on what the process
drew before it). The workers start with SIGINT ignored: Ctrl-C reaches the caller
alone, which stops them (as it does on any error or an early exit) and leaves no
process behind.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
from typing import Callable, Iterator

from sandbox.config import ConfigError

BACKLOG = 3      # items a worker may have drawn ahead of the caller
# Agents past which a render defaults to one process (`movie.default_jobs`): each worker
# steps the whole crowd, and past this its stepping costs what a second worker gains (the
# fly-over at 1280x720: 10,000 agents about even, 20,000 2.8 -> 2.7 fps, 100,000 1.6 ->
# 1.3 fps with two).
CROWD_LIMIT = 10_000
POLL_S = 0.5     # how often a waiting side checks that the other is still there


class WorkerError(RuntimeError):
    """A worker process failed; the message holds its traceback."""


CONTEXT = multiprocessing.get_context("spawn")   # for workers and what they share (Barrier)


def interleaved(work: Callable, spec, times: list, jobs: int, *extra,
                opened: Callable[[], None] | None = None) -> Iterator[object]:
    """What `work(player, times[k::jobs], *extra)` yields in worker k (one item per time,
    in order; `player` opened from `spec`), for each of `times`, in the order of `times`;
    `opened()` is called once every worker has its player open.

    `work` and `extra` must pickle (a module-level function, plain data, `CONTEXT`'s
    synchronisation objects): each worker is a fresh interpreter. A worker's
    `ConfigError` (a mistake in a scene or bake file, found as its player opens) is
    raised here as it is; any other error, or a worker's death, as `WorkerError`."""
    channels = [CONTEXT.Queue(maxsize=BACKLOG) for _ in range(jobs)]
    workers = [CONTEXT.Process(target=_run, name=f"hyosan-draw-{k}", daemon=True,
                               args=(work, spec, times[k::jobs], extra, channels[k]))
               for k in range(jobs)]
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the workers
    try:
        for worker in workers:
            worker.start()
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        for k in range(jobs):
            _next(channels, workers, k)   # its player is open
        if opened is not None:
            opened()
        for i in range(len(times)):
            yield _next(channels, workers, i % jobs)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def _next(channels, workers, k: int) -> object:
    """The next item worker `k` sends. Raises the error of any worker that failed (one
    may wait on another that died: `timed_frames`' barrier), or WorkerError for one that
    stopped without a word."""
    while True:
        try:
            kind, value = channels[k].get(timeout=POLL_S)
        except queue.Empty:
            for channel, worker in zip(channels, workers):
                if worker.exitcode not in (None, 0):
                    raise _failure(channel, worker) from None
            if workers[k].exitcode == 0:   # it sent all it had (before exiting) and no more
                raise WorkerError(f"{workers[k].name} ended before drawing all its frames")
            continue
        if kind == "item":
            return value
        raise _error(workers[k], value)


def _failure(channel, worker) -> Exception:
    """What a stopped worker sent last if it was its error (after frames still queued),
    else a WorkerError saying it stopped."""
    try:
        while True:
            kind, value = channel.get(timeout=POLL_S)
            if kind == "error":
                return _error(worker, value)
    except queue.Empty:
        return WorkerError(f"{worker.name} stopped (exit code {worker.exitcode}) before "
                           f"drawing all its frames")


def _error(worker, sent) -> Exception:
    error, trace = sent
    return error if isinstance(error, ConfigError) else WorkerError(
        f"{worker.name} failed:\n{trace}")


def _run(work, spec, times, extra, channel) -> None:
    """A worker's body: open the player, send what `work` yields; on an error, send it
    and exit with code 1."""
    parent = os.getppid()
    try:
        player = spec.open()
        _send(channel, ("item", None), parent)
        for item in work(player, times, *extra):
            _send(channel, ("item", item), parent)
    except BaseException as error:   # whatever it is, the caller gets it with its traceback
        trace = traceback.format_exc()
        try:
            pickle.dumps(error)
        except Exception:
            error = None
        _send(channel, ("error", (error, trace)), parent)
        sys.exit(1)


def _send(channel, message, parent: int) -> None:
    """Put `message` on the channel; give up (exit) if the caller has gone away."""
    while True:
        try:
            channel.put(message, timeout=POLL_S)
            return
        except queue.Full:
            if os.getppid() != parent:
                os._exit(1)
