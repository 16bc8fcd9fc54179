"""Time `hthc review import` on a reviewed document, beside pandoc reading it.

python benchmarks/bench_review.py [--size 1000] [--repeat 5] [--edits 23]
                                  [--reviewer auto|word|libreoffice]

A generated workspace with one response of N positions (benchmarks/.work/) is rendered to
Danish .docx (untimed), then reviewed (untimed), by one of two reviewers:

- `word` (the default above n=50): the review is written into the .docx XML as Word saves
  it: tracked replacements, insertions and deletions (w:ins/w:del with w:id, w:author,
  w:date) and comments (comments.xml, commentRangeStart/End and a commentReference run;
  commentsExtended.xml with a reply and a done flag; people.xml; their relationships and
  content types) on `--edits` paragraphs spread evenly through the document, and a tracked
  replacement in a footnote; each edited paragraph carries w14:paraId and w:rsid
  attributes and a word split in two runs by w:proofErr.
- `libreoffice` (the default up to n=50): LibreOffice reviews it through UNO
  (tests/lo/reviewer.py, with the system python and python3-uno), saved as .docx and reused
  while the document and the edits are unchanged. It takes most of an hour at n=1,000.

Before timing, the import's JSON must hold exactly the review's insertions, deletions and
comment threads (with the reply), and pandoc's JSON its insertions and deletions, so both
do the real work. Then, in the same run and interleaved, whole processes:

- `hthc review import --workspace DIR FILE --format json` (nothing written);
- `pandoc --track-changes=all -f docx -t json FILE` with the binary pypandoc-binary ships;
- the startup floors: a do-nothing Typer app, and pandoc reading a one-paragraph .docx.

Prints medians, peak memory and the issue's target: review import at N = 1,000 takes at most
half pandoc's time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    FLOOR_TYPER,
    HTHC,
    ROOT,
    WORK,
    Job,
    child_env,
    ensure_workspace,
    machine,
    measure,
    row,
    run_captured,
    tail,
    verdict,
)

TARGET = 0.5
TARGET_N = 1000
LO_MAX = 50
"""The largest size LibreOffice reviews by default: it takes most of an hour at n=1,000."""
OUT = WORK / "review"
REVIEWER = ROOT / "tests" / "lo" / "reviewer.py"
SYSTEM_PYTHON = "/usr/bin/python3"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOOTNOTE_MARK = "\ufffc"
WORD = re.compile(r"[A-Za-zÆØÅæøå]{5,}(?= )")


def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError:
        sys.exit("bench_review needs pypandoc-binary (the `bench` extra): "
                 "pip install -e '.[bench]'")
    return str(pypandoc.get_pandoc_path())


def response_id(workspace: Path) -> str:
    (path,) = sorted((workspace / "responses").glob("*.yaml"))
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("id:"):
            return line.split(":", 1)[1].strip()
    sys.exit(f"no response id in {path}")


def body_paragraphs(docx: Path) -> list[str]:
    """Each body paragraph's text as LibreOffice shows it, a footnote reference as U+FFFC."""
    from lxml import etree

    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    texts: list[str] = []
    for paragraph in root.iter(W + "p"):
        parts: list[str] = []
        for element in paragraph.iter(W + "t", W + "footnoteReference", W + "br", W + "tab"):
            if element.tag == W + "t":
                parts.append(element.text or "")
            elif element.tag == W + "footnoteReference":
                parts.append(FOOTNOTE_MARK)
            else:
                parts.append("\n" if element.tag == W + "br" else "\t")
        texts.append("".join(parts))
    return texts


