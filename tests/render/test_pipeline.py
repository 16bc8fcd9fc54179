"""`hthc render` as a user meets it: what it writes, what it refuses, and what it never loses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RESPONSE = "HTHC-HS-SSK-2024"
DRAFT_RESPONSE = "HTHC-HS-DSD-2025"
"""The shipped response of 2025, which says `status: draft`."""


def hthc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hthc_cli", *args], cwd=cwd, capture_output=True, text=True,
        check=False,
    )


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_markdown_of_the_shipped_response_reads_as_a_danish_hoeringssvar(workspace: Path) -> None:
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "wrote r.md\n"
    md = (workspace / "r.md").read_text(encoding="utf-8")
    assert "Til: Indenrigs- og Sundhedsministeriet" in md
    assert "Dato: 5. august 2024" in md
    assert "Høringsfrist: 6. august 2024" in md
    assert "# Høringssvar om Sundhedsstrukturkommissionens afrapportering" in md
    assert "## Sammenfatning" in md
    assert "## Generelle bemærkninger" in md
    assert "## Bemærkninger til de enkelte anbefalinger" in md
    assert "{#SSK-2024-DIGI}" in md and "{#HTHC-GOLDEN-MIDDLE}" in md
    assert "Gengivet med egne ord, ikke ordret citat" in md
    assert "[Holdning: Støtter med forbehold]{custom-style=\"Stance\"}" in md
    assert "Med venlig hilsen" in md
    assert "| Anbefaling | Holdning | Bemærkning |" in md
    # [[ID]] became an internal link to the heading
    assert "](#HTHC-DIGI-IN-STRUCTURE)" in md and "[[" not in md


def test_english_labels_and_dates(workspace: Path) -> None:
    out = hthc("render", RESPONSE, "--lang", "en", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    assert "Date: 5 August 2024" in md
    assert "Deadline: 6 August 2024" in md
    assert "## General remarks" in md
    assert "Stance: Supports with reservations" in md
    assert "Yours sincerely" in md


def test_a_text_missing_in_the_language_is_a_located_error(workspace: Path) -> None:
    path = workspace / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    replace_in(path, "  en: |\n    HTHC would welcome", "  xx: |\n    HTHC would welcome")
    replace_in(workspace / "hthc.yaml", "languages: [da, en]", "languages: [da, en, xx]")
    out = hthc("render", RESPONSE, "--lang", "en", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    line = line_of(path, "closing:") + 1
    assert (
        f"responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml:{line}:3: "
        "the closing has no 'en' text" in out.stderr
    )
    assert "Traceback" not in out.stderr
    assert not (workspace / "build").exists()


def test_check_errors_stop_the_render_and_are_shown_like_check(workspace: Path) -> None:
    path = workspace / "positions" / "governance.yaml"
    replace_in(path, "stance: neutral", "stance: neutrall")
    out = hthc("render", RESPONSE, "--format", "md", cwd=workspace)
    assert out.returncode == 1
    line = line_of(path, "stance: neutrall")
    assert f"positions/governance.yaml:{line}:13: error HTHC104" in out.stderr
    assert "did you mean 'neutral'?" in out.stderr
    assert "not rendered: fix the 1 error(s) above first" in out.stderr
    assert not (workspace / "build").exists()


def test_an_existing_output_survives_a_failed_render(workspace: Path) -> None:
    target = workspace / "build" / f"{RESPONSE}.da.md"
    target.parent.mkdir()
    target.write_text("the signed version\n", encoding="utf-8")
    (workspace / "templates").mkdir()
    (workspace / "templates" / "response.md.j2").write_text(
        "# {{ response.title }}\n{{ response.no_such_field }}\n", encoding="utf-8"
    )
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    assert "response.md.j2:2: 'dict object' has no attribute 'no_such_field'" in out.stderr
    assert target.read_text(encoding="utf-8") == "the signed version\n"
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_a_workspace_template_overrides_the_builtin_one(workspace: Path) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "response.md.j2").write_text(
        "# {{ labels.consultation_response }} – {{ organisation.short_name }}\n\n"
        "{% for p in general %}- {{ p.title }} ({{ p.stance_label }})\n{% endfor %}",
        encoding="utf-8",
    )
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert (workspace / "r.md").read_text(encoding="utf-8") == (
        "# Høringssvar – HTHC\n\n"
        "- Fælles national strategi og beslutningskompetence for digitalisering og data"
        " (Støtter)\n"
        "- Værdien skabes hos borgere og sundhedspersonale (Støtter med forbehold)\n"
    )


def test_a_response_may_name_its_template_and_syntax_errors_name_file_and_line(
    workspace: Path,
) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "short.md.j2").write_text(
        "# {{ response.title }}\n\n{% for p in general %}\n{{ p.title }\n{% endfor %}\n",
        encoding="utf-8",
    )
    path = workspace / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    replace_in(path, "date: 2024-08-05", "date: 2024-08-05\ntemplate: short.md.j2")
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    assert "short.md.j2:4: template syntax error" in out.stderr
    assert "Traceback" not in out.stderr


def test_yaml_text_is_data_never_evaluated(workspace: Path) -> None:
    path = workspace / "positions" / "governance.yaml"
    replace_in(
        path,
        "HTHC tager ikke stilling til, hvilken",
        "{{ ''.__class__.__mro__ }} {% raw %}x{% endraw %} <script>alert(1)</script> "
        "HTHC tager ikke stilling til, hvilken",
    )
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    assert "{{ ''.__class__.__mro__ }} {% raw %}x{% endraw %} <script>alert(1)</script>" in md


def test_the_sandbox_refuses_unsafe_template_code(workspace: Path) -> None:
    (workspace / "templates").mkdir()
    (workspace / "templates" / "response.md.j2").write_text(
        "# x\n\n{{ response.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    assert "response.md.j2:3" in out.stderr
    assert "Traceback" not in out.stderr


def test_default_outputs_every_response_in_every_language(workspace: Path) -> None:
    out = hthc("render", "--format", "md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        f"wrote build/{DRAFT_RESPONSE}.da.md",
        f"wrote build/{DRAFT_RESPONSE}.en.md",
        f"wrote build/{RESPONSE}.da.md",
        f"wrote build/{RESPONSE}.en.md",
    ]
    assert out.stderr == f"hthc: {DRAFT_RESPONSE} is marked as a draft: it says 'status: draft'\n"


def test_usage_errors_exit_2(workspace: Path) -> None:
    out = hthc("render", "HTHC-HS-SSK-2025", cwd=workspace)
    assert out.returncode == 2
    assert "no response 'HTHC-HS-SSK-2025'; did you mean 'HTHC-HS-SSK-2024'?" in out.stderr
    out = hthc("render", "--lang", "de", cwd=workspace)
    assert out.returncode == 2
    assert "'de' is not a language of this workspace (da, en)" in out.stderr
    out = hthc("render", "--format", "md", "-o", "x.md", cwd=workspace)
    assert out.returncode == 2
    assert "-o names one file but 4 documents would be written" in out.stderr


def test_an_unwritable_target_is_a_clear_error(workspace: Path) -> None:
    blocker = workspace / "blocker"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "blocker/r.md",
               cwd=workspace)
    assert out.returncode == 1
    assert "cannot write blocker/r.md" in out.stderr
    assert "Traceback" not in out.stderr
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"


def test_pdf_without_libreoffice_says_how_to_get_it(workspace: Path) -> None:
    env_path = str(Path(sys.executable).parent)
    out = subprocess.run(
        [sys.executable, "-m", "hthc_cli", "render", RESPONSE, "--lang", "da", "--format", "pdf"],
        cwd=workspace, capture_output=True, text=True, check=False,
        env={"PATH": env_path, "HOME": str(workspace)},
    )
    assert out.returncode == 1
    assert "PDF output needs LibreOffice, which is not installed" in out.stderr
    assert "apt-get install libreoffice-writer-nogui" in out.stderr
    assert not (workspace / "build" / f"{RESPONSE}.da.pdf").exists()


def _letterhead_doc(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = text
    document.add_paragraph("this body is not used")
    document.save(str(path))
    return path


def _headers(docx_path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(docx_path) as package:
        return "".join(
            package.read(n).decode("utf-8") for n in package.namelist()
            if n.startswith("word/header")
        )


def test_reference_doc_from_the_command_line_or_hthc_yaml(workspace: Path) -> None:
    _letterhead_doc(workspace / "cli.docx", "Brevpapir fra kommandolinjen")
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "a.docx",
               "--reference-doc", "cli.docx", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert "Brevpapir fra kommandolinjen" in _headers(workspace / "a.docx")

    _letterhead_doc(workspace / "brevpapir.docx", "HTHC brevpapir")
    replace_in(workspace / "hthc.yaml", "languages: [da, en]",
               "languages: [da, en]\nreference_doc: brevpapir.docx")
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "b.docx", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert "HTHC brevpapir" in _headers(workspace / "b.docx")
    import zipfile

    with zipfile.ZipFile(workspace / "b.docx") as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "this body is not used" not in body
    assert "Høringssvar om Sundhedsstrukturkommissionens afrapportering" in body


def test_a_missing_reference_doc_is_a_usage_error(workspace: Path) -> None:
    out = hthc("render", RESPONSE, "--lang", "da", "--reference-doc", "nope.docx", cwd=workspace)
    assert out.returncode == 2
    assert "--reference-doc nope.docx: no such file" in out.stderr


def test_an_error_in_any_positions_file_stops_the_render(workspace: Path) -> None:
    path = workspace / "positions" / "digitalisation.yaml"
    replace_in(path, "    stance: support-with-reservations", "\tstance: support-with-reservations")
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    assert "positions/digitalisation.yaml:" in out.stderr and "HTHC002" in out.stderr
    assert not (workspace / "build").exists()


def test_errors_are_shown_before_a_response_they_hide_is_looked_for(workspace: Path) -> None:
    path = workspace / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    replace_in(path, "id: HTHC-HS-SSK-2024", "id: SSK-2024")
    out = hthc("render", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    assert "HTHC201 the id 'SSK-2024' is already used by a source" in out.stderr


def test_the_same_footnote_label_in_two_texts_makes_two_notes(workspace: Path) -> None:
    path = workspace / "positions" / "digitalisation.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "        Konsekvensen kan blive,",
        "        Se note[^1].\n\n        [^1]: Første note.\n\n        Konsekvensen kan blive,", 1,
    ).replace(
        "        Forslagene skal imødegå",
        "        Se note[^1].\n\n        [^1]: Anden note.\n\n        Forslagene skal imødegå", 1,
    )
    path.write_text(text, encoding="utf-8")
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "r.docx", cwd=workspace)
    assert out.returncode == 0, out.stderr
    import zipfile

    with zipfile.ZipFile(workspace / "r.docx") as package:
        notes = package.read("word/footnotes.xml").decode("utf-8")
    assert "Første note." in notes and "Anden note." in notes


def test_the_format_follows_the_output_file_name(workspace: Path) -> None:
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "svar.html", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert (workspace / "svar.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "svar.pdf", "--format", "docx",
               cwd=workspace)
    assert out.returncode == 2
    assert "-o svar.pdf ends in .pdf but --format is docx" in out.stderr
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "svar.txt", cwd=workspace)
    assert out.returncode == 2
    assert "cannot tell the format from -o svar.txt" in out.stderr


def test_a_position_in_general_is_not_repeated_under_specific(workspace: Path) -> None:
    path = workspace / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    replace_in(path, "general:\n", "specific: [HTHC-NATIONAL-STRATEGY, HTHC-GOLDEN-MIDDLE]\n"
               "general:\n")
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    assert md.count("{#HTHC-NATIONAL-STRATEGY}") == 1
    assert md.count("**Fælles national strategi og beslutningskompetence") == 1


def test_the_annex_links_only_to_recommendations_the_document_shows(workspace: Path) -> None:
    path = workspace / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    replace_in(path, "general:\n", "specific: []\ngeneral:\n")
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    assert "(#SSK-2024-DIGI)" not in md
    assert "| Tværgående anbefaling: Organisering af digitalisering og data |" in md


def test_a_cited_reference_missing_in_the_language_is_a_located_error(workspace: Path) -> None:
    path = workspace / "references.yaml"
    replace_in(path, "      en: Health Tech Hub Copenhagen and Tænketanken Mandag Morgen\n", "")
    out = hthc("render", RESPONSE, "--lang", "en", cwd=workspace)
    assert out.returncode == 1
    line = line_of(path, "      da: Health Tech Hub Copenhagen og")
    assert f"references.yaml:{line}:7: reference 'bedre-digital-sundhed-2023' has no 'en' text" \
        in out.stderr


def test_titles_ending_in_a_question_mark_and_proposals_of_several_paragraphs(
    workspace: Path,
) -> None:
    path = workspace / "positions" / "governance.yaml"
    replace_in(path, "da: Den gyldne middelvej mellem centralisering og decentralisering",
               "da: Centralisering eller decentralisering?")
    replace_in(
        path,
        "      - da: >-\n          HTHC anbefaler, at en eventuel samlet organisation",
        "      - da: |\n          Første afsnit af forslaget.\n\n          Andet afsnit.\n"
        "        en: |\n          First.\n\n          Second.\n"
        "      - da: >-\n          HTHC anbefaler, at en eventuel samlet organisation",
    )
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    assert "- **Centralisering eller decentralisering?** " in md
    assert "1. Første afsnit af forslaget.\n\n   Andet afsnit.\n2. HTHC anbefaler" in md


# --- standard output


def test_dash_writes_markdown_or_html_to_standard_output_and_nothing_else(
    workspace: Path,
) -> None:
    to_file = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md",
                   cwd=workspace)
    assert to_file.returncode == 0, to_file.stderr
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "-", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (workspace / "r.md").read_text(encoding="utf-8")
    assert out.stderr == ""
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "html", "-o", "-", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("<!DOCTYPE html>")
    assert "Høringssvar om Sundhedsstrukturkommissionens afrapportering" in out.stdout
    assert not (workspace / "-").exists()
    assert not (workspace / "build").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "docx"),
         "-o - (standard output) takes md or html, and a .docx is a binary file: "
         "name a file with -o FILE.docx, or add --format md or --format html"),
        (("--format", "pdf"),
         "-o - (standard output) takes md or html, and a .pdf is a binary file: "
         "name a file with -o FILE.pdf, or add --format md or --format html"),
        ((),
         "-o - (standard output) takes md or html: add --format md or --format html, "
         "or name a file with -o FILE.docx"),
    ],
)
def test_dash_refuses_binary_documents(
    workspace: Path, args: tuple[str, ...], message: str
) -> None:
    out = hthc("render", RESPONSE, "--lang", "da", *args, "-o", "-", cwd=workspace)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", f"hthc: {message}\n")
    assert not (workspace / "-").exists()


def test_dash_takes_one_document(workspace: Path) -> None:
    out = hthc("render", "--format", "md", "-o", "-", cwd=workspace)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == (
        "hthc: -o - (standard output) takes one document but 4 would be written; "
        "name a response and a language\n"
    )


# --- every document or none


def test_a_missing_translation_writes_no_document_at_all(workspace: Path) -> None:
    path = workspace / "positions" / "governance.yaml"
    replace_in(path, "      en: The golden mean between centralisation and decentralisation\n", "")
    build = workspace / "build"
    build.mkdir()
    (build / f"{RESPONSE}.da.md").write_text("the signed version\n", encoding="utf-8")
    check = hthc("check", cwd=workspace)
    assert check.returncode == 0, check.stdout
    assert "warning HTHC301 this text has no 'en' version" in check.stdout
    out = hthc("render", "--format", "md", cwd=workspace)
    assert out.returncode == 1
    assert out.stdout == ""
    line = line_of(path, "da: Den gyldne middelvej")
    assert f"positions/governance.yaml:{line}:7: the title of HTHC-GOLDEN-MIDDLE has no " \
        "'en' text" in out.stderr
    assert "Traceback" not in out.stderr
    assert [p.name for p in build.iterdir()] == [f"{RESPONSE}.da.md"]
    assert (build / f"{RESPONSE}.da.md").read_text(encoding="utf-8") == "the signed version\n"


def test_write_all_writes_every_file_or_leaves_all_as_they_were(tmp_path: Path) -> None:
    from hthc_cli.base.errors import RenderError
    from hthc_cli.render.pipeline import write_all

    (tmp_path / "a.md").write_text("old a\n", encoding="utf-8")
    (tmp_path / "blocker").write_text("a file, not a folder\n", encoding="utf-8")
    with pytest.raises(RenderError, match=r"cannot write .*blocker/b\.md: "):
        write_all([(tmp_path / "a.md", b"new a\n"), (tmp_path / "new" / "c.md", b"c\n"),
                   (tmp_path / "blocker" / "b.md", b"b\n")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "blocker"]
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "old a\n"

    write_all([(tmp_path / "a.md", b"new a\n"), (tmp_path / "new" / "c.md", b"c\n")])
    assert (tmp_path / "a.md").read_bytes() == b"new a\n"
    assert (tmp_path / "new" / "c.md").read_bytes() == b"c\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "blocker", "new"]


# --- a response's language and --lang


RESPONSE_FILE = "responses/hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"


def _danish_only(workspace: Path) -> int:
    path = workspace / RESPONSE_FILE
    replace_in(path, "date: 2024-08-05\n", "date: 2024-08-05\nlanguage: da\n")
    return line_of(path, "language: da")


def _second_response(workspace: Path, response_id: str) -> None:
    text = (workspace / RESPONSE_FILE).read_text(encoding="utf-8")
    text = text.replace(f"id: {RESPONSE}", f"id: {response_id}").replace("language: da\n", "")
    (workspace / "responses" / "second.yaml").write_text(text, encoding="utf-8")


def test_naming_a_danish_only_response_with_another_lang_is_a_usage_error(
    workspace: Path,
) -> None:
    line = _danish_only(workspace)
    out = hthc("render", RESPONSE, "--lang", "en", "--format", "md", cwd=workspace)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == (
        f"hthc: response '{RESPONSE}' is rendered in 'da' only ({RESPONSE_FILE}:{line}:11: "
        "language: da); use --lang da or --lang all, or remove its language\n"
    )
    assert not (workspace / "build").exists()


def test_rendering_every_response_in_a_language_skips_those_written_in_another(
    workspace: Path,
) -> None:
    _danish_only(workspace)
    _second_response(workspace, "HTHC-HS-SECOND")
    out = hthc("render", "--lang", "en", "--format", "md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        f"wrote build/{DRAFT_RESPONSE}.en.md", "wrote build/HTHC-HS-SECOND.en.md",
    ]
    assert out.stderr.splitlines()[0] == f"hthc: not rendered in 'en': {RESPONSE} (language: da)"
    out = hthc("render", "--format", "md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        f"wrote build/{DRAFT_RESPONSE}.da.md",
        f"wrote build/{DRAFT_RESPONSE}.en.md",
        f"wrote build/{RESPONSE}.da.md",
        "wrote build/HTHC-HS-SECOND.da.md",
        "wrote build/HTHC-HS-SECOND.en.md",
    ]


def test_nothing_to_render_in_the_language_is_a_usage_error(workspace: Path) -> None:
    (workspace / "responses" / "hoeringssvar-digital-sundhed-danmark-2025.yaml").unlink()
    _danish_only(workspace)
    out = hthc("render", "--lang", "en", "--format", "md", cwd=workspace)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == (
        f"hthc: no response is rendered in 'en': {RESPONSE} (language: da); "
        "use --lang all or another language\n"
    )


# --- positions that are not approved yet


def _set_status(workspace: Path, file: str, position_id: str, status: str) -> None:
    path = workspace / "positions" / file
    text = path.read_text(encoding="utf-8")
    start = text.index(f"id: {position_id}\n")
    at = text.index("status: approved", start)
    path.write_text(text[:at] + f"status: {status}" + text[at + len("status: approved"):],
                    encoding="utf-8")


def _leave_out_scope(workspace: Path) -> None:
    """List the response's specific positions, all but HTHC-SCOPE."""
    replace_in(workspace / RESPONSE_FILE, "general:\n",
               "specific: [HTHC-DIGI-IN-STRUCTURE, HTHC-TELEMEDICINE-PARTNERSHIPS, "
               "HTHC-GOLDEN-MIDDLE, HTHC-GOVERNANCE-MODELS]\ngeneral:\n")


