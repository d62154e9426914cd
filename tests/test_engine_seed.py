"""The seed's "Differentiation in Autograd" cells, run with `import autograd_lesson as torch`,
print exactly what they print with PyTorch (text observed on torch 2.13.0)."""

import contextlib
import io

import autograd_lesson

SEED_CELLS = """
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
print(Q)
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9*a**2 == a.grad)
print(-2*b == b.grad)
print(a.grad)
print(b.grad)
"""

EXPECTED = """\
tensor([-12.,  65.], grad_fn=<SubBackward0>)
tensor([True, True])
tensor([True, True])
tensor([36., 81.])
tensor([-12.,  -8.])
"""


def test_differentiation_in_autograd_cells_print_what_pytorch_prints():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(SEED_CELLS, {"torch": autograd_lesson})
    assert printed.getvalue() == EXPECTED
