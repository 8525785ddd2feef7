"""Streaming ingest: bounded memory, compact dedup state, rejects phase by phase, inputs read batch by
batch."""

from __future__ import annotations

import csv
import io
import json
import random
import tracemalloc
import zlib

import pyarrow as pa
import pyarrow.parquet as pq

from naturalthoughts.core.io import RowSink, iter_records
from naturalthoughts.core.store import read_table
from naturalthoughts.stages.ingest import ingest_questions, ingest_traces, stream
from naturalthoughts.stages.ingest.dedup import NUM_PERM, NearDuplicateIndex, jaccard, shingles


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def datasketch_reference(texts, threshold):
    """The in-memory datasketch MinHashLSH index ingest used before it streamed: (index, kept_index) pairs."""
    from datasketch import MinHash, MinHashLSH

    from naturalthoughts.stages.ingest.dedup import _band_key

    lsh = MinHashLSH(
        threshold=max(0.05, min(threshold, 0.9) - 0.15),
        num_perm=NUM_PERM,
        hashfunc=lambda band: _band_key(band).to_bytes(8, "little"),
    )
    permutations = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations
    out = []
    for i, text in enumerate(texts):
        sh = shingles(text)
        mh = MinHash(
            num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32, permutations=permutations, scheme="affine32"
        )
        mh.update_batch([s.encode() for s in sh])
        best = None
        for j in lsh.query(mh):
            sim = jaccard(sh, shingles(texts[j]))
            if sim >= threshold and (best is None or (sim, -j) > (best[0], -best[1])):
                best = (sim, j)
        if best is None:
            lsh.insert(i, mh, check_duplication=False)
        else:
            out.append((i, best[1]))
    return out


def test_compact_band_table_proposes_what_datasketch_proposed():
    rng = random.Random(3)
    words = "tank drains litres minute prime integer triangle angle sum product series limit".split()
    texts = []
    for _ in range(700):
        if texts and rng.random() < 0.3:
            base = rng.choice(texts).split()
            base[rng.randrange(len(base))] = rng.choice(words)  # a near duplicate: one word changed
            texts.append(" ".join(base))
        else:
            texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(6, 20))))
    index = NearDuplicateIndex(texts.__getitem__, 0.55)
    index.table.buffer_entries = 64  # many sorted runs and merges, not just the recent-inserts dict
    ours = [(m.index, m.kept_index) for i, t in enumerate(texts) if (m := index.check(i, t)) is not None]
    assert ours == datasketch_reference(texts, 0.55)
    assert len(index.table._runs) > 1 and ours


def test_rejects_are_listed_phase_by_phase_and_spills_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "REJECT_CHUNK", 1)  # every reject goes through the spill file
    evaluation = write_jsonl(tmp_path / "eval.jsonl", [{"question": " ".join(f"w{i}" for i in range(14))}])
    lines = [
        json.dumps({"id": "a", "question": "What is two plus two?"}),
        json.dumps({"id": "a", "question": "A different question entirely?"}),  # duplicate_id (ids phase)
        json.dumps({"question": "what is two plus two"}),  # exact duplicate (dedup phase)
        json.dumps({"question": "Consider " + " ".join(f"w{i}" for i in range(14))}),  # contaminated
        "{broken",  # malformed_json (read phase), after the others in the file
        json.dumps({"question": ""}),  # empty_question (read phase)
    ]
    src = tmp_path / "pool.jsonl"
    src.write_text("\n".join(lines) + "\n")
    m = ingest_questions(src, tmp_path / "out", on_bad_row="skip", decontaminate=[evaluation])
    rejects = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert [(r["reject_reason"], r["line"]) for r in rejects] == [
        ("malformed_json", 5),
        ("empty_question", 6),
        ("duplicate_id", 2),
        ("contaminated", 4),
        ("duplicate", 3),
    ]
    assert m.counts["out"] == 1 and m.counts["in"] == 6
    assert {o["path"] for o in m.outputs} >= {"rejects.parquet"}
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []


def test_limit_still_checks_the_rows_after_it(tmp_path):
    src = write_jsonl(
        tmp_path / "pool.jsonl",
        [{"question": f"Question number {w}?"} for w in ("one", "two", "three", "one", "four", "two")],
    )
    m = ingest_questions(src, tmp_path / "out", on_bad_row="skip", dedup="exact", limit=2)
    assert [r["question"] for r in read_table(tmp_path / "out").to_pylist()] == [
        "Question number one?",
        "Question number two?",
    ]
    assert m.counts["beyond_limit"] == 2 and m.counts["dropped"] == {"duplicate": 2}


