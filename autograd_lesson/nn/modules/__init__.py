"""PyTorch's spelling `torch.nn.modules.module`, where the global module hooks are found
(`torch.nn.modules.module.register_module_forward_hook(...)`). The code is in nn/module.py."""

from . import module

__all__ = ["module"]
