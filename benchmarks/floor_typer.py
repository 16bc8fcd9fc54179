"""The startup floor: a Typer app with one command that does nothing.

python benchmarks/floor_typer.py [--workspace DIR]
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False)


@app.command()
def check(workspace: Annotated[Path | None, typer.Option()] = None) -> None:
    """Do nothing."""


if __name__ == "__main__":
    app()
