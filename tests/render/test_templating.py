"""Workspace templates: extending the built-in one, and errors that say where, in bounded time.

Each test writes a template into a copy of the shipped workspace and runs `hthc render` as a
user would, in a process held to a time and address-space limit: a template that hangs or
eats the machine fails the test instead of the test run.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RESPONSE = "HTHC-HS-SSK-2024"
MEMORY = 2 * 1024**3
"""Address space a render may take here; the templates below would need far more unbounded."""


@pytest.fixture
def workspace(workspace: Path) -> Path:
    """The shipped workspace's copy, with a templates folder of its own."""
    (workspace / "templates").mkdir()
    return workspace


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def render(
    workspace: Path, template: str, *, name: str = "response.md.j2", timeout: float = 90,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    (workspace / "templates" / name).write_text(template, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "hthc_cli", "render", RESPONSE, "--lang", "da", "--format", "md",
         "-o", "r.md"],
        cwd=workspace, capture_output=True, text=True, check=False, timeout=timeout,
        preexec_fn=_limited, env={**os.environ, **(env or {})},
    )


def builtin_markdown(workspace: Path) -> str:
    shutil.rmtree(workspace / "templates")
    out = render_plain(workspace)
    assert out.returncode == 0, out.stderr
    return (workspace / "r.md").read_text(encoding="utf-8")


def render_plain(workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hthc_cli", "render", RESPONSE, "--lang", "da", "--format", "md",
         "-o", "r.md"],
        cwd=workspace, capture_output=True, text=True, check=False, timeout=90,
    )


# Extending the built-in template


def test_a_workspace_template_extends_the_builtin_one_it_overrides(workspace: Path) -> None:
    out = render(
        workspace,
        '{% extends "hthc/response.md.j2" %}\n'
        "{% block closing %}\n"
        "## Til sidst\n\n"
        "Vi deltager gerne i det videre arbejde.\n"
        "{% endblock %}\n"
        "{% block annex %}{% endblock %}\n",
    )
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    # the built-in template still writes everything the blocks do not replace
    assert "::: {custom-style=\"Letterhead\"}" in md
    assert "# Høringssvar om Sundhedsstrukturkommissionens afrapportering" in md
    assert "## Sammenfatning" in md and "## Generelle bemærkninger" in md
    assert "{#HTHC-GOLDEN-MIDDLE}" in md
    assert "::: {custom-style=\"Signature\"}" in md
    # the workspace's blocks replace the built-in ones
    assert "## Til sidst\n\nVi deltager gerne i det videre arbejde.\n" in md
    assert "## Afsluttende bemærkninger" not in md
    assert "| Anbefaling | Holdning | Bemærkning |" not in md


def test_an_extending_template_that_overrides_nothing_renders_as_the_builtin_one(
    workspace: Path,
) -> None:
    out = render(workspace, '{% extends "hthc/response.md.j2" %}\n')
    assert out.returncode == 0, out.stderr
    extended = (workspace / "r.md").read_text(encoding="utf-8")
    assert extended == builtin_markdown(workspace)


def test_super_keeps_the_builtin_block_and_adds_to_it(workspace: Path) -> None:
    out = render(
        workspace,
        '{% extends "hthc/response.md.j2" %}\n'
        "{% block introduction %}\n"
        "{{ super() }}\n"
        "Vi har læst rapporten med stor interesse.\n"
        "{% endblock %}\n",
    )
    assert out.returncode == 0, out.stderr
    md = (workspace / "r.md").read_text(encoding="utf-8")
    intro = md.index("Vi har læst rapporten med stor interesse.")
    assert md.index("# Høringssvar om") < intro < md.index("## Sammenfatning")


def test_a_template_that_extends_itself_names_the_prefixed_form(workspace: Path) -> None:
    out = render(workspace, '{# ours #}\n{% extends "response.md.j2" %}\n')
    assert out.returncode == 1
    assert out.stderr == (
        "hthc: templates/response.md.j2:2: a template cannot extend itself; to extend the "
        "built-in response.md.j2, write {% extends \"hthc/response.md.j2\" %}\n"
    )


