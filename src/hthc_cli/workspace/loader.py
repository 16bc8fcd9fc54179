"""Find a workspace and load every file of it into a `Workspace`, collecting diagnostics."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hthc_cli.base.diagnostics import Diagnostic, Location
from hthc_cli.base.errors import UsageError, WorkspaceNotFound
from hthc_cli.base.memory import collector_paused
from hthc_cli.workspace.model import (
    Organisation,
    Position,
    Recommendation,
    Reference,
    Response,
    ReviewComment,
    Source,
    Workspace,
    text_field,
)
from hthc_cli.workspace.schema import (
    POSITIONS_FILE,
    RECOMMENDATIONS_FILE,
    REFERENCES_FILE,
    RESPONSE,
    REVIEWS_FILE,
    WORKSPACE,
    IdRef,
    Record,
    Spec,
    Validator,
    config_language,
)
from hthc_cli.workspace.source import (
    SourceFile,
    YMap,
    YScalar,
    YSeq,
    not_a_file,
    read_source,
    skipped_file,
)

CONFIG = "hthc.yaml"
FOLDERS = ("recommendations", "positions", "responses", "reviews")
REFERENCES = "references.yaml"
DEFAULT_LANGUAGES = ("da", "en")


def find_workspace(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The workspace folder: `explicit`, or the nearest folder with hthc.yaml upwards."""
    if explicit is not None:
        if not explicit.is_dir():
            raise UsageError(f"--workspace {explicit}: no such folder")
        if not (explicit / CONFIG).is_file():
            raise WorkspaceNotFound(
                f"{explicit} is not an hthc workspace: it has no {CONFIG}"
            )
        return explicit.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    raise WorkspaceNotFound(
        f"no {CONFIG} in {here} or any folder above it; run hthc inside a workspace "
        "or pass --workspace DIR"
    )


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _yaml_files(folder: Path, diagnostics: list[Diagnostic]) -> list[Path]:
    """The YAML files in `folder` and its subfolders, reporting what is skipped.

    A link to a file is read; a link to a folder is not followed (it could lead out of the
    workspace, or round in a loop), and neither a dangling link nor a named pipe, which
    would block the read, is opened.
    """
    found: list[Path] = []
    pending = [folder] if folder.is_dir() else []
    while pending:
        here = pending.pop()
        try:
            entries = list(os.scandir(here))
        except OSError as exc:
            diagnostics.append(
                Diagnostic.make("HTHC010", Location(_display(here)),
                                f"the folder cannot be read: {exc.strerror}")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            yaml_name = path.suffix in (".yaml", ".yml")
            if entry.is_dir(follow_symlinks=False):
                pending.append(path)
                continue
            skipped = not_a_file(path)
            if skipped is None:
                if yaml_name:
                    found.append(path)
            elif yaml_name or entry.is_symlink():
                diagnostics.append(skipped_file(path, _display(path), skipped))
    return sorted(found)


@dataclass(slots=True)
class Loaded:
    workspace: Workspace
    diagnostics: list[Diagnostic]
    files_read: int


def load_workspace(root: Path) -> Loaded:
    """Read every file of the workspace at `root`; never raises for bad content."""
    # Loading allocates a great many small objects and no reference cycles; the cyclic
    # collector's passes over them made load time grow faster than the workspace.
    with collector_paused():
        loaded = _load(root)
        # What was loaded lives as long as the command: keep later collections off it.
        gc.freeze()
        return loaded


def _load(root: Path) -> Loaded:
    diagnostics: list[Diagnostic] = []
    files: dict[str, SourceFile] = {}
    incomplete: set[str] = set()
    read_count = 0

    def read(path: Path) -> SourceFile | None:
        nonlocal read_count
        read_count += 1
        kind = path.name if path.parent == root else path.relative_to(root).parts[0]
        source = read_source(path, _display(path), diagnostics, kind)
        if source is not None:
            files[source.display] = source
        return source

    config = read(root / CONFIG)
    languages, languages_in_error = _languages(config, diagnostics)
    validator = Validator(languages, diagnostics)
    validator.languages_in_error = languages_in_error
    config_record = _root_record(config, validator, WORKSPACE, CONFIG, incomplete)
    organisation_record = config_record.get("organisation") if config_record else None
    organisation = Organisation.from_record(
        organisation_record if isinstance(organisation_record, Record)
        else Record(Location(_display(root / CONFIG)), {}, {}, {})
    )
    ws = Workspace(
        root, organisation, languages,
        config_record.get("reference_doc") if config_record else None,
        config_record.get("templates") if config_record else None,
        config=config_record,
    )
    ids = _IdTable(diagnostics)
    # Files are read in the order they refer to each other: a reference is read after
    # what it may name, so a mistyped one can be matched against every id it could mean.
    validator.known = {
        "addresses": ws.recommendations, "source": ws.sources,
        "general": ws.positions, "specific": ws.positions, "response": ws.responses,
    }

    for path in _yaml_files(root / "recommendations", diagnostics):
        source_file = read(path)
        record = _root_record(
            source_file, validator, RECOMMENDATIONS_FILE, "recommendations", incomplete
        )
        if record is None or source_file is None:
            continue
        source_record = record.get("source")
        if not isinstance(source_record, Record):
            continue
        source_id = source_record.get("id")
        source = Source(
            source_id.value if isinstance(source_id, IdRef) else path.stem,
            text_field(source_record, "title"), text_field(source_record, "publisher"),
            source_record.get("published"), source_record.get("url"), source_record,
            source_file,
        )
        if isinstance(source_id, IdRef) and ids.claim(source_id, "source"):
            ws.sources[source.id] = source
        for item in record.get("recommendations") or ():
            item_id = item.get("id")
            wording = item.get("wording")
            rec = Recommendation(
                item_id.value if isinstance(item_id, IdRef) else "",
                item.get("label"), text_field(item, "title"), text_field(item, "text"),
                wording if isinstance(wording, str) else "paraphrase", item.get("url"),
                source, item,
            )
            source.recommendations.append(rec)
            if isinstance(item_id, IdRef) and ids.claim(item_id, "recommendation"):
                ws.recommendations[rec.id] = rec

    for path in _yaml_files(root / "positions", diagnostics):
        source_file = read(path)
        record = _root_record(source_file, validator, POSITIONS_FILE, "positions", incomplete)
        if record is None or source_file is None:
            continue
        for item in record.get("positions") or ():
            item_id = item.get("id")
            position = Position.from_record(item, source_file)
            if isinstance(item_id, IdRef) and ids.claim(item_id, "position"):
                ws.positions[position.id] = position

    references_path = root / REFERENCES
    if os.path.lexists(references_path):
        references_file = read(references_path)
        record = _root_record(
            references_file, validator, REFERENCES_FILE, "references", incomplete
        )
        keys = _IdTable(diagnostics)
        for item in (record.get("references") or ()) if record else ():
            key = item.get("key")
            if isinstance(key, IdRef) and keys.claim(key, "reference key"):
                ws.references[key.value] = Reference.from_record(item)

    for path in _yaml_files(root / "responses", diagnostics):
        source_file = read(path)
        record = _root_record(source_file, validator, RESPONSE, "response", incomplete)
        if record is None or source_file is None:
            continue
        item_id = record.get("id")
        response = Response.from_record(record, source_file)
        if isinstance(item_id, IdRef) and ids.claim(item_id, "response"):
            ws.responses[response.id] = response

    comment_ids = _IdTable(diagnostics)
    for path in _yaml_files(root / "reviews", diagnostics):
        source_file = read(path)
        record = _root_record(source_file, validator, REVIEWS_FILE, "reviews", incomplete)
        if record is None:
            continue
        response_ref = record.get("response")
        response_ref = response_ref if isinstance(response_ref, IdRef) else None
        for item in record.get("comments") or ():
            comment_id = item.get("id")
            if isinstance(comment_id, IdRef) and not comment_ids.claim(comment_id,
                                                                      "review comment"):
                continue
            comment = ReviewComment.from_record(item, response_ref)
            ws.reviews.setdefault(response_ref.value if response_ref else "", []).append(comment)

    ws.texts = validator.texts
    ws.files = files
    ws.incomplete = frozenset(incomplete)
    return Loaded(ws, diagnostics, read_count)


def _root_record(
    source: SourceFile | None, validator: Validator, spec: Spec, what: str,
    incomplete: set[str],
) -> Record | None:
    """The file's top mapping, checked; `what` goes into `incomplete` when it is unreadable."""
    if source is None:
        incomplete.add(what)
        return None
    root = source.root
    if root is None and source.text.strip() and not _only_comments(source.text):
        incomplete.add(what)
        return None  # a syntax error, already reported
    if root is None or (isinstance(root, YScalar) and root.value is None):
        if spec is WORKSPACE:  # every other file needs what it says: its keys are missing
            return validator.record(YMap({}, {}, Location(source.display)), spec, CONFIG)
        validator.diagnostics.append(
            Diagnostic.make("HTHC009", Location(source.display), f"the {what} file is empty",
                            hint="add content, or delete the file")
        )
        return None
    record = validator.record(root, spec, f"a {what} file")
    if record is None or source.hides_items:
        incomplete.add(what)
    return record


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _languages(
    config: SourceFile | None, diagnostics: list[Diagnostic]
) -> tuple[tuple[str, ...], bool]:
    """Languages come first: every text elsewhere is checked against them.

    A slip ('eng', 'dk', 'english') counts as the language it stands for, so that it is
    reported once, in hthc.yaml, and not at every text. Also returns whether the list holds
    something that is no language at all.
    """
    if config is None or not isinstance(config.root, YMap):
        return DEFAULT_LANGUAGES, False
    node = config.root.items.get("languages")
    if not isinstance(node, YSeq):
        return DEFAULT_LANGUAGES, False
    found: list[str] = []
    in_error = False
    for item in node.items:
        if not isinstance(item, YScalar) or not isinstance(item.value, str):
            in_error = True
            continue
        code = config_language(item.value)[0]
        if code is None:
            in_error = True
        elif code not in found:
            found.append(code)
    if not found and node.items == []:
        diagnostics.append(
            Diagnostic.make("HTHC109", node.loc, "'languages' is empty",
                            hint="list at least one language, e.g. [da, en]")
        )
    return tuple(found) or DEFAULT_LANGUAGES, in_error


class _IdTable:
    """Ids claimed so far, to report a duplicate at both places."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.seen: dict[str, tuple[IdRef, str]] = {}
        self.diagnostics = diagnostics

    def claim(self, ref: IdRef, kind: str) -> bool:
        first = self.seen.get(ref.value)
        if first is None:
            self.seen[ref.value] = (ref, kind)
            return True
        first_ref, first_kind = first
        self.diagnostics.append(
            Diagnostic.make(
                "HTHC201", ref.loc,
                f"the id '{ref.value}' is already used by a {first_kind} at {first_ref.loc}",
                hint="ids are unique across the workspace: rename one of them",
                related=(first_ref.loc,),
            )
        )
        return False


def only_files(diagnostics: Iterable[Diagnostic], paths: Iterable[Path]) -> list[Diagnostic]:
    """The diagnostics located in `paths`, files or folders (what pre-commit passes)."""
    wanted = [p.resolve() for p in paths]
    files = {p for p in wanted if not p.is_dir()}
    folders = [p for p in wanted if p.is_dir()]
    where: dict[str, bool] = {}

    def chosen(display: str) -> bool:
        if display not in where:
            path = Path(display).resolve()
            where[display] = path in files or any(path.is_relative_to(f) for f in folders)
        return where[display]

    return [d for d in diagnostics if chosen(d.location.path)]
