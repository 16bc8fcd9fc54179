"""docs/checks.md, written from the table of codes: `python -m hthc_cli.check.codes_doc`."""

from __future__ import annotations

import sys

from hthc_cli.base.diagnostics import CODES

_GROUPS = (
    ("HTHC0", "Files and YAML"),
    ("HTHC1", "Schema"),
    ("HTHC2", "Identity and references"),
    ("HTHC3", "Content"),
)


def codes_markdown() -> str:
    out = [
        "# Check codes",
        "",
        "Every problem `hthc check` reports carries one of these codes. A line of its output",
        "reads `path:line:column: severity CODE message [name]`, often followed by a hint.",
        "Exit codes: 0 no errors, 1 errors (or warnings with `--strict`), 2 usage or internal",
        "failure. `--release` makes HTHC305 and HTHC314 errors.",
        "",
        "This file is generated from `src/hthc_cli/base/diagnostics.py`:",
        "`python -m hthc_cli.check.codes_doc > docs/checks.md`.",
    ]
    for prefix, title in _GROUPS:
        out += ["", f"## {title}", ""]
        for code in CODES.values():
            if not code.code.startswith(prefix):
                continue
            out += [
                f"### {code.code}",
                "",
                f"**{code.name}** ({code.severity.label}). {code.summary}",
                "",
                f"How to fix: {code.fix}",
                "",
            ]
        out.pop()
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(codes_markdown())
