"""Write the bundled sample question pool from the literals in questions_{a,b,c}.py.

    python scripts/sample_pool/build.py

Outputs (both under src/naturalthoughts/data/questions/):
* ``sample_pool.jsonl``: one question per line in QUESTION_SCHEMA fields (id, question, reference_answer, options,
  answer, source). Domains are interleaved round-robin, so any prefix of 13·k rows covers every domain k times —
  handy for quick runs on the first few rows.
* ``sample_pool_domains.json``: id -> intended domain (one of the paper's 13), kept out of the pool itself so a
  domain annotator can be scored against it without seeing it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from questions_a import ECONOMICS, ENGINEERING, MEDICINE, PHILOSOPHY, SCIENCE  # noqa: E402
from questions_b import EDUCATION, HISTORY, LAW, MANAGEMENT  # noqa: E402
from questions_c import AGRONOMY, LITERATURE_AND_ARTS, MILITARY_SCIENCE, SOCIOLOGY  # noqa: E402

# The 13 SuperGPQA disciplines used by the paper, in the paper's order.
DOMAINS = {
    "Engineering": ENGINEERING, "Philosophy": PHILOSOPHY, "Medicine": MEDICINE, "Economics": ECONOMICS,
    "Science": SCIENCE, "Law": LAW, "History": HISTORY, "Education": EDUCATION, "Management": MANAGEMENT,
    "Literature and Arts": LITERATURE_AND_ARTS, "Agronomy": AGRONOMY, "Sociology": SOCIOLOGY,
    "Military Science": MILITARY_SCIENCE,
}
SOURCE = "naturalthoughts-sample"
OUT = HERE.parents[1] / "src" / "naturalthoughts" / "data" / "questions"


def build() -> tuple[list[dict], dict[str, str]]:
    rows, domains = [], {}
    longest = max(len(v) for v in DOMAINS.values())
    for k in range(longest):
        for domain, items in DOMAINS.items():
            if k < len(items):
                question, answer = items[k]
                qid = f"nts-{len(rows) + 1:03d}"
                rows.append({"id": qid, "question": question, "reference_answer": answer, "options": None,
                             "answer": None, "source": SOURCE})
                domains[qid] = domain
    return rows, domains


def main() -> None:
    rows, domains = build()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "sample_pool.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    (OUT / "sample_pool_domains.json").write_text(json.dumps(domains, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(rows)} questions, {len(DOMAINS)} domains -> {OUT}")


if __name__ == "__main__":
    main()