def review_ops(paragraphs: list[str], edits: int, out: Path) -> list[dict[str, Any]]:
    """Edits and comments on `edits` paragraphs spread evenly through the document."""
    candidates: list[tuple[str, str, str]] = []  # (paragraph key, anchor, word)
    for text in paragraphs:
        head = text.split(FOOTNOTE_MARK, 1)[0]
        if len(head) < 80 or "\n" in head or "\t" in head:
            continue
        key = head[:70]
        if sum(key in other for other in paragraphs) != 1:
            continue  # the reviewer edits the first paragraph holding the key: it must be this one
        words = list(WORD.finditer(head, 20))
        if len(words) < 2:
            continue
        word = words[1]
        candidates.append((key, head[: word.start()], word.group()))
    if len(candidates) < edits:
        sys.exit(f"only {len(candidates)} paragraphs to review, {edits} wanted")
    step = len(candidates) / edits
    chosen = [candidates[int(i * step)] for i in range(edits)]
    ops: list[dict[str, Any]] = [
        {"op": "author", "name": "Mette Reviewer", "initials": "MR"},
        {"op": "track", "on": True},
    ]
    for number, (key, anchor, word) in enumerate(chosen):
        where = {"paragraph": key, "anchor": anchor}
        kind = number % 4
        if kind == 0:
            ops.append({"op": "replace", **where, "text": word, "by": word.upper()})
        elif kind == 1:
            ops.append({"op": "insert", **where, "after": word, "text": " (og mere)"})
        elif kind == 2:
            ops.append({"op": "delete", **where, "text": word + " "})
        else:
            ops.append({
                "op": "comment", **where, "text": word, "body": f"Kommentar {number}: hvorfor?",
                "author": "Ole Hansen", "initials": "OH",
                "date": f"2026-11-30T10:{number % 60:02d}:00Z",
            })
    ops.append({"op": "resolve", "body": "Kommentar 3:"})
    ops.append({"op": "save", "path": str(out)})
    return ops

RSID = ("00A41C2F", "00B7E913", "00C52D08", "00D19E6A")
PEOPLE = (("Mette Reviewer", "MR"), ("Ole Hansen", "OH"))
RUN = re.compile(r'<w:r><w:t xml:space="preserve">([^<]{80,})</w:t></w:r>')
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORD_PARTS = {
    "word/comments.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        f"{REL}/comments"),
    "word/commentsExtended.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"),
    "word/people.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
        "http://schemas.microsoft.com/office/2011/relationships/people"),
}


@dataclass
class Expected:
    """What a review holds, for checking the importer and pandoc found it."""

    insertions: int = 0
    deletions: int = 0
    comments: int = 0
    replies: int = 0

    @property
    def findings(self) -> int:
        """Each tracked insertion and deletion and each comment thread is one finding."""
        return self.insertions + self.deletions + self.comments


def _run(text: str, rsid: str, tag: str = "t") -> str:
    return (f'<w:r w:rsidR="{rsid}"><w:{tag} xml:space="preserve">{text}</w:{tag}></w:r>'
            if text else "")


def _split_mid_word(text: str, rsid: str) -> str:
    """`text` as Word leaves it after a spelling check: a word split in two runs between
    w:proofErr marks."""
    found = WORD.search(text)
    if found is None:
        return _run(text, rsid)
    middle = found.start() + 2
    return (_run(text[:found.start()], rsid) + '<w:proofErr w:type="spellStart"/>'
            + _run(text[found.start():middle], rsid) + _run(text[middle:found.end()], RSID[0])
            + '<w:proofErr w:type="spellEnd"/>' + _run(text[found.end():], rsid))


def _tracked(kind: str, number: int, author: str, text: str, rsid: str) -> str:
    tag = "delText" if kind == "del" else "t"
    return (f'<w:{kind} w:id="{number}" w:author="{author}" w:date="2026-11-30T10:'
            f'{number % 60:02d}:00Z">{_run(text, rsid, tag)}</w:{kind}>')


def _comment(number: int, author: str, initials: str, body: str, para: str) -> str:
    return (f'<w:comment w:id="{number}" w:author="{author}" w:date="2026-11-30T11:'
            f'{number % 60:02d}:00Z" w:initials="{initials}"><w:p w14:paraId="{para}" '
            f'w14:textId="77777777"><w:pPr><w:pStyle w:val="CommentText"/></w:pPr><w:r>'
            '<w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:annotationRef/></w:r>'
            f'<w:r><w:t xml:space="preserve">{body}</w:t></w:r></w:p></w:comment>')


