"""`python -m autograd_lesson.ops`: for every op, the node name a printed graph shows, the
class that computes it, where it is (file:line) and its derivative (see ops/index.py)."""

from .index import format_table, problems, table

print(format_table(table()))
for problem in problems():
    print(f"problem: {problem}")
