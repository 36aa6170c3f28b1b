"""The integrators' client (clients/portal_integration/, `make openapi`) as an integrator meets it:
Latin names throughout."""

import ast
from pathlib import Path

from infra.openapi import CLIENT_DIR


def _identifiers(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.update(filter(None, (node.name, node.asname)))
    return names


def test_every_name_in_the_generated_client_is_latin() -> None:
    modules = sorted(CLIENT_DIR.rglob("*.py"))

    assert len(modules) > 40
    assert [
        str(m.relative_to(CLIENT_DIR)) for m in modules if not str(m.relative_to(CLIENT_DIR)).isascii()
    ] == []
    assert {m.name: sorted(n for n in _identifiers(m) if not n.isascii()) for m in modules} == {
        m.name: [] for m in modules
    }
    assert "UploadRequestContentType" in _identifiers(CLIENT_DIR / "models" / "__init__.py")
