"""Time one ResNet-18 training step, autograd_lesson against PyTorch, and measure memory.

    python benchmarks/resnet18_step.py                 # 1 thread, batches 1 and 32
    python benchmarks/resnet18_step.py --threads 2
    python benchmarks/resnet18_step.py --batches 1 --repeats 20

The step is the seed lesson's, on 3x64x64 images:

    prediction = model(data); loss = (prediction - labels).sum()   # forward
    loss.backward()                                                 # backward
    optimizer.step()            # SGD(lr=1e-2, momentum=0.9)        # step

Time: both engines get the same weights and data. After one warm-up step each, the
repetitions alternate (ours, then torch, then ours, ...) in this one process, so a slow
moment of the machine hits both; the median of each phase over the repetitions is
printed, with the ratio ours / torch (below 1: faster). The clock: with one thread, CPU
time (time.process_time), which other processes on a loaded machine barely change; with
more threads, wall time (time.perf_counter), since CPU time would add up the threads'.
`--clock` chooses another.
`zero_grad(set_to_none=True)` runs before every step and is not timed; after every step
the starting weights are loaded again, untimed (with the seed's loss and learning rate,
the weights would otherwise overflow to inf and NaN within a dozen steps).

BLAS kernel: this machine's environment sets OPENBLAS_CORETYPE=Haswell and
OPENBLAS_L2_SIZE=512 (meant for old OpenBLAS builds); with them, NumPy's OpenBLAS runs its
AVX2 kernels although the CPU has AVX-512, at half the speed of a matrix product. So, by
default, the script re-executes itself with both variables removed (for this one run: the
environment of everything else is unchanged), and prints the kernel OpenBLAS then picked
(threadpoolctl's "architecture", when threadpoolctl is installed). `--keep-blas-env` keeps
the environment's values.

Threads: `--threads N` sets OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS
before NumPy is imported (the BLAS reads them once, when it loads; the script re-executes
itself if NumPy was somehow imported already) and calls torch.set_num_threads(N).

Memory: the same method for both engines, each in a fresh child process (so neither
sees the other's allocations). The child builds the model, runs one warm-up step, frees
the gradients, then resets the kernel's peak-RSS counter (writing 5 to /proc/self/clear_refs),
reads the resident size, runs one step and reads the peak (VmHWM in /proc/self/status).
The figure is peak minus the level before the step: the memory one training step needs
on top of the model and the input. glibc keeps small freed blocks for reuse, which would
hide them from RSS, so the child runs with MALLOC_MMAP_THRESHOLD_=65536: every block
larger than 64 KiB (all activations) is its own mapping, given back to the system when
freed. For autograd_lesson the child also reports tracemalloc's peak over the step
(NumPy reports its array buffers to tracemalloc), a cross-check of the RSS figure.
Linux only (it reads /proc); elsewhere the memory table is left out.

Runs without torch too: then only autograd_lesson's figures are printed.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Forced kernel choice and cache size for old OpenBLAS builds: removed together, or kept.
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
PHASES = ("forward", "backward", "step")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--repeats", type=int, default=None, help="default: 15 at batch 1, 5 above")
    parser.add_argument(
        "--clock", choices=["cpu", "wall"], help="default: cpu with 1 thread, wall with more"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument(
        "--keep-blas-env",
        action="store_true",
        help=f"keep {' and '.join(BLAS_OVERRIDES)} from the environment (default: unset both)",
    )
    parser.add_argument(
        "--memory-child", choices=["autograd_lesson", "torch"], help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def set_environment(threads, keep_blas_env):
    """Thread counts, and the BLAS overrides unset unless kept. The BLAS reads these once,
    when it loads: if NumPy is loaded already, the script runs itself again."""
    wanted = {name: str(threads) for name in THREAD_VARIABLES}
    remove = () if keep_blas_env else BLAS_OVERRIDES
    if all(os.environ.get(k) == v for k, v in wanted.items()) and not any(
        name in os.environ for name in remove
    ):
        return
    os.environ.update(wanted)
    for name in remove:
        os.environ.pop(name, None)
    if "numpy" in sys.modules:
        os.execv(sys.executable, [sys.executable, *sys.argv])


def blas_kernel():
    """The kernel NumPy's OpenBLAS runs ("SkylakeX", "Haswell", ...), as threadpoolctl reports."""
    import numpy as np

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (install threadpoolctl to see it)"
    numpy_dir = str(Path(np.__file__).parent)  # NumPy's own BLAS, not another library's
    kernels = {
        info.get("architecture", "?")
        for info in threadpool_info()
        if info["user_api"] == "blas" and info["filepath"].startswith(numpy_dir)
    }
    return ", ".join(sorted(kernels)) or "unknown (no BLAS found in NumPy)"


