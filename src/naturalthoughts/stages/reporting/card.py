"""Dataset cards in the Hugging Face layout: a YAML metadata header, then the usual sections.

The header uses the Hub's card metadata keys (``pretty_name``, ``language``, ``license``, ``task_categories``,
``tags``, ``size_categories``, ``configs``) so the card renders and indexes on the Hub as it is.
"""

from __future__ import annotations

from typing import Any, Mapping

import yaml


def size_category(rows: int) -> str:
    """The Hub's ``size_categories`` bucket for ``rows``."""
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                         (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M")):
        if rows < limit:
            return label
    return "10M<n<100M"


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "–"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"
    out = ["| " + " | ".join(header) + " |", rule]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _metadata(name: str, rows: int, license: str, data_files: str | None) -> dict[str, Any]:
    """The YAML header, in the Hub's card metadata keys."""
    meta: dict[str, Any] = {
        "pretty_name": f"NaturalThoughts selection: {name}",
        "language": ["en"],
        "license": license,
        "task_categories": ["text-generation", "question-answering"],
        "tags": ["reasoning", "distillation", "chain-of-thought", "synthetic", "naturalthoughts"],
        "size_categories": [size_category(rows)],
    }
    if data_files:
        meta["configs"] = [{"config_name": "default", "data_files": [{"split": "train", "path": data_files}]}]
    return meta


def _description(rows: int, *, pool: Mapping[str, Any] | None, columns: list[tuple[str, str]],
                 select_config: Mapping[str, Any] | None, teacher: str | None, source: str | None,
                 recipe_name: str | None) -> list[str]:
    """The summary line, then the Details, Uses, Structure and Creation sections up to the pool comparison."""
    strategy = (select_config or {}).get("strategy")
    settings = ", ".join(f"`{k}={v}`" for k, v in sorted((select_config or {}).items())
                         if v is not None and k not in ("strategy",))
    return [
        f"{rows} question–reasoning-trace pairs selected by the `{strategy or 'unknown'}` strategy from a "
        f"pool of {pool.get('rows') if pool else 'unknown'} annotated teacher traces, built with "
        "[naturalthoughts](https://arxiv.org/abs/2507.01921) (reasoning-trace selection and distillation"
        + (f", recipe `{recipe_name}`" if recipe_name else "") + ").",
        "",
        "## Dataset Details",
        "",
        f"- **Teacher:** {teacher or 'see lineage'}",
        f"- **Question source:** {source or 'see lineage'}",
        f"- **Selection:** `{strategy}` with " + (settings or "defaults"),
        "- **Language:** English",
        "",
        "## Uses",
        "",
        "Supervised fine-tuning (distillation) of a student model on teacher reasoning traces: System-2 "
        "(full `<think>` trace and answer), System-1 (answer only) or a mix (`naturalthoughts build-sft`). "
        "The traces were not checked for correctness (as in the NaturalThoughts paper); do not use them as "
        "graded answers.",
        "",
        "## Dataset Structure",
        "",
        _table(["column", "type"], [[f"`{c}`", f"`{t}`"] for c, t in columns]),
        "",
        "## Dataset Creation",
        "",
        "### Curation rationale",
        "",
        "Selected to study which teacher demonstrations are most sample-efficient for general reasoning "
        "(diversity of reasoning strategies, difficulty by model disagreement or length, topic or semantic "
        "diversity).",
        "",
        "### Selection compared with the pool",
        "",
    ]


def _share_block(title: str, label: str, key: str, labels: list[str], pool: Mapping[str, Any],
                 selection: Mapping[str, Any], pool_rows: int, rows: int) -> list[str]:
    """A pool-vs-selection table of the share of rows under each label of ``key``."""
    return [title, "", _table([label, "pool", "selection"],
            [[k, _pct(pool.get(key, {}).get(k, 0), pool_rows), _pct(selection[key].get(k, 0), rows)]
             for k in labels]), ""]


def _comparison(pool: Mapping[str, Any] | None, selection: Mapping[str, Any], rows: int) -> list[str]:
    """How the selection differs from its pool, for each annotation the selection has."""
    pool = pool or {}
    prow = int(pool.get("rows") or 0) if pool else 0
    parts: list[str] = []
    for key, title, label in (("domain", "**Domain**", "domain"),
                              ("strategies", "**Reasoning strategies** (share of traces using each)",
                               "strategy")):
        if key in selection:
            counts = selection[key]
            labels = sorted(set(counts) | set(pool.get(key, {})), key=lambda k: -counts.get(k, 0))
            parts += _share_block(title, label, key, labels, pool, selection, prow, rows)
    if "num_strategies" in selection:
        labels = sorted({k for k in (*selection["num_strategies"], *pool.get("num_strategies", {}))
                         if k != "(none)"}, key=float)
        parts += _share_block("**Distinct strategies per trace**", "strategies", "num_strategies", labels,
                              pool, selection, prow, rows)
    length = selection.get("length") or {}
    if length.get("mean") is not None:
        plen = pool.get("length") or {}
        parts += [f"**Reasoning length** ({length.get('column')})", "", _table(["", "pool", "selection"], [
            [stat, f"{plen.get(stat, float('nan')):.0f}" if plen.get(stat) is not None else "–",
             f"{length[stat]:.0f}"]
            for stat in ("mean", "median", "p90", "max", "total")]), ""]
    if selection.get("verbosity_mean") is not None:
        in_pool = ""
        if pool and pool.get("verbosity_mean") is not None:
            in_pool = f", {pool['verbosity_mean']:.2f} in the pool"
        parts += [f"**Verbosity** (0 efficient – 10 rambling): mean {selection['verbosity_mean']:.2f} in the "
                  "selection" + in_pool, ""]
    if "agree" in selection:
        parts += _share_block("**Teacher vs. second model**", "", "agree", ["agree", "disagree", "unknown"],
                              {"agree": pool.get("agree") or {}}, selection, prow, rows)
    return parts


def _sft_summary(sft: Mapping[str, Any]) -> list[str]:
    modes = sft.get("modes", {})
    total = sum(modes.values())
    return ["### SFT data built from this selection", "",
            f"System-2 (full trace): {_pct(modes.get('system2', 0), total)}, System-1 (answer only): "
            f"{_pct(modes.get('system1', 0), total)} of {total} examples.", ""]


def _lineage_table(lineage: list[Mapping[str, Any]]) -> list[str]:
    return ["## Lineage", "", _table(["stage", "config hash", "inputs", "rows"], [
        [f"`{r['key']}`", f"`{(r.get('config_hash') or '')[:12]}`",
         ", ".join(f"{k.split('/')[-1]}:`{(v or '')[:12]}`"
                   for k, v in (r.get("inputs") or {}).items()) or "–",
         r.get("rows") if r.get("rows") is not None else "–"] for r in lineage]), ""]


_LIMITATIONS = [
    "## Bias, Risks, and Limitations",
    "",
    "Teacher traces can be wrong, verbose or overconfident; annotations made by lexical rules, embeddings or "
    "an LLM judge are approximations. Domain labels follow the 13 SuperGPQA disciplines and inherit their "
    "coverage.",
    "",
]

_CITATION = [
    "## Citation",
    "",
    "```bibtex",
    "@article{li2025naturalthoughts,",
    "  title={NaturalThoughts: Selecting and Distilling Reasoning Traces for General Reasoning Tasks},",
    "  author={Li and Emad and Padthe and Lanchantin and Yuan and Nguyen and Weston and Li and Wang and "
    "Kulikov and Li},",
    "  journal={arXiv preprint arXiv:2507.01921},",
    "  year={2025}",
    "}",
    "```",
    "",
]


def dataset_card(
    name: str,
    *,
    pool: Mapping[str, Any] | None,
    selection: Mapping[str, Any],
    columns: list[tuple[str, str]],
    select_config: Mapping[str, Any] | None = None,
    teacher: str | None = None,
    source: str | None = None,
    sft: Mapping[str, Any] | None = None,
    lineage: list[Mapping[str, Any]] | None = None,
    recipe_name: str | None = None,
    data_files: str | None = None,
    license: str = "other",
) -> str:
    """Markdown card for one selected set: what it holds, how it was made, how it differs from its pool."""
    rows = int(selection.get("rows") or 0)
    header = yaml.safe_dump(_metadata(name, rows, license, data_files), sort_keys=False).strip()
    parts = ["---", header, "---", "", f"# Dataset Card for {name}", ""]
    parts += _description(rows, pool=pool, columns=columns, select_config=select_config, teacher=teacher,
                          source=source, recipe_name=recipe_name)
    parts += _comparison(pool, selection, rows)
    if sft:
        parts += _sft_summary(sft)
    parts += _LIMITATIONS
    if lineage:
        parts += _lineage_table(lineage)
    parts += _CITATION
    return "\n".join(parts)