def word_review(rendered: Path, out: Path, edits: int) -> Expected:
    """`rendered` reviewed as Word saves a review: tracked replacements, insertions and
    deletions and comments (one with a reply, one resolved) on `edits` places spread through
    the document's texts, and one tracked change in a footnote; each edited paragraph and
    run carries w:rsid attributes and a word split by w:proofErr, as Word leaves them."""
    with zipfile.ZipFile(rendered) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    runs = [m for m in RUN.finditer(xml) if len(list(WORD.finditer(m.group(1), 20))) >= 2]
    if len(runs) < edits:
        sys.exit(f"only {len(runs)} paragraphs to review, {edits} wanted")
    step = len(runs) / edits
    chosen = [runs[int(i * step)] for i in range(edits)]
    expected = Expected()
    comments: list[str] = []
    extended: list[str] = []
    pieces: list[str] = []
    at = 0
    change = 1000
    for number, match in enumerate(chosen):
        text = match.group(1)
        word = list(WORD.finditer(text, 20))[1]
        head, tail = text[:word.start()], text[word.end():]
        rsid = RSID[number % len(RSID)]
        author = PEOPLE[number % 2][0]
        kind = number % 4
        if kind == 0:
            middle = (_tracked("del", change, author, word.group(), rsid)
                      + _tracked("ins", change + 1, author, word.group().upper(), rsid))
            expected.deletions += 1
            expected.insertions += 1
        elif kind == 1:
            middle = (_run(word.group(), rsid)
                      + _tracked("ins", change, author, " (og mere)", rsid))
            expected.insertions += 1
        elif kind == 2:
            middle = _tracked("del", change, author, word.group() + " ", rsid)
            tail = tail[1:]
            expected.deletions += 1
        else:
            cid = len(comments)
            name, initials = PEOPLE[1]
            para = f"{0x10000000 + cid:08X}"
            comments.append(_comment(cid, name, initials, f"Kommentar {number}: hvorfor?", para))
            starts = f'<w:commentRangeStart w:id="{cid}"/>'
            ends = f'<w:commentRangeEnd w:id="{cid}"/>'
            refs = (f'<w:r w:rsidR="{rsid}"><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
                    f'<w:commentReference w:id="{cid}"/></w:r>')
            done = ' w15:done="1"' if expected.comments == 1 else ' w15:done="0"'
            extended.append(f'<w15:commentEx w15:paraId="{para}"{done}/>')
            expected.comments += 1
            if expected.comments == 1:  # the first thread gets a reply
                rid = cid + 1
                reply = f"{0x10000000 + rid:08X}"
                name, initials = PEOPLE[0]
                comments.append(_comment(rid, name, initials, "Enig, lad os skrive det om.",
                                         reply))
                extended.append(f'<w15:commentEx w15:paraId="{reply}" '
                                f'w15:paraIdParent="{para}" w15:done="0"/>')
                starts += f'<w:commentRangeStart w:id="{rid}"/>'
                ends += f'<w:commentRangeEnd w:id="{rid}"/>'
                refs += (f'<w:r w:rsidR="{rsid}"><w:rPr><w:rStyle w:val="CommentReference"/>'
                         f'</w:rPr><w:commentReference w:id="{rid}"/></w:r>')
                expected.replies += 1
            middle = starts + _run(word.group(), rsid) + ends + refs
        change += 2
        paragraph = xml.rindex("<w:p>", 0, match.start())
        pieces.append(xml[at:paragraph])
        pieces.append(f'<w:p w14:paraId="{0x20000000 + number:08X}" w14:textId="77777777" '
                      f'w:rsidR="{RSID[0]}" w:rsidRDefault="{RSID[0]}" w:rsidP="{rsid}">')
        pieces.append(xml[paragraph + len("<w:p>"):match.start()])
        pieces.append(_split_mid_word(head, rsid) + middle + _split_mid_word(tail, rsid))
        at = match.end()
    pieces.append(xml[at:])
    parts["word/document.xml"] = "".join(pieces).encode("utf-8")

    notes = parts["word/footnotes.xml"].decode("utf-8")
    note = RUN.search(notes) or re.search(
        r'<w:r><w:t xml:space="preserve">([^<]*[A-Za-zÆØÅæøå]{5,} [^<]*)</w:t></w:r>', notes)
    if note is None:
        sys.exit("no footnote text to review")
    old = WORD.search(note.group(1))
    if old is None:
        sys.exit("no word in the footnote to review")
    text = note.group(1)
    notes = (notes[:note.start()] + _run(text[:old.start()], RSID[1])
             + _tracked("del", change, PEOPLE[0][0], old.group(), RSID[1])
             + _tracked("ins", change + 1, PEOPLE[0][0], old.group().upper(), RSID[1])
             + _run(text[old.end():], RSID[1]) + notes[note.end():])
    expected.deletions += 1
    expected.insertions += 1
    parts["word/footnotes.xml"] = notes.encode("utf-8")

    declare = (f'xmlns:w="{W[1:-1]}" xmlns:w14="{W14}" xmlns:w15="{W15}" '
               'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
               'mc:Ignorable="w14 w15"')
    new = {
        "word/comments.xml": f'<w:comments {declare}>{"".join(comments)}</w:comments>',
        "word/commentsExtended.xml":
            f'<w15:commentsEx {declare}>{"".join(extended)}</w15:commentsEx>',
        "word/people.xml": f'<w15:people {declare}>' + "".join(
            f'<w15:person w15:author="{name}"><w15:presenceInfo w15:providerId="None" '
            f'w15:userId="{name}"/></w15:person>' for name, _ in PEOPLE) + "</w15:people>",
    }
    types = parts["[Content_Types].xml"].decode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    for number, (name, text) in enumerate(new.items()):
        content_type, rel_type = WORD_PARTS[name]
        parts[name] = ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                       + text).encode("utf-8")
        types = types.replace("</Types>", f'<Override PartName="/{name}" '
                              f'ContentType="{content_type}"/></Types>')
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdReview{number}" '
                            f'Type="{rel_type}" Target="{name.removeprefix("word/")}"/>'
                            "</Relationships>")
    parts["[Content_Types].xml"] = types.encode("utf-8")
    parts["word/_rels/document.xml.rels"] = rels.encode("utf-8")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return expected


