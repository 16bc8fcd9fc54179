"""Workspaces for the check tests: the valid base, with a case's files laid over it."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hthc_cli.workspace.source import MAX_FILE_BYTES

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"

OVERSIZE_BYTES = MAX_FILE_BYTES + 1024 * 1024
"""What a `<path>.oversize` overlay grows to: 1 MiB over the limit."""


def lay_over(dest: Path, overlay: Path) -> list[Path]:
    """Copy `overlay` onto `dest`; returns the files meant to be unreadable.

    Besides plain files, an overlay may hold `<path>.delete` (remove `<path>`),
    `<path>.oversize` (write `<path>` with this text, padded past the size limit) and
    `<path>.unreadable` (write `<path>` with this text, then take away read permission),
    `<path>.symlink` (make `<path>` a symbolic link to the path this file holds) and
    `<path>.fifo` (make `<path>` a named pipe).
    """
    unreadable = []
    for source in sorted(p for p in overlay.rglob("*") if p.is_file()):
        target = dest / source.relative_to(overlay)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".delete":
            target.with_suffix("").unlink()
        elif target.suffix == ".oversize":
            head = source.read_bytes()
            line = b"# " + b"x" * 1021 + b"\n"
            count = (OVERSIZE_BYTES - len(head)) // len(line)
            padded = head + line * count
            target.with_suffix("").write_bytes(padded + b"#" * (OVERSIZE_BYTES - len(padded)))
        elif target.suffix == ".symlink":
            target.with_suffix("").symlink_to(source.read_text(encoding="utf-8").strip())
        elif target.suffix == ".fifo":
            os.mkfifo(target.with_suffix(""))
        elif target.suffix == ".unreadable":
            target = target.with_suffix("")
            shutil.copyfile(source, target)
            target.chmod(0)
            unreadable.append(target)
        else:
            shutil.copyfile(source, target)
    return unreadable


@pytest.fixture
def make_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """A copy of the base workspace with each given overlay folder laid over it, in order.

    Files made unreadable stay unreadable for this process even when it runs as root.
    """

    def make(*overlays: Path, name: str = "ws") -> Path:
        root = tmp_path / name
        shutil.copytree(BASE, root)
        unreadable: list[Path] = []
        for overlay in overlays:
            unreadable += lay_over(root, overlay)
        if unreadable:
            refused = {p.resolve() for p in unreadable}
            read_bytes = Path.read_bytes

            def guarded(self: Path) -> bytes:
                if self.resolve() in refused:
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
                return read_bytes(self)

            monkeypatch.setattr(Path, "read_bytes", guarded)
        return root.resolve()

    return make


_ENVIRONMENT = ("GITHUB_STEP_SUMMARY", "NO_COLOR", "HTHC_DEBUG")


@pytest.fixture
def hthc_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m hthc_cli ARGS` in `cwd` as a separate process, as CI would."""

    def run(
        *args: str | Path, cwd: Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if k not in _ENVIRONMENT}
        environ.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "hthc_cli", *map(str, args)],
            cwd=cwd, env=environ, capture_output=True, text=True, encoding="utf-8",
            timeout=60, check=False,
        )

    return run


@pytest.fixture
def hthc(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the `hthc` entry point with ARGS in `cwd`, in this process (much faster)."""
    from hthc_cli.cli.main import run as entry_point

    def run(
        *args: str | Path, cwd: Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as patch:
            patch.chdir(cwd)
            for name in _ENVIRONMENT:
                patch.delenv(name, raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            argv = ["hthc", *map(str, args)]
            patch.setattr(sys, "argv", argv)
            capsys.readouterr()
            with pytest.raises(SystemExit) as exit_:
                entry_point()
            out, err = capsys.readouterr()
        code = exit_.value.code
        return subprocess.CompletedProcess(argv, code if isinstance(code, int) else 1, out, err)

    return run
