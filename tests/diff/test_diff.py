"""`hthc diff`: the shipped workspace in a git repository, at two commits.

The second commit replaces a word in an argument, deletes a paragraph of it, edits the
text of a footnote, adds a proposal and changes a position's stance (its stance line and
its cell in the annex table). The redline holds exactly those changes as tracked changes,
passes openxml-audit, and LibreOffice's Accept All / Reject All give each side's text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

RESPONSE = "HTHC-HS-SSK-2024"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HERE = Path(__file__).resolve().parent
LO_SCRIPT = HERE / "lo_changes.py"


def hthc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "hthc_cli", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, env=env)


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=t@example.org",
                           *args], cwd=root, capture_output=True, text=True, check=True,
                          env=env)
    return done.stdout.strip()


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(workspace: Path) -> Path:
    """The shipped workspace committed twice (see the module's docstring)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    digi = workspace / "positions" / "digitalisation.yaml"
    replace(digi, "        [@bedre-digital-sundhed-2023].\n      en:",
            "        [@bedre-digital-sundhed-2023].[^k]\n\n"
            "        [^k]: Analysen blev udgivet i 2023.\n      en:")
    git(workspace, "init", "-q")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "before", date="2026-11-01T10:00:00+01:00")
    replace(digi, "Det er klogt at behandle", "Det er fornuftigt at behandle")
    replace(digi, "        Konsekvensen kan blive, at særligt små kommuner og sygehuse ikke får "
            "den hjælp\n        til digitalisering, som de har brug for.\n\n", "")
    replace(digi, "Analysen blev udgivet i 2023.", "Analysen blev udgivet i efteråret 2023.")
    replace(digi, "    stance: support-with-reservations\n", "    stance: support\n")
    replace(digi, "        en: HTHC proposes that municipalities be required to enter into "
            "technology partnerships with one another.\n",
            "        en: HTHC proposes that municipalities be required to enter into "
            "technology partnerships with one another.\n"
            "      - da: HTHC foreslår, at partnerskaberne evalueres efter tre år.\n"
            "        en: HTHC proposes that the partnerships be evaluated after three years.\n")
    git(workspace, "commit", "-qam", "after", date="2026-11-02T11:30:00+01:00")
    return workspace


@dataclass(frozen=True)
class Change:
    part: str
    kind: str
    text: str
    """The change's text; for a paragraph mark '¶ ' and the paragraph's text, for a table
    row '▭ ' and its cells' text."""


def changes(path: Path) -> list[Change]:
    """Every w:ins and w:del of the document and its notes, in order."""
    from lxml import etree

    found: list[Change] = []
    with zipfile.ZipFile(path) as docx:
        for part in ("word/document.xml", "word/footnotes.xml"):
            root = etree.fromstring(docx.read(part))
            for element in root.iter(W + "ins", W + "del"):
                kind = etree.QName(element).localname
                parent = element.getparent()
                assert element.get(W + "author") == "hthc"
                if parent is not None and parent.tag == W + "rPr":
                    paragraph = parent.getparent().getparent()
                    found.append(Change(part, kind, "¶ " + _text(paragraph)))
                elif parent is not None and parent.tag == W + "trPr":
                    found.append(Change(part, kind, "▭ " + _text(parent.getparent())))
                else:
                    found.append(Change(part, kind, _text(element)))
    return found


def _text(element: object) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t", W + "delText"))  # type: ignore[attr-defined]


def change_ids_and_dates(path: Path) -> tuple[list[str], set[str]]:
    with zipfile.ZipFile(path) as docx:
        xml = docx.read("word/document.xml").decode() + docx.read("word/footnotes.xml").decode()
    found = re.findall(r'<w:(?:ins|del) w:id="(\d+)" w:author="hthc" w:date="([^"]+)"', xml)
    return [i for i, _ in found], {d for _, d in found}


