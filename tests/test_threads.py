"""The engine's thread policy (autograd_lesson/threads.py)."""

import threading
import time

import numpy as np
import pytest

from autograd_lesson import threads


@pytest.fixture
def two_threads(monkeypatch):
    monkeypatch.setattr(threads, "_num_threads", 2)
    monkeypatch.setattr(threads, "_pool", None)
    monkeypatch.setattr(threads, "_alone_until", 0.0)
    monkeypatch.setattr(threads, "PAYS_OFF", 0.0)


def test_split_depends_on_the_work_not_on_the_threads(monkeypatch):
    assert threads.split(32, threads.PART_MIN_WORK) == [slice(0, 32)]
    halves = [slice(0, 16), slice(16, 32)]
    for count in (1, 2, 8):
        monkeypatch.setattr(threads, "_num_threads", count)
        assert threads.split(32, 2 * threads.PART_MIN_WORK) == halves
    assert threads.split(1, 10**12) == [slice(0, 1)]  # one image cannot be split
    assert threads.split(5, 10**12) == [slice(0, 2), slice(2, 5)]


def test_run_returns_the_results_in_order_and_uses_a_second_thread(two_threads):
    seen, second_started = set(), threading.Event()

    def square(part):
        seen.add(threading.current_thread().name)
        if part == 4:
            second_started.set()
        else:  # the calling thread holds on to part 3 until the worker has taken part 4
            assert second_started.wait(timeout=60)
        return part * part

    assert threads.run(square, [3, 4]) == [9, 16]
    assert len(seen) == 2


def test_run_raises_what_a_part_raised(two_threads):
    def fail_on_two(part):
        if part == 2:
            raise ValueError("part two")
        return part

    with pytest.raises(ValueError, match="part two"):
        threads.run(fail_on_two, [1, 2])


def test_one_thread_runs_the_parts_in_the_calling_thread(monkeypatch):
    monkeypatch.setattr(threads, "_num_threads", 1)
    names = threads.run(lambda part: threading.current_thread().name, [1, 2])
    assert names == [threading.current_thread().name] * 2


def test_threads_that_do_not_pay_are_left_alone_for_a_while(monkeypatch):
    monkeypatch.setattr(threads, "_num_threads", 2)
    monkeypatch.setattr(threads, "_alone_until", 0.0)
    threads._pays_off(cpu_seconds=1.9, wall_seconds=1.0)  # both cores busy: parallel pays
    assert threads._alone_until == 0.0
    threads._pays_off(cpu_seconds=1.0, wall_seconds=1.0)  # no better than one thread
    assert threads._alone_until > time.monotonic()
    names = threads.run(lambda part: threading.current_thread().name, [1, 2])
    assert names == [threading.current_thread().name] * 2


def test_set_num_threads(monkeypatch):
    monkeypatch.setattr(threads, "_num_threads", None)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert threads.get_num_threads() == 3
    threads.set_num_threads(1)
    assert threads.get_num_threads() == 1
    with pytest.raises(RuntimeError, match="positive integer"):
        threads.set_num_threads(0)
    assert threads.get_num_threads() == 1


def test_blas_threads_are_set_inside_and_restored_after():
    libraries = threads._blas_libraries()
    if not libraries:
        pytest.skip("threadpoolctl is not installed: BLAS threads are left alone")
    before = [library.get_num_threads() for library in libraries]
    with threads.single_threaded_blas():
        assert [library.get_num_threads() for library in libraries] == [1] * len(libraries)
        np.ones((64, 64)) @ np.ones((64, 64))
    assert [library.get_num_threads() for library in libraries] == before
    with threads.blas_threads_for(threads.BLAS_THREADING_MIN_WORK - 1):
        assert [library.get_num_threads() for library in libraries] == [1] * len(libraries)


@pytest.mark.skipif(not hasattr(threads.os, "fork"), reason="needs os.fork")
def test_a_forked_child_makes_its_own_workers(two_threads):
    threads.run(lambda part: part, [1, 2])  # the parent's pool exists now
    pid = threads.os.fork()
    if pid == 0:  # the child: its pool must be new, and parts must still run
        ok = threads._pool is None and threads.run(lambda part: part * 2, [1, 2]) == [2, 4]
        threads.os._exit(0 if ok else 1)
    _, status = threads.os.waitpid(pid, 0)
    assert threads.os.waitstatus_to_exitcode(status) == 0
