"""Record what PyTorch 2.13 does in nn scenarios into nn_scenarios.json: module hooks,
torch.nn.utils (gradient clipping, parameters as a vector), load_state_dict, Module API.

Run once with the oracle installed:  python tests/golden/record_nn_scenarios.py

Each scenario below is PyTorch code written against a `torch` argument, so the same
function runs on torch (here, to record) and on autograd_lesson (tests/test_nn_hooks.py,
test_nn_utils.py and test_nn_module.py compare). A scenario returns a log: for hooks,
which hook fired in which order, what it was given (shapes, values, where None stands) and
what replacing a value changed; for the others, results and what changed; for all, the
exceptions and warnings raised, with their messages.
"""

import json
import math
import warnings
from pathlib import Path

GOLDEN_FILE = Path(__file__).with_name("nn_scenarios.json")


# ---------------------------------------------------------------------- describing values
def show(value):
    """A JSON-able picture of a hook argument: tensors by shape and rounded values."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, tuple | list):
        return [show(v) for v in value]
    if isinstance(value, dict):
        return {k: show(v) for k, v in value.items()}
    if hasattr(value, "shape") and hasattr(value, "tolist"):
        shown = {"shape": list(value.shape), "values": _rounded(value.detach().tolist())}
        if str(value.dtype) != "torch.float32":
            shown["dtype"] = str(value.dtype)
        return shown
    return type(value).__name__


def _rounded(values):
    if isinstance(values, list):
        return [_rounded(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        return str(values)  # "inf", "nan": JSON has no such numbers
    return round(values, 4)


def attempt(log, action):
    """Run `action`; log its exception (type and message) and warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            action()
            outcome = "ok"
        except Exception as error:  # noqa: BLE001 - the exception is what we record
            outcome = {"error": type(error).__name__, "message": str(error)}
    log.append({"outcome": outcome})
    for warning in caught:
        log.append({"warning": warning.category.__name__, "message": str(warning.message)})


def assert_same_log(ours, expected, where="log"):
    """For the tests: equal logs, except that numbers may differ by float32 rounding
    (logs keep 4 decimals)."""
    if isinstance(expected, float) and not isinstance(ours, bool):
        assert isinstance(ours, int | float), f"{where}: {ours!r} != {expected!r}"
        close = math.isclose(ours, expected, rel_tol=1e-3, abs_tol=2e-4)
        assert close, f"{where}: {ours} != {expected}"
    elif isinstance(expected, list):
        assert isinstance(ours, list), f"{where}: {ours!r} != {expected!r}"
        assert len(ours) == len(expected), f"{where}: {ours} != {expected}"
        for i, (a, b) in enumerate(zip(ours, expected, strict=True)):
            assert_same_log(a, b, f"{where}[{i}]")
    elif isinstance(expected, dict):
        assert isinstance(ours, dict) and ours.keys() == expected.keys(), f"{where}: {ours}"
        for key in expected:
            assert_same_log(ours[key], expected[key], f"{where}.{key}")
    else:
        assert ours == expected, f"{where}: {ours!r} != {expected!r}"

def linear(torch, out_features, in_features, start=1.0):
    """nn.Linear with weights start, start+1, ... / 10 and bias 0.1, 0.2, ..."""
    layer = torch.nn.Linear(in_features, out_features)
    with torch.no_grad():
        count = out_features * in_features
        layer.weight.copy_(
            torch.arange(count).reshape(out_features, in_features).float() / 10 + start
        )
        layer.bias.copy_(torch.arange(out_features).float() / 10 + 0.1)
    return layer


def logging_hooks(log, module, name):
    """Backward pre hook and full backward hook on `module` that log what they receive."""

    def pre_hook(m, grad_output):
        log.append([name, "backward_pre", show(grad_output), m is module])

    def full_hook(m, grad_input, grad_output):
        log.append([name, "backward", show(grad_input), show(grad_output), m is module])

    module.register_full_backward_pre_hook(pre_hook)
    module.register_full_backward_hook(full_hook)