def pandoc_changes(document: dict[str, Any]) -> Expected:
    """The tracked changes and comments in pandoc's JSON: Spans of class insertion,
    deletion and comment-start."""
    seen = Expected()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Span":
                classes = node["c"][0][1]
                seen.insertions += "insertion" in classes
                seen.deletions += "deletion" in classes
                seen.comments += "comment-start" in classes
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return seen


def ops_expected(ops: list[dict[str, Any]]) -> Expected:
    """What LibreOffice's review holds: a replacement is a deletion and an insertion."""
    kinds = [op["op"] for op in ops]
    return Expected(insertions=kinds.count("replace") + kinds.count("insert"),
                    deletions=kinds.count("replace") + kinds.count("delete"),
                    comments=kinds.count("comment"))


def check_import(output: str, expected: Expected) -> str:
    """Why the import's JSON does not hold the review's findings; '' when it does."""
    try:
        findings = json.loads(output)["findings"]
    except (ValueError, KeyError) as error:
        return f"hthc review import wrote no findings as JSON ({error}):\n{tail(output)}"
    kinds = [f["kind"] for f in findings]
    want = {"insertion": expected.insertions, "deletion": expected.deletions,
            "comment": expected.comments}
    got = {kind: kinds.count(kind) for kind in want}
    others = len(kinds) - sum(got.values())
    if got != want or others:
        return (f"hthc review import found {got} and {others} others, the review holds "
                f"{want}")
    replies = sum(len(f["replies"]) for f in findings)
    if replies != expected.replies:
        return f"hthc review import found {replies} replies, the review holds {expected.replies}"
    return ""


