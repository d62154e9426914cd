"""Containers by name or number: ModuleDict, ParameterList, ParameterDict. What they hold
is registered, so a parent module sees it (parameters(), state_dict(), .to(), repr)."""

from collections import OrderedDict

from ..tensor import Tensor
from .module import Module
from .parameter import Parameter


class ModuleDict(Module):
    """A dict of modules: ModuleDict({"encoder": ..., "head": ...})."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key):
        module = self[key]
        del self[key]
        return module

    def clear(self):
        self._modules.clear()

    def update(self, modules):
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module


def _as_parameter(value):
    """A tensor put in a parameter container becomes a Parameter, as in PyTorch."""
    if isinstance(value, Tensor) and not isinstance(value, Parameter):
        return Parameter(value)
    return value


def _parameter_line(value, tensor_name):
    """How a ParameterList/Dict line shows a parameter: its dtype and size, no numbers."""
    if not isinstance(value, Tensor):
        return f"Object of type: {type(value).__name__}"
    kind = "Parameter containing" if isinstance(value, Parameter) else "Tensor containing"
    size = "x".join(str(n) for n in value.shape)
    return f"{kind}: [{tensor_name(value)} of size {size}]"


class ParameterList(Module):
    """A list of parameters, registered under the names "0", "1", ..."""

    def __init__(self, values=None):
        super().__init__()
        self._size = 0
        for value in values or ():
            self.append(value)

    def _key(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range")
        return str(index % len(self))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(list(self)[index])
        return getattr(self, self._key(index))

    def __setitem__(self, index, value):
        setattr(self, self._key(index), _as_parameter(value))

    def __len__(self):
        return self._size

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def append(self, value):
        self._size += 1
        setattr(self, str(self._size - 1), _as_parameter(value))
        return self

    def extend(self, values):
        for value in values:
            self.append(value)
        return self

    def extra_repr(self):
        # Each line starts with two spaces; Module's repr adds two more (four in all, as
        # PyTorch prints it, and a single line stays on the first, after two spaces).
        return "\n".join(
            f"  ({i}): {_parameter_line(p, lambda t: repr(t.dtype))}" for i, p in enumerate(self)
        )


class ParameterDict(Module):
    """A dict of parameters: ParameterDict({"scale": Parameter(...)})."""

    def __init__(self, parameters=None):
        super().__init__()
        self._keys = OrderedDict()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key):
        return getattr(self, key)

    def __setitem__(self, key, value):
        self._keys[key] = None
        setattr(self, key, _as_parameter(value))

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def values(self):
        return [self[k] for k in self._keys]

    def items(self):
        return [(k, self[k]) for k in self._keys]

    def update(self, parameters):
        pairs = parameters.items() if hasattr(parameters, "items") else parameters
        for key, value in pairs:
            self[key] = value

    def extra_repr(self):
        # As ParameterList's (this one names the dtype the legacy way: torch.FloatTensor).
        return "\n".join(
            f"  ({k}): {_parameter_line(p, lambda t: t.dtype.tensor_type_name)}"
            for k, p in self.items()
        )