# ---------------------------------------------------------------------- forward hooks
def forward_hook_order_and_replacement(torch):
    log = []
    layer = linear(torch, 2, 3)
    x = torch.tensor([[1.0, 2.0, 3.0]])

    def pre(name, result=None):
        def hook(m, args):
            log.append([name, show(args)])
            return result

        return hook

    def pre_kwargs(m, args, kwargs):
        log.append(["pre_kwargs", show(args), show(kwargs)])
        return args, kwargs

    def post(name, result=None):
        def hook(m, args, output):
            log.append([name, show(args), show(output)])
            return result

        return hook

    def post_kwargs(m, args, kwargs, output):
        log.append(["post_kwargs", show(args), show(kwargs), show(output)])

    layer.register_forward_pre_hook(pre("pre_a"))
    layer.register_forward_pre_hook(pre("pre_b", x * 2))  # not a tuple: wrapped in one
    layer.register_forward_pre_hook(pre("pre_first"), prepend=True)
    layer.register_forward_pre_hook(pre_kwargs, with_kwargs=True)
    layer.register_forward_hook(post("post_a"))
    layer.register_forward_hook(post("post_b", torch.zeros(1)))
    layer.register_forward_hook(post("post_first"), prepend=True)
    layer.register_forward_hook(post_kwargs, with_kwargs=True)
    log.append(["result", show(layer(x))])
    log.append(["flags", len(layer._forward_hooks), len(layer._forward_pre_hooks)])
    return log


def forward_pre_hook_replaces_args_and_kwargs(torch):
    log = []

    class Scale(torch.nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    module = Scale()
    x = torch.tensor([1.0, 2.0])
    handle = module.register_forward_pre_hook(
        lambda m, args, kwargs: ((args[0] + 1,), {"factor": 10.0}), with_kwargs=True
    )
    log.append(show(module(x, factor=2.0)))
    handle.remove()
    module.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    attempt(log, lambda: module(x))
    return log


def global_hooks_run_first(torch):
    log = []
    hooks = torch.nn.modules.module
    outer = torch.nn.Sequential(linear(torch, 2, 2), torch.nn.Sequential(linear(torch, 1, 2)))
    names = {id(m): name or "outer" for name, m in outer.named_modules()}
    x = torch.tensor([[1.0, -1.0]], requires_grad=True)
    handles = [
        hooks.register_module_forward_pre_hook(
            lambda m, args: log.append(["global_pre", names[id(m)]])
        ),
        hooks.register_module_forward_hook(
            lambda m, args, out: log.append(["global_post", names[id(m)], show(out)])
        ),
        hooks.register_module_full_backward_pre_hook(
            lambda m, go: log.append(["global_backward_pre", names[id(m)], show(go)])
        ),
        hooks.register_module_full_backward_hook(
            lambda m, gi, go: log.append(["global_backward", names[id(m)], show(gi), show(go)])
        ),
    ]
    try:
        for name, module in outer.named_modules():
            module.register_forward_pre_hook(lambda m, a, n=name: log.append(["pre", n]))
            module.register_forward_hook(lambda m, a, o, n=name: log.append(["post", n]))
            logging_hooks(log, module, name or "outer")
        outer(x).sum().backward()
        log.append(["x.grad", show(x.grad)])
    finally:
        for handle in handles:
            handle.remove()
    outer(x)  # removed: nothing global is logged any more
    log.append(["after removal", len(log)])
    return log


def always_call_forward_hooks(torch):
    log = []

    class Fails(torch.nn.Module):
        def forward(self, x):
            raise ValueError("forward failed")

    module = Fails()
    module.register_forward_hook(lambda m, args, out: log.append(["plain", show(out)]))
    module.register_forward_hook(
        lambda m, args, out: log.append(["always", show(args), show(out)]), always_call=True
    )
    module.register_forward_hook(
        lambda m, args, kwargs, out: log.append(["always_kwargs", show(kwargs), show(out)]),
        always_call=True,
        with_kwargs=True,
    )

    def raising(m, args, out):
        raise KeyError("hook failed too")

    module.register_forward_hook(raising, always_call=True)
    attempt(log, lambda: module(torch.ones(1)))
    return log


def handles(torch):
    log = []
    layer = linear(torch, 1, 1)
    x = torch.ones(1, 1)
    first = layer.register_forward_hook(lambda m, a, o: log.append("first"), with_kwargs=False)
    second = layer.register_forward_hook(lambda m, a, k, o: log.append("second"), with_kwargs=True)
    log.append(["ids increase", second.id > first.id])
    second.remove()
    second.remove()  # a second remove does nothing
    log.append(["flags cleaned", second.id in layer._forward_hooks_with_kwargs])
    layer(x)
    with layer.register_forward_pre_hook(lambda m, a: log.append("inside")) as handle:
        log.append(["enter returns the handle", handle.id > second.id])
        layer(x)
    layer(x)

    # A hook that removes another hook during a call: this call still runs it.
    def remover(m, a, o):
        log.append("remover")
        victim.remove()

    layer.register_forward_hook(remover, prepend=True)
    victim = layer.register_forward_hook(lambda m, a, o: log.append("victim"))
    layer(x)
    layer(x)
    return log


# ---------------------------------------------------------------------- backward hooks
def backward_hooks_in_nested_modules(torch):
    """Pre hooks as gradients reach each module's output, full hooks as they reach its input:
    outer pre, then inner modules from last to first, outer full hook last."""
    log = []
    model = torch.nn.Sequential(linear(torch, 3, 2), torch.nn.Tanh(), linear(torch, 1, 3, -0.5))
    for name, module in model.named_modules():
        logging_hooks(log, module, name or "model")
    x = torch.tensor([[0.5, -1.0], [1.5, 0.25]], requires_grad=True)
    out = model(x)
    log.append(["grad_fn", out.grad_fn.name(), [n.name() for n, _ in out.grad_fn.next_functions]])
    out.sum().backward()
    log.append(["x.grad", show(x.grad)])
    return log


def hooks_on_a_small_cnn(torch):
    """Conv2d, BatchNorm2d, ReLU, pooling: 4-D gradients, a module called twice, a gradient
    scaled by a hook on the way down."""
    log = []
    conv = torch.nn.Conv2d(1, 2, kernel_size=2)
    weights = torch.tensor([1.0, -1.0, 0.5, 0.25, -0.5, 1.0, 2.0, 0.0])
    with torch.no_grad():
        conv.weight.copy_(weights.reshape(2, 1, 2, 2))
        conv.bias.copy_(torch.tensor([0.1, -0.2]))
    model = torch.nn.Sequential(
        conv, torch.nn.BatchNorm2d(2), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1)
    )
    for name, module in model.named_modules():
        logging_hooks(log, module, name or "model")
    model[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
    x = torch.arange(18.0).reshape(2, 1, 3, 3) / 10
    x.requires_grad_()
    out = model(x) + model(x * -1)  # every hook fires twice, for each call
    (out * torch.tensor([1.0, -2.0]).reshape(1, 2, 1, 1)).sum().backward()
    log.append(["x.grad", show(x.grad), "conv.weight.grad", show(conv.weight.grad)])
    return log


def backward_hook_replacements(torch):
    log = []
    layer = linear(torch, 2, 3)
    x = torch.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]], requires_grad=True)

    def double_grad_output(m, grad_output):
        log.append(["pre", show(grad_output)])
        return (grad_output[0] * 2,)

    def see(name):
        return lambda m, gi, go: log.append([name, show(gi), show(go)])

    layer.register_full_backward_pre_hook(double_grad_output)
    layer.register_full_backward_pre_hook(lambda m, go: log.append(["pre after", show(go)]))
    layer.register_full_backward_hook(see("full 1"))
    layer.register_full_backward_hook(lambda m, gi, go: [gi[0] + 100])  # a list works too
    layer.register_full_backward_hook(see("full 3"))
    layer.register_full_backward_hook(see("full first"), prepend=True)
    layer(x).sum().backward()
    log.append(["x.grad", show(x.grad), "weight.grad", show(layer.weight.grad)])
    # None as the new grad_input: nothing reaches x.
    x.grad = None
    layer.register_full_backward_hook(lambda m, gi, go: (None,))
    layer(x).sum().backward()
    log.append(["x.grad after None", show(x.grad)])
    return log


