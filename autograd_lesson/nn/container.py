"""Containers: modules that hold other modules."""

from collections import OrderedDict

from .module import Module, _indent


class Sequential(Module):
    """Runs its modules one after the other: Sequential(a, b, c)(x) = c(b(a(x))).

    The modules are named "0", "1", ... (or by the keys of an OrderedDict), which is where
    state_dict names such as "layer1.0.conv1.weight" come from.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), module)

    def forward(self, input):  # noqa: A002 - PyTorch's argument name
        for module in self:
            input = module(input)
        return input

    def _index(self, index):
        size = len(self)
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of range")
        return index % size

    def __getitem__(self, index):
        if isinstance(index, slice):
            return type(self)(OrderedDict(list(self._modules.items())[index]))
        return list(self._modules.values())[self._index(index)]

    def __setitem__(self, index, module):
        name = list(self._modules)[self._index(index)]
        setattr(self, name, module)

    def __delitem__(self, index):
        del self._modules[list(self._modules)[self._index(index)]]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self


class ModuleList(Module):
    """A list of modules whose parameters the parent module can see (a plain list hides them)."""

    def __init__(self, modules=None):
        super().__init__()
        for module in modules or ():
            self.append(module)

    def __getitem__(self, index):
        if isinstance(index, slice):  # a ModuleList of those modules, renumbered from 0
            return type(self)(list(self._modules.values())[index])
        return Sequential.__getitem__(self, index)

    __setitem__ = Sequential.__setitem__
    __len__ = Sequential.__len__
    __iter__ = Sequential.__iter__
    _index = Sequential._index

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def __repr__(self):
        """As PyTorch prints it: a run of identical modules on one line, "(0-5): 6 x Block(...)"."""
        runs = []  # [first index, last index, repr]
        for index, module in enumerate(self):
            text = repr(module)
            if runs and runs[-1][2] == text:
                runs[-1][1] = index
            else:
                runs.append([index, index, text])
        if not runs:
            return f"{self._get_name()}()"
        lines = []
        for first, last, text in runs:
            if first == last:
                lines.append(f"({first}): {text}")
            else:
                lines.append(f"({first}-{last}): {last - first + 1} x {text}")
        body = "\n  ".join(_indent(line, 2) for line in lines)
        return f"{self._get_name()}(\n  {body}\n)"
