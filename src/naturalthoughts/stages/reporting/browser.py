"""The trace browser of a selection: a filterable, paged table of its traces inside the (offline) report.

Rows are embedded as JSON in a ``<script type="application/json">`` block and drawn a page at a time by the
inline script :data:`SCRIPT`, so the page stays fast whatever the selection's size. What is embedded is bounded:
at most ``max_rows`` rows (the first ones, in stage order; a note says "showing the first N of M"), reasoning cut
at ``reasoning_chars`` characters, question and answer at ``TEXT_CHARS``, and the rows' JSON at most
``MAX_JSON_BYTES`` per selection (rows past it are left out like rows past ``max_rows``; 2,000 rows of long
traces take ~10 MB, under the 16 MiB budget). Only the columns shown are read, in record batches, and reading
stops once the rows are in.

Cue highlighting uses :meth:`naturalthoughts.core.cues.LexicalDetector.spans` with the taxonomy (and engine) the
annotate stage used, computed on the full reasoning before it is cut, so a highlighted phrase is exactly one the
lexical detector counted. When the ``strategies`` column came from the LLM judge, the legend says so: the
highlights are then the lexical cues, not the judge's evidence.

The URL hash holds the filter state (``#sel=NAME&domain=Law&strategy=backtracking&open=ID``): links are
shareable, and the tests drive the page through it with ``chromium --dump-dom``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naturalthoughts.core.cues import DEFAULT_TAXONOMY, CueSpan, LexicalDetector, load_taxonomy
from naturalthoughts.core.datafiles import count_rows, data_files, dataset_schema, iter_batches
from naturalthoughts.core.secrets import scrub
from naturalthoughts.core.store import MANIFEST_FILE
from naturalthoughts.stages.reporting import collect

BROWSER_ROWS = 2000  # rows embedded per selection (cli: --browser-rows)
REASONING_CHARS = 4000  # reasoning characters embedded per row
TEXT_CHARS = 1000  # question / answer characters embedded per row
PAGE_ROWS = 50  # rows drawn per page
READ_ROWS = 128  # rows per record batch read: long traces are ~64 kB each, so a batch stays ~8 MB
# Hard cap on the embedded rows' JSON per selection: characters alone do not bound bytes (escapes, UTF-8, marks).
MAX_JSON_BYTES = 16 * 1024**2
LENGTH_COLUMNS = ("reasoning_tokens", "reasoning_words", "completion_tokens")
# The columns the browser reads; nothing else is touched.
COLUMNS = ("id", "trace_id", "question", "reasoning", "response", "domain", "strategies", "verbosity", "agree",
           "strategies_method", *LENGTH_COLUMNS)
FIELDS = ["id", "domain", "strategies", "verbosity", "length", "agree", "sft", "question", "reasoning",
          "answer", "marks", "cut"]
# One colour per taxonomy position (cycled): legend and marks use the same.
PALETTE = ["#fde68a", "#bfdbfe", "#c7f9cc", "#fbcfe8", "#ddd6fe", "#fed7aa", "#a5f3fc", "#e9d5ff", "#fecaca",
           "#d9f99d", "#bae6fd", "#f5d0fe", "#e5e7eb"]


@dataclass
class BrowserData:
    """What one selection's browser embeds."""

    name: str
    total: int
    rows: list[list[Any]] = field(default_factory=list)
    length_column: str | None = None
    method: str | None = None  # strategies_method of the rows: lexical | judge | None
    has_sft: bool = False
    cue_names: tuple[str, ...] = ()
    taxonomy: str = DEFAULT_TAXONOMY


def _cut(text: Any, limit: int) -> str:
    text = scrub(text) if isinstance(text, str) else ""
    return text if len(text) <= limit else text[:limit] + " …"


