"""`hthc input add`: an e-mail becomes `inputs/<id>.yaml`, its attachments files beside it.

Every file is written, or none: the attachments and the YAML are staged in a folder of
their own inside `inputs/`, and moved into place only when all of them are written. An
existing file is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hthc_cli.base.errors import HthcError, UsageError
from hthc_cli.intake.mail import (
    MAX_ATTACHMENT_BYTES,
    MAX_MESSAGE_BYTES,
    Mail,
    MailError,
    mib,
    read_mail,
)
from hthc_cli.workspace.scaffold import quoted
from hthc_cli.workspace.schema import ATTACHMENTS_FOLDER, ID_PATTERN
from hthc_cli.workspace.schema_export import SCHEMA_FILES

INPUTS_FOLDER = "inputs"
ID_PREFIX = "INPUT"
MAX_NAME_CHARS = 100
"""Longer attachment names are shortened (keeping the extension): some file systems and
zip tools stop at 255 bytes, and a path holds the input's folder too."""
_WINDOWS_DEVICES = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?\Z")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u200b-\u200f\u202a-\u202e\u2060\ufeff]')
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "AE", "Ø": "OE",
                                "Å": "AA", "ß": "ss", "ð": "d", "þ": "th", "Ð": "D",
                                "Þ": "TH", "ł": "l", "Ł": "L"})


@dataclass(frozen=True, slots=True)
class AddedInput:
    path: Path
    text: str
    attachments: tuple[Path, ...]


def safe_file_name(name: str, taken: set[str]) -> str:
    """`name` made safe to write into a folder, and not yet in `taken` (compared without
    case, as Windows and macOS do); adds the name it returns to `taken`.

    No path separator, no '..', no control or invisible character, no leading dot or
    space, no trailing dot or space, no name Windows reserves; collisions numbered.
    """
    plain = unicodedata.normalize("NFC", name)
    plain = _UNSAFE.sub("_", plain)
    plain = re.sub(r"\.{2,}", ".", plain)
    plain = " ".join(plain.split()).lstrip(". -_~").rstrip(". ") or "attachment"
    if _WINDOWS_DEVICES.match(plain):
        plain = "_" + plain
    stem, dot, extension = plain.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        stem, extension = plain, ""
    extension = ("." + extension) if extension else ""
    stem = stem[: MAX_NAME_CHARS - len(extension)].rstrip(". ") or "attachment"
    candidate, number = stem + extension, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}-{number}{extension}"
    taken.add(candidate.casefold())
    return candidate


