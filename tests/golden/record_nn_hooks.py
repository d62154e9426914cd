"""Record what PyTorch 2.13's module hooks do into nn_hooks.json.

Run once with the oracle installed:  python tests/golden/record_nn_hooks.py

Each scenario below is PyTorch code written against a `torch` argument, so the same
function runs on torch (here, to record) and on autograd_lesson (tests/test_nn_hooks.py,
which compares). A scenario returns a log: which hook fired in which order, what it was
given (shapes, values, where None stands), what replacing a value changed, and the
exceptions and warnings raised, with their messages.
"""

import json
import warnings
from pathlib import Path

GOLDEN_FILE = Path(__file__).with_name("nn_hooks.json")


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
        return {"shape": list(value.shape), "values": _rounded(value.detach().tolist())}
    return type(value).__name__


def _rounded(values):
    if isinstance(values, list):
        return [_rounded(v) for v in values]
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


SCENARIOS = [
    forward_hook_order_and_replacement,
    forward_pre_hook_replaces_args_and_kwargs,
    global_hooks_run_first,
    always_call_forward_hooks,
    handles,
    backward_hooks_in_nested_modules,
    backward_hook_replacements,
    several_inputs_and_outputs,
    no_input_requires_grad,
    hooks_fire_on_every_backward,
    output_not_depending_on_input,
    hook_errors,
    non_tensor_output_warns,
]
KNOWN_DIFFERENCES = [none_as_grad_output, two_inputs_and_outputs_require_grad]


def run(scenario, torch):
    """The scenario's log, as JSON would store it (tuples become lists)."""
    return json.loads(json.dumps(scenario(torch)))


def main():
    import torch

    assert torch.__version__.startswith("2.13."), torch.__version__
    golden = {"torch": torch.__version__}
    golden["scenarios"] = {s.__name__: run(s, torch) for s in SCENARIOS + KNOWN_DIFFERENCES}
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {len(golden['scenarios'])} scenarios to {GOLDEN_FILE}")


if __name__ == "__main__":
    main()