def marks(spans: list[CueSpan], names: tuple[str, ...], limit: int) -> list[list[Any]]:
    """Non-overlapping ``[start, end, [strategy index, ...]]`` to highlight, from the spans before ``limit``.

    Overlapping spans (a cue inside a longer one, or one cue of two strategies) become one mark that lists
    every strategy involved, so no counted cue is left out of the highlights.
    """
    index = {n: i for i, n in enumerate(names)}
    out: list[list[Any]] = []
    for span in spans:  # sorted by start, longest first
        if span.start >= limit:
            break
        if span.end > limit:  # runs past the cut: not shown, so not marked
            continue
        k = index[span.strategy]
        if out and span.start < out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], span.end)
            if k not in last[2]:
                last[2].append(k)
        else:
            out.append([span.start, span.end, [k]])
    return out


def _annotate_options(run: collect.RunData, sel: collect.StageInfo) -> dict[str, Any]:
    """The options the selection's pool was annotated with (taxonomy, lexical engine), {} when unknown."""
    pool = collect.pool_folder(run, sel)
    try:
        manifest = json.loads((pool / MANIFEST_FILE).read_text()) if pool else {}
    except (OSError, ValueError):
        return {}
    return ((manifest or {}).get("config") or {}).get("options") or {}


def _sft_folders(run: collect.RunData, sel: collect.StageInfo) -> list[Path]:
    """The build-sft outputs made from this selection (by manifest input, else by instance name)."""
    found = []
    for s in run.find("build-sft"):
        inputs = [Path(str(i.get("path", ""))) for i in (s.manifest or {}).get("inputs", [])]
        if any(p == sel.folder or sel.folder in p.parents for p in inputs) or (not inputs and s.name == sel.name):
            found.append(s.folder)
    return found


def sft_modes(folders: list[Path], ids: set[str]) -> dict[str, str]:
    """``id -> "system1" | "system2" | "system1/system2"`` for the ``ids`` found in the SFT outputs."""
    modes: dict[str, set[str]] = {}
    for folder in folders:
        try:
            names = dataset_schema(data_files(folder)).names
        except (FileNotFoundError, KeyError):
            continue
        if not {"id", "mode"} <= set(names):
            continue
        for batch in iter_batches(folder, ["id", "mode"]):
            for i, m in zip(batch.column("id").to_pylist(), batch.column("mode").to_pylist()):
                if i in ids and m:
                    modes.setdefault(i, set()).add(str(m))
    return {i: "/".join(sorted(m)) for i, m in modes.items()}


