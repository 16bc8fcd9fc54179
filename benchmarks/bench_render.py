"""Time `hthc render` to .docx as a whole process, beside pandoc on the same Markdown.

python benchmarks/bench_render.py [--sizes 1000,4000] [--repeat 5] [--pandoc-up-to 1000]

For each N, a generated workspace with one source of N recommendations, hence one response
of N positions (under benchmarks/.work/), is rendered to Danish .docx. Its intermediate
Markdown (`--format md`, written once, untimed) is converted by the pandoc binary that
pypandoc-binary ships, in the same run and interleaved with hthc (for N up to
--pandoc-up-to: pandoc on the largest sizes takes long). The shipped response's render time
and a do-nothing Typer app (the startup floor, to judge growth) are measured beside them.
Prints medians, peak memory, time per position, ratios and the issue's targets.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from common import (
    FLOOR_TYPER,
    HTHC,
    ROOT,
    WORK,
    Job,
    child_env,
    ensure_workspace,
    machine,
    measure,
    parse_sizes,
    row,
    run_captured,
    tail,
    verdict,
)

PANDOC_TARGET = 0.5
PANDOC_TARGET_N = 1000
SHIPPED_TARGET_S = 1.5
GROWTH_TARGET = 1.1
RSS_TARGET_MB = 400
RSS_TARGET_N = 4000
OUT = WORK / "render"


def render_cmd(workspace: Path, response: str, fmt: str, out: Path) -> list[str]:
    return [
        *HTHC,
        "render",
        "--workspace",
        str(workspace),
        response,
        "--lang",
        "da",
        "--format",
        fmt,
        "-o",
        str(out),
    ]


def response_ids(workspace: Path) -> list[str]:
    ids: list[str] = []
    for path in sorted((workspace / "responses").glob("*.yaml")):
        with path.open("rb") as f:
            data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            ids.append(data["id"])
    return ids


def pandoc_path() -> str:
    try:
        import pypandoc
    except ImportError:
        sys.exit(
            "bench_render needs pypandoc-binary (the `bench` extra): pip install -e '.[bench]'"
        )
    return str(pypandoc.get_pandoc_path())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,4000", help="generated sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command")
    parser.add_argument(
        "--pandoc-up-to", type=int, default=PANDOC_TARGET_N, metavar="N",
        help="time pandoc only on sizes up to N",
    )
    args = parser.parse_args(argv)
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as exc:
        parser.error(str(exc))
    repeat = max(1, args.repeat)
    env = child_env()

    probe = run_captured([*HTHC, "render", "--help"], env)
    if probe.returncode != 0:
        print(
            "hthc render is not available yet, so there is nothing to measure: "
            f"`python -m hthc_cli render --help` exited {probe.returncode}.\n"
            f"{tail(probe.stderr or probe.stdout, 6)}",
            file=sys.stderr,
        )
        return 1
    pandoc = pandoc_path()
    OUT.mkdir(parents=True, exist_ok=True)

    typer_job = Job("typer", "typer floor", [*FLOOR_TYPER, "--workspace", str(ROOT)])
    tiny = OUT / "floor.md"
    tiny.write_text("# Høringssvar\n\nTak.\n", encoding="utf-8")
    pandoc_floor = Job(
        "pandoc", "pandoc floor", [pandoc, str(tiny), "-t", "docx", "-o", str(OUT / "floor.docx")]
    )
    jobs: list[Job] = [typer_job, pandoc_floor]
    hthc_jobs: dict[int, Job] = {}
    pandoc_jobs: dict[int, Job] = {}
    print("preparing workspaces and Markdown ...", file=sys.stderr, flush=True)
    for n in sizes:
        ws = ensure_workspace(n, single_source=True)
        (response,) = response_ids(ws)
        md = OUT / f"n{n}.da.md"
        made = run_captured(render_cmd(ws, response, "md", md), env)
        if made.returncode != 0 or not md.is_file():
            print(
                f"hthc render --format md failed on {ws.relative_to(ROOT)} "
                f"(exit {made.returncode}):\n{tail(made.stdout + made.stderr)}",
                file=sys.stderr,
            )
            return 1
        hthc_jobs[n] = Job(
            f"n={n}", "hthc render docx", render_cmd(ws, response, "docx", OUT / f"n{n}.da.docx")
        )
        jobs.append(hthc_jobs[n])
        if n <= args.pandoc_up_to:
            pandoc_cmd = [pandoc, str(md), "-f", "markdown", "-t", "docx", "-o"]
            pandoc_jobs[n] = Job(
                f"n={n}", "pandoc md -> docx", [*pandoc_cmd, str(OUT / f"n{n}.pandoc.docx")]
            )
            jobs.append(pandoc_jobs[n])

    shipped_job: Job | None = None
    shipped_ids = response_ids(ROOT) if (ROOT / "hthc.yaml").is_file() else []
    if shipped_ids:
        rid = shipped_ids[0]
        shipped_job = Job(
            "shipped", "hthc render docx", render_cmd(ROOT, rid, "docx", OUT / "shipped.docx")
        )
        jobs.append(shipped_job)
    else:
        print("no shipped response found: its render time is skipped\n")

    print(f"hthc render, whole process; {repeat} interleaved runs of each; {machine()}")
    print("warming up ...", file=sys.stderr, flush=True)
    for job in jobs:
        proc = run_captured(job.cmd, env)
        if proc.returncode != 0:
            print(
                f"{' '.join(job.cmd)}\nexited {proc.returncode}:\n"
                f"{tail(proc.stdout + proc.stderr)}",
                file=sys.stderr,
            )
            return 1
    measure(jobs, repeat, env)

    print()
    for n in sizes:
        md = OUT / f"n{n}.da.md"
        print(f"  n={n} positions in one response (Markdown {md.stat().st_size / 1024:.0f} KiB)")
        print(row(hthc_jobs[n]))
        if n in pandoc_jobs:
            print(row(pandoc_jobs[n]))
    print("  startup floors: a do-nothing Typer app; pandoc on a two-line file")
    print(row(typer_job))
    print(row(pandoc_floor))
    if shipped_job is not None:
        print(f"  shipped response {shipped_ids[0]}")
        print(row(shipped_job))

    floor = typer_job.median
    print("\ntime per position above the startup floor (median - typer floor) / N")
    per_position = {n: (hthc_jobs[n].median - floor) / n for n in sizes}
    for n in sizes:
        print(f"  n={n}: {per_position[n] * 1e3:7.3f} ms/position")

    print("\ntargets")
    for n in sizes:
        if n not in pandoc_jobs:
            continue
        ratio = hthc_jobs[n].median / pandoc_jobs[n].median
        target = f"(target <= {PANDOC_TARGET})  {verdict(ratio <= PANDOC_TARGET)}"
        print(f"  n={n}: hthc / pandoc = {ratio:.2f} {target if n == PANDOC_TARGET_N else ''}")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        if per_position[small] > 0:
            growth = per_position[large] / per_position[small]
            print(
                f"  time per position n={large} / n={small} = {growth:.2f} "
                f"(target <= {GROWTH_TARGET}; 1.0 = linear)  {verdict(growth <= GROWTH_TARGET)}"
            )
        else:
            print(f"  time per position: n/a, n={small} is at or below the startup floor")
    for n in sizes:
        rss = hthc_jobs[n].rss
        if n == RSS_TARGET_N:
            print(
                f"  n={n}: peak RSS {rss:.0f} MB (target < {RSS_TARGET_MB} MB)  "
                f"{verdict(rss < RSS_TARGET_MB)}"
            )
    if shipped_job is not None:
        t = shipped_job.median
        print(
            f"  shipped: {t:.3f} s (target < {SHIPPED_TARGET_S} s)  {verdict(t < SHIPPED_TARGET_S)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
