"""`hthc input add MESSAGE.eml`: a member's e-mail becomes inputs/ID.yaml, as written here.

The e-mails are real ones: written by Python's `email` package, and saved by mail programs
(fixtures/: Thunderbird's multipart/alternative with an attachment, quoted-printable
Danish and an RFC 2047 sender; Outlook's HTML-only message with an inline image).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from hthc_cli.check.checker import check_workspace
from hthc_cli.intake.add import add_input
from hthc_cli.intake.mail import MIB, html_to_markdown, plain_to_markdown, read_mail
from hthc_cli.markup.analysis import analyse

from .conftest import FIXTURES, Hthc

ID = "INPUT-2025-06-12-SOEREN-OERSTED"


def python_message() -> EmailMessage:
    """An e-mail as Python's `email` package writes it: plain text and HTML, three files."""
    msg = EmailMessage()
    msg["From"] = Address("Søren Ørsted", "soeren", "medtech.example.dk")
    msg["To"] = Address("Jannik Zeuthen", "jz", "healthtechhub.example")
    msg["Subject"] = "Input til høringssvaret om Digital Sundhed Danmark"
    msg["Date"] = format_datetime(
        datetime(2025, 6, 12, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    )
    msg["Message-ID"] = "<input-1@medtech.example.dk>"
    msg.set_content(
        "Kære Jannik\n\nVi støtter en fælles national strategi [[HTHC-X]] [@ref] <b>fed</b>.\n"
        "# Ikke en overskrift\n\n> Citat fra din mail\n\nVenlig hilsen\nSøren Ørsted\n"
        "-- \nMedTech Danmark\n"
    )
    msg.add_alternative("<p>Kære Jannik</p><p>HTML-udgaven</p>", subtype="html")
    msg.add_attachment(b"%PDF-1.4 first\n", maintype="application", subtype="pdf",
                       filename="../../etc/notat.pdf")
    msg.add_attachment(b"%PDF-1.4 second\n", maintype="application", subtype="pdf",
                       filename="ETC_notat.PDF")
    msg.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv",
                       filename=".hidden\x07data.csv")
    return msg


PYTHON_YAML = f"""\
# yaml-language-server: $schema=../schemas/input.schema.json
id: {ID}
from:
  name: Søren Ørsted
  # organisation: who Søren Ørsted writes for (the e-mail does not say); a response that \
thanks contributors needs it
  email: soeren@medtech.example.dk
received: 2025-06-12
channel: email
message_id: <input-1@medtech.example.dk>
subject: Input til høringssvaret om Digital Sundhed Danmark
text: |
  Kære Jannik

  Vi støtter en fælles national strategi \\[[HTHC-X]] \\[@ref] \\<b>fed\\</b>.
  \\# Ikke en overskrift

  > Citat fra din mail

  Venlig hilsen
  Søren Ørsted
  \\--
  MedTech Danmark
attachments:
  - inputs/attachments/{ID}/etc_notat.pdf
  - inputs/attachments/{ID}/ETC_notat-2.PDF
  - inputs/attachments/{ID}/hidden_data.csv
# relates_to: the ids of the positions or recommendations it is about
relates_to: []
# decision: new | considered | incorporated | declined (a declined input needs a note)
decision: new
"""


def _diagnostics(root: Path) -> list[tuple[str, str]]:
    return [(d.code, str(d.location)) for d in check_workspace(root).diagnostics]


