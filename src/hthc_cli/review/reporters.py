"""How a review is shown: one reporter class per output format, chosen by name."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from hthc_cli.base.suggest import printable
from hthc_cli.review.findings import Finding
from hthc_cli.review.importer import Review

JSON_VERSION = 1


class Reporter:
    name: ClassVar[str]

    def report(self, review: Review) -> str:
        raise NotImplementedError


def _where(finding: Finding) -> str:
    if finding.line is None:
        return printable(finding.path)
    return f"{printable(finding.path)}:{finding.line}:{finding.column}"


def _about(finding: Finding) -> str:
    parts = [finding.kind]
    if finding.where:
        parts.append(f"in a {finding.where}" if finding.where != "footnote"
                     else "in a footnote")
    if finding.item:
        parts.append(f"{finding.item} {finding.field} ({finding.language})")
    elif finding.line is None:
        parts.append("outside the workspace's texts")
    if finding.author:
        parts.append(f"by {finding.author}")
    if finding.date:
        parts.append(finding.date[:10])
    return " ".join(parts)


def _one_line(text: str | None) -> str:
    """A comment's paragraphs on one line, a pilcrow between them."""
    return " ¶ ".join((text or "").split("\n"))


class TextReporter(Reporter):
    """Like `hthc check`: one finding a line, `file:line:col: kind ITEM field (lang) …`."""

    name = "text"

    def report(self, review: Review) -> str:
        out = []
        found = review.map
        what = ", ".join(x for x in (
            f"response {found.response}" if found.response else "",
            f"language {found.language}" if found.language else "",
            f"rendered at {found.revision[:12]}" if found.revision else "") if x)
        out.append(f"{printable(review.path.as_posix())}: {what or 'not an hthc document'}")
        for note in found.notes:
            out.append(f"  note: {note}")
        for finding in review.findings:
            out.append(self.line(finding))
        counts = {kind: sum(1 for f in review.findings if f.kind == kind)
                  for kind in dict.fromkeys(f.kind for f in review.findings)}
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "no findings"
        conflicts = len({id(f.located) for f in review.findings if f.conflict})
        if conflicts:
            summary += f"; {conflicts} text(s) changed in the workspace since the render"
        out.extend(review.applied)
        out.extend(review.refused)
        out.append(summary)
        return "\n".join(out) + "\n"

    def line(self, finding: Finding) -> str:
        head = f"{_where(finding)}: {_about(finding)}"
        if finding.kind == "comment":
            state = "resolved" if finding.resolved else "open"
            lines = [f"{head} ({state}) on \u201c{_one_line(finding.anchor)}\u201d: "
                     f"{_one_line(finding.body)}"]
            lines += [f"    reply by {r.author} {r.date[:10]}: {_one_line(r.body)}"
                      for r in finding.replies]
            return "\n".join(lines)
        text = f"{head}: {finding.diff}"
        if finding.conflict:
            text += ("\n    conflict: this text changed in the workspace since the document "
                     "was rendered; nothing of it is applied")
        return text


class JsonReporter(Reporter):
    """`{"version", "document", "response", "language", "revision", "findings": [...]}`."""

    name = "json"

    def report(self, review: Review) -> str:
        found = review.map
        data: dict[str, Any] = {
            "version": JSON_VERSION,
            "document": review.path.as_posix(),
            "response": found.response,
            "language": found.language,
            "revision": found.revision,
            "matched_by_text": found.by_text,
            "findings": [self.finding(f) for f in review.findings],
            "applied": review.applied,
            "refused": review.refused,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @staticmethod
    def finding(f: Finding) -> dict[str, Any]:
        return {
            "kind": f.kind, "path": f.path, "line": f.line, "column": f.column,
            "item": f.item, "field": f.field, "language": f.language,
            "author": f.author, "date": f.date, "before": f.before, "after": f.after,
            "anchor": f.anchor, "body": f.body,
            "replies": [{"author": r.author, "date": r.date, "body": r.body}
                        for r in f.replies],
            "resolved": f.resolved, "where": f.where or None, "diff": f.diff or None,
            "conflict": f.conflict,
        }


REPORTERS: dict[str, type[Reporter]] = {r.name: r for r in (TextReporter, JsonReporter)}