def test_a_template_without_a_builtin_namesake_that_extends_itself(workspace: Path) -> None:
    path = workspace / "responses" / "hoeringssvar-sundhedsstrukturkommissionen-2024.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2024-08-05", "date: 2024-08-05\ntemplate: own.md.j2", 1),
                    encoding="utf-8")
    out = render(workspace, '{% extends "own.md.j2" %}\n', name="own.md.j2")
    assert out.returncode == 1
    assert out.stderr == "hthc: templates/own.md.j2:1: a template cannot extend itself\n"


# Errors: located, plain, bounded

LOOPS = "{% for i in range(99999) %}{% for j in range(99999) %}"
LIMITED = [
    ("{{ 1/0 }}", "division by zero"),
    ("{{ 7 // 0 }}", "division by zero"),
    ("{{ range(200000) | length }}",
     "range() of 200,000 numbers; a template may count to 100,000 at most"),
    ("{{ lipsum(10**6) }}",
     "lipsum() of 1,000,000 paragraphs; a template may ask for 100 at most"),
    ('{{ "x" * 10**9 }}',
     "this would make a text or list of 1,000,000,000 items; a template may make "
     "33,554,432 at most"),
    ('{{ "ab" * 99999 * 99999 }}',
     "this would make a text or list of 19,999,600,002 items; a template may make "
     "33,554,432 at most"),
    ("{{ [1, 2] * 10**9 }}",
     "this would make a text or list of 2,000,000,000 items; a template may make "
     "33,554,432 at most"),
    ("{{ 10 ** (10 ** 8) }}", "a number too large: a template may use 4,000 digits at most"),
    ("{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}"
     "{% endfor %}{{ ns.n > 0 }}",
     "a number too large: a template may use 4,000 digits at most"),
    ("{{ 2.5 ** 10000 }}", "a number too large to compute"),
    ("{{ 10 ** 5000 }}", "a number too large: a template may use 4,000 digits at most"),
    ('{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}'
     "{% endfor %}{{ ns.s | length }}",
     "this would make a text or list of 67,108,864 items; a template may make "
     "33,554,432 at most"),
    ('{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}'
     "{% endfor %}{{ ns.s | length }}",
     "this would make a text or list of 67,108,864 items; a template may make "
     "33,554,432 at most"),
    ('{{ "x" | center(10**9) }}',
     "this would make a text or list of 1,000,000,000 items; a template may make "
     "33,554,432 at most"),
    ('{{ "a\\nb" | indent(10**8) }}',
     "this would make a text or list of 100,000,003 items; a template may make "
     "33,554,432 at most"),
    ('{{ "x".ljust(10**9) }}',
     "this would make a text or list of 1,000,000,000 items; a template may make "
     "33,554,432 at most"),
    ('{{ "{:>999999999}".format(1) }}',
     "this would make a text or list of 999,999,999 items; a template may make "
     "33,554,432 at most"),
    ('{{ "%999999999d" % 1 }}',
     "this would make a text or list of 999,999,999 items; a template may make "
     "33,554,432 at most"),
    ('{{ "%d" | format(12345678) }}{{ "%0*d" | format(10**9, 1) }}',
     "this would make a text or list of 1,000,000,000 items; a template may make "
     "33,554,432 at most"),
    ('{% set s = "x" * 10**7 %}{{ s | replace("x", s) | length }}',
     "this would make a text or list of 100,000,000,000,000 items; a template may make "
     "33,554,432 at most"),
    ('{% set s = "x" * 10**7 %}{{ (["ab"] * 1000) | join(s) | length }}',
     "this would make a text or list of 9,990,002,000 items; a template may make "
     "33,554,432 at most"),
    ('{% set s = "x" * 10**7 %}{{ s.join(["ab"] * 1000) | length }}',
     "this would make a text or list of 9,990,002,000 items; a template may make "
     "33,554,432 at most"),
    (LOOPS + '{{ "x" * 1000 }}{% endfor %}{% endfor %}',
     "the document passed 33,554,432 characters; is a loop running too many times?"),
    ("{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(0) }}",
     "a macro, include or extends calls itself without end"),
    ('{{ "%s and %s" % "x" }}', "template error: not enough arguments for format string"),
    ('{{ {"a": 1}["b"] }}', "'dict object' has no attribute 'b'"),
    ("{{ response.nope }}", "'dict object' has no attribute 'nope'"),
]