def _everything(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_email_written_by_python_becomes_this_file_byte_for_byte(
    workspace: Path, hthc: Hthc, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = tmp_path / "input.eml"
    message.write_bytes(bytes(python_message()))
    monkeypatch.chdir(workspace)
    before = _diagnostics(workspace)
    out = hthc("input", "add", message, cwd=workspace)
    assert (out.exit_code, out.stderr) == (0, "")
    written = workspace / "inputs" / f"{ID}.yaml"
    assert written.read_bytes() == PYTHON_YAML.encode("utf-8")
    assert out.stdout == (f"wrote inputs/{ID}.yaml and 3 attachments in "
                          f"inputs/attachments/{ID}:\n\n{PYTHON_YAML}")
    folder = workspace / "inputs" / "attachments" / ID
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "etc_notat.pdf": b"%PDF-1.4 first\n",
        "ETC_notat-2.PDF": b"%PDF-1.4 second\n",
        "hidden_data.csv": b"a,b\n1,2\n",
    }
    # the file checks clean: only the input itself is new, and undecided
    assert _diagnostics(workspace) == sorted(
        [*before, ("HTHC315", f"inputs/{ID}.yaml:30:11")], key=lambda d: d[1]
    )


def test_thunderbirds_email_gives_the_sender_date_text_and_attachment(
    workspace: Path, hthc: Hthc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)
    before = _diagnostics(workspace)
    # saved as mail programs save it, with CRLF line ends
    message = workspace.parent / "thunderbird.eml"
    message.write_bytes((FIXTURES / "thunderbird.eml").read_bytes().replace(b"\n", b"\r\n"))
    out = hthc("input", "add", message, cwd=workspace)
    assert (out.exit_code, out.stderr) == (0, "")
    text = (workspace / "inputs" / f"{ID}.yaml").read_text(encoding="utf-8")
    assert text == f"""\
# yaml-language-server: $schema=../schemas/input.schema.json
id: {ID}
from:
  name: Søren Ørsted
  organisation: MedTech Danmark
  email: soeren@medtech.example.dk
received: 2025-06-12
channel: email
message_id: <7b1e2c4d-91aa-4e0f-8c3b-2f5d6e7a8b9c@medtech.example.dk>
subject: Input til høringssvaret om Digital Sundhed Danmark
text: |
  Kære Jannik

  Vi støtter en fælles national strategi, men de små kommuner skal have hjælp til at følge med.
  \\# Det er vigtigt for os.

  Se vores notat: https://medtech.example.dk/notat

  Venlig hilsen
  Søren Ørsted
  \\--
  MedTech Danmark
attachments:
  - inputs/attachments/{ID}/notat om små kommuner.pdf
# relates_to: the ids of the positions or recommendations it is about
relates_to: []
# decision: new | considered | incorporated | declined (a declined input needs a note)
decision: new
"""
    pdf = workspace / "inputs" / "attachments" / ID / "notat om små kommuner.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-1.4")
    assert _diagnostics(workspace) == sorted(
        [*before, ("HTHC315", f"inputs/{ID}.yaml:28:11")], key=lambda d: d[1]
    )


def test_outlooks_html_email_is_read_as_text_with_its_links_and_nothing_run() -> None:
    mail = read_mail((FIXTURES / "outlook-html.eml").read_bytes(), "outlook-html.eml")
    assert (mail.name, mail.address, mail.organisation) == (
        "Hansen, Mette", "mette.hansen@region.example.dk", None
    )
    assert mail.sent.isoformat() == "2025-06-16"
    assert mail.subject == "SV: Digital Sundhed Danmark - bemærkninger"
    assert mail.text == (
        "Hej Jannik,\n\n"
        "Regionen er enig i [lovforslagets § 3]"
        "(https://www.hoeringsportalen.dk/Hearing/Details/69001), men vi savner en plan for "
        "*små* kommuner & regioner.\n\n"
        "- Telemedicin skal med\n"
        "- Data skal deles **sikkert**\n\n"
        "Se her og \\[\\[P-1\\]\\] \\<b\\>.\n\n"
        "Regionens logo\n\n"
        "Med venlig hilsen\nMette Hansen\nRegion Eksempel\n"
    )
    assert "evil" not in mail.text and "alert" not in mail.text and "MsoNormal" not in mail.text
    assert [(a.name, a.content_type) for a in mail.attachments] == [("image001.png", "image/png")]
    found = analyse(mail.text)
    assert (found.links, found.citations, found.pitfalls) == ([], [], [])


def test_the_date_is_the_day_the_sender_wrote_it_or_else_the_day_it_was_received() -> None:
    msg = python_message()
    del msg["Date"]
    msg["Received"] = "from a by b; Fri, 13 Jun 2025 08:00:00 +0200"
    assert read_mail(bytes(msg), "x.eml").sent.isoformat() == "2025-06-13"


def test_headers_in_8_bit_without_a_charset_are_read_as_utf_8_or_windows_1252() -> None:
    mail = read_mail(b"From: S\xf8ren <s@a.dk>\nDate: Thu, 12 Jun 2025 09:14:51 +0200\n"
                     b"Subject: h\xc3\xb8ring\n\nhej\n", "x.eml")
    assert (mail.name, mail.subject) == ("Søren", "høring")


def _nested(depth: int) -> bytes:
    opened = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i)
                      for i in range(depth))
    closed = b"".join(b"--b%d--\n" % i for i in reversed(range(depth)))
    return (b"From: s@a.dk\nDate: Thu, 12 Jun 2025 09:14:51 +0200\n" + opened
            + b"Content-Type: text/plain\n\nhi\n" + closed)


