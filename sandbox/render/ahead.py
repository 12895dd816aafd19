"""Frames worked out one ahead: the director computes the next frame (and the horde is
sorted for its camera, its effects and poses worked out) on a worker thread while the
current one draws.

The crowd's numba kernels run without the GIL and Panda3D lets go of it while it
renders, so a frame's crowd step overlaps the draw of the frame before instead of adding
to it: on a GPU machine the step is most of a 100,000-agent frame, and under software GL
it fills the moments when one core draws alone (vertex work is single-threaded there).
One worker serves the whole loop: numba's OpenMP runtime gives each calling thread a
team of threads of its own, so a thread per frame made (and dropped) a team per frame.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Iterator


def frames_ahead(make, times: list[float], use=None) -> Iterator[tuple[float, object]]:
    """(t, make(t)) for each of `times`, in order; while the caller handles one frame,
    the next is worked out on a worker thread (`make`: `Director.frame`, or
    `ScenePlayer.prepare`, which also sorts the horde for the camera and works out the
    effects and the people's poses).

    use: if given, called on the caller's thread with each frame before the worker
    starts on the next, and (t, use(frame)) is yielded. Putting a frame on stage there
    has the GIL to itself instead of racing the worker's Python for it (the scene
    update of a 720p finale frame: 7 ms beside the worker, 5-6 ms alone); the worker
    then works during the draw, when Panda3D has let go of the GIL.

    Only one job runs at a time and each starts after the one before it has finished, so
    the director sees the same calls in the same order as a plain loop and the frames are
    the same bit for bit. A job's error is raised here, for its frame. The worker is a
    daemon thread: a loop left early (Ctrl-C, an error) abandons the frame in flight and
    does not wait for it, so a long catch-up of the crowd cannot hold up the exit.
    """
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_work, args=(make, jobs), name="hyosan-director",
                     daemon=True).start()
    try:
        pending = _submit(jobs, times[0]) if times else None
        for i, t in enumerate(times):
            frame = pending.result()
            if use is not None:
                frame = use(frame)
            pending = _submit(jobs, times[i + 1]) if i + 1 < len(times) else None
            yield t, frame
    finally:
        jobs.put(None)   # the worker stops after the job in flight


def _submit(jobs: queue.SimpleQueue, t: float) -> Future:
    future: Future = Future()
    jobs.put((t, future))
    return future


def _work(make, jobs: queue.SimpleQueue) -> None:
    while (job := jobs.get()) is not None:
        t, future = job
        try:
            future.set_result(make(t))
        except BaseException as error:  # handed to the caller with its frame
            future.set_exception(error)