@pytest.mark.parametrize(("expression", "message"), LIMITED, ids=[m for _, m in LIMITED])
def test_a_template_error_is_the_template_line_and_a_plain_message(
    workspace: Path, expression: str, message: str
) -> None:
    out = render(workspace, "# {{ response.title }}\n\n" + expression + "\n")
    assert out.returncode == 1, out.stdout
    assert out.stderr == f"hthc: templates/response.md.j2:3: {message}\n"
    assert not (workspace / "r.md").exists()


@pytest.mark.parametrize(
    "body",
    [
        LOOPS + "{% endfor %}{% endfor %}",
        LOOPS + "x{% endfor %}{% endfor %}",
        "{% set s %}" + LOOPS + "x{% endfor %}{% endfor %}{% endset %}{{ s | length }}",
        "{% macro twice(n) %}{% if n %}{{ twice(n - 1) }}{{ twice(n - 1) }}{% endif %}"
        "{% endmacro %}{{ twice(80) }}",
    ],
    ids=["silent loops", "loops printing", "loops captured by set", "macro calls doubling"],
)
def test_a_template_that_runs_too_long_stops_at_a_limit(workspace: Path, body: str) -> None:
    """Which limit comes first depends on the machine: time, memory, or the document's size."""
    out = render(workspace, "# x\n" + body + "\n", env={"HTHC_TEMPLATE_TIMEOUT": "2"})
    assert out.returncode == 1, out.stdout
    assert out.stderr in {
        "hthc: templates/response.md.j2:2: the template ran for more than 2 seconds; is a "
        "loop running too many times? (HTHC_TEMPLATE_TIMEOUT sets the limit in seconds)\n",
        "hthc: templates/response.md.j2:2: the template used more than 512 MB of memory; "
        "is a loop running too many times?\n",
        "hthc: templates/response.md.j2:2: the document passed 33,554,432 characters; "
        "is a loop running too many times?\n",
    }


def test_the_time_limit_is_read_as_seconds(workspace: Path) -> None:
    out = render(workspace, "# x\n", env={"HTHC_TEMPLATE_TIMEOUT": "soon"})
    assert out.returncode == 2
    assert out.stderr == (
        "hthc: HTHC_TEMPLATE_TIMEOUT is 'soon'; set it to a number of seconds, such as 60\n"
    )


def test_an_error_in_an_included_template_names_that_template(workspace: Path) -> None:
    (workspace / "templates" / "part.md.j2").write_text(
        "one\ntwo {{ 1 % 0 }}\n", encoding="utf-8"
    )
    out = render(workspace, "# x\n\n{% include 'part.md.j2' %}\n")
    assert out.returncode == 1
    assert out.stderr == "hthc: templates/part.md.j2:2: division by zero\n"


def test_an_unknown_filter_says_which_it_may_be(workspace: Path) -> None:
    out = render(workspace, "# x\n{{ response.title | md_escap }}\n")
    assert out.returncode == 1
    assert out.stderr == (
        "hthc: templates/response.md.j2:2: no filter named 'md_escap'; "
        "did you mean 'md_escape'?\n"
    )


def test_filters_the_templates_use_keep_their_output(workspace: Path) -> None:
    out = render(
        workspace,
        "{{ '*a* [b]' | md_escape }}|{{ 'x\\n\\ny' | indent_quote }}|{{ 'ID' | anchor }}|"
        "{{ ' a \\n b ' | hard_breaks }}|{{ 'Title' | sentence }}|{{ 'Why?' | sentence }}\n",
    )
    assert out.returncode == 0, out.stderr
    assert (workspace / "r.md").read_text(encoding="utf-8") == (
        "\\*a\\* \\[b\\]|> x\n>\n> y|{#ID}|a\\\nb|Title.|Why?\n"
    )
