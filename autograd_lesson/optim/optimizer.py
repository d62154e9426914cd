"""`Optimizer`: what every optimizer shares, whatever its update rule.

An optimizer holds *parameter groups*: a list of dicts, each with a list of tensors under
"params" and the options (lr, momentum, ...) for those tensors, so that, say, a pretrained
backbone can learn more slowly than a new head. It also keeps `state`, a dict from each
parameter to whatever its rule remembers between steps (SGD's momentum buffer, Adam's
running averages).

A subclass writes its update rule in `_update(p, grad, group)`. `step()` first checks every
parameter that has a gradient, and only then updates them: one bad gradient raises before
any parameter or any state has changed (never half a step).
"""

import copy
import warnings
from collections import defaultdict

import numpy as np

from .. import dtypes
from ..broadcasting import check_broadcastable
from ..grad_mode import enable_grad
from ..tensor import Tensor

DUPLICATE_PARAMETERS_WARNING = (
    "optimizer contains a parameter group with duplicate parameters; in future, this will cause "
    "an error; see github.com/pytorch/pytorch/issues/40967 for more information"
)


class _RequiredParameter:
    """The default of an option a custom optimizer insists on (`lr=required`), as in PyTorch."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    # Options that state dicts saved by older PyTorch versions may lack: load_state_dict fills
    # them in with these values, as PyTorch's __setstate__ does (each optimizer lists its own).
    LOADED_GROUP_DEFAULTS = {}

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {params.dtype.tensor_type_name}"
            )
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        # A plain list of tensors is one group; a list of dicts is several.
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters, with options that default to the optimizer's.

        As in PyTorch, the dict itself becomes the group: its "params" become a list, and
        every option it does not name is filled in from the optimizer's defaults.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        # `model.named_parameters()` gives (name, tensor) pairs: the names are kept for saving.
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError(
                "all optimizer params should be with/without names. Some param names are missing"
            )
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {_type_name(p)}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            warnings.warn(DUPLICATE_PARAMETERS_WARNING, UserWarning, stacklevel=3)
        has_names = bool(names) or "param_names" in param_group
        for group in self.param_groups:
            if has_names != ("param_names" in group):
                with_or_without = "with names" if has_names else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {with_or_without} to the optimizer"
                )
        # Every parameter gets one update per step, so it may belong to one group only.
        already_present = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in already_present for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required optimization "
                    f"parameter {name}"
                )
        # All checked: now the dict becomes the group.
        param_group["params"] = params
        if names:
            param_group["param_names"] = names
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Forget every gradient: `.grad = None` (the default), or fill `.grad` with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad._data[...] = 0
                    count_write(p.grad)

    # ------------------------------------------------------------------ one step
    def step(self, closure=None):
        """One update of every parameter; each optimizer says how (see _check_and_update)."""
        raise NotImplementedError

    def _check_and_update(self, closure):
        """What each optimizer's step() does: check every parameter that has a gradient,
        then apply the rule (`_update`) to each; parameters without one stay as they are.

        `closure`, if given, recomputes the loss (with the graph on) before the update.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        updates = self._checked_updates()
        # Huge gradients overflow to inf in PyTorch too, silently: so no NumPy warning here.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for group, p, grad in updates:
                self._update(p, grad, group)
        return loss

    def _update(self, p, grad, group):
        """The update rule, for one parameter `p` with gradient array `grad`."""
        raise NotImplementedError

    def _checked_updates(self):
        """[(group, parameter, gradient array)] for every parameter with a gradient, once all
        of them have been checked: a failing check raises before anything is changed."""
        updates = []
        for group in self.param_groups:
            for name in self.defaults:  # an option deleted from a group: the rule would need it
                if name not in group:
                    raise KeyError(name)
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                self._check_gradient(p, grad, group)
                updates.append((group, p, grad._data))
        return updates

    def _check_gradient(self, p, grad, group):
        """Raise PyTorch's error for an update PyTorch could not make either."""
        if not isinstance(grad, Tensor):
            raise TypeError(
                "assigned grad expected to be a Tensor or None but got grad of type "
                f"{_type_name(grad)}"
            )
        # The update is in place: the gradient (and every buffer) must fit the parameter.
        _check_fits_in_place(tuple(p.shape), tuple(grad.shape))
        for name, value in self.state.get(p, {}).items():
            if isinstance(value, Tensor) and name != "step":
                _check_fits_in_place(tuple(value.shape), tuple(p.shape))
        state = self.state.get(p)
        if state:  # a state made by another rule or with other options (e.g. amsgrad turned on)
            for key in self._state_keys(group):
                if key not in state:
                    raise KeyError(key)
        if not p.is_floating_point():
            raise self._integer_parameter_error(p, group)

    def _state_keys(self, group):
        """The state entries the rule reads for a parameter that already has state."""
        return ()

    def _integer_parameter_error(self, p, group):
        """What PyTorch raises when this rule meets an integer parameter (subclasses refine):
        its first operation on it fails, which is adding weight_decay * p to the gradient
        when there is a weight decay, else a float result written into the integer tensor."""
        if group.get("weight_decay", 0) != 0 and not group.get("decoupled_weight_decay"):
            return integral_alpha_error()
        return RuntimeError(
            f"result type {dtypes.DEFAULT_FLOAT.short_name} can't be cast to the desired output "
            f"type {p.dtype.short_name}"
        )

    # ------------------------------------------------------------------ saving and loading
    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{options..., 'params': [indices]}]}.

        Parameters are named by their position across all groups (0, 1, 2, ...), not by the
        tensors themselves, so the dict can be saved and loaded into a new optimizer built
        over a new model of the same shape: PyTorch's format. As in PyTorch, the state's
        tensors are the optimizer's own (not copies): save them, or copy them, before the
        next step if you want to keep them as they are now.
        """
        index_of = {}
        groups = []
        for group in self.param_groups:
            first_index = len(index_of)
            for i, p in enumerate(group["params"], first_index):
                index_of.setdefault(id(p), i)
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {
            (index_of[id(p)] if isinstance(p, Tensor) else p): values
            for p, values in self.state.items()
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Take options and state from `state_dict`; check everything before changing anything.

        Buffers are converted to their parameter's dtype; when they already have it, the
        loaded tensors are used as they are (PyTorch does not copy them either).
        """
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size "
                    "of optimizer's group"
                )
        param_of = {
            index: p
            for saved, group in zip(saved_groups, self.param_groups, strict=True)
            for index, p in zip(saved["params"], group["params"], strict=True)
        }
        new_state = defaultdict(dict)
        for key, values in state_dict["state"].items():
            if key in param_of:
                p = param_of[key]
                new_state[p] = {name: _cast_for(p, value, name) for name, value in values.items()}
                if "step" in new_state[p] and not isinstance(new_state[p]["step"], Tensor):
                    # Older PyTorch saved the step count as a number; it is a tensor now.
                    new_state[p]["step"] = new_step_counter(float(new_state[p]["step"]))
            else:
                new_state[key] = values  # kept as it is, as PyTorch does
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            for name, value in self.LOADED_GROUP_DEFAULTS.items():
                saved.setdefault(name, value)
        self.state = new_state
        self.param_groups = saved_groups

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            if i > 0:
                lines.append("")
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        lines.append(")")
        return "\n".join(lines)


