"""Time one ResNet-18 training step, autograd_lesson against PyTorch, on 1 and 2 threads.

    python benchmarks/resnet18_step.py                  # what `make bench` runs: all below
    python benchmarks/resnet18_step.py --threads 1 --batches 32 --repeats 9
    python benchmarks/resnet18_step.py --load 1         # everything next to a competing load
    python benchmarks/resnet18_step.py --no-capstone --no-memory

The step is the seed lesson's, on 3x64x64 images:

    prediction = model(data); loss = (prediction - labels).sum()   # forward
    loss.backward()                                                 # backward
    optimizer.step()            # SGD(lr=1e-2, momentum=0.9)        # step

Time: both engines get the same weights and data. After one warm-up step per engine and
thread count, the repetitions alternate (for each repetition: every thread count, and for
each, ours then torch) in this one process, so a slow moment of the machine hits every
configuration alike. Each table gives the median over the repetitions and the spread
(lowest to highest), and the ratio ours / torch as the median of the repetitions' own
ratios (each repetition's two steps ran back to back) with its spread: one noisy
repetition moves neither the median nor a goal. The clock: with one thread, CPU time
(time.process_time), which other processes on a loaded machine barely change; with more,
wall time (time.perf_counter), since CPU time would add up the threads'. The speed-up from
more threads compares wall times of the same repetitions. `--clock` chooses another.
`zero_grad(set_to_none=True)` runs before every step and is not timed; after every step
the starting weights are loaded again, untimed (with the seed's loss and learning rate,
the weights would otherwise overflow to inf and NaN within a dozen steps).

Threads: the BLAS reads OMP_NUM_THREADS / OPENBLAS_NUM_THREADS once, when it loads, so the
script sets them to the largest `--threads` before NumPy is imported (it re-executes
itself if NumPy was imported already), then sets each count in turn: torch.set_num_threads,
autograd_lesson.threads.set_num_threads, and NumPy's BLAS through threadpoolctl.

BLAS kernel: this machine's environment may set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
(meant for old OpenBLAS builds), which can force a slower kernel than the CPU supports. By
default the script re-executes itself with both removed (for this one run), and prints
the kernel OpenBLAS then picked; `--keep-blas-env` keeps them.

Competing load: `--load N` runs N processes that keep a core busy each (benchmarks/
load.py) while the step is timed. The capstone (lesson 08's training, benchmarks/
capstone.py, in a fresh process with the engine's default threads, as a learner runs it)
is timed alternately on the machine as it is and next to `--capstone-load` such processes.

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

At the end, the issue's goals with the measured figure and whether it is met. Runs
without torch too: then only autograd_lesson's figures are printed.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
PHASES = ("forward", "backward", "step")
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--repeats", type=int, default=None, help="default: 15 at batch 1, 7 above")
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), help="default: cpu with 1 thread, wall with more"
    )
    parser.add_argument("--load", type=int, default=0, help="busy processes while timing")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument("--no-capstone", action="store_true", help="skip the capstone timing")
    parser.add_argument("--capstone-load", type=int, default=1, help="busy processes (default 1)")
    parser.add_argument("--capstone-epochs", type=int, default=2)
    parser.add_argument("--capstone-repeats", type=int, default=3)
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


def numpy_blas():
    """threadpoolctl's handles on the BLAS libraries loaded (NumPy's), [] without threadpoolctl."""
    import numpy  # noqa: F401 - loads NumPy's BLAS, so that threadpoolctl sees it

    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return []
    return ThreadpoolController().select(user_api="blas").lib_controllers


def blas_kernel():
    """The kernel NumPy's OpenBLAS runs ("SkylakeX", "Haswell", ...), as threadpoolctl reports."""
    kernels = {getattr(library, "architecture", "?") for library in numpy_blas()}
    return ", ".join(sorted(kernels)) or "unknown (install threadpoolctl to see it)"


# ---------------------------------------------------------------------- the two engines


