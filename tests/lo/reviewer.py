#!/usr/bin/python3
"""LibreOffice as a reviewer: open a .docx hidden, edit it through UNO as a person would, save.

    /usr/bin/python3 tests/lo/reviewer.py IN.docx OPS.json [--timeout SECONDS] [--verbose]

Runs with the system Python and Debian's python3-uno (``apt-get install python3-uno
libreoffice-writer-nogui``); it cannot import hthc. OPS.json (``-`` for standard input) is
a JSON list of operations, done in order:

    {"op": "author", "name": "Jannik Zeuthen", "initials": "JZ"}
        the user profile's name: tracked changes made from now on carry it
    {"op": "track", "on": true}                      record changes on or off
    {"op": "replace", "paragraph": P, "anchor": A, "text": T, "by": NEW}
    {"op": "insert", "paragraph": P, "anchor": A, "after": T, "text": NEW}
    {"op": "delete", "paragraph": P, "anchor": A, "text": T}
    {"op": "comment", "paragraph": P, "anchor": A, "text": T, "body": B,
     "author": NAME, "initials": I, "date": "2026-11-30T10:15:00Z"}
    {"op": "resolve", "body": B}                     the comment whose text contains B
    {"op": "accept_all"} / {"op": "reject_all"}     every tracked change in the document
    {"op": "save", "path": OUT.docx}                 as "MS Word 2007 XML"
    {"op": "export_text", "path": OUT.txt} / {"op": "export_pdf", "path": OUT.pdf}

P is a piece of the text of the paragraph to edit (its first paragraph holding P, tables
included; a footnote reference counts as U+FFFC); T is the words to act on: their first
occurrence in that paragraph after the optional anchor text A. A comment is inserted with
change recording paused (Word does not track comments either).

The document is a model without a view, edited through the text API only: LibreOffice 7.4
without a GUI crashes when a view meets a comment. Accept/reject all are commands of a
view, so for them the document goes through a .docx into a hidden view (refused if it has
comments).

LibreOffice 7.4 empties or mixes up footnote texts when it opens a .docx that already holds
comments (without a view; with one it crashes). The footnote texts of the input file, of
the loaded document and of every saved .docx are compared; if any was lost the script
stops with exit status 3 and says which.

Prints a JSON report on standard output: footnote texts, comments, tracked changes and
files written. Exit status: 0 done, 1 an operation could not be done, 2 bad arguments,
3 footnotes lost, 4 LibreOffice did not start or answer. soffice runs with a user
profile of its own in a temporary folder and is always killed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCX_FILTER = "MS Word 2007 XML"
FOOTNOTE_MARK = "\ufffc"


class Failure(Exception):
    """An operation that cannot be done, with the exit status to leave with."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class Deadline(Exception):
    pass


# ---------------------------------------------------------------------------- the file


def file_footnotes(path: Path) -> list[str]:
    """The text of each footnote of a .docx, in the order of footnotes.xml."""
    with zipfile.ZipFile(path) as package:
        try:
            data = package.read("word/footnotes.xml")
        except KeyError:
            return []
    texts: list[str] = []
    for note in ET.fromstring(data).iter(W + "footnote"):
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        texts.append("".join(t.text or "" for t in note.iter(W + "t")).strip())
    return texts


def lost_footnotes(before: list[str], after: list[str]) -> list[str]:
    """Descriptions of the footnotes of ``before`` whose text ``after`` does not hold."""
    lost = (
        [f"footnotes: {len(before)} before, {len(after)} after"]
        if len(before) != len(after)
        else []
    )
    for number, (old, new) in enumerate(zip(before, after, strict=False), start=1):
        if old and not new:
            lost.append(f"footnote {number} emptied (was {old[:60]!r})")
        elif old != new:
            lost.append(f"footnote {number} changed: {old[:60]!r} -> {new[:60]!r}")
    return lost


# ---------------------------------------------------------------------------- the office


