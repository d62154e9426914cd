"""`torch.backends.cuda`: this build has no CUDA."""


def is_built():
    return False