def several_inputs_and_outputs(torch):
    """Non-tensor arguments and outputs are None in the tuples; a tensor input that does not
    require grad gets zeros in grad_input; an output that got no gradient gets None."""
    log = []

    class Mix(torch.nn.Module):
        def forward(self, a, b, scale, flag=True):
            return a * scale + b, b * 3, "label"

    module = Mix()
    logging_hooks(log, module, "mix")
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0])
    out = module(a, b, 2.0, flag=False)
    log.append(["outputs", show(out), out[1].requires_grad])
    out[0].sum().backward()
    log.append(["a.grad", show(a.grad)])
    return log


def integer_and_bool_inputs(torch):
    """Index and mask arguments are tensors too: grad_input has zeros of their dtype."""
    log = []

    class Pick(torch.nn.Module):
        def forward(self, x, index, mask):
            return x[index] * 2

    module = Pick()
    logging_hooks(log, module, "pick")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    module(x, torch.tensor([0, 2]), torch.tensor([True, False])).sum().backward()
    log.append(["x.grad", show(x.grad)])
    return log


# Known differences: autograd_lesson refuses these with NotImplementedError (see
# nn/hooks.py); their torch logs are kept to show what PyTorch does.
def none_as_grad_output(torch):
    """PyTorch still runs the module's backward with the missing gradient: y gets zeros."""
    log = []
    layer = linear(torch, 1, 3)
    layer.register_full_backward_pre_hook(lambda m, go: (None,))
    layer.register_full_backward_hook(lambda m, gi, go: log.append(["full", show(gi), show(go)]))
    y = torch.ones(1, 3, requires_grad=True)
    layer(y).sum().backward()
    log.append(["y.grad", show(y.grad), "weight.grad", show(layer.weight.grad)])
    return log


