"""The Tensor: an n-dimensional NumPy array plus what autograd needs to know about it.

    data           the numbers (a NumPy array, kept in `_data`)
    requires_grad  should gradients flow back to this tensor?
    grad           ∂(whatever you called backward on)/∂(this tensor), filled by backward()
    grad_fn        the graph node that made this tensor (None for tensors you created: leaves)

Every operator (`+`, `*`, `@`, `.sum()`, ...) calls `SomeFunction.apply(...)` from `ops/`,
which computes the result and, when needed, records a node of the backward graph.
"""

import numbers
import warnings

import numpy as np

from . import dtypes, grad_mode, hooks, inplace, numpy_protocol, printing, random
from . import tensor_methods as more
from .broadcasting import check_broadcastable
from .device import device, parse_to_arguments, refuse_cuda, require_cpu
from .dims import normalize_dims, wrap_dim
from .engine import run_backward
from .function import AccumulateGrad
from .ops import elementwise as ew
from .ops import matmul as mat
from .ops import reduction as red
from .ops import shape as sh
from .ops import writes
from .views import VersionCounter

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. "
    "See github.com/pytorch/pytorch/pull/30531 for more information."
)


class Size(tuple):
    """A tensor's shape: a tuple that prints as `torch.Size([1, 3, 64, 64])`."""

    def numel(self):
        return int(np.prod(self, dtype=np.int64))

    def __repr__(self):
        return f"torch.Size({list(self)})"


class return_types_max(tuple):  # noqa: N801
    """What `x.max(dim)` returns: a named pair (values, indices), printed as PyTorch prints it."""

    _kind = "max"

    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return f"torch.return_types.{self._kind}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class return_types_min(return_types_max):  # noqa: N801
    _kind = "min"


