"""ingest_questions: every input layout, column mapping, bad input (fail and skip), dedup and decontamination."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from naturalthoughts.core.io import BadRowError
from naturalthoughts.core.schema import QUESTION_SCHEMA, question_id
from naturalthoughts.core.store import Manifest, is_complete, read_table
from naturalthoughts.stages.ingest import ingest_questions
from naturalthoughts.stages.ingest.dedup import (
    exact_duplicates,
    jaccard,
    near_duplicates,
    normalise_text,
    shingles,
)


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def rows_of(out):
    return read_table(out).to_pylist()


# ------------------------------------------------------------------------------------------------- layouts
def test_natural_reasoning_layout(tmp_path):
    src = write_jsonl(tmp_path / "nr.jsonl", [
        {"question": "A tank drains at 2 L/min from 50 L. When is it empty?", "reference_answer": "25 minutes",
         "responses": [{"response": "It takes 50/2 = 25 minutes."}]},
        {"question": "Explain why the sky appears blue at noon.", "reference_answer": None, "responses": []},
    ])
    m = ingest_questions(src, tmp_path / "out")
    rows = rows_of(tmp_path / "out")
    assert is_complete(tmp_path / "out")
    assert read_table(tmp_path / "out").schema.equals(QUESTION_SCHEMA)
    assert [r["reference_answer"] for r in rows] == ["25 minutes", None]
    assert rows[0]["id"] == question_id(rows[0]["question"])  # stable id derived from the text
    assert rows[0]["source"] == "nr.jsonl" and rows[0]["options"] is None
    assert m.counts["in"] == 2 and m.counts["out"] == 2 and m.counts["rejected"] == {}
    assert Manifest.load(tmp_path / "out").inputs[0]["sha256"]


def test_plain_question_answer_and_problem_layouts(tmp_path):
    qa = write_jsonl(tmp_path / "qa.jsonl", [
        {"question": "Tom has 3 bags of 4 apples and eats 2. How many are left?", "answer": "3 * 4 = 12\n12 - 2 = 10\n#### 10"},
        {"question": "What is the capital of the country whose flag is a red disc on white?", "answer": "Tokyo"},
    ])
    math = write_jsonl(tmp_path / "math.jsonl", [
        {"problem": "Solve 2x + 3 = 11.", "solution": "2x = 8, so x = 4.", "answer": "4", "unique_id": "alg/1"},
    ])
    ingest_questions([qa, math], tmp_path / "out")
    rows = {r["question"][:5]: r for r in rows_of(tmp_path / "out")}
    assert rows["Tom h"]["reference_answer"] == "10"  # GSM8K "#### n" keeps the final answer
    assert rows["What "]["reference_answer"] == "Tokyo"
    assert rows["Solve"]["reference_answer"] == "4" and rows["Solve"]["id"] == "alg/1"  # short answer beats solution


def test_mcq_arc_and_mmlu_pro_layouts(tmp_path):
    arc = write_jsonl(tmp_path / "arc.jsonl", [
        {"id": "arc-1", "question": "Which gas do plants take in for photosynthesis?",
         "choices": {"text": ["oxygen", "carbon dioxide", "nitrogen"], "label": ["A", "B", "C"]}, "answerKey": "B"},
        {"id": "arc-2", "question": "Which is a renewable energy source?",
         "choices": {"text": ["coal", "oil", "wind", "gas"], "label": ["1", "2", "3", "4"]}, "answerKey": "3"},
    ])
    mmlu = write_jsonl(tmp_path / "mmlu.jsonl", [
        {"question_id": 7, "question": "What is 6 x 7?", "options": [str(40 + i) for i in range(10)],
         "answer": "C", "answer_index": 2, "category": "math"},
        {"question_id": 8, "question": "Which planet is largest?", "options": ["Mars", "Jupiter", "Venus"], "answer_index": 1},
        {"question_id": 9, "question": "Which metal is liquid at room temperature?", "choices": ["iron", "mercury"], "answer": 1},
    ])
    ingest_questions([arc, mmlu], tmp_path / "out")
    rows = {r["id"]: r for r in rows_of(tmp_path / "out")}
    assert rows["arc-1"]["options"] == ["oxygen", "carbon dioxide", "nitrogen"] and rows["arc-1"]["answer"] == "B"
    assert rows["arc-2"]["answer"] == "C"  # label "3" is the third option
    assert rows["7"]["answer"] == "C" and len(rows["7"]["options"]) == 10
    assert rows["8"]["answer"] == "B" and rows["9"]["answer"] == "B"
    assert all(r["reference_answer"] is None for r in rows.values())


def test_mcq_gold_outside_options_is_a_bad_row(tmp_path):
    src = write_jsonl(tmp_path / "mcq.jsonl", [{"question": "Pick one.", "options": ["x", "y"], "answer": "D"}])
    with pytest.raises(BadRowError, match=r"mcq.jsonl:1: field 'answer': gold answer 'D' is not one of the 2 options"):
        ingest_questions(src, tmp_path / "out")


def test_csv_with_mapping_json_options_and_letter_columns(tmp_path):
    src = tmp_path / "pool.csv"
    with open(src, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["prompt_text", "final", "A", "B", "C", "D", "gold"])
        w.writerow(["Which number is prime?", "", "4", "6", "7", "9", "C"])
        w.writerow(["How many legs has a spider?", "eight", "", "", "", "", ""])
    opts = tmp_path / "opts.csv"
    opts.write_text('question,options,answer\n"Which is a mammal?","[""shark"", ""whale""]",B\n')
    m = ingest_questions(src, tmp_path / "out", mapping={"question": "prompt_text", "reference_answer": "final",
                                                          "answer": "gold"}, source="my-pool")
    rows = rows_of(tmp_path / "out")
    assert rows[0]["options"] == ["4", "6", "7", "9"] and rows[0]["answer"] == "C" and rows[0]["source"] == "my-pool"
    assert rows[1]["options"] is None and rows[1]["answer"] is None and rows[1]["reference_answer"] == "eight"
    assert m.config["mapping"]["question"] == "prompt_text"
    ingest_questions(opts, tmp_path / "out2")
    assert rows_of(tmp_path / "out2")[0]["options"] == ["shark", "whale"]
    assert rows_of(tmp_path / "out2")[0]["answer"] == "B"


def test_parquet_input(tmp_path):
    src = tmp_path / "pool.parquet"
    pq.write_table(pa.table({"question": ["Why do ice cubes float?", "What limits a CPU's clock speed?"],
                             "reference_answer": ["ice is less dense than water", None]}), src)
    m = ingest_questions(src, tmp_path / "out")
    assert m.counts["out"] == 2 and rows_of(tmp_path / "out")[0]["reference_answer"] == "ice is less dense than water"


def test_hf_datasets_dir_input(tmp_path):
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_dict({"problem": ["If 3 pens cost $4.50, what do 7 cost?"], "answer": ["$10.50"]}).save_to_disk(
        str(tmp_path / "ds"))
    ingest_questions(tmp_path / "ds", tmp_path / "out")
    rows = rows_of(tmp_path / "out")
    assert rows == [{"id": question_id("If 3 pens cost $4.50, what do 7 cost?"), "question": "If 3 pens cost $4.50, what do 7 cost?",
                     "reference_answer": "$10.50", "options": None, "answer": None, "source": "ds"}]


def test_mapping_errors(tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [{"text": "Why is the sea salty?"}])
    with pytest.raises(ValueError, match="unknown mapping target"):
        ingest_questions(src, tmp_path / "o", mapping={"qestion": "text"})
    with pytest.raises(BadRowError, match=r"p.jsonl:1: field 'nope': no column 'nope' \(from --map question=nope\)"):
        ingest_questions(src, tmp_path / "o", mapping={"question": "nope"})
    with pytest.raises(BadRowError, match=r"no question column .*--map question=COLUMN"):
        ingest_questions(src, tmp_path / "o")
    ingest_questions(src, tmp_path / "o", mapping={"question": "text"})
    assert rows_of(tmp_path / "o")[0]["question"] == "Why is the sea salty?"


# ----------------------------------------------------------------------------------------------- bad input
GOOD = {"id": "g1", "question": "What makes a bridge resonate?"}
GOOD2 = {"id": "g2", "question": "Why do prices rise when money supply grows faster than output?"}


def _bad_file(tmp_path, case):
    """(path, bad line, reason) with one bad row at line 2 between good rows."""
    p = tmp_path / f"{case}.jsonl"
    if case == "malformed_json":
        p.write_text(json.dumps(GOOD) + "\n" + '{"id": "b", "question": "unterminated\n' + json.dumps(GOOD2) + "\n")
    elif case == "missing_question":
        p.write_text(json.dumps(GOOD) + "\n" + json.dumps({"id": "b", "answer": "42"}) + "\n" + json.dumps(GOOD2) + "\n")
    elif case == "empty_question":
        p.write_text(json.dumps(GOOD) + "\n" + json.dumps({"id": "b", "question": "   "}) + "\n" + json.dumps(GOOD2) + "\n")
    elif case == "bad_encoding":
        p.write_bytes((json.dumps(GOOD) + "\n").encode() + b'{"id": "b", "question": "caf\xe9 prices?"}\n'
                      + (json.dumps(GOOD2) + "\n").encode())
    elif case == "duplicate_id":
        p.write_text(json.dumps(GOOD) + "\n" + json.dumps({"id": "g1", "question": "A different question?"}) + "\n"
                     + json.dumps(GOOD2) + "\n")
    elif case == "bad_encoding_csv":
        p = tmp_path / "bad.csv"
        p.write_bytes(b"id,question\ng1,What makes a bridge resonate?\nb,caf\xe9 prices?\ng2,Why do tides happen?\n")
        return p, 3, "bad_encoding"
    return p, 2, case


BAD_CASES = ["malformed_json", "missing_question", "empty_question", "bad_encoding", "duplicate_id", "bad_encoding_csv"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_row_fails_naming_file_and_line(tmp_path, case):
    path, line, _ = _bad_file(tmp_path, case)
    with pytest.raises(BadRowError) as info:
        ingest_questions(path, tmp_path / "out")
    assert f"{path}:{line}:" in str(info.value)
    assert "--on-bad-row skip" in str(info.value) and info.value.line == line
    assert not is_complete(tmp_path / "out")


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_row_skip_counts_and_rejects_file(tmp_path, case):
    path, line, reason = _bad_file(tmp_path, case)
    m = ingest_questions(path, tmp_path / "out", on_bad_row="skip")
    assert m.counts["in"] == 3 and m.counts["out"] == 2
    assert m.counts["skip"] == {reason: 1} and m.counts["rejected"] == {reason: 1} and m.counts["dropped"] == {}
    rejects = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert [(r["reject_reason"], r["file"], r["line"]) for r in rejects] == [(reason, str(path), line)]
    assert rejects[0]["raw"]  # the offending row text, so it can be found and fixed


def test_no_rejects_file_still_counts(tmp_path):
    path, _, reason = _bad_file(tmp_path, "empty_question")
    m = ingest_questions(path, tmp_path / "out", on_bad_row="skip", write_rejects=False)
    assert m.counts["skip"] == {reason: 1} and not (tmp_path / "out" / "rejects.parquet").exists()


# ---------------------------------------------------------------------------------- dedup and decontamination
BASE = "A cylindrical water tank of radius 2 m is filled at 0.5 cubic metres per minute. How fast does the level rise?"
POOL = [
    {"question": BASE},
    {"question": BASE.upper().replace("?", " ?")},  # exact duplicate after normalisation
    {"question": BASE.replace("0.5", "0.25")},  # near duplicate: one number changed
    {"question": BASE.replace("cylindrical water tank", "cylindrical fuel tank")},  # near duplicate
    {"question": "Why did the Roman Republic give way to an empire under Augustus?"},
    {"question": "Why did the Roman Republic give way to an empire under Augustus?", "id": "explicit"},  # exact dup
    {"question": "Name three causes of soil salinisation in irrigated farmland and one remedy for each."},
]


def test_dedup_modes_count_by_reason(tmp_path):
    src = write_jsonl(tmp_path / "pool.jsonl", POOL)
    near = ingest_questions(src, tmp_path / "near")
    assert near.counts["dropped"] == {"duplicate": 2, "near_duplicate": 2} and near.counts["out"] == 3
    exact = ingest_questions(src, tmp_path / "exact", dedup="exact")
    assert exact.counts["dropped"] == {"duplicate": 2} and exact.counts["out"] == 5
    none = ingest_questions(src, tmp_path / "none", dedup="none")
    assert none.counts["dropped"] == {} and none.counts["out"] == 7
    strict = ingest_questions(src, tmp_path / "strict", near_threshold=0.99)
    assert strict.counts["dropped"] == {"duplicate": 2}
    rejects = pq.read_table(tmp_path / "near" / "rejects.parquet").to_pylist()
    near_rows = [r for r in rejects if r["reject_reason"] == "near_duplicate"]
    assert [r["line"] for r in near_rows] == [3, 4] and "Jaccard" in near_rows[0]["detail"]
    assert rows_of(tmp_path / "near")[0]["question"] == BASE  # first occurrence kept


def test_same_id_same_text_is_a_duplicate_in_every_mode(tmp_path):
    src = write_jsonl(tmp_path / "p.jsonl", [GOOD, GOOD, GOOD2])
    m = ingest_questions(src, tmp_path / "out", dedup="none")
    assert m.counts["dropped"] == {"duplicate": 1} and m.counts["out"] == 2


def test_mcq_duplicates_need_same_options(tmp_path):
    q = "Which is a chemical change?"
    src = write_jsonl(tmp_path / "p.jsonl", [
        {"id": "a", "question": q, "options": ["frying an egg", "boiling water"], "answer": "A"},
        {"id": "b", "question": q, "options": ["rusting iron", "melting ice", "cutting paper"], "answer": "A"},
        {"id": "c", "question": q, "options": ["frying an egg", "boiling water"], "answer": "A"},
    ])
    m = ingest_questions(src, tmp_path / "out", dedup="exact")
    assert m.counts["dropped"] == {"duplicate": 1} and [r["id"] for r in rows_of(tmp_path / "out")] == ["a", "b"]


def test_dedup_measure():
    assert normalise_text("What's  2+2?") == "what s 2 2"
    a, b = shingles("the quick brown fox"), shingles("the quick brown box")
    assert 0 < jaccard(a, b) < 1 and jaccard(a, a) == 1.0
    texts = [BASE, BASE.replace("0.5", "0.25"), "Entirely unrelated question about medieval trade guilds?"]
    matches = near_duplicates(texts, 0.55)
    assert [(m.index, m.kept_index) for m in matches] == [(1, 0)]
    assert matches[0].similarity == pytest.approx(jaccard(shingles(texts[0]), shingles(texts[1])), abs=1e-4)
    assert [(m.index, m.kept_index) for m in exact_duplicates(["A b?", "a B", "c"])] == [(1, 0)]
    with pytest.raises(ValueError):
        near_duplicates(texts, 1.5)


def test_near_duplicates_match_brute_force():
    import random

    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(800)]
    texts: list[str] = []
    for _ in range(300):
        if texts and rng.random() < 0.3:  # an edited copy: 1-12 words replaced, similarity spread around 0.55
            words = rng.choice(texts).split()
            for _ in range(rng.randint(1, 12)):
                words[rng.randrange(len(words))] = rng.choice(vocab)
            texts.append(" ".join(words))
        else:
            texts.append(" ".join(rng.choice(vocab) for _ in range(rng.randint(20, 60))))
    sets = [shingles(t) for t in texts]
    kept: list[int] = []
    expected = set()
    for i, s in enumerate(sets):  # greedy first-occurrence semantics, exhaustively
        if any(jaccard(s, sets[j]) >= 0.55 for j in kept):
            expected.add(i)
        else:
            kept.append(i)
    assert len(expected) > 40
    assert {m.index for m in near_duplicates(texts, 0.55)} == expected


def test_decontamination_by_13_grams(tmp_path):
    evaluation = write_jsonl(tmp_path / "eval.jsonl", [
        {"problem": "A train leaves the station at noon travelling at sixty kilometres per hour towards a city "
                    "two hundred kilometres away. When does it arrive?", "answer": "3:20 pm"},
        {"problem": "Find the derivative of x cubed."},  # shorter than 13 words: exact match only
    ])
    pool = write_jsonl(tmp_path / "pool.jsonl", [
        # shares a 13-word run with the first eval question (case and punctuation differ)
        {"question": "Suppose a train leaves the station at noon, travelling at sixty kilometres per hour towards a "
                     "city far away; explain the timetable."},
        {"question": "find the DERIVATIVE of x cubed"},
        {"question": "Find the derivative of x cubed times the sine of x."},  # contains the short one, kept
        {"question": "A train leaves at noon. Why are railway timetables in Europe mostly based on clock-face patterns?"},
    ])
    m = ingest_questions(pool, tmp_path / "out", decontaminate=[evaluation])
    assert m.counts["dropped"] == {"contaminated": 2} and m.counts["out"] == 2
    rejects = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert [r["line"] for r in rejects] == [1, 2]
    assert "13-gram" in rejects[0]["detail"] and f"{evaluation}:1" in rejects[0]["detail"]
    loose = ingest_questions(pool, tmp_path / "loose", decontaminate=[evaluation], ngram=20)
    assert loose.counts["dropped"] == {"contaminated": 1}  # only the exact short match remains
    assert {i["path"] for i in m.inputs} == {str(pool), str(evaluation)}  # eval files hashed into lineage


def test_decontaminate_against_shared_math500(tmp_path, shared_data):
    math500 = shared_data / "math500" / "math500_test.jsonl"
    if not math500.exists():
        pytest.skip("math500 not available")
    first = json.loads(math500.read_text().splitlines()[0])
    pool = write_jsonl(tmp_path / "pool.jsonl", [
        {"question": "Rephrased: " + first["problem"]}, {"question": "Why do leaves change colour in autumn?"}])
    m = ingest_questions(pool, tmp_path / "out", decontaminate=[math500])
    assert m.counts["dropped"] == {"contaminated": 1}


def test_limit_keeps_the_first_clean_questions_and_counts_the_rest(tmp_path):
    src = write_jsonl(tmp_path / "pool.jsonl", POOL)  # 7 rows; 3 are left after dedup: BASE, Roman, soil
    m = ingest_questions(src, tmp_path / "out", limit=2)
    # duplicates are dropped before the limit applies, so the output holds 2 clean questions, in input order
    assert m.counts["out"] == 2 and m.counts["beyond_limit"] == 1
    assert m.counts["dropped"] == {"duplicate": 2, "near_duplicate": 2} and m.config["limit"] == 2
    assert [r["question"] for r in rows_of(tmp_path / "out")] == [POOL[0]["question"], POOL[4]["question"]]
    roomy = ingest_questions(src, tmp_path / "roomy", limit=100)
    assert roomy.counts["out"] == 3 and roomy.counts["beyond_limit"] == 0
    for bad in (0, -1):
        with pytest.raises(ValueError, match="limit must be a positive"):
            ingest_questions(src, tmp_path / "bad", limit=bad)
    assert "beyond_limit" not in ingest_questions(src, tmp_path / "nolimit").counts


# ------------------------------------------------------------------------------------------------------ CLI
def test_cli_ingest_summary_and_help(tmp_path, capsys):
    from naturalthoughts.main import main

    src = write_jsonl(tmp_path / "pool.jsonl", [*POOL, {"id": "x"}])
    code = main(["ingest", "--in", str(src), "--out", str(tmp_path / "out"), "--on-bad-row", "skip",
                 "--map", "id=", "--dedup", "exact"])
    out = capsys.readouterr().out
    assert code == 0
    assert "8 rows in, 5 rows out" in out and "duplicate" in out and "missing_question" in out
    code = main(["ingest", "--in", str(src), "--out", str(tmp_path / "out2")])
    assert code == 1 and "pool.jsonl:8" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    helptext = capsys.readouterr().out
    assert "--near-threshold" in helptext and "examples:" in helptext and "--traces" in helptext
    code = main(["ingest", "--in", str(src), "--out", str(tmp_path / "out3"), "--on-bad-row", "skip", "--limit", "2"])
    assert code == 0 and "8 rows in, 2 rows out" in capsys.readouterr().out
    code = main(["ingest", "--traces", "--in", str(src), "--out", str(tmp_path / "out4"), "--limit", "2"])
    assert code == 2 and "--limit applies to question pools" in capsys.readouterr().err


def test_shared_benchmark_files_ingest(tmp_path, shared_data):
    """Real files: ARC-Challenge (3-5 options, some labelled 1-4), MMLU-Pro (10 options), GSM8K, MATH-500."""
    files = [shared_data / "arc-challenge" / "arc_challenge_test.jsonl",
             shared_data / "mmlu-pro-validation" / "mmlu_pro_validation_70.jsonl",
             shared_data / "gsm8k" / "gsm8k_test.jsonl", shared_data / "math500" / "math500_test.jsonl"]
    files = [f for f in files if f.exists()]
    if not files:
        pytest.skip("benchmark samples not available")
    m = ingest_questions(files, tmp_path / "out", dedup="exact", mapping={"id": ""})
    assert m.counts["skip"] == {} and m.counts["out"] + sum(m.counts["dropped"].values()) == m.counts["in"]
    for row in rows_of(tmp_path / "out"):
        if row["options"] is not None:
            assert row["answer"] in "ABCDEFGHIJ"[: len(row["options"])]
        elif row["source"] == "gsm8k_test.jsonl":
            assert row["reference_answer"].replace(",", "").lstrip("-").replace(".", "").isdigit()


def test_unreadable_evaluation_lines_are_counted_and_logged_not_silent(tmp_path, caplog):
    """An unreadable line of the evaluation file does not block ingest, but it is no longer silent: its
    questions cannot be checked, so the manifest counts it and a warning names file and line."""
    evaluation = tmp_path / "eval.jsonl"
    evaluation.write_text('{"problem": "Find the derivative of x cubed."}\n{"problem": "broken\n')
    pool = write_jsonl(tmp_path / "pool.jsonl", [{"question": "find the DERIVATIVE of x cubed"},
                                                 {"question": "Why is the sky blue?"}])
    with caplog.at_level("WARNING"):
        m = ingest_questions(pool, tmp_path / "out", decontaminate=[evaluation])
    assert m.counts["dropped"] == {"contaminated": 1} and m.counts["decontaminate_unreadable_lines"] == 1
    assert f"{evaluation}:2" in caplog.text and "not checked" in caplog.text
    clean = ingest_questions(pool, tmp_path / "clean")
    assert "decontaminate_unreadable_lines" not in clean.counts


def test_a_trace_file_read_as_questions_says_what_it_leaves_out(tmp_path, caplog):
    pool = write_jsonl(tmp_path / "nr.jsonl", [{"question": "Why is the sky blue?", "reference_answer": "scattering",
                                                "responses": [{"response": "<think>…</think> Rayleigh."}]}])
    with caplog.at_level("WARNING"):
        m = ingest_questions(pool, tmp_path / "out")
    assert "responses column(s): ingest keeps only the questions" in caplog.text and "--traces" in caplog.text
    assert m.extra["files"][0]["trace_columns_ignored"] == ["responses"]
