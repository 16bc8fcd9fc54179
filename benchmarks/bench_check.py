"""Time `hthc check` as a whole process, with its peak memory, beside its floors.

python benchmarks/bench_check.py [--sizes 2000,10000] [--repeat 7] [--stamps]
                                 [--compare-src DIR]

Workspaces: the shipped one (the repository root) and generated ones of N recommendations and
N positions (under benchmarks/.work/, reused while the generator is unchanged). Floors,
measured in the same run and interleaved with hthc: a do-nothing Typer app
(floor_typer.py), and for generated workspaces that app plus loading every YAML file with
libyaml (floor_load.py). Prints medians, ratios and the issue's targets; always exits 0.
`--stamps` generates the workspaces with every position stamped by `hthc approve`, so that
check verifies a fingerprint per position. `--compare-src DIR` also times the hthc whose
`src/` folder is DIR (another checkout), in the same interleaved runs: before and after.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from common import (
    FLOOR_LOAD,
    FLOOR_TYPER,
    HTHC,
    ROOT,
    Job,
    child_env,
    describe,
    ensure_workspace,
    machine,
    measure,
    parse_sizes,
    row,
    run_captured,
    tail,
    verdict,
)

SHIPPED_TARGET = 1.3
GENERATED_TARGET = 1.5
RSS_TARGET_MB = 400.0
RSS_TARGET_N = 10_000
GROWTH_TARGET = 1.25
DOORSTOP = "Doorstop: 3.4 s to validate 2,000 small items (issue 2)"


def check_cmd(workspace: Path) -> list[str]:
    return [*HTHC, "check", "--workspace", str(workspace)]


def hthc_available(env: dict[str, str]) -> str | None:
    """None when `hthc check` runs; otherwise why not."""
    proc = run_captured([*HTHC, "check", "--help"], env)
    if proc.returncode == 0:
        return None
    return tail(proc.stderr or proc.stdout, 4) or f"    exit {proc.returncode}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,10000", help="generated sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command")
    parser.add_argument("--stamps", action="store_true",
                        help="stamp every generated position, as hthc approve does")
    parser.add_argument("--compare-src", type=Path, default=None, metavar="DIR",
                        help="also time the hthc of this src/ folder (another checkout)")
    args = parser.parse_args(argv)
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as exc:
        parser.error(str(exc))
    repeat = max(1, args.repeat)
    env = child_env()

    missing = hthc_available(env)
    if missing:
        print(f"hthc check is not available yet; measuring the floors only.\n{missing}\n")

    shipped = ROOT if (ROOT / "hthc.yaml").is_file() else None
    if shipped is None:
        print("no hthc.yaml at the repository root: the shipped workspace is skipped\n")
    generated = {n: ensure_workspace(n, stamped=args.stamps) for n in sizes}

    typer_job = Job("typer", "typer floor", [*FLOOR_TYPER, "--workspace", str(ROOT)])
    jobs: list[Job] = [typer_job]
    hthc_jobs: dict[str, Job] = {}
    load_jobs: dict[int, Job] = {}
    targets: list[tuple[str, Path, int | None]] = []
    if shipped is not None:
        targets.append(("shipped", shipped, None))
    targets += [(f"n={n}", path, n) for n, path in generated.items()]
    other_jobs: dict[str, Job] = {}
    other_env = dict(env)
    if args.compare_src is not None:
        other_env["PYTHONPATH"] = str(args.compare_src.resolve())
    for key, path, _ in targets:
        if not missing:
            hthc_jobs[key] = Job(key, "hthc check", check_cmd(path))
            jobs.append(hthc_jobs[key])
        if args.compare_src is not None:
            other_jobs[key] = Job(key, "hthc check (compared)", check_cmd(path), env=other_env)
            jobs.append(other_jobs[key])
    for n, path in generated.items():
        load_jobs[n] = Job(f"n={n}", "typer + libyaml load", [*FLOOR_LOAD, str(path)])
        jobs.append(load_jobs[n])

    stamps = ", every position stamped" if args.stamps else ""
    print(f"hthc check, whole process; {repeat} interleaved runs of each{stamps}; {machine()}")
    print("warming up and validating ...", file=sys.stderr, flush=True)
    not_clean: dict[str, str] = {}
    for job in jobs:
        proc = run_captured(job.cmd, job.env or env)
        if proc.returncode == 0:
            continue
        if hthc_jobs.get(job.key) is job or other_jobs.get(job.key) is job:
            not_clean[job.key] = f"exit {proc.returncode}:\n{tail(proc.stdout + proc.stderr)}"
        else:
            print(f"{job.label} failed:\n{tail(proc.stderr)}")
            return 0
    measure(jobs, repeat, env)

    print()
    for key, path, size in targets:
        where = path if size is None else path.relative_to(ROOT)
        print(f"  {key}: {where} ({describe(path)})")
        if key in hthc_jobs:
            print(row(hthc_jobs[key]))
        if key in other_jobs:
            print(row(other_jobs[key]))
        print(row(typer_job))
        if size is not None:
            print(row(load_jobs[size]))
        if key in not_clean:
            print(f"    hthc check is not clean here ({not_clean[key]})")

    print("\ntargets")
    if not missing:
        if shipped is not None:
            ratio = hthc_jobs["shipped"].median / typer_job.median
            cpu = hthc_jobs["shipped"].cpu / typer_job.cpu
            print(
                f"  shipped: hthc / typer floor = {ratio:.2f} "
                f"(target <= {SHIPPED_TARGET})  {verdict(ratio <= SHIPPED_TARGET)}"
                f"   [cpu time: {cpu:.2f}]"
            )
        for n in sizes:
            job = hthc_jobs[f"n={n}"]
            ratio = job.median / load_jobs[n].median
            cpu = job.cpu / load_jobs[n].cpu
            print(
                f"  n={n}: hthc / load floor = {ratio:.2f} "
                f"(target <= {GENERATED_TARGET})  {verdict(ratio <= GENERATED_TARGET)}"
                f"   [cpu time: {cpu:.2f}]"
            )
            if f"n={n}" in other_jobs:
                other = other_jobs[f"n={n}"]
                print(f"  n={n}: compared hthc ({args.compare_src}) / load floor = "
                      f"{other.median / load_jobs[n].median:.2f}"
                      f"   [cpu time: {other.cpu / load_jobs[n].cpu:.2f}]")
            if n == RSS_TARGET_N:
                print(
                    f"  n={n}: peak RSS {job.rss:.0f} MB "
                    f"(target < {RSS_TARGET_MB:.0f} MB)  {verdict(job.rss < RSS_TARGET_MB)}"
                )
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        print(
            f"\ngrowth n={small} -> n={large}: time per item above the typer floor, "
            f"large / small (1.0 = linear)"
        )
        per_item: list[tuple[str, Job, Job]] = [
            ("libyaml load", load_jobs[small], load_jobs[large])
        ]
        if not missing:
            per_item.insert(0, ("hthc check", hthc_jobs[f"n={small}"], hthc_jobs[f"n={large}"]))
        for label, a, b in per_item:
            unit_a = (a.median - typer_job.median) / small
            unit_b = (b.median - typer_job.median) / large
            if unit_a <= 0 or unit_b <= 0:
                print(f"  {label:<14} n/a: at or below its floor")
                continue
            growth = unit_b / unit_a
            line = (
                f"  {label:<14} {unit_a * 1e3:6.3f} ms/item -> {unit_b * 1e3:6.3f} ms/item"
                f" = {growth:.2f}"
            )
            if label == "hthc check":
                line += f" (target <= {GROWTH_TARGET})  {verdict(growth <= GROWTH_TARGET)}"
            print(line)
    print(f"\nfor scale: {DOORSTOP}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
