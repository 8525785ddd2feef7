"""The run report: one self-contained HTML file plus a dataset card per selected set.

``build_report(run_dir, out_dir)`` reads only stage folders, manifests and runner states, so it works on any
run folder (complete or not) and never re-runs anything. Each section is built on its own: a missing stage or
column turns into a short note in that section, never into a failed report.

Reading the run is :mod:`.collect`'s job and drawing the plots :mod:`.plots`'; this module renders the HTML.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from naturalthoughts.core.secrets import scrub
from naturalthoughts.stages.reporting import browser, collect, frontier, plots
from naturalthoughts.stages.reporting.card import dataset_card
from naturalthoughts.stages.reporting.collect import lineage_rows
from naturalthoughts.stages.reporting.page import CSS, PAGE

log = logging.getLogger(__name__)
REPORT_FILE = "report.html"
CARDS_DIR = "cards"


@dataclass
class ReportResult:
    html: Path
    cards: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _img(png: bytes, alt: str) -> str:
    return f'<img src="{plots.data_uri(png)}" alt="{_e(alt)}">'


def _table(header: list[str], rows: list[list[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c if isinstance(c, _Raw) else _e(c)}</td>" for c in r) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class _Raw(str):
    """Already-escaped HTML inside a table cell."""


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "–"


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _figure(png: bytes | None, title: str, table_html: str) -> str:
    img = _img(png, title) if png else '<p class="note">no plot</p>'
    return (f'<div class="figure"><h3>{_e(title)}</h3><div class="row"><div class="plot">{img}</div>'
            f'<div class="numbers">{table_html}</div></div></div>')


def _section(title: str, body: str, anchor: str) -> str:
    return f'<section id="{_e(anchor)}"><h2>{_e(title)}</h2>{body}</section>'


def _safe(name: str, build: Callable[[], str], notes: list[str]) -> str:
    try:
        return build()
    except Exception as exc:  # one broken section must not cost the whole report
        log.warning("report section %s failed: %s", name, exc, exc_info=True)
        notes.append(f"{name}: {type(exc).__name__}: {exc}")
        return f'<p class="note">Section unavailable: {_e(type(exc).__name__)}: {_e(exc)}</p>'


# ---------------------------------------------------------------------------------------------- sections
def _overview(run: collect.RunData) -> str:
    rows = []
    for s in run.stages:
        state = s.state or {}
        counts = (s.manifest or {}).get("counts") or {}
        rejected = counts.get("rejected") or {}
        rejected_text = (", ".join(f"{k}: {v}" for k, v in rejected.items()) if isinstance(rejected, dict)
                         else str(rejected))
        status = state.get("status") or ("done" if s.complete else "incomplete")
        seconds = state.get("seconds")
        rows.append([_Raw(f"<code>{_e(s.key)}</code>"),
                     _Raw(f'<span class="st {_e(status)}">{_e(status)}</span>'),
                     _num(s.rows), _num(counts.get("in")), rejected_text or "–",
                     f"{seconds:.1f} s" if isinstance(seconds, (int, float)) else "–"])
    if not rows:
        return '<p class="note">No stage folders found in this run.</p>'
    return _table(["stage", "status", "rows out", "rows in", "dropped (by reason)", "time"], rows, "wide")


def _share_rows(key: str, labels: list[str], pool: dict, selection: dict, prow: int,
                srow: int) -> list[list[Any]]:
    """[label, pool share, selection share] for each label of the ``key`` distribution."""
    return [[k, _pct(pool.get(key, {}).get(k, 0), prow), _pct(selection[key].get(k, 0), srow)]
            for k in labels]


def _selection_lead(sel: collect.StageInfo, srow: int, prow: int) -> str:
    config = (sel.manifest or {}).get("config") or {}
    shown = {k: v for k, v in config.items() if v not in (None, [], {}, "") and not str(k).startswith("_")}
    return (f'<p class="lead"><b>{srow}</b> of <b>{prow or "?"}</b> pool rows, strategy '
            f'<code>{_e(config.get("strategy", "?"))}</code>. '
            + " ".join(f'<span class="chip">{_e(k)}={_e(v)}</span>' for k, v in sorted(shown.items())
                       if k != "strategy")
            + "</p>")


def _selection_figures(sdist: dict, p: dict, prow: int, srow: int) -> list[str]:
    """A plot and its numbers for each annotation the selection has, next to the pool's."""
    figs = []
    if "domain" in sdist:
        labels = sorted(set(sdist["domain"]) | set(p.get("domain", {})),
                        key=lambda k: -(sdist["domain"].get(k, 0) / max(srow, 1)
                                        + p.get("domain", {}).get(k, 0) / max(prow, 1)))
        rows = [[*r, sdist["domain"].get(r[0], 0)]
                for r in _share_rows("domain", labels, p, sdist, prow, srow)]
        figs.append(_figure(plots.compare_bars(p.get("domain", {}), sdist["domain"], title="", order=labels),
                            "Domain", _table(["domain", "pool", "selection", "n"], rows)))
    if "strategies" in sdist:
        labels = sorted(set(sdist["strategies"]) | set(p.get("strategies", {})),
                        key=lambda k: -(sdist["strategies"].get(k, 0) / max(srow, 1)))
        png = plots.compare_bars(p.get("strategies", {}), sdist["strategies"], title="",
                                 xlabel="% of traces using it", pool_total=prow, selection_total=srow,
                                 order=labels)
        figs.append(_figure(png, "Reasoning strategies (share of traces using each)", _table(
            ["strategy", "pool", "selection"], _share_rows("strategies", labels, p, sdist, prow, srow))))
    if "num_strategies" in sdist:
        keys = sorted({k for k in (*sdist["num_strategies"], *p.get("num_strategies", {})) if k != "(none)"},
                      key=float)
        png = plots.compare_discrete(p.get("num_strategies", {}), sdist["num_strategies"], title="",
                                     xlabel="distinct strategies")
        rows = _share_rows("num_strategies", keys, p, sdist, prow, srow) + [
            ["mean", _num(p.get("num_strategies_mean"), 2), _num(sdist.get("num_strategies_mean"), 2)],
            ["share 4 < |S| ≤ 8", *(_pct(d["num_strategies_in_band"], 1) if d.get("num_strategies_in_band") is not None
                                   else "–" for d in (p, sdist))]]
        figs.append(_figure(png, "Distinct strategies per trace", _table(["count", "pool", "selection"], rows)))
    if (sdist.get("length") or {}).get("values"):
        sl, pl = sdist["length"], p.get("length") or {}
        png = plots.compare_lengths(pl.get("values", []), sl["values"], title="",
                                    xlabel=f"{sl['column'].replace('_', ' ')}")
        figs.append(_figure(png, "Reasoning length", _table(["", "pool", "selection"], [
            [stat, _num(pl.get(stat), 0), _num(sl.get(stat), 0)]
            for stat in ("mean", "median", "p90", "max", "total")])))
    if "verbosity" in sdist:
        keys = [k for k in sdist["verbosity"] if k != "(none)"]
        png = plots.compare_discrete(p.get("verbosity", {}), sdist["verbosity"], title="",
                                     xlabel="verbosity score")
        rows = _share_rows("verbosity", keys, p, sdist, prow, srow) + [
            ["mean", _num(p.get("verbosity_mean"), 2), _num(sdist.get("verbosity_mean"), 2)]]
        figs.append(_figure(png, "Verbosity (0 efficient – 10 rambling)",
                            _table(["score", "pool", "selection"], rows)))
    if "agree" in sdist:
        keys = ["agree", "disagree", "unknown"]
        figs.append(_figure(plots.compare_bars(p.get("agree", {}), sdist["agree"], title="", order=keys),
                            "Teacher vs. second model (agreement)", _table(
                                ["", "pool", "selection"], _share_rows("agree", keys, p, sdist, prow, srow))))
    return figs


