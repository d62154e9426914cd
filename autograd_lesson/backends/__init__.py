"""`torch.backends`: which compute backends this build has. Only the CPU."""

from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
