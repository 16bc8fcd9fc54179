"""The brief: the shipped response's key points, as a public article lists them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

RESPONSE = "HTHC-HS-SSK-2024"
RESPONSE_FILE = "responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

IN_ORDER = {
    "da": [
        "HTHC's hovedpunkter: Høringssvar om Sundhedsstrukturkommissionens afrapportering",
        "HTHC ser overordnet meget positivt på Sundhedsstrukturkommissionens anbefalinger",
        "Hovedpunkter",
        "Fælles national strategi og beslutningskompetence for digitalisering og data.",
        "Værdien skabes hos borgere og sundhedspersonale.",
        "Den gyldne middelvej mellem centralisering og decentralisering.",
        "Høringssvarets afgrænsning.",
        "Dit input",
        "HTHC er i gang med sit høringssvar, og fristen er 6. august 2024. Har du input, som "
        "bør med i svaret, så skriv til Jannik Zeuthen.",
        "Høringssvaret med alle HTHC's bemærkninger sendes til høringen: Sundhedsstruktur",
    ],
    "en": [
        "HTHC's key points: Consultation response on the report of the Health Structure "
        "Commission",
        "HTHC is overall enthusiastic about the Health Structure Commission's",
        "Key points",
        "A joint national strategy and decision-making authority for digitalisation and data.",
        "Value is created among citizens and health personnel.",
        "The golden mean between centralisation and decentralisation.",
        "Scope of this response.",
        "Your input",
        "HTHC is writing its consultation response, due 6 August 2024. If you have input "
        "that belongs in it, please write to Jannik Zeuthen.",
        "The response, with all of HTHC's remarks, goes to the consultation: Health Structure",
    ],
}
FURNITURE = {
    "da": ["Til:", "Med venlig hilsen", "Bilag", "Afslutning", "Høringsfrist:", "Holdning:"],
    "en": ["To:", "Yours sincerely", "Annex", "Closing remarks", "Deadline:", "Stance:"],
}


def hthc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "hthc_cli", *args], cwd=cwd, capture_output=True, text=True,
        check=False,
    )
    assert "Traceback" not in run.stderr
    return run


def paragraphs(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [
        "".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in root.iter(f"{{{W}}}p")
    ]


def assert_in_order(text: list[str], expected: list[str]) -> None:
    position = 0
    for wanted in expected:
        found = [i for i, line in enumerate(text) if wanted in line and i >= position]
        assert found, f"{wanted!r} not found after paragraph {position}: {text[position:]}"
        position = found[0] + 1


def assert_no_furniture(text: list[str], language: str) -> None:
    for line in text:
        for word in FURNITURE[language]:
            assert word not in line, f"{word!r} in the brief: {line!r}"


def cut_links(lines: list[str]) -> list[str]:
    """The Markdown's lines with `[text](url)` read as text, and `**` left out."""
    return [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("**", "") for line in lines]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_shipped_brief_lists_the_key_points_and_invites_input(
    workspace: Path, language: str
) -> None:
    run = hthc("render", RESPONSE, "--template", "brief", "--lang", language, cwd=workspace)
    assert run.returncode == 0, run.stderr
    written = workspace / "build" / f"{RESPONSE}.brief.{language}.docx"
    assert run.stdout == f"wrote {written.relative_to(workspace)}\n"
    text = paragraphs(written)
    assert_in_order(text, IN_ORDER[language])
    assert_no_furniture(text, language)


def test_the_brief_and_the_response_are_written_side_by_side(workspace: Path) -> None:
    assert hthc("render", RESPONSE, "--lang", "da", cwd=workspace).returncode == 0
    run = hthc("render", RESPONSE, "--lang", "da", "--template", "brief.md.j2", cwd=workspace)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in (workspace / "build").iterdir()) == [
        f"{RESPONSE}.brief.da.docx", f"{RESPONSE}.da.docx"
    ]
    response = paragraphs(workspace / "build" / f"{RESPONSE}.da.docx")
    assert any(line.startswith("Med venlig hilsen") for line in response)
    assert_no_furniture(paragraphs(workspace / "build" / f"{RESPONSE}.brief.da.docx"), "da")