def gather(run: collect.RunData, sel: collect.StageInfo, *, max_rows: int = BROWSER_ROWS,
           reasoning_chars: int = REASONING_CHARS) -> BrowserData | None:
    """The first ``max_rows`` traces of a selection, ready to embed (None when it has no data)."""
    try:
        files = data_files(sel.folder)
    except FileNotFoundError:
        return None
    have = set(dataset_schema(files).names)
    columns = [c for c in COLUMNS if c in have]
    data = BrowserData(sel.name or "selection", count_rows(sel.folder))
    data.length_column = next((c for c in LENGTH_COLUMNS if c in have), None)
    options = _annotate_options(run, sel)
    data.taxonomy = str(options.get("strategies_taxonomy") or DEFAULT_TAXONOMY)
    try:
        taxonomy = load_taxonomy(data.taxonomy)
    except (OSError, ValueError, KeyError):  # a taxonomy file of the annotating machine that is not here
        data.taxonomy = f"{DEFAULT_TAXONOMY} (the run's {data.taxonomy} is not readable here)"
        taxonomy = load_taxonomy(DEFAULT_TAXONOMY)
    detector = LexicalDetector(taxonomy, engine=str(options.get("strategies_lexical_engine") or "auto"))
    data.cue_names = taxonomy.names
    methods: set[str] = set()
    question_ids: list[str] = []  # build-sft rows carry the question id; a row's key is its trace id
    size = 0
    for batch in iter_batches(files, columns, batch_rows=READ_ROWS):
        batch = batch.slice(0, max_rows - len(data.rows))
        for r in batch.to_pylist():
            reasoning = scrub(r.get("reasoning") or "")
            agree = r.get("agree")
            question_ids.append(str(r.get("id") or ""))
            methods.add(r.get("strategies_method") or "")
            data.rows.append([
                str(r.get("trace_id") or r.get("id") or ""), r.get("domain"), list(r.get("strategies") or []),
                r.get("verbosity"), r.get(data.length_column) if data.length_column else None,
                None if "agree" not in have else {True: "agree", False: "disagree"}.get(agree, "unknown"),
                None, _cut(r.get("question"), TEXT_CHARS), _cut(reasoning, reasoning_chars),
                _cut(r.get("response"), TEXT_CHARS),
                marks(detector.spans(reasoning, reasoning_chars), data.cue_names, reasoning_chars),
                len(reasoning) if len(reasoning) > reasoning_chars else 0,
            ])
            size += len(json.dumps(data.rows[-1], ensure_ascii=False, default=str).encode()) + 24  # + SFT mode
            if size > MAX_JSON_BYTES and len(data.rows) > 1:
                data.rows.pop()
                question_ids.pop()
                break
        if len(data.rows) >= max_rows or size > MAX_JSON_BYTES:
            break
    data.method = "judge" if "judge" in methods else ("lexical" if "lexical" in methods else None)
    folders = _sft_folders(run, sel)
    if folders:
        modes = sft_modes(folders, set(question_ids))
        data.has_sft = bool(modes)
        for r, qid in zip(data.rows, question_ids):
            r[6] = modes.get(qid)
    return data


# ----------------------------------------------------------------------------------------------- HTML
def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _select(key: str, label: str, values: list[str]) -> str:
    opts = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
    return f'<label>{_e(label)} <select data-f="{key}"><option value="">all</option>{opts}</select></label>'


def _range(key: str, label: str) -> str:
    return (f'<label>{_e(label)} <input type="number" data-f="{key}min" placeholder="min"> – '
            f'<input type="number" data-f="{key}max" placeholder="max"></label>')


def _legend(data: BrowserData) -> str:
    used = sorted({k for r in data.rows for m in r[10] for k in m[2]})
    chips = "".join(f'<span class="cue-key" style="background:{PALETTE[k % len(PALETTE)]}">'
                    f'{_e(data.cue_names[k])}</span>' for k in used)
    if data.method == "judge":
        lead = ("Highlighted: lexical cue phrases (taxonomy <code>" + _e(data.taxonomy) + "</code>). The "
                "<i>strategies</i> column comes from the LLM judge, so a listed strategy may have no highlighted "
                "cue and a highlight may not be among the listed strategies.")
    else:
        lead = ("Highlighted: the cue phrases the lexical detector counted (taxonomy <code>"
                + _e(data.taxonomy) + "</code>).")
    return f'<p class="legend note">{lead} {chips}</p>'


def _payload(data: BrowserData) -> str:
    body = {"name": data.name, "total": data.total, "fields": FIELDS, "cues": list(data.cue_names),
            "palette": PALETTE, "pageRows": PAGE_ROWS, "rows": data.rows}
    # "<" escaped so no trace text can close the script element; JSON.parse reads \u003c back as "<".
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).replace("<", "\\u003c")


