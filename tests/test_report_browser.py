"""The report's trace browser: a run built by the real ingest/annotate/select/build-sft stages, rendered, then
driven in headless Chromium through the URL hash (filters, an opened row) and checked by DOM queries against
counts computed here from the Parquet; plus the cue spans (exactly what the detector counts) and the bounds
on a 10,000-row selection."""

from __future__ import annotations

import json
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.cues import LexicalDetector, load_taxonomy
from naturalthoughts.core.store import write_stage
from naturalthoughts.stages.reporting import browser, collect
from naturalthoughts.stages.reporting.report import build_report
from test_report_export import CHROME_FLAGS, _chromium

TAXONOMY = load_taxonomy()
# (question, reasoning, answer): four questions each from law, medicine, physics and economics, with cues of
# several strategies, one cue inside a quotation and one after a negation (neither may be highlighted).
TRACES = [
    ("Is a verbal contract for the sale of land enforceable under the statute of frauds?",
     "The statute of frauds requires a writing. Wait, no, part performance can be an exception. Let me verify: "
     "courts accept part performance when the buyer took possession.", "Usually not, unless part performance."),
    ("Can a landlord evict a tenant without a court order?",
     "Self-help eviction is barred in most states. Alternatively, a lease clause might allow it, but such "
     "clauses are void.", "No, a court order is needed."),
    ("What must a plaintiff prove to win a negligence claim?",
     "Four elements: duty, breach, causation, damages. Case 1: no duty exists, so the claim fails. Case 2: a "
     "duty exists, so we look at breach.", "Duty, breach, causation and damages."),
    ("Does double jeopardy bar a civil suit after a criminal acquittal?",
     'The defendant said "let me verify my alibi" in court. Double jeopardy applies only to criminal '
     "punishment.", "No."),
    ("What is the first-line treatment for uncomplicated hypertension in adults?",
     "Thiazide diuretics, ACE inhibitors or calcium channel blockers. Recall that guidelines allow any of "
     "the three. Let me double-check the 2017 guideline: it lists all three.", "A thiazide, ACE inhibitor or CCB."),
    ("Which vitamin deficiency causes scurvy?",
     "Scurvy comes from a lack of vitamin C. There is no need to verify this further.", "Vitamin C."),
    ("What is the normal resting heart rate for an adult?",
     "About 60 to 100 beats per minute. That's wrong for athletes, who can be lower, but it is the usual "
     "range.", "60-100 bpm."),
    ("Which organ produces insulin?",
     "The pancreas, in the beta cells of the islets. Alternatively one might think of the liver, but no.",
     "The pancreas."),
    ("What is the acceleration of an object in free fall near Earth's surface?",
     "About 9.8 m/s^2. Let me check by dropping a ball: it falls 4.9 m in one second, which checks out.",
     "9.8 m/s^2."),
    ("Why does a spinning ice skater speed up when pulling in her arms?",
     "Angular momentum is conserved. Wait, no, energy is not conserved here, but momentum is. Case 1: arms "
     "out, large inertia. Case 2: arms in, small inertia.", "Conservation of angular momentum."),
    ("What is the speed of light in a vacuum?",
     "About 300,000 km/s. Let me verify: 299,792,458 m/s.", "299,792,458 m/s."),
    ("What happens to the resistance of a wire when its length doubles?",
     "Resistance is proportional to length, so it doubles. Alternatively, think of two resistors in series.",
     "It doubles."),
    ("What happens to demand when the price of a normal good rises?",
     "Quantity demanded falls along the curve. Wait, no, demand itself does not shift, only quantity "
     "demanded.", "Quantity demanded falls."),
    ("What does GDP measure?",
     "The market value of final goods and services produced in a country in a year. Let me verify that "
     "intermediate goods are excluded: yes.", "Final output's market value."),
    ("Why do central banks raise interest rates to fight inflation?",
     "Higher rates reduce borrowing and spending. Case 1: demand-pull inflation responds well. Case 2: "
     "supply shocks respond less.", "To cool demand."),
    ("What is opportunity cost?",
     "The value of the next best alternative given up. Alternatively, it is the benefit forgone.",
     "The value of the next best alternative."),
]