def two_inputs_and_outputs_require_grad(torch):
    """An input that needs no gradient for an output gets zeros (b for the first output)."""
    log = []

    class Mix(torch.nn.Module):
        def forward(self, a, b, scale):
            return a * scale + b, b * 3

    module = Mix()
    logging_hooks(log, module, "mix")
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    out = module(a, b, 2.0)
    (out[1] * torch.tensor([1.0, 10.0])).sum().backward()
    log.append(["a.grad", show(a.grad), "b.grad", show(b.grad)])
    return log


def no_input_requires_grad(torch):
    """The first layer of a model gets data that needs no gradient: its full hooks fire when
    the output's gradient is known, with None for every input, and a warning."""
    log = []
    layer = linear(torch, 2, 2)
    logging_hooks(log, layer, "layer")
    x = torch.tensor([[1.0, 2.0]])
    attempt(log, lambda: layer(x).sum().backward())
    log.append(["weight.grad", show(layer.weight.grad)])
    layer.register_full_backward_hook(lambda m, gi, go: (None,))  # allowed: all None
    attempt(log, lambda: layer(x).sum().backward())
    layer.register_full_backward_hook(lambda m, gi, go: (torch.ones(1, 2),))
    attempt(log, lambda: layer(x).sum().backward())
    return log


def hooks_fire_on_every_backward(torch):
    log = []
    layer = linear(torch, 1, 2)
    logging_hooks(log, layer, "layer")
    x = torch.tensor([[1.0, 2.0]], requires_grad=True)
    out = layer(x)
    out.backward(torch.tensor([[1.0]]), retain_graph=True)
    out.backward(torch.tensor([[3.0]]))
    log.append(["x.grad", show(x.grad)])
    with torch.no_grad():
        log.append(["no_grad output has no grad_fn", layer(x).grad_fn is None])
    log.append(["fired", len(log)])
    return log


def hooks_with_create_graph(torch):
    """Gradients of gradients: the hooks fire in both backward passes, and a replaced
    grad_input is part of the graph that the second pass differentiates."""
    log = []
    for scale in (None, 3.0):
        layer = linear(torch, 1, 2)
        logging_hooks(log, layer, "layer")
        if scale is not None:
            layer.register_full_backward_hook(lambda m, gi, go, scale=scale: (gi[0] * scale,))
        x = torch.tensor([[1.0, 2.0]], requires_grad=True)
        y = (layer(x) ** 2).sum()
        (grad,) = torch.autograd.grad(y, x, create_graph=True)
        log.append(["grad", show(grad), grad.grad_fn.name()])
        (grad * torch.tensor([[1.0, -1.0]])).sum().backward()
        log.append(["x.grad", show(x.grad), "weight.grad", show(layer.weight.grad)])
    return log