def _selection_section(run: collect.RunData, sel: collect.StageInfo,
                       cache: dict[Path, dict]) -> tuple[str, dict, dict | None]:
    sdist, pdist = collect.selection_distributions(run, sel, cache)
    if sdist is None:
        return '<p class="note">This selection has no data yet.</p>', {}, None
    p = pdist or {"rows": 0}
    prow, srow = p.get("rows", 0), sdist["rows"]
    if srow == 0:
        return (f'<p class="lead warn">This selection is <b>empty</b> (0 of {prow or "?"} pool rows): its '
                'strategy found no eligible rows (e.g. no row where the models disagree).</p>'), sdist, pdist
    parts = [_selection_lead(sel, srow, prow)]
    figs = _selection_figures(sdist, p, prow, srow)
    if not figs:
        parts.append('<p class="note">No annotation columns (domain, strategies, reasoning length, '
                     'verbosity, agree) in this selection: run the annotate stage to see distributions.</p>')
    parts += figs
    return "".join(parts), sdist, pdist


def _sft_section(run: collect.RunData) -> tuple[str, dict[str, dict]]:
    rows, shares = [], {}
    for s in run.find("build-sft"):
        info = collect.sft_shares(s.folder)
        if not info:
            continue
        shares[s.name or s.stage] = info
        total = sum(info["modes"].values())
        cfg = (s.manifest or {}).get("config") or {}
        mode = _e(cfg.get("mode", "")) + (f" ({cfg.get('mix')})" if cfg.get("mix") else "")
        rows.append([s.name or s.stage, mode, total, _pct(info["modes"].get("system2", 0), total),
                     _pct(info["modes"].get("system1", 0), total), _num(info.get("target_tokens_mean"), 0),
                     _num(info.get("target_tokens_total"), 0)])
    if not rows:
        return '<p class="note">No SFT data in this run.</p>', shares
    header = ["SFT set", "mode", "examples", "System-2", "System-1", "mean target tokens",
              "total target tokens"]
    return _table(header, rows, "wide"), shares


