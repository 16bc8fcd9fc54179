"""Render time and memory on hostile texts, each beside a plain text of the same size.

`python benchmarks/bench_inputs.py [--size 200000] [--repeat 3]`

Each case puts one text into the check fixtures' small workspace (a title, or a position's
argument) and runs `hthc render` on it as a whole process; the baseline is the same
workspace with a text of ordinary words of the same length in the same place. Rendering
is linear in the size of the input when every ratio stays near 1 as --size grows (run it at
two sizes to see the growth), and memory per character stays bounded.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from common import HTHC, child_env, run_once

BASE = Path(__file__).resolve().parent.parent / "tests" / "check" / "fixtures" / "base"
TITLE = "      da: Dataplatformen skal være åben\n"
ARGUMENT = "        Lukkede platforme binder regionerne til én leverandør, jf. [[SSK-DATA]].\n"

CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    # (where the text goes, the text of about n characters)
    "title of '_'": ("title", lambda n: "_" * n),
    "title of '&amp;'": ("title", lambda n: "&amp;" * (n // 5)),
    "':::a' and spaces": ("argument", lambda n: ":::a" + " " * (n - 4)),
    "'[' only": ("argument", lambda n: "[" * n),
    "'[@' only": ("argument", lambda n: "[@" * (n // 2)),
    "'[[a' only": ("argument", lambda n: "[[a" * (n // 3)),
    "'*a' only": ("argument", lambda n: "*a" * (n // 2)),
    "'<' only": ("argument", lambda n: "<" * n),
    "code block of n/40 lines": ("argument", lambda n: "```\n" + "kode\n" * (n // 5) + "```"),
}


def plain(n: int) -> str:
    words = "digitalisering og data skaber værdi hos borgerne "
    return (words * (n // len(words) + 1))[:n].strip()


def workspace(folder: Path, where: str, text: str) -> Path:
    root = folder / "ws"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(BASE, root)
    path = root / "positions" / "p.yaml"
    yaml = path.read_text(encoding="utf-8")
    if where == "title":
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        yaml = yaml.replace(TITLE, f'      da: "{quoted}"\n')
    else:
        body = "".join(f"        {line}\n" if line else "\n" for line in text.split("\n"))
        yaml = yaml.replace(ARGUMENT, body)
    path.write_text(yaml, encoding="utf-8")
    return root


def measure(root: Path, repeat: int) -> tuple[float, float]:
    cmd = [*HTHC, "render", "R-1", "--lang", "da", "-w", str(root), "-o", str(root / "r.docx")]
    env = child_env()
    runs = [run_once(cmd, env) for _ in range(repeat)]
    if any(r.code != 0 for r in runs):
        raise SystemExit(f"render failed on {root}")
    return statistics.median(r.wall for r in runs), statistics.median(r.rss_mb for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"n = {args.size:,} characters, median of {args.repeat} runs")
    print(f"{'case':28} {'time':>8} {'plain':>8} {'ratio':>6} {'RSS MB':>8} {'plain':>7}")
    with tempfile.TemporaryDirectory(prefix="hthc-bench-") as tmp:
        folder = Path(tmp)
        baselines: dict[str, tuple[float, float]] = {}
        for name, (where, make) in CASES.items():
            if where not in baselines:
                baselines[where] = measure(workspace(folder, where, plain(args.size)),
                                           args.repeat)
            wall, rss = measure(workspace(folder, where, make(args.size)), args.repeat)
            base_wall, base_rss = baselines[where]
            print(f"{name:28} {wall:8.2f} {base_wall:8.2f} {wall / base_wall:6.2f} "
                  f"{rss:8.0f} {base_rss:7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
