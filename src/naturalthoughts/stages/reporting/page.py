"""The report page's stylesheet and HTML shell (kept apart so report.py reads as the rendering code)."""

CSS = """
:root{--fg:#1d2330;--muted:#6b7280;--line:#e5e7eb;--accent:#2f6fdb;--bg:#f7f8fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#fff;border-bottom:1px solid var(--line);padding:18px 32px 10px}
header h1{margin:0 0 2px;font-size:22px}header .meta{color:var(--muted);font-size:12px}
nav{margin-top:10px;display:flex;flex-wrap:wrap;gap:6px}nav a{font-size:12px;text-decoration:none;color:var(--accent);border:1px solid #d6e2f8;background:#f3f7fe;border-radius:12px;padding:2px 10px}
main{max-width:1280px;margin:0 auto;padding:8px 32px 48px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 20px;margin:18px 0}
h2{font-size:17px;margin:2px 0 10px}
.figure{border-top:1px solid var(--line);padding:10px 0 12px}.figure h3{font-size:14px;margin:0 0 6px}
.figure .row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.figure .plot img{max-width:620px;width:100%;height:auto}.figure .plot{flex:1 1 560px}.figure .numbers{flex:0 1 380px;max-height:420px;overflow:auto}
.plotwide img{max-width:760px;width:100%;height:auto}
table{border-collapse:collapse;font-size:12.5px;width:100%}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}th{background:#f3f4f6;font-weight:600;position:sticky;top:0}
table.wide td,table.wide th{text-align:left}table.mono td{font-size:12px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;border-radius:4px;padding:0 4px}
pre{background:#0f172a;color:#e2e8f0;padding:12px 14px;border-radius:8px;overflow:auto;font-size:12px;max-height:520px}
.lead{margin:4px 0 8px}.chip{display:inline-block;background:#eef2f7;border-radius:10px;padding:0 8px;margin:0 3px;font-size:12px;color:#374151}
.note{color:var(--muted);font-style:italic}.warn{background:#fff4e0;border-radius:6px;padding:6px 10px}
.st{border-radius:10px;padding:0 8px;font-size:12px}.st.done{background:#e3f5eb;color:#17663d}.st.failed{background:#fde8e8;color:#9b1c1c}
.st.running,.st.incomplete{background:#fff4e0;color:#8a5300}
.browser{border-top:1px solid var(--line);padding:10px 0}.browser h3{font-size:14px;margin:0 0 6px}
.browser .filters{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;font-size:12.5px;margin:4px 0}
.browser input[type=number]{width:70px}.browser .count{font-weight:600;margin:6px 0}
.browser tr.trace{cursor:pointer}.browser tr.trace:hover,.browser tr.open{background:#f3f7fe}
.browser tr.detail td{background:#fbfcfe;white-space:normal}.browser tr.detail h4{margin:6px 0 2px;font-size:12.5px}
.browser .reasoning,.browser .question,.browser .answer{white-space:pre-wrap;max-height:480px;overflow:auto;font-size:12.5px}
mark.cue{border-radius:3px;padding:0 1px}.cue-key{display:inline-block;border-radius:8px;padding:0 7px;margin:0 2px;font-style:normal;color:#1d2330}
"""  # noqa: E501 (verbatim CSS/HTML)

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{css}</style></head>
<body><header><h1>{title}</h1><div class="meta">run folder <code>{run}</code> · generated {generated} ·
<a href="https://arxiv.org/abs/2507.01921">NaturalThoughts (arXiv 2507.01921)</a></div><nav>{nav}</nav></header>
<main>{body}</main><script>{script}</script></body></html>
"""  # noqa: E501 (verbatim CSS/HTML)
