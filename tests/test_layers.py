"""The layers import downwards only:
base ← workspace ← markup ← {check, render, intake} ← {review, diff} ← cli.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hthc_cli"
LAYERS = {"base": 0, "workspace": 1, "markup": 2, "check": 3, "render": 3, "intake": 3,
          "review": 4, "diff": 4, "cli": 5}
TOP = {"__init__": 0, "__main__": 6}


def layer_of(module: str) -> tuple[str, int]:
    """The layer of a module named `hthc_cli.x.y` (or a file path's parts)."""
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "__init__"
    if name in LAYERS:
        return name, LAYERS[name]
    if name in TOP:
        return name, TOP[name]
    return "__init__", 0  # a name defined in hthc_cli/__init__.py, such as __version__


def imports() -> list[tuple[str, str]]:
    """(importing module, imported module) for every hthc_cli import, lazy ones included."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(relative.parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                names += [f"{node.module}.{alias.name}" for alias in node.names
                          if node.module == "hthc_cli"]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found += [(module, name) for name in names
                      if name.startswith("hthc_cli.") and name != "hthc_cli"]
    return found


def test_every_module_belongs_to_a_layer() -> None:
    for path in PACKAGE.iterdir():
        name = path.stem
        if (path.name.startswith((".", "_")) and name not in TOP) or path.name == "py.typed":
            continue
        assert name in LAYERS or name in TOP, f"{path.name} is in no layer"


def test_imports_go_down_the_layers_only() -> None:
    wrong = []
    for importer, imported in imports():
        (src, src_rank), (dst, dst_rank) = layer_of(importer), layer_of(imported)
        if src == dst:
            continue
        if dst_rank > src_rank or (dst_rank == src_rank and src != dst):
            wrong.append(f"{importer} imports {imported} ({src} may not use {dst})")
    assert wrong == []


def test_the_graph_is_seen() -> None:
    """The scan finds the imports it judges (a scan that finds nothing passes anything)."""
    pairs = set(imports())
    assert ("hthc_cli.check.rules", "hthc_cli.markup.analysis") in pairs
    assert ("hthc_cli.render.pipeline", "hthc_cli.markup.compose") in pairs