def output_not_depending_on_input(torch):
    """The gradient never reaches the input node: the pre hook fires, the full hook does not."""
    log = []

    class Constant(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.value = torch.nn.Parameter(torch.tensor([2.0, 3.0]))

        def forward(self, x):
            return self.value * 2

    module = Constant()
    logging_hooks(log, module, "constant")
    module(torch.ones(2, requires_grad=True)).sum().backward()
    log.append(["value.grad", show(module.value.grad)])
    return log


def hook_errors(torch):
    log = []
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    bad_results = {
        "pre: two values for one output": ("pre", lambda g: (g[0], g[0])),
        "pre: wrong shape": ("pre", lambda g: (torch.ones(5),)),
        "pre: wrong dtype": ("pre", lambda g: (torch.ones(2, 2, dtype=torch.float64),)),
        "pre: integer dtype": ("pre", lambda g: (torch.ones(2, 2, dtype=torch.int64),)),
        "pre: a number": ("pre", lambda g: (1.0,)),
        "pre: a bare tensor": ("pre", lambda g: g[0] * 2),
        "full: two values for one input": ("full", lambda g: (g[0], g[0])),
        "full: broadcastable shape": ("full", lambda g: (torch.ones(2),)),
        "full: wrong dtype": ("full", lambda g: (torch.ones(2, 2, dtype=torch.float64),)),
        "full: a number": ("full", lambda g: (1.0,)),
        "full: not a sequence": ("full", lambda g: 5),
    }
    for name, (kind, make) in bad_results.items():
        layer = linear(torch, 2, 2)
        if kind == "pre":
            layer.register_full_backward_pre_hook(lambda m, go, make=make: make(go))
        else:
            layer.register_full_backward_hook(lambda m, gi, go, make=make: make(gi))
        log.append(name)
        attempt(log, lambda layer=layer: layer(x).sum().backward())
    return log


def non_tensor_output_warns(torch):
    log = []

    class ReturnsList(torch.nn.Module):
        def forward(self, x):
            return [x * 2]

    class ReturnsDict(torch.nn.Module):
        def forward(self, x):
            return {"out": x * 2}

    class ReturnsNumber(torch.nn.Module):
        def forward(self, x):
            return 3

    x = torch.ones(2, requires_grad=True)
    for cls in (ReturnsList, ReturnsDict, ReturnsNumber):
        module = cls()
        logging_hooks(log, module, cls.__name__)
        result = []
        attempt(log, lambda module=module, result=result: result.append(module(x)))
        log.append(show(result))
    return log



# ---------------------------------------------------------------------- torch.nn.utils
def parameters_with_grads(torch, *grads):
    """One parameter per gradient (None: a parameter that has no .grad)."""
    params = []
    for grad in grads:
        values = grad if grad is not None else [1.0, 1.0]
        param = torch.nn.Parameter(torch.ones(len(values)))
        param.grad = None if grad is None else torch.tensor(grad)
        params.append(param)
    return params


def clip_grad_norm_orders(torch):
    """The returned total norm (before clipping) and the clipped gradients, for each order."""
    log = []
    utils = torch.nn.utils
    for norm_type in (2.0, 1, 3, 0.5, 0, -1, -2, float("inf"), "inf", float("-inf")):
        for max_norm in (100.0, 1.0):
            params = parameters_with_grads(torch, [0.0, -2.0, 3.0], None, [1.0, 0.5])
            total = utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
            log.append([str(norm_type), max_norm, show(total), show([p.grad for p in params])])
    return log


def clip_grad_norm_arguments(torch):
    """A single tensor, a generator, an empty list, mixed dtypes, foreach, the old name."""
    log = []
    utils = torch.nn.utils
    (single,) = parameters_with_grads(torch, [3.0, 4.0])
    log.append(["single tensor", show(utils.clip_grad_norm_(single, 1.0)), show(single.grad)])
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, -1.0]]))
        model.bias.fill_(0.5)
    model(torch.tensor([[3.0, 4.0]])).sum().backward()
    total = utils.clip_grad_norm_(model.parameters(), 2.0, foreach=True)
    log.append(["generator", show(total), show([p.grad for p in model.parameters()])])
    log.append(["empty list", show(utils.clip_grad_norm_([], 1.0))])
    attempt(log, lambda: log.append(["empty generator", show(utils.clip_grad_norm_(iter(()), 1))]))
    attempt(log, lambda: utils.clip_grad_norm_((p for p in []), 1.0))
    params = parameters_with_grads(torch, [3.0, -4.0], [1.0, 1.0])
    params[1].data = params[1].data.double()
    params[1].grad = torch.tensor([1.0, 1.0], dtype=torch.float64)
    total = utils.clip_grad_norm_(params, 1.0, foreach=False)
    log.append(["mixed dtypes", show(total), show([p.grad for p in params])])
    params = parameters_with_grads(torch, None, None)
    log.append(["no gradients", show(utils.clip_grad_norm_(params, 1.0)), show(params[0].grad)])
    params = parameters_with_grads(torch, [6.0, 8.0])
    attempt(log, lambda: log.append(["old name", show(utils.clip_grad_norm(params, 5))]))
    log.append(show(params[0].grad))
    attempt(log, lambda: utils.clip_grad_norm_(params, 1.0, norm_type="fro"))
    attempt(log, lambda: utils.clip_grad_norm_(params, "big"))
    return log


def clip_grad_norm_nonfinite(torch):
    log = []
    utils = torch.nn.utils
    for bad in (float("inf"), float("nan")):
        for norm_type in (2.0, float("inf")):
            params = parameters_with_grads(torch, [3.0, bad], [1.0, 2.0])
            total = utils.clip_grad_norm_(params, 1.0, norm_type=norm_type)
            log.append([str(bad), str(norm_type), show(total), show([p.grad for p in params])])
            params = parameters_with_grads(torch, [3.0, bad], [1.0, 2.0])
            attempt(
                log,
                lambda params=params, norm_type=norm_type: utils.clip_grad_norm_(
                    params, 1.0, norm_type=norm_type, error_if_nonfinite=True
                ),
            )
            log.append(["unchanged", show([p.grad for p in params])])
    return log


