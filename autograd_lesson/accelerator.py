"""`torch.accelerator`: the device-agnostic questions, answered for a CPU-only engine.

    device = torch.accelerator.current_accelerator() or torch.device("cpu")

`current_accelerator()` is None (the CPU does not count as an accelerator in PyTorch).
"""

from .device import NO_ACCELERATOR


def is_available():
    return False


def current_accelerator(check_available=False):
    return None


def device_count():
    return 0


def current_device_index():
    raise RuntimeError(NO_ACCELERATOR)