def id_word(text: str) -> str:
    """Letters and digits of `text` as an id's part: 'Søren Ørsted' → 'SOEREN-OERSTED'."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    return "-".join(words).upper()[:40].strip("-")


def default_id(mail: Mail, taken: set[str]) -> str:
    """INPUT-<date>-<sender's name> (or the address's name), numbered when taken."""
    who = id_word(mail.name) or id_word(mail.address.partition("@")[0]) or "SENDER"
    base = f"{ID_PREFIX}-{mail.sent.isoformat()}-{who}"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def input_yaml(input_id: str, mail: Mail, attachments: list[str]) -> str:
    """The text of `inputs/<id>.yaml`, written by hand so that it reads as a person writes."""
    lines = [
        f"# yaml-language-server: $schema=../schemas/{SCHEMA_FILES['input']}",
        f"id: {input_id}",
        "from:",
        f"  name: {quoted(mail.name)}",
    ]
    if mail.organisation:
        lines.append(f"  organisation: {quoted(mail.organisation)}")
    else:
        lines.append(f"  # organisation: who {_comment(mail.name)} writes for (the e-mail "
                     "does not say); a response that thanks contributors needs it")
    lines += [
        f"  email: {quoted(mail.address)}",
        f"received: {mail.sent.isoformat()}",
        "channel: email",
    ]
    if mail.message_id:
        lines.append(f"message_id: {quoted(mail.message_id)}")
    if mail.subject:
        lines.append(f"subject: {quoted(mail.subject)}")
    lines.append("text: |" + ("2" if mail.text[:1] == " " else ""))
    lines += [f"  {line}" if line else "" for line in mail.text.rstrip("\n").split("\n")]
    if attachments:
        lines.append("attachments:")
        lines += [f"  - {quoted(path)}" for path in attachments]
    lines += [
        "# relates_to: the ids of the positions or recommendations it is about",
        "relates_to: []",
        "# decision: new | considered | incorporated | declined (a declined input needs a note)",
        "decision: new",
    ]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    return " ".join(text.split())


def add_input(
    root: Path, message_path: Path, input_id: str | None = None,
    max_attachment: int = MAX_ATTACHMENT_BYTES, max_message: int = MAX_MESSAGE_BYTES,
    today: date | None = None,
) -> AddedInput:
    """Read the e-mail at `message_path` into the workspace at `root` as a new input."""
    from hthc_cli.workspace.loader import load_workspace

    if input_id is not None and not ID_PATTERN.match(input_id):
        raise UsageError(f"--id: '{input_id}' is not a valid id: ids start with a letter and "
                         "hold only letters, digits, '-', '_' and '.'")
    data = _read_message(message_path, max_message)
    mail = read_mail(data, str(message_path), max_attachment, max_message)
    ws = load_workspace(root).workspace
    for item in ws.inputs.values():
        if mail.message_id and item.message_id == mail.message_id:
            raise HthcError(
                f"{message_path} is already an input: {item.file.display} has its Message-ID "
                f"{mail.message_id}; nothing was written"
            )
    taken = {*ws.sources, *ws.recommendations, *ws.positions, *ws.responses, *ws.inputs}
    folder = root / INPUTS_FOLDER
    taken |= {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    if input_id is None:
        input_id = default_id(mail, taken)
    elif input_id in taken:
        raise UsageError(f"--id: the id '{input_id}' is already used in the workspace: "
                         "choose another")
    path = folder / f"{input_id}.yaml"
    attachment_folder = root / ATTACHMENTS_FOLDER / input_id
    for there in (path, attachment_folder):
        if there.exists() or there.is_symlink():
            raise UsageError(f"{there} is already there; hthc does not overwrite it: choose "
                             "another id with --id")
    names: set[str] = set()
    files = [(safe_file_name(a.name, names), a.data) for a in mail.attachments]
    paths = [f"{ATTACHMENTS_FOLDER}/{input_id}/{name}" for name, _ in files]
    text = input_yaml(input_id, mail, paths)
    _write_all(root, path, text, attachment_folder, files)
    return AddedInput(path, text, tuple(attachment_folder / name for name, _ in files))


def _read_message(path: Path, limit: int) -> bytes:
    try:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        size = path.stat().st_size
        if size > limit:
            raise MailError(f"{path} is {mib(size)}; hthc takes messages up to {mib(limit)}: "
                            "nothing was written")
        return path.read_bytes()
    except OSError as exc:
        raise HthcError(f"cannot read {path}: {exc.strerror or exc}") from None


def _write_all(
    root: Path, path: Path, text: str, attachment_folder: Path, files: list[tuple[str, bytes]]
) -> None:
    """The YAML and the attachments, all or none.

    The attachments are written into a staging folder inside the workspace (the same file
    system) and renamed into place as one folder; then the YAML is written as a new file.
    A failure takes back whatever was written, and the folders made for it.
    """
    made: list[Path] = []
    written: list[Path] = []
    try:
        for folder in (path.parent, *((attachment_folder.parent,) if files else ())):
            for new in reversed([f for f in (folder, *folder.parents) if not f.exists()]):
                new.mkdir()
                made.append(new)
        if files:
            # a hidden name, which check skips; made as any folder is (mkdtemp's is private)
            stage = attachment_folder.parent / f".{attachment_folder.name}.{os.getpid()}.part"
            stage.mkdir()
            written.append(stage)
            for name, data in files:
                with (stage / name).open("xb") as out:
                    out.write(data)
            os.rename(stage, attachment_folder)
            written[-1] = attachment_folder
        with path.open("x", encoding="utf-8", newline="\n") as out:
            written.append(path)
            out.write(text)
    except OSError as exc:
        for done in reversed(written):
            if done.is_dir():
                shutil.rmtree(done, ignore_errors=True)
            else:
                done.unlink(missing_ok=True)
        _remove_folders(made)
        if isinstance(exc, FileExistsError):
            raise UsageError(f"{exc.filename} is already there; hthc does not overwrite it: "
                             "nothing was written") from None
        raise HthcError(f"cannot write the input: {exc.strerror or exc}; nothing was "
                        "written") from None


def _remove_folders(made: list[Path]) -> None:
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()