def _cli(*argv: str) -> None:
    from naturalthoughts.main import main

    assert main(list(argv)) == 0, argv


@pytest.fixture(scope="module")
def browser_run(tmp_path_factory) -> Path:
    """ingest --traces, model-free annotators (+ rule-only agreement against the fake second model), two
    selections and an SFT set of one of them, as the CLI writes them."""
    tmp = tmp_path_factory.mktemp("browser")
    src = tmp / "traces.jsonl"
    src.write_text("".join(json.dumps({"question": q, "reasoning": r, "answer": a}) + "\n" for q, r, a in TRACES))
    run = tmp / "run"
    _cli("ingest", "--in", str(src), "--out", str(run / "01-ingest"), "--traces", "--reasoning-col", "reasoning",
         "--answer-col", "answer", "--teacher-model", "handwritten", "--dedup", "none")
    _cli("annotate", "--in", str(run / "01-ingest"), "--out", str(run / "03-annotate"), "--annotators",
         "length,strategies,domain,verbosity,disagreement", "--tokenizer", "smollm2-135m", "--judge", "none",
         "--second", "fake:second-model", "--cache", str(tmp / "cache.sqlite"), "--no-progress", "--workers", "1")
    for name, n in (("all", 16), ("half", 8)):
        _cli("select", "--in", str(run / "03-annotate"), "--out", str(run / "04-select" / name), "--strategy",
             "random", "--n", str(n), "--seed", "1")
    _cli("build-sft", "--in", str(run / "04-select" / "all"), "--out", str(run / "05-build-sft" / "all"),
         "--mode", "mixed", "--mix", "random:0.5", "--tokenizer", "smollm2-135m")
    return run


def _rows(folder: Path, columns: list[str]) -> list[dict]:
    return pq.read_table(sorted((folder / "data").glob("part-*.parquet")), columns=columns).to_pylist()