class Office:
    """A soffice process of our own, its user profile in a temporary folder."""

    def __init__(self, timeout: float) -> None:
        import uno  # noqa: F401  (fails early and clearly without python3-uno)

        binary = shutil.which("soffice") or shutil.which("libreoffice")
        if binary is None:
            raise Failure("LibreOffice (soffice) is not installed", 4)
        self.profile = Path(tempfile.mkdtemp(prefix="hthc-lo-profile-"))
        self.pipe = f"hthc_reviewer_{os.getpid()}_{time.monotonic_ns()}"
        self.process = subprocess.Popen(
            [
                binary,
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--nodefault",
                "--norestore",
                "--nolockcheck",
                f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: killed whole at the end
        )
        self.context = self._connect(timeout)
        self.smgr = self.context.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.context
        )

    def _connect(self, timeout: float):  # type: ignore[no-untyped-def]
        import uno
        from com.sun.star.connection import NoConnectException

        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        until = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise Failure(f"soffice exited with status {self.process.returncode}", 4)
            try:
                return resolver.resolve(url)
            except NoConnectException:
                if time.monotonic() > until:
                    raise Failure(f"soffice did not answer within {timeout:.0f} s", 4) from None
                time.sleep(0.1)

    def close(self) -> None:
        # It may be gone already; it is killed below in any case.
        with contextlib.suppress(Exception):
            self.desktop.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def set_user(self, name: str, initials: str) -> None:
        """The name LibreOffice writes as the author of tracked changes."""
        given, _, family = name.rpartition(" ")
        access = self.smgr.createInstanceWithContext(
            "com.sun.star.configuration.ConfigurationProvider", self.context
        ).createInstanceWithArguments(
            "com.sun.star.configuration.ConfigurationUpdateAccess",
            (prop("nodepath", "/org.openoffice.UserProfile/Data"),),
        )
        access.replaceByName("givenname", given)
        access.replaceByName("sn", family)
        access.replaceByName("initials", initials)
        access.commitChanges()

    def load(self, path: Path):  # type: ignore[no-untyped-def]
        # A copy of our own: LibreOffice's lock file never lands beside the caller's file.
        copy = self.profile / "open" / path.name
        copy.parent.mkdir()
        shutil.copyfile(path, copy)
        # A model with no view at all: a view of LibreOffice 7.4 without GUI crashes on comments.
        document = self.smgr.createInstanceWithContext(
            "com.sun.star.text.TextDocument", self.context
        )
        try:
            document.load(
                (prop("URL", copy.as_uri()), prop("FilterName", DOCX_FILTER), prop("Hidden", True))
            )
        except Exception as error:
            raise Failure(f"LibreOffice could not open {path}: {error}") from None
        return document


def prop(name: str, value: object):  # type: ignore[no-untyped-def]
    from com.sun.star.beans import PropertyValue

    item = PropertyValue()
    item.Name = name
    item.Value = value
    return item


# ---------------------------------------------------------------------------- the document


def paragraphs(text):  # type: ignore[no-untyped-def]
    """Every paragraph of a text, those in table cells included, in document order."""
    items = text.createEnumeration()
    while items.hasMoreElements():
        item = items.nextElement()
        if item.supportsService("com.sun.star.text.TextTable"):
            for name in item.getCellNames():
                yield from paragraphs(item.getCellByName(name).getText())
        elif item.supportsService("com.sun.star.text.Paragraph"):
            yield item


def portions(paragraph) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    """A paragraph's pieces as (text as shown to a reader, characters a cursor steps over).

    A footnote reference reads as U+FFFC and is one character of the paragraph (LibreOffice
    shows its label); a comment is one character that reads as nothing; bookmarks and
    tracked-change boundaries are no characters at all.
    """
    pieces: list[tuple[str, int]] = []
    items = paragraph.createEnumeration()
    while items.hasMoreElements():
        item = items.nextElement()
        kind = item.TextPortionType
        if kind == "Text":
            shown = item.getString()
            pieces.append((shown, utf16(shown)))
        elif kind == "Footnote":
            pieces.append((FOOTNOTE_MARK, 1))
        elif kind == "Annotation":
            pieces.append(("", 1))
        elif kind == "TextField":
            pieces.append((item.getString(), 1))
    return pieces


