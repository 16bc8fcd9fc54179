"""What check found in each text, kept between runs: a text that has not changed is not read
again.

Reading every Markdown text with the dialect's parser is most of the time `hthc check` takes
on a large workspace, and most texts are the same from one run (one commit, one pre-commit
hook) to the next. The findings of each text are stored by the text's SHA-1 in one file per
workspace in the user's cache folder (never in the workspace): `$HTHC_CACHE_DIR`, else
`$XDG_CACHE_HOME/hthc`, else `~/.cache/hthc`. The file names the version of hthc and a
digest of the markup module's source and of markdown-it-py's and its plugins', so any
change to the grammar starts afresh. `HTHC_CACHE_DIR=off` turns the store off. A store that
cannot be read or written is ignored: the texts are read as if it were empty.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from functools import cache
from pathlib import Path
from typing import Any

from hthc_cli.markup.analysis import Analysis, Finding

_FORMAT = 1
_VARIABLE = "HTHC_CACHE_DIR"


class FindingStore:
    """Analyses by the SHA-1 of their text: those read from the file, those made now."""

    def __init__(self, path: Path | None, entries: dict[bytes, Any]) -> None:
        self.path = path
        self._entries = entries
        self._used: dict[bytes, Any] = {}
        self._new = False

    def get(self, key: bytes) -> Analysis | None:
        packed = self._entries.get(key)
        if packed is None:
            return None
        self._used[key] = packed
        return _unpack(packed)

    def put(self, key: bytes, analysis: Analysis) -> None:
        self._used[key] = _pack(analysis)
        self._new = True

    def save(self) -> None:
        """Write what this run used (so the file never grows past the workspace), if new."""
        if self.path is None or not (self._new or len(self._used) < len(self._entries)):
            return
        import tempfile

        data = marshal.dumps((_FORMAT, _grammar(), self._used))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".findings-", dir=self.path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(name, self.path)
        except OSError:
            return


def open_store(workspace_root: Path) -> FindingStore:
    """The store of the workspace at `workspace_root` (empty when there is none yet)."""
    path = _store_path(workspace_root)
    if path is None:
        return FindingStore(None, {})
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return FindingStore(path, {})
    if (not isinstance(loaded, tuple) or len(loaded) != 3 or loaded[0] != _FORMAT
            or loaded[1] != _grammar() or not isinstance(loaded[2], dict)):
        return FindingStore(path, {})
    return FindingStore(path, loaded[2])


def _store_path(workspace_root: Path) -> Path | None:
    configured = os.environ.get(_VARIABLE)
    if configured is not None and configured.strip().lower() in ("off", "0", "none", ""):
        return None
    if configured:
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "hthc"
    name = hashlib.sha1(str(workspace_root.resolve()).encode("utf-8", "surrogatepass"),
                        usedforsecurity=False).hexdigest()[:20]
    return folder / f"findings-{name}.bin"


@cache
def _grammar() -> str:
    """Which grammar the findings were made with: hthc's version, the markup module's source,
    and markdown-it-py's and its plugins' (their `__init__`, which names their version, read
    without importing them)."""
    from importlib.util import find_spec

    from hthc_cli import __version__

    digest = hashlib.sha1(usedforsecurity=False)
    for module in ("parser.py", "analysis.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    for package in ("markdown_it", "mdit_py_plugins"):
        spec = find_spec(package)
        if spec is not None and spec.origin:
            digest.update(Path(spec.origin).read_bytes())
    return f"{__version__} {digest.hexdigest()}"


def _pack(analysis: Analysis) -> Any:
    def findings(found: list[Finding]) -> tuple[Any, ...]:
        return tuple(tuple(f) for f in found)

    return (findings(analysis.links), findings(analysis.citations),
            tuple(sorted(analysis.anchors)), findings(analysis.pitfalls))


def _unpack(packed: Any) -> Analysis:
    links, citations, anchors, pitfalls = packed
    make = Finding._make
    return Analysis(
        [make(f) for f in links], [make(f) for f in citations], set(anchors),
        [make(f) for f in pitfalls],
    )