def load_engines():
    """{"autograd_lesson": module, "torch": module} (torch only when installed)."""
    import autograd_lesson

    engines = {"autograd_lesson": autograd_lesson}
    try:
        import torch
    except ImportError:
        return engines
    engines["torch"] = torch
    return engines


def use_threads(engines, count):
    """Every engine, and NumPy's BLAS, on `count` threads from now on."""
    from autograd_lesson import threads

    threads.set_num_threads(count)
    for library in numpy_blas():
        library.set_num_threads(count)
    if "torch" in engines:
        engines["torch"].set_num_threads(count)


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


def timed_step(model, optimizer, data, labels):
    """{clock: (forward, backward, step) seconds} for one training step, on both clocks."""
    optimizer.zero_grad(set_to_none=True)
    marks = [(time.perf_counter(), time.process_time())]
    loss = (model(data) - labels).sum()
    marks.append((time.perf_counter(), time.process_time()))
    loss.backward()
    marks.append((time.perf_counter(), time.process_time()))
    optimizer.step()
    marks.append((time.perf_counter(), time.process_time()))
    return {
        clock: tuple(after[k] - before[k] for before, after in zip(marks, marks[1:]))
        for k, clock in enumerate(("wall", "cpu"))
    }


# ---------------------------------------------------------------------- timing


def time_batch(engines, weights, batch, thread_counts, repeats):
    """{(threads, engine): [timed_step result per repetition]}, all configurations alternating."""
    data, labels = inputs(batch)
    runs = {}
    for name, engine in engines.items():
        model, optimizer = build(name, engine, weights)
        tensors = (engine.from_numpy(data.copy()), engine.from_numpy(labels.copy()))
        runs[name] = (engine, model, optimizer, tensors)
    samples = {(count, name): [] for count in thread_counts for name in engines}
    for repetition in range(repeats + 1):  # the first is the warm-up: first-call costs
        for count in thread_counts:
            use_threads(engines, count)
            for name, (engine, model, optimizer, tensors) in runs.items():
                sample = timed_step(model, optimizer, *tensors)
                if repetition:
                    samples[count, name].append(sample)
                # Back to the starting weights (untimed): the seed's loss, a sum over 1000
                # outputs, with lr=1e-2 makes the weights grow without bound; after a dozen
                # steps they overflow to inf and NaN. So every repetition computes the same
                # step on ordinary numbers.
                model.load_state_dict(starting_state(name, engine, weights))
    return samples


def totals(samples, clock):
    return [sum(sample[clock]) for sample in samples]


def phase_times(samples, clock, phase):
    if phase == "total":
        return totals(samples, clock)
    return [sample[clock][PHASES.index(phase)] for sample in samples]


def spread(values, scale=1e3, digits=1):
    return f"{min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f}"


def timing_table(samples, batch, count, clock, with_torch):
    """Rows for one batch and thread count; returns (rows, median total ratio)."""
    rows, total_ratio = [], None
    for phase in (*PHASES, "total"):
        ours = phase_times(samples[count, "autograd_lesson"], clock, phase)
        row = [batch, phase, f"{statistics.median(ours) * 1e3:.1f}", spread(ours)]
        if with_torch:
            theirs = phase_times(samples[count, "torch"], clock, phase)
            ratios = [a / b for a, b in zip(ours, theirs)]
            ratio = statistics.median(ratios)
            row += [f"{statistics.median(theirs) * 1e3:.1f}", spread(theirs)]
            row += [f"{ratio:.2f}", spread(ratios, scale=1, digits=2)]
            if phase == "total":
                total_ratio = (ratio, min(ratios), max(ratios))
        rows.append(row)
    return rows, total_ratio


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

    engines = load_engines()
    use_threads(engines, threads)
    engine = engines[name]
    model, optimizer = build(name, engine, shared_weights())
    data, labels = inputs(batch)
    tensors = (engine.from_numpy(data), engine.from_numpy(labels))
    timed_step(model, optimizer, *tensors)  # warm-up: lazy allocations, buffers
    optimizer.zero_grad(set_to_none=True)
    gc.collect()
    if name == "autograd_lesson":
        tracemalloc.start()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS to the current RSS
    before = rss_kib("VmRSS")
    timed_step(model, optimizer, *tensors)
    peak = rss_kib("VmHWM")
    result = {"rss_mb": (peak - before) / 1024}
    if name == "autograd_lesson":
        current, traced_peak = tracemalloc.get_traced_memory()
        result["tracemalloc_mb"] = traced_peak / 2**20
    print(json.dumps(result))


