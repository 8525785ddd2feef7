"""The benchmark registry: a name → where its rows come from and in which layout.

``--benchmark`` accepts a registry name (embedded file; else a local copy in ``$NATURALTHOUGHTS_BENCHMARK_DIR``
named ``NAME.{csv,jsonl,json,parquet}`` or by its official file name; else the hub when reachable), ``NAME:PATH``
(a local copy of an official release, read in that benchmark's layout) or a bare file path (layout detected from
its columns).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from naturalthoughts.stages.evaluation.items import BenchmarkError, Item
from naturalthoughts.stages.evaluation.loaders import load_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Benchmark:
    layout: str
    description: str
    hub: str | None = None  # "hf://OWNER/NAME[@CONFIG]:SPLIT", tried when no local file is given
    embedded: str | None = None  # file inside naturalthoughts/data
    get: str = ""  # where to download the official files
    files: tuple[str, ...] = ()  # official file names looked for in $NATURALTHOUGHTS_BENCHMARK_DIR before the hub


BENCHMARK_DIR_ENV = "NATURALTHOUGHTS_BENCHMARK_DIR"
_SUFFIXES = (".csv", ".jsonl", ".json", ".parquet")


# Literal registry (one screen). Seeds per the paper (§7): 24 GPQA-D, 16 MATH-500, 1 MMLU-Pro / SuperGPQA.
BENCHMARKS: dict[str, Benchmark] = {
    "nt-mcq": Benchmark("mcq", "48 original multiple-choice questions written for this project (CC-BY-4.0)",
                        embedded="eval/nt_mcq.jsonl"),
    "gpqa-diamond": Benchmark("gpqa", "GPQA-Diamond, 198 graduate-level science questions",
                              hub="hf://Idavidrein/gpqa@gpqa_diamond:train", files=("gpqa_diamond.csv",),
                              get="https://github.com/idavidrein/gpqa (dataset.zip, password in the README) or the "
                                  "gated hub dataset Idavidrein/gpqa; use gpqa_diamond.csv"),
    "mmlu-pro": Benchmark("mmlu-pro", "MMLU-Pro test split, 12k questions with up to 10 options",
                          hub="hf://TIGER-Lab/MMLU-Pro:test", get="https://huggingface.co/datasets/TIGER-Lab/MMLU-Pro"),
    "supergpqa": Benchmark("supergpqa", "SuperGPQA, 26.5k questions over 285 graduate disciplines",
                           hub="hf://m-a-p/SuperGPQA:train", get="https://huggingface.co/datasets/m-a-p/SuperGPQA"),
    "math-500": Benchmark("math500", "MATH-500 open-answer competition problems (graded with math-verify)",
                          hub="hf://HuggingFaceH4/MATH-500:test", get="https://huggingface.co/datasets/HuggingFaceH4/MATH-500"),
}


@dataclass
class LoadedBenchmark:
    name: str
    items: list[Item]
    source: str
    info: dict[str, Any] = field(default_factory=dict)
    path: str | None = None  # local file the rows came from (recorded as a stage input), None for the hub


def embedded_file(relative: str) -> Path:
    return Path(str(resources.files("naturalthoughts") / "data" / relative))


def load_benchmark(ref: str, *, limit: int | None = None) -> LoadedBenchmark:
    """Load ``ref`` (``NAME``, ``NAME:PATH`` or ``PATH``), checked, optionally cut to its first ``limit`` items."""
    name, sep, rest = ref.partition(":")
    if sep and name in BENCHMARKS and not Path(ref).exists():
        bench, path = BENCHMARKS[name], rest
        if not Path(path).exists() and not path.startswith("hf://"):
            raise BenchmarkError(f"{name}: no such file {path!r}")
        items, info = load_file(path, bench.layout)
        loaded = LoadedBenchmark(name, items, path, info, path=None if path.startswith("hf://") else path)
    elif ref in BENCHMARKS:
        loaded = _load_registered(ref, BENCHMARKS[ref])
    elif Path(ref).exists() or ref.startswith("hf://"):
        items, info = load_file(ref)
        loaded = LoadedBenchmark(Path(ref).stem, items, ref, info, path=None if ref.startswith("hf://") else ref)
    else:
        raise BenchmarkError(f"unknown benchmark {ref!r}: not a registered name ({', '.join(BENCHMARKS)}) and "
                             f"no such file; give NAME, NAME:PATH or a JSONL/CSV/Parquet path")
    if limit is not None:
        loaded.items = loaded.items[:limit]
        loaded.info["limit"] = limit
    return loaded


def _load_registered(name: str, bench: Benchmark) -> LoadedBenchmark:
    if bench.embedded:
        path = embedded_file(bench.embedded)
        items, info = load_file(path, bench.layout)
        return LoadedBenchmark(name, items, f"embedded:{bench.embedded}", info, path=str(path))
    local = _local_copy(name, bench)
    if local is not None:
        items, info = load_file(local, bench.layout)
        return LoadedBenchmark(name, items, str(local), info, path=str(local))
    assert bench.hub
    try:
        items, info = load_file(bench.hub, bench.layout)
    except BenchmarkError:
        raise
    except Exception as exc:  # offline, gated, datasets missing: all end in the same advice
        offline = " (HF_HUB_OFFLINE is set)" if os.environ.get("HF_HUB_OFFLINE") in ("1", "true") else ""
        raise BenchmarkError(
            f"{name}: could not load {bench.hub} from the Hugging Face hub{offline}: {type(exc).__name__}: "
            f"{str(exc)[:200]}. Download the official release ({bench.get}) and pass "
            f"--benchmark {name}:PATH (or put it in ${BENCHMARK_DIR_ENV} as {name}.jsonl/.csv/.parquet)") from exc
    return LoadedBenchmark(name, items, bench.hub, info)


def _local_copy(name: str, bench: Benchmark) -> Path | None:
    """``$NATURALTHOUGHTS_BENCHMARK_DIR/{NAME}.{csv,jsonl,json,parquet}`` or an official file name there."""
    folder = os.environ.get(BENCHMARK_DIR_ENV)
    if not folder:
        return None
    candidates = [Path(folder) / f"{name}{suffix}" for suffix in _SUFFIXES] + [Path(folder) / f for f in bench.files]
    return next((c for c in candidates if c.is_file()), None)