def test_a_plain_text_reads_as_written() -> None:
    text = ("Hej\n\n## ikke\n===\n:::\n```\n[^1] og [[A]] og <!-- x --> og <https://a.dk> "
            "og <a@b.dk>\n" + "> " * 30 + "dybt\n\n\n\nslut  \n")
    markdown = plain_to_markdown(text)
    assert markdown == (
        "Hej\n\n\\## ikke\n\\===\n\\:::\n\\```\n\\[^1] og \\[[A]] og \\<!-- x --> og "
        "<https://a.dk> og <a@b.dk>\n" + "> " * 20 + "dybt\n\nslut\n"
    )
    found = analyse(markdown)
    assert (found.links, found.citations, found.pitfalls) == ([], [], [])


def test_html_keeps_web_and_mail_links_and_drops_scripts_styles_and_pictures() -> None:
    html = ('<style>x{}</style><p>A <a href="https://a.dk/x y">link</a>, '
            '<a href="mailto:a@b.dk">mail</a>, <a href="file:///etc/passwd">file</a>'
            '<img src="https://tracker.example/p.gif"><script>alert(1)</script></p>'
            "<blockquote><p>quoted</p></blockquote><ol><li>one</li><li>two</li></ol>")
    assert html_to_markdown(html) == (
        "A [link](https://a.dk/x%20y), [mail](mailto:a@b.dk), file\n\n> quoted\n\n"
        "1. one\n2. two\n"
    )


def _message(**headers: str) -> bytes:
    msg = EmailMessage()
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Tekst.\n")
    return bytes(msg)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nbinary", " is not an e-mail: it does not "
                     "start with mail headers (From:, Date:, Subject:); save the message from "
                     "your mail program as a .eml file", id="not-an-email"),
        pytest.param(_message(Subject="Hej", Date="Thu, 12 Jun 2025 09:14:51 +0200"),
                     ": the message has no From header, so it is not known who sent it",
                     id="no-from"),
        pytest.param(_message(From="Søren", Date="Thu, 12 Jun 2025 09:14:51 +0200"),
                     ": the From header names no e-mail address: 'Søren'", id="no-address"),
        pytest.param(b"From: s@a.dk\nDate: someday\n\nTekst.\n",
                     ": the message has no date that can be read (its Date header is "
                     "'someday')", id="no-date"),
        pytest.param(b"From: s@a.dk\nDate: Thu, 12 Jun 2025 09:14:51 +0200\nSubject: x\n\n",
                     ": the message has no text (neither plain text nor HTML)", id="no-body"),
        pytest.param(b"From: s@a.dk\nDate: Thu, 12 Jun 2025 09:14:51 +0200\n"
                     b"Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n",
                     ": the message's MIME structure is broken (no boundary in multipart); "
                     "save it again from your mail program", id="no-boundary"),
        pytest.param(b"From: s@a.dk\nDate: Thu, 12 Jun 2025 09:14:51 +0200\n"
                     b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
                     b"Content-Type: text/plain\n\nhi\n",
                     ": the message's MIME structure is broken (close boundary not found); "
                     "save it again from your mail program", id="cut-off"),
        pytest.param(_nested(3000), ": the message's parts are nested too deeply to read; "
                     "save it again from your mail program", id="nested-too-deeply"),
    ],
)
def test_a_bad_email_is_refused_with_its_reason_and_nothing_is_written(
    data: bytes, message: str, workspace: Path, hthc: Hthc
) -> None:
    path = workspace.parent / "bad.eml"
    path.write_bytes(data)
    before = _everything(workspace)
    out = hthc("input", "add", path, cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (1, "", f"hthc: {path}{message}\n")
    assert _everything(workspace) == before


def test_an_attachment_over_the_limit_is_refused_naming_its_size_and_the_limit(
    workspace: Path, hthc: Hthc
) -> None:
    msg = python_message()
    msg.add_attachment(b"x" * (10 * MIB + 1), maintype="application", subtype="zip",
                       filename="data.zip")
    path = workspace.parent / "big.eml"
    path.write_bytes(bytes(msg))
    before = _everything(workspace)
    out = hthc("input", "add", path, cwd=workspace)
    assert (out.exit_code, out.stdout) == (1, "")
    assert out.stderr == (
        f"hthc: {path}: the attachment 'data.zip' is 10.0 MiB; hthc keeps attachments up to "
        "10.0 MiB: nothing was written. Keep the file elsewhere (a shared drive) and say "
        "where in the input's text\n"
    )
    assert _everything(workspace) == before


def test_a_message_over_the_limit_is_refused_before_it_is_read(workspace: Path) -> None:
    path = workspace.parent / "huge.eml"
    path.write_bytes(bytes(python_message()))
    with pytest.raises(Exception, match=r"is 0\.0 MiB; hthc takes messages up to 0\.0 MiB: "
                       "nothing was written"):
        add_input(workspace, path, max_message=100)
    assert not (workspace / "inputs").exists()


def test_the_same_email_twice_is_refused_naming_the_input_that_has_it(
    workspace: Path, hthc: Hthc
) -> None:
    path = workspace.parent / "input.eml"
    path.write_bytes(bytes(python_message()))
    assert hthc("input", "add", path, cwd=workspace).exit_code == 0
    before = _everything(workspace)
    again = hthc("input", "add", path, "--id", "INPUT-AGAIN", cwd=workspace)
    assert (again.exit_code, again.stdout, again.stderr) == (
        1, "", f"hthc: {path} is already an input: inputs/{ID}.yaml has its Message-ID "
        "<input-1@medtech.example.dk>; nothing was written\n"
    )
    assert _everything(workspace) == before


def test_a_second_email_from_the_same_sender_that_day_gets_the_next_id(
    workspace: Path, hthc: Hthc
) -> None:
    msg = python_message()
    path = workspace.parent / "input.eml"
    path.write_bytes(bytes(msg))
    assert hthc("input", "add", path, cwd=workspace).exit_code == 0
    msg.replace_header("Message-ID", "<input-2@medtech.example.dk>")
    path.write_bytes(bytes(msg))
    out = hthc("input", "add", path, cwd=workspace)
    assert out.stdout.startswith(f"wrote inputs/{ID}-2.yaml and 3 attachments in "
                                 f"inputs/attachments/{ID}-2:\n")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2025 input", "--id: '2025 input' is not a valid id: ids start with a letter and "
         "hold only letters, digits, '-', '_' and '.'"),
        ("../../x", "--id: '../../x' is not a valid id: ids start with a letter and hold only "
         "letters, digits, '-', '_' and '.'"),
        ("HTHC-NATIONAL-STRATEGY", "--id: the id 'HTHC-NATIONAL-STRATEGY' is already used in "
         "the workspace: choose another"),
    ],
)
def test_an_id_that_is_not_valid_or_taken_is_a_usage_error(
    given: str, message: str, workspace: Path, hthc: Hthc
) -> None:
    path = workspace.parent / "input.eml"
    path.write_bytes(bytes(python_message()))
    out = hthc("input", "add", path, "--id", given, cwd=workspace)
    assert (out.exit_code, out.stdout, out.stderr) == (2, "", f"hthc: {message}\n")
    assert not (workspace / "inputs").exists()


