"""One reporter per output format, chosen by name from `REPORTERS`.

Reporters turn a `CheckResult` into text; the CLI decides where it goes. Every format
shows a file name the same way, on one line (`printable`): a byte that is not UTF-8 as
U+FFFD, a line break or other control character as its escape ('\\n'); only a SARIF URI
names the file exactly, its bytes percent-encoded. Messages are shown so in text too; the
other formats keep their line breaks, which they escape in their own way.
"""

from __future__ import annotations

import json
import os
from typing import ClassVar
from urllib.parse import quote

from hthc_cli import __version__
from hthc_cli.base.diagnostics import CODES, Diagnostic, Severity
from hthc_cli.base.suggest import printable
from hthc_cli.check.checker import CheckResult

DOCS_URL = "https://github.com/healthtechhub/hthc/blob/main/docs/checks.md"


class Reporter:
    name: ClassVar[str]

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def report(self, result: CheckResult) -> str:
        raise NotImplementedError


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def summary_line(result: CheckResult) -> str:
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    infos = result.count(Severity.INFO)
    checked = _plural(result.files, "file") + " checked"
    if not result.diagnostics:
        return f"{checked}: no problems found."
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(f"{infos} info")
    return f"{checked}: " + ", ".join(parts) + "."


class TextReporter(Reporter):
    name = "text"
    _STYLES: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"
    }

    def paint(self, text: str, style: str) -> str:
        """`text` in a rich style ('bold red') when colour is on."""
        if not self.color:
            return text
        # Only paid for with colour on: plain `hthc check` starts without rich.
        from rich.color import ColorSystem
        from rich.style import Style

        return Style.parse(style).render(text, color_system=ColorSystem.STANDARD)

    def report(self, result: CheckResult) -> str:
        lines = [self.line(d) for d in result.diagnostics]
        lines.append(self.paint(summary_line(result), "bold"))
        return "\n".join(lines) + "\n"

    def line(self, d: Diagnostic) -> str:
        where = self.paint(str(d.location), "bold")
        severity = self.paint(d.severity.label, self._STYLES[d.severity])
        out = f"{where}: {severity} {d.code} {printable(d.message)} [{d.name}]"
        if d.hint:
            out += "\n    " + self.paint("hint: ", "dim") + printable(d.hint)
        for other in d.related:
            out += f"\n    see also: {other}"
        return out


def diagnostic_dict(d: Diagnostic) -> dict[str, object]:
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.label,
        "path": printable(d.location.path),
        "line": d.location.line,
        "column": d.location.column,
        "message": printable(d.message, one_line=False),
        "hint": None if d.hint is None else printable(d.hint, one_line=False),
        "related": [
            {"path": printable(r.path), "line": r.line, "column": r.column} for r in d.related
        ],
    }


class JsonReporter(Reporter):
    name = "json"

    def report(self, result: CheckResult) -> str:
        payload = {
            "version": 1,
            "tool": {"name": "hthc", "version": __version__},
            "summary": {
                "files": result.files,
                "errors": result.count(Severity.ERROR),
                "warnings": result.count(Severity.WARNING),
                "info": result.count(Severity.INFO),
            },
            "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
        }
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


class GithubReporter(Reporter):
    """Workflow commands, one annotation per diagnostic."""

    name = "github"
    _LEVELS: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"
    }

    def report(self, result: CheckResult) -> str:
        lines = []
        for d in result.diagnostics:
            loc = d.location
            title = _gh_escape(f"{d.code} {d.name}", prop=True)
            message = printable(d.message + (f"\n{d.hint}" if d.hint else ""), one_line=False)
            lines.append(
                f"::{self._LEVELS[d.severity]} file={_gh_escape(printable(loc.path), True)},"
                f"line={loc.line},col={loc.column},title={title}::{_gh_escape(message)}"
            )
        lines.append(summary_line(result))
        return "\n".join(lines) + "\n"

    @staticmethod
    def step_summary(result: CheckResult) -> str:
        """The full list as Markdown, since GitHub shows only a few annotations per step."""
        out = ["## hthc check", "", summary_line(result), ""]
        if result.diagnostics:
            out += ["| Where | Severity | Code | Message |", "|---|---|---|---|"]
            for d in result.diagnostics:
                message = d.message + (f" ({d.hint})" if d.hint else "")
                cell = printable(message.replace("\n", " ")).replace("|", "\\|")
                out.append(
                    f"| `{d.location}` | {d.severity.label} | {d.code} {d.name} | {cell} |"
                )
        return "\n".join(out) + "\n"


class SarifReporter(Reporter):
    """SARIF 2.1.0, for code-scanning dashboards."""

    name = "sarif"
    _LEVELS: ClassVar[dict[Severity, str]] = {
        Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"
    }

    def report(self, result: CheckResult) -> str:
        used = sorted({d.code for d in result.diagnostics})
        rules = [
            {
                "id": code,
                "name": CODES[code].name,
                "shortDescription": {"text": CODES[code].summary},
                "help": {"text": CODES[code].fix},
                "helpUri": f"{DOCS_URL}#{code.lower()}",
                "defaultConfiguration": {"level": self._LEVELS[CODES[code].severity]},
            }
            for code in used
        ]
        index = {code: i for i, code in enumerate(used)}
        results = []
        for d in result.diagnostics:
            item: dict[str, object] = {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": self._LEVELS[d.severity],
                "message": {
                    "text": printable(d.message + (f" Hint: {d.hint}" if d.hint else ""),
                                      one_line=False)
                },
                "locations": [_sarif_location(d.location.path, d.location.line,
                                              d.location.column)],
            }
            if d.related:
                item["relatedLocations"] = [
                    {"id": i, **_sarif_location(r.path, r.line, r.column)}
                    for i, r in enumerate(d.related)
                ]
            results.append(item)
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "hthc",
                            "version": __version__,
                            "informationUri": DOCS_URL,
                            "rules": rules,
                        }
                    },
                    "results": results,
                }
            ],
        }
        return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _sarif_location(path: str, line: int, column: int) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": quote(os.fsencode(path.replace("\\", "/")))},
            "region": {"startLine": line, "startColumn": column},
        }
    }


REPORTERS: dict[str, type[Reporter]] = {
    cls.name: cls for cls in (TextReporter, JsonReporter, GithubReporter, SarifReporter)
}
