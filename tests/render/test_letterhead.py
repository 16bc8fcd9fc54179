"""A team's own letterhead: made in LibreOffice or Word from `hthc reference-doc`, used to render.

The reference documents here are made the way a team makes them: by LibreOffice from a
document with a header and no styles of ours, and by python-docx (as Word would save one),
not only by hthc.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

RESPONSE = "HTHC-HS-SSK-2024"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LO_HEADER = "Danske Patienter, Fiolstræde 1, 1171 København K"

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
    fo:margin-left="2cm" fo:margin-right="2cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>HEADER</text:p></style:header>
  </style:master-page>
 </office:master-styles>
 <office:body><office:text><text:p>The letterhead's own body.</text:p></office:text></office:body>
</office:document>
"""


def hthc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hthc_cli", *args], cwd=cwd, capture_output=True, text=True,
        check=False,
    )


def office() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def convert(source: Path, to: str) -> Path:
    profile = (source.parent / "profile").as_uri()
    subprocess.run(
        [office(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
         "--outdir", str(source.parent), str(source)],
        check=True, capture_output=True, timeout=240,
    )
    return source.with_suffix(f".{to}")


@pytest.fixture(scope="module")
def libreoffice_letterhead(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A letterhead saved by LibreOffice: a header with the address, no footer, no styles."""
    folder = tmp_path_factory.mktemp("libreoffice")
    source = folder / "letterhead.fodt"
    source.write_text(FODT.replace("HEADER", LO_HEADER), encoding="utf-8")
    return convert(source, "docx")


def python_docx_letterhead(
    path: Path, header: str | None = "Patientforeningen", footer: str | None = None,
    first_page_only: bool = False, page_field: bool = False,
) -> Path:
    import docx

    document = docx.Document()
    section = document.sections[0]
    if first_page_only:
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = header or ""
    elif header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    if page_field:
        paragraph = section.footer.add_paragraph()
        paragraph._p.append(docx.oxml.parse_xml(
            f'<w:fldSimple xmlns:w="{W}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        ))
    document.add_paragraph("The letterhead's own body.")
    document.save(str(path))
    return path


class Rendered:
    """The parts of a rendered .docx a user would look at."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            assert len(names) == len(set(names)), f"a part is written twice in {path}"
            self.parts = {name: package.read(name).decode("utf-8") for name in package.namelist()
                          if name.endswith(".xml")}
        self.document = self.parts["word/document.xml"]
        self.styles = self.parts["word/styles.xml"]

    def headers(self) -> str:
        return self._text("word/header")

    def footers(self) -> str:
        return self._text("word/footer")

    def instructions(self, prefix: str) -> list[str]:
        xml = "".join(v for k, v in sorted(self.parts.items()) if k.startswith(prefix))
        return [i.strip() for i in re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)]

    def _text(self, prefix: str) -> str:
        xml = "".join(v for k, v in sorted(self.parts.items()) if k.startswith(prefix))
        return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)<", xml))

    def style_id(self, name: str) -> str | None:
        for style in re.findall(r"<w:style .*?</w:style>", self.styles, flags=re.S):
            if re.search(rf'<w:name w:val="{re.escape(name)}"/>', style):
                return re.search(r'w:styleId="([^"]+)"', style).group(1)  # type: ignore[union-attr]
        return None

    def defines(self, style_id: str) -> bool:
        return f'w:styleId="{style_id}"' in self.styles

    def used(self, tag: str) -> set[str]:
        return set(re.findall(rf'<w:{tag} w:val="([^"]+)"', self.document))


def render(workspace: Path, *args: str, name: str = "out.docx") -> Rendered:
    out = hthc("render", RESPONSE, "--lang", "da", "-o", name, *args, cwd=workspace)
    assert out.returncode == 0, out.stderr
    return Rendered(workspace / name)


def audit_errors(path: Path) -> list[str]:
    openxml_audit = pytest.importorskip(
        "openxml_audit", reason="openxml-audit is not installed (pip install openxml-audit)"
    )
    result = openxml_audit.OpenXmlValidator().validate(path)
    return [str(error) for error in result.errors if error.severity.value == "error"]


# -- hthc reference-doc