def visible_text(paragraph) -> str:  # type: ignore[no-untyped-def]
    return "".join(shown for shown, _ in portions(paragraph))


class Paragraphs:
    """The document's paragraphs and their texts, read once: a large document has thousands."""

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        self.items = list(paragraphs(document.getText()))
        self.texts = [item.getString() for item in self.items]

    def find(self, needle: str) -> int:
        """The number of the first paragraph holding ``needle`` (LibreOffice shows footnote
        labels: a first look for the longest piece between footnote references, then a
        closer one)."""
        piece = max(needle.split(FOOTNOTE_MARK), key=len)
        for number, shown in enumerate(self.texts):
            if piece in shown and needle in visible_text(self.items[number]):
                return number
        raise Failure(f"no paragraph holds {needle!r}")

    def changed(self, number: int) -> None:
        self.texts[number] = self.items[number].getString()


def find_words(op: dict, index: Paragraphs):  # type: ignore[no-untyped-def]
    """A cursor over ``op['text']`` (``op['after']``) in its paragraph, after its anchor.

    LibreOffice's search needs a view, and there is none: the words are found in the
    paragraph's text and the cursor walks to them character by character.
    """
    number = index.find(op["paragraph"])
    paragraph = index.items[number]
    words = op.get("text") if op["op"] != "insert" else op["after"]
    if not words:
        raise Failure(f"{op['op']}: no words given")
    pieces = portions(paragraph)
    shown = "".join(text for text, _ in pieces)
    begin = 0
    if op.get("anchor"):
        at = shown.find(op["anchor"])
        if at < 0:
            raise Failure(
                f"{op['op']}: anchor {op['anchor']!r} not in paragraph {op['paragraph']!r}"
            )
        begin = at + len(op["anchor"])
    at = shown.find(words, begin)
    if at < 0:
        raise Failure(
            f"{op['op']}: {words!r} not in paragraph {op['paragraph']!r} after the anchor"
        )
    cursor = paragraph.getText().createTextCursorByRange(paragraph.getStart())
    cursor.goRight(steps(pieces, at), False)
    cursor.goRight(steps(pieces, at + len(words)) - steps(pieces, at), True)
    if cursor.getString().replace(FOOTNOTE_MARK, "") != words.replace(FOOTNOTE_MARK, ""):
        raise Failure(f"{op['op']}: found {cursor.getString()!r} where {words!r} should be")
    return cursor, number


def steps(pieces: list[tuple[str, int]], offset: int) -> int:
    """Cursor steps from the paragraph's start to ``offset`` of its shown text."""
    count = 0
    for shown, width in pieces:
        if offset <= 0:
            break
        if offset >= len(shown):
            count += width
            offset -= len(shown)
        elif width == utf16(shown):  # plain text: one step per UTF-16 unit
            count += utf16(shown[:offset])
            offset = 0
        else:
            raise Failure("the words begin or end inside a field")
    return count


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def uno_datetime(stamp: str):  # type: ignore[no-untyped-def]
    from com.sun.star.util import DateTime

    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    value = DateTime()
    value.Year, value.Month, value.Day = moment.year, moment.month, moment.day
    value.Hours, value.Minutes, value.Seconds = moment.hour, moment.minute, moment.second
    value.NanoSeconds = 0
    value.IsUTC = True
    return value


def annotations(document) -> list:  # type: ignore[type-arg]
    found = []
    fields = document.getTextFields().createEnumeration()
    while fields.hasMoreElements():
        field = fields.nextElement()
        if field.supportsService("com.sun.star.text.textfield.Annotation"):
            found.append(field)
    return found


