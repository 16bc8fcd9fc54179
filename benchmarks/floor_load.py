"""The load floor: the do-nothing Typer app plus reading every workspace YAML file with libyaml.

python benchmarks/floor_load.py DIR

Loads `DIR/*.yaml` and `DIR/{recommendations,positions,responses}/*.yaml` with
`yaml.CSafeLoader`, the least any checker of the same files has to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

app = typer.Typer(add_completion=False)

FOLDERS = ("recommendations", "positions", "responses")


def workspace_files(root: Path) -> list[Path]:
    files = sorted(root.glob("*.yaml"))
    for folder in FOLDERS:
        files += sorted((root / folder).glob("*.yaml"))
    return files


@app.command()
def load(workspace: Annotated[Path, typer.Argument()]) -> None:
    """Load every YAML file of the workspace and throw the result away."""
    loader = yaml.CSafeLoader
    for path in workspace_files(workspace):
        with path.open("rb") as f:
            yaml.load(f, Loader=loader)


if __name__ == "__main__":
    app()
