"""Where each text of a workspace lives: its file, its item and its field.

The names given here are the ones a rendered document's map (`hthc_cli.render.marks`) and a
review comment's target (`reviews/`) use: `positions/governance.yaml`, the item's id, and
the text's key with a list's index (`summary`, `proposals.0`, `hearing.authority`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from hthc_cli.workspace.model import Workspace
    from hthc_cli.workspace.schema import Text

ORGANISATION = "organisation"
"""The item of hthc.yaml's texts."""


@dataclass(frozen=True, slots=True)
class TextPlace:
    """Where a workspace text lives: its file, item and field."""

    text: Text
    file: str
    item: str
    field: str


def workspace_path(root: Path, path: Path) -> str:
    """A file's path inside the workspace, as marks name it (POSIX, relative to its root)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def text_places(ws: Workspace) -> Iterator[TextPlace]:
    """Every text of the workspace a document may print, with its place.

    The render context marks each text it prints with its place from here.
    """
    root = ws.root

    def relative(path: Path) -> str:
        return workspace_path(root, path)

    organisation = ws.organisation
    yield TextPlace(organisation.name, "hthc.yaml", ORGANISATION, "name")
    if organisation.address is not None:
        yield TextPlace(organisation.address, "hthc.yaml", ORGANISATION, "address")
    for source in ws.sources.values():
        file = relative(source.file.path)
        yield TextPlace(source.title, file, source.id, "title")
        yield TextPlace(source.publisher, file, source.id, "publisher")
        for rec in source.recommendations:
            if rec.label is not None:
                yield TextPlace(rec.label, file, rec.id, "label")
            yield TextPlace(rec.title, file, rec.id, "title")
            yield TextPlace(rec.text, file, rec.id, "text")
    for position in ws.positions.values():
        file = relative(position.file.path)
        yield TextPlace(position.title, file, position.id, "title")
        yield TextPlace(position.summary, file, position.id, "summary")
        yield TextPlace(position.argument, file, position.id, "argument")
        for number, proposal in enumerate(position.proposals):
            yield TextPlace(proposal, file, position.id, f"proposals.{number}")
    for response in ws.responses.values():
        file = relative(response.file.path)
        yield TextPlace(response.title, file, response.id, "title")
        yield TextPlace(response.introduction, file, response.id, "introduction")
        if response.brief_introduction is not None:
            yield TextPlace(response.brief_introduction, file, response.id, "brief_introduction")
        if response.closing.scalars():
            yield TextPlace(response.closing, file, response.id, "closing")
        yield TextPlace(response.hearing.authority, file, response.id, "hearing.authority")
        if response.signatory.role is not None:
            yield TextPlace(response.signatory.role, file, response.id, "signatory.role")


