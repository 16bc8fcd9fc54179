"""Review comments kept in reviews/: read into the model, checked, and stopping a release."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.base.diagnostics import Severity
from hthc_cli.check.checker import check_workspace
from hthc_cli.check.rules import CheckOptions
from hthc_cli.workspace.loader import load_workspace

REVIEWS = """\
# yaml-language-server: $schema=../schemas/reviews.schema.json
response: R-1
comments:
  - id: RC-3f9a0c21b7
    author: Jannik Zeuthen
    initials: JZ
    date: '2099-07-30T10:15:00Z'
    anchor: fælles national strategi
    target: {file: positions/p.yaml, item: P-1, field: summary, language: da}
    body: |
      Skal vi sige, hvem der ejer strategien?

      Og hvem betaler?
    replies:
      - {author: Anna Jensen, date: '2099-07-30T11:00:00Z', body: 'Ja: staten.'}
    status: open
  - id: RC-0a1b2c3d4e
    author: Anna Jensen
    date: 2099-07-30T12:00:00Z
    target: {file: positions/p.yaml, item: P-2, field: summary, language: en}
    body: Fine as it is.
    status: resolved
"""


def with_reviews(make_workspace: Callable[..., Path], text: str) -> Path:
    root = make_workspace()
    (root / "reviews").mkdir()
    (root / "reviews" / "r-1.yaml").write_text(text, encoding="utf-8")
    return root


def test_comments_are_read_into_the_model(make_workspace: Callable[..., Path]) -> None:
    ws = load_workspace(with_reviews(make_workspace, REVIEWS)).workspace
    first, second = ws.reviews["R-1"]
    assert (first.id, first.author, first.initials, first.date) == (
        "RC-3f9a0c21b7", "Jannik Zeuthen", "JZ", "2099-07-30T10:15:00Z"
    )
    assert first.anchor == "fælles national strategi"
    assert (first.target.file, first.target.item, first.target.field, first.target.language) == (
        "positions/p.yaml", "P-1", "summary", "da"
    )
    assert first.body == "Skal vi sige, hvem der ejer strategien?\n\nOg hvem betaler?\n"
    assert [(r.author, r.date, r.body) for r in first.replies] == [
        ("Anna Jensen", "2099-07-30T11:00:00Z", "Ja: staten.")
    ]
    assert first.is_open and not second.is_open
    # an unquoted moment is read by YAML as a time; it is kept as the same text
    assert second.date == "2099-07-30T12:00:00Z" and second.anchor == "" and second.replies == []


def test_an_open_comment_is_info_and_an_error_with_release(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = with_reviews(make_workspace, REVIEWS)
    monkeypatch.chdir(root)
    found = [d for d in check_workspace(root).diagnostics if d.code == "HTHC316"]
    assert [(str(d.location), d.severity) for d in found] == [
        ("reviews/r-1.yaml:4:5", Severity.INFO)
    ]
    assert "Skal vi sige, hvem der ejer strategien?" in found[0].message
    released = check_workspace(root, CheckOptions(release=True))
    assert [d.severity for d in released.diagnostics if d.code == "HTHC316"] == [Severity.ERROR]
    assert released.failed()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("date: '2099-07-30T10:15:00Z'", "date: '30/07/2099 10:15'",
         "HTHC105 'date' is not a moment in UTC: '30/07/2099 10:15'"),
        ("date: '2099-07-30T10:15:00Z'", "date: 2099-07-30T10:15:00+02:00",
         "HTHC105 'date' is not a moment in UTC"),
        ("status: open", "status: done", "HTHC104 'status' is 'done'; it must be one of: open, "
         "resolved"),
        ("language: da}", "language: de}", "HTHC106 'de' is not a language of this workspace"),
        ("RC-0a1b2c3d4e", "RC-3f9a0c21b7", "HTHC201 the id 'RC-3f9a0c21b7' is already used by "
         "a review comment at reviews/r-1.yaml:4:9"),
    ],
)
def test_a_malformed_comment_is_reported_where_it_stands(
    make_workspace: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
    old: str, new: str, message: str,
) -> None:
    root = with_reviews(make_workspace, REVIEWS.replace(old, new, 1))
    monkeypatch.chdir(root)
    shown = [f"{d.location.path} {d.code} {d.message}" for d in check_workspace(root).diagnostics]
    assert any(line.startswith("reviews/r-1.yaml " + message) for line in shown), shown


def test_the_shipped_workspace_has_no_open_comment() -> None:
    root = Path(__file__).resolve().parents[2]
    result = check_workspace(root, CheckOptions(release=False))
    assert [d for d in result.diagnostics if d.code in ("HTHC316", "HTHC320")] == []
