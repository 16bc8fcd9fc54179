"""Time `hthc diff` (the .docx redline) beside `hthc render` of one side, as whole processes.

python benchmarks/bench_diff.py [--size 1000] [--repeat 5]

A generated workspace of N positions in one response (benchmarks/.work/) is copied into a
git repository (benchmarks/.work/diff-nN/) and committed; a second commit edits a few
percent of its texts: a word in the argument of every 25th position, the stance of every
50th (its stance line and its row of the annex table), a table cell in the argument of
every 40th, a proposal added to every 60th. `hthc diff HEAD~1 HEAD` and `hthc render` of
the second commit are measured interleaved in the same run; prints medians and their
ratio beside the issue's target (diff <= 2x render at N=1,000).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from common import (
    HTHC,
    WORK,
    Job,
    child_env,
    ensure_workspace,
    machine,
    measure,
    row,
    tail,
    verdict,
)

TARGET = 2.0
STANCES = ("support", "support-with-reservations", "oppose", "neutral")


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def edit_positions(text: str, counter: list[int]) -> tuple[str, int]:
    """The file's positions with a few percent of them edited; how many texts changed."""
    blocks = text.split("\n  - id: ")
    changed = 0
    for index in range(1, len(blocks)):
        counter[0] += 1
        n = counter[0]
        block = blocks[index]
        before = block
        if n % 25 == 0:
            block = block.replace(" Det er dog afgørende,", " Det er dog helt afgørende,", 1)
        if n % 50 == 0:
            match = re.search(r"\n    stance: (\S+)", block)
            if match:
                new = STANCES[(STANCES.index(match.group(1)) + 1) % len(STANCES)
                              ] if match.group(1) in STANCES else "support"
                block = block[: match.start(1)] + new + block[match.end(1):]
        if n % 40 == 0:
            block = block.replace("| 3 systemer |", "| 4 systemer |", 1)
        if n % 60 == 0:
            block = block.replace(
                "\n    proposals:\n",
                '\n    proposals:\n      - da: "Mål effekten hvert år."\n'
                '        en: "Measure the effect every year."\n', 1)
        if block != before:
            changed += 1
        blocks[index] = block
    return "\n  - id: ".join(blocks), changed


def make_repository(n: int) -> tuple[Path, int]:
    source = ensure_workspace(n, single_source=True)
    repo = WORK / f"diff-n{n}"
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(source, repo, ignore=shutil.ignore_patterns(".generated", "build"))
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "bench@example.org")
    git(repo, "config", "user.name", "bench")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "before", date="2026-11-01T10:00:00Z")
    counter = [0]
    changed = 0
    for path in sorted((repo / "positions").glob("*.yaml")):
        text, count = edit_positions(path.read_text(encoding="utf-8"), counter)
        path.write_text(text, encoding="utf-8")
        changed += count
    git(repo, "commit", "-qam", "after", date="2026-11-02T10:00:00Z")
    return repo, changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="positions in the response")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command")
    args = parser.parse_args(argv)
    env = child_env()
    env["HTHC_CACHE_DIR"] = "off"
    print("preparing the repository ...", file=sys.stderr, flush=True)
    repo, changed = make_repository(args.size)
    out = WORK / "diff-out"
    out.mkdir(parents=True, exist_ok=True)
    diff_job = Job("diff", "hthc diff docx", [*HTHC, "diff", "--workspace", str(repo), "HEAD~1",
                                              "HEAD", "-o", str(out / "redline.docx")])
    render_job = Job("render", "hthc render docx", [*HTHC, "render", "--workspace", str(repo),
                                                    "--lang", "da", "-o",
                                                    str(out / "render.docx")])
    jobs = [diff_job, render_job]
    for job in jobs:
        proc = subprocess.run(job.cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            print(f"{' '.join(job.cmd)}\nexited {proc.returncode}:\n"
                  f"{tail(proc.stdout + proc.stderr)}", file=sys.stderr)
            return 1
    print(f"hthc diff, whole process; {args.repeat} interleaved runs of each; {machine()}")
    print(f"  n={args.size} positions; the second commit changes {changed} of them")
    measure(jobs, max(1, args.repeat), env)
    print(row(diff_job))
    print(row(render_job))
    ratio = diff_job.median / render_job.median
    print("\ntargets")
    print(f"  n={args.size}: diff / render = {ratio:.2f} (target <= {TARGET})  "
          f"{verdict(ratio <= TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