def render(data: BrowserData) -> str:
    """The browser's HTML fragment (needs :data:`SCRIPT` once on the page)."""
    if not data.rows:
        return '<p class="note">Trace browser: no rows.</p>'
    rows = data.rows
    domains = sorted({r[1] for r in rows if r[1]})
    strategies = sorted({s for r in rows for s in r[2]})
    agrees = [a for a in ("agree", "disagree", "unknown") if any(r[5] == a for r in rows)]
    filters = [_select("domain", "domain", domains), _select("strategy", "strategy", strategies)]
    if agrees:
        filters.append(_select("agree", "agreement", agrees))
    if data.has_sft:
        filters.append(_select("sft", "SFT mode", sorted({r[6] for r in rows if r[6]})))
    filters += [_range("v", "verbosity"), _range("l", "length")]
    cut = sum(1 for r in rows if r[11])
    notes = []
    if data.total > len(rows):
        notes.append(f"showing the first {len(rows):,} of {data.total:,} traces")
    if cut:
        notes.append(f"{cut:,} reasoning texts cut to {REASONING_CHARS:,} characters")
    length = (data.length_column or "length").replace("_", " ")
    head = "".join(f"<th>{_e(h)}</th>" for h in ("id", "domain", "strategies", "verbosity", length, "agreement",
                                                   "SFT mode"))
    return (f'<div class="browser" data-sel="{_e(data.name)}"><h3>Trace browser</h3>'
            + (f'<p class="note cap">{_e("; ".join(notes))}</p>' if notes else "")
            + f'<div class="filters">{"".join(filters)}<button type="button" class="reset">reset</button></div>'
            + '<p class="count" aria-live="polite"></p>'
            + f'<table class="traces wide"><thead><tr>{head}</tr></thead><tbody></tbody></table>'
            + '<div class="pager"><button type="button" class="prev">‹ prev</button> <span class="pageinfo">'
            + '</span> <button type="button" class="next">next ›</button></div>' + _legend(data)
            + f'<script type="application/json" class="browser-data">{_payload(data)}</script></div>')


def section_html(run: collect.RunData, sel: collect.StageInfo, *, max_rows: int = BROWSER_ROWS) -> str:
    """The browser of one selection, or "" when it has no data."""
    data = gather(run, sel, max_rows=max_rows)
    return render(data) if data is not None else ""


