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
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from ..device import parse_to_arguments, require_cpu
from ..grad_mode import no_grad
from ..hooks import RemovableHandle
from ..tensor import Size, Tensor
from .hooks import BackwardHook
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


# ---------------------------------------------------------------------- global hooks
# Hooks that run for EVERY module call, before the module's own hooks
# (torch.nn.modules.module.register_module_forward_hook and friends, at the end of this file).
_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()
_global_forward_hooks_with_kwargs = OrderedDict()
_global_forward_hooks_always_called = OrderedDict()
_global_backward_pre_hooks = OrderedDict()
_global_backward_hooks = OrderedDict()

# A module's own hooks: a dict of hooks by handle id, and dicts of flags set per hook id.
HOOK_REGISTRIES = (
    "_forward_pre_hooks",
    "_forward_pre_hooks_with_kwargs",
    "_forward_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_hooks_always_called",
    "_backward_pre_hooks",
    "_backward_hooks",
)


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
        # Hooks by handle id (see the hooks section below), and flags set per hook.
        for hooks in HOOK_REGISTRIES:
            object.__setattr__(self, hooks, OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    # ------------------------------------------------------------------ calling, and hooks
    def __call__(self, *args, **kwargs):
        """model(x) runs forward(x), and the hooks registered on this module or on all."""
        if not (
            self._forward_pre_hooks or self._forward_hooks
            or self._backward_pre_hooks or self._backward_hooks
            or _global_forward_pre_hooks or _global_forward_hooks
            or _global_backward_pre_hooks or _global_backward_hooks
        ):  # fmt: skip
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        """PyTorch's order: forward pre hooks (the global ones first), backward hook nodes on
        the inputs, forward(), forward hooks, backward hook nodes on the result."""
        result = None
        called_always_call_hooks = set()
        try:
            # 1. Forward pre hooks: each may replace the arguments.
            for hook_id, hook in (
                *_global_forward_pre_hooks.items(),
                *self._forward_pre_hooks.items(),
            ):
                if hook_id in self._forward_pre_hooks_with_kwargs:
                    new_args_and_kwargs = hook(self, args, kwargs)
                    if new_args_and_kwargs is not None:
                        if not (
                            isinstance(new_args_and_kwargs, tuple) and len(new_args_and_kwargs) == 2
                        ):
                            raise RuntimeError(
                                "forward pre-hook must return None or a tuple of (new_args, "
                                f"new_kwargs), but got {new_args_and_kwargs}."
                            )
                        args, kwargs = new_args_and_kwargs
                else:
                    new_args = hook(self, args)
                    if new_args is not None:
                        args = new_args if isinstance(new_args, tuple) else (new_args,)

            # 2. Backward hooks: identity nodes on the input tensors (see hooks.py).
            backward_hook = None
            full_hooks = [*_global_backward_hooks.values(), *self._backward_hooks.values()]
            pre_hooks = [*_global_backward_pre_hooks.values(), *self._backward_pre_hooks.values()]
            if full_hooks or pre_hooks:
                backward_hook = BackwardHook(self, full_hooks, pre_hooks)
                args = backward_hook.setup_input_hook(args)

            # 3. forward() itself.
            result = self.forward(*args, **kwargs)

            # 4. Forward hooks: each may replace the result.
            for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
                if _is_always_called(self, hook_id):
                    called_always_call_hooks.add(hook_id)
                if _takes_kwargs(self, hook_id):
                    new_result = hook(self, args, kwargs, result)
                else:
                    new_result = hook(self, args, result)
                if new_result is not None:
                    result = new_result

            # 5. Backward hooks: identity nodes on the result's tensors.
            if backward_hook is not None:
                if not isinstance(result, Tensor | tuple):
                    warnings.warn(
                        "For backward hooks to be called, module output should be a Tensor or a "
                        f"tuple of Tensors but received {type(result)}",
                        stacklevel=3,
                    )
                result = backward_hook.setup_output_hook(result)
            return result
        except Exception:
            # Forward hooks registered with always_call=True run even when forward failed;
            # an error inside one of them is only a warning: the first error is raised.
            for hook_id, hook in (*_global_forward_hooks.items(), *self._forward_hooks.items()):
                if not _is_always_called(self, hook_id) or hook_id in called_always_call_hooks:
                    continue
                where = "module" if hook_id in self._forward_hooks else "global module"
                try:
                    if hook_id in self._forward_hooks_with_kwargs:
                        new_result = hook(self, args, kwargs, result)
                    else:
                        new_result = hook(self, args, result)
                    if new_result is not None:
                        result = new_result
                except Exception as error:
                    warnings.warn(
                        f"{where} forward hook with ``always_call=True`` raised an exception "
                        f"that was silenced as another error was raised in forward: {error}",
                        stacklevel=3,
                    )
            raise

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """hook(module, args) runs before every forward(); what it returns (if not None)
        replaces args. With with_kwargs=True: hook(module, args, kwargs) -> (args, kwargs)."""
        handle = RemovableHandle(
            self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs
        )
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """hook(module, args, output) runs after every forward(); what it returns (if not None)
        replaces the output. with_kwargs=True: hook(module, args, kwargs, output).
        always_call=True: it also runs when forward() raises."""
        handle = RemovableHandle(
            self._forward_hooks,
            extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called],
        )
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """hook(module, grad_output) runs when the gradients of the module's outputs are known;
        what it returns (if not None) replaces grad_output (see hooks.py)."""
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(self, hook, prepend=False):
        """hook(module, grad_input, grad_output) runs when the gradients of the module's inputs
        are known; what it returns (if not None) replaces grad_input (see hooks.py)."""
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    # ------------------------------------------------------------------ registration
    def _check_initialised(self, what):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {what} before Module.__init__() call")

    def _check_new_name(self, kind, name, registry):
        """PyTorch's checks on the name given to register_parameter / register_buffer."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_type_name(name)}")
        if "." in name:  # dots separate module names in state_dict keys
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in getattr(self, registry):
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name, param):
        self._check_initialised("parameter")
        self._check_new_name("parameter", name, "_parameters")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_type_name(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)"
            )
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """A tensor that belongs to the module's state but is not learned (running_mean...)."""
        self._check_initialised("buffer")
        self._check_new_name("buffer", name, "_buffers")
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
        """Register `module` as a child called `name` (what `self.name = module` does)."""
        self._check_initialised("module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_type_name(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        registries = ("_parameters", "_buffers", "_modules")

        def forget(name, keep):
            """Remove `name` from every registry but `keep`, so one name never means two
            things; in `keep` it is replaced where it stands, so the order stays (as in PyTorch,
            `model.fc = nn.Linear(...)` keeps fc's place in state_dict)."""
            self.__dict__.pop(name, None)
            for registry in registries:
                if registry != keep:
                    self.__dict__.get(registry, {}).pop(name, None)
            self.__dict__.get("_non_persistent_buffers", set()).discard(name)

        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            self._check_initialised("parameters")
            forget(name, keep="_parameters")
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
            forget(name, keep="_modules")
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
        """Copy the tensors of `state_dict` into the parameters and buffers with the same names.

        Values are copied into the existing tensors (an optimizer holding them sees the new
        values), converted to their dtype, as PyTorch's copy_ does. With assign=True the
        checkpoint's tensors take their places instead, keeping their own dtype.
        Every problem is found first and reported at once, in PyTorch's words; when there
        is one, nothing at all has changed (PyTorch keeps the copies made before it met it).
        NumPy arrays are accepted as values too (weights files are read as arrays).
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = self._missing_keys(own, state_dict)
        unexpected = self._unexpected_keys(state_dict)
        sources, errors = _values_to_load(own, state_dict)
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
        with no_grad():
            for key, source in sources.items():
                if assign:
                    self._assign(key, source, own[key])
                else:
                    own[key].copy_(source)
        return _IncompatibleKeys(missing, unexpected)

    def _missing_keys(self, own, state_dict):
        """The model's keys that state_dict lacks, except those an older version of a module
        did not save (its version is in state_dict._metadata)."""
        versions = getattr(state_dict, "_metadata", {})
        excused = {
            key
            for prefix, module in self.named_modules(remove_duplicate=False)
            for key in module._may_be_missing(prefix, versions.get(prefix, {}).get("version"))
        }
        return [key for key in own if key not in state_dict and key not in excused]

    def _unexpected_keys(self, state_dict, prefix=""):
        """state_dict's keys that name nothing in the model, in PyTorch's order: each
        module's own, then its children's, in the order state_dict lists them."""
        own = {
            name
            for registry in (self._parameters, self._buffers)
            for name, value in registry.items()
            if value is not None and name not in self._non_persistent_buffers
        }
        unexpected = []
        for key in state_dict:
            if not key.startswith(prefix):
                continue
            first, *rest = key[len(prefix) :].split(".", 1)
            if first not in (self._modules if rest else own):
                unexpected.append(key)
        for name, child in self._modules.items():
            if child is not None:
                unexpected += child._unexpected_keys(state_dict, f"{prefix}{name}.")
        return unexpected

    def _assign(self, key, value, current):
        """load_state_dict(assign=True): `value` replaces the tensor at `key`."""
        prefix, _, name = key.rpartition(".")
        module = dict(self.named_modules(remove_duplicate=False))[prefix]
        if name in module._parameters:
            # A parameter stays a parameter, and keeps whether it requires grad (frozen or not).
            if isinstance(value, Parameter):
                value.requires_grad_(current.requires_grad)
            else:
                value = Parameter(value, requires_grad=current.requires_grad)
        setattr(module, name, value)

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


def _values_to_load(own, state_dict):
    """({key: value} for every key both have, [error lines]): a value that is not a tensor
    (or a numeric NumPy array), or whose shape differs from the model's, is an error line."""
    sources, errors = {}, []
    for key, target in own.items():
        if key not in state_dict:
            continue
        value = state_dict[key]
        if not (isinstance(value, Tensor) or _is_numeric_array(value)):
            errors.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or '
                f"Tensor-like object from checkpoint but received {type(value)}"
            )
            continue
        if not isinstance(value, Tensor):
            value = Tensor(np.asarray(value))  # a NumPy array, shared, not copied yet
        if target.ndim == 0 and value.shape == (1,):
            value = value[0]  # PyTorch loads a 1-element tensor into a 0-d one (old format)
        if tuple(value.shape) != tuple(target.shape):
            errors.append(
                f"size mismatch for {key}: copying a param with shape {Size(value.shape)!r} "
                f"from checkpoint, the shape in current model is {target.shape!r}."
            )
            continue
        sources[key] = value
    return sources, errors