def test_render_says_in_one_line_which_shown_positions_are_not_approved(
    workspace: Path,
) -> None:
    _set_status(workspace, "governance.yaml", "HTHC-GOLDEN-MIDDLE", "draft")
    _set_status(workspace, "general.yaml", "HTHC-NATIONAL-STRATEGY", "review")
    _leave_out_scope(workspace)
    _set_status(workspace, "general.yaml", "HTHC-SCOPE", "draft")  # not shown
    out = hthc("render", "--format", "md", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        f"wrote build/{DRAFT_RESPONSE}.da.md", f"wrote build/{DRAFT_RESPONSE}.en.md",
        f"wrote build/{RESPONSE}.da.md", f"wrote build/{RESPONSE}.en.md",
    ]
    assert out.stderr.splitlines() == [
        f"hthc: {DRAFT_RESPONSE} is marked as a draft: it says 'status: draft'; 2 of the "
        "positions it shows are not approved (HTHC-NATIONAL-STRATEGY: review, "
        "HTHC-GOLDEN-MIDDLE: draft)",
        f"hthc: {RESPONSE} is marked as a draft: 2 of the positions it shows are not "
        "approved (HTHC-NATIONAL-STRATEGY: review, HTHC-GOLDEN-MIDDLE: draft)",
    ]


