"""Mutation fuzzing of the shipped workspace's YAML: whatever a file holds, check reports it.

Lines are deleted, duplicated, swapped and re-indented; values are given tags; characters
that editors, Word and web pages bring in are inserted. For every mutated workspace `hthc
check` must end without a traceback, and every diagnostic must point inside a file that
exists. CI runs a fixed, bounded set of examples; HTHC_FUZZ_EXAMPLES=5000 runs that many,
drawn afresh.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hthc_cli.check.checker import check_workspace

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("hthc.yaml", "references.yaml", "positions", "recommendations", "responses")

EXAMPLES = int(os.environ.get("HTHC_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 60,
    derandomize=not EXAMPLES,  # CI: the same examples every run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def shipped_files() -> dict[str, bytes]:
    files = {}
    for name in SHIPPED:
        path = ROOT / name
        for file in sorted(path.rglob("*.yaml")) if path.is_dir() else [path]:
            files[file.relative_to(ROOT).as_posix()] = file.read_bytes()
    return files


FILES = shipped_files()

ODD = (
    b"\x00", b"\x07", b"\x1b[31m", b"\x7f", "\x85".encode(), "\u2028".encode(),
    "\u2029".encode(), "\xa0".encode(), "\u202f".encode(), "\u200b".encode(), b"\t", b"\r",
    b"\r\n", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xff", b"\xc3", b"\xfe\xff",
    "\ufffe".encode(), "\U0001f600".encode(), "e\u0301".encode(), b"x" * 100_000,
    b"a " * 30_000, b"&a ", b"*a ", b"<<: ", b"!!", b"!", b"{", b"}", b"[", b"]", b"'", b'"',
    b"|", b">", b"#", b"- ", b": ", b":", b"? ", b"\\", b"%", b"@", b"`", b",", b"---\n",
    b"...\n", b"%YAML 1.1\n", b"[[", b"]]", b"[@", b"[^1]", b"```", b":::", b"<b>",
)
"""Characters and fragments to insert: controls, invisible and odd spaces, bytes that are
not UTF-8 (a lone surrogate encoded), YAML indicators, the Markdown dialect's marks, and
very long lines."""

TAGS = (
    "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", "!!set",
    "!!omap", "!!pairs", "!!seq", "!!map", "!!merge", "!!value", "!!python/object:os.system",
    "!!python/name:os.system", "!custom", "!<tag:yaml.org,2002:int>", "!", "!!",
)

index = st.integers(min_value=0, max_value=10_000)
mutation = st.one_of(
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("indent"), index, st.integers(min_value=-6, max_value=6)),
    st.tuples(st.just("tag"), index, st.sampled_from(TAGS)),
    st.tuples(st.just("insert"), index, index, st.sampled_from(ODD)),
    st.tuples(st.just("insert"), index, index,
              st.one_of(st.binary(max_size=12), st.text(max_size=12).map(str.encode))),
    st.tuples(st.just("truncate"), index, index),
)
mutations = st.lists(
    st.tuples(st.sampled_from(sorted(FILES)), mutation), min_size=1, max_size=6
)


def mutate(data: bytes, change: tuple[object, ...]) -> bytes:
    """One change to a file's bytes; line numbers and offsets wrap around."""
    lines = data.split(b"\n")
    kind, at = change[0], int(change[1]) % len(lines)  # type: ignore[call-overload]
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    elif kind == "swap":
        other = int(change[2]) % len(lines)  # type: ignore[call-overload]
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "indent":
        delta = int(change[2])  # type: ignore[call-overload]
        line = lines[at]
        lines[at] = b" " * delta + line if delta >= 0 else line[min(-delta, len(line) - len(
            line.lstrip(b" "))):]
    elif kind == "tag":
        line = lines[at]
        colon = line.find(b": ")
        dash = line.find(b"- ")
        where = colon + 2 if colon != -1 else (dash + 2 if dash != -1 else len(line))
        lines[at] = line[:where] + str(change[2]).encode() + b" " + line[where:]
    elif kind == "insert":
        line = lines[at]
        column = int(change[2]) % (len(line) + 1)  # type: ignore[call-overload]
        lines[at] = line[:column] + bytes(change[3]) + line[column:]  # type: ignore[call-overload]
    elif kind == "truncate":
        line = lines[at]
        lines[at] = line[: int(change[2]) % (len(line) + 1)]  # type: ignore[call-overload]
        del lines[at + 1:]
    return b"\n".join(lines)


def mutated(changes: list[tuple[str, tuple[object, ...]]]) -> dict[str, bytes]:
    files = dict(FILES)
    for name, change in changes:
        files[name] = mutate(files[name], change)
    return files


@contextmanager
def workspace(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hthc-fuzz-") as folder:
        root = Path(folder)
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


def assert_located_inside_files(root: Path) -> None:
    result = check_workspace(root)
    for d in result.diagnostics:
        path = Path(d.location.path)
        path = path if path.is_absolute() else Path.cwd() / path
        assert path.resolve().is_relative_to(root.resolve()), d
        assert path.is_file(), d
        text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
        lines = re.split(r"\r\n?|\n", text)  # a lone CR ends a line, to YAML and editors
        assert 1 <= d.location.line <= len(lines), d
        assert 1 <= d.location.column <= len(lines[d.location.line - 1]) + 1, d
        for other in d.related:
            assert other.line >= 1, d


@FUZZ
@given(changes=mutations)
def test_check_reports_every_mutation_located_without_a_traceback(
    changes: list[tuple[str, tuple[object, ...]]],
) -> None:
    with workspace(mutated(changes)) as root:
        assert_located_inside_files(root)


@pytest.mark.parametrize(("changes", "fmt"), [
    pytest.param([("positions/general.yaml", ("insert", 3, 4, b"\x00"))], "text", id="nul"),
    pytest.param([("hthc.yaml", ("tag", 2, "!!timestamp"))], "json", id="tag"),
    pytest.param([("positions/governance.yaml", ("indent", 5, 3)),
                  ("references.yaml", ("insert", 1, 0, b"\xff"))], "sarif",
                 id="indent-and-latin-1"),
    pytest.param([("recommendations/sundhedsstrukturkommissionen-2024.yaml",
                   ("insert", 8, 2, b"x" * 100_000))], "github", id="long-line"),
])
def test_check_as_a_process_ends_in_time_without_a_traceback(
    changes: list[tuple[str, tuple[object, ...]]], fmt: str
) -> None:
    with workspace(mutated(changes)) as root:
        env = {k: v for k, v in os.environ.items() if k != "HTHC_DEBUG"}
        run = subprocess.run(
            [sys.executable, "-m", "hthc_cli", "check", "--format", fmt], cwd=root, env=env,
            capture_output=True, timeout=60, check=False,
        )
        assert run.returncode == 1, run.stderr  # each mutation is an error
        assert run.stderr == b""
        run.stdout.decode("utf-8")  # valid UTF-8, whatever the files hold


def test_the_mutations_start_from_the_shipped_workspace() -> None:
    assert {"hthc.yaml", "references.yaml"} <= set(FILES)
    assert any(name.startswith("positions/") for name in FILES)
    assert mutate(b"a: 1\nb: 2\n", ("swap", 0, 1)) == b"b: 2\na: 1\n"
    assert mutate(b"a: 1\n  b: 2\n", ("indent", 1, -4)) == b"a: 1\nb: 2\n"
    assert mutate(b"a: 1\n", ("tag", 0, "!!int")) == b"a: !!int 1\n"