def clip_grad_norm_empty_parameter(torch):
    """A parameter with no numbers: orders that need a max or min have nothing to take."""
    log = []
    for norm_type in (2.0, 0, float("inf"), float("-inf"), -1, -0.5):
        for foreach in (None, False):
            param = torch.nn.Parameter(torch.ones(0))
            param.grad = torch.ones(0)
            attempt(
                log,
                lambda param=param, norm_type=norm_type, foreach=foreach: log.append(
                    show(torch.nn.utils.clip_grad_norm_(param, 1.0, norm_type, foreach=foreach))
                ),
            )
    return log


def total_norm_then_clip(torch):
    """clip_grad_norm_ in two steps, as torch.nn.utils also offers them."""
    log = []
    params = parameters_with_grads(torch, [3.0, 4.0], [0.0, 12.0])
    total = torch.nn.utils.get_total_norm([p.grad for p in params], norm_type=2.0)
    log.append(show(total))
    log.append(show(torch.nn.utils.clip_grads_with_norm_(params, 6.5, total)))
    log.append(show([p.grad for p in params]))
    return log


def clip_grad_value(torch):
    log = []
    utils = torch.nn.utils
    params = parameters_with_grads(torch, [0.5, -3.0, 7.0], None, [float("nan"), -0.25])
    log.append(["returns", show(utils.clip_grad_value_(params, 1.0))])
    log.append(show([p.grad for p in params]))
    (single,) = parameters_with_grads(torch, [2.0, -2.0])
    utils.clip_grad_value_(single, 1.5)
    log.append(["single tensor", show(single.grad)])
    params = parameters_with_grads(torch, [2.0, -2.0, 0.0])
    utils.clip_grad_value_((p for p in params), -1)  # a negative bound: every number is -1
    log.append(["negative clip_value", show(params[0].grad)])
    attempt(log, lambda: utils.clip_grad_value_(params, "big"))
    return log


def parameters_as_one_vector(torch):
    log = []
    utils = torch.nn.utils
    model = torch.nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
        model.bias.copy_(torch.tensor([5.0, 6.0]))
    vector = utils.parameters_to_vector(model.parameters())
    log.append([show(vector), vector.grad_fn.name()])
    log.append([node.name() for node, _ in vector.grad_fn.next_functions])
    (vector * torch.arange(6).float()).sum().backward()
    log.append(show([model.weight.grad, model.bias.grad]))
    new = torch.arange(6).double() * 10
    utils.vector_to_parameters(new, model.parameters())
    log.append(show([model.weight, model.bias]))
    log.append(["still parameters", isinstance(model.weight, torch.nn.Parameter)])
    new.add_(1)  # the parameters now share memory with the vector
    log.append(show(model.bias))
    utils.vector_to_parameters(torch.arange(100.0), model.parameters())  # a longer one is fine
    log.append(show(model.bias))
    attempt(log, lambda: utils.vector_to_parameters([1.0, 2.0], model.parameters()))
    attempt(log, lambda: utils.vector_to_parameters(torch.ones(5), model.parameters()))
    attempt(log, lambda: utils.vector_to_parameters(torch.ones(3, 2), model.parameters()))
    return log