def test_the_redline_holds_exactly_the_changes_made(repo: Path) -> None:
    out = hthc("diff", "HEAD~1", "HEAD", RESPONSE, "-o", "redline.docx", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"wrote redline.docx: {RESPONSE} (da), ")
    doc = "word/document.xml"
    assert changes(repo / "redline.docx") == [
        # the stance line of the position
        Change(doc, "del", " med forbehold"),
        # a word replaced in the argument
        Change(doc, "del", "klogt"),
        Change(doc, "ins", "fornuftigt"),
        # a paragraph deleted: its text and its paragraph mark
        Change(doc, "del", "¶ Konsekvensen kan blive, at særligt små kommuner og sygehuse "
               "ikke får den hjælp til digitalisering, som de har brug for."),
        Change(doc, "del", "Konsekvensen kan blive, at særligt små kommuner og sygehuse ikke "
               "får den hjælp til digitalisering, som de har brug for."),
        # a proposal added: a new list paragraph
        Change(doc, "ins", "¶ HTHC foreslår, at partnerskaberne evalueres efter tre år."),
        Change(doc, "ins", "HTHC foreslår, at partnerskaberne evalueres efter tre år."),
        # the stance in the annex table
        Change(doc, "del", " med forbehold"),
        # the footnote's text
        Change("word/footnotes.xml", "ins", "efteråret "),
    ]
    ids, dates = change_ids_and_dates(repo / "redline.docx")
    assert len(ids) == len(set(ids)) == 9
    assert dates == {"2026-11-02T10:30:00Z"}  # the later commit's date, in UTC


def test_the_redline_is_valid_and_the_same_every_time(repo: Path) -> None:
    first = hthc("diff", "HEAD~1", "HEAD", RESPONSE, "-o", "one.docx", cwd=repo)
    second = hthc("diff", "HEAD~1", "HEAD", RESPONSE, "-o", "two.docx", "--lang", "da", cwd=repo)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert (repo / "one.docx").read_bytes() == (repo / "two.docx").read_bytes()
    openxml_audit = pytest.importorskip("openxml_audit")
    result = openxml_audit.OpenXmlValidator().validate(repo / "one.docx")
    assert [str(e) for e in result.errors if e.severity.value == "error"] == []


def test_no_change_gives_the_render_itself(repo: Path) -> None:
    assert hthc("diff", "HEAD", "HEAD", RESPONSE, "-o", "same.docx", cwd=repo).returncode == 0
    assert hthc("render", RESPONSE, "--lang", "da", "-o", "render.docx", cwd=repo
                ).returncode == 0
    assert (repo / "same.docx").read_bytes() == (repo / "render.docx").read_bytes()


def revision_property(docx: Path) -> str | None:
    with zipfile.ZipFile(docx) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
    found = re.search(r'name="hthc-revision"><vt:lpwstr>([0-9a-f]+)<', custom)
    return found.group(1) if found else None


def test_the_redline_names_the_later_commit_as_its_revision(repo: Path) -> None:
    assert hthc("diff", "HEAD~1", "HEAD", RESPONSE, "-o", "redline.docx", cwd=repo).returncode == 0
    assert revision_property(repo / "redline.docx") == git(repo, "rev-parse", "HEAD")
    assert hthc("diff", "HEAD", "HEAD~1", RESPONSE, "-o", "back.docx", cwd=repo).returncode == 0
    assert revision_property(repo / "back.docx") == git(repo, "rev-parse", "HEAD~1")


