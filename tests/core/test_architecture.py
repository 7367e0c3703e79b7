"""The shape of the house, checked from the source (DESIGN.md "Layout").

These tests read ``wcl/`` as text and build its import graph, module-level
*and* function-level imports alike (an import hidden in a function is still a
dependency), so they catch what a green suite does not: a cycle, a package
reaching one that comes after it in the domain order, a role check outside
the permission module, a second home for Stripe or WeasyPrint.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "wcl"

# DESIGN.md: a package may import only the packages listed before it.
DOMAIN_ORDER = [
    {"accounts", "labs", "files", "audit"},
    {"orgs"},  # organisations and partnerships: other domains refer to them
    {"applications"},
    {"cohorts"},
    {"campaigns", "grants", "community", "events", "knowledge"},
    {
        "ashar",
        "pitch",
    },  # community co-financing over campaigns; pitch days over a call's finalists at an event
    {"payments"},
    {"receipts"},
    {"reports"},
    {"outcomes"},
]
RANK = {name: rank for rank, names in enumerate(DOMAIN_ORDER) for name in names}
# Top-level modules that wire every domain together (the app factory, the CLI,
# the demo, the periodic schedule, the model registry for Alembic). Everything
# else directly under wcl/ is infrastructure and imports no domain.
COMPOSITION = {"__init__", "cli", "demo", "schedule", "models", "core"}


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path):
    """Every ``wcl.*`` module ``path`` imports, at any depth in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("wcl"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                own = _module_name(path)
                package = own if path.name == "__init__.py" else own.rpartition(".")[0]
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.startswith("wcl"):
                found.add(base)
                # ``from wcl.x import y`` may name a submodule y.
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _graph():
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {target for target in _imports(path) if target in modules and target != name}
    return graph


# The job system is one piece of infrastructure in two places: wcl/queue.py
# (enqueue after commit) and wcl/jobs/ (the outbox rows, their sweeper).
SAME_AREA = {"queue": "jobs"}


def _area(module):
    """The domain package (or top-level module) a module belongs to."""
    parts = module.split(".")
    area = parts[1] if len(parts) > 1 else "__init__"
    return SAME_AREA.get(area, area)


def _is_policy_read(source, target):
    """The permission module (its table and its rules in ``wcl.accounts.rules``) reading a
    domain's queries or models (DESIGN.md's one exception)."""
    policy = source == "wcl.accounts.permissions" or source.startswith("wcl.accounts.rules.")
    return policy and target.rsplit(".", 1)[-1] in ("queries", "models")


def _package_graph(graph):
    edges = {}
    for source, targets in graph.items():
        for target in targets:
            a, b = _area(source), _area(target)
            if a != b and not _is_policy_read(source, target):
                edges.setdefault(a, set()).add(b)
    return edges


def test_no_import_cycle_between_packages():
    edges = _package_graph(_graph())
    # The app factory, CLI and demo sit above everything; leave them out.
    edges = {a: {b for b in bs if b not in COMPOSITION} for a, bs in edges.items() if a not in COMPOSITION}
    seen, stack, cycles = set(), [], []

    def visit(node):
        if node in stack:
            cycles.append(stack[stack.index(node) :] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            visit(target)
        stack.pop()

    for node in sorted(edges):
        visit(node)
    assert not cycles, cycles


def _allowed(source_module, target_module):
    source, target = _area(source_module), _area(target_module)
    if source in COMPOSITION or source == target:
        return True
    if _is_policy_read(source_module, target_module):
        return True
    if target in COMPOSITION:
        return target == "core"  # shared error pages and security helpers only
    if target not in RANK:
        return True  # infrastructure: extensions, queue, money, time, forms, pdf …
    if source not in RANK:
        return False  # infrastructure imports no domain
    return RANK[target] <= RANK[source]  # the same tier is allowed; the cycle test guards it


def test_imports_follow_the_domain_order():
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in _graph().items()
        for target in targets
        if not _allowed(source, target)
    )
    assert not wrong, "\n".join(wrong)


def _queries_package(module):
    """``wcl.x.queries`` for a module of it (a ``queries.py``, or a package split by use
    case, DESIGN.md: ``queries/__init__.py`` and its modules), else None."""
    parts = module.split(".")
    return ".".join(parts[: parts.index("queries") + 1]) if "queries" in parts[2:] else None


def test_queries_modules_import_only_models():
    graph = _graph()
    wrong = []
    for module, targets in graph.items():
        package = _queries_package(module)
        if package:
            wrong += [
                f"{module} -> {t}"
                for t in targets
                if _area(t) in RANK
                and not t.endswith((".models", ".queries"))
                and not t.startswith(f"{package}.")
            ]
    assert not wrong, wrong


ROLE_CHECKS = ("has_role", "is_admin", "role_names")


def _calls_outside_accounts(names):
    hits = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "accounts":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            name = None
            if isinstance(node, ast.Name):
                name = node.id
            elif isinstance(node, ast.Attribute):
                name = node.attr
            if name in names:
                hits.append(f"{relative}:{node.lineno} {name}")
    return hits


def test_role_checks_live_in_the_permission_module():
    hits = _calls_outside_accounts(ROLE_CHECKS)
    assert not hits, "use a named permission or lab_scope from wcl.accounts.permissions:\n" + "\n".join(hits)


@pytest.mark.parametrize(
    ("library", "home"),
    [("stripe", "payments/providers/stripe.py"), ("weasyprint", "pdf.py")],
)
def test_one_home_for_stripe_and_weasyprint(library, home):
    homes = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == library or name.startswith(library + ".") for name in names):
                homes.add(str(path.relative_to(PACKAGE)))
    assert homes == {home}


def test_the_graph_sees_function_level_imports(tmp_path):
    # The checks above are only as good as the parser: an import inside a
    # function must count as a dependency.
    source = tmp_path / "probe.py"
    source.write_text("def f():\n    from wcl.payments import services\n    import wcl.reports.queries\n")
    assert {"wcl.payments", "wcl.payments.services", "wcl.reports.queries"} <= _imports(source)


def _public_functions(path):
    tree = ast.parse(path.read_text())
    return [
        node.name for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def _defined_names(package):
    """Every top-level function name in ``package``'s services (module or package) and sessions."""
    names = set()
    for candidate in (
        package / "services.py",
        package / "sessions.py",
        *sorted(package.glob("services/*.py")),
    ):
        if candidate.exists():
            names.update(_public_functions(candidate))
    return names


def test_each_job_has_the_name_of_the_service_it_runs():
    mismatched = []
    for jobs in sorted(PACKAGE.glob("*/jobs.py")):
        services = _defined_names(jobs.parent)
        mismatched += [
            f"{jobs.relative_to(PACKAGE)}:{name}" for name in _public_functions(jobs) if name not in services
        ]
    assert mismatched == []
