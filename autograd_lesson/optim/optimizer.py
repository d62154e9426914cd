"""`Optimizer`: what every optimizer shares, whatever its update rule.

An optimizer holds *parameter groups*: a list of dicts, each with a list of tensors under
"params" and the options (lr, momentum, ...) for those tensors, so that, say, a pretrained
backbone can learn more slowly than a new head. It also keeps `state`, a dict from each
parameter to whatever its rule remembers between steps (SGD's momentum buffer).
Subclasses only write `step()`.
"""

import warnings
from collections import defaultdict

import numpy as np

from ..grad_mode import enable_grad
from ..tensor import Tensor

DUPLICATE_PARAMETERS_WARNING = (
    "optimizer contains a parameter group with duplicate parameters; in future, this will cause "
    "an error; see github.com/pytorch/pytorch/issues/40967 for more information"
)


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or "
                f"dicts, but got {params.dtype.tensor_type_name}"
            )
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        # A plain list of tensors is one group; a list of dicts is several.
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters, with options that default to the optimizer's."""
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
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {_type_name(p)}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            warnings.warn(DUPLICATE_PARAMETERS_WARNING, UserWarning, stacklevel=3)

        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            group.setdefault(name, default)
        # Every parameter gets one update per step, so it may belong to one group only.
        already_present = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in already_present for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Forget every gradient: `.grad = None` (the default), or fill `.grad` with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad._data[...] = 0

    def step(self, closure=None):
        raise NotImplementedError

    def _evaluate(self, closure):
        """Some optimizers re-evaluate the loss; `closure` recomputes it with the graph on."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ------------------------------------------------------------------ saving and loading
    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{options..., 'params': [indices]}]}.

        Parameters are named by their position across all groups (0, 1, 2, ...), not by the
        tensors themselves, so the dict can be saved and loaded into a new optimizer built
        over a new model of the same shape: PyTorch's format.
        """
        index_of = {}
        groups = []
        for group in self.param_groups:
            indices = []
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
                indices.append(index_of[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": indices})
        state = {
            index_of[id(p)]: dict(values) for p, values in self.state.items() if id(p) in index_of
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Take options and state from `state_dict`; check everything before changing anything."""
        saved_groups = state_dict["param_groups"]
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
        for index, values in state_dict["state"].items():
            if index not in param_of:
                continue  # PyTorch ignores state for parameters it does not know
            p = param_of[index]
            new_state[p] = {name: _copy_for(value, p) for name, value in values.items()}
        self.state = new_state
        self.param_groups = [
            {**saved, "params": group["params"]}
            for saved, group in zip(saved_groups, self.param_groups, strict=True)
        ]

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


def _copy_for(value, param):
    """A state value (a buffer) as a fresh tensor of the parameter's dtype."""
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, np.ndarray):
        return Tensor(np.array(value, dtype=param._data.dtype, copy=True))
    return value


def _type_name(value):
    """A type's name as PyTorch prints it: `float`, `numpy.ndarray`."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
