"""Read a run folder into plain data for the report: stage states, manifests, distributions, evaluations.

Only stage folders and manifests are read (never a live stage), and every part is optional: a run that stopped
after selection, or a pool without a ``verbosity`` column, still gets a report with what is there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from naturalthoughts.core.datafiles import DATA_DIR, data_files, dataset_schema, read_all
from naturalthoughts.core.store import DATA_FILE, MANIFEST_FILE, SUCCESS_FILE

# Stage folder names, kept in step with naturalthoughts.pipeline.recipe.STAGE_KINDS (read here without
# importing the pipeline so `report` also works on folders laid out by hand).
STAGE_FOLDERS = {
    "ingest": "01-ingest", "generate": "02-generate", "annotate": "03-annotate", "select": "04-select",
    "build-sft": "05-build-sft", "train": "06-train", "evaluate": "07-evaluate", "report": "08-report",
}
MULTI_STAGES = ("select", "build-sft", "train", "evaluate")
LENGTH_BINS = (0, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 16384)
# Columns the distributions need; reading only these keeps the report fast on big pools.
STAT_COLUMNS = ("domain", "strategies", "num_strategies", "reasoning_tokens", "completion_tokens",
                "verbosity", "agree", "reference_agree")


@dataclass
class StageInfo:
    """One stage instance as found on disk."""

    stage: str
    name: str
    folder: Path
    complete: bool
    manifest: dict[str, Any] | None
    state: dict[str, Any] | None

    @property
    def key(self) -> str:
        return f"{self.stage}/{self.name}" if self.name else self.stage

    @property
    def rows(self) -> int | None:
        counts = (self.manifest or {}).get("counts") or {}
        if isinstance(counts.get("out"), int):
            return counts["out"]
        return (self.state or {}).get("rows")


@dataclass
class RunData:
    run_dir: Path
    recipe_text: str | None
    stages: list[StageInfo] = field(default_factory=list)

    def find(self, stage: str) -> list[StageInfo]:
        return [s for s in self.stages if s.stage == stage]


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def _recipe_keys(recipe_text: str | None) -> set[str] | None:
    """Stage instance keys of a resolved recipe (None when there is none to go by)."""
    if not recipe_text:
        return None
    import yaml

    try:
        stages = (yaml.safe_load(recipe_text) or {}).get("stages") or {}
    except yaml.YAMLError:
        return None
    keys = set()
    for stage, body in stages.items():
        names = list((body or {}).get("instances") or {}) if isinstance(body, dict) else []
        keys.update(f"{stage}/{n}" for n in names) if names else keys.add(stage)
    return keys


def read_run(run_dir: str | Path) -> RunData:
    """Every stage instance folder of ``run_dir`` with its manifest and runner state.

    When the run has a ``recipe.resolved.yaml``, only the instances it names are read: folders left behind by
    an earlier version of the recipe are not part of this run.
    """
    run = Path(run_dir)
    recipe_file = run / "recipe.resolved.yaml"
    data = RunData(run, recipe_file.read_text() if recipe_file.exists() else None)
    wanted = _recipe_keys(data.recipe_text)
    for stage, folder_name in STAGE_FOLDERS.items():
        base = run / folder_name
        if stage == "report" or not base.is_dir():
            continue
        if stage in MULTI_STAGES and not (base / MANIFEST_FILE).exists() and not (base / DATA_FILE).exists() \
                and any(p.is_dir() and p.name != DATA_DIR for p in base.iterdir()):
            folders = [(p.name, p) for p in sorted(base.iterdir()) if p.is_dir() and p.name != DATA_DIR]
        else:
            folders = [("", base)]
        for name, folder in folders:
            if wanted is not None and (f"{stage}/{name}" if name else stage) not in wanted:
                continue
            key = f"{stage}__{name}" if name else stage
            runner_state = run / ".runner" / f"{key}.json"
            data.stages.append(StageInfo(
                stage, name, folder,
                complete=(folder / SUCCESS_FILE).exists()
                or ((_load_json(runner_state) or {}).get("status") == "done"),
                manifest=_load_json(folder / MANIFEST_FILE),
                state=_load_json(runner_state),
            ))
    return data


def read_columns(folder: Path, wanted: tuple[str, ...] = STAT_COLUMNS) -> pa.Table | None:
    """The ``wanted`` columns a stage's rows have (None when there is no data); only those are read."""
    try:
        files = data_files(folder)
    except FileNotFoundError:
        return None
    names = dataset_schema(files).names
    return read_all(folder, [c for c in wanted if c in names])


# ----------------------------------------------------------------------------------------- distributions
def _value_counts(col: pa.ChunkedArray) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in pc.value_counts(col).to_pylist():
        value = item["values"]
        out["(none)" if value is None else str(value)] = int(item["counts"])
    return out


