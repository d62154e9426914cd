"""The engine's thread policy: when an operation uses more than one core, and how.

A second core makes a big training step almost twice as fast, and can make a small one
slower: handing work to another thread costs tens of microseconds, and on a machine busy
with other work a BLAS thread that waits for a busy core stalls the product it belongs to
(NumPy's OpenBLAS threads spin while they wait). So the engine decides, not the BLAS:

1. Inside the engine's convolution, pooling and batch-norm ops, BLAS runs one thread per
   product (`single_threaded_blas`): a small product never pays for threading.
2. An operation with enough work splits its batch into parts (`split`) and computes the
   parts at the same time (`run`), on Python threads. NumPy releases the GIL inside its
   kernels (products, copies, element-wise loops), so the parts really run in parallel.
3. How many parts depends on the work only, never on the number of threads: each thread
   count runs the same parts (one after the other with one thread), so it computes the
   same numbers, bit for bit, on every machine.

`set_num_threads(n)` and `get_num_threads()` set and read the number of threads, as
PyTorch's functions of that name do; the default is the number of cores this process may
use, or OMP_NUM_THREADS when it is set. Products outside these ops (nn.Linear, `a @ b`)
can follow the same rule with `blas_threads_for(work)`.

BLAS threads are set through threadpoolctl. Without it, BLAS keeps its own thread count
(the numbers are the same; only the speed on a busy machine differs).
"""

import itertools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

# Below this many multiply-adds per part an op is not split: the hand-off to a second
# thread, and the wait for it on a busy machine, would cost more than it saves. 2²⁴ is
# about 0.5 ms of BLAS work on one core: lesson 08's small network runs on one thread,
# a ResNet-18 at batch 32 on two.
PART_MIN_WORK = 2**24
# At most this many parts: one per core on the 2-core machines the course targets.
MAX_PARTS = 2
# Products smaller than this (multiply-adds) run on one BLAS thread (`blas_threads_for`).
BLAS_THREADING_MIN_WORK = 2**24

_num_threads = None  # set by set_num_threads; None: the default below
_pool = None  # the worker threads, made on first use


def get_num_threads():
    """How many threads the engine's operations use (as torch.get_num_threads())."""
    if _num_threads is not None:
        return _num_threads
    from_environment = os.environ.get("OMP_NUM_THREADS", "")
    if from_environment.isdigit() and int(from_environment) > 0:
        return int(from_environment)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def set_num_threads(count):
    """Use `count` threads from now on (as torch.set_num_threads(count))."""
    global _num_threads, _pool
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    _num_threads = count
    if _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None


def split(count, work):
    """The parts (slices of range(count)) an op with `work` multiply-adds is split into.

    One part, the whole, unless each of two parts would still hold PART_MIN_WORK.
    """
    parts = min(MAX_PARTS, count, max(1, work // PART_MIN_WORK))
    bounds = [count * k // parts for k in range(parts + 1)]
    return [slice(start, stop) for start, stop in zip(bounds, bounds[1:])]


def run(function, parts):
    """[function(part) for part in parts], computed at the same time on the engine's threads.

    The parts are a queue: the calling thread and the workers each take the next part
    until none is left, so a thread that the machine keeps waiting (other programs
    running) delays only the part it took, never parts it has not started. When threads
    stop paying (see `_pays_off`), the parts run one after the other for a while.
    """
    parts = list(parts)
    if len(parts) == 1 or get_num_threads() == 1 or time.monotonic() < _alone_until:
        return [function(part) for part in parts]
    results, errors, cpu_seconds = [None] * len(parts), [], []
    take_next = itertools.count().__next__  # atomic: two threads never get the same part
    left = [len(parts)]
    lock, all_done = threading.Lock(), threading.Event()

    def work():
        while (k := take_next()) < len(parts):
            start = time.thread_time()
            try:
                results[k] = function(parts[k])
            except BaseException as error:  # re-raised in the calling thread below
                errors.append(error)
            with lock:
                cpu_seconds.append(time.thread_time() - start)
                left[0] -= 1
                if left[0] == 0:
                    all_done.set()

    start = time.perf_counter()
    for _ in range(min(get_num_threads(), len(parts)) - 1):
        _workers().submit(work)
    work()
    all_done.wait()
    _pays_off(sum(cpu_seconds), time.perf_counter() - start)
    if errors:
        raise errors[0]
    return results


# When the machine is busy with other programs, threads that wait for a core make a
# parallel op slower than one thread would be. `run` measures each parallel op: if the
# threads together got less than PAYS_OFF times the op's wall time of CPU, the next
# ALONE_SECONDS run their parts one after the other, then threads are tried again.
PAYS_OFF = 1.2
ALONE_SECONDS = 1.0
_alone_until = 0.0


def _pays_off(cpu_seconds, wall_seconds):
    global _alone_until
    if cpu_seconds < PAYS_OFF * wall_seconds:
        _alone_until = time.monotonic() + ALONE_SECONDS


def _workers():
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(get_num_threads() - 1, thread_name_prefix="autograd_lesson")
    return _pool


def _forget_workers():
    """In a process made by fork the parent's worker threads do not exist: make new ones."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


# ---------------------------------------------------------------------- BLAS threads


def _blas_libraries():
    """threadpoolctl's handles on the BLAS libraries NumPy loaded ([] without threadpoolctl)."""
    global _blas
    if _blas is None:
        try:
            import numpy  # noqa: F401 - loads the BLAS, so that threadpoolctl finds it
            from threadpoolctl import ThreadpoolController
        except ImportError:
            _blas = []
        else:
            _blas = ThreadpoolController().select(user_api="blas").lib_controllers
    return _blas


_blas = None


@contextmanager
def blas_threads(count):
    """BLAS products use `count` threads inside the `with` block; the old count after."""
    libraries = _blas_libraries()
    before = [library.get_num_threads() for library in libraries]
    for library, old in zip(libraries, before):
        if old != count:
            library.set_num_threads(count)
    try:
        yield
    finally:
        for library, old in zip(libraries, before):
            if old != count:
                library.set_num_threads(old)


def single_threaded_blas():
    """BLAS on one thread inside the `with` block (point 1 of the policy above)."""
    return blas_threads(1)


def blas_threads_for(work):
    """BLAS threads for a product of `work` multiply-adds (m·k·n for an (m, k) @ (k, n)):
    one below BLAS_THREADING_MIN_WORK, get_num_threads() from there on."""
    return blas_threads(get_num_threads() if work >= BLAS_THREADING_MIN_WORK else 1)
