"""Write the JSON Schemas that editors use to complete and validate workspace files."""

from __future__ import annotations

import json
from pathlib import Path

from hthc_cli.workspace.schema import FILE_SPECS, json_schema

SCHEMA_FOLDER = "schemas"
"""Where in a workspace `hthc schema` writes them, and the modelines point."""
SCHEMA_FILES = {name: f"{name}.schema.json" for name in FILE_SPECS}
SCHEMA_FILES["workspace"] = "hthc.schema.json"


def schema_texts() -> dict[str, str]:
    """File name → JSON text of every schema."""
    return {
        SCHEMA_FILES[name]: json.dumps(json_schema(name), ensure_ascii=False, indent=2) + "\n"
        for name in FILE_SPECS
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
