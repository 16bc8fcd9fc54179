"""Time `hthc review import` on a document LibreOffice reviewed, beside pandoc reading it.

python benchmarks/bench_review.py [--size 1000] [--repeat 5] [--edits 40]

A generated workspace with one response of N positions (benchmarks/.work/) is rendered to
Danish .docx (untimed). LibreOffice then reviews it through UNO (tests/lo/reviewer.py, with
the system python and python3-uno), as a colleague would: tracked replacements, insertions
and deletions and comments spread evenly through the document, one comment resolved, saved
as .docx (untimed; reused while the document and the edits are unchanged). Then, in the same
run and interleaved, whole processes:

- `hthc review import --workspace DIR FILE` (findings reported, nothing written);
- `pandoc --track-changes=all -f docx -t json FILE` with the binary pypandoc-binary ships,
  reading the same changes and comments;
- the startup floors: a do-nothing Typer app, and pandoc reading a one-paragraph .docx.

Prints medians, peak memory and the issue's target: review import at N = 1,000 takes at most
half pandoc's time. Until `hthc review import` exists, pandoc alone is timed.
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
    parser.add_argument("--edits", type=int, default=24, help="paragraphs LibreOffice reviews")
    args = parser.parse_args(argv)
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
    reviewed = OUT / f"n{args.size}.reviewed.da.docx"
    lo_review(rendered, review_ops(body_paragraphs(rendered), args.edits, reviewed), reviewed)

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
        [*HTHC, "review", "import", "--workspace", str(workspace), str(reviewed)],
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
            print(f"  hthc review import reports:\n{tail(proc.stdout, 3)}")
    measure(jobs, repeat, env)

    size = reviewed.stat().st_size / 1024
    print(f"\n  n={args.size} positions, reviewed by LibreOffice ({args.edits} paragraphs; "
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