def test_a_failed_write_leaves_nothing_behind(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workspace.parent / "input.eml"
    path.write_bytes(bytes(python_message()))
    before = _everything(workspace)
    real_open = Path.open

    def failing(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self.suffix == ".yaml" and "x" in mode:
            raise OSError(28, "No space left on device")
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", failing)
    with pytest.raises(Exception, match="cannot write the input: No space left on device; "
                       "nothing was written"):
        add_input(workspace, path)
    monkeypatch.undo()
    assert _everything(workspace) == before
    assert not (workspace / "inputs").exists()



def test_list_and_show_print_the_new_input(workspace: Path, hthc: Hthc) -> None:
    import json

    path = workspace.parent / "input.eml"
    path.write_bytes(bytes(python_message()))
    assert hthc("input", "add", path, cwd=workspace).exit_code == 0
    listed = hthc("list", "inputs", "--format", "json", cwd=workspace)
    assert json.loads(listed.stdout) == [{
        "id": ID, "received": "2025-06-12", "from": "Søren Ørsted", "decision": "new",
        "subject": "Input til høringssvaret om Digital Sundhed Danmark", "relates_to": [],
    }]
    shown = json.loads(hthc("show", ID, "--format", "json", cwd=workspace).stdout)
    assert shown["attachments"] == [f"inputs/attachments/{ID}/etc_notat.pdf",
                                    f"inputs/attachments/{ID}/ETC_notat-2.PDF",
                                    f"inputs/attachments/{ID}/hidden_data.csv"]
    assert (shown["decision"], shown["concerns"]) == ("new", [])
