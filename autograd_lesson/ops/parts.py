"""Running an op on parts of the batch at the same time (the fast paths' shared machinery).

A convolution or a max-pool treats each image on its own, so the batch can be cut into
parts (a whole number of images each) and the parts computed at the same time, one per
core (autograd_lesson/threads.py decides how many parts, and runs them). Each part is an
ordinary node of the op, computing what the op computes on those images: the output and
∂loss/∂x are the parts' results one after the other, and the gradient of every other
input (weights, bias: shared by all images) is the sum of the parts' gradients.
"""

import numpy as np

from .. import threads


class BatchInParts:
    """Mixin for an op class: forward and backward computed by `part_class` nodes, one per
    part of the batch (axis 0 of the first input), the parts at the same time.

    A subclass names `part_class` and says how much work a call is (`work`).
    """

    part_class = None
    # Save the op's inputs (as the op does, for its in-place checks), or only what the
    # parts saved (for an op whose backward needs nothing of x, such as max pooling).
    saves_inputs = True

    def work(self, x, *inputs, **options):
        raise NotImplementedError

    def forward(self, x, *inputs, **options):
        self.input_shape = x.shape
        self.parts = threads.split(len(x), self.work(x, *inputs, **options))
        self.part_nodes = [self.part_class() for _ in self.parts]

        def forward_part(k):
            return self.part_nodes[k].forward(x[self.parts[k]], *inputs, **options)

        with threads.single_threaded_blas():
            outs = threads.run(forward_part, range(len(self.parts)))
        # The inputs, as the op saves them: the parts' slices keep them alive anyway, and
        # saved here, a later in-place change of x or of the weights, or a backward after
        # the graph was freed, raises PyTorch's error, as at any node.
        if self.saves_inputs:
            self.save_for_backward(x, *inputs)
        else:
            self.save_for_backward(*(a for node in self.part_nodes for a in node.saved_tensors))
        return outs[0] if len(outs) == 1 else np.concatenate(outs)

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises PyTorch's error if the graph was freed
        # ∂loss/∂x is made once, whole; each part writes its images' share into it (a part
        # class that can, writes there directly: no second copy of the gradient exists).
        wanted = self.needs_input_grad[0]
        grad_x = np.empty((len(grad), *self.input_shape[1:]), grad.dtype) if wanted else None

        def backward_part(k):
            node = self.part_nodes[k]
            node.needs_input_grad = self.needs_input_grad
            node.grad_x_into = None if grad_x is None else grad_x[self.parts[k]]
            grads = node.backward(grad[self.parts[k]])
            grads = grads if isinstance(grads, tuple) else (grads,)
            if grads[0] is not None and grads[0] is not node.grad_x_into:
                np.copyto(node.grad_x_into, grads[0])
            node.grad_x_into = None  # a view would keep the whole gradient alive
            return grads[1:]

        with threads.single_threaded_blas():
            per_part = threads.run(backward_part, range(len(self.parts)))
        return (grad_x, *(add_up(grads) for grads in zip(*per_part)))

    def release_saved(self):
        for node in self.part_nodes:
            node.release_saved()
        super().release_saved()


def add_up(parts):
    """The sum of the parts' arrays (None when they are None), made in the first part's
    array: the parts' gradients are new arrays of their own, so no third one is needed."""
    if parts[0] is None:
        return None
    total = parts[0]
    for more in parts[1:]:
        total += more
    return total