def measure_memory(name, batch, threads):
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")
    command = [sys.executable, __file__, "--memory-child", name, "--batches", str(batch)]
    # The parent already set the environment the child inherits.
    command += ["--threads", str(threads), "--keep-blas-env"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_supported():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------------- capstone


def capstone_seconds(epochs):
    """One run of benchmarks/capstone.py in a fresh process, with the engine's defaults."""
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    command = [sys.executable, str(Path(__file__).with_name("capstone.py"))]
    done = subprocess.run(
        [*command, "--epochs", str(epochs)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def time_capstone(epochs, repeats, load_processes):
    """{"quiet": [seconds...], "loaded": [seconds...]}, alternating."""
    from load import CompetingLoad

    runs = {"quiet": [], "loaded": []}
    capstone_seconds(1)  # warm-up: imports and the disk cache
    for _ in range(repeats):
        runs["quiet"].append(capstone_seconds(epochs))
        with CompetingLoad(load_processes, seconds=600):
            runs["loaded"].append(capstone_seconds(epochs))
    return runs


# ---------------------------------------------------------------------- report


def print_table(title, header, rows):
    print(title)
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths, strict=True)))
    print()


def load_note(load_before):
    load = max(load_before, os.getloadavg()[0])
    return f"load average up to {load:.1f} on {os.cpu_count()} cores"


def main(argv=None):
    args = parse_args(argv)
    set_environment(max(args.threads), args.keep_blas_env)
    if args.memory_child:
        memory_child(args.memory_child, args.batches[0], args.threads[0])
        return
    sys.path.insert(0, str(Path(__file__).parent))  # benchmarks/load.py, capstone.py
    engines = load_engines()
    with_torch = "torch" in engines
    if not with_torch:
        print("PyTorch is not installed: autograd_lesson's figures only.\n")
    import numpy as np

    overrides = [f"{name}={os.environ[name]}" for name in BLAS_OVERRIDES if name in os.environ]
    how = ", ".join(overrides) if overrides else "auto-detected, " + " and ".join(BLAS_OVERRIDES)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"{when}; NumPy {np.__version__}, OpenBLAS kernel {blas_kernel()} ", end="")
    print(f"({how if overrides else how + ' unset'})", end="")
    print(f", torch {engines['torch'].__version__}" if with_torch else "")
    if args.load:
        print(f"Timed next to a competing load: {args.load} busy process(es).")
    print()
    weights = shared_weights()
    goals = {}
    load_before = os.getloadavg()[0]
    from load import CompetingLoad

    with CompetingLoad(args.load, seconds=3600):
        for batch in args.batches:
            repeats = args.repeats or (15 if batch == 1 else 7)
            samples = time_batch(engines, weights, batch, args.threads, repeats)
            for count in args.threads:
                clock = args.clock or ("cpu" if count == 1 else "wall")
                header = ["batch", "phase", "ours ms", "spread"]
                header += ["torch ms", "spread", "ratio", "spread"] if with_torch else []
                rows, ratio = timing_table(samples, batch, count, clock, with_torch)
                title = (
                    f"ResNet-18 training step on 3x64x64, batch {batch}, {count} thread(s): "
                    f"median {clock} time of {repeats} alternating repetitions"
                )
                print_table(title, header, rows)
                goals[f"ratio {count}T b{batch}"] = ratio
            if len(args.threads) > 1:
                speedups(samples, batch, args.threads, engines, goals)
    print(f"({load_note(load_before)} while timing the step)\n")
    if not args.no_memory and memory_supported():
        report_memory(args, with_torch, goals)
    if not args.no_capstone:
        report_capstone(args, goals)
    report_goals(goals)


