"""The benchmark's workspace generator writes a valid, consistent, clean workspace."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
N = 20


def load_generator() -> ModuleType:
    name = "hthc_benchmarks_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    load_generator().generate(N, out)
    return out


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_files_parse_and_ids_are_consistent(workspace: Path) -> None:
    config = load(workspace / "hthc.yaml")
    assert config["languages"] == ["da", "en"]
    assert set(config["organisation"]) >= {"name", "short_name", "website"}
    ref_keys = {r["key"] for r in load(workspace / "references.yaml")["references"]}

    sources: dict[str, list[str]] = {}
    ids: list[str] = []
    for path in sorted((workspace / "recommendations").glob("*.yaml")):
        data = load(path)
        rec_ids = [r["id"] for r in data["recommendations"]]
        sources[data["source"]["id"]] = rec_ids
        ids += rec_ids
        for rec in data["recommendations"]:
            assert rec["wording"] == "paraphrase"
            assert set(rec["text"]) == {"da", "en"}
    positions: dict[str, dict[str, Any]] = {}
    for path in sorted((workspace / "positions").glob("*.yaml")):
        for position in load(path)["positions"]:
            positions[position["id"]] = position
            ids.append(position["id"])
    responses = [load(p) for p in sorted((workspace / "responses").glob("*.yaml"))]
    ids += [r["id"] for r in responses]

    assert sum(len(v) for v in sources.values()) == N
    assert len(positions) == N
    assert len(ids) == len(set(ids)), "ids are unique across the workspace"

    rec_source = {rid: sid for sid, rids in sources.items() for rid in rids}
    for position in positions.values():
        assert position["status"] == "approved"
        assert len(position["addresses"]) <= 2
        assert all(a in rec_source for a in position["addresses"])
        assert len({rec_source[a] for a in position["addresses"]}) <= 1
        for lang in ("da", "en"):
            argument = position["argument"][lang]
            cited = argument.split("[@", 1)[1].split("]", 1)[0]
            assert cited in ref_keys
            target = argument.split("[[", 1)[1].split("]]", 1)[0]
            assert target in rec_source or target in positions

    assert {r["source"] for r in responses} == set(sources)
    used: set[str] = set()
    for response in responses:
        own = set(sources[response["source"]])
        used.update(response["general"])
        used.update(pid for pid, p in positions.items() if own & set(p["addresses"]))
        assert all(g in positions for g in response["general"])
    assert used == set(positions), "every position is used by a response"


def test_generator_is_deterministic(tmp_path: Path, workspace: Path) -> None:
    load_generator().generate(N, tmp_path)
    first = {p.relative_to(workspace): p.read_bytes() for p in workspace.rglob("*.yaml")}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*.yaml")}
    assert first == second


def test_hthc_check_is_clean(workspace: Path) -> None:
    try:
        found = importlib.util.find_spec("hthc_cli.cli.main") is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        pytest.skip("the hthc CLI is not importable yet")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    proc = subprocess.run(
        [sys.executable, "-m", "hthc_cli", "check", "--strict", "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


LARGEST_SINGLE_SOURCE = 10_000
"""The largest size the benchmarks generate (bench_check); bench_render goes to 4,000 in one
source."""


def test_one_source_of_the_largest_size_fits_in_one_file_hthc_reads() -> None:
    from hthc_cli.workspace.source import MAX_FILE_BYTES

    module = load_generator()
    assert module.HTHC_MAX_FILE_BYTES == MAX_FILE_BYTES
    generator = module.Generator(LARGEST_SINGLE_SOURCE, module.DEFAULT_SEED, True)
    generator.build_sources()
    (source,) = generator.sources
    size = len(generator.recommendations_file(source).encode("utf-8"))
    assert size < 0.8 * MAX_FILE_BYTES, f"{size:,} bytes leaves too little margin"


def test_the_generator_refuses_a_source_hthc_would_refuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = load_generator()
    monkeypatch.setattr(module, "HTHC_MAX_FILE_BYTES", 10_000)
    with pytest.raises(ValueError, match=r"one source of 20 recommendations is [\d,]+ bytes, "
                       r"over hthc's limit of 10,000 bytes: use fewer or several sources"):
        module.generate(N, tmp_path / "out", single_source=True)


def test_a_stamped_workspace_has_a_stamp_on_every_position_that_check_verifies(
    tmp_path: Path,
) -> None:
    from hthc_cli.check.checker import check_workspace

    module = load_generator()
    module.generate(N, tmp_path / "plain")
    module.generate(N, tmp_path / "stamped", stamped=True)
    plain = tmp_path / "plain" / "positions"
    stamped = tmp_path / "stamped" / "positions"
    for path in sorted(stamped.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        # the stamps are added; nothing else changes
        without = re.sub(r"    approved:\n(      .*\n|        .*\n)+", "", text)
        assert without == (plain / path.name).read_text(encoding="utf-8")
        assert text.count("    approved:\n") == text.count("  - id: ")
        assert "      texts:" not in text
    result = check_workspace(tmp_path / "stamped")
    assert result.diagnostics == []
