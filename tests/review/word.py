"""Documents shaped as Word saves them, made from a render of hthc by editing its XML parts."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID_NS = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "word/comments.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        f"{REL}/comments"),
    "word/commentsExtended.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"),
    "word/commentsIds.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsIds+xml",
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds"),
    "word/people.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
        "http://schemas.microsoft.com/office/2011/relationships/people"),
}


def render(root: Path, response: str, language: str) -> bytes:
    """The response as hthc renders it, in memory."""
    from hthc_cli.render.pipeline import Job, render_bytes
    from hthc_cli.workspace.loader import load_workspace

    ws = load_workspace(root).workspace
    return render_bytes(ws, Job(ws.responses[response], language, Path("-")), "docx")


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def edit(data: bytes, changes: Mapping[str, Callable[[str], str]],
         new: Mapping[str, str] = {}) -> bytes:
    """`data` with each part in `changes` rewritten, and the parts in `new` added (each with
    its relationship and content type, as Word declares them)."""
    parts = parts_of(data)
    for name, change in changes.items():
        parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    for name, text in new.items():
        parts[name] = text.encode("utf-8")
        if name in PARTS:
            content_type, rel_type = PARTS[name]
            types = parts["[Content_Types].xml"].decode()
            types = types.replace("</Types>", f'<Override PartName="/{name}" '
                                  f'ContentType="{content_type}"/></Types>')
            parts["[Content_Types].xml"] = types.encode()
            rels = parts["word/_rels/document.xml.rels"].decode()
            target = name.removeprefix("word/")
            rels = rels.replace("</Relationships>", f'<Relationship Id="rIdR{len(rels)}" '
                                f'Type="{rel_type}" Target="{target}"/></Relationships>')
            parts["word/_rels/document.xml.rels"] = rels.encode()
    return zipped(parts)


def replace_once(xml: str, old: str, new: str) -> str:
    assert xml.count(old) >= 1, f"not in the part: {old!r}"
    return xml.replace(old, new, 1)


def run_text(xml: str, words: str) -> str:
    """The `<w:r>…<w:t>` element holding `words` (the first one)."""
    at = xml.index(words)
    start = xml.rindex("<w:r>", 0, at)
    end = xml.index("</w:r>", at) + len("</w:r>")
    return xml[start:end]


def split_run(xml: str, words: str, before: str, middle: str) -> str:
    """The run holding `words`, split so that `words` stands in runs of its own, each
    piece wrapped by `middle(run)` (e.g. into a w:ins)."""
    run = run_text(xml, words)
    props = re.search(r"<w:rPr>.*?</w:rPr>", run)
    rpr = props.group(0) if props else ""
    text = re.search(r"<w:t[^>]*>(.*?)</w:t>", run, re.S)
    assert text is not None
    whole = text.group(1)
    head, _, tail = whole.partition(words)

    def r(t: str) -> str:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{t}</w:t></w:r>' if t else ""

    return xml.replace(run, r(head) + before + middle.format(rpr=rpr, words=words) + r(tail), 1)


def around(xml: str, words: str, make: Callable[[str, str], str]) -> str:
    """The run holding `words` split in three: its head, `make(rPr, words)`, its tail."""
    run = run_text(xml, words)
    props = re.search(r"<w:rPr>.*?</w:rPr>", run)
    rpr = props.group(0) if props else ""
    text = re.search(r"<w:t[^>]*>(.*?)</w:t>", run, re.S)
    assert text is not None
    head, _, tail = text.group(1).partition(words)

    def plain(t: str) -> str:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{t}</w:t></w:r>' if t else ""

    return xml.replace(run, plain(head) + make(rpr, words) + plain(tail), 1)


def tracked_replace(xml: str, words: str, new: str, author: str = "Jannik Zeuthen",
                    date: str = "2026-11-30T10:15:00Z", number: int = 101) -> str:
    def make(rpr: str, old: str) -> str:
        deleted = (f'<w:del w:id="{number}" w:author="{author}" w:date="{date}"><w:r>{rpr}'
                   f'<w:delText xml:space="preserve">{old}</w:delText></w:r></w:del>')
        inserted = (f'<w:ins w:id="{number + 1}" w:author="{author}" w:date="{date}"><w:r>'
                    f'{rpr}<w:t xml:space="preserve">{new}</w:t></w:r></w:ins>') if new else ""
        return deleted + inserted
    return around(xml, words, make)


def tracked_insert(xml: str, after_words: str, new: str, author: str = "Jannik Zeuthen",
                   date: str = "2026-11-30T10:15:00Z", number: int = 201) -> str:
    def make(rpr: str, words: str) -> str:
        return (f'<w:r>{rpr}<w:t xml:space="preserve">{words}</w:t></w:r>'
                f'<w:ins w:id="{number}" w:author="{author}" w:date="{date}"><w:r>{rpr}'
                f'<w:t xml:space="preserve">{new}</w:t></w:r></w:ins>')
    return around(xml, after_words, make)


def untracked(xml: str, words: str, new: str) -> str:
    return around(xml, words, lambda rpr, _: f'<w:r>{rpr}<w:t xml:space="preserve">{new}'
                  '</w:t></w:r>')


def paragraph_of(xml: str, words: str) -> tuple[int, int]:
    at = xml.index(words)
    start = max(xml.rindex("<w:p>", 0, at) if "<w:p>" in xml[:at] else -1,
                xml.rindex("<w:p ", 0, at) if "<w:p " in xml[:at] else -1)
    return start, xml.index("</w:p>", at) + len("</w:p>")
