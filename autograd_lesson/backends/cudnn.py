"""`torch.backends.cudnn`: NVIDIA's cuDNN is absent; its switches keep PyTorch's defaults.

Reproducibility boilerplate (`torch.backends.cudnn.deterministic = True`,
`torch.backends.cudnn.benchmark = False`) sets these flags, which change nothing here:
this engine's CPU kernels are deterministic already.
"""

enabled = True
deterministic = False
benchmark = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