def decide_all(office: Office, document, command: str):  # type: ignore[no-untyped-def]
    """The document with every tracked change accepted or rejected, opened anew.

    Accepting and rejecting all is a command of the view; the document has none. It goes
    through a .docx of its own into a hidden view, which LibreOffice 7.4 can hold as long
    as the document has no comments.
    """
    if annotations(document):
        raise Failure("accepting or rejecting all needs a view, which crashes on comments")
    between = office.profile / "decide" / "document.docx"
    between.parent.mkdir(exist_ok=True)
    document.storeToURL(
        between.as_uri(), (prop("FilterName", DOCX_FILTER), prop("Overwrite", True))
    )
    document.close(True)
    viewed = office.desktop.loadComponentFromURL(
        between.as_uri(), "_blank", 0, (prop("Hidden", True),)
    )
    if viewed is None:
        raise Failure("LibreOffice could not open the document again in a view")
    helper = office.smgr.createInstanceWithContext(
        "com.sun.star.frame.DispatchHelper", office.context
    )
    helper.executeDispatch(viewed.getCurrentController().getFrame(), command, "", 0, ())
    return viewed


def redline_count(document) -> int:  # type: ignore[no-untyped-def]
    count = 0
    redlines = document.getRedlines().createEnumeration()
    while redlines.hasMoreElements():
        redlines.nextElement()
        count += 1
    return count


# ---------------------------------------------------------------------------- operations


