"""The review loop with a real reviewer: render, LibreOffice edits, import, apply, render again.

The shipped workspace is copied into a git repository of its own and its response rendered.
LibreOffice (tests/lo/reviewer.py) reviews the document as a colleague would: a tracked
replacement in a position's argument, a tracked insertion in a proposal, a comment on a
sentence of a summary; and in a second copy of the document an edit with change tracking
forgotten off. `hthc review import` must report each of these on the right file, line,
item, field and language, and nothing else; `--apply` must change exactly those fields
(git diff shows nothing else); the next render shows the edited text and the open comment
as a Word comment again. LibreOffice's accept-all and reject-all on `hthc diff`'s redline
give each revision's text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from lxml import etree

if TYPE_CHECKING:
    from tests.conftest import LibreOfficeReviewer

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("hthc.yaml", "references.yaml", "recommendations", "positions", "responses")
RESPONSE = "HTHC-HS-SSK-2024"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

REVIEWER, INITIALS = "Mette Reviewer", "MR"
COMMENT = "Er det den rigtige formulering?"
COMMENT_DATE = "2026-11-30T10:15:00Z"
SENTENCE = "Hvis der etableres én stor organisation for it-infrastruktur"
GOVERNANCE = "positions/governance.yaml"
GENERAL = "positions/general.yaml"
TRACKED_REVIEW: list[dict[str, Any]] = [
    {"op": "author", "name": REVIEWER, "initials": INITIALS},
    {"op": "track", "on": True},
    # HTHC-GOLDEN-MIDDLE's argument, its third paragraph
    {"op": "replace", "paragraph": "Ellers skaber man en kolos på lerfødder",
     "anchor": "En fælles national retning er ", "text": "nødvendig", "by": "afgørende"},
    # HTHC-GOLDEN-MIDDLE's proposal
    {"op": "insert", "paragraph": "HTHC anbefaler, at en eventuel samlet organisation",
     "after": "fælles ledelse", "text": " og klare mål"},
    # HTHC-GOLDEN-MIDDLE's summary, in the summary list at the top of the response
    {"op": "comment", "paragraph": "Den gyldne middelvej mellem centralisering og "
     "decentralisering. Hvis", "text": SENTENCE, "body": COMMENT, "author": REVIEWER,
     "initials": INITIALS, "date": COMMENT_DATE},
]
UNTRACKED_REVIEW: list[dict[str, Any]] = [
    {"op": "author", "name": "Ole Hansen", "initials": "OH"},
    {"op": "track", "on": False},
    # HTHC-VALUE-NEAR-CITIZENS's argument, its first paragraph
    {"op": "replace", "paragraph": "HTHC støtter, at organiseringen af digitalisering",
     "text": "løftes nationalt", "by": "løftes op på nationalt niveau"},
]


def hthc(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "hthc_cli", *args], cwd=workspace, capture_output=True,
        text=True, check=False, env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def git(workspace: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=HTHC", "-c", "user.email=hthc@example.org", *args],
        cwd=workspace, capture_output=True, text=True, check=True,
    ).stdout


def shipped_repository(folder: Path) -> Path:
    """The shipped workspace, committed in a git repository of its own."""
    folder.mkdir()
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copyfile(source, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "The shipped workspace")
    return folder


def render(workspace: Path, out: Path) -> Path:
    done = hthc(workspace, "render", RESPONSE, "--lang", "da", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


def value_line(path: Path, item: str, field: str, language: str) -> tuple[int, int]:
    """Line and column (1-based) of a text's value in a YAML file, found by its own parse."""
    node = yaml.compose(path.read_text(encoding="utf-8"))
    for top_key, top_value in node.value:
        for entry in top_value.value if top_key.value in ("positions", "recommendations") else []:
            fields = {k.value: v for k, v in entry.value}
            if fields["id"].value != item:
                continue
            target = fields
            value = None
            for part in field.split("."):
                value = target[part] if isinstance(target, dict) else target.value[int(part)]
                target = value
            assert value is not None
            languages = {k.value: v for k, v in value.value}
            mark = languages[language].start_mark
            return mark.line + 1, mark.column + 1
    raise AssertionError(f"{item} {field} not in {path}")


