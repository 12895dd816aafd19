"""Where batch runs execute: in this process, in local worker processes, or on a Dask
cluster (`--cluster tcp://HOST:PORT`). All three take `submit(fn, arg)` and answer
futures with `.result()`; `completed(futures)` yields them as they finish, `first_done`
waits for at least one.

Dask distributed is the cluster engine: a plain pip install, a scheduler and workers
started with one command each (`dask scheduler`, `dask worker ADDRESS`), and futures
like `concurrent.futures`, so local and remote runs share one code path. Workers need
this package installed (same version) to import the run function.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal

from sandbox.config import ConfigError


class _Deferred:
    """A job of the inline pool: runs when its result is first asked for."""

    def __init__(self, fn, arg):
        self._call = (fn, arg)
        self._value = None

    def done(self) -> bool:
        return self._call is None

    def result(self):
        if self._call is not None:
            fn, arg = self._call
            self._value = fn(arg)
            self._call = None
        return self._value


class InlinePool:
    """Runs jobs one at a time in this process (no start-up), each when its result is
    asked for, so progress shows as they finish."""

    workers = 1

    def submit(self, fn, arg):
        return _Deferred(fn, arg)

    def completed(self, futures):
        return iter(list(futures))

    def first_done(self, futures):
        return list(futures)[:1]

    def close(self):
        pass


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the parent, which cancels what has not started and
    waits for the runs in flight (no traceback from every worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class LocalPool:
    """`jobs` worker processes on this machine (spawned: no state shared with this one)."""

    def __init__(self, jobs: int):
        self.workers = jobs
        self._ex = cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_ignore_interrupt)

    def submit(self, fn, arg):
        return self._ex.submit(fn, arg)

    def completed(self, futures):
        return cf.as_completed(futures)

    def first_done(self, futures):
        return list(cf.wait(list(futures), return_when=cf.FIRST_COMPLETED).done)

    def close(self):
        self._ex.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """Jobs on the Dask scheduler at `address`; its workers run them."""

    def __init__(self, address: str):
        from distributed import Client
        try:
            self._client = Client(address, timeout="5s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"--cluster {address!r}: no Dask scheduler answers there ({exc}) "
                              "(allowed: the address a running `dask scheduler` prints, "
                              "e.g. tcp://10.0.0.5:8786)") from None
        self.workers = max(sum(self._client.nthreads().values()), 1)

    def submit(self, fn, arg):
        return self._client.submit(fn, arg, pure=False)

    def completed(self, futures):
        from distributed import as_completed
        return as_completed(list(futures), loop=self._client.loop)

    def first_done(self, futures):
        futures = list(futures)
        first = next(iter(self.completed(futures)))
        return [first] + [f for f in futures if f is not first and f.done()]

    def close(self):
        self._client.close()


def open_pool(jobs: int, cluster: str | None):
    """The pool for `--jobs` / `--cluster`: a Dask cluster if given, else local processes
    (in this process for one job)."""
    if cluster:
        return DaskPool(cluster)
    if jobs <= 1:
        return InlinePool()
    return LocalPool(jobs)