def test_reference_doc_writes_the_built_in_one_and_never_overwrites(tmp_path: Path) -> None:
    out = hthc("reference-doc", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout == (
        "wrote reference.docx: give it your header, footer and styles, then add "
        "'reference_doc: reference.docx' to hthc.yaml\n"
    )
    written = tmp_path / "reference.docx"
    doc = Rendered(written)
    for name in ("Letterhead", "Address Block", "Meta", "Quote", "Source Note", "Stance Line",
                 "Stance", "Signature", "Summary", "Table Grid", "List Paragraph", "heading 1",
                 "footer", "footnote text"):
        style_id = doc.style_id(name)
        assert style_id is not None, name
    # a paragraph in each style shows the team what it changes
    assert {doc.style_id(n) for n in ("Letterhead", "Quote", "Source Note", "Signature")} <= (
        doc.used("pStyle"))
    assert doc.style_id("Table Grid") in doc.used("tblStyle")
    # no footer: the page label is added when rendering, in the response's language
    assert "footerReference" not in doc.document and "headerReference" not in doc.document
    assert audit_errors(written) == []

    before = written.read_bytes()
    again = hthc("reference-doc", "-o", "reference.docx", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (2, "")
    assert again.stderr == (
        "hthc: reference.docx already exists; hthc does not overwrite it: name another file "
        "with -o, or move it away first\n"
    )
    assert written.read_bytes() == before


def test_the_written_reference_doc_renders_as_the_built_in_one(workspace: Path) -> None:
    assert hthc("reference-doc", "-o", "brand.docx", cwd=workspace).returncode == 0
    doc = render(workspace, "--reference-doc", "brand.docx")
    builtin = render(workspace, name="builtin.docx")
    assert doc._text("word/document") == builtin._text("word/document")
    assert doc.used("pStyle") == builtin.used("pStyle")
    assert "Health Tech Hub Copenhagen" in doc.document
    assert doc.instructions("word/footer") == ["PAGE", "NUMPAGES"]
    assert doc.footers() == builtin.footers() == "Side 1 af 1"


# -- a letterhead made by LibreOffice


def test_a_libreoffice_letterhead_replaces_the_organisation_block(
    workspace: Path, libreoffice_letterhead: Path
) -> None:
    shutil.copyfile(libreoffice_letterhead, workspace / "brevpapir.docx")
    doc = render(workspace, "--reference-doc", "brevpapir.docx")

    assert doc.headers() == LO_HEADER
    assert "The letterhead's own body" not in doc.document
    letterhead = doc.style_id("Letterhead")
    assert letterhead is None or letterhead not in doc.used("pStyle")
    assert "Health Tech Hub Copenhagen" in doc.document  # the signature still names it
    assert 'w:val="AddressBlock"' in doc.document  # the rest of the document is there
    # the page number is kept: LibreOffice's document had no footer
    assert doc.instructions("word/footer") == ["PAGE", "NUMPAGES"]
    assert doc.footers() == "Side 1 af 1"
    # the styles the template uses, which LibreOffice's document lacks, come from the built-in
    for table_style in doc.used("tblStyle"):
        assert doc.defines(table_style)
    assert doc.used("tblStyle") == {doc.style_id("Table Grid")}
    for name in ("Quote", "Stance Line", "Stance", "Source Note", "Meta", "Address Block",
                 "Signature", "List Paragraph", "heading 2"):
        style_id = doc.style_id(name)
        assert style_id is not None and doc.defines(style_id), name
    quote = re.search(rf'<w:style [^>]*w:styleId="{doc.style_id("Quote")}".*?</w:style>',
                      doc.styles, flags=re.S)
    assert quote is not None and '<w:left w:val="single" w:sz="12"' in quote.group(0)
    grid = re.search(rf'<w:style [^>]*w:styleId="{doc.style_id("Table Grid")}".*?</w:style>',
                     doc.styles, flags=re.S)
    assert grid is not None and "<w:insideH " in grid.group(0)
    assert audit_errors(workspace / "out.docx") == []


def test_a_libreoffice_letterhead_in_the_pdf(workspace: Path, libreoffice_letterhead: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    shutil.copyfile(libreoffice_letterhead, workspace / "brevpapir.docx")
    with (workspace / "hthc.yaml").open("a", encoding="utf-8") as config:
        config.write("reference_doc: brevpapir.docx\n")
    out = hthc("render", RESPONSE, "--lang", "da", "-o", "out.pdf", cwd=workspace)
    assert out.returncode == 0, out.stderr
    text = subprocess.run(["pdftotext", "-layout", str(workspace / "out.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    assert LO_HEADER in pages[0]
    assert re.search(r"Side 1 af (\d+)", pages[0])
    count = int(re.search(r"Side 1 af (\d+)", pages[0]).group(1))  # type: ignore[union-attr]
    assert count > 1 and f"Side {count} af {count}" in text
    # the organisation is named in the header, not printed again above the address
    assert pages[0].index(LO_HEADER) < pages[0].index("Til: Indenrigs")
    assert "healthtechhub.org" not in pages[0].split("Til: Indenrigs")[0]


# -- letterheads made by python-docx, as Word saves them


def test_a_header_and_a_footer_without_page_number_get_the_page_label(workspace: Path) -> None:
    python_docx_letterhead(workspace / "word.docx", footer="Fiolstræde 1 · 1171 København K")
    doc = render(workspace, "--reference-doc", "word.docx")
    assert doc.headers() == "Patientforeningen"
    letterhead = doc.style_id("Letterhead")
    assert letterhead is None or letterhead not in doc.used("pStyle")
    assert doc.footers() == "Fiolstræde 1 · 1171 København KSide 1 af 1"
    assert doc.instructions("word/footer") == ["PAGE", "NUMPAGES"]
    # python-docx's own Quote and Table Grid are the team's: kept, not replaced
    assert doc.style_id("Table Grid") in doc.used("tblStyle")
    assert audit_errors(workspace / "out.docx") == []


def test_a_first_page_header_alone_is_a_letterhead_too(workspace: Path) -> None:
    python_docx_letterhead(workspace / "first.docx", first_page_only=True)
    doc = render(workspace, "--reference-doc", "first.docx")
    assert "Patientforeningen" in doc.headers()
    letterhead = doc.style_id("Letterhead")
    assert letterhead is None or letterhead not in doc.used("pStyle")
    # page 1 has a footer of its own too, so it is numbered like the others
    assert doc.instructions("word/footer") == ["PAGE", "NUMPAGES"] * 2


def test_a_footer_with_its_own_page_number_is_left_as_it_is(workspace: Path) -> None:
    python_docx_letterhead(workspace / "numbered.docx", footer="Patientforeningen",
                           page_field=True)
    doc = render(workspace, "--reference-doc", "numbered.docx")
    assert doc.instructions("word/footer") == []
    assert doc.footers() == "Patientforeningen1"
    assert "Side" not in doc.footers()


def test_a_letterhead_without_a_header_keeps_the_organisation_block(workspace: Path) -> None:
    python_docx_letterhead(workspace / "plain.docx", header=None, footer="Patientforeningen")
    doc = render(workspace, "--reference-doc", "plain.docx")
    assert doc.style_id("Letterhead") in doc.used("pStyle")
    assert doc.footers() == "PatientforeningenSide 1 af 1"


def test_page_numbers_false_in_hthc_yaml_adds_none(workspace: Path) -> None:
    python_docx_letterhead(workspace / "word.docx", footer="Patientforeningen")
    with (workspace / "hthc.yaml").open("a", encoding="utf-8") as config:
        config.write("page_numbers: false\n")
    doc = render(workspace, "--reference-doc", "word.docx")
    assert doc.footers() == "Patientforeningen"
    builtin = render(workspace, name="builtin.docx")
    assert builtin.instructions("word/") == []
    assert "footerReference" not in builtin.document


def test_page_numbers_must_be_true_or_false(workspace: Path) -> None:
    with (workspace / "hthc.yaml").open("a", encoding="utf-8") as config:
        config.write("page_numbers: no thanks\n")
    line = len((workspace / "hthc.yaml").read_text(encoding="utf-8").splitlines())
    out = hthc("check", cwd=workspace)
    assert out.returncode == 1
    assert (f"hthc.yaml:{line}:15: error HTHC103 'page_numbers' must be true or false, not text"
            in out.stdout)
    assert "write true or false, without quotes" in out.stdout


def test_markdown_keeps_the_organisation_block_whatever_the_reference(workspace: Path) -> None:
    python_docx_letterhead(workspace / "word.docx")
    with (workspace / "hthc.yaml").open("a", encoding="utf-8") as config:
        config.write("reference_doc: word.docx\n")
    out = hthc("render", RESPONSE, "--lang", "da", "-f", "md", "-o", "-", cwd=workspace)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith('::: {custom-style="Letterhead"}\n**Health Tech Hub Copenhagen**')