def _train_section(run: collect.RunData) -> str:
    curves = {}
    rows = []
    for s in run.find("train"):
        hist = collect.training_log(s)
        if hist:
            curves[s.name or s.stage] = hist
        cfg = (s.manifest or {}).get("config") or {}
        counts = (s.manifest or {}).get("counts") or {}
        rows.append([s.name or s.stage, _e(cfg.get("student", "")),
                     _num(cfg.get("max_steps") or cfg.get("epochs")),
                     _num(hist[0]["loss"], 3) if hist else "–",
                     _num(hist[-1]["loss"], 3) if hist else "–",
                     _num(counts.get("train_tokens") or counts.get("tokens"))])
    if not rows:
        return '<p class="note">No training in this run.</p>'
    table = _table(["student", "base model", "steps/epochs", "first loss", "last loss", "tokens"], rows)
    return _figure(plots.loss_curves(curves), "SFT loss", table) if curves else table


def _eval_section(run: collect.RunData) -> str:
    rows = []
    for s in run.find("evaluate"):
        for r in collect.evaluation_rows(s):
            r["model"] = collect.model_label(r["model"])
            # one series per evaluation instance (base vs each trained student), whatever its model string
            r["model_label"] = s.name or r["model"]
            # which weights answered (fingerprint or served id): a path alone does not say
            r["identity"] = ((s.manifest or {}).get("config") or {}).get("model_identity") or "–"
            rows.append(r)
    if not rows:
        return '<p class="note">No evaluation results in this run.</p>'
    header = ["evaluation", "model", "model identity", "benchmark", "condition", "accuracy %", "± std",
              "seeds", "unparsed %", "mean tokens"]
    table = _table(header, [
        [r["evaluation"], r["model"], r["identity"], r["benchmark"], r["condition"], _num(r["accuracy"]),
         _num(r["accuracy_std"]), _num(r["seeds"]), _num(r["unparsed_rate"]), _num(r["mean_tokens"])]
        for r in rows], "wide")
    png = plots.accuracy_vs_tokens(rows)
    return f'<div class="plotwide">{_img(png, "accuracy vs tokens")}</div>' + table