def _is_numeric_array(value):
    return isinstance(value, np.ndarray | np.generic) and np.asarray(value).dtype.kind in "biuf"


def _type_name(value):
    """torch.typename: 'torch.FloatTensor' for a tensor, else the type with its module
    ('int', 'numpy.ndarray')."""
    if isinstance(value, Tensor):
        return value.dtype.tensor_type_name
    kind = type(value)
    module = kind.__module__ or ""
    return kind.__qualname__ if module in ("", "builtins") else f"{module}.{kind.__qualname__}"

def _is_always_called(module, hook_id):
    return hook_id in module._forward_hooks_always_called or (
        hook_id in _global_forward_hooks_always_called
    )


def _takes_kwargs(module, hook_id):
    return hook_id in module._forward_hooks_with_kwargs or (
        hook_id in _global_forward_hooks_with_kwargs
    )


# ---------------------------------------------------------------------- global hook functions
def register_module_forward_pre_hook(hook):
    """hook(module, args) runs before the forward() of every module (before its own hooks)."""
    handle = RemovableHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[handle.id] = hook
    return handle


def register_module_forward_hook(hook, *, with_kwargs=False, always_call=False):
    """hook(module, args, output) runs after the forward() of every module."""
    handle = RemovableHandle(_global_forward_hooks, extra_dict=_global_forward_hooks_always_called)
    _global_forward_hooks[handle.id] = hook
    if with_kwargs:
        _global_forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        _global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_full_backward_pre_hook(hook):
    """hook(module, grad_output) for every module, before the module's own pre hooks."""
    handle = RemovableHandle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[handle.id] = hook
    return handle


def register_module_full_backward_hook(hook):
    """hook(module, grad_input, grad_output) for every module, before its own hooks."""
    handle = RemovableHandle(_global_backward_hooks)
    _global_backward_hooks[handle.id] = hook
    return handle