def test_the_working_tree_is_the_default_later_side(repo: Path) -> None:
    replace(repo / "positions" / "digitalisation.yaml", "Det er fornuftigt at behandle",
            "Det er klogt og fornuftigt at behandle")
    out = hthc("diff", RESPONSE, "-o", "wt.docx", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert out.stdout.endswith("→ working tree\n")
    assert [c.text for c in changes(repo / "wt.docx")] == [" klogt og"]


def lo_texts(mode: str, *files: Path) -> list[dict[str, object]]:
    system = Path("/usr/bin/python3")
    if shutil.which("soffice") is None or not system.is_file():
        pytest.skip("LibreOffice or the system python is not installed")
    if subprocess.run([str(system), "-c", "import uno"], capture_output=True,
                      check=False).returncode != 0:
        pytest.skip("python3-uno is not installed for the system python")
    done = subprocess.run([str(system), str(LO_SCRIPT), mode, *map(str, files)],
                          capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_libreoffice_accept_all_gives_the_later_side_and_reject_all_the_earlier(
    repo: Path,
) -> None:
    assert hthc("diff", "HEAD~1", "HEAD", RESPONSE, "-o", "redline.docx", cwd=repo).returncode == 0
    assert hthc("render", RESPONSE, "--lang", "da", "-o", "after.docx", cwd=repo).returncode == 0
    git(repo, "checkout", "-q", "HEAD~1")
    assert hthc("render", RESPONSE, "--lang", "da", "-o", "before.docx", cwd=repo).returncode == 0
    before, after = lo_texts("none", repo / "before.docx", repo / "after.docx")
    (accepted,) = lo_texts("accept", repo / "redline.docx")
    (rejected,) = lo_texts("reject", repo / "redline.docx")
    # LibreOffice joins a paragraph's deleted or inserted text and its mark into one change
    assert accepted["redlines"] == rejected["redlines"] == 7
    assert not accepted["left"] and not rejected["left"]
    assert accepted["body"] == after["body"]
    assert accepted["notes"] == after["notes"]
    assert rejected["body"] == before["body"]
    assert rejected["notes"] == before["notes"]
    assert before["body"] != after["body"] and before["notes"] != after["notes"]


SUMMARY_MD = """\
### HTHC-HS-SSK-2024 (da): {a} → {b}

**Positions changed**

- `HTHC-DIGI-IN-STRUCTURE` Digitalisering skal bygges ind i sundhedsvæsenets grundstruktur
  - stance: support-with-reservations → support
  - argument: Det er [-klogt-]{{+fornuftigt+}} at behandle organiseringen af digitalisering og \
… HTHC foreslår i [[HTHC-TELEMEDICINE-PARTNERSHIPS]]. [-Konsekvensen kan blive, at særligt små \
kommuner og sygehuse ikke får den hjælp til digitalisering, som de har brug for. -]*Bedre \
Digital Sundhed* når til samme … k] [^k]: Analysen blev udgivet i {{+efteråret +}}2023.
- `HTHC-TELEMEDICINE-PARTNERSHIPS` {title}
  - proposals.2: {{+HTHC foreslår, at partnerskaberne evalueres efter tre år.+}}
"""


def test_the_markdown_summary(repo: Path) -> None:
    out = hthc("diff", "HEAD~1", "HEAD", RESPONSE, "--format", "md", cwd=repo)
    assert out.returncode == 0, out.stderr
    a, b = git(repo, "rev-parse", "HEAD~1")[:12], git(repo, "rev-parse", "HEAD")[:12]
    title = "Telemedicinske centre og forpligtende teknologipartnerskaber mellem kommuner"
    assert out.stdout == SUMMARY_MD.format(a=a, b=b, title=title)


def test_the_json_summary(repo: Path) -> None:
    out = hthc("diff", "HEAD~1", "HEAD", RESPONSE, "-o", "-", "--format", "json", cwd=repo)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["response"] == RESPONSE and data["language"] == "da"
    assert data["before"] == {"revision": "HEAD~1", "commit": git(repo, "rev-parse", "HEAD~1"),
                              "date": "2026-11-01T09:00:00Z"}
    assert data["after"]["date"] == "2026-11-02T10:30:00Z"
    positions = data["positions"]
    assert positions["added"] == [] and positions["removed"] == []
    digi, tele = positions["changed"]
    assert digi["id"] == "HTHC-DIGI-IN-STRUCTURE"
    assert digi["stance"] == {"before": "support-with-reservations", "after": "support"}
    assert digi["status"] is None
    (argument,) = digi["texts"]
    assert argument["field"] == "argument"
    assert "Det er klogt at behandle" in argument["before"]
    assert "Det er fornuftigt at behandle" in argument["after"]
    assert argument["diff"].startswith("Det er [-klogt-]{+fornuftigt+} at behandle")
    assert tele["texts"] == [{
        "field": "proposals.2", "before": "",
        "after": "HTHC foreslår, at partnerskaberne evalueres efter tre år.",
        "diff": "{+HTHC foreslår, at partnerskaberne evalueres efter tre år.+}",
    }]
    assert data["response_texts"] == []


def test_positions_removed_and_added(repo: Path) -> None:
    replace(repo / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml",
            "general:", "specific:\n  - HTHC-DIGI-IN-STRUCTURE\ngeneral:")
    out = hthc("diff", RESPONSE, "--format", "json", cwd=repo)
    assert out.returncode == 0, out.stderr
    positions = json.loads(out.stdout)["positions"]
    removed = [(p["id"], p["title"]) for p in positions["removed"]]
    assert removed == REMOVED
    assert positions["added"] == []
    assert [p["id"] for p in positions["changed"]] == []
    git(repo, "commit", "-qam", "fewer")
    back = hthc("diff", "HEAD", "HEAD~1", RESPONSE, "--format", "md", cwd=repo)
    assert back.returncode == 0, back.stderr
    assert "**Positions added**\n\n" + "".join(
        f"- `{pid}` {title}\n" for pid, title in REMOVED) in back.stdout
    assert "**Positions removed**" not in back.stdout


REMOVED = [
    ("HTHC-TELEMEDICINE-PARTNERSHIPS",
     "Telemedicinske centre og forpligtende teknologipartnerskaber mellem kommuner"),
    ("HTHC-GOLDEN-MIDDLE", "Den gyldne middelvej mellem centralisering og decentralisering"),
    ("HTHC-GOVERNANCE-MODELS", "Digitalisering og data uanset forvaltningsmodel"),
    ("HTHC-SCOPE", "Høringssvarets afgrænsning"),
]


# -- what the user did wrong


def test_outside_a_git_repository(workspace: Path) -> None:
    out = hthc("diff", cwd=workspace)
    assert out.returncode == 2
    assert out.stderr == (f"hthc: {workspace} is not in a git repository: this command "
                          "compares revisions of the workspace. Run `git init` and commit it "
                          "first.\n")


def test_an_unknown_revision(repo: Path) -> None:
    out = hthc("diff", "nosuchbranch", "HEAD", cwd=repo)
    assert out.returncode == 2
    assert out.stderr == ("hthc: unknown revision 'nosuchbranch': give a commit, branch or "
                          "tag that `git log` shows (for example HEAD~1).\n")


def test_one_argument_that_is_neither(repo: Path) -> None:
    out = hthc("diff", "HTHC-HS-SSK-2042", cwd=repo)
    assert out.returncode == 2
    assert out.stderr == ("hthc: 'HTHC-HS-SSK-2042' is neither a revision git knows (a "
                          "commit, branch or tag, for example HEAD~1) nor a response of the "
                          "workspace (responses: HTHC-HS-DSD-2025, HTHC-HS-SSK-2024)\n")


def test_an_unknown_response(repo: Path) -> None:
    out = hthc("diff", "HEAD~1", "HEAD", "HTHC-HS-SSK-2042", cwd=repo)
    assert out.returncode == 2
    assert out.stderr.startswith("hthc: no response 'HTHC-HS-SSK-2042' at HEAD~1 (")
    assert out.stderr.endswith("(responses: HTHC-HS-DSD-2025, HTHC-HS-SSK-2024)\n")


def test_a_response_id_wins_over_a_branch_of_that_name(repo: Path) -> None:
    git(repo, "branch", RESPONSE, "HEAD~1")
    out = hthc("diff", RESPONSE, "--format", "md", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert "No change to the response's positions or texts." in out.stdout
    branch = hthc("diff", f"heads/{RESPONSE}", RESPONSE, "--format", "md", cwd=repo)
    assert "**Positions changed**" in branch.stdout


def test_a_side_with_check_errors_is_named(repo: Path) -> None:
    replace(repo / "positions" / "digitalisation.yaml", "    stance: support\n",
            "    stance: maybe\n")
    out = hthc("diff", cwd=repo)
    assert out.returncode == 1
    assert out.stderr.startswith("hthc: the working tree has 1 check error(s); a diff needs "
                                 "both sides to check clean:\npositions/digitalisation.yaml:")
    git(repo, "commit", "-qam", "broken")
    out = hthc("diff", "HEAD", "HEAD~1", cwd=repo)
    head = git(repo, "rev-parse", "HEAD")[:12]
    assert out.stderr.startswith(f"hthc: HEAD ({head}) has 1 check error(s)")


def test_standard_output_takes_no_docx(repo: Path) -> None:
    out = hthc("diff", "-o", "-", cwd=repo)
    assert out.returncode == 2
    assert "takes --format md or json" in out.stderr