def value_span(path: Path, item: str, field: str, language: str = "da") -> tuple[int, int]:
    """First and last line (1-based) of a text's value in a YAML file."""
    node = yaml.compose(path.read_text(encoding="utf-8"))
    for top_key, top_value in node.value:
        for entry in top_value.value if top_key.value in ("positions", "recommendations") else []:
            fields = {k.value: v for k, v in entry.value}
            if fields["id"].value != item:
                continue
            value: Any = fields
            for part in field.split("."):
                value = value[part] if isinstance(value, dict) else value.value[int(part)]
            scalar = {k.value: v for k, v in value.value}[language]
            return scalar.start_mark.line + 1, scalar.end_mark.line + 1
    raise AssertionError(f"{item} {field} not in {path}")


def located(finding: dict[str, Any]) -> tuple[Any, ...]:
    return (finding["kind"], finding["path"], finding["line"], finding["column"],
            finding["item"], finding["field"], finding["language"])


def body_paragraphs(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in root.iter(f"{{{W}}}p")]


def comments(docx: Path) -> list[etree._Element]:
    with zipfile.ZipFile(docx) as package:
        if "word/comments.xml" not in package.namelist():
            return []
        return list(etree.fromstring(package.read("word/comments.xml")).iter(f"{{{W}}}comment"))


def anchored_text(docx: Path, comment_id: str | None) -> str:
    with zipfile.ZipFile(docx) as package:
        body = etree.fromstring(package.read("word/document.xml"))
    inside, found = False, []
    for element in body.iter():
        if element.tag == f"{{{W}}}commentRangeStart" and element.get(f"{{{W}}}id") == comment_id:
            inside = True
        elif element.tag == f"{{{W}}}commentRangeEnd" and element.get(f"{{{W}}}id") == comment_id:
            return "".join(found)
        elif inside and element.tag == f"{{{W}}}t":
            found.append(element.text or "")
    raise AssertionError(f"comment {comment_id} has no range")