def _lineage_section(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return '<p class="note">No lineage recorded.</p>'

    def inputs(r: dict[str, Any]) -> _Raw:
        return _Raw("<br>".join(
            f"{_e(Path(str(k)).name if str(k).startswith('/') else k)}: "
            f"<code>{_e((v or 'missing')[:12])}</code>"
            for k, v in (r["inputs"] or {}).items()) or "–")

    return _table(["stage", "config hash", "inputs (content hash)", "output hash", "finished"], [
        [_Raw(f"<code>{_e(r['key'])}</code>"), _Raw(f"<code>{_e((r['config_hash'] or '')[:12])}</code>"),
         inputs(r), _Raw(f"<code>{_e((r['output_hash'] or '')[:12])}</code>"), r["finished_at"] or "–"]
        for r in rows], "wide mono")


def _recipe_section(run: collect.RunData) -> str:
    if run.recipe_text:
        return f"<pre>{_e(run.recipe_text)}</pre>"
    return ('<p class="note">No recipe.resolved.yaml '
            '(this folder was not written by `naturalthoughts run`).</p>')


def _sft_share_line(info: dict[str, Any]) -> str:
    total = sum(info["modes"].values())
    system2 = _pct(info["modes"].get("system2", 0), total)
    system1 = _pct(info["modes"].get("system1", 0), total)
    return (f'<p class="lead">SFT data from this selection: <b>{system2}</b> System-2 (full trace), '
            f'<b>{system1}</b> System-1 (answer only).</p>')


# ------------------------------------------------------------------------------------------------- build
def _sft_html_and_shares(run: collect.RunData, notes: list[str]) -> tuple[str, dict[str, dict]]:
    """The SFT section and the System-1/System-2 shares of each SFT set ({} when the section failed)."""
    shares: dict[str, dict] = {}

    def build() -> str:
        body, found = _sft_section(run)
        shares.update(found)
        return body

    return _safe("sft", build, notes), shares


def _selection_sections(run: collect.RunData, sft_shares: dict[str, dict], lineage: list[dict[str, Any]],
                        recipe_name: str | None, cards_dir: Path, notes: list[str],
                        browser_rows: int = browser.BROWSER_ROWS,
                        ) -> tuple[list[str], list[tuple[str, str]], dict[str, Path]]:
    """(one section per selection, their nav links, the dataset card written for each selection with data)."""
    sections: list[str] = []
    nav: list[tuple[str, str]] = []
    cards: dict[str, Path] = {}
    pool_cache: dict[Path, dict] = {}
    for sel in run.find("select"):
        name = sel.name or "selection"
        holder: dict[str, Any] = {}

        def _sel(sel=sel, holder=holder) -> str:
            body, sdist, pdist = _selection_section(run, sel, pool_cache)
            holder.update(sdist=sdist, pdist=pdist)
            return body

        body = _safe(f"selection {name}", _sel, notes)
        if name in sft_shares:
            body += _sft_share_line(sft_shares[name])
        if holder.get("sdist"):
            try:
                cards[name] = _write_card(run, sel, name, holder["sdist"], holder.get("pdist"),
                                          sft_shares.get(name), lineage, recipe_name, cards_dir)
                body += f'<p class="note">Dataset card: <code>{_e(CARDS_DIR)}/{_e(name)}.md</code></p>'
            except Exception as exc:
                notes.append(f"card {name}: {type(exc).__name__}: {exc}")
        if browser_rows > 0:
            body += _safe(f"trace browser {name}", lambda sel=sel: browser.section_html(
                run, sel, max_rows=browser_rows), notes)
        sections.append(_section(f"Selection: {name}", body, f"sel-{name}"))
        nav.append((f"sel-{name}", name))
    if not sections:
        sections.append(_section("Selections", '<p class="note">No selection in this run.</p>', "selections"))
    return sections, nav, cards


def _page(title: str, run: collect.RunData, generated: str, nav: list[tuple[str, str]],
          sections: list[str]) -> str:
    links = [("stages", "Stages"), *nav, ("sft", "SFT"), ("train", "Training"), ("eval", "Evaluation"),
             ("frontier", "Frontier"), ("lineage", "Lineage"), ("recipe", "Recipe")]
    return PAGE.format(title=_e(title), run=_e(run.run_dir), generated=_e(generated),
                        nav="".join(f'<a href="#{_e(a)}">{_e(t)}</a>' for a, t in links),
                        body="".join(sections), css=CSS, script=browser.SCRIPT)


def build_report(run_dir: str | Path, out_dir: str | Path | None = None, *,
                 title: str | None = None, browser_rows: int = browser.BROWSER_ROWS) -> ReportResult:
    """Write ``report.html`` and ``cards/<selection>.md`` for the run in ``run_dir`` into ``out_dir``.

    ``browser_rows``: traces embedded in each selection's trace browser (0: no browser)."""
    run = collect.read_run(run_dir)
    out = Path(out_dir) if out_dir else run.run_dir / collect.STAGE_FOLDERS["report"]
    out.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    recipe_name = collect.recipe_name(run)
    title = title or f"naturalthoughts run: {recipe_name or run.run_dir.name}"
    lineage = lineage_rows(run)
    sections = [_section("Stages", _safe("stages", lambda: _overview(run), notes), "stages")]
    sft_html, sft_shares = _sft_html_and_shares(run, notes)
    selections, nav, cards = _selection_sections(run, sft_shares, lineage, recipe_name, out / CARDS_DIR,
                                                 notes, browser_rows)
    sections += selections
    sections.append(_section("SFT data: System-1 / System-2", sft_html, "sft"))
    sections.append(_section("Training", _safe("training", lambda: _train_section(run), notes), "train"))
    sections.append(_section("Evaluation", _safe("evaluation", lambda: _eval_section(run), notes), "eval"))
    sections.append(_section("Three modes and the efficiency frontier",
                             _safe("frontier", lambda: frontier.frontier_html(run), notes), "frontier"))
    sections.append(_section("Lineage", _safe("lineage", lambda: _lineage_section(lineage), notes),
                             "lineage"))
    sections.append(_section("Recipe (resolved)", _recipe_section(run), "recipe"))
    if notes:
        listed = "<ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>"
        sections.insert(0, _section("Report notes", listed, "notes"))
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    path = out / REPORT_FILE
    path.write_text(scrub(_page(title, run, generated, nav, sections)), encoding="utf-8")  # no secret in it
    summary = {"run": str(run.run_dir), "generated": generated, "notes": notes,
               "cards": {k: str(v) for k, v in cards.items()}, "lineage": lineage}
    (out / "report.json").write_text(scrub(json.dumps(summary, indent=2, default=str)))
    return ReportResult(path, cards, notes)


def _write_card(run: collect.RunData, sel: collect.StageInfo, name: str, sdist: dict, pdist: dict | None,
                sft: dict | None, lineage: list[dict], recipe_name: str | None, cards_dir: Path) -> Path:
    wanted = {"ingest", "generate", "annotate", sel.key}
    card = dataset_card(name, pool=pdist, selection=sdist, columns=collect.data_columns(sel.folder),
                        select_config=(sel.manifest or {}).get("config"), teacher=collect.teacher(run),
                        source=collect.question_source(run), sft=sft,
                        lineage=[r for r in lineage if r["key"] in wanted], recipe_name=recipe_name)
    cards_dir.mkdir(parents=True, exist_ok=True)
    path = cards_dir / f"{name}.md"
    path.write_text(scrub(card), encoding="utf-8")
    return path