# ---------------------------------------------------------------------- load_state_dict
class Small:
    """A module with a parameter, a 0-d parameter, a frozen parameter and an int buffer."""

    @staticmethod
    def build(torch):
        class Small(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = torch.nn.Linear(2, 1)
                self.scale = torch.nn.Parameter(torch.tensor(2.0))
                self.frozen = torch.nn.Parameter(torch.ones(2), requires_grad=False)
                self.register_buffer("count", torch.tensor(3))

        return Small()


def state_of(module):
    return {
        key: [show(value), type(value).__name__, value.requires_grad]
        for key, value in module.state_dict(keep_vars=True).items()
    }


def load_state_dict_converts_dtypes(torch):
    """Values are copied into the existing tensors, converted to their dtype."""
    log = []
    module = Small.build(torch)
    weight = module.fc.weight
    result = module.load_state_dict(
        {
            "fc.weight": torch.tensor([[1.5, -2.5]], dtype=torch.float64),
            "fc.bias": torch.tensor([7]),
            "scale": torch.tensor([4.0]),  # a 1-element checkpoint fills a 0-d parameter
            "frozen": torch.tensor([True, False]),
            "count": torch.tensor(7.9),  # into an int64 buffer: truncated
        }
    )
    log.append([repr(result), module.fc.weight is weight, state_of(module)])
    return log


def load_state_dict_assign(torch):
    """assign=True keeps the checkpoint's tensors (and dtypes), as parameters where needed."""
    log = []
    module = Small.build(torch)
    new_weight = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    state = {
        "fc.weight": new_weight,
        "fc.bias": torch.nn.Parameter(torch.tensor([0.5]), requires_grad=False),
        "scale": torch.tensor(4.0),
        "frozen": torch.tensor([5.0, 6.0]),
        "count": torch.tensor(9.5),
    }
    log.append(repr(module.load_state_dict(state, assign=True)))
    log.append(state_of(module))
    log.append(
        [
            module.fc.weight is new_weight,
            module.fc.bias is state["fc.bias"],
            module.count is state["count"],
        ]
    )
    return log


def load_state_dict_errors(torch):
    """Every problem in one message, in PyTorch's order and words."""
    log = []
    module = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Linear(1, 2))
    good = module.state_dict()
    attempt(log, lambda: module.load_state_dict([("0.weight", good["0.weight"])]))
    state = {
        "1.x": torch.ones(1),
        "0.y": torch.ones(1),
        "z": torch.ones(1),
        "5.w": torch.ones(1),
        "0.weight.q": torch.ones(1),
        "0.weight": [[1.0]],
        "1.weight": torch.ones(3, 1),
        "1.bias": None,
    }
    attempt(log, lambda: module.load_state_dict(state))
    attempt(log, lambda: log.append(repr(module.load_state_dict(state, strict=False))))
    for value in (1.0, "text", torch.ones(1, 1, 1)):
        attempt(log, lambda value=value: module.load_state_dict({**good, "0.weight": value}))
    del state["0.weight"], state["1.weight"], state["1.bias"]
    result = module.load_state_dict(state, strict=False)
    log.append([repr(result), result.missing_keys, result.unexpected_keys])
    return log


# ---------------------------------------------------------------------- Module API
def module_list(torch):
    log = []
    layers = torch.nn.ModuleList([torch.nn.Linear(2, 2), torch.nn.ReLU()])
    layers.append(torch.nn.Linear(2, 1))
    layers.extend([torch.nn.Tanh()])
    log.append([len(layers), [type(m).__name__ for m in layers], type(layers[-1]).__name__])
    log.append([type(m).__name__ for m in layers[1:3]] + [type(layers[1:3]).__name__])
    log.append(list(layers.state_dict()))
    log.append(sum(p.numel() for p in layers.parameters()))
    layers[1] = torch.nn.Sigmoid()
    log.append(repr(layers))
    attempt(log, lambda: layers[4])
    attempt(log, lambda: layers[-5])
    attempt(log, lambda: layers.append(3))

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = torch.nn.ModuleList(torch.nn.Linear(2, 2) for _ in range(2))
            self.plain_list = [torch.nn.Linear(2, 2)]  # not registered: a plain list hides it

        def forward(self, x):
            for block in self.blocks:
                x = block(x)
            return x

    net = Net()
    log.append([list(net.state_dict()), repr(net)])
    return log


def nll_loss(torch):
    log = []
    scores = torch.tensor([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7], [0.0, 0.1, 0.2], [-2.0, 1.0, 0.0]])
    target = torch.tensor([2, 0, 1, 1])
    options = [
        {},
        {"reduction": "sum"},
        {"reduction": "none"},
        {"ignore_index": 1},
        {"ignore_index": 1, "reduction": "sum"},
        {"ignore_index": 1, "reduction": "none"},
    ]
    for kwargs in options:
        x = scores.clone().requires_grad_()
        loss_fn = torch.nn.NLLLoss(**kwargs)
        loss = loss_fn(torch.log_softmax(x, dim=1), target)
        loss.sum().backward()
        log.append([repr(loss_fn), show(loss), loss.grad_fn.name(), show(x.grad)])
    attempt(log, lambda: torch.nn.NLLLoss()(scores, torch.tensor([0, 1, 3, 0])))
    attempt(log, lambda: torch.nn.NLLLoss()(scores, torch.tensor([0, 1])))
    return log


def nll_loss_class_weights(torch):
    """NLLLoss with class weights: the loss (a weighted mean) and its gradient."""
    log = []
    scores = torch.tensor([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7], [0.0, 0.1, 0.2]])
    for reduction in ("mean", "sum"):
        x = scores.clone().requires_grad_()
        loss_fn = torch.nn.NLLLoss(weight=torch.tensor([1.0, 2.0, 0.5]), reduction=reduction)
        loss = loss_fn(torch.log_softmax(x, dim=1), torch.tensor([2, 0, 1]))
        loss.backward()
        log.append([repr(loss_fn), show(loss), show(x.grad)])
    return log


