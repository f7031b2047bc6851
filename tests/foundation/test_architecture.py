"""The house rules, checked on the source (issue 11): arrows point down, no import cycle, small
files and functions, role names as constants, one commit at the boundary.

Everything here reads the code (ast, import-linter); nothing is imported or run. Each test
names every offender with its file and line, so one run shows the whole list.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: the packages whose import graph is checked (app/migrations left out: Alembic loads it by path)
PACKAGES = ("app", "workflows", "forms")
#: folders that are not the portal's own code, or not held to its size rules
NOT_CODE = {".venv", "venv", "node_modules", "instance", ".git", "tests", "migrations"}
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 50
ROLE_NAMES = {"Consumer", "Staff", "OrgAdmin", "Admin"}
ROLES_MODULE = "app/security/roles.py"

#: where a session may commit or roll back by hand: file → {function: why} ("*": the whole file)
TRANSACTION_OWNERS = {
    "app/web/boundary.py": {"*": "the request boundary: one commit per request, rollback on any error"},
    "app/core/transactions.py": {"*": "unit_of_work() for CLI commands and jobs; the read-only commit"},
    "app/core/notifications/outbox.py": {
        "_own_transaction": "a claim on an outbox message must be visible to every other worker "
                            "before the slow hand-off starts, and its outcome recorded at once",
    },
    "workflows/accounts/tries.py": {
        "keep": "a wrong code or captcha answer uses up a try even though the request is refused",
    },
    "workflows/billing/imports/commands.py": {
        "_commit": "a billing import commits each batch with the run's counts on its own connection, so "
                   "the progress page sees them move and a failure keeps the batches already applied",
        "_discard": "the batch that failed is rolled back before the run records why it stopped",
    },
}


@pytest.fixture(autouse=True)
def _clean_database():
    """These tests read files only: no application, no database to clean."""
    yield


def python_files():
    """Every .py of the portal outside tests and migrations, as (path relative to ROOT, Path)."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not NOT_CODE.intersection(relative.parts[:-1]) and not relative.parts[0].startswith("."):
            yield relative.as_posix(), path


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# ---- the import graph ------------------------------------------------------------

def package_modules() -> dict[str, Path]:
    """Module name → file for app/, workflows/ and forms/ (app/migrations left out)."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imported_names(node, module: str, is_package: bool, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # relative: from the package the module is in, one level up per extra dot
        anchor = module.split(".") if is_package else module.split(".")[:-1]
        anchor = anchor[: len(anchor) - node.level + 1]
        base = ".".join(anchor + ([base] if base else []))
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def imports_of(module: str, path: Path, modules) -> dict[str, int]:
    """The portal modules `module` imports → the first line, imports inside functions included."""
    found = {}
    for node in ast.walk(parsed(path)):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for name in _imported_names(node, module, path.name == "__init__.py", modules):
            while name and name not in modules:  # `import app.core.x` names app.core.x's function etc.
                name = name.rpartition(".")[0]
            if name and name != module:
                found.setdefault(name, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    modules = package_modules()
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: every group of modules that import each other round."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_cycle():
    graph = import_graph()
    lines = []
    for group in strongly_connected(graph):
        lines.append(f"a cycle through {len(group)} modules:")
        members = set(group)
        for module in group:
            for imported, line in sorted(graph[module].items()):
                if imported in members:
                    lines.append(f"    {module} (l.{line}) -> {imported}")
    assert not lines, "\n".join(lines)


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {}}
    assert strongly_connected(graph) == [["a", "b", "c"]]


def test_only_the_launchers_import_the_factory():
    """`app` (app/__init__.py) imports every area; a module below it that imports it is a cycle.
    rq's worker and `rq cron` name the factory (app.core.jobs.context.FACTORY) like app.py does."""
    graph = import_graph()
    importers = [f"{module} (l.{graph[module]['app']})" for module in sorted(graph) if "app" in graph[module]]
    assert not importers, "imports the application factory: " + ", ".join(importers)


def test_layers():
    """The layers contract in .importlinter: views/CLI → forms/web → workflows → access → roles →
    core → models → extensions, never back (imports inside functions count)."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.argv[0] = 'lint-imports'; lint_imports_command()",
         "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[result.stdout.find("Broken contracts"):] + result.stderr


# ---- sizes ---------------------------------------------------------------------

def test_no_file_over_400_lines():
    """The portal's code and its tests (vendored files and migrations left out)."""
    tests = ((p.relative_to(ROOT).as_posix(), p) for p in sorted((ROOT / "tests").rglob("*.py"))
             if "vendor" not in p.parts)
    long = []
    for name, path in (*python_files(), *tests):
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_FILE_LINES:
            long.append(f"{name}: {count} lines")
    assert not long, "\n".join(long)


def nodes(*kinds, skip=()):
    """(file, node) for every node of the given kinds in the portal's code, files in `skip` left out."""
    for name, path in python_files():
        if name not in skip:
            yield from ((name, node) for node in ast.walk(parsed(path)) if isinstance(node, kinds))


def test_no_function_over_50_lines():
    long = [f"{name}:{node.lineno} {node.name}(): {node.end_lineno - node.lineno + 1} lines"
            for name, node in nodes(ast.FunctionDef, ast.AsyncFunctionDef)
            if node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, "\n".join(long)


# ---- one place for each rule -------------------------------------------------------

def test_role_names_only_as_constants():
    """"Consumer", "Staff", "OrgAdmin", "Admin" are spelled once, in app/security/roles.py."""
    literals = [f"{name}:{node.lineno} {node.value!r}" for name, node in nodes(ast.Constant, skip={ROLES_MODULE})
                if node.value in ROLE_NAMES]
    assert not literals, "use the constants of app/security/roles.py:\n" + "\n".join(literals)


def _is_session(node) -> bool:
    """`db.session`, `self.session`, `session`, `db.session()`, or a connection of one's own
    (`conn`, `connection`): what a transaction is ended on."""
    if isinstance(node, ast.Call):
        node = node.func
    return (isinstance(node, ast.Attribute) and node.attr == "session") or (
        isinstance(node, ast.Name) and node.id in ("session", "conn", "connection"))


def transaction_ends(path: Path):
    """(line, function, call) for every session.commit()/rollback() in the file."""
    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in ("commit", "rollback") and _is_session(child.func.value)):
                yield child.lineno, function, child.func.attr
            yield from visit(child, inner)

    yield from visit(parsed(path), "<module>")


def test_commits_and_rollbacks_only_at_the_boundary():
    """Views, commands and services never end the transaction: the request boundary and
    unit_of_work() do, plus the deliberate separate transactions in TRANSACTION_OWNERS."""
    found = []
    for name, path in python_files():
        if not name.startswith(tuple(f"{package}/" for package in PACKAGES)):
            continue
        allowed = TRANSACTION_OWNERS.get(name, {})
        for line, function, call in transaction_ends(path):
            if "*" not in allowed and function not in allowed:
                found.append(f"{name}:{line} {function}(): session.{call}()")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", sorted(TRANSACTION_OWNERS))
def test_every_transaction_owner_still_ends_a_transaction(name):
    """An allowance nobody uses any more is taken off the list."""
    functions = {function for _, function, _ in transaction_ends(ROOT / name)}
    allowed = set(TRANSACTION_OWNERS[name]) - {"*"}
    assert functions and allowed <= functions, f"{name}: no commit/rollback left in {allowed - functions}"
