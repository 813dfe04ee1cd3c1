"""The shape of the code, enforced: no module too long to read, no function too branchy to follow.

Limits: a module outside migrations and tests has at most ``MAX_MODULE_LINES`` lines (split it into
a package before that, see STYLE.md); a function or method outside migrations and tests has a
cyclomatic complexity of at most ``MAX_COMPLEXITY`` (split it into named helpers). Both are measured
with radon (requirements-dev.txt). Migrations are generated and tests are read one case at a time,
so neither is held to these limits.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from radon.complexity import cc_visit
from radon.raw import analyze
from radon.visitors import Class, Function

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600
MAX_COMPLEXITY = 20
# Directories never measured: hidden ones (.venv, .git, caches) are skipped as well.
SKIPPED_DIRS = {"migrations", "tests", "node_modules", "staticfiles", "__pycache__"}


def project_modules() -> Iterator[Path]:
    """Every Python file of the project, outside migrations, tests and hidden directories."""
    stack = [ROOT]
    while stack:
        folder = stack.pop()
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if not path.name.startswith(".") and path.name not in SKIPPED_DIRS:
                    stack.append(path)
            elif path.suffix == ".py":
                yield path


def blocks(nodes, prefix: str = "") -> Iterator[tuple[str, int, int]]:
    """(qualified name, line, complexity) of every function, method and nested function in ``nodes``.

    ``nodes`` as ``cc_visit`` returns them: functions, classes, and the methods of those classes;
    the methods of classes nested in classes, and functions nested in functions, are reached here.
    """
    for node in nodes:
        if isinstance(node, Class):
            for inner in node.inner_classes:
                yield from blocks([*inner.methods, inner], f"{prefix}{node.name}.")
        elif isinstance(node, Function):
            yield f"{prefix}{node.fullname}", node.lineno, node.complexity
            yield from blocks(node.closures, f"{prefix}{node.fullname}.")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_module_is_over_600_lines():
    # given every project module
    # when each is measured
    too_long = [
        f"{relative(path)}: {lines} lines"
        for path in project_modules()
        if (lines := analyze(path.read_text(encoding="utf-8")).loc) > MAX_MODULE_LINES
    ]
    # then none passes the limit
    if too_long:
        pytest.fail(f"Modules over {MAX_MODULE_LINES} lines (split them):\n" + "\n".join(too_long), pytrace=False)


def test_no_function_is_over_complexity_20():
    # given every function and method of the project
    # when the cyclomatic complexity of each is measured
    too_complex = [
        f"{relative(path)}:{line} {name}: complexity {complexity}"
        for path in project_modules()
        for name, line, complexity in blocks(cc_visit(path.read_text(encoding="utf-8")))
        if complexity > MAX_COMPLEXITY
    ]
    # then none passes the limit
    if too_complex:
        message = f"Functions over cyclomatic complexity {MAX_COMPLEXITY} (split them into helpers):\n"
        pytest.fail(message + "\n".join(too_complex), pytrace=False)
