"""Messages that need more than a case folder shows: many similar lines, or what is not said."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.base.diagnostics import Diagnostic
from hthc_cli.check.checker import check_workspace
from hthc_cli.workspace import source

BASE = Path(__file__).parent / "fixtures" / "base"


def overlay(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "overlay"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def base(name: str) -> str:
    return (BASE / name).read_text(encoding="utf-8")


def check(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.chdir(root)
    return check_workspace(root).diagnostics


def shown(d: Diagnostic) -> tuple[str, str, str, str | None]:
    return (str(d.location), d.code, d.message, d.hint)


def test_languages_that_are_no_codes_or_the_wrong_ones(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = base("hthc.yaml").replace("languages: [da, en]", "languages: [dk, english]")
    found = check(make_workspace(overlay(tmp_path, {"hthc.yaml": config})), monkeypatch)
    # each is read as the language it was meant to be: the texts in da and en are fine
    assert [shown(d) for d in found] == [
        ("hthc.yaml:5:13", "HTHC104", "'dk' is a country code, not a language code",
         "did you mean 'da'?"),
        ("hthc.yaml:5:17", "HTHC104", "'english' is not a language code", "did you mean 'en'?"),
    ]


def test_a_language_list_in_error_is_reported_once_not_at_every_text(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = base("hthc.yaml").replace("languages: [da, en]", "languages: [da, e_n]")
    found = check(make_workspace(overlay(tmp_path, {"hthc.yaml": config})), monkeypatch)
    assert [shown(d) for d in found] == [
        ("hthc.yaml:5:17", "HTHC104", "'e_n' is not a language code",
         "use codes such as da or en"),
    ]


def test_a_language_without_labels_may_still_hold_texts(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = base("hthc.yaml").replace("languages: [da, en]", "languages: [da, en, deu]")
    found = check(make_workspace(overlay(tmp_path, {"hthc.yaml": config})), monkeypatch)
    assert [shown(d)[:3] for d in found if d.location.path == "hthc.yaml"] == [
        ("hthc.yaml:5:21", "HTHC307", "hthc cannot render in 'deu' yet: it has labels for da, en"),
    ]


def test_a_country_code_for_a_language_in_a_text(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    positions = base("positions/p.yaml").replace(
        "      da: Vi støtter en fælles", "      dk: Vi støtter en fælles"
    )
    found = check(make_workspace(overlay(tmp_path, {"positions/p.yaml": positions})),
                  monkeypatch)
    assert [shown(d) for d in found] == [
        ("positions/p.yaml:9:7", "HTHC106", "'dk' is not a language of this workspace",
         "'dk' is a country code: did you mean 'da'? hthc.yaml lists: da, en"),
    ]


def test_a_language_reported_as_empty_is_not_reported_missing_too(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    positions = base("positions/p.yaml").replace(
        "      da: Vi støtter en fælles national strategi.", '      da: ""'
    ).replace("      en: A national strategy\n", "      en: [A national strategy]\n")
    found = check(make_workspace(overlay(tmp_path, {"positions/p.yaml": positions})),
                  monkeypatch)
    assert [shown(d) for d in found] == [
        ("positions/p.yaml:5:11", "HTHC103",
         "the 'en' text of 'title' must be text, not a list", None),
        ("positions/p.yaml:9:11", "HTHC109", "the 'da' text of 'summary' is empty", None),
    ]


def test_an_id_with_a_no_break_space_names_it_and_suggests_the_known_id(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    recommendations = base("recommendations/ssk.yaml").replace("SSK-DIGI", "SSK-2024-DIGI")
    positions = base("positions/p.yaml").replace("SSK-DIGI", "SSK-2024-DIGI").replace(
        "    addresses: [SSK-2024-DIGI]", "    addresses: [SSK-2024\xa0DIGI]"
    )
    root = make_workspace(overlay(tmp_path, {
        "recommendations/ssk.yaml": recommendations, "positions/p.yaml": positions,
    }))
    # the id counts as the one it was meant to be: P-1 addresses a recommendation still
    assert [shown(d) for d in check(root, monkeypatch)] == [
        ("positions/p.yaml:7:17", "HTHC107",
         "'SSK-2024\xa0DIGI' is not a valid id: it holds a no-break space (U+00A0) at column 25",
         "did you mean 'SSK-2024-DIGI'?"),
    ]


def test_a_template_in_the_workspace_templates_folder_is_found(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace(overlay(tmp_path, {
        "responses/r.yaml": base("responses/r.yaml") + "template: letters/short.md.j2\n",
        "templates/letters/short.md.j2": "{{ response.title }}\n",
    }))
    assert check(root, monkeypatch) == []
    response = root / "responses" / "r.yaml"
    response.write_text(base("responses/r.yaml") + "template: ../templates/letters/short.md.j2\n",
                        encoding="utf-8")
    assert [d.code for d in check(root, monkeypatch)] == ["HTHC110"]


def test_a_reference_document_that_is_a_folder(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace(overlay(tmp_path, {
        "hthc.yaml": base("hthc.yaml") + "reference_doc: brand\n", "brand/readme.txt": "",
    }))
    assert [shown(d) for d in check(root, monkeypatch)] == [
        ("hthc.yaml:6:16", "HTHC110", "the reference document 'brand' is a folder, not a file",
         "the path is relative to the folder of hthc.yaml"),
    ]


def test_checking_templates_leaves_jinja_alone(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_workspace(overlay(tmp_path, {
        "responses/r.yaml": base("responses/r.yaml") + "template: nosuch.md.j2\n",
    }))
    code = (
        "import sys; from pathlib import Path; from hthc_cli.check.checker import check_workspace;"
        f"r = check_workspace(Path({str(root)!r}));"
        "print([d.code for d in r.diagnostics], 'jinja2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=root, check=True)
    assert out.stdout.strip() == "['HTHC110'] False"


def test_a_clean_file_pays_only_for_cheap_tests(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("a clean file took the slow path")

    for name in ("_report_line_breaks", "_report_odd_spaces", "_report_lone_anchors",
                 "_report_control_characters"):
        monkeypatch.setattr(source, name, refuse)
    assert check(make_workspace(), monkeypatch) == []


def test_a_no_break_space_inside_a_text_is_fine(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    positions = base("positions/p.yaml").replace(
        "        Lukkede platforme binder", "        \xa0Lukkede platforme binder"
    ).replace("jf. [[SSK-DATA]].", "jf.\xa0[[SSK-DATA]]: se\xa0§\xa05.")
    found = check(make_workspace(overlay(tmp_path, {"positions/p.yaml": positions})),
                  monkeypatch)
    # at the start of a line it is indentation to YAML's eye, even inside a block
    assert [shown(d)[:2] for d in found] == [("positions/p.yaml:29:9", "HTHC011")]


@pytest.mark.parametrize(("value", "message"), [
    ("!!float abc", "the tag '!!float' says 'abc' is a number, but it is not one"),
    ("!!int 1.5", "the tag '!!int' says '1.5' is a whole number, but it is not one"),
    ("!!null no", "the tag '!!null' says 'no' is an empty value, but it is not one"),
    ("!!timestamp 2024-02-30",
     "the tag '!!timestamp' says '2024-02-30' is a date, but it is not one"),
    ("!<tag:yaml.org,2002:bool> x", "the tag '!!bool' says 'x' is a yes/no value, "
     "but it is not one"),
    ("&a !!bool x", "the tag '!!bool' says 'x' is a yes/no value, but it is not one"),
    ("!!binary aGk=", "the tag '!!binary' is not supported"),
    ("!!set {a}", "the tag '!!set' is not supported"),
    ("!!omap [a: 1]", "the tag '!!omap' is not supported"),
    ("!!pairs [a: 1]", "the tag '!!pairs' is not supported"),
    ("!!python/name:os.system x", "the tag '!!python/name:os.system' is not supported"),
    ("!!python/object/apply:os.system [echo]",
     "the tag '!!python/object/apply:os.system' is not supported"),
])
def test_a_tag_is_one_located_error(
    value: str, message: str,
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = base("hthc.yaml").replace("short_name: SF", f"short_name: {value}")
    found = check(make_workspace(overlay(tmp_path, {"hthc.yaml": config})), monkeypatch)
    tags = [shown(d)[:3] for d in found if d.code == "HTHC008"]
    assert tags == [("hthc.yaml:3:15", "HTHC008", message)]


def test_a_named_pipe_or_a_link_loop_is_never_opened(
    make_workspace: Callable[..., Path],
    hthc_process: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    root = make_workspace()
    (root / "references.yaml").unlink()
    os.mkfifo(root / "references.yaml")
    (root / "responses" / "loop.yaml").symlink_to("loop.yaml")
    run = hthc_process("check", "--color", "never", cwd=root)  # a read would block: timeout
    assert run.stdout.splitlines()[:-1] == [
        "references.yaml:1:1: warning HTHC012 'references.yaml' is a named pipe (FIFO), not a "
        "file, so it is not read [skipped-file]",
        "    hint: put the text in a plain file",
        "responses/loop.yaml:1:1: warning HTHC012 'loop.yaml' is a link that cannot be followed "
        "(Too many levels of symbolic links), so nothing is read [skipped-file]",
        "    hint: correct the link, or delete it",
    ]


def test_a_linked_positions_folder_is_read(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace()
    (root / "positions").rename(tmp_path / "shared")
    (root / "positions").symlink_to(tmp_path / "shared")
    assert check(root, monkeypatch) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    pytest.param(
        "      en: We support", "     en: We support",
        ("positions/p.yaml:10:6", "HTHC001",
         "'en' is indented 5 spaces, in line with no key above it, so YAML cannot tell where "
         "it belongs",
         "indent it 4 spaces, like 'summary' on line 8, or 6 spaces, like 'da' on line 9"),
        id="language-key-one-space-short"),
    pytest.param(
        "      da: En national strategi", "        da: En national strategi",
        ("positions/p.yaml:5:7", "HTHC001",
         "'en' is indented 6 spaces, in line with no key above it, so YAML cannot tell where "
         "it belongs",
         "indent it 4 spaces, like 'title' on line 3, or 8 spaces, like 'da' on line 4"),
        id="first-language-key-too-deep"),
    pytest.param(
        "    owner: Jannik Zeuthen", "    owner:Jannik Zeuthen",
        ("positions/p.yaml:15:10", "HTHC001",
         "'owner:Jannik Zeuthen' has no space after ':', so YAML reads it as one word",
         "write 'owner: Jannik Zeuthen', with a space after the ':'"),
        id="no-space-last-key-of-an-item"),
    pytest.param(
        "  - id: P-2", "  - id:P-2",
        ("positions/p.yaml:16:7", "HTHC001",
         "'id:P-2' has no space after ':', so YAML reads it as one word",
         "write 'id: P-2', with a space after the ':'"),
        id="no-space-first-key-of-an-item"),
])
def test_indentation_and_spacing_mistakes_are_said_in_words(
    old: str, new: str, expected: tuple[str, str, str, str],
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    positions = base("positions/p.yaml")
    assert old in positions
    root = make_workspace(overlay(tmp_path, {"positions/p.yaml": positions.replace(old, new, 1)}))
    assert [shown(d) for d in check(root, monkeypatch)] == [expected]


@pytest.mark.parametrize(("value", "why"), [
    ("2024-04-31", "April 2024 has 30 days"),
    ("2023-02-29", "February 2023 has 28 days"),
    ("2024-00-10", "a year has 12 months"),
    ("2024-01-00", "days are counted from 1"),
    ("0000-01-01", "years are counted from 1"),
])
def test_a_day_that_does_not_exist_says_why(
    value: str, why: str,
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    recommendations = base("recommendations/ssk.yaml").replace(
        "published: 2024-06-11", f"published: {value}")
    root = make_workspace(overlay(tmp_path, {"recommendations/ssk.yaml": recommendations}))
    assert [shown(d)[:3] for d in check(root, monkeypatch)] == [
        ("recommendations/ssk.yaml:7:14", "HTHC105",
         f"'published' is {value}, which is not a day: {why}"),
    ]


@pytest.mark.parametrize(("name", "hint"), [
    ("positions/p.yaml", "split it into several files in the positions folder"),
    ("recommendations/ssk.yaml",
     "a source is one file and cannot be split, and the limit holds over ten thousand "
     "recommendations: look for pasted data, an image or text repeated by mistake"),
    ("responses/r.yaml",
     "a response is one file and cannot be split: look for pasted data, an image or text "
     "repeated by mistake"),
])
def test_a_file_too_large_says_how_to_make_it_smaller(
    name: str, hint: str,
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace()
    size = (root / name).stat().st_size
    monkeypatch.setattr(source, "MAX_FILE_BYTES", size - 1)
    found = [shown(d) for d in check(root, monkeypatch) if d.location.path == name]
    assert [(where, code, hint) for where, code, _, hint in found] == [
        (f"{name}:1:1", "HTHC006", hint)
    ]


def test_a_file_with_old_mac_line_endings_is_located_as_editors_show_it(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    positions = base("positions/p.yaml").replace(
        "    owner: Jannik Zeuthen\n", "    owner: Jannik Zeuthen\n    note: TODO\n"
    ).replace("helps the small", "helps TODO the small")
    root = make_workspace(overlay(tmp_path, {"positions/p.yaml": positions}))
    with_lf = [shown(d) for d in check(root, monkeypatch)]
    assert [d[:2] for d in with_lf] == [
        ("positions/p.yaml:13:37", "HTHC302"), ("positions/p.yaml:16:5", "HTHC101"),
    ]
    path = root / "positions" / "p.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert [shown(d) for d in check(root, monkeypatch)] == with_lf