def test_a_response_whose_positions_are_all_approved_says_nothing_more(
    workspace: Path,
) -> None:
    _leave_out_scope(workspace)
    _set_status(workspace, "general.yaml", "HTHC-SCOPE", "draft")  # not shown
    out = hthc("render", RESPONSE, "--lang", "da", "--format", "md", "-o", "r.md",
               cwd=workspace)
    assert (out.returncode, out.stdout, out.stderr) == (0, "wrote r.md\n", "")


def test_the_document_is_marked_draft_in_its_language_unless_all_is_approved(
    workspace: Path,
) -> None:
    from hthc_cli.render.pipeline import document_options, unapproved_positions
    from hthc_cli.workspace.loader import load_workspace

    _leave_out_scope(workspace)
    _set_status(workspace, "general.yaml", "HTHC-SCOPE", "draft")  # not shown
    ws = load_workspace(workspace).workspace
    response = ws.responses[RESPONSE]
    assert unapproved_positions(ws, response) == []
    assert document_options(ws, response, "da", None, "").draft_mark is None

    _set_status(workspace, "governance.yaml", "HTHC-GOLDEN-MIDDLE", "review")
    ws = load_workspace(workspace).workspace
    response = ws.responses[RESPONSE]
    assert [p.id for p in unapproved_positions(ws, response)] == ["HTHC-GOLDEN-MIDDLE"]
    assert document_options(ws, response, "da", None, "").draft_mark == "UDKAST"
    assert document_options(ws, response, "en", None, "").draft_mark == "DRAFT"