class Tensor:
    """An n-dimensional array that records, when it requires grad, how it was computed."""

    _is_number = False  # True for a Python number made a tensor for an operation
    _output_nr = 0  # which output of its grad_fn this tensor is (custom Functions have several)

    # Tensors are hashable by identity (so they can be dict keys), even though == is element-wise.
    __hash__ = object.__hash__

    def __init__(self, array=None, *sizes, requires_grad=False):
        if not isinstance(array, np.ndarray | np.generic):
            # torch.Tensor([1, 2]), torch.Tensor(2, 3): PyTorch's legacy constructor (legacy.py)
            from .legacy import tensor_data

            array = tensor_data(array, sizes, dtypes.DEFAULT_FLOAT)
        array = np.asarray(array)
        dtypes.from_numpy(array.dtype)  # raises for dtypes PyTorch has no name for
        self._data = array
        self._grad_fn = None  # the node that made this tensor; None for leaves
        self._grad = None
        # Memory shared with other tensors (views.py): the base that owns it, how this view
        # is read out of it, and the counter of in-place writes that they all share.
        self._base = None
        self._view_steps = ()
        self._version_counter = VersionCounter()
        self._view_version = 0
        self._post_accumulate_grad_hooks = {}
        # Made inside `torch.inference_mode()`: autograd may never record it.
        self._is_inference = grad_mode.is_inference_mode_enabled()
        self._accumulate_node = None  # made on first use, then reused, as in PyTorch
        self._promoted_from = None  # see _cast_for_op
        self._requires_grad = False
        self.requires_grad = requires_grad

    # ------------------------------------------------------------------ autograd state
    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf)."""
        if self._base is not None and self._view_version != self._version_counter.value:
            # The memory this view looks into was written to since its node was made: read
            # it out of the base's new graph instead (inplace.py).
            inplace.regenerate_grad_fn(self)
        return self._grad_fn

    def _set_grad_fn(self, node, output_nr=0):
        """Make `node` this tensor's grad_fn; output_nr: which of its outputs this tensor is."""
        self._grad_fn = node
        self._output_nr = output_nr
        self._requires_grad = True

    @property
    def requires_grad(self):
        if self._base is not None:
            self.grad_fn  # noqa: B018 - a view of a base that joined a graph joins it too
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if not isinstance(flag, bool):
            raise RuntimeError("requires_grad must be a bool")
        if self.grad_fn is not None and not flag:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if flag and self._is_inference and not grad_mode.is_inference_mode_enabled():
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                "allowed."
            )
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        """True for tensors not made by a recorded operation: they receive `.grad`."""
        return self.grad_fn is None

    @property
    def grad(self):
        if not self.is_leaf and not self.retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(
                "assigned grad expected to be a Tensor or None but got grad of type "
                f"{_type_name(value)}"
            )
        if value is not None and value.dtype is not self.dtype:
            raise RuntimeError(
                f"attempting to assign a gradient with dtype '{value.dtype.c_name}' to a tensor "
                f"with grad_dtype '{self.dtype.short_name}'. The gradient must match the "
                "tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's "
                "grad_dtype attribute with a specific dtype, or None to allow any dtype. Set "
                "grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may "
                "break downstream systems that assume they match."
            )
        if value is not None and tuple(value.shape) != tuple(self.shape):
            raise RuntimeError(
                f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                "the same size"
            )
        self._grad = value

    def register_hook(self, hook):
        """Call hook(grad) when this tensor's gradient has been computed, before it is used
        (before it is added into `.grad`, for a leaf); a tensor it returns replaces grad."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node = self._node_for_backward()
        if node.num_outputs > 1:
            raise NotImplementedError(
                "autograd_lesson: register_hook on an output of a custom Function with several "
                "outputs is not supported"
            )
        return hooks.add_hook(node.tensor_pre_hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call hook(tensor) after backward has added into this leaf's `.grad`."""
        if not self.is_leaf:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if not self.requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient"
            )
        return hooks.add_hook(self._post_accumulate_grad_hooks, hook)

    def is_inference(self):
        """True for a tensor made inside `torch.inference_mode()`."""
        return self._is_inference

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self.grad_fn.retained_output is self

    def retain_grad(self):
        """Ask backward() to fill `.grad` of this non-leaf tensor too."""
        if self.grad_fn is None:
            if not self.requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return  # leaves keep their .grad anyway
        if self.grad_fn.num_outputs > 1:
            raise NotImplementedError(
                "autograd_lesson: retain_grad on an output of a custom Function with several "
                "outputs is not supported"
            )
        self.grad_fn.retained_output = self

    def _node_for_backward(self):
        """The node a gradient for this tensor goes to: its grad_fn, AccumulateGrad, or None."""
        if self.grad_fn is not None:
            return self.grad_fn
        if self.requires_grad:
            if self._accumulate_node is None:
                self._accumulate_node = AccumulateGrad(self)
            return self._accumulate_node
        return None

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        """Compute d(self)/d(leaf) for every leaf that requires grad; add it to leaf.grad.

        For a non-scalar tensor, `gradient` is the vector v in the vector-Jacobian product
        vᵀ·J that backward computes; for a scalar it defaults to 1.
        """
        seed = gradient_seed(self, gradient)
        if create_graph:
            # The backward pass is recorded too: the seed starts it as a tensor.
            seed = gradient if isinstance(gradient, Tensor) else Tensor(seed)
        if retain_graph is None:
            retain_graph = create_graph  # as in PyTorch
        run_backward(
            [self._node_for_backward()],
            [seed],
            retain_graph=retain_graph,
            create_graph=create_graph,
            root_outputs=[self._output_nr],
        )

    def detach(self):
        """The same numbers (shared memory) as a new leaf that is cut off from the graph.

        It shares the version counter too: an in-place change through it is still noticed
        by the nodes that saved this tensor.
        """
        detached = Tensor(self._data)
        detached._version_counter = self._version_counter
        return detached

    def detach_(self):
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def _version(self):
        """How many in-place writes this tensor's memory has seen (shared with its views)."""
        return self._version_counter.value

    def _is_view(self):
        return self._base is not None

    def data_ptr(self):
        """The address of this tensor's first element (views of one base point inside it)."""
        return self._data.__array_interface__["data"][0]

    # ------------------------------------------------------------------ data access
    @property
    def data(self):
        """The numbers as a tensor outside the graph (shares memory with this one)."""
        return Tensor(self._data)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = value._data

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        return self.shape if dim is None else self._data.shape[dim]

    @property
    def dtype(self):
        return dtypes.from_numpy(self._data.dtype)

    @property
    def device(self):
        return device("cpu")

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    def element_size(self):
        return self._data.itemsize

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_contiguous(self):
        return bool(self._data.flags.c_contiguous)

    def contiguous(self):
        """This tensor if its elements lie row by row in memory, else such a copy."""
        return self if self.is_contiguous() else sh.Clone.apply(self, order="C")

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self):
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        return self._data

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    # NumPy's dispatch protocols: see numpy_protocol.py. While the engine runs a backward on
    # tensors (create_graph=True), np.exp(t), np.where(...) become the tensor operations.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if numpy_protocol.running_on_tensors():
            return numpy_protocol.ufunc_on_tensors(ufunc, method, inputs, kwargs)
        if method == "__call__" and not kwargs and ufunc in _OPERATORS and inputs[-1] is self:
            # `array * tensor`: the tensor's operator, as PyTorch answers it
            return _OPERATORS[ufunc](self, inputs[0])
        arrays = tuple(x.numpy() if isinstance(x, Tensor) else x for x in inputs)
        return getattr(ufunc, method)(*arrays, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if numpy_protocol.running_on_tensors():
            return numpy_protocol.function_on_tensors(func, args, kwargs)
        return func(*_arrays_of(args), **dict(zip(kwargs, _arrays_of(kwargs.values()))))

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        return printing.format_tensor(
            self._data,
            dtype_name=repr(self.dtype),
            requires_grad=self.requires_grad,
            grad_fn_name=None if self.grad_fn is None else self.grad_fn.name_in_pytorch,
        )

    def __format__(self, spec):
        """f"{loss}" and f"{loss:.3f}": a 0-d tensor formats as its number, as in PyTorch."""
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    # ------------------------------------------------------------------ conversions
    def to(self, *args, **kwargs):
        """to(dtype), to(device, dtype), to(other_tensor): this tensor if nothing changes,
        else a converted copy (`copy=True` always copies). Devices other than the CPU raise
        PyTorch's error: this engine has no GPU."""
        target, dtype, _non_blocking, copy = parse_to_arguments(args, kwargs)
        if target is not None:
            require_cpu(target)
            copy = copy or target != self.device  # as PyTorch: "cpu:0" is not "cpu", so a copy
        if (dtype is None or dtype is self.dtype) and not copy:
            return self
        return sh.ToCopy.apply(self, numpy_dtype=(dtype or self.dtype).numpy_dtype)

    def type(self, dtype=None):
        if dtype is None:  # x.type(): the legacy name, "torch.FloatTensor"
            return self.dtype.tensor_type_name
        return self.to(getattr(dtype, "dtype", dtype))  # a dtype, or torch.FloatTensor & co.

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def half(self):
        return self.to(dtypes.float16)

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool)

    def clone(self):
        return sh.Clone.apply(self)

    def cpu(self, memory_format=None):
        return self

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        refuse_cuda(device)  # always raises, with PyTorch's words: no CUDA here

    @property
    def is_cuda(self):
        return False

    # ------------------------------------------------------------------ arithmetic
    def _promoted(self, other):
        """`self` and `other` as tensors of the dtype PyTorch's promotion rule picks."""
        is_number = not isinstance(other, Tensor)
        if is_number:
            other_array = np.asarray(other)
            other_dtype = dtypes.from_numpy(
                np.bool_ if isinstance(other, bool) else other_array.dtype
            )
            other_ndim = other_array.ndim
        else:
            other_dtype, other_ndim = other.dtype, other.ndim
        result = dtypes.promote(
            (self.dtype, self.ndim, False), (other_dtype, other_ndim, is_number)
        )
        other = other if not is_number else Tensor(np.asarray(other, dtype=result.numpy_dtype))
        return self._cast_for_op(result), other._cast_for_op(result)

    def _cast_for_op(self, dtype):
        """This tensor's numbers in `dtype`, for an op that promotes its inputs.

        PyTorch converts inside the op (float32 + float64 records no ToCopy node): the
        returned tensor remembers this one in `_promoted_from`, so that Function.apply
        records the op's input as this tensor, and the gradient comes back in its dtype.
        """
        if dtype is self.dtype:
            return self
        cast = Tensor(self._data.astype(dtype.numpy_dtype))
        cast._promoted_from = self
        return cast

    def _binary(self, other):
        """Operands of an element-wise op: promoted, and checked to broadcast together."""
        a, b = self._promoted(other)
        check_broadcastable(a.shape, b.shape)
        return a, b

    def _float_promoted(self, other):
        """As `_binary`, then integers become float32: `/` is true division in PyTorch."""
        a, b = self._binary(other)
        if not a.dtype.is_floating_point:
            a, b = a.to(dtypes.DEFAULT_FLOAT), b.to(dtypes.DEFAULT_FLOAT)
        return a, b

    def __add__(self, other):
        return ew.Add.apply(*self._binary(other))

    def __radd__(self, other):
        # `2 + x` is recorded as x + 2 (the tensor first), as in PyTorch.
        return ew.Add.apply(*self._binary(other))

    def __sub__(self, other):
        return ew.Sub.apply(*self._subtraction_operands(other))

    def __rsub__(self, other):
        a, number = self._subtraction_operands(other)
        return ew.Rsub.apply(a, number=number._data)

    def _subtraction_operands(self, other):
        """PyTorch refuses `-` on bools (it suggests ~ or ^), so we do too."""
        a, b = self._binary(other)
        other_is_bool = isinstance(other, bool) or (
            isinstance(other, Tensor) and other.dtype is dtypes.bool
        )
        if self.dtype is dtypes.bool and other_is_bool:
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. "
                "Use the `^` or `logical_xor()` operator instead."
            )
        if self.dtype is dtypes.bool or other_is_bool:
            raise RuntimeError(
                "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return a, b

    def __mul__(self, other):
        return ew.Mul.apply(*self._binary(other))

    def __rmul__(self, other):
        # `2 * x` is recorded as x * 2 (the tensor first), as in PyTorch.
        return ew.Mul.apply(*self._binary(other))

    def __truediv__(self, other):
        return ew.Div.apply(*self._float_promoted(other))

    def __rtruediv__(self, other):
        # PyTorch computes `2 / x` as reciprocal(x) * 2, and its graph shows exactly that.
        a, b = self._float_promoted(other)
        return ew.Mul.apply(ew.Reciprocal.apply(a), b)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return ew.PowTensor.apply(*self._binary(exponent))
        if not isinstance(exponent, numbers.Number):
            return NotImplemented
        if isinstance(exponent, float) and not self.dtype.is_floating_point:
            return self.float() ** exponent
        return ew.Pow.apply(self, exponent=exponent)

    def __rpow__(self, base):
        if not self.dtype.is_floating_point and isinstance(base, float):
            return base ** self.float()
        return ew.PowScalarBase.apply(self, base=base)

    def __neg__(self):
        if self.dtype is dtypes.bool:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead."
            )
        return ew.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    add = __add__
    sub = __sub__
    mul = __mul__
    div = __truediv__
    pow = __pow__
    matmul = __matmul__

    def mm(self, other):
        return mat.mm(self, other)

    def bmm(self, other):
        return mat.bmm(self, other)

    def dot(self, other):
        return mat.dot(self, other)

    def outer(self, other):
        return mat.outer(self, other)

    def narrow(self, dim, start, length):
        """The elements start .. start+length-1 along dim, as a view (a Slice node)."""
        dim = wrap_dim(dim, self.ndim)
        size = self.shape[dim]
        start = start + size if start < 0 else start
        if not 0 <= start <= size or length < 0 or start + length > size:
            raise RuntimeError(
                f"start ({start}) + length ({length}) exceeds dimension size ({size})."
            )
        return sh.Slice.apply(self, dim=dim, index=slice(start, start + length))

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The elements a[i, i + offset], as a view (writing into it writes into a)."""
        dim1, dim2 = wrap_dim(dim1, self.ndim), wrap_dim(dim2, self.ndim)
        return sh.DiagonalView.apply(self, offset=offset, dim1=dim1, dim2=dim2)

    def diag(self, diagonal=0):
        """A vector becomes a matrix with it on the diagonal; a matrix gives its diagonal."""
        if self.ndim == 1:
            return sh.DiagEmbed.apply(self, diagonal=diagonal)
        if self.ndim == 2:
            return sh.Diagonal.apply(self, diagonal=diagonal)
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self.ndim}D")

    # ------------------------------------------------------------------ comparisons
    def _compare(self, other, compare):
        a, b = self._binary(other)
        return Tensor(compare(a._data, b._data))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def equal(self, other):
        return self.shape == other.shape and bool(np.array_equal(self._data, other._data))

    def __and__(self, other):
        return self._logical(other, np.logical_and, np.bitwise_and)

    def __or__(self, other):
        return self._logical(other, np.logical_or, np.bitwise_or)

    def __xor__(self, other):
        return self._logical(other, np.logical_xor, np.bitwise_xor)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def _logical(self, other, on_bools, on_integers):
        a, b = self._binary(other)
        if a.dtype.is_floating_point:
            raise RuntimeError(
                f'"{on_integers.__name__}_cpu" not implemented for \'{a.dtype.short_name}\''
            )
        compute = on_bools if a.dtype is dtypes.bool else on_integers
        return Tensor(compute(a._data, b._data))

    def __invert__(self):
        if self.dtype.is_floating_point:
            raise TypeError(
                "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
            )
        return Tensor(np.logical_not(self._data) if self.dtype is dtypes.bool else ~self._data)

    def all(self):
        return Tensor(np.all(self._data))

    def any(self):
        return Tensor(np.any(self._data))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self._data)

    def __float__(self):
        if self.requires_grad:
            warnings.warn(
                "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                "behavior.\nConsider using tensor.detach() first.",
                UserWarning,
                stacklevel=2,
            )
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # ------------------------------------------------------------------ element-wise math
    def exp(self):
        return ew.Exp.apply(self._as_float())

    def log(self):
        return ew.Log.apply(self._as_float())

    def sqrt(self):
        return ew.Sqrt.apply(self._as_float())

    def abs(self):
        return ew.Abs.apply(self)

    def relu(self):
        return ew.Relu.apply(self)

    def sigmoid(self):
        return ew.Sigmoid.apply(self._as_float())

    def tanh(self):
        return ew.Tanh.apply(self._as_float())

    def reciprocal(self):
        return ew.Reciprocal.apply(self._as_float())

    def neg(self):
        return -self

    negative = neg

    def square(self):
        return self**2  # PyTorch records x.square() as x ** 2: PowBackward0

    def sin(self):
        return ew.Sin.apply(self._as_float())

    def cos(self):
        return ew.Cos.apply(self._as_float())

    def log1p(self):
        return ew.Log1p.apply(self._as_float())

    def sign(self):
        return ew.Sign.apply(self)

    def masked_fill(self, mask, value):
        """`value` where `mask` is True, this tensor's element elsewhere."""
        if mask.dtype is not dtypes.bool:
            raise RuntimeError(
                "masked_fill_ only supports boolean masks, but got mask with dtype "
                f"{mask.dtype.c_name}"
            )
        check_broadcastable(mask.shape, self.shape)  # PyTorch names the mask "tensor a"
        if not isinstance(value, Tensor):
            return ew.MaskedFill.apply(self, mask=mask._data, value=value)
        if value.ndim != 0:
            raise RuntimeError(
                "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        return ew.MaskedFillTensor.apply(self, value, mask=mask._data)

    def clamp(self, min=None, max=None):  # noqa: A002 - PyTorch's argument names
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return ew.Clamp.apply(self, low=min, high=max)

    clip = clamp

    def _as_float(self):
        return self if self.dtype.is_floating_point else self.to(dtypes.DEFAULT_FLOAT)

    # ------------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, dtype=None, *, axis=None, keepdims=None):
        # NumPy's names `axis` and `keepdims` are accepted too, as PyTorch accepts them.
        dim = axis if axis is not None else dim
        keepdim = keepdims if keepdims is not None else keepdim
        if dtype is None and not self.dtype.is_floating_point:
            dtype = dtypes.int64  # PyTorch sums integers and bools as int64
        numpy_dtype = None if dtype is None else dtype.numpy_dtype
        op = red.Sum if dim is None else red.SumDim
        return op.apply(self, dim=dim, keepdim=keepdim, numpy_dtype=numpy_dtype)

    def mean(self, dim=None, keepdim=False):
        if not self.dtype.is_floating_point:
            raise RuntimeError(
                "mean(): could not infer output dtype. Input dtype must be either a floating "
                f"point or complex dtype. Got: {self.dtype.short_name}"
            )
        op = red.Mean if dim is None else red.MeanDim
        return op.apply(self, dim=dim, keepdim=keepdim)

    def var(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
        """Σ (x - mean)² / (n - correction); correction 1 (unbiased, the default) or 0."""
        return self._spread(red.Var, "var", dim, unbiased, keepdim, correction)

    def std(self, dim=None, unbiased=True, keepdim=False, *, correction=None):
        """√var: the standard deviation, with var's arguments."""
        return self._spread(red.Std, "std", dim, unbiased, keepdim, correction)

    def _spread(self, op, name, dim, unbiased, keepdim, correction):
        if isinstance(dim, bool):  # x.var(False): PyTorch reads a lone bool as `unbiased`
            dim, unbiased = None, dim
        if not self.dtype.is_floating_point:
            raise RuntimeError("std and var only support floating point and complex dtypes")
        if correction is None:
            correction = 1 if unbiased else 0
        dims = normalize_dims(dim, self.ndim) if self.ndim else ()
        if int(np.prod([self.shape[d] for d in dims])) - correction <= 0:
            warnings.warn(
                f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                "than the reduction factor (input numel divided by output numel).",
                UserWarning,
                stacklevel=3,  # the learner's line, not this one
            )
        return op.apply(self, dim=dim, correction=correction, keepdim=keepdim)

    def prod(self, dim=None, keepdim=False, dtype=None):
        if dtype is None and not self.dtype.is_floating_point:
            dtype = dtypes.int64  # as sum: integers and bools multiply as int64
        if dim is not None:
            dim = wrap_dim(dim, self.ndim)
        numpy_dtype = None if dtype is None else dtype.numpy_dtype
        op = red.Prod if dim is None else red.ProdDim
        return op.apply(self, dim=dim, keepdim=keepdim, numpy_dtype=numpy_dtype)

    def max(self, dim=None, keepdim=False):
        if isinstance(dim, Tensor):
            return maximum(self, dim)
        return self._extreme(dim, keepdim, red.MaxAll, red.MaxDim, return_types_max)

    def min(self, dim=None, keepdim=False):
        if isinstance(dim, Tensor):
            return more.minimum(self, dim)
        return self._extreme(dim, keepdim, red.MinAll, red.MinDim, return_types_min)

    def _extreme(self, dim, keepdim, over_all, along_dim, result_type):
        if dim is None:
            if self._data.size == 0:
                raise RuntimeError(
                    f"{over_all.name_in_pytorch[:3].lower()}(): Expected reduction dim to be "
                    "specified for input.numel() == 0. Specify the reduction dim with the 'dim' "
                    "argument."
                )
            return over_all.apply(self)
        values = along_dim.apply(self, dim=dim, keepdim=keepdim)
        indices = self._arg(along_dim.arg_reduce, dim, keepdim)
        return result_type(values, indices)

    def argmax(self, dim=None, keepdim=False):
        return self._arg(np.argmax, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return self._arg(np.argmin, dim, keepdim)

    def _arg(self, arg_reduce, dim, keepdim):
        if dim is None:
            flat_index = np.asarray(arg_reduce(self._data), dtype=np.int64)
            # keepdim=True without a dim keeps every dim, as size 1: tensor([[2]]) for a matrix
            return Tensor(flat_index.reshape((1,) * self.ndim if keepdim else ()))
        (axis,) = normalize_dims(dim, self.ndim)
        return Tensor(arg_reduce(self._data, axis=axis, keepdims=keepdim).astype(np.int64))

    def norm(self, p="fro", dim=None, keepdim=False):
        if p not in ("fro", 2, 2.0):
            raise NotImplementedError("autograd_lesson implements the 2-norm only")
        return red.Norm.apply(self._as_float(), dim=dim, keepdim=keepdim)

    def softmax(self, dim):
        return red.Softmax.apply(self._as_float(), dim=dim)

    def log_softmax(self, dim):
        return red.LogSoftmax.apply(self._as_float(), dim=dim)

    # More methods, each a function in tensor_methods.py (its ops in ops/gather_scatter.py,
    # scan.py, rounding.py, rearrange.py, statistics.py, activation.py).
    logsumexp, cumsum, cumprod, erf = more.logsumexp, more.cumsum, more.cumprod, more.erf
    sort, argsort, topk = more.sort, more.argsort, more.topk
    gather, index_select = more.gather, more.index_select
    scatter, scatter_, scatter_add, scatter_add_ = (
        more.scatter, more.scatter_, more.scatter_add, more.scatter_add_
    )
    round, floor, ceil, trunc = more.round, more.floor, more.ceil, more.trunc
    remainder, floor_divide, nan_to_num = more.remainder, more.floor_divide, more.nan_to_num
    __mod__, __rmod__ = more.remainder, more.rremainder
    __floordiv__, __rfloordiv__ = more.floor_divide, more.rfloor_divide
    minimum, isnan, isinf, isfinite = more.minimum, more.isnan, more.isinf, more.isfinite
    allclose, isclose = more.allclose, more.isclose
    flip, roll, tril, triu, unflatten = more.flip, more.roll, more.tril, more.triu, more.unflatten
    new_tensor, new_zeros, new_ones = more.new_tensor, more.new_zeros, more.new_ones
    new_empty, new_full = more.new_empty, more.new_full

    # ------------------------------------------------------------------ shapes
    def view(self, *shape):
        """The same elements in a new shape, sharing memory; refuses when that needs a copy."""
        shape = _new_shape(_shape_arg(shape), self._data.size)
        if _view_without_copy(self._data, shape) is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
            )
        return sh.View.apply(self, shape=shape)

    def reshape(self, *shape):
        """As view() when the memory layout allows it, else a copy: PyTorch's three nodes."""
        shape = _new_shape(_shape_arg(shape), self._data.size)
        if _view_without_copy(self._data, shape) is None:
            return sh.UnsafeView.apply(self.contiguous(), shape=shape)
        if self.is_contiguous():
            return sh.View.apply(self, shape=shape)
        return sh.ReshapeAlias.apply(self, shape=shape)

    def view_as(self, other):
        return self.view(other.shape)

    reshape_as = view_as

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        if start == end:
            return self
        shape = self.shape[:start] + (-1,) + self.shape[end + 1 :]
        return self.reshape(shape)

    def transpose(self, dim0, dim1):
        dim0, dim1 = (wrap_dim(d, self.ndim) for d in (dim0, dim1))
        return sh.Transpose.apply(self, dim0=dim0, dim1=dim1)

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(
                f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D"
            )
        return sh.T.apply(self)

    @property
    def T(self):  # noqa: N802 - PyTorch's name
        return sh.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    @property
    def mT(self):  # noqa: N802 - PyTorch's name
        return self.transpose(-2, -1)

    def permute(self, *dims):
        dims = tuple(wrap_dim(d, self.ndim) for d in _shape_arg(dims))
        if sorted(dims) != list(range(self.ndim)):
            raise RuntimeError(
                "permute(sparse_coo): number of dimensions in the tensor input does not match "
                "the length of the desired ordering of dimensions i.e. input.dim() = "
                f"{self.ndim} is not equal to len(dims) = {len(dims)}"
            )
        return sh.Permute.apply(self, dims=dims)

    def unsqueeze(self, dim):
        return sh.Unsqueeze.apply(self, dim=wrap_dim(dim, self.ndim + 1))

    def squeeze(self, dim=None):
        if dim is not None:
            dim = wrap_dim(dim, self.ndim)
        return (sh.Squeeze if dim is None else sh.SqueezeDim).apply(self, dim=dim)

    def expand(self, *shape):
        shape = _shape_arg(shape)
        # -1 keeps a dimension's size, as in PyTorch.
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        check_broadcastable(self.shape, shape, expanding=True)
        return sh.Expand.apply(self, shape=shape)

    def expand_as(self, other):
        return self.expand(other.shape)

    def repeat(self, *repeats):
        """This tensor tiled: repeats[d] copies along dim d (more repeats add leading dims)."""
        if not repeats:
            raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
        repeats = _shape_arg(repeats)
        if len(repeats) < self.ndim:
            raise RuntimeError(
                "Number of dimensions of repeat dims can not be smaller than number of "
                "dimensions of tensor"
            )
        shape = (1,) * (len(repeats) - self.ndim) + tuple(self.shape)
        out_shape = [r * n for r, n in zip(repeats, shape)]
        for n in out_shape:
            if n < 0:
                raise RuntimeError(
                    f"Trying to create tensor with negative dimension {n}: {out_shape}"
                )
        return sh.Repeat.apply(self, repeats=repeats)

    def split(self, split_size_or_sections, dim=0):
        """Pieces of `split_size` along dim (the last may be smaller), or of the sizes listed."""
        if self.ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        dim = wrap_dim(dim, self.ndim)
        size = self.shape[dim]
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = list(split_size_or_sections)
            _check_split_sizes(sizes, size, dim)
            piece = sh.SplitWithSizesPart
        else:
            step = int(split_size_or_sections)
            _check_split_size(step, size)
            sizes = [min(step, size - start) for start in range(0, size, step)] if size else [0]
            piece = sh.SplitPart
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(
            piece.apply(self, dim=dim, index=slice(int(start), int(start) + n))
            for start, n in zip(starts, sizes)
        )

    def chunk(self, chunks, dim=0):
        """`chunks` pieces of equal size along dim (the last may be smaller, or there may be
        fewer pieces): split with a size of ⌈size / chunks⌉, as PyTorch does."""
        if self.ndim == 0:
            raise RuntimeError("chunk expects at least a 1-dimensional tensor")
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        size = self.shape[wrap_dim(dim, self.ndim)]
        if size == 0:
            return self.split([0] * chunks, dim)
        return self.split(-(-size // chunks), dim)

    def unbind(self, dim=0):
        """The slices along dim, each without that dim: x.unbind(0) is (x[0], x[1], ...)."""
        dim = wrap_dim(dim, self.ndim)
        if self.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return tuple(sh.UnbindPart.apply(self, dim=dim, index=i) for i in range(self.shape[dim]))

    def __getitem__(self, key):
        return index(self, key)

    # ------------------------------------------------------------------ in-place updates
    # Each writes into this tensor's memory (views see it) and is recorded in the graph as
    # PyTorch records it: inplace.py says how.
    def _inplace(self, op, *others, **options):
        """self.op_(*others): check that the result fits this tensor, then write it."""
        others = tuple(o if isinstance(o, Tensor) else _number_tensor(o, self) for o in others)
        result_dtype = self.dtype
        for other in others:
            result_dtype = dtypes.promote(
                (result_dtype, self.ndim, False), (other.dtype, other.ndim, other._is_number)
            )
        if op.makes_floats and not result_dtype.is_floating_point:
            result_dtype = dtypes.DEFAULT_FLOAT
        _check_cast(result_dtype, self.dtype)
        shape = np.broadcast_shapes(self.shape, *(o.shape for o in others))
        if shape != self._data.shape:
            raise RuntimeError(
                f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                f"{list(shape)}"
            )
        inplace.check_writable(self, others)  # before a cast copy hides a shared memory
        compute = None if result_dtype is self.dtype else result_dtype.numpy_dtype
        others = tuple(o._cast_for_op(result_dtype) for o in others)
        return inplace.apply_inplace(op, self, *others, compute_dtype=compute, **options)

    def add_(self, other, alpha=1):
        return self._inplace(ew.Add, other, alpha=alpha)

    def sub_(self, other, alpha=1):
        self._subtraction_operands(other)  # PyTorch's error for bools
        return self._inplace(ew.Sub, other, alpha=alpha)

    def mul_(self, other):
        return self._inplace(ew.Mul, other)

    def div_(self, other):
        return self._inplace(ew.Div, other)

    def pow_(self, exponent):
        if isinstance(exponent, Tensor):
            return self._inplace(ew.PowTensor, exponent)
        return self._inplace(ew.Pow, exponent=exponent)

    def exp_(self):
        return self._inplace(ew.Exp)

    def log_(self):
        return self._inplace(ew.Log)

    def sqrt_(self):
        return self._inplace(ew.Sqrt)

    def sigmoid_(self):
        return self._inplace(ew.Sigmoid)

    def tanh_(self):
        return self._inplace(ew.Tanh)

    def neg_(self):
        if self.dtype is dtypes.bool:
            -self  # noqa: B018 - raises PyTorch's error for bools
        return self._inplace(ew.Neg)

    negative_ = neg_

    def abs_(self):
        return self._inplace(ew.Abs)

    def relu_(self):
        return self._inplace(ew.Relu)

    def clamp_(self, min=None, max=None):  # noqa: A002 - PyTorch's argument names
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        return self._inplace(ew.Clamp, low=min, high=max)

    clip_ = clamp_

    def zero_(self):
        return self._inplace(writes.Zero)

    def fill_(self, value):
        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise RuntimeError(
                    "fill_ only supports 0-dimension value tensor but got tensor with "
                    f"{value.ndim} dimensions."
                )
            return self._inplace(writes.FillTensor, value)
        _check_number(value, self)
        return self._inplace(writes.Fill, value=value)

    def copy_(self, src, non_blocking=False):
        if not isinstance(src, Tensor):
            raise TypeError(
                "copy_(): argument 'other' (position 1) must be Tensor, not "
                f"{_type_name(src)}"
            )
        check_broadcastable(src.shape, self.shape, expanding=True)
        src = src if src.dtype is self.dtype else src._cast_for_op(self.dtype)
        return inplace.apply_inplace(writes.Copy, self, src)

    def masked_fill_(self, mask, value):
        self.masked_fill(mask, value)  # the same checks, PyTorch's errors
        if isinstance(value, Tensor):
            return self._inplace(ew.MaskedFillTensor, value, mask=mask._data)
        return self._inplace(ew.MaskedFill, mask=mask._data, value=value)

    def index_fill_(self, dim, index, value):
        dim = wrap_dim(dim, self.ndim)
        if isinstance(value, Tensor):
            return self._inplace(writes.IndexFillTensor, value, dim=dim, index=index._data)
        return self._inplace(writes.IndexFill, dim=dim, index=index._data, value=value)

    def index_put_(self, indices, values, accumulate=False):
        """self[indices] = values (or += with accumulate=True: repeated indices add up)."""
        key = tuple(_numpy_key(k) for k in indices)
        if not isinstance(values, Tensor):
            values = _number_tensor(values, self)
        if values.dtype is not self.dtype:
            values = values._cast_for_op(self.dtype)
        op = writes.IndexPutAccumulate if accumulate else writes.IndexPut
        return inplace.apply_inplace(op, self, values, key=key)

    def index_put(self, indices, values, accumulate=False):
        return self.clone().index_put_(indices, values, accumulate)

    def index_fill(self, dim, index, value):
        return self.clone().index_fill_(dim, index, value)

    # Random fills: PyTorch's numbers for the same seed (random.py), drawn only once every
    # check has passed, so a refused write does not move the generator.
    def uniform_(self, a=0.0, b=1.0, generator=None):
        draw = lambda target: random.uniform_like(target, a, b, generator)  # noqa: E731
        return self._inplace(writes.Uniform, draw=draw)

    def normal_(self, mean=0.0, std=1.0, generator=None):
        draw = lambda target: random.normal_like(target, mean, std, generator)  # noqa: E731
        return self._inplace(writes.Normal, draw=draw)

    def random_(self, low=0, high=None, *, generator=None):
        """Whole numbers drawn uniformly: random_() from [0, top], where top is the largest
        whole number the dtype holds exactly (2²⁴ for float32); random_(to); random_(from, to).
        """
        if high is None and low == 0 and not isinstance(low, bool):
            top = _random_top(self.dtype)
            draw = lambda target: random.random_full_range(  # noqa: E731
                target.shape, top, generator
            ).astype(target.dtype)
            return self._inplace(writes.RandomAll, draw=draw)
        if high is None:
            op, low, high = writes.RandomTo, 0, low
        else:
            op = writes.RandomFromTo
        if high <= low:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        draw = lambda target: random.randint(target.shape, low, high, generator).astype(  # noqa: E731
            target.dtype
        )
        return self._inplace(op, draw=draw)

    def bernoulli_(self, p=0.5, generator=None):
        """1 with probability p (a number, or a tensor of them), else 0, in place."""
        if isinstance(p, Tensor):
            draw = lambda target, p: random.bernoulli_tensor(  # noqa: E731
                np.broadcast_to(p, target.shape), generator
            ).astype(target.dtype)
            return self._inplace(writes.BernoulliTensor, p, draw=draw)
        draw = lambda target: random.bernoulli_like(target, p, generator)  # noqa: E731
        return self._inplace(writes.Bernoulli, draw=draw)

    def __setitem__(self, key, value):
        """x[key] = value: a write into the view x[key] (an index_put_ for lists and masks)."""
        view, advanced = _basic_view(self, key)
        if not isinstance(value, Tensor):
            value = _number_tensor(value, self)  # PyTorch's TypeError for anything else
        if value.dtype is not self.dtype:
            value = value._cast_for_op(self.dtype)
        if advanced is None:
            check_broadcastable(value.shape, view.shape, expanding=True)
            inplace.apply_inplace(writes.Copy, view, value)
            return
        target_shape = np.empty(view.shape, dtype=np.int8)[advanced].shape
        check_broadcastable(value.shape, target_shape, expanding=True)
        inplace.apply_inplace(writes.IndexPut, view, value, key=advanced)

    # x += y is x.add_(y), exactly as in PyTorch.
    def __iadd__(self, other):
        return self.add_(other)

    def __isub__(self, other):
        return self.sub_(other)

    def __imul__(self, other):
        return self.mul_(other)

    def __itruediv__(self, other):
        return self.div_(other)


# ---------------------------------------------------------------------- helpers

# `array + tensor` and friends: NumPy asks the tensor (reflected operands).
_OPERATORS = {
    np.add: Tensor.__radd__,
    np.subtract: Tensor.__rsub__,
    np.multiply: Tensor.__rmul__,
    np.true_divide: Tensor.__rtruediv__,
    np.power: Tensor.__rpow__,
    np.matmul: Tensor.__rmatmul__,
}


def _arrays_of(values):
    """Tensors (also inside lists and tuples) as their arrays, for a NumPy function."""
    out = []
    for v in values:
        if isinstance(v, Tensor):
            v = v.numpy()
        elif isinstance(v, list | tuple):
            v = type(v)(_arrays_of(v))
        out.append(v)
    return out


def gradient_seed(output, gradient, index=0):
    """The gradient that backward starts from at `output`, as an array: `gradient`, checked
    against output's shape, or 1 for a scalar output. Also used by autograd.grad, where
    `output` is the `index`-th of several (PyTorch's messages number them).
    """
    if not output.requires_grad:
        raise RuntimeError(
            f"element {index} of tensors does not require grad and does not have a grad_fn"
        )
    if gradient is None:
        if output._data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        return np.ones(output._data.shape, dtype=output._data.dtype)
    seed = gradient._data if isinstance(gradient, Tensor) else np.asarray(gradient)
    if seed.shape != output._data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[{index}] has a shape of {Size(seed.shape)!r} and "
            f"output[{index}] has a shape of {output.shape!r}."
        )
    return seed.astype(output._data.dtype, copy=False)


def _shape_arg(shape):
    """Accept both f(2, 3) and f((2, 3)), as PyTorch does."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(n) for n in shape)


def _new_shape(shape, size):
    """`shape` with its -1 worked out, or PyTorch's error when `size` elements do not fit."""
    known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
    unknown = shape.count(-1)
    fits = known == size if unknown == 0 else (unknown == 1 and known and size % known == 0)
    if unknown > 1:
        raise RuntimeError("only one dimension can be inferred")
    if not fits:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")
    return tuple(size // known if n == -1 else n for n in shape)


def _view_without_copy(array, shape):
    """`array` in `shape` sharing its memory, or None when that layout needs a copy."""
    try:
        return np.reshape(array, shape, copy=False)
    except ValueError:
        return None


def _check_split_size(step, size):
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0 and size != 0:
        raise RuntimeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
        )


def _check_split_sizes(sizes, size, dim):
    if any(n < 0 for n in sizes):
        raise RuntimeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={sizes}"
        )
    if sum(sizes) != size:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size "
            f"at dimension {dim}), but got split_sizes={sizes}"
        )


def _numpy_key(key):
    """An index as NumPy understands it: tensors inside become arrays."""
    if isinstance(key, tuple):
        return tuple(_numpy_key(k) for k in key)
    if isinstance(key, Tensor):
        return key._data
    if isinstance(key, list):
        return np.asarray([k._data if isinstance(k, Tensor) else k for k in key])
    return key


def index(tensor, key):
    """`tensor[key]`, recorded as PyTorch records it.

    Plain indices (ints, slices, None, ...) come first, one Select, Slice or Unsqueeze node
    per dimension, as in PyTorch's graph: together they make a view, sharing memory. What
    remains (lists, tensors, masks) then becomes one Index node, which copies.
    """
    view, advanced = _basic_view(tensor, key)
    return view if advanced is None else sh.Index.apply(view, key=advanced)


def _basic_view(tensor, key):
    """The view that the plain part of `key` picks out of `tensor`, and the rest of `key`
    for an Index node (None when there is none)."""
    key = key if isinstance(key, tuple) else (key,)
    # A 0-d integer tensor indexes like the int it holds.
    key = tuple(int(k) if _is_integer_scalar_tensor(k) else k for k in key)
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > tensor.ndim:
        raise IndexError(f"too many indices for tensor of dimension {tensor.ndim}")
    only_one_full_slice = len(key) == 1 and isinstance(key[0], slice) and key[0] == slice(None)
    # (Tensors in `key` compare element-wise, so look for "..." by identity.)
    ellipsis_at = [i for i, k in enumerate(key) if k is Ellipsis]
    if ellipsis_at:
        # Expand "..." into as many full slices as it stands for.
        at = ellipsis_at[0]
        key = key[:at] + (slice(None),) * (tensor.ndim - used) + key[at + 1 :]
    result, dim, advanced = tensor, 0, []
    for k in key:
        if k is None:
            result = sh.Unsqueeze.apply(result, dim=dim)
            advanced.append(slice(None))
            dim += 1
        elif isinstance(k, slice):
            if k != slice(None) or only_one_full_slice:  # x[:] is a Slice node in PyTorch
                result = sh.Slice.apply(result, dim=dim, index=k)
            advanced.append(slice(None))
            dim += 1
        elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            size = result.shape[dim]
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {size}")
            result = sh.Select.apply(result, dim=dim, index=int(k))
        else:
            advanced.append(_numpy_key(k))
            dim += 1
    if any(not isinstance(k, slice) for k in advanced):
        return result, tuple(advanced)
    if result is tensor:
        # x[...] or x[:, :] is still a new tensor (an alias) in PyTorch.
        result = sh.Alias.apply(tensor)
    return result, None


def _random_top(dtype):
    """The largest value random_() draws: every whole number up to it is exact in dtype."""
    if dtype.is_floating_point:
        return 2 ** (np.finfo(dtype.numpy_dtype).nmant + 1)
    return int(np.iinfo(dtype.numpy_dtype).max) if dtype is not dtypes.bool else 1


def _number_tensor(value, like):
    """A Python number as an operand of an in-place op on `like` (PyTorch's "wrapped number":
    it does not raise the result's dtype category on its own)."""
    _check_number(value, like)
    dtype = dtypes.from_numpy(np.bool_ if isinstance(value, bool) else np.asarray(value).dtype)
    number = Tensor(np.asarray(value, dtype=dtype.numpy_dtype))
    number._is_number = True
    return number


def _check_number(value, like):
    if not isinstance(value, numbers.Number):
        raise TypeError(f"can't assign a {_type_name(value)} to a {like.dtype.tensor_type_name}")


def _check_cast(result, target):
    """PyTorch's rule for in-place results: no float into an integer, nothing into a bool."""
    to_int = not target.is_floating_point and result.is_floating_point
    to_bool = target is dtypes.bool and result is not dtypes.bool
    if to_int or to_bool:
        raise RuntimeError(
            f"result type {result.short_name} can't be cast to the desired output type "
            f"{target.short_name}"
        )


def _type_name(value):
    """A value's type as PyTorch's messages name it: "float", "numpy.ndarray"."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _is_integer_scalar_tensor(k):
    return isinstance(k, Tensor) and k.ndim == 0 and k.dtype in (
        dtypes.int64, dtypes.int32, dtypes.int16, dtypes.int8, dtypes.uint8
    )


def matmul(a, b):
    """`a @ b`, decomposed by rank in ops/matmul.py."""
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise TypeError("matmul(): argument 'other' must be Tensor")
    return mat.matmul(a, b)


def maximum(a, b):
    a, b = a._binary(b)
    return ew.Maximum.apply(a, b)
