"""The campaign modules and the gate form a chain, not a circle: each imports only modules below it, at the top.

The old campaign, campaign_review and campaign_publish imported each other inside functions to dodge the cycle;
this parses the modules (nothing is imported) and fails on any service-to-service import cycle or hidden import.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ("assets", "approvals", "campaign_publish", "campaign_review", "review", "campaign", "campaign_chat",
           "production", "batch", "escalation", "cancel")


def _service_imports(name: str) -> tuple[set[str], list[str]]:
    """(services imported at module level, services imported inside functions) of agent/services/<name>.py."""
    tree = ast.parse((ROOT / "agent" / "services" / f"{name}.py").read_text(encoding="utf-8"))
    top, hidden = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("agent.services."):
            target = node.module.removeprefix("agent.services.")
            if target in MODULES:
                (top.add(target) if node in tree.body else hidden.append(target))
    return top, hidden


def test_no_import_cycle_and_no_hidden_imports_between_the_gate_modules() -> None:
    graph = {name: _service_imports(name)[0] for name in MODULES}
    hidden = {name: _service_imports(name)[1] for name in MODULES if _service_imports(name)[1]}
    assert hidden == {}, f"imports hidden inside functions (a cycle being dodged): {hidden}"
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, "import cycle: " + " → ".join((*path, name))
        if name not in done:
            for target in graph[name]:
                visit(target, (*path, name))
            done.add(name)

    for name in MODULES:
        visit(name, ())
    assert "campaign_review" not in graph["campaign_publish"] and "campaign" not in graph["campaign_review"]
