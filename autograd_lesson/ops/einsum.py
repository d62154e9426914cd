"""einsum: products and sums written as index letters ("ij,jk->ik" is a matrix product).

PyTorch rewrites an einsum into permutes, views and a bmm, and its graph shows those nodes;
here it is one node, EinsumBackward0 (a known difference: same values and gradients).
"""

import numpy as np

from ..function import Function


class Einsum(Function):
    """out = einsum("ij,jk->ik", a, b)
    ∂loss/∂a = einsum("ik,jk->ij", grad, b): the gradient takes a's place in the equation"""

    name_in_pytorch = "EinsumBackward0"

    def forward(self, *operands, inputs, output):
        self.inputs, self.output = inputs, output  # e.g. ("ij", "jk"), "ik"
        self.save_for_backward(*operands)
        return np.asarray(np.einsum(",".join(inputs) + "->" + output, *operands))

    def backward(self, grad):
        operands = self.saved_tensors
        grads = []
        for k, (letters, operand) in enumerate(zip(self.inputs, operands)):
            others = [o for i, o in enumerate(operands) if i != k]
            other_letters = [s for i, s in enumerate(self.inputs) if i != k]
            seen = set(self.output).union(*other_letters)
            # Letters only this operand has were summed away: the gradient is the same
            # along them, so compute it without them, then spread it back.
            target = "".join(c for c in letters if c in seen)
            g = np.einsum(",".join([self.output, *other_letters]) + "->" + target, grad, *others)
            for axis, c in enumerate(letters):
                if c not in seen:
                    g = np.expand_dims(g, axis)
            grads.append(np.broadcast_to(g, operand.shape))
        return tuple(grads)