def speedups(samples, batch, thread_counts, engines, goals):
    """Each engine's wall-time speed-up from 1 thread to the others, repetition by repetition."""
    one = min(thread_counts)
    rows = []
    for name in engines:
        base = totals(samples[one, name], "wall")
        for count in thread_counts:
            if count == one:
                continue
            more = totals(samples[count, name], "wall")
            gains = [a / b for a, b in zip(base, more)]
            gain = statistics.median(gains)
            rows.append([name, f"{one} -> {count}", f"{gain:.2f}", spread(gains, 1, 2)])
            if name == "autograd_lesson":
                goals[f"speed-up {one}T->{count}T b{batch}"] = (gain, min(gains), max(gains))
    header = ["engine", "threads", "speed-up", "spread"]
    print_table(f"Batch {batch}: wall time with {one} thread / with more", header, rows)


def report_memory(args, with_torch, goals):
    threads = max(args.threads)
    header = ["batch", "autograd_lesson MB", "(tracemalloc MB)"]
    header += ["torch MB", "ratio"] if with_torch else []
    rows = []
    for batch in args.batches:
        ours = measure_memory("autograd_lesson", batch, threads)
        row = [batch, f"{ours['rss_mb']:.0f}", f"{ours['tracemalloc_mb']:.0f}"]
        if with_torch:
            theirs = measure_memory("torch", batch, threads)
            ratio = ours["rss_mb"] / theirs["rss_mb"]
            row += [f"{theirs['rss_mb']:.0f}", f"{ratio:.2f}"]
            goals[f"memory b{batch}"] = (ratio, ratio, ratio)
        rows.append(row)
    title = f"Peak memory of one training step, above the level before it (RSS, {threads} threads)"
    print_table(title, header, rows)


def report_capstone(args, goals):
    load_before = os.getloadavg()[0]
    runs = time_capstone(args.capstone_epochs, args.capstone_repeats, args.capstone_load)
    ratios = [loaded / quiet for quiet, loaded in zip(runs["quiet"], runs["loaded"])]
    rows = [
        [kind, f"{statistics.median(seconds):.2f}", spread(seconds, 1, 2)]
        for kind, seconds in runs.items()
    ]
    rows.append(["loaded/quiet", f"{statistics.median(ratios):.2f}", spread(ratios, 1, 2)])
    title = (
        f"Capstone (lesson 08), {args.capstone_epochs} epochs, default threads: seconds, "
        f"as the machine is vs next to {args.capstone_load} busy process(es), "
        f"{args.capstone_repeats} alternating runs ({load_note(load_before)})"
    )
    print_table(title, ["run", "median s", "spread"], rows)
    goals["capstone loaded/quiet"] = (statistics.median(ratios), min(ratios), max(ratios))


GOALS = [  # (figure, at most / at least, limit)
    ("ratio 1T b1", "<=", 0.9),
    ("ratio 1T b32", "<=", 1.1),
    ("ratio 2T b1", "<=", 1.0),
    ("ratio 2T b32", "<=", 1.3),
    ("speed-up 1T->2T b32", ">=", 1.5),
    ("memory b32", "<", 1.0),
    ("capstone loaded/quiet", "<=", 1.5),
]


def report_goals(goals):
    rows = []
    for name, sense, limit in GOALS:
        if name not in goals or goals[name] is None:
            continue
        value, low, high = goals[name]
        met = {"<=": value <= limit, "<": value < limit, ">=": value >= limit}[sense]
        rows.append([name, f"{sense} {limit}", f"{value:.2f}", f"{low:.2f}-{high:.2f}", met])
    if rows:
        print_table("Goals (issue 9)", ["figure", "goal", "median", "spread", "met"], rows)


if __name__ == "__main__":
    main()