# ------------------------------------------------------------------------------------------- DOM helpers
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Tree(HTMLParser):
    """Chromium's dumped DOM as an ElementTree, for queries (no HTML library in the test dependencies)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ET.Element("document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        el = ET.SubElement(self.stack[-1], tag, {k: v or "" for k, v in attrs})
        if tag not in VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        el = self.stack[-1]
        if len(el):
            el[-1].tail = (el[-1].tail or "") + data
        else:
            el.text = (el.text or "") + data


def _text(el: ET.Element) -> str:
    return "".join(el.itertext())


def _browser(dom: ET.Element, sel: str) -> ET.Element:
    return next(e for e in dom.iter("div") if e.get("class") == "browser" and e.get("data-sel") == sel)


# Put before every script of the page: any script error or console.error lands in the DOM.
PROBE = """<script>window.addEventListener('error',function(e){document.documentElement.setAttribute('data-error',
String(e.message));});var _ce=console.error;console.error=function(){document.documentElement.setAttribute(
'data-error',[].join.call(arguments,' '));_ce.apply(console,arguments);};</script>"""


def _dump(report: Path, tmp_path: Path, fragment: str) -> ET.Element:
    probe = tmp_path / "probe.html"
    if not probe.exists():
        probe.write_text(report.read_text().replace("<head>", "<head>" + PROBE, 1))
    out = subprocess.run([_chromium(), *CHROME_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                          "--virtual-time-budget=5000", "--dump-dom", probe.as_uri() + "#" + fragment],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'data-error="' not in out.stdout, re.search(r'data-error="[^"]*"', out.stdout).group(0)
    tree = _Tree()
    tree.feed(out.stdout)
    return tree.root


def _shown(dom: ET.Element, sel: str) -> tuple[int, str]:
    count = next(e for e in _browser(dom, sel).iter("p") if e.get("class") == "count")
    return int(count.get("data-shown")), _text(count)


# ----------------------------------------------------------------------------------------------- tests
def test_spans_are_exactly_what_the_detector_counts():
    """Same rules as detect() on both engines: quoted and negated cues are not spans, offsets are on the
    original text (also where lowercasing changes the length)."""
    texts = [r for _, r, _ in TRACES] + ["İstanbul: wait, no. That’s wrong, let me verify.", "", "plain text"]
    for engine in ("ahocorasick", "regex"):
        det = LexicalDetector(TAXONOMY, engine=engine)
        for text in texts:
            spans = det.spans(text)
            assert {s.strategy for s in spans} == set(det.detect(text)), (engine, text)
            for s in spans:
                cue = text[s.start:s.end].lower().replace("\u2019", "'")
                assert cue in next(x for x in TAXONOMY.strategies if x.name == s.strategy).cues, (engine, cue)
        quoted = det.spans(TRACES[3][1])
        assert all("verify" not in TRACES[3][1][s.start:s.end].lower() for s in quoted)
        assert det.spans(TRACES[5][1]) == []  # "no need to verify": negated
        odd = "İstanbul: wait, no."
        assert [odd[s.start:s.end] for s in det.spans(odd)] == ["wait, no"]


def test_gathered_rows_join_sft_modes_and_highlight_the_counted_strategies(browser_run):
    run = collect.read_run(browser_run)
    sel = next(s for s in run.find("select") if s.name == "all")
    data = browser.gather(run, sel)
    assert data.total == 16 and len(data.rows) == 16 and data.method == "lexical" and data.has_sft
    F = {f: i for i, f in enumerate(browser.FIELDS)}
    sft = {r["id"]: r["mode"] for r in _rows(browser_run / "05-build-sft" / "all", ["id", "mode"])}
    parquet = {r["trace_id"]: r for r in _rows(sel.folder, ["id", "trace_id", "strategies", "domain"])}
    for row in data.rows:
        truth = parquet[row[F["id"]]]
        assert row[F["sft"]] == sft[truth["id"]] and row[F["domain"]] == truth["domain"]
        marked = {data.cue_names[k] for m in row[F["marks"]] for k in m[2]}
        assert marked == set(truth["strategies"]), row[F["id"]]  # highlighted == counted
    assert {r[F["sft"]] for r in data.rows} == {"system1", "system2"}


@pytest.mark.skipif(_chromium() is None, reason="chromium not installed (scripts/install-test-system-deps.sh installs it)")
def test_browser_filters_and_opens_rows_in_headless_chromium(browser_run, tmp_path):
    report = build_report(browser_run, tmp_path / "report").html
    rows = _rows(browser_run / "04-select" / "all", ["trace_id", "domain", "strategies"])
    domains = sorted({r["domain"] for r in rows}, key=lambda d: -sum(r["domain"] == d for r in rows))
    domain = domains[0]
    strategy = "backtracking"
    want_domain = sum(r["domain"] == domain for r in rows)
    want_strategy = sum(strategy in r["strategies"] for r in rows)
    want_both = sum(r["domain"] == domain and strategy in r["strategies"] for r in rows)
    assert 0 < want_strategy < 16

    dom = _dump(report, tmp_path, "")
    assert _shown(dom, "all") == (16, "16 of 16 traces") and _shown(dom, "half") == (8, "8 of 8 traces")
    dom = _dump(report, tmp_path, f"sel=all&domain={domain}")
    assert _shown(dom, "all") == (want_domain, f"{want_domain} of 16 traces")
    assert _shown(dom, "half")[0] == 8  # the hash names one browser; the others keep their state
    dom = _dump(report, tmp_path, f"sel=all&strategy={strategy}")
    assert _shown(dom, "all")[0] == want_strategy
    shown_ids = [e.get("data-id") for e in _browser(dom, "all").iter("tr") if e.get("class") == "trace"]
    assert sorted(shown_ids) == sorted(r["trace_id"] for r in rows if strategy in r["strategies"])
    dom = _dump(report, tmp_path, f"sel=all&domain={domain}&strategy={strategy}")
    assert _shown(dom, "all")[0] == want_both

    target = next(r for r in rows if strategy in r["strategies"] and "case_analysis" in r["strategies"])
    dom = _dump(report, tmp_path, f"sel=all&open={target['trace_id']}")
    detail = next(e for e in _browser(dom, "all").iter("tr") if e.get("class") == "detail")
    assert detail.get("data-id") == target["trace_id"]
    question, reasoning, answer = next(t for t in TRACES if _text(detail).count(t[0]))
    assert reasoning in _text(detail) and answer in _text(detail)
    marks = [m for m in detail.iter("mark") if m.get("class") == "cue"]
    cues = {s.name: s.cues for s in TAXONOMY.strategies}
    for m in marks:
        for name in m.get("data-strategy").split():
            assert any(c in _text(m).lower() for c in cues[name]), (name, _text(m))
    assert {n for m in marks for n in m.get("data-strategy").split()} == set(target["strategies"])
    assert "Wait, no" in [_text(m) for m in marks if "backtracking" in m.get("data-strategy")]


def _big_pool(n: int) -> pa.Table:
    reasoning = ("Let me verify the sum. Wait, no, the carry was wrong. " * 100)  # 5,400 characters
    return pa.table({
        "id": [f"q{i}" for i in range(n)], "trace_id": [f"q{i}#0" for i in range(n)],
        "question": [f"question {i} " * 10 for i in range(n)], "reasoning": [reasoning] * n,
        "response": ["answer"] * n, "domain": [["Law", "Medicine", "Science"][i % 3] for i in range(n)],
        "strategies": [["backtracking", "self_verification"]] * n, "reasoning_tokens": list(range(n)),
        "verbosity": pa.array([i % 11 for i in range(n)], pa.int8()), "agree": [i % 2 == 0 for i in range(n)],
    })


def test_ten_thousand_rows_are_capped_and_bounded(tmp_path, monkeypatch):
    run = tmp_path / "run"
    write_stage(run / "03-annotate", _big_pool(10_000), stage="annotate", config={"annotators": "strategies"})
    write_stage(run / "04-select" / "big", _big_pool(10_000), stage="select", config={"strategy": "random"},
                inputs=[run / "03-annotate"])
    t0 = time.perf_counter()
    html = build_report(run, tmp_path / "out").html.read_text()
    seconds = time.perf_counter() - t0
    assert "showing the first 2,000 of 10,000 traces" in html and "2,000 reasoning texts cut to 4,000" in html
    payload = re.search(r'<script type="application/json" class="browser-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert data["total"] == 10_000 and len(data["rows"]) == 2000
    assert len(payload.encode()) < browser.MAX_JSON_BYTES + 4096  # the rows plus the header fields
    F = {f: i for i, f in enumerate(data["fields"])}
    first = data["rows"][0]
    assert len(first[F["reasoning"]]) <= browser.REASONING_CHARS + 2 and first[F["cut"]] > 5000
    assert all(m[1] <= browser.REASONING_CHARS for m in first[F["marks"]]) and first[F["marks"]]
    small = build_report(run, tmp_path / "small", browser_rows=100).html.read_text()
    assert "showing the first 100 of 10,000 traces" in small
    monkeypatch.setattr(browser, "MAX_JSON_BYTES", 100_000)  # the byte budget caps before the row count does
    capped = build_report(run, tmp_path / "capped").html.read_text()
    rows = re.search(r'class="note cap">showing the first (\d+) of 10,000', capped)
    assert rows and 10 < int(rows.group(1)) < 30
    print(f"report with a 10,000-row selection: {seconds:.2f} s, browser JSON {len(payload.encode()) / 1e6:.1f} MB")


def test_judge_strategies_keep_lexical_highlights_and_say_so(tmp_path):
    pool = _big_pool(3).append_column("strategies_method", pa.array(["judge"] * 3))
    run = tmp_path / "run"
    write_stage(run / "03-annotate", pool, stage="annotate", config={"options": {"strategies_taxonomy": "/gone.yaml"}})
    write_stage(run / "04-select" / "judged", pool, stage="select", config={"strategy": "random"},
                inputs=[run / "03-annotate"])
    html = build_report(run, tmp_path / "out").html.read_text()
    assert "comes from the LLM judge" in html and "/gone.yaml is not readable here" in html
    data = json.loads(re.search(r'class="browser-data">(.*?)</script>', html, re.S).group(1))
    assert data["rows"][0][data["fields"].index("marks")]  # lexical cues are still highlighted
    assert "showing the first" not in html  # all 3 rows embedded
