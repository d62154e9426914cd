"""A competing CPU load for the benchmarks, bounded in time.

    with CompetingLoad(processes=1, seconds=120):
        ...   # timed while `processes` other processes keep cores busy

Each process spins in a Python loop (one core at 100 %) until the `with` block ends, and
stops by itself after `seconds` at the latest, so an interrupted benchmark leaves nothing
running for long.
"""

import subprocess
import sys

SPIN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


class CompetingLoad:
    def __init__(self, processes=1, seconds=120):
        self.processes, self.seconds = processes, seconds
        self.running = []

    def __enter__(self):
        code = SPIN.format(seconds=float(self.seconds))
        command = [sys.executable, "-c", code]
        self.running = [subprocess.Popen(command) for _ in range(self.processes)]
        return self

    def __exit__(self, *exc_info):
        for process in self.running:
            process.terminate()
        for process in self.running:
            process.wait()
        self.running = []
        return False