def test_parquet_input_read_by_batches_gives_the_rows_of_jsonl(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "WRITE_BATCH_ROWS", 7)  # output written in many small batches
    rows = [
        {"question": f"How many apples are in basket {i}?", "reference_answer": str(i)} for i in range(2500)
    ]
    write_jsonl(tmp_path / "pool.jsonl", rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "pool.parquet", row_group_size=300)
    assert [line for line, _ in iter_records(tmp_path / "pool.parquet")] == list(range(1, 2501))
    ingest_questions(tmp_path / "pool.jsonl", tmp_path / "a", dedup="exact", source="s")
    ingest_questions(tmp_path / "pool.parquet", tmp_path / "b", dedup="exact", source="s")
    assert read_table(tmp_path / "a").to_pylist() == read_table(tmp_path / "b").to_pylist()


def test_csv_streamed_line_numbers_match_whole_text_splitting(tmp_path):
    text = 'question,answer\n"Line one\u2028still one",1\nplain,2\n"a\nb",3\nlast,4\n'
    path = tmp_path / "pool.csv"
    path.write_text(text, encoding="utf-8")
    whole = csv.DictReader(io.StringIO(text).read().splitlines(keepends=True))
    expected = [(whole.line_num, rec) for rec in whole]
    assert list(iter_records(path, RowSink("fail"))) == expected


def test_trace_rows_are_not_held_in_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "WRITE_BATCH_ROWS", 32)
    reasoning = "Wait, let me verify the sum again. " * 600  # ~21k characters per trace
    rows = [
        {
            "question": f"Problem {i}?",
            "reasoning_content": reasoning + str(i),
            "content": f"So the answer is {i}.",
        }
        for i in range(1200)
    ]
    src = write_jsonl(tmp_path / "traces.jsonl", rows)
    total_text = sum(len(r["reasoning_content"]) for r in rows)
    tracemalloc.start()
    try:
        m = ingest_traces(src, tmp_path / "out")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert m.counts["out"] == 1200 and m.counts["questions"] == 1200
    # Python objects at the peak: a few batches of rows, not the ~25 MB of reasoning text.
    assert peak < total_text / 3, (peak, total_text)


def test_json_array_file_is_read_element_by_element(tmp_path):
    """A file holding one JSON array streams like JSON Lines: the same rows and numbering at any buffer size,
    non-objects counted as bad rows, a malformed element an error naming the file and the element, and
    ingest gives the rows of the JSONL form of the same file."""
    from naturalthoughts.core import io as nio

    rows = [{"id": f"q{i}", "question": f"Why does the {w} sink? ({i})" + " pad" * (i * 13 % 300), "big": 2**70 + i}
            for i, w in enumerate(["anchor", "stone", "key"] * 40)]
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(rows, indent=1))
    for chunk in (5, 333, 1 << 20):
        with open(path, "rb") as f:
            got = list(nio._iter_json_array(path, f, RowSink("skip"), chunk_chars=chunk))
        assert [r for _, r in got] == rows and [n for n, _ in got] == list(range(1, 121))
    mixed = tmp_path / "mixed.json"
    mixed.write_text('[{"id": "a", "question": "Why?"}, 7, {"id": "b", "question": "How?"}]')
    sink = RowSink("skip")
    assert [r["id"] for _, r in iter_records(mixed, sink)] == ["a", "b"]
    assert [(r.reason, r.line) for r in sink.rejects] == [("not_an_object", 2)]
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a", "question": "Why?"}, {"id": ]')
    try:
        list(iter_records(broken, RowSink("skip")))
        raise AssertionError("a malformed array must not pass")
    except ValueError as exc:
        assert "broken.json" in str(exc) and "element 2" in str(exc)
    ingest_questions(path, tmp_path / "from-json")
    ingest_questions(write_jsonl(tmp_path / "pool.jsonl", rows), tmp_path / "from-jsonl")
    strip = lambda t: [{k: v for k, v in r.items() if k != "source"} for r in t.to_pylist()]  # noqa: E731
    assert strip(read_table(tmp_path / "from-json")) == strip(read_table(tmp_path / "from-jsonl"))
    assert read_table(tmp_path / "from-json").num_rows >= 3  # near-duplicates (same words, other pad) merge