def _numbers(col: pa.ChunkedArray) -> np.ndarray:
    arr = col.drop_null().to_numpy(zero_copy_only=False).astype(np.float64)
    return arr[np.isfinite(arr)]


def distributions(table: pa.Table) -> dict[str, Any]:
    """Domain, strategies (frequency and count), reasoning length, verbosity and agreement of ``table``."""
    names = set(table.column_names)
    n = table.num_rows
    out: dict[str, Any] = {"rows": n}
    if "domain" in names:
        out["domain"] = dict(sorted(_value_counts(table.column("domain")).items(),
                                    key=lambda kv: (-kv[1], kv[0])))
    if "strategies" in names:
        flat = pc.list_flatten(table.column("strategies"))
        # frequency = share of traces that use the strategy (a trace lists each strategy once)
        out["strategies"] = (dict(sorted(_value_counts(flat).items(), key=lambda kv: (-kv[1], kv[0])))
                             if len(flat) else {})
    if "num_strategies" in names:
        counts = _value_counts(table.column("num_strategies"))
        out["num_strategies"] = dict(sorted(
            counts.items(), key=lambda kv: (kv[0] == "(none)", float(kv[0]) if kv[0] != "(none)" else 0)))
        k = _numbers(table.column("num_strategies"))
        # The paper's preferred band R_min < |S| <= R_max with its 4 / 8: what the strategies selection aims at.
        out["num_strategies_mean"] = float(k.mean()) if len(k) else None
        out["num_strategies_in_band"] = float(((k > 4) & (k <= 8)).mean()) if len(k) else None
    length_col = next((c for c in ("reasoning_tokens", "completion_tokens") if c in names), None)
    if length_col:
        values = _numbers(table.column(length_col))
        stats: dict[str, Any] = {"column": length_col, "values": values.tolist(), "nulls": n - len(values)}
        if len(values):
            stats.update(mean=float(values.mean()), median=float(np.median(values)),
                         p90=float(np.quantile(values, 0.9)), min=float(values.min()),
                         max=float(values.max()), total=float(values.sum()))
        out["length"] = stats
    if "verbosity" in names:
        hist = {str(s): 0 for s in range(11)}
        for k, v in _value_counts(table.column("verbosity")).items():
            hist[k] = hist.get(k, 0) + v
        if not hist.get("(none)"):
            hist.pop("(none)", None)
        values = _numbers(table.column("verbosity"))
        out["verbosity"] = hist
        out["verbosity_mean"] = float(values.mean()) if len(values) else None
    if "agree" in names:
        counts = _value_counts(table.column("agree"))
        out["agree"] = {"agree": counts.get("True", 0), "disagree": counts.get("False", 0),
                        "unknown": counts.get("(none)", 0)}
    return out


def sft_shares(folder: Path) -> dict[str, Any] | None:
    """System-1 / System-2 shares and target lengths of a build-sft output."""
    table = read_columns(folder, ("mode", "instruction", "target_tokens"))
    if table is None or "mode" not in table.column_names:
        return None
    modes = _value_counts(table.column("mode"))
    out: dict[str, Any] = {"rows": table.num_rows, "modes": modes}
    if "instruction" in table.column_names:
        out["instructions"] = _value_counts(table.column("instruction"))
    if "target_tokens" in table.column_names:
        t = _numbers(table.column("target_tokens"))
        if len(t):
            out["target_tokens_mean"] = float(t.mean())
            out["target_tokens_total"] = float(t.sum())
    return out


def evaluation_rows(stage: StageInfo) -> list[dict[str, Any]]:
    """One row per condition (mode × budget) of an evaluate output's ``summary.json``."""
    summary = _load_json(stage.folder / "summary.json")
    if not summary:
        return []
    conditions = summary.get("conditions")
    if not isinstance(conditions, list):  # a flat single-condition summary
        conditions = [summary]
    rows = []
    for c in conditions:
        if not isinstance(c, dict):
            continue
        rows.append({
            "evaluation": stage.name or stage.stage,
            "model": str(summary.get("model") or c.get("model") or ""),
            "benchmark": str(summary.get("benchmark") or c.get("benchmark") or ""),
            "condition": str(c.get("condition") or c.get("mode") or ""),
            "mode": c.get("mode"),
            "accuracy": c.get("accuracy"),
            "accuracy_std": c.get("accuracy_std"),
            "seeds": c.get("seeds"),
            "items": c.get("items"),
            "unparsed_rate": c.get("unparsed_rate"),
            "mean_tokens": c.get("mean_tokens"),
            # for the three-mode / frontier section (absent in summaries written before it existed)
            "budget": c.get("budget"), "think_rate": c.get("think_rate"),
            "mean_reasoning_tokens": c.get("mean_reasoning_tokens"),
            "mean_answer_tokens": c.get("mean_answer_tokens"),
        })
    return rows