# ---------------------------------------------------------------------- helpers for the rules


def check_option_support(foreach, fused, differentiable, capturable=False):
    """PyTorch's checks of the implementation options, then the ones this engine cannot do.

    `foreach` only chooses how PyTorch batches its kernels, so any value is fine here: the
    rule is always computed parameter by parameter, as PyTorch's own default on the CPU.
    """
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        raise NotImplementedError(
            "fused=True asks for PyTorch's fused C++ kernel, which autograd_lesson does not "
            "have; leave fused=None (the default) for the same update rule, computed step by "
            "step in NumPy"
        )
    if differentiable:
        raise NotImplementedError(
            "differentiable=True records the optimizer's update in the autograd graph, which "
            "autograd_lesson does not do; leave differentiable=False (the default)"
        )


def check_capturable(group):
    """capturable=True is for CUDA graphs: PyTorch refuses it at step() on the CPU, and so do we."""
    if group.get("capturable"):
        raise AssertionError(
            "If capturable=True, params and state_steps must be on supported devices: "
            "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']."
        )


def count_write(tensor):
    """Count an in-place change of `tensor`, as PyTorch counts each in-place operation: a
    graph that saved the old values then refuses, at backward, to use them silently."""
    tensor._version_counter.bump()


def to_scalar(value):
    """A learning rate or beta given as a one-element tensor, as a Python number."""
    return value.item() if isinstance(value, Tensor) else value


def check_non_negative(**options):
    """PyTorch's ValueError for the first option (in the order given) that is below zero."""
    labels = {"lr": "learning rate", "eps": "epsilon value"}
    for name, value in options.items():
        if not 0.0 <= value:  # also refuses nan
            raise ValueError(f"Invalid {labels.get(name, name + ' value')}: {value}")


def check_tensor_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")


def new_step_counter(value=0.0):
    """The step count PyTorch keeps per parameter: a 0-d float tensor, tensor(0.)."""
    step_dtype = np.float64 if dtypes.DEFAULT_FLOAT is dtypes.float64 else np.float32
    return Tensor(np.array(value, dtype=step_dtype))


def zeros_like_param(p):
    return Tensor(np.zeros_like(p._data))


def lerp_(start, end, weight):
    """start ← start + weight · (end − start), in place, rounded as PyTorch's lerp rounds it.

    For a weight of 0.5 or more PyTorch counts back from `end` instead, so weight 1 gives
    `end` exactly; the two forms are equal in exact arithmetic.
    """
    weight = start.dtype.type(weight)
    if abs(weight) < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)


def integral_alpha_error():
    return RuntimeError(
        "For integral input tensors, argument alpha must not be a floating point number."
    )


def _check_fits_in_place(target_shape, other_shape):
    """PyTorch's errors when `other` cannot be added into a tensor of `target_shape`."""
    check_broadcastable(target_shape, other_shape)
    broadcast = tuple(np.broadcast_shapes(target_shape, other_shape))
    if broadcast != target_shape:
        raise RuntimeError(
            f"output with shape {list(target_shape)} doesn't match the broadcast shape "
            f"{list(broadcast)}"
        )


def _cast_for(param, value, key=None):
    """A loaded state value for `param`: floating tensors in the parameter's dtype.

    The step count keeps its own dtype (PyTorch keeps it a float32 count whatever the
    parameter's dtype).
    """
    if isinstance(value, Tensor):
        if key == "step" or not param.is_floating_point() or value.dtype is param.dtype:
            return value
        return Tensor(value._data.astype(param._data.dtype))
    if isinstance(value, dict):
        return {k: _cast_for(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_for(param, v) for v in value)
    return value


def _type_name(value):
    """A type's name as PyTorch prints it: `float`, `numpy.ndarray`."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
