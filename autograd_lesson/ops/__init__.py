"""Differentiable operations, one small `Function` class each, grouped by family.

Each class's docstring states its derivative; `backward` returns one gradient per
input, shaped like the output (the engine sums broadcast dimensions back afterwards).
"""
