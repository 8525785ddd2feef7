"""The hand-labelled calibration set and how the no-LLM annotators score against it.

``data/calibration/project-written.jsonl`` adds 12 short traces written for this project, text included, so the
agreement can be checked anywhere; they were written after the tuning by someone who knew the cue lists, so they
are a regression fixture, not an evaluation.

``data/calibration/r1-distill-labels.jsonl`` holds 64 real reasoning traces (DeepSeek-R1-Distill Qwen-32B,
Llama-70B and Qwen-14B answering 64 different general-reasoning questions), each labelled by hand with the
strategies present (taxonomy ``strategies-v1``), the number of reasoning steps in the paper's sense and a 0-10
verbosity score (``data/calibration/README.md`` says how). The upstream repository states no licence, so the set
stores each trace's *source* (repository, commit, path, list index, SHA-256 of the text), not its text:
:func:`load_texts` reads the texts from a local snapshot of that repository and checks the hashes.

``python -m naturalthoughts.stages.annotation.calibration --source DIR`` prints the agreement of the lexical
strategies detector, the step counter and the verbosity heuristic with the labels (per split: ``tune`` is what the
cue lists and the verbosity map were fitted on, ``holdout`` was not looked at while tuning); with
``--fit-verbosity PATH`` it first refits the verbosity map (:func:`fit_verbosity_map`) on the tune split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_LABELS = "r1-distill-labels"
PROJECT_WRITTEN = "project-written"  # 12 short traces written for the project, text included (a regression fixture)


@dataclass(frozen=True)
class CalibrationRecord:
    """One labelled trace: where its text lives and what a careful reader found in it."""

    id: str
    source: dict[str, Any]  # repo, commit, path, index, field, sha256
    model: str
    split: str  # "tune" | "holdout"
    strategies: tuple[str, ...]
    num_steps: int
    verbosity: int
    text: str | None = None  # only for the project's own written traces; third-party texts are read from source
    difficulty: int | None = None  # 0-10 cognitive difficulty of the question (OmniThought's notion)
    question_source: dict[str, Any] | None = None  # path + list index of the question in the source repository


def load_labels(name_or_path: str = DEFAULT_LABELS) -> list[CalibrationRecord]:
    """The labelled records of a packaged label file (by name) or of a JSONL path."""
    path = Path(name_or_path)
    if path.suffix == ".jsonl" and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("naturalthoughts").joinpath("data", "calibration", f"{name_or_path}.jsonl").read_text(encoding="utf-8")
    records = []
    for line in text.splitlines():
        if line.strip():
            obj = json.loads(line)
            records.append(CalibrationRecord(obj["id"], obj["source"], obj["model"], obj["split"],
                                             tuple(obj["strategies"]), int(obj["num_steps"]), int(obj["verbosity"]),
                                             obj.get("text"), obj.get("difficulty"), obj.get("question_source")))
    return records


def _read_source_file(source_dir: Path, commit: str, path: str) -> bytes:
    """A file of the snapshot: from the working tree if present, else from git at ``commit`` (bare mirrors)."""
    plain = source_dir / path
    if plain.is_file():
        return plain.read_bytes()
    return subprocess.run(["git", "-C", str(source_dir), "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def load_texts(records: Sequence[CalibrationRecord], source_dir: str | Path | None = None) -> dict[str, str]:
    """Trace text per record id: inline for written records, else read from a snapshot of the source repository.

    Hashes must match. ``source_dir`` may be None when every record carries its text.
    """
    files: dict[tuple[str, str], list] = {}
    texts = {}
    for rec in records:
        if rec.text is not None:
            texts[rec.id] = rec.text
            continue
        if source_dir is None:
            raise ValueError(f"calibration text {rec.id} lives in {rec.source['repo']}; pass a snapshot of it as source_dir")
        source_dir = Path(source_dir)
        key = (rec.source["commit"], rec.source["path"])
        if key not in files:
            files[key] = json.loads(_read_source_file(source_dir, *key))
        text = files[key][rec.source["index"]][rec.source["field"]]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != rec.source["sha256"]:
            raise ValueError(f"calibration text {rec.id} does not match its recorded SHA-256; wrong snapshot?")
        texts[rec.id] = text
    return texts


def load_questions(records: Sequence[CalibrationRecord], source_dir: str | Path) -> dict[str, str]:
    """Question text per record id (records with a ``question_source``), from the snapshot's Python list literal.

    The source keeps its questions as ``messages = [{"role": "user", "content": ...}, ...]`` in a ``.py`` file; it
    is read with ``ast.literal_eval``, never executed.
    """
    import ast

    lists: dict[str, list] = {}
    out = {}
    for rec in records:
        if not rec.question_source:
            continue
        path = rec.question_source["path"]
        if path not in lists:
            tree = ast.parse(_read_source_file(Path(source_dir), rec.source["commit"], path).decode("utf-8"))
            lists[path] = next(ast.literal_eval(node.value) for node in tree.body
                               if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "messages")
        out[rec.id] = lists[path][rec.question_source["index"]]["content"]
    return out


# ------------------------------------------------------------------------------------------------ metrics
def spearman(a: Iterable[float], b: Iterable[float]) -> float:
    """Spearman rank correlation (scipy), NaN when either side is constant."""
    from scipy.stats import spearmanr

    x, y = np.asarray(list(a), float), np.asarray(list(b), float)
    if len(x) < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(spearmanr(x, y).statistic)


def strategy_agreement(labels: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]],
                       names: Sequence[str]) -> dict[str, dict[str, float | int]]:
    """Per strategy: labelled and predicted counts, precision and recall (None when undefined)."""
    out = {}
    for name in names:
        tp = sum(1 for lab, pred in zip(labels, predicted) if name in lab and name in pred)
        n_lab = sum(1 for lab in labels if name in lab)
        n_pred = sum(1 for pred in predicted if name in pred)
        out[name] = {"labelled": n_lab, "predicted": n_pred,
                     "precision": round(tp / n_pred, 3) if n_pred else None,
                     "recall": round(tp / n_lab, 3) if n_lab else None}
    return out


def distribution_checks(num_strategies: Sequence[int], num_steps: Sequence[int], verbosity: Sequence[int], *,
                        r_min: int = 4, r_max: int = 8, min_density: float = 1.0) -> dict[str, float | int]:
    """The issue-17 distribution targets: band share, low-density share, verbosity spread."""
    k, s, v = (np.asarray(x, float) for x in (num_strategies, num_steps, verbosity))
    hist = np.bincount(v.astype(int), minlength=11) if len(v) else np.zeros(11, int)
    # The strategies selection's default for lexical counts (min_density auto = quantile:0.25): low density
    # means a strategies/steps ratio below the pool's 25th percentile, the same arithmetic as the selection's.
    quarter = float(np.quantile(k / np.maximum(s, 1), 0.25)) if len(k) else 1.0
    return {
        "rows": len(k),
        "mean_strategies": round(float(k.mean()), 2) if len(k) else None,
        "share_in_band": round(float(((k > r_min) & (k <= r_max)).mean()), 3) if len(k) else None,
        "median_steps": float(np.median(s)) if len(s) else None,
        "share_low_density": round(float((k < min_density * s).mean()), 3) if len(k) else None,
        "share_low_density_quarter_rule": round(float((k < quarter * s).mean()), 3) if len(k) else None,
        "verbosity_distinct": int((hist > 0).sum()),
        "verbosity_max_share": round(float(hist.max() / len(v)), 3) if len(v) else None,
        "verbosity_histogram": hist.tolist(),
    }


def evaluate(records: Sequence[CalibrationRecord], texts: dict[str, str],
             annotate: Callable[[str], tuple[Sequence[str], int, int]], names: Sequence[str]) -> dict[str, Any]:
    """Agreement of ``annotate(text) -> (strategies, num_steps, verbosity)`` with the labels of ``records``."""
    predicted = [annotate(texts[r.id]) for r in records]
    labels = [r.strategies for r in records]
    return {
        "rows": len(records),
        "spearman_num_strategies": round(spearman([len(x) for x in labels], [len(p[0]) for p in predicted]), 3),
        "spearman_num_steps": round(spearman([r.num_steps for r in records], [p[1] for p in predicted]), 3),
        "spearman_verbosity": round(spearman([r.verbosity for r in records], [p[2] for p in predicted]), 3),
        "mean_abs_error_num_strategies": round(float(np.mean([abs(len(x) - len(p[0])) for x, p in zip(labels, predicted)])), 2),
        "per_strategy": strategy_agreement(labels, [p[0] for p in predicted], names),
        "predicted": distribution_checks([len(p[0]) for p in predicted], [p[1] for p in predicted], [p[2] for p in predicted]),
        "labels": distribution_checks([len(x) for x in labels], [r.num_steps for r in records], [r.verbosity for r in records]),
    }


def evaluate_difficulty(records: Sequence[CalibrationRecord], texts: dict[str, str],
                        questions: dict[str, str]) -> dict[str, Any]:
    """Spearman of the ``difficulty`` proxy against the labels, per split, with and without the trace."""
    from naturalthoughts.stages.annotation.difficulty import proxy_difficulty

    out: dict[str, Any] = {}
    for split in ("tune", "holdout", "all"):
        rows = [r for r in records if r.difficulty is not None and r.id in questions and split in ("all", r.split)]
        labels = [r.difficulty for r in rows]
        out[split] = {"rows": len(rows),
                      "spearman_with_trace": round(spearman(labels, [proxy_difficulty(questions[r.id], texts[r.id]) for r in rows]), 3),
                      "spearman_question_only": round(spearman(labels, [proxy_difficulty(questions[r.id]) for r in rows]), 3)}
    return out


def fit_verbosity_map(records: Sequence[CalibrationRecord], texts: dict[str, str]) -> dict[str, Any]:
    """Monotone map raw heuristic -> label scale (scikit-learn ``IsotonicRegression``) fitted on ``records``.

    Returns the JSON written to ``data/calibration/verbosity-map.json``: one knot per plateau of the isotonic
    step function, at the plateau's middle (``raw`` ascending, ``score`` increasing), interpolated linearly
    between knots and clipped outside them. Interpolating between plateau middles instead of using the steps
    keeps the map monotone but stops whole plateaus of traces from landing on one score (a step function put
    41 % of the calibration traces on score 3).
    """
    from sklearn.isotonic import IsotonicRegression

    from naturalthoughts.stages.annotation.verbosity import raw_verbosity

    x = np.array([raw_verbosity(texts[r.id]) for r in records])
    y = np.array([r.verbosity for r in records], float)
    fit = IsotonicRegression(y_min=0, y_max=10, increasing=True, out_of_bounds="clip").fit(x, y)
    levels = fit.predict(x)
    knots_raw, knots_score = [], []
    for level in np.unique(levels):
        members = x[levels == level]
        knots_raw.append(float((members.min() + members.max()) / 2))
        knots_score.append(float(level))
    return {"fitted_on": sorted({r.split for r in records}), "rows": len(records),
            "raw": [round(v, 6) for v in knots_raw], "score": [round(v, 4) for v in knots_score]}


def default_annotate(taxonomy: str = "strategies-v1") -> tuple[Callable[[str], tuple[Sequence[str], int, int]], Sequence[str]]:
    """The embedded no-LLM annotators as one function (what ``naturalthoughts annotate`` runs by default)."""
    from naturalthoughts.stages.annotation.lexical import LexicalDetector
    from naturalthoughts.stages.annotation.steps import count_steps
    from naturalthoughts.stages.annotation.taxonomy import load_taxonomy
    from naturalthoughts.stages.annotation.verbosity import heuristic_verbosity

    tax = load_taxonomy(taxonomy)
    detector = LexicalDetector(tax)
    return (lambda text: (detector.detect(text), count_steps(text), heuristic_verbosity(text))), tax.names


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--source", required=True, help="snapshot of cvenhoff/steering-thinking-llms (work tree or bare git)")
    p.add_argument("--labels", default=DEFAULT_LABELS, help="label file name or path")
    p.add_argument("--fit-verbosity", metavar="JSON", help="refit the verbosity map on the tune split and write it here")
    args = p.parse_args(argv)
    records = load_labels(args.labels)
    texts = load_texts(records, args.source)
    if args.fit_verbosity:
        fitted = fit_verbosity_map([r for r in records if r.split == "tune"], texts)
        Path(args.fit_verbosity).write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
    annotate, names = default_annotate()
    report = {split: evaluate([r for r in records if split == "all" or r.split == split], texts, annotate, names)
              for split in ("tune", "holdout", "all")}
    written = load_labels(PROJECT_WRITTEN)
    report["project_written"] = evaluate(written, load_texts(written), annotate, names)
    report["difficulty_proxy"] = evaluate_difficulty(records, texts, load_questions(records, args.source))
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
