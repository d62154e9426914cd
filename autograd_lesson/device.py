"""`torch.device`, the default device, and the errors for devices this engine does not have.

autograd_lesson computes on the CPU only: it behaves as a PyTorch built without CUDA (the
"2.13.0+cpu" wheel). A `device("cuda")` can still be named, compared, hashed, printed and
pickled exactly as in PyTorch, so the usual first line of a script runs unchanged:

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

Moving a tensor or a module to CUDA, or creating a tensor there, raises what that PyTorch
raises: AssertionError("Torch not compiled with CUDA enabled").

Known differences from torch 2.13:
- the `meta` device (shape-only tensors in torch) is refused here, with a clear error;
- errors in both, worded differently: creating a tensor on another accelerator
  (`device="mps"`, "hip", ...) raises torch's long NotImplementedError from its dispatcher,
  and here the RuntimeError that `.to("mps")` gives; "hpu", "mtia" and "privateuseone" get
  that RuntimeError too (torch fails importing a module); `torch.device(["cuda"])` names the
  argument's type `list`, not `list of [str]`;
- errors in torch that nn layers do not raise here yet: `nn.Linear(..., device="cuda")` (also
  Conv2d, BatchNorm2d), and any layer built after `set_default_device("cuda")`: the layers
  make their weights with NumPy, not with the creation functions that check devices.
"""

import re

from . import dtypes

# The device types PyTorch 2.13 knows, in the order its error message lists them.
DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip

# "cuda" or "cuda:0": a type, then maybe a colon and an index with no leading zeros.
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?")

# An argument not passed at all, which PyTorch tells apart from None: torch.device() and
# torch.device(None) give different errors, and so do device("cuda:1") and ("cuda:1", None).
_NOTHING = object()
NEGATIVE_INDEX = "Device index must not be negative"
NO_ACCELERATOR = "Cannot access accelerator device when none is available."


class device:  # noqa: N801 - PyTorch's name
    """A place where a tensor can live: a type ("cpu", "cuda", ...) and an optional index.

    device("cuda:1") == device("cuda", 1); device("cuda") has no index (index is None).
    Used as a context manager (`with torch.device("cpu"):`), it is the default device inside.
    """

    def __init__(self, type=_NOTHING, index=_NOTHING, **keywords):  # noqa: A002 - torch's name
        if "device" in keywords:  # torch.device(device="cpu") is also accepted
            type = keywords.pop("device")
        if keywords:
            unexpected = next(iter(keywords))
            raise TypeError(f"device() got an unexpected keyword argument '{unexpected}'")
        if isinstance(type, self.__class__):
            if index is not _NOTHING:
                raise TypeError(
                    "device(): argument 'type' (position 1) must be str, not torch.device"
                )
            self._type, self._index = type.type, type.index
        elif isinstance(type, int) and not isinstance(type, bool):
            raise _bare_index_error(type)
        elif isinstance(type, str):
            self._type, self._index = _parse(type, index)
        else:
            raise _device_argument_error(type)

    # Read-only, as in PyTorch.
    type = property(lambda self: self._type)  # noqa: A003
    index = property(lambda self: self._index)

    def __eq__(self, other):
        # A device equals only a device: torch.device("cpu") == "cpu" is False in PyTorch.
        if not isinstance(other, device):
            return NotImplemented
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self):
        return hash((self._type, self._index))

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self):
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __reduce__(self):
        return (device, (self._type, self._index))

    # `with torch.device("cpu"):` makes it the default device inside the block.
    def __enter__(self):
        _entered.append(_default_device)
        set_default_device(self)
        return self

    def __exit__(self, *exc_info):
        set_default_device(_entered.pop())


def _device_argument_error(value):
    """PyTorch's TypeError for torch.device(value) with a value of the wrong type."""
    given = "" if value is _NOTHING else _type_name(value)
    why = "      didn't match because some of the arguments have invalid types: "
    why = f"\n{why}(!{given}!)" if given else ""
    return TypeError(
        f"device() received an invalid combination of arguments - got ({given}), but "
        f"expected one of:\n * (torch.device device){why}\n * (str type, int index = -1)\n"
    )


def _bare_index_error(index):
    """torch.device(0): a bare number names a device of the current accelerator; none here."""
    return RuntimeError(NEGATIVE_INDEX if index < 0 else NO_ACCELERATOR)


def _parse(text, index):
    """(type, index) from "cuda", "cuda:0", or ("cuda", 0), with PyTorch's errors.
    `index` is _NOTHING when not passed: an explicit None still forbids "cuda:1", None."""
    index_given = index is not _NOTHING
    index = None if index is _NOTHING else index
    if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
        raise TypeError(
            f"device(): argument 'index' (position 2) must be int, not {_type_name(index)}"
        )
    if not text:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    type_name, index_text = match.groups()
    if type_name not in DEVICE_TYPES:
        raise RuntimeError(
            f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
            f"{type_name}"
        )
    if index_text is not None:
        if index_given:
            raise RuntimeError(
                "type (string) must not include an index because index was passed explicitly: "
                f"{text}"
            )
        index = int(index_text)
    if index is not None and index < 0:
        raise RuntimeError(NEGATIVE_INDEX)
    return type_name, index


