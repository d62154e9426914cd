"""How one backward, written in NumPy, also builds a graph: gradients of gradients.

Every op's backward is written once, with NumPy (`grad * b`, `np.where(...)`, ...). Normally
it runs on arrays: fast, and no graph. With `backward(create_graph=True)` the engine hands it
tensors instead, and NumPy's own dispatch protocols (`__array_ufunc__` for `np.exp`,
`np.add.at`, ...; `__array_function__` for `np.where`, `np.swapaxes`, ...) send each call
to the tensor operation of the same meaning. Those record their nodes as usual, so the
backward pass itself becomes a graph, which a second backward can walk: d²y/dx², Hessian-
vector products, gradient penalties.

Only while the engine runs a backward on tensors does a NumPy call on a tensor turn into a
tensor operation. At any other time NumPy sees a tensor as its array of numbers, as it does
for PyTorch's tensors (`np.exp(t)` gives an array).

A NumPy call that is not in the tables below raises an error naming it: a backward that
needs it does not support double backward here, and says so rather than give a gradient
that is silently wrong. For the same reason a float array of more than one number must not
meet a tensor there: it would be a constant, cut off from the graph.
"""

import contextlib
import numbers

import numpy as np

_on_tensors = False


def running_on_tensors():
    """True while the engine runs a backward on tensors (create_graph=True)."""
    return _on_tensors


@contextlib.contextmanager
def backward_on_tensors(flag=True):
    global _on_tensors
    previous, _on_tensors = _on_tensors, flag
    try:
        yield
    finally:
        _on_tensors = previous


def _tensor_type():
    from .tensor import Tensor  # tensor.py imports this module

    return Tensor


def _operand(x, what):
    """A tensor, or a constant that is safe to treat as one (a number, a mask, indices)."""
    Tensor = _tensor_type()
    if isinstance(x, Tensor | numbers.Number):
        return x
    array = np.asarray(x)
    if array.ndim == 0:
        return array.item()  # a NumPy scalar: a plain number, as PyTorch treats it
    if array.dtype.kind in "biu":
        return Tensor(array)  # masks and indices carry no gradient
    raise NotImplementedError(
        f"double backward through {what}: a float array of shape {array.shape} met a tensor; "
        "autograd_lesson cannot tell whether it depends on the inputs, so this backward does "
        "not support create_graph=True"
    )


def _as_tensor(x):
    Tensor = _tensor_type()
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


def _unary(name):
    return lambda a: getattr(_as_tensor(a), name)()


def _maximum(a, b):
    from .tensor import maximum

    return maximum(_as_tensor(a), b)


UFUNCS = {
    np.add: lambda a, b: a + b,
    np.subtract: lambda a, b: a - b,
    np.multiply: lambda a, b: a * b,
    np.true_divide: lambda a, b: a / b,
    np.power: lambda a, b: a**b,
    np.negative: lambda a: -a,
    np.positive: lambda a: a,
    np.matmul: lambda a, b: a @ b,
    np.greater: lambda a, b: a > b,
    np.greater_equal: lambda a, b: a >= b,
    np.less: lambda a, b: a < b,
    np.less_equal: lambda a, b: a <= b,
    np.equal: lambda a, b: a == b,
    np.not_equal: lambda a, b: a != b,
    np.logical_and: lambda a, b: _as_tensor(a) & _as_tensor(b),
    np.logical_not: lambda a: ~_as_tensor(a),
    np.maximum: _maximum,
    np.exp: _unary("exp"),
    np.log: _unary("log"),
    np.log1p: _unary("log1p"),
    np.sqrt: _unary("sqrt"),
    np.absolute: _unary("abs"),
    np.sign: _unary("sign"),
    np.sin: _unary("sin"),
    np.cos: _unary("cos"),
    np.tanh: _unary("tanh"),
    np.reciprocal: _unary("reciprocal"),
}


def ufunc_on_tensors(ufunc, method, inputs, kwargs):
    if kwargs.get("out") is not None:
        raise NotImplementedError(f"double backward through numpy.{ufunc.__name__}(out=...)")
    if method == "at" and ufunc is np.add:
        target, key, values = inputs  # np.add.at(target, key, values): += with repeats
        target.index_put_(_index_key(key), _as_tensor(values), accumulate=True)
        return None
    if method != "__call__" or ufunc not in UFUNCS:
        name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
        raise NotImplementedError(
            f"double backward needs numpy.{name} on tensors, which autograd_lesson does not record"
        )
    return UFUNCS[ufunc](*(_operand(x, f"numpy.{ufunc.__name__}") for x in inputs))


def _index_key(key):
    key = key if isinstance(key, tuple) else (key,)
    return tuple(k if isinstance(k, slice) or k is None else _operand(k, "an index") for k in key)


# ---------------------------------------------------------------------- NumPy functions


def _like(fill):
    def make(a, dtype=None, shape=None, **_):
        array = np.full(a.shape if shape is None else shape, fill, a._data.dtype)
        return _as_tensor(array if dtype is None else array.astype(dtype))

    return make


def _where(condition, x, y):
    from .functions import where

    condition = _as_tensor(_operand(condition, "numpy.where"))
    x, y = _operand(x, "numpy.where"), _operand(y, "numpy.where")
    Tensor = _tensor_type()
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        raise NotImplementedError("numpy.where on tensors needs a tensor to choose from")
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x, dtype=y._data.dtype))
    if not isinstance(y, Tensor):
        y = Tensor(np.asarray(y, dtype=x._data.dtype))
    return where(condition, x, y)


def _sum(a, axis=None, keepdims=False, dtype=None, **_):
    return a.sum(dim=axis, keepdim=keepdims)


def _expand_dims(a, axis):
    for dim in sorted(axis if isinstance(axis, tuple | list) else (axis,)):
        a = a.unsqueeze(dim)
    return a


def _squeeze(a, axis=None):
    if axis is None or isinstance(axis, int):
        return a.squeeze(axis)
    shape = [n for i, n in enumerate(a.shape) if i not in {d % a.ndim for d in axis}]
    return a.reshape(shape)


def _split(a, indices, axis=0):
    edges = [0, *(int(i) for i in indices), a.shape[axis]]
    return list(a.split([end - start for start, end in zip(edges, edges[1:])], dim=axis))


def _moveaxis(a, source, destination):
    order = [d for d in range(a.ndim) if d != source % a.ndim]
    order.insert(destination % a.ndim, source % a.ndim)
    return a.permute(order)


def _transpose(a, axes=None):
    return a.permute(tuple(reversed(range(a.ndim))) if axes is None else tuple(axes))


FUNCTIONS = {
    np.where: _where,
    np.zeros_like: _like(0),
    np.ones_like: _like(1),
    np.sum: _sum,
    np.broadcast_to: lambda a, shape: a.expand(shape),
    np.expand_dims: _expand_dims,
    np.squeeze: _squeeze,
    np.swapaxes: lambda a, i, j: a.transpose(i, j),
    np.transpose: _transpose,
    np.moveaxis: _moveaxis,
    np.reshape: lambda a, shape: a.reshape(shape),
    np.outer: lambda a, b: _as_tensor(a).outer(_as_tensor(b)),
    np.split: _split,
    np.copy: lambda a: a.clone(),
    np.diagonal: lambda a, offset=0: a.diagonal(offset),
}


def function_on_tensors(func, args, kwargs):
    if func not in FUNCTIONS:
        raise NotImplementedError(
            f"double backward needs numpy.{func.__name__} on tensors, which autograd_lesson "
            "does not record"
        )
    return FUNCTIONS[func](*args, **kwargs)