# ---------------------------------------------------------------------- the two engines


def load_engines(threads):
    """{"autograd_lesson": module, "torch": module} (torch only when installed)."""
    import autograd_lesson

    engines = {"autograd_lesson": autograd_lesson}
    try:
        import torch
    except ImportError:
        return engines
    torch.set_num_threads(threads)
    engines["torch"] = torch
    return engines


def torch_resnet18():
    """torchvision's ResNet-18 rebuilt from torch.nn (torchvision is not installable here);
    the golden recorder holds the builder, shared so that both measure the same network."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "record_resnet", ROOT / "tests" / "golden" / "record_resnet.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.torch_resnet18()


def starting_state(name, engine, weights):
    """`weights` as the state_dict that engine's load_state_dict takes."""
    if name == "torch":
        return {k: engine.from_numpy(v.copy()) for k, v in weights.items()}
    return weights


def build(name, engine, weights):
    """Model (training mode) with `weights`, and its SGD optimizer."""
    if name == "torch":
        model = torch_resnet18()
    else:
        from autograd_lesson.models import resnet18

        model = resnet18()
    model.load_state_dict(starting_state(name, engine, weights))
    model.train()
    return model, engine.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)


def shared_weights():
    import autograd_lesson
    from autograd_lesson.models import resnet18

    autograd_lesson.manual_seed(0)
    return {k: v.numpy().copy() for k, v in resnet18().state_dict().items()}


def inputs(batch):
    import numpy as np

    rng = np.random.default_rng(batch)
    return rng.random((batch, 3, 64, 64), dtype=np.float32), rng.random(
        (batch, 1000), dtype=np.float32
    )


def timed_step(engine, model, optimizer, data, labels, clock=time.perf_counter):
    """(forward, backward, step) seconds for one training step."""
    optimizer.zero_grad(set_to_none=True)
    start = clock()
    loss = (model(data) - labels).sum()
    forward_done = clock()
    loss.backward()
    backward_done = clock()
    optimizer.step()
    step_done = clock()
    return forward_done - start, backward_done - forward_done, step_done - backward_done


# ---------------------------------------------------------------------- timing


def time_batch(engines, weights, batch, repeats, clock):
    """{engine: {phase: median seconds}}, the engines' repetitions interleaved."""
    import statistics

    data, labels = inputs(batch)
    runs = {}
    for name, engine in engines.items():
        model, optimizer = build(name, engine, weights)
        tensors = (engine.from_numpy(data.copy()), engine.from_numpy(labels.copy()))
        runs[name] = (engine, model, optimizer, tensors)
        timed_step(engine, model, optimizer, *tensors)  # warm-up: first-call costs
    times = {name: [] for name in engines}
    for _ in range(repeats):
        for name, (engine, model, optimizer, tensors) in runs.items():
            times[name].append(timed_step(engine, model, optimizer, *tensors, clock=clock))
            # Back to the starting weights (untimed): the seed's loss, a sum over 1000
            # outputs, with lr=1e-2 makes the weights grow without bound; after a dozen
            # steps they overflow to inf and NaN. So every repetition computes the same
            # step on ordinary numbers.
            model.load_state_dict(starting_state(name, engine, weights))
    medians = {}
    for name, samples in times.items():
        per_phase = dict(zip(PHASES, zip(*samples, strict=True), strict=True))
        medians[name] = {phase: statistics.median(values) for phase, values in per_phase.items()}
        medians[name]["total"] = statistics.median(sum(sample) for sample in samples)
    return medians


# ---------------------------------------------------------------------- memory


