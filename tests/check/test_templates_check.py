"""`hthc check` compiles the workspace's templates as `hthc render` does."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.check.checker import check_workspace

CASES = Path(__file__).parent / "fixtures" / "cases"
TEMPLATE_CASES = sorted(p for p in CASES.iterdir() if p.name.startswith("HTHC313-"))


def templates(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "overlay"
    for name, text in files.items():
        path = root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def found(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str | None]]:
    monkeypatch.chdir(root)
    return [(str(d.location), d.message, d.hint) for d in check_workspace(root).diagnostics]


@pytest.mark.parametrize("case", TEMPLATE_CASES, ids=lambda p: p.name)
def test_render_refuses_what_check_reports_at_the_same_line(
    case: Path,
    make_workspace: Callable[..., Path],
    hthc: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
    where = expected.split(": ", 1)[0].rsplit(":", 1)[0]  # templates/x.md.j2:LINE
    bad = hthc("render", "R-1", "--lang", "da", "--format", "md", "-o", tmp_path / "bad.md",
               cwd=make_workspace(case / "files", name="bad"))
    assert bad.returncode == 1
    assert f"hthc: {where}: " in bad.stderr
    good = hthc("render", "R-1", "--lang", "da", "--format", "md", "-o", tmp_path / "good.md",
                cwd=make_workspace(case / "good", name="good"))
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "good.md").is_file()


def test_every_unknown_filter_test_and_name_of_a_template_is_reported(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace(templates(tmp_path, {"letter.md.j2": (
        "# {{ response.title | uper }}\n"
        "{% if organisation.website is strng %}{{ organisation.website }}{% endif %}\n"
        "{{ hearing.authority | lowr }} {{ orgnisation.name }}\n"
        "{% if kind is defined %}{{ kind }}{% endif %}\n"
    )}))
    assert found(root, monkeypatch) == [
        ("templates/letter.md.j2:1:23", "there is no filter named 'uper'",
         "did you mean 'upper'?"),
        ("templates/letter.md.j2:2:31", "there is no test named 'strng'",
         "did you mean 'string'?"),
        ("templates/letter.md.j2:3:24", "there is no filter named 'lowr'",
         "did you mean 'lower'?"),
        ("templates/letter.md.j2:3:35",
         "the template uses 'orgnisation', which is not a name hthc gives templates",
         "did you mean 'organisation'?"),
    ]


def test_an_included_template_may_use_what_the_including_one_sets(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace(templates(tmp_path, {
        "response.md.j2": (
            '{% extends "hthc/response.md.j2" %}\n'
            "{% block general %}\n"
            "{% for position in general %}\n"
            '{% include "parts/position.md.j2" %}\n'
            "{% endfor %}\n"
            "{% endblock %}\n"
        ),
        "parts/position.md.j2": "## {{ position.title }}\n\n{{ positon.argument }}\n",
    }))
    assert found(root, monkeypatch) == [
        ("templates/parts/position.md.j2:3:4",
         "the template uses 'positon', which is not a name hthc gives templates",
         "did you mean 'position'?"),
    ]


def test_a_template_that_extends_itself_is_reported(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace(templates(tmp_path, {
        "response.md.j2": '\n{% extends "response.md.j2" %}\n',
    }))
    assert found(root, monkeypatch) == [
        ("templates/response.md.j2:2:1",
         "a template cannot extend itself; to extend the built-in response.md.j2, write "
         '{% extends "hthc/response.md.j2" %}', "correct the tag at this line"),
    ]


def test_a_template_that_would_make_a_huge_text_is_compiled_without_making_it(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_workspace(templates(tmp_path, {"big.md.j2": (
        '{{ "x" * 10**10 }}{{ "x" | center(10**10) }}{{ ("x" ~ "y") * 10**10 }}\n'
    )}))
    start = time.monotonic()
    assert found(root, monkeypatch) == []
    assert time.monotonic() - start < 10


def test_a_template_that_is_not_utf8(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    overlay = templates(tmp_path, {})
    (overlay / "templates").mkdir(parents=True)
    (overlay / "templates" / "letter.md.j2").write_bytes(b"# Title\nK\xf8benhavn\n")
    assert found(make_workspace(overlay), monkeypatch) == [
        ("templates/letter.md.j2:2:2",
         "the template is not UTF-8: byte 0xf8 here is not valid UTF-8",
         "save the file as UTF-8 (in most editors: 'Save with encoding' → UTF-8)"),
    ]


def test_checking_a_workspace_without_templates_does_not_load_jinja(
    make_workspace: Callable[..., Path],
) -> None:
    root = make_workspace()
    code = (
        "import sys; from pathlib import Path; from hthc_cli.check.checker import check_workspace;"
        f"result = check_workspace(Path({str(root)!r}));"
        "print(len(result.diagnostics), 'jinja2' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root)
    assert run.stdout.split() == ["0", "False"]
    (root / "templates").mkdir()
    (root / "templates" / "letter.md.j2").write_text("{{ response.title }}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root)
    assert run.stdout.split() == ["0", "True"]


def test_the_render_environment_gives_every_hthc_filter_its_work() -> None:
    from hthc_cli.render.templating import Limits, _environment_class
    from hthc_cli.workspace.templates import FILTERS, builtin_templates

    env = _environment_class()([builtin_templates()], builtin_templates(), Limits())
    for name in FILTERS:
        assert env.from_string("{{ 'A title' | " + name + " }}").render() != "", name


def test_checking_the_shipped_workspace_does_not_load_jinja() -> None:
    """The shipped workspace's templates folder is hthc's own: check does not compile it."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; from pathlib import Path; "
            "from hthc_cli.check.checker import check_workspace; "
            "r = check_workspace(Path('.')); "
            "print(sum(d.code == 'HTHC313' for d in r.diagnostics), 'jinja2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["0", "False"]
