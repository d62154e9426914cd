"""Time drawing 10⁶ random numbers, autograd_lesson against PyTorch (same seed, same numbers).

    python benchmarks/rng.py
    python benchmarks/rng.py --size 100000 --repeats 21

For each call (rand and randn, float32 and float64) it checks once that both engines drew
the same bits, then alternates the two engines `--repeats` times and prints the median
CPU time of each (time.process_time: other jobs on the machine barely change it) and the
ratio ours / torch. Not a timed test: nothing fails when a figure is slow.
"""

import argparse
import statistics
import time

import numpy as np

import autograd_lesson

CALLS = [
    ("rand", "float32"),
    ("rand", "float64"),
    ("randn", "float32"),
    ("randn", "float64"),
]


def draw(backend, name, dtype, size):
    return getattr(backend, name)(size, dtype=getattr(backend, dtype))


def cpu_time(backend, name, dtype, size):
    start = time.process_time()
    draw(backend, name, dtype, size)
    return time.process_time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("torch is not installed: autograd_lesson's figures only")
    print(f"{args.size:,} numbers, median CPU time of {args.repeats} runs")
    print(f"{'call':<18}{'autograd_lesson':>16}{'PyTorch':>10}{'ratio':>8}  same bits")
    for name, dtype in CALLS:
        backends = [autograd_lesson] + ([torch] if torch else [])
        drawn = []
        for backend in backends:
            backend.manual_seed(0)
            drawn.append(draw(backend, name, dtype, args.size).numpy())
        same = len(drawn) == 2 and np.array_equal(drawn[0].view(np.uint8), drawn[1].view(np.uint8))
        times = {backend.__name__: [] for backend in backends}
        for _ in range(args.repeats):
            for backend in backends:  # alternate, so a slow moment hits both
                times[backend.__name__].append(cpu_time(backend, name, dtype, args.size))
        ours = statistics.median(times["autograd_lesson"])
        line = f"{name + ' ' + dtype:<18}{ours * 1e3:>13.1f} ms"
        if torch:
            theirs = statistics.median(times["torch"])
            line += f"{theirs * 1e3:>7.1f} ms{ours / theirs:>8.2f}  {'yes' if same else 'NO'}"
        print(line)


if __name__ == "__main__":
    main()