def test_a_response_that_says_status_draft_is_marked_draft_though_all_is_approved(
    workspace: Path,
) -> None:
    from hthc_cli.render.pipeline import document_options, draft_note, unapproved_positions
    from hthc_cli.workspace.loader import load_workspace

    ws = load_workspace(workspace).workspace
    response = ws.responses[DRAFT_RESPONSE]
    assert unapproved_positions(ws, response) == []
    assert document_options(ws, response, "da", None, "").draft_mark == "UDKAST"
    assert document_options(ws, response, "en", None, "").draft_mark == "DRAFT"
    assert draft_note(ws, response) == (
        f"{DRAFT_RESPONSE} is marked as a draft: it says 'status: draft'"
    )

    path = workspace / "responses" / "hoeringssvar-digital-sundhed-danmark-2025.yaml"
    replace_in(path, "status: draft\n", "status: final\n")
    ws = load_workspace(workspace).workspace
    response = ws.responses[DRAFT_RESPONSE]
    assert document_options(ws, response, "da", None, "").draft_mark is None
    assert draft_note(ws, response) is None
    out = hthc("check", "--release", "--color", "never", cwd=workspace)
    assert (out.returncode, "HTHC319" in out.stdout) == (0, False)


def test_check_release_refuses_a_draft_response_at_its_status(workspace: Path) -> None:
    path = "responses/hoeringssvar-digital-sundhed-danmark-2025.yaml"
    line = line_of(workspace / path, "status: draft")
    out = hthc("check", "--color", "never", cwd=workspace)
    assert out.returncode == 0
    assert (
        f"{path}:{line}:9: info HTHC319 response '{DRAFT_RESPONSE}' is a draft: it is rendered "
        "marked UDKAST/DRAFT [draft-response]"
    ) in out.stdout.splitlines()
    out = hthc("check", "--release", "--color", "never", cwd=workspace)
    assert out.returncode == 1
    assert (
        f"{path}:{line}:9: error HTHC319 response '{DRAFT_RESPONSE}' is a draft: it is "
        "rendered marked UDKAST/DRAFT [draft-response]"
    ) in out.stdout.splitlines()
