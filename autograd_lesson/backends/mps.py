"""`torch.backends.mps`: Apple's GPU backend, absent here (as on any non-Mac PyTorch)."""


def is_available():
    return False


def is_built():
    return False
