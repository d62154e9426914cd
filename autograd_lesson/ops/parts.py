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

    def work(self, x, *inputs, **options):
        raise NotImplementedError

    def forward(self, x, *inputs, **options):
        self.parts = threads.split(len(x), self.work(x, *inputs, **options))
        self.part_nodes = [self.part_class() for _ in self.parts]

        def forward_part(k):
            return self.part_nodes[k].forward(x[self.parts[k]], *inputs, **options)

        with threads.single_threaded_blas():
            outs = threads.run(forward_part, range(len(self.parts)))
        # What the parts saved, saved here too: no copy, and backward after a freed graph
        # raises PyTorch's error, as at any node.
        self.save_for_backward(*(array for node in self.part_nodes for array in node.saved_tensors))
        return outs[0] if len(outs) == 1 else np.concatenate(outs)

    def backward(self, grad):
        self.saved_tensors  # noqa: B018 - raises PyTorch's error if the graph was freed

        def backward_part(k):
            node = self.part_nodes[k]
            node.next_functions = self.next_functions  # which inputs want a gradient
            grads = node.backward(grad[self.parts[k]])
            return grads if isinstance(grads, tuple) else (grads,)

        with threads.single_threaded_blas():
            per_part = threads.run(backward_part, range(len(self.parts)))
        grad_x, *others = zip(*per_part)
        return (join(grad_x), *(add_up(grads) for grads in others))

    def release_saved(self):
        for node in self.part_nodes:
            node.release_saved()
        super().release_saved()


def join(parts):
    """The parts' arrays one after the other along the batch (None when they are None)."""
    if parts[0] is None:
        return None
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def add_up(parts):
    """The sum of the parts' arrays (None when they are None)."""
    if parts[0] is None:
        return None
    total = parts[0]
    for more in parts[1:]:
        total = total + more
    return total