def xavier_normal(torch):
    """The spread torch.nn.init.xavier_normal_ draws with, and what it returns."""
    log = []
    for shape, gain in (((300, 200), 1.0), ((64, 32, 3, 3), 2.0)):
        weight = torch.nn.Parameter(torch.empty(*shape))
        result = torch.nn.init.xavier_normal_(weight, gain=gain)
        fan_in = shape[1] * math.prod(shape[2:])
        fan_out = shape[0] * math.prod(shape[2:])
        expected_std = gain * math.sqrt(2.0 / (fan_in + fan_out))
        std = weight.detach().std().item()
        log.append(
            [
                result is weight,
                weight.grad_fn is None and weight.requires_grad,
                abs(std / expected_std - 1) < 0.02,
                abs(weight.detach().mean().item()) < 0.01 * expected_std * 10,
            ]
        )
    attempt(log, lambda: torch.nn.init.xavier_normal_(torch.empty(5)))
    return log


def register_module(torch):
    log = []
    parent = torch.nn.Module()
    log.append(show(parent.register_module("head", torch.nn.Linear(1, 1))))
    parent.register_module("empty", None)
    log.append([list(parent._modules), repr(parent)])
    for name, value in (
        ("a.b", torch.nn.ReLU()),
        ("", torch.nn.ReLU()),
        (3, torch.nn.ReLU()),
        ("x", 3),
        ("training", torch.nn.ReLU()),
    ):
        attempt(log, lambda name=name, value=value: parent.register_module(name, value))
    log.append(list(parent._modules))
    return log


def register_parameter_and_buffer(torch):
    log = []
    module = torch.nn.Linear(1, 1)
    module.register_buffer("scratch", torch.zeros(1), persistent=False)
    for name in ("a.b", "", 3, "forward", "scratch", "weight"):
        attempt(log, lambda name=name: module.register_parameter(name, None))
        attempt(log, lambda name=name: module.register_buffer(name, None))
    attempt(log, lambda: module.register_parameter("p", torch.ones(1)))
    attempt(log, lambda: module.register_buffer("b", [1.0]))
    # Replacing a registered value keeps its place in state_dict; a parameter that takes a
    # buffer's name removes the buffer.
    module.weight = torch.nn.Parameter(torch.ones(1, 1))
    module.register_buffer("count", torch.zeros(1))
    module.count = torch.nn.Parameter(torch.ones(1))
    module.scratch = torch.nn.Parameter(torch.ones(1))
    log.append([list(module.state_dict()), list(module._buffers), list(module._parameters)])
    model = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.ReLU())
    model[0] = torch.nn.Linear(1, 2)
    log.append(list(model.state_dict()) + [repr(model)])
    return log


HOOKS = [
    forward_hook_order_and_replacement,
    forward_pre_hook_replaces_args_and_kwargs,
    global_hooks_run_first,
    always_call_forward_hooks,
    handles,
    backward_hooks_in_nested_modules,
    hooks_on_a_small_cnn,
    backward_hook_replacements,
    several_inputs_and_outputs,
    integer_and_bool_inputs,
    no_input_requires_grad,
    hooks_fire_on_every_backward,
    hooks_with_create_graph,
    output_not_depending_on_input,
    hook_errors,
    non_tensor_output_warns,
]
HOOKS_REFUSED_HERE = [none_as_grad_output, two_inputs_and_outputs_require_grad]
UTILS = [
    clip_grad_norm_orders,
    clip_grad_norm_arguments,
    clip_grad_norm_nonfinite,
    clip_grad_norm_empty_parameter,
    total_norm_then_clip,
    clip_grad_value,
    parameters_as_one_vector,
]
MODULE = [
    load_state_dict_converts_dtypes,
    load_state_dict_assign,
    load_state_dict_errors,
    module_list,
    nll_loss,
    xavier_normal,
    register_module,
    register_parameter_and_buffer,
    nll_loss_class_weights,
]
MODULE_REFUSED_HERE = []  # (nll_loss_class_weights moved to MODULE: weights exist now)
ALL = HOOKS + HOOKS_REFUSED_HERE + UTILS + MODULE + MODULE_REFUSED_HERE


def run(scenario, torch):
    """The scenario's log, as JSON would store it (tuples become lists)."""
    return json.loads(json.dumps(scenario(torch)))


def main():
    import torch

    assert torch.__version__.startswith("2.13."), torch.__version__
    golden = {"torch": torch.__version__}
    golden["scenarios"] = {s.__name__: run(s, torch) for s in ALL}
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {len(golden['scenarios'])} scenarios to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
