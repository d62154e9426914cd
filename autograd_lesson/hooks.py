"""Hooks: functions you hand to autograd, called as it works.

    h = t.register_hook(fn)    fn(grad) runs when t's gradient has been computed, before it
                               is used; returning a tensor replaces the gradient
    h.remove()                 takes it back

`register_hook` returns a RemovableHandle, as in PyTorch (torch.utils.hooks.RemovableHandle).
"""


class RemovableHandle:
    """Takes a registered hook back out with `.remove()` (also when used as `with handle:`)."""

    _next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict = hooks_dict
        # Dicts of flags kept per hook (a module hook's with_kwargs, always_call): removed too.
        self.extra_dicts = [extra_dict] if isinstance(extra_dict, dict) else list(extra_dict or ())
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        for hooks in (self.hooks_dict, *self.extra_dicts):
            hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __repr__(self):
        # PyTorch adds the memory address; leaving it out keeps printed output the same.
        return "<torch.utils.hooks.RemovableHandle object>"


def add_hook(hooks_dict, hook):
    """Register `hook` in `hooks_dict` (kept in registration order); return its handle."""
    handle = RemovableHandle(hooks_dict)
    hooks_dict[handle.id] = hook
    return handle
