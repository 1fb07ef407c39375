"""Dependencies point inward: agent/ and tools/ import no adapter, except the composition root.

    integrations/ (Slack, Gemini, TikTok, S3, …) ──▶ agent/ (domain, ports, services, graph) ◀── tools/

Every module of agent/ and tools/ is parsed (not imported) and every import in it is checked, including the lazy
ones inside functions and `importlib.import_module("…")` with a literal name. Plug-ins are found through entry
points (agent/plugins.py), which is how the core reaches an adapter without importing it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("agent", "tools")
# The composition root: the only modules of agent/ that may name adapters (they wire them to the ports).
COMPOSITION_ROOT = frozenset({"agent/bootstrap.py", "agent/cli.py"})
# Adapter packages and the outside-world SDKs only adapters may use.
FORBIDDEN = ("integrations", "slack_sdk", "slack_bolt", "google.genai", "google.auth", "langchain_google_genai",
             "boto3", "botocore")


def _imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module name) of every import in the tree, wherever it sits."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
            if node.module == "google":  # `from google import genai`
                found += [(node.lineno, f"google.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            found.append((node.lineno, node.args[0].value))
    return found


def _forbidden(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in FORBIDDEN)


def wrong_way_imports(root: Path = ROOT) -> list[str]:
    """'agent/x.py:12 imports integrations.slack' for every wrong-way import under the layers."""
    problems = []
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative in COMPOSITION_ROOT:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            problems += [f"{relative}:{line} imports {name}" for line, name in _imported_names(tree)
                         if _forbidden(name)]
    return problems


def test_agent_and_tools_import_no_adapter() -> None:
    problems = wrong_way_imports()
    assert not problems, ("agent/ and tools/ must not import adapters (only the composition root "
                          f"{sorted(COMPOSITION_ROOT)} may); pass a port or use a plug-in instead:\n"
                          + "\n".join(problems))


@pytest.mark.parametrize("source", [
    "from integrations.slack.blocks.status import status_blocks",
    "def f():\n    import integrations.s3\n",
    "def f():\n    from google import genai\n",
    "import importlib\nimportlib.import_module('slack_sdk.web')\n",
    "import boto3.session\n",
])
def test_the_checker_sees_every_form_of_import(tmp_path: Path, source: str) -> None:
    """The checker itself can fail: each form of a wrong-way import, planted in a scratch tree, is reported."""
    (tmp_path / "agent").mkdir()
    (tmp_path / "tools").mkdir()
    (tmp_path / "agent" / "planted.py").write_text(source)
    (tmp_path / "agent" / "bootstrap.py").write_text("import integrations.slack\n")  # the root may
    assert [p.split(":")[0] for p in wrong_way_imports(tmp_path)] == ["agent/planted.py"]


BLOCK_KIT_TYPES = frozenset({"section", "actions", "context", "divider", "header", "mrkdwn", "plain_text", "button",
                             "rich_text", "static_select", "overflow", "modal"})


def block_kit_literals(root: Path = ROOT) -> list[str]:
    """'tools/x.py:12 builds a Block Kit "section"' for every dict literal {"type": <a Block Kit type>, …}."""
    found = []
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
                if not isinstance(node, ast.Dict):
                    continue
                for key, value in zip(node.keys, node.values, strict=True):
                    if (isinstance(key, ast.Constant) and key.value == "type" and isinstance(value, ast.Constant)
                            and value.value in BLOCK_KIT_TYPES):
                        found.append(f"{relative}:{node.lineno} builds a Block Kit {value.value!r}")
    return found


def test_agent_and_tools_build_no_block_kit() -> None:
    """Ports carry domain views; only the Slack adapter turns them into Block Kit."""
    problems = block_kit_literals()
    assert not problems, "Block Kit belongs in integrations/slack/blocks:\n" + "\n".join(problems)


def test_the_block_kit_check_can_fail(tmp_path: Path) -> None:
    (tmp_path / "agent").mkdir()
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "card.py").write_text('BLOCK = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}\n')
    assert len(block_kit_literals(tmp_path)) == 2


def test_composition_root_modules_exist() -> None:
    """The allow-list names real files (a renamed root must not silently widen or empty the list)."""
    assert all((ROOT / path).is_file() for path in COMPOSITION_ROOT)
