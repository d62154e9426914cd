"""`torch.cuda` as in a PyTorch built without CUDA: no GPU here, and it says so.

The checks a script makes before choosing a device answer as that PyTorch answers
(`is_available()` is False, `device_count()` 0), seeding and cache calls do nothing, and every
call that needs a GPU raises PyTorch's AssertionError("Torch not compiled with CUDA enabled").
"""

from .device import unavailable


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported():
    return False


# Seeding CUDA's generators is a no-op in a CPU-only PyTorch (there are none), so seeding
# boilerplate such as `torch.cuda.manual_seed_all(0)` runs unchanged.
def manual_seed(seed):
    return None


def manual_seed_all(seed):
    return None


def seed():
    return None


def seed_all():
    return None


def empty_cache():
    return None


# Memory counters: no CUDA tensor has been made, so 0 bytes, as PyTorch reports.
def memory_allocated(device=None):
    return 0


def max_memory_allocated(device=None):
    return 0


def memory_reserved(device=None):
    return 0


# What needs a GPU raises, with PyTorch's exception type and words.
def current_device():
    raise unavailable("cuda")


def get_device_name(device=None):
    raise unavailable("cuda")


def get_device_properties(device=None):
    raise unavailable("cuda")


def get_device_capability(device=None):
    raise unavailable("cuda")


def synchronize(device=None):
    raise unavailable("cuda")


def initial_seed():
    raise unavailable("cuda")


def get_rng_state(device="cuda"):
    raise unavailable("cuda")