def _names_a_device(value):
    """A device, a string ("cuda:0") or an index (0): what device arguments accept."""
    return isinstance(value, str | device) or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def _type_name(value):
    """How PyTorch's argument errors name a value's type."""
    if isinstance(value, device):
        return "torch.device"
    if isinstance(value, dtypes.dtype):
        return "torch.dtype"
    if type(value).__name__ == "Tensor":
        return "Tensor"
    return type(value).__name__


def unavailable(device_type):
    """The exception PyTorch 2.13+cpu raises when asked to put a tensor on `device_type`."""
    if device_type == "cuda":
        return AssertionError("Torch not compiled with CUDA enabled")
    if device_type == "xpu":
        return AssertionError("Torch not compiled with XPU enabled")
    if device_type == "meta":
        return NotImplementedError(
            "autograd_lesson computes on the CPU only: it has no 'meta' device "
            "(tensors with a shape but no values)"
        )
    return RuntimeError(f"PyTorch is not linked with support for {device_type} devices")


def require_cpu(target):
    """Raise PyTorch's error unless `target` (a device) is the CPU."""
    if target.type != "cpu":
        raise unavailable(target.type)


# ---------------------------------------------------------------------- the default device
_default_device = None  # None: the CPU, as in PyTorch until set_default_device is called
_entered = []  # the defaults to restore when `with torch.device(...)` blocks end


def set_default_device(target):
    """Where creation functions (zeros, rand, tensor, ...) put tensors when no device= is given.

    As in PyTorch, naming CUDA here is accepted; the error comes when a tensor is created.
    None restores the CPU.
    """
    global _default_device
    _default_device = None if target is None else device(target)


def get_default_device():
    """The default device; raises, as PyTorch does, when it is CUDA with no index."""
    if _default_device is None:
        return device("cpu")
    if _default_device.index is None and _default_device.type not in ("cpu", "meta"):
        raise unavailable(_default_device.type)  # PyTorch asks the backend for its index
    return _default_device


def check_creation_device(target, function_name):
    """The `device=` argument of a creation function: None means the default device.
    Raises PyTorch's error unless the tensor can be made here, on the CPU."""
    if target is None:
        target = _default_device or device("cpu")
    elif _names_a_device(target):
        target = device(target)
    else:
        raise TypeError(
            f"{function_name}(): argument 'device' must be torch.device, not {_type_name(target)}"
        )
    require_cpu(target)


# ---------------------------------------------------------------------- Tensor.to / .cuda()
TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
)


def _to_argument_error(args, kwargs):
    given = [_type_name(a) for a in args]
    given += [f"{name}={_type_name(kwargs[name])}" for name in sorted(kwargs)]
    # PyTorch's own spelling: keyword-only calls end in ", " inside the parentheses.
    got = ", ".join(given) + (", " if kwargs and not args else "")
    return TypeError(
        f"to() received an invalid combination of arguments - got ({got}), but expected one "
        f"of:\n{TO_SIGNATURES}"
    )


def parse_to_arguments(args, kwargs):
    """Read `Tensor.to`'s and `Module.to`'s arguments as PyTorch does. Three signatures:

        to(device=None, dtype=None, non_blocking=False, copy=False)
        to(dtype, non_blocking=False, copy=False)
        to(tensor, non_blocking=False, copy=False)     # that tensor's dtype and device

    Returns (device or None, dtype or None, non_blocking, copy), checking nothing about
    whether the device is available (the caller decides when to raise).
    """
    from .tensor import Tensor  # here, not at the top: tensor.py imports this module

    if len(args) > 4:
        raise TypeError(f"to() takes from 0 to 4 positional arguments but {len(args)} were given")
    first = args[0] if args else None
    if isinstance(first, dtypes.dtype):
        names = ("dtype", "non_blocking", "copy")
    elif isinstance(first, Tensor):
        names = ("tensor", "non_blocking", "copy")
    else:
        names = ("device", "dtype", "non_blocking", "copy")
    bound = dict(zip(names, args, strict=False))
    clashes = len(args) > len(names) or any(name in bound for name in kwargs)
    unknown = any(name not in names and name != "memory_format" for name in kwargs)
    if clashes or unknown:
        raise _to_argument_error(args, kwargs)
    bound.update(kwargs)
    accepted = {
        "device": lambda v: v is None or _names_a_device(v),
        "dtype": lambda v: v is None or isinstance(v, dtypes.dtype),
        "tensor": lambda v: isinstance(v, Tensor),
        "non_blocking": lambda v: isinstance(v, bool),
        "copy": lambda v: isinstance(v, bool),
        "memory_format": lambda v: v is None,
    }
    if not all(accepted[name](value) for name, value in bound.items()):
        raise _to_argument_error(args, kwargs)
    target = bound.get("device")
    target = None if target is None else device(target)
    dtype = bound.get("dtype")
    if "tensor" in bound:
        target, dtype = bound["tensor"].device, bound["tensor"].dtype
    return target, dtype, bound.get("non_blocking", False), bound.get("copy", False)


def refuse_cuda(target=None):
    """`.cuda(device)` for a tensor: check `device` as PyTorch does, then raise, always:
    there is no CUDA here."""
    if target is not None:
        if isinstance(target, int) and not isinstance(target, bool):
            raise _bare_index_error(target)
        if not isinstance(target, str | device):
            raise TypeError(
                "cuda(): argument 'device' (position 1) must be torch.device, "
                f"not {_type_name(target)}"
            )
        if device(target).type != "cuda":
            raise RuntimeError("Invalid device, must be cuda device")
    raise unavailable("cuda")