def training_log(stage: StageInfo) -> list[dict[str, Any]]:
    """Loss points of a train output (its manifest's log, or the HF trainer_state.json)."""
    manifest = stage.manifest or {}
    table = read_columns(stage.folder, ("step", "loss"))
    if table is not None and {"step", "loss"} <= set(table.column_names):
        points = [r for r in table.to_pylist() if r["loss"] is not None]
        if points:
            return points
    for key in ("log_history", "loss_history", "losses"):
        hist = (manifest.get("extra") or {}).get(key)
        if isinstance(hist, list) and hist:
            return [h if isinstance(h, dict) else {"step": i + 1, "loss": h} for i, h in enumerate(hist)]
    for path in sorted(stage.folder.rglob("trainer_state.json")):
        state = _load_json(path) or {}
        hist = [h for h in state.get("log_history", []) if "loss" in h]
        if hist:
            return hist
    return []


# ---------------------------------------------------------------------------------------------- run facts
def recipe_name(run: RunData) -> str | None:
    """The ``name`` of the run's resolved recipe (None without a readable one)."""
    if not run.recipe_text:
        return None
    import yaml

    try:
        return (yaml.safe_load(run.recipe_text) or {}).get("name")
    except yaml.YAMLError:
        return None


def pool_folder(run: RunData, select: StageInfo) -> Path | None:
    """The folder a selection drew from: its first input with data, else the run's annotate stage."""
    for item in (select.manifest or {}).get("inputs", []):
        p = Path(str(item.get("path", "")))
        if (p / "data.parquet").exists() or (p / "data").is_dir() or (p.suffix == ".parquet" and p.exists()):
            return p if p.is_dir() else p.parent
    annotate = run.find("annotate")
    return annotate[0].folder if annotate else None


def selection_distributions(run: RunData, select: StageInfo,
                            cache: dict[Path, dict]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(selection distributions or None when it has no data, its pool's distributions or None).

    ``cache`` keeps each pool's distributions, since several selections usually share one pool.
    """
    table = read_columns(select.folder)
    if table is None:
        return None, None
    selection = distributions(table)
    pool_dir = pool_folder(run, select)
    if pool_dir is None:
        return selection, None
    if pool_dir not in cache:
        pool_table = read_columns(pool_dir)
        cache[pool_dir] = distributions(pool_table) if pool_table is not None else None
    return selection, cache[pool_dir]


def model_label(model: str) -> str:
    """A short name for an evaluated model: ``trained:NAME`` for a student of this run, else its last part."""
    marker = "/" + STAGE_FOLDERS["train"] + "/"
    if marker in model:
        return "trained:" + model.split(marker, 1)[1].split("/")[0]
    return Path(model).name if "/" in model else model


def lineage_rows(run: RunData) -> list[dict[str, Any]]:
    out = []
    for s in run.stages:
        state, manifest = s.state or {}, s.manifest or {}
        inputs = state.get("inputs") or {i.get("path"): i.get("sha256") for i in manifest.get("inputs", [])}
        out.append({"key": s.key, "config_hash": state.get("config_hash") or manifest.get("config_hash"),
                    "inputs": inputs, "output_hash": state.get("output_hash"), "rows": s.rows,
                    "finished_at": state.get("finished_at") or manifest.get("created_at"),
                    "versions": manifest.get("versions") or {}})
    return out


def data_columns(folder: Path) -> list[tuple[str, str]]:
    """(name, Arrow type) of each column of a stage's rows."""
    return [(f.name, str(f.type)) for f in dataset_schema(data_files(folder))]


def teacher(run: RunData) -> str | None:
    """``backend:model`` of the run's generate stage (None when unknown)."""
    gen = run.find("generate")
    if not (gen and gen[0].manifest):
        return None
    cfg = gen[0].manifest.get("config") or {}
    backend = cfg.get("backend")
    if isinstance(backend, dict):  # generate records the whole backend spec
        cfg = {**cfg, **backend}
    return ":".join(str(cfg.get(k)) for k in ("backend", "model") if isinstance(cfg.get(k), str)) or None


def question_source(run: RunData) -> str | None:
    """The file names the run's ingest stage read (and decontaminated against), None when unknown."""
    ing = run.find("ingest")
    if not (ing and ing[0].manifest):
        return None
    cfg = ing[0].manifest.get("config") or {}
    paths = cfg.get("inputs") or [i.get("path") for i in ing[0].manifest.get("inputs", [])]
    source = ", ".join(Path(str(p)).name for p in paths) or None
    if cfg.get("decontaminate"):
        source += (" (decontaminated against " + ", ".join(Path(str(p)).name for p in cfg["decontaminate"])
                   + ")")
    return source