def test_a_response_only_for_a_brief_needs_no_closing_or_signatory(workspace: Path) -> None:
    path = workspace / RESPONSE_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("closing:"))
    end = next(i for i, line in enumerate(lines) if line.startswith("contact:"))
    kept = "".join(lines[:start] + lines[end:])
    path.write_text(kept, encoding="utf-8")

    run = hthc("check", "--color", "never", cwd=workspace)
    assert run.returncode == 1
    assert (
        f"{RESPONSE_FILE}:6:1: error HTHC312 response '{RESPONSE}' has no 'closing', which "
        "its template response.md.j2 needs [missing-for-template]"
    ) in run.stdout.splitlines()

    path.write_text(kept + "template: brief\n", encoding="utf-8")
    run = hthc("check", "--color", "never", cwd=workspace)
    assert "HTHC312" not in run.stdout
    assert run.returncode == 0, run.stdout
    run = hthc("render", RESPONSE, "--lang", "en", "--format", "md", "-o", "-", cwd=workspace)
    assert run.returncode == 0, run.stderr
    text = cut_links(run.stdout.splitlines())
    assert_in_order(text, IN_ORDER["en"])
    assert_no_furniture(text, "en")

    # the response template named on the command line still needs them
    run = hthc("render", "--template", "response", "--lang", "en", cwd=workspace)
    assert run.returncode == 2
    assert (
        f"response '{RESPONSE}' ({RESPONSE_FILE}:6:1) has no 'closing' and 'signatory', "
        "which the template response.md.j2 needs"
    ) in run.stderr
    assert not (workspace / "build").exists()


def test_an_unknown_template_name_says_where_it_looked(workspace: Path) -> None:
    run = hthc("render", RESPONSE, "--template", "breif", "--lang", "da", cwd=workspace)
    assert run.returncode != 0
    assert "template 'breif.md.j2' not found" in run.stderr
    assert not (workspace / "build").exists()


def test_a_workspace_template_extending_the_brief_needs_what_it_needs(
    workspace: Path,
) -> None:
    templates = workspace / "templates"
    templates.mkdir()
    (templates / "members.md.j2").write_text(
        '{#- needs: signatory -#}\n{% extends "hthc/brief.md.j2" %}\n'
        "{% block full %}\n{{ response.signatory.name }}\n{% endblock %}\n",
        encoding="utf-8",
    )
    (templates / "plain.md.j2").write_text(
        '{% extends "brief.md.j2" %}\n', encoding="utf-8"
    )
    path = workspace / RESPONSE_FILE
    text = path.read_text(encoding="utf-8")
    start, end = text.index("closing:"), text.index("contact:")
    path.write_text(text[:start] + text[end:] + "template: members\n", encoding="utf-8")
    run = hthc("check", "--color", "never", cwd=workspace)
    template_line = len(text[:start].splitlines()) + len(text[end:].splitlines()) + 1
    assert [line for line in run.stdout.splitlines() if "HTHC312" in line] == [
        f"{RESPONSE_FILE}:{template_line}:11: error HTHC312 response '{RESPONSE}' has no "
        "'signatory', which its template members.md.j2 needs [missing-for-template]"
    ]
    path.write_text(text[:start] + text[end:] + "template: plain\n", encoding="utf-8")
    run = hthc("check", "--color", "never", cwd=workspace)
    assert run.returncode == 0, run.stdout


def test_the_brief_as_a_pdf_reads_as_an_article(workspace: Path, tmp_path: Path) -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: apt-get install poppler-utils)")
    run = hthc("render", RESPONSE, "--template", "brief", "--lang", "en", "--format", "pdf",
               cwd=workspace)
    assert run.returncode == 0, run.stderr
    pdf = workspace / "build" / f"{RESPONSE}.brief.en.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert_in_order(lines, [
        "HTHC's key points: Consultation response on the report of the",
        "HTHC is overall enthusiastic about the Health Structure Commission's", "Key points",
        "A joint national strategy and decision-making authority for digitalisation and data.",
        "Scope of this response.", "Your input",
        "HTHC is writing its consultation response, due 6 August 2024.",
        "please write to Jannik Zeuthen.",
        "The response, with all of HTHC's remarks, goes to the consultation:",
    ])
    assert_no_furniture(lines, "en")


def test_without_a_brief_introduction_the_brief_opens_with_the_introduction(
    workspace: Path,
) -> None:
    path = workspace / RESPONSE_FILE
    text = path.read_text(encoding="utf-8")
    start = text.index("brief_introduction:")
    path.write_text(text[:start] + text[text.index("general:", start):], encoding="utf-8")
    run = hthc("render", RESPONSE, "--template", "brief", "--lang", "en", "--format", "md",
               "-o", "-", cwd=workspace)
    assert run.returncode == 0, run.stderr
    opening = run.stdout.split("## Key points")[0]
    assert "Health Tech Hub Copenhagen (HTHC) thanks the Ministry" in opening
    assert "overall enthusiastic" not in opening