class Session:
    """One document under review: the office, the document, its paragraphs, files written."""

    def __init__(self, office: Office, document, source: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.office = office
        self.document = document
        self.source = source
        self.written: list[str] = []
        self._index: Paragraphs | None = None

    @property
    def index(self) -> Paragraphs:
        if self._index is None:
            self._index = Paragraphs(self.document)
        return self._index

    def words(self, op: dict):  # type: ignore[no-untyped-def]
        cursor, number = find_words(op, self.index)
        return cursor, number


def perform(session: Session, op: dict) -> None:  # type: ignore[type-arg]
    """Do ``op`` on the session's document (a new one after accept/reject)."""
    office, document, written, source = (
        session.office,
        session.document,
        session.written,
        session.source,
    )
    kind = op.get("op")
    if kind == "author":
        office.set_user(op["name"], op.get("initials", ""))
    elif kind == "track":
        document.RecordChanges = bool(op.get("on", True))
    elif kind == "replace":
        found, number = session.words(op)
        found.setString(op["by"])
        session.index.changed(number)
    elif kind == "insert":
        found, number = session.words(op)
        found.getText().insertString(found.getEnd(), op["text"], False)
        session.index.changed(number)
    elif kind == "delete":
        found, number = session.words(op)
        found.setString("")
        session.index.changed(number)
    elif kind == "comment":
        found, number = session.words(op)
        note = document.createInstance("com.sun.star.text.textfield.Annotation")
        note.Author = op["author"]
        note.Initials = op.get("initials", "")
        note.Content = op["body"]
        if op.get("date"):
            note.DateTimeValue = uno_datetime(op["date"])
        # A comment is not a change of the text: Word does not track it, nor does this reviewer.
        recording = document.RecordChanges
        document.RecordChanges = False
        found.getText().insertTextContent(found, note, True)
        document.RecordChanges = recording
        session.index.changed(number)
    elif kind == "resolve":
        matching = [note for note in annotations(document) if op["body"] in note.Content]
        if not matching:
            raise Failure(f"resolve: no comment holds {op['body']!r}")
        matching[0].Resolved = True
    elif kind in ("accept_all", "reject_all"):
        command = (
            ".uno:AcceptAllTrackedChanges"
            if kind == "accept_all"
            else ".uno:RejectAllTrackedChanges"
        )
        session.document = document = decide_all(office, document, command)
        session._index = None
        left = redline_count(document)
        if left:
            raise Failure(f"{kind}: {left} tracked changes are still in the document")
    elif kind in ("save", "export_text", "export_pdf"):
        path = Path(op["path"]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "save":
            arguments = (prop("FilterName", DOCX_FILTER), prop("Overwrite", True))
        elif kind == "export_text":
            arguments = (
                prop("FilterName", "Text (encoded)"),
                prop("FilterOptions", "UTF8,LF"),
                prop("Overwrite", True),
            )
        else:
            arguments = (prop("FilterName", "writer_pdf_Export"), prop("Overwrite", True))
        document.storeToURL(path.as_uri(), arguments)
        written.append(str(path))
        if kind == "save":
            lost = lost_footnotes(source, file_footnotes(path))
            if lost:
                raise Failure(
                    f"LibreOffice lost footnote text in the saved {path.name}: " + "; ".join(lost),
                    3,
                )
    else:
        raise Failure(f"unknown operation {kind!r}", 2)


STARTED = time.monotonic()
VERBOSE = False


def progress(what: str) -> None:
    if VERBOSE:
        print(f"reviewer: {time.monotonic() - STARTED:7.1f} s  {what}", file=sys.stderr, flush=True)


def review(source: Path, ops: list[dict], timeout: float) -> dict:  # type: ignore[type-arg]
    before = file_footnotes(source)
    office = Office(timeout=min(60.0, timeout))
    document = None
    try:
        document = office.load(source)
        loaded = [
            document.getFootnotes().getByIndex(i).getString().strip()
            for i in range(document.getFootnotes().getCount())
        ]
        lost = lost_footnotes(before, loaded)
        if lost:
            raise Failure(
                f"LibreOffice lost footnote text when opening {source.name} (a known defect of "
                "LibreOffice 7.4 with documents that hold comments): " + "; ".join(lost),
                3,
            )
        session = Session(office, document, before)
        progress(f"opened {source.name}")
        for number, op in enumerate(ops, start=1):
            try:
                perform(session, op)
                progress(f"operation {number} ({op.get('op')})")
            except Failure as failure:
                raise Failure(
                    f"operation {number} ({op.get('op')}): {failure}", failure.status
                ) from None
        document = session.document
        report = {
            "footnotes": loaded,
            "comments": [
                {"author": note.Author, "body": note.Content, "resolved": bool(note.Resolved)}
                for note in annotations(document)
            ],
            "tracked_changes": redline_count(document),
            "written": session.written,
            "office_pid": office.process.pid,
        }
        return report
    finally:
        if document is not None:
            # Closing a document LibreOffice broke may fail: it is killed anyway.
            with contextlib.suppress(Exception):
                document.close(True)
        office.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("document", type=Path)
    parser.add_argument("ops", help="JSON file of operations, - for standard input")
    parser.add_argument("--timeout", type=float, default=180.0, help="give up after this long")
    parser.add_argument("--verbose", action="store_true", help="say when each step is done")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    try:
        raw = sys.stdin.read() if args.ops == "-" else Path(args.ops).read_text(encoding="utf-8")
        ops = json.loads(raw)
    except (OSError, ValueError) as error:
        print(f"reviewer: cannot read the operations: {error}", file=sys.stderr)
        return 2
    if not isinstance(ops, list) or not all(isinstance(op, dict) for op in ops):
        print("reviewer: the operations must be a JSON list of objects", file=sys.stderr)
        return 2
    if not args.document.is_file():
        print(f"reviewer: no such file: {args.document}", file=sys.stderr)
        return 2

    def give_up(signum: int, frame: object) -> None:
        raise Deadline(f"signal {signum}")

    # A timeout or a kill by the caller still ends in Office.close(): soffice never stays behind.
    signal.signal(signal.SIGALRM, give_up)
    signal.signal(signal.SIGTERM, give_up)
    signal.signal(signal.SIGINT, give_up)
    signal.alarm(max(1, int(args.timeout)))
    try:
        report = review(args.document, ops, args.timeout)
    except Failure as failure:
        print(f"reviewer: {failure}", file=sys.stderr)
        return failure.status
    except Deadline as stop:
        print(f"reviewer: stopped ({stop}) after {args.timeout:.0f} s at most", file=sys.stderr)
        return 4
    except ImportError as error:
        print(
            f"reviewer: {error}: apt-get install python3-uno libreoffice-writer-nogui",
            file=sys.stderr,
        )
        return 4
    except Exception as error:  # a UNO exception: LibreOffice refused or crashed
        name = type(error).__name__
        if name == "DisposedException":
            print(f"reviewer: LibreOffice stopped answering (it crashed): {error}", file=sys.stderr)
            return 4
        print(f"reviewer: LibreOffice failed: {name}: {error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