def rss_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def memory_child(name, batch, threads):
    """Runs in the child process: print the step's peak memory as JSON."""
    import gc
    import tracemalloc

    engines = load_engines(threads)
    engine = engines[name]
    model, optimizer = build(name, engine, shared_weights())
    data, labels = inputs(batch)
    tensors = (engine.from_numpy(data), engine.from_numpy(labels))
    timed_step(engine, model, optimizer, *tensors)  # warm-up: lazy allocations, buffers
    optimizer.zero_grad(set_to_none=True)
    gc.collect()
    if name == "autograd_lesson":
        tracemalloc.start()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS to the current RSS
    before = rss_kib("VmRSS")
    timed_step(engine, model, optimizer, *tensors)
    peak = rss_kib("VmHWM")
    result = {"rss_mb": (peak - before) / 1024}
    if name == "autograd_lesson":
        current, traced_peak = tracemalloc.get_traced_memory()
        result["tracemalloc_mb"] = traced_peak / 2**20
    print(json.dumps(result))


def measure_memory(name, batch, threads):
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")
    command = [
        sys.executable,
        __file__,
        "--memory-child",
        name,
        "--batches",
        str(batch),
        "--threads",
        str(threads),
        "--keep-blas-env",  # the parent already set the environment the child inherits
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_supported():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------------- report


def print_table(title, header, rows):
    print(title)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))
    print()


def main(argv=None):
    args = parse_args(argv)
    set_environment(args.threads, args.keep_blas_env)
    if args.memory_child:
        memory_child(args.memory_child, args.batches[0], args.threads)
        return
    engines = load_engines(args.threads)
    with_torch = "torch" in engines
    if not with_torch:
        print("PyTorch is not installed: autograd_lesson's figures only.\n")
    import numpy as np

    overrides = [f"{name}={os.environ[name]}" for name in BLAS_OVERRIDES if name in os.environ]
    how = ", ".join(overrides) if overrides else "auto-detected, " + " and ".join(BLAS_OVERRIDES)
    print(f"NumPy's OpenBLAS kernel: {blas_kernel()} ({how if overrides else how + ' unset'})\n")
    load_before = os.getloadavg()[0]
    weights = shared_weights()
    header = ["batch", "phase", "autograd_lesson ms"] + (
        ["torch ms", "ratio"] if with_torch else []
    )
    clock_name = args.clock or ("cpu" if args.threads == 1 else "wall")
    clock = time.process_time if clock_name == "cpu" else time.perf_counter
    rows = []
    for batch in args.batches:
        repeats = args.repeats or (15 if batch == 1 else 5)
        medians = time_batch(engines, weights, batch, repeats, clock)
        for phase in (*PHASES, "total"):
            ours = medians["autograd_lesson"][phase]
            row = [batch, phase, f"{ours * 1e3:.1f}"]
            if with_torch:
                theirs = medians["torch"][phase]
                row += [f"{theirs * 1e3:.1f}", f"{ours / theirs:.2f}"]
            rows.append(row)
    print_table(
        f"ResNet-18 training step on 3x64x64, {args.threads} thread(s), median {clock_name} times "
        f"(numpy {np.__version__}, OpenBLAS kernel {blas_kernel()}"
        + (f", torch {engines['torch'].__version__})" if with_torch else ")"),
        header,
        rows,
    )
    load = max(load_before, os.getloadavg()[0])
    if load > 0.5 + args.threads:
        # Other processes shared the cores: the ratios (interleaved) are still fair with
        # one thread, but absolute times, and multi-thread figures, are not to be trusted.
        print(f"Warning: load average {load:.1f} on {os.cpu_count()} cores while timing.\n")
    if args.no_memory or not memory_supported():
        return
    header = ["batch", "autograd_lesson MB", "(tracemalloc MB)"] + (
        ["torch MB", "ratio"] if with_torch else []
    )
    rows = []
    for batch in args.batches:
        ours = measure_memory("autograd_lesson", batch, args.threads)
        row = [batch, f"{ours['rss_mb']:.0f}", f"{ours['tracemalloc_mb']:.0f}"]
        if with_torch:
            theirs = measure_memory("torch", batch, args.threads)
            row += [f"{theirs['rss_mb']:.0f}", f"{ours['rss_mb'] / theirs['rss_mb']:.2f}"]
        rows.append(row)
    print_table("Peak memory of one training step, above the level before it (RSS)", header, rows)


if __name__ == "__main__":
    main()
