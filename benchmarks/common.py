"""What the benchmark scripts share: workspaces, whole-process runs, statistics, reporting."""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generate import generate

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
WORK = BENCH / ".work"
HTHC = [sys.executable, "-m", "hthc_cli"]
FLOOR_TYPER = [sys.executable, str(BENCH / "floor_typer.py")]
FLOOR_LOAD = [sys.executable, str(BENCH / "floor_load.py")]
WORKSPACE_FOLDERS = ("recommendations", "positions", "responses")


def child_env() -> dict[str, str]:
    """The environment of every measured process: the repo's `src` importable, no colour,
    bytecode cached."""
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    env["NO_COLOR"] = "1"
    env.pop("GITHUB_STEP_SUMMARY", None)
    # As an installed hthc runs: with its compiled modules cached, not recompiled each start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass(frozen=True)
class Run:
    wall: float
    rss_mb: float
    code: int
    cpu: float = 0.0
    """User plus system time of the child: steadier than wall time on a busy machine."""


def run_once(cmd: Sequence[str], env: dict[str, str]) -> Run:
    """Run `cmd` as a process; its wall time, the child's peak RSS and its exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Run(wall, usage.ru_maxrss / scale, proc.returncode, usage.ru_utime + usage.ru_stime)


def run_captured(cmd: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `cmd` untimed, keeping its output (for validation and warm-up)."""
    return subprocess.run(
        list(cmd),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


@dataclass
class Job:
    """One command measured R times."""

    key: str
    label: str
    cmd: list[str]
    runs: list[Run] = field(default_factory=list)
    env: dict[str, str] | None = None
    """The job's own environment, where it differs from the others'."""

    @property
    def median(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def best(self) -> float:
        return min(r.wall for r in self.runs)

    @property
    def rss(self) -> float:
        return statistics.median(r.rss_mb for r in self.runs)

    @property
    def codes(self) -> set[int]:
        return {r.code for r in self.runs}


def measure(jobs: Sequence[Job], repeat: int, env: dict[str, str]) -> None:
    """Run every job `repeat` times, interleaved, rotating the order from round to round."""
    for r in range(repeat):
        shift = r % len(jobs)
        order = list(jobs[shift:]) + list(jobs[:shift])
        print(f"  round {r + 1}/{repeat}", file=sys.stderr, flush=True)
        for job in order:
            job.runs.append(run_once(job.cmd, job.env or env))


def source_hash() -> str:
    return hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:16]


def ensure_workspace(n: int, *, single_source: bool = False, stamped: bool = False) -> Path:
    """A generated workspace under benchmarks/.work/, reused while the generator is unchanged."""
    name = f"n{n}-single" if single_source else f"n{n}"
    if stamped:
        name += "-stamped"
    path = WORK / name
    stamp = path / ".generated"
    made_by = source_hash()
    if stamped:  # the stamps are written by hthc's own code
        made_by += " " + hashlib.sha256(b"".join(
            (ROOT / "src" / "hthc_cli" / "workspace" / name).read_bytes()
            for name in ("approve.py", "fingerprint.py"))).hexdigest()[:16]
    want = f"n={n} single_source={single_source} stamped={stamped} generator={made_by}\n"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == want:
        return path
    if path.exists():
        shutil.rmtree(path)
    print(f"  generating {path.relative_to(ROOT)} ...", file=sys.stderr, flush=True)
    if stamped:
        # in a process of its own: stamping loads the workspace, and a child forked from a
        # large parent would report the parent's peak memory as its own
        subprocess.run([sys.executable, str(BENCH / "generate.py"), str(n), str(path),
                        "--stamped", *(["--single-source"] if single_source else [])],
                       check=True, env=child_env(), stdout=subprocess.DEVNULL)
    else:
        generate(n, path, single_source=single_source)
    stamp.write_text(want, encoding="utf-8")
    return path


def workspace_files(root: Path) -> list[Path]:
    files = sorted(root.glob("*.yaml"))
    for folder in WORKSPACE_FOLDERS:
        files += sorted((root / folder).glob("*.yaml"))
    return files


def describe(root: Path) -> str:
    files = workspace_files(root)
    size = sum(f.stat().st_size for f in files)
    return f"{len(files)} files, {size / 1024 / 1024:.1f} MiB"


def machine() -> str:
    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def tail(text: str, lines: int = 12) -> str:
    kept = text.strip().splitlines()[-lines:]
    return "\n".join("    " + ln for ln in kept)


def parse_sizes(text: str) -> list[int]:
    sizes = [int(s) for s in text.split(",") if s.strip()]
    if any(s < 10 for s in sizes):
        raise ValueError("sizes must be at least 10")
    return sorted(set(sizes))


def row(job: Job) -> str:
    codes = ",".join(str(c) for c in sorted(job.codes))
    flag = "" if job.codes == {0} else f"  (exit {codes})"
    return (
        f"    {job.label:<22} median {job.median:7.3f} s   min {job.best:7.3f} s   "
        f"cpu {job.cpu:7.3f} s   peak RSS {job.rss:6.1f} MB{flag}"
    )
