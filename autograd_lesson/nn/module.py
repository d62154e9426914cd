"""`nn.Module`: the base class of every layer and model.

A Module keeps three ordered registries, filled simply by assigning attributes:

    self.weight = Parameter(...)    → _parameters   (learnable; seen by the optimizer)
    self.register_buffer("running_mean", t) → _buffers  (state that is saved, not learned)
    self.layer1 = Sequential(...)   → _modules      (sub-modules, searched recursively)

Everything else (parameters(), state_dict(), train(), zero_grad(), repr) walks these
registries. Names are joined with dots ("layer1.0.conv1.weight"), which is how a
state_dict names every tensor of a model.
"""

import itertools
from collections import OrderedDict, namedtuple

import numpy as np

from ..device import parse_to_arguments, require_cpu
from ..grad_mode import no_grad
from ..tensor import Size, Tensor
from .parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict(strict=False) returns: the keys it could not match."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return (
            f"_IncompatibleKeys(missing_keys={self.missing_keys}, "
            f"unexpected_keys={self.unexpected_keys})"
        )


_hook_ids = itertools.count()  # every hook gets a unique key, so removing one is exact


class RemovableHandle:
    """Returned by register_forward_hook: call `.remove()` to unregister the hook."""

    def __init__(self, hooks, key):
        self.hooks, self.key = hooks, key

    def remove(self):
        self.hooks.pop(self.key, None)


def _indent(text, spaces):
    """Indent every line but the first (the first follows "(name): ")."""
    lines = text.split("\n")
    return "\n".join(lines[:1] + [" " * spaces + line for line in lines[1:]])