# Plain inline JS (no library, nothing fetched). Builds the DOM with textContent only: trace text is never
# parsed as HTML.
SCRIPT = r"""
(function(){
function hashState(){var s={};location.hash.replace(/^#/,'').split('&').forEach(function(p){if(!p)return;
var i=p.indexOf('=');var k=decodeURIComponent(i<0?p:p.slice(0,i));s[k]=i<0?'':decodeURIComponent(p.slice(i+1));});return s;}
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=text;return e;}
function num(v){return v===''||v==null?null:Number(v);}
function Browser(root){
  var d=JSON.parse(root.querySelector('script.browser-data').textContent),F={};d.fields.forEach(function(f,i){F[f]=i;});
  var inputs=[].slice.call(root.querySelectorAll('[data-f]')),tbody=root.querySelector('tbody'),page=0,open={},shown=[];
  function state(){var s={};inputs.forEach(function(x){if(x.value!=='')s[x.getAttribute('data-f')]=x.value;});return s;}
  function keep(r,s){
    if(s.domain&&r[F.domain]!==s.domain)return false;
    if(s.strategy&&r[F.strategies].indexOf(s.strategy)<0)return false;
    if(s.agree&&r[F.agree]!==s.agree)return false;
    if(s.sft&&r[F.sft]!==s.sft)return false;
    var v=r[F.verbosity],l=r[F.length];
    if(num(s.vmin)!=null&&!(v!=null&&v>=num(s.vmin)))return false;if(num(s.vmax)!=null&&!(v!=null&&v<=num(s.vmax)))return false;
    if(num(s.lmin)!=null&&!(l!=null&&l>=num(s.lmin)))return false;if(num(s.lmax)!=null&&!(l!=null&&l<=num(s.lmax)))return false;
    return true;}
  function reasoning(r){var box=el('div','reasoning'),t=r[F.reasoning],at=0;
    r[F.marks].forEach(function(m){box.appendChild(document.createTextNode(t.slice(at,m[0])));
      var names=m[2].map(function(k){return d.cues[k];}),mk=el('mark','cue',t.slice(m[0],m[1]));
      mk.setAttribute('data-strategy',names.join(' '));mk.title=names.join(', ');mk.style.background=d.palette[m[2][0]%d.palette.length];
      box.appendChild(mk);at=m[1];});
    box.appendChild(document.createTextNode(t.slice(at)));
    if(r[F.cut])box.appendChild(el('p','note','(cut: '+r[F.cut]+' characters in full)'));return box;}
  function detail(r){var tr=el('tr','detail'),td=el('td');td.colSpan=7;tr.setAttribute('data-id',r[F.id]);
    [['Question','question',el('div','question',r[F.question])],['Reasoning','',reasoning(r)],['Answer','',el('div','answer',r[F.answer])]]
      .forEach(function(p){td.appendChild(el('h4',null,p[0]));td.appendChild(p[2]);});tr.appendChild(td);return tr;}
  function draw(){var s=state(),n=d.rows.length;shown=d.rows.filter(function(r){return keep(r,s);});
    var pages=Math.max(1,Math.ceil(shown.length/d.pageRows));page=Math.min(page,pages-1);tbody.textContent='';
    shown.slice(page*d.pageRows,(page+1)*d.pageRows).forEach(function(r){
      var tr=el('tr','trace');tr.setAttribute('data-id',r[F.id]);
      [r[F.id],r[F.domain],r[F.strategies].join(', '),r[F.verbosity],r[F.length],r[F.agree],r[F.sft]].forEach(function(c){tr.appendChild(el('td',null,c==null?'':String(c)));});
      tr.addEventListener('click',function(){open[r[F.id]]=!open[r[F.id]];draw();save();});
      tbody.appendChild(tr);if(open[r[F.id]]){tr.classList.add('open');tbody.appendChild(detail(r));}});
    var c=root.querySelector('.count');c.textContent=shown.length+' of '+n+' traces'+(d.total>n?' (first '+n+' of '+d.total+' embedded)':'');
    c.setAttribute('data-shown',shown.length);c.setAttribute('data-rows',n);
    root.querySelector('.pageinfo').textContent='page '+(page+1)+' of '+pages;
    root.querySelector('.prev').disabled=page<=0;root.querySelector('.next').disabled=page>=pages-1;}
  function save(){var s=state();s.sel=d.name;if(page)s.page=page+1;
    var o=Object.keys(open).filter(function(k){return open[k];});if(o.length)s.open=o.join(',');
    var h='#'+Object.keys(s).map(function(k){return encodeURIComponent(k)+'='+encodeURIComponent(s[k]);}).join('&');
    try{history.replaceState(null,'',h);}catch(e){}}
  inputs.forEach(function(x){x.addEventListener(x.tagName==='SELECT'?'change':'input',function(){page=0;draw();save();});});
  root.querySelector('.prev').addEventListener('click',function(){page--;draw();save();});
  root.querySelector('.next').addEventListener('click',function(){page++;draw();save();});
  root.querySelector('.reset').addEventListener('click',function(){inputs.forEach(function(x){x.value='';});open={};page=0;draw();save();});
  var h=hashState();
  if(h.sel===d.name){inputs.forEach(function(x){var k=x.getAttribute('data-f');if(h[k]!=null)x.value=h[k];});
    (h.open||'').split(',').forEach(function(k){if(k)open[k]=true;});page=Math.max(0,(parseInt(h.page,10)||1)-1);
    if(h.open&&!h.page){var s=state(),list=d.rows.filter(function(r){return keep(r,s);}),first=h.open.split(',')[0];
      for(var i=0;i<list.length;i++)if(list[i][F.id]===first){page=Math.floor(i/d.pageRows);break;}}}
  draw();
  if(h.sel===d.name){var t=root.querySelector('tr.detail')||root;if(t.scrollIntoView)t.scrollIntoView();}}
function init(){[].forEach.call(document.querySelectorAll('.browser[data-sel]'),function(b){Browser(b);});}
if(document.readyState==='loading')document.addEventListener('DOMContentLoaded',init);else init();
})();
"""