def lo_review(rendered: Path, ops: list[dict[str, Any]], out: Path) -> None:
    """`out`: `rendered` reviewed by LibreOffice, reused while both are unchanged."""
    stamp = out.with_suffix(".stamp")
    digest = hashlib.sha256(rendered.read_bytes() + json.dumps(ops).encode()).hexdigest()
    if out.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        return
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if probe.returncode != 0:
        sys.exit(
            "LibreOffice's Python bridge is missing, so nothing can review the document: "
            "apt-get install python3-uno libreoffice-writer-nogui"
        )
    print(f"  LibreOffice reviews {rendered.name} ...", file=sys.stderr, flush=True)
    done = subprocess.run(
        [SYSTEM_PYTHON, str(REVIEWER), str(rendered), "-", "--timeout", "3000", "--verbose"],
        input=json.dumps(ops), stdout=subprocess.PIPE, stderr=None, text=True, check=False,
        env={k: v for k, v in child_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    if done.returncode != 0:
        sys.exit(f"LibreOffice's review failed (exit {done.returncode}): see above")
    stamp.write_text(digest, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=TARGET_N, help="positions in the response")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command")
    parser.add_argument("--edits", type=int, default=23,
                        help="paragraphs the reviewer edits or comments on")
    parser.add_argument("--reviewer", choices=("auto", "word", "libreoffice"), default="auto",
                        help="who reviews: the review written as Word saves it, or LibreOffice "
                        f"through UNO (slow: for small sizes; auto uses it up to n={LO_MAX})")
    args = parser.parse_args(argv)
    reviewer = args.reviewer
    if reviewer == "auto":
        reviewer = "libreoffice" if args.size <= LO_MAX else "word"
    repeat = max(1, args.repeat)
    env = child_env()
    pandoc = pandoc_path()
    OUT.mkdir(parents=True, exist_ok=True)

    print("preparing the workspace, the document and its review ...", file=sys.stderr, flush=True)
    workspace = ensure_workspace(args.size, single_source=True)
    response = response_id(workspace)
    rendered = OUT / f"n{args.size}.da.docx"
    made = run_captured([*HTHC, "render", "--workspace", str(workspace), response, "--lang", "da",
                         "-o", str(rendered)], env)
    if made.returncode != 0:
        print(f"hthc render failed (exit {made.returncode}):\n{tail(made.stderr)}", file=sys.stderr)
        return 1
    reviewed = OUT / f"n{args.size}.{reviewer}.da.docx"
    if reviewer == "word":
        expected = word_review(rendered, reviewed, args.edits)
    else:
        ops = review_ops(body_paragraphs(rendered), args.edits, reviewed)
        lo_review(rendered, ops, reviewed)
        expected = ops_expected(ops)

    tiny = OUT / "floor.docx"
    if not tiny.is_file():
        subprocess.run([pandoc, "-f", "markdown", "-o", str(tiny)], input="Tak.\n", text=True,
                       check=True)
    typer_job = Job("typer", "typer floor", [*FLOOR_TYPER, "--workspace", str(ROOT)])
    pandoc_floor = Job("pandoc-floor", "pandoc floor",
                       [pandoc, "--track-changes=all", "-f", "docx", "-t", "json", str(tiny),
                        "-o", str(OUT / "floor.json")])
    pandoc_job = Job("pandoc", "pandoc docx -> json",
                     [pandoc, "--track-changes=all", "-f", "docx", "-t", "json", str(reviewed),
                      "-o", str(OUT / "reviewed.json")])
    jobs = [typer_job, pandoc_floor, pandoc_job]
    import_job: Job | None = Job(
        "import", "hthc review import",
        [*HTHC, "review", "import", "--workspace", str(workspace), str(reviewed),
         "--format", "json"],
    )
    probe = run_captured([*HTHC, "review", "import", "--help"], env)
    if probe.returncode != 0:
        print("hthc review import is not available yet: pandoc alone is timed\n")
        import_job = None
    else:
        jobs.append(import_job)

    print(f"review import, whole process; {repeat} interleaved runs of each; {machine()}")
    print("warming up ...", file=sys.stderr, flush=True)
    for job in jobs:
        proc = run_captured(job.cmd, env)
        # review import exits 1 when it finds something to report, as check does.
        if proc.returncode not in ((0, 1) if job is import_job else (0,)):
            print(f"{' '.join(job.cmd)}\nexited {proc.returncode}:\n"
                  f"{tail(proc.stdout + proc.stderr)}", file=sys.stderr)
            return 1
        if job is import_job:
            problem = check_import(proc.stdout, expected)
            if problem:
                print(problem, file=sys.stderr)
                return 1
        if job is pandoc_job:
            seen = pandoc_changes(json.loads((OUT / "reviewed.json").read_text("utf-8")))
            if (seen.insertions, seen.deletions) < (expected.insertions, expected.deletions):
                print(f"pandoc read {seen.insertions} insertions and {seen.deletions} "
                      f"deletions, the review holds {expected.insertions} and "
                      f"{expected.deletions}", file=sys.stderr)
                return 1
    print(f"  the review holds {expected.insertions} insertions, {expected.deletions} "
          f"deletions, {expected.comments} comment threads ({expected.replies} replies): "
          f"{expected.findings} findings; import and pandoc read them all")
    measure(jobs, repeat, env)

    size = reviewed.stat().st_size / 1024
    by = "as Word saves it" if reviewer == "word" else "by LibreOffice"
    print(f"\n  n={args.size} positions, reviewed {by} ({args.edits} paragraphs; "
          f"{size:.0f} KiB)")
    if import_job is not None:
        print(row(import_job))
    print(row(pandoc_job))
    print("  startup floors: a do-nothing Typer app; pandoc on a one-paragraph .docx")
    print(row(typer_job))
    print(row(pandoc_floor))

    print("\ntargets")
    if import_job is None:
        print(f"  n={args.size}: hthc / pandoc = n/a (no hthc review import yet)")
        return 0
    ratio = import_job.median / pandoc_job.median
    target = f"(target <= {TARGET})  {verdict(ratio <= TARGET)}" if args.size == TARGET_N else ""
    print(f"  n={args.size}: hthc review import / pandoc = {ratio:.2f} {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