class Module:
    """Base class for all layers and models: subclass it, set attributes, write forward()."""

    # Saved with state_dict() as "version" metadata; raised when a layer's saved state
    # changes, so that old checkpoints can still be read (see BatchNorm).
    _version = 1

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these registries to exist.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args, **kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            result = hook(self, args, output)
            if result is not None:
                output = result
        return output

    def register_forward_hook(self, hook):
        """hook(module, inputs, output) runs after every forward (used to draw module graphs)."""
        key = next(_hook_ids)
        self._forward_hooks[key] = hook
        return RemovableHandle(self._forward_hooks, key)

    def register_forward_pre_hook(self, hook):
        """hook(module, inputs) runs before every forward; it may return replacement inputs."""
        key = next(_hook_ids)
        self._forward_pre_hooks[key] = hook
        return RemovableHandle(self._forward_pre_hooks, key)

    # ------------------------------------------------------------------ registration
    def _check_initialised(self, what):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {what} before Module.__init__() call")

    def register_parameter(self, name, param):
        self._check_initialised("parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """A tensor that belongs to the module's state but is not learned (running_mean...)."""
        self._check_initialised("buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_type_name(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name, module):
        self._check_initialised("module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        registries = ("_parameters", "_buffers", "_modules")

        def forget(name):
            """Remove `name` everywhere, so one name never means two things."""
            self.__dict__.pop(name, None)
            for registry in registries:
                self.__dict__.get(registry, {}).pop(name, None)

        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_initialised("parameters")
            forget(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)"
                )
            params[name] = None
        elif isinstance(value, Module):
            self._check_initialised("module")
            forget(name)
            self._modules[name] = value
        elif name in self.__dict__.get("_modules", {}):
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)"
                )
            self._modules[name] = None
        elif name in self.__dict__.get("_buffers", {}):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                    "(torch.Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only called when normal lookup fails: look in the registries.
        for registry in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(registry, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(registry, {}):
                del self.__dict__[registry][name]
                return
        object.__delattr__(self, name)

    # ------------------------------------------------------------------ walking the tree
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(name, module) for this module and every module inside it, depth first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                child_prefix = f"{prefix}.{name}" if prefix else name
                yield from module.named_modules(memo, child_prefix, remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry, prefix, recurse, remove_duplicate=True):
        """(dotted name, tensor) from one registry of this module (and those inside it)."""
        modules = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        seen = set()
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn):
        """Call fn on every sub-module (children first), then on this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ modes and gradients
    def train(self, mode=True):
        """Training mode (the default): BatchNorm uses batch statistics, Dropout drops."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self):
        """Evaluation mode: BatchNorm uses its running statistics, Dropout does nothing."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze every parameter, e.g. to fine-tune only a new head."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad._data[...] = 0

    # ------------------------------------------------------------------ dtype conversion
    def _convert_floats(self, numpy_dtype):
        with no_grad():
            for tensor in list(self.parameters()) + list(self.buffers()):
                if tensor._data.dtype.kind == "f":
                    tensor._data = tensor._data.astype(numpy_dtype)
                    if tensor._grad is not None:
                        tensor._grad._data = tensor._grad._data.astype(numpy_dtype)
        return self

    def double(self):
        return self._convert_floats(np.float64)

    def float(self):
        return self._convert_floats(np.float32)

    def to(self, *args, **kwargs):
        """to(device), to(dtype), to(device, dtype), to(tensor): converts floating-point
        parameters and buffers in place and returns self, as in PyTorch."""
        target, dtype, _non_blocking, _copy = parse_to_arguments(args, kwargs)
        if dtype is not None and not dtype.is_floating_point:
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={dtype}"
            )
        # As in PyTorch, a module with no tensors moves anywhere: only tensors raise.
        if target is not None and any(True for _ in self._all_tensors()):
            require_cpu(target)
        return self if dtype is None else self._convert_floats(dtype.numpy_dtype)

    def cpu(self):
        return self

    def cuda(self, device=None):
        for tensor in self._all_tensors():
            tensor.cuda(device)  # raises PyTorch's error (no CUDA here) before anything moves
        return self

    def _all_tensors(self):
        return itertools.chain(self.parameters(), self.buffers())

    # ------------------------------------------------------------------ state_dict
    def state_dict(self, destination=None, prefix="", keep_vars=False):
        """Every parameter and persistent buffer by dotted name, in registration order.

        The tensors share memory with the model (detached from the graph unless keep_vars).
        As in PyTorch, the dict also carries each module's version in `._metadata`.
        """
        state = OrderedDict() if destination is None else destination
        metadata = getattr(state, "_metadata", OrderedDict())
        for module_prefix, module in self.named_modules(prefix=prefix, remove_duplicate=False):
            metadata[module_prefix] = {"version": module._version}
            dotted = f"{module_prefix}." if module_prefix else ""
            for name, param in module._parameters.items():
                if param is not None:
                    state[dotted + name] = param if keep_vars else param.detach()
            for name, buffer in module._buffers.items():
                if buffer is not None and name not in module._non_persistent_buffers:
                    state[dotted + name] = buffer if keep_vars else buffer.detach()
        state._metadata = metadata
        return state

    def _may_be_missing(self, prefix, version):
        """State keys an old checkpoint (saved by this module at `version`) may lack."""
        return []

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy tensors (or NumPy arrays) into the parameters and buffers with the same names.

        Every problem is found first and reported at once, in PyTorch's words; when there
        is one, nothing at all has been copied.
        """
        if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing, unexpected = self._unmatched_keys(own, state_dict)
        sources, errors = _arrays_to_copy(own, state_dict)
        if strict:
            if unexpected:
                names = ", ".join(f'"{key}"' for key in unexpected)
                errors.insert(0, f"Unexpected key(s) in state_dict: {names}. ")
            if missing:
                names = ", ".join(f'"{key}"' for key in missing)
                errors.insert(0, f"Missing key(s) in state_dict: {names}. ")
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
            )
        # (An excused key that is missing keeps its current value, as in PyTorch.)
        for key, source in sources.items():
            # In place: an optimizer holding these parameters keeps seeing the new values.
            own[key]._data[...] = source
        return _IncompatibleKeys(missing, unexpected)

    def _unmatched_keys(self, own, state_dict):
        """(missing, unexpected): the model's keys state_dict lacks (except those an older
        version of a module did not save), and state_dict's keys the model does not have."""
        versions = getattr(state_dict, "_metadata", {})
        excused = {
            key
            for prefix, module in self.named_modules(remove_duplicate=False)
            for key in module._may_be_missing(prefix, versions.get(prefix, {}).get("version"))
        }
        missing = [key for key in own if key not in state_dict and key not in excused]
        unexpected = [key for key in state_dict.keys() if key not in own]
        return missing, unexpected

    # ------------------------------------------------------------------ printing
    def extra_repr(self):
        """The text inside this module's parentheses, e.g. `in_features=512, ...`."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        children = [
            f"({name}): {_indent(repr(module), 2)}" for name, module in self._modules.items()
        ]
        if not children and len(lines) <= 1:
            return f"{self._get_name()}({extra})"
        body = "\n  ".join(lines + children)
        return f"{self._get_name()}(\n  {body}\n)"


def _arrays_to_copy(own, state_dict):
    """({key: array} for every key both have, [error lines]): a value that is not an
    array, or whose shape differs from the model's tensor, becomes an error line instead."""
    sources, errors = {}, []
    for key, target in own.items():
        if key not in state_dict:
            continue
        value = state_dict[key]
        if isinstance(value, Tensor):
            source = value._data
        elif isinstance(value, np.ndarray | np.generic):
            source = np.asarray(value)
        else:
            errors.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or '
                f"Tensor-like object from checkpoint but received {type(value)}"
            )
            continue
        if source.shape != target._data.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape {Size(source.shape)!r} "
                f"from checkpoint, the shape in current model is {target.shape!r}."
            )
            continue
        sources[key] = source
    return sources, errors


def _type_name(value):
    """PyTorch names tensor types like 'torch.FloatTensor' in its assignment errors."""
    if isinstance(value, Tensor):
        return value.dtype.tensor_type_name
    return type(value).__name__