def texts(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def item(data: Any, item_id: str) -> dict[str, Any]:
    (found,) = [entry for entry in data["positions"] if entry["id"] == item_id]
    return found  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def bar(
    tmp_path_factory: pytest.TempPathFactory, lo_reviewer: LibreOfficeReviewer
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bar")
    workspace = shipped_repository(folder / "ws")
    rendered = render(workspace, folder / "rendered.docx")
    tracked, untracked = folder / "tracked.docx", folder / "untracked.docx"
    lo_reviewer(rendered, [*TRACKED_REVIEW, {"op": "save", "path": str(tracked)}])
    lo_reviewer(rendered, [*UNTRACKED_REVIEW, {"op": "save", "path": str(untracked)}])
    return {"workspace": workspace, "rendered": rendered, "tracked": tracked,
            "untracked": untracked, "folder": folder}


def imported(workspace: Path, docx: Path, *extra: str) -> dict[str, Any]:
    done = hthc(workspace, "review", "import", "--format", "json", *extra, str(docx))
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_each_tracked_change_and_the_comment_are_found_on_their_field(bar: dict[str, Path]) -> None:
    workspace = bar["workspace"]
    report = imported(workspace, bar["tracked"])
    governance = workspace / GOVERNANCE
    argument = value_line(governance, "HTHC-GOLDEN-MIDDLE", "argument", "da")
    proposal = value_line(governance, "HTHC-GOLDEN-MIDDLE", "proposals.0", "da")
    summary = value_line(governance, "HTHC-GOLDEN-MIDDLE", "summary", "da")
    assert report["response"] == RESPONSE and report["language"] == "da"
    assert sorted(located(f) for f in report["findings"]) == sorted([
        ("deletion", GOVERNANCE, *argument, "HTHC-GOLDEN-MIDDLE", "argument", "da"),
        ("insertion", GOVERNANCE, *argument, "HTHC-GOLDEN-MIDDLE", "argument", "da"),
        ("insertion", GOVERNANCE, *proposal, "HTHC-GOLDEN-MIDDLE", "proposals.0", "da"),
        ("comment", GOVERNANCE, *summary, "HTHC-GOLDEN-MIDDLE", "summary", "da"),
    ])


def test_what_each_finding_says(bar: dict[str, Path]) -> None:
    findings = imported(bar["workspace"], bar["tracked"])["findings"]
    by_kind = {(f["kind"], f["field"]): f for f in findings}
    comment = by_kind["comment", "summary"]
    assert (comment["author"], comment["date"], comment["anchor"], comment["body"],
            comment["resolved"]) == (REVIEWER, COMMENT_DATE, SENTENCE, COMMENT, False)
    for key in (("deletion", "argument"), ("insertion", "argument"),
                ("insertion", "proposals.0")):
        assert by_kind[key]["author"] == REVIEWER
    assert "[-nødvendig-]{+afgørende+}" in by_kind["insertion", "argument"]["diff"]
    assert "fælles ledelse{+ og klare mål+} og decentrale" in by_kind[
        "insertion", "proposals.0"]["diff"]


def test_the_untracked_edit_is_found_on_its_field(bar: dict[str, Path]) -> None:
    workspace = bar["workspace"]
    report = imported(workspace, bar["untracked"])
    argument = value_line(workspace / GENERAL, "HTHC-VALUE-NEAR-CITIZENS", "argument", "da")
    assert [located(f) for f in report["findings"]] == [
        ("untracked-edit", GENERAL, *argument, "HTHC-VALUE-NEAR-CITIZENS", "argument", "da"),
    ]
    assert "løftes {+op på +}nationalt{+ niveau+}" in report["findings"][0]["diff"]


def test_a_document_saved_by_libreoffice_without_edits_has_nothing_to_report(
    bar: dict[str, Path], lo_reviewer: LibreOfficeReviewer
) -> None:
    saved = bar["folder"] / "saved.docx"
    lo_reviewer(bar["rendered"], [{"op": "save", "path": str(saved)}])
    assert imported(bar["workspace"], saved)["findings"] == []


def test_the_rendered_document_itself_has_nothing_to_report(bar: dict[str, Path]) -> None:
    assert imported(bar["workspace"], bar["rendered"])["findings"] == []


@pytest.fixture(scope="module")
def applied(bar: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bar's repository after `--apply` of both reviewed documents, then a new render."""
    workspace = tmp_path_factory.mktemp("applied") / "ws"
    shutil.copytree(bar["workspace"], workspace)
    for document in (bar["tracked"], bar["untracked"]):
        imported(workspace, document, "--apply")
    rerendered = render(workspace, workspace.parent / "rerendered.docx")
    return {"workspace": workspace, "rerendered": rerendered}


def test_apply_changes_exactly_the_reviewed_fields(
    bar: dict[str, Path], applied: dict[str, Path]
) -> None:
    workspace = applied["workspace"]
    changed = git(workspace, "diff", "--name-only").split()
    assert sorted(changed) == [GENERAL, GOVERNANCE]
    assert git(workspace, "ls-files", "--others", "--exclude-standard").split() == [
        f"reviews/{RESPONSE}.yaml"]
    old = {name: texts(bar["workspace"] / name) for name in (GENERAL, GOVERNANCE)}
    new = {name: texts(workspace / name) for name in (GENERAL, GOVERNANCE)}
    middle = item(old[GOVERNANCE], "HTHC-GOLDEN-MIDDLE")
    middle["argument"]["da"] = middle["argument"]["da"].replace(
        "retning er\nnødvendig", "retning er\nafgørende")
    middle["proposals"][0]["da"] = middle["proposals"][0]["da"].replace(
        "fælles ledelse og decentrale", "fælles ledelse og klare mål og decentrale")
    near = item(old[GENERAL], "HTHC-VALUE-NEAR-CITIZENS")
    near["argument"]["da"] = near["argument"]["da"].replace(
        "løftes nationalt", "løftes op på nationalt niveau")
    assert new == old


def test_git_diff_touches_only_the_lines_of_the_edited_texts(
    bar: dict[str, Path], applied: dict[str, Path]
) -> None:
    edited = {
        GOVERNANCE: [value_span(bar["workspace"] / GOVERNANCE, "HTHC-GOLDEN-MIDDLE", field)
                     for field in ("argument", "proposals.0")],
        GENERAL: [value_span(bar["workspace"] / GENERAL, "HTHC-VALUE-NEAR-CITIZENS",
                             "argument")],
    }
    diff = git(applied["workspace"], "diff", "-U0", "--no-color")
    file = ""
    hunks = 0
    for line in diff.splitlines():
        if line.startswith("--- a/"):
            file = line[len("--- a/"):]
        elif line.startswith("@@"):
            old = re.match(r"@@ -(\d+)(?:,(\d+))? ", line)
            assert old is not None
            first, count = int(old[1]), int(old[2] or 1)
            assert any(low <= first and first + count - 1 <= high for low, high in edited[file]), (
                f"{file}: lines {first}-{first + count - 1} changed outside the edited texts")
            hunks += 1
    assert hunks >= 3
    assert "-        nødvendig, jf. [[HTHC-NATIONAL-STRATEGY]]" in diff
    assert "+        afgørende, jf. [[HTHC-NATIONAL-STRATEGY]]" in diff


def test_check_stays_clean_after_apply(applied: dict[str, Path]) -> None:
    done = hthc(applied["workspace"], "check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_next_render_shows_the_edited_text(applied: dict[str, Path]) -> None:
    paragraphs = body_paragraphs(applied["rerendered"])
    whole = "\n".join(paragraphs)
    assert "En fælles national retning er afgørende, jf." in whole
    assert "retning er nødvendig" not in whole
    assert "med fælles ledelse og klare mål og decentrale" in whole
    assert "organiseringen af digitalisering og data løftes op på nationalt niveau." in whole
    with zipfile.ZipFile(applied["rerendered"]) as package:
        body = package.read("word/document.xml")
    assert b"<w:ins " not in body and b"<w:del " not in body


def test_the_open_comment_is_a_word_comment_again_on_its_words(applied: dict[str, Path]) -> None:
    docx = applied["rerendered"]
    (comment,) = comments(docx)
    assert "".join(t.text or "" for t in comment.iter(f"{{{W}}}t")) == COMMENT
    assert comment.get(f"{{{W}}}author") == REVIEWER
    assert comment.get(f"{{{W}}}initials") == INITIALS
    assert comment.get(f"{{{W}}}date") == COMMENT_DATE
    assert anchored_text(docx, comment.get(f"{{{W}}}id")) == SENTENCE


def test_importing_the_same_document_twice_adds_nothing(
    bar: dict[str, Path], applied: dict[str, Path]
) -> None:
    reviews = applied["workspace"] / "reviews" / f"{RESPONSE}.yaml"
    before = reviews.read_bytes()
    done = hthc(applied["workspace"], "review", "import", "--apply", str(bar["tracked"]))
    assert reviews.read_bytes() == before, done.stdout + done.stderr


# ------------------------------------------------------------------- hthc diff's redline


@pytest.fixture(scope="module")
def redline(
    tmp_path_factory: pytest.TempPathFactory, lo_reviewer: LibreOfficeReviewer
) -> dict[str, Path]:
    """Two commits of the shipped workspace, hthc diff's redline of them, each side rendered,
    and LibreOffice's text of each side and of the redline accepted and rejected."""
    folder = tmp_path_factory.mktemp("redline")
    workspace = shipped_repository(folder / "ws")
    governance = workspace / GOVERNANCE
    source = governance.read_text(encoding="utf-8")
    changed = source.replace("En fælles national retning er\n        nødvendig",
                             "En fælles national retning er\n        helt afgørende", 1)
    changed = changed.replace("og en samlet retning, men med decentrale",
                              "og en samlet retning, men med stærke decentrale", 1)
    assert changed.count("helt afgørende") == 1 and changed.count("stærke decentrale") == 1
    governance.write_text(changed, encoding="utf-8")
    git(workspace, "commit", "-q", "-am", "A sharper argument")
    diff = folder / "redline.docx"
    done = hthc(workspace, "diff", "HEAD~1", "HEAD", RESPONSE, "--lang", "da", "-o", str(diff))
    assert done.returncode == 0, done.stdout + done.stderr
    paths = {"redline": diff}
    branch = git(workspace, "rev-parse", "--abbrev-ref", "HEAD").strip()
    revisions = {side: git(workspace, "rev-parse", name).strip()
                 for side, name in (("a", "HEAD~1"), ("b", "HEAD"))}
    for side, revision in revisions.items():
        git(workspace, "checkout", "-q", revision)
        paths[side] = render(workspace, folder / f"{side}.docx")
    git(workspace, "checkout", "-q", branch)
    for name, ops in (("a", []), ("b", []), ("accepted", [{"op": "accept_all"}]),
                      ("rejected", [{"op": "reject_all"}])):
        document = paths["redline"] if name in ("accepted", "rejected") else paths[name]
        paths[f"{name}.txt"] = folder / f"{name}.txt"
        lo_reviewer(document, [*ops, {"op": "export_text", "path": str(paths[f"{name}.txt"])}])
    return paths


def test_the_redline_accepted_in_libreoffice_is_the_later_revision(
    redline: dict[str, Path],
) -> None:
    accepted = redline["accepted.txt"].read_text(encoding="utf-8")
    assert "helt afgørende" in accepted and "stærke decentrale" in accepted
    assert accepted == redline["b.txt"].read_text(encoding="utf-8")


def test_the_redline_rejected_in_libreoffice_is_the_earlier_revision(
    redline: dict[str, Path],
) -> None:
    rejected = redline["rejected.txt"].read_text(encoding="utf-8")
    assert "retning er nødvendig" in rejected and "stærke" not in rejected
    assert rejected == redline["a.txt"].read_text(encoding="utf-8")
