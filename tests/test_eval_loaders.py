"""Benchmark loaders on small hand-written files in each upstream layout, their checks, and bad input.

The GPQA rows here are invented (GPQA's authors ask that its examples not be posted in plain text).
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter

import pytest

from naturalthoughts.stages.evaluation.benchmarks import BENCHMARKS, load_benchmark
from naturalthoughts.stages.evaluation.grading import grade, math_equal
from naturalthoughts.stages.evaluation.items import LETTERS, BenchmarkError, Item, shuffled_order
from naturalthoughts.stages.evaluation.loaders import load_file

GPQA_HEADER = ["Pre-Revision Question", "Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2",
               "Incorrect Answer 3", "Explanation", "Subdomain", "High-level domain", "Record ID"]


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def gpqa_rows(n):
    return [["", f"Invented question number {i}: which value is right?", f"right {i}", f"wrong a{i}",
             f"wrong b{i}", f"wrong c{i}", "because", "Sub", ["Physics", "Chemistry", "Biology"][i % 3], f"rec{i:03d}"]
            for i in range(n)]


# ----------------------------------------------------------------------------- GPQA


def test_gpqa_csv_shuffle_is_deterministic_and_tracks_gold(tmp_path):
    path = write_csv(tmp_path / "gpqa_diamond.csv", GPQA_HEADER, gpqa_rows(3))
    items, info = load_file(path)
    assert info["layout"] == "gpqa" and len(items) == 3
    it = items[0]
    assert (it.id, it.domain, it.shuffle) == ("rec000", "Physics", True)
    again, _ = load_file(path)
    for seed in range(5):
        shown = it.presented(seed)
        assert shown == again[0].presented(seed)  # same (id, seed) -> same order, across loads
        assert shown.options[LETTERS.index(shown.gold)] == "right 0"  # gold follows its text
        assert sorted(shown.options) == sorted(it.options)
    orders = {items[0].presented(s).options for s in range(8)}
    assert len(orders) > 1  # the order changes with the seed


def test_gpqa_gold_letters_spread_not_all_d(tmp_path):
    """The evalchemy bug (re-seeding a shared RNG per question) put every gold on one letter; ours spreads them."""
    path = write_csv(tmp_path / "gpqa.csv", GPQA_HEADER, gpqa_rows(200))
    items, info = load_file(path, "gpqa")
    assert info["warnings"] == []
    for seed in (0, 1, 2):
        golds = Counter(it.presented(seed).gold for it in items)
        assert set(golds) == set("ABCD") and max(golds.values()) < 0.4 * len(items)
    # Permutations differ between questions under one seed (a re-seeded global RNG would make them all equal).
    assert len({tuple(shuffled_order(it.id, 0, 4)) for it in items}) > 10
    assert info["gold_letters"] == dict(sorted(Counter(it.presented(0).gold for it in items).items()))


def test_gpqa_registered_name_with_local_path(tmp_path):
    path = write_csv(tmp_path / "copy.csv", GPQA_HEADER, gpqa_rows(4))
    loaded = load_benchmark(f"gpqa-diamond:{path}", limit=2)
    assert loaded.name == "gpqa-diamond" and len(loaded.items) == 2 and loaded.path == str(path)


def test_registered_name_found_in_benchmark_dir(tmp_path, monkeypatch):
    write_csv(tmp_path / "gpqa_diamond.csv", GPQA_HEADER, gpqa_rows(3))
    monkeypatch.setenv("NATURALTHOUGHTS_BENCHMARK_DIR", str(tmp_path))
    loaded = load_benchmark("gpqa-diamond")
    assert len(loaded.items) == 3 and loaded.path == str(tmp_path / "gpqa_diamond.csv")


def test_gpqa_missing_option_column(tmp_path):
    header = GPQA_HEADER[:5] + GPQA_HEADER[6:]  # no "Incorrect Answer 3"
    rows = [r[:5] + r[6:] for r in gpqa_rows(2)]
    path = write_csv(tmp_path / "gpqa.csv", header, rows)
    with pytest.raises(BenchmarkError, match=r"gpqa.csv:2: missing column 'Incorrect Answer 3'"):
        load_file(path)


def test_gpqa_empty_option_is_an_option_count_mismatch(tmp_path):
    rows = gpqa_rows(3)
    rows[1][5] = ""
    path = write_csv(tmp_path / "gpqa.csv", GPQA_HEADER, rows)
    with pytest.raises(BenchmarkError, match=r"gpqa.csv:3: option count mismatch.*Incorrect Answer 3 is empty"):
        load_file(path)


# ----------------------------------------------------------------------------- MMLU-Pro, SuperGPQA, MATH-500, ARC


def test_mmlu_pro_layout(tmp_path):
    rows = [
        {"question_id": 70, "question": "Q one?", "options": [f"o{i}" for i in range(10)], "answer": "H",
         "answer_index": 7, "cot_content": "", "category": "law", "src": "x"},
        {"question_id": 71, "question": "Q two?", "options": ["a", "b", "c", "d", "N/A"], "answer": "B",
         "answer_index": 1, "cot_content": "", "category": "math", "src": "x"},
    ]
    items, info = load_file(write_jsonl(tmp_path / "mmlu.jsonl", rows))
    assert info["layout"] == "mmlu-pro"
    assert [(it.id, len(it.options), it.gold, it.domain) for it in items] == [("70", 10, "H", "law"), ("71", 4, "B", "math")]
    assert items[0].presented(3) is items[0]  # MMLU-Pro keeps its published order


def test_mmlu_pro_answer_and_index_disagree(tmp_path):
    rows = [{"question_id": 1, "question": "Q?", "options": ["a", "b", "c", "d"], "answer": "C", "answer_index": 1,
             "category": "x"}]
    with pytest.raises(BenchmarkError, match=r"mmlu.jsonl:1: answer 'C' and answer_index 1"):
        load_file(write_jsonl(tmp_path / "mmlu.jsonl", rows))


def test_mmlu_pro_shared_validation_rows(shared_data):
    path = shared_data / "mmlu-pro-validation" / "mmlu_pro_validation_70.jsonl"
    if not path.exists():
        pytest.skip("mmlu-pro validation sample not available")
    loaded = load_benchmark(f"mmlu-pro:{path}")
    assert len(loaded.items) == 70 and len({it.domain for it in loaded.items}) == 14
    assert all(it.gold in it.letters for it in loaded.items)


def test_supergpqa_layout_and_gold_text_check(tmp_path):
    row = {"uuid": "u1", "question": "Which?", "options": ["p", "q", "r", "s", "t", "u"], "answer": "t",
           "answer_letter": "E", "discipline": "Engineering", "field": "Civil", "subfield": "Bridges",
           "difficulty": "hard", "is_calculation": False}
    items, info = load_file(write_jsonl(tmp_path / "sg.jsonl", [row]))
    assert info["layout"] == "supergpqa"
    assert (items[0].gold, items[0].domain, items[0].meta["subfield"]) == ("E", "Engineering", "Bridges")
    bad = dict(row, answer="q")
    with pytest.raises(BenchmarkError, match=r"sg2.jsonl:1: answer_letter 'E' points at 't'"):
        load_file(write_jsonl(tmp_path / "sg2.jsonl", [bad]))


def test_arc_numeric_labels_map_to_letters(tmp_path):
    row = {"id": "arc1", "question": "Which?", "choices": {"text": ["w", "x", "y"], "label": ["1", "2", "3"]},
           "answerKey": "3"}
    items, info = load_file(write_jsonl(tmp_path / "arc.jsonl", [row]))
    assert info["layout"] == "arc" and items[0].gold == "C" and items[0].options == ("w", "x", "y")


MATH_ROWS = [
    {"problem": "What is $1/2 + 1/4$?", "answer": "\\frac{3}{4}", "subject": "Algebra", "level": 1, "unique_id": "m1"},
    {"problem": "Convert $(0,3)$ to polar.", "answer": "\\left( 3, \\frac{\\pi}{2} \\right)", "subject": "Precalculus",
     "level": 2, "unique_id": "m2"},
    {"problem": "Compute $2^{10}$.", "answer": "1024", "subject": "Number Theory", "level": 1, "unique_id": "m3"},
]


def test_math500_layout_and_math_verify_grading(tmp_path):
    items, info = load_file(write_jsonl(tmp_path / "math.jsonl", MATH_ROWS))
    assert info["layout"] == "math500" and all(it.kind == "open" for it in items)
    frac, polar, power = items
    assert grade(frac, "0.75") and grade(frac, "\\frac{3}{4}") and grade(frac, "3/4") and not grade(frac, "\\frac{2}{3}")
    assert grade(polar, "\\left(3,\\frac{\\pi}{2}\\right)") and grade(polar, "(3, \\pi/2)")
    assert grade(power, "1024") and grade(power, "2^{10}") and not grade(power, "1023")
    assert not grade(power, None)


def test_math500_shared_rows_grade_their_own_answers(shared_data):
    path = shared_data / "math500" / "math500_test.jsonl"
    if not path.exists():
        pytest.skip("math500 sample not available")
    loaded = load_benchmark(f"math-500:{path}", limit=8)
    assert len(loaded.items) == 8
    for it in loaded.items:
        assert math_equal(it.gold, it.gold), it.gold
        assert math_equal(it.gold, f"\\boxed{{{it.gold}}}"), it.gold
    assert not math_equal(loaded.items[0].gold, "12345")


# ----------------------------------------------------------------------------- generic layouts


def test_generic_csv_with_letter_columns(tmp_path):
    path = write_csv(tmp_path / "mine.csv", ["id", "question", "A", "B", "C", "D", "E", "answer", "domain"],
                     [["x1", "Q1?", "a", "b", "c", "", "", "C", "geo"], ["x2", "Q2?", "a", "b", "c", "d", "e", "E", "geo"]])
    items, info = load_file(path)
    assert info["layout"] == "mcq"
    assert [(len(it.options), it.gold) for it in items] == [(3, "C"), (5, "E")]


def test_generic_jsonl_answer_index_and_open(tmp_path):
    items, _ = load_file(write_jsonl(tmp_path / "m.jsonl", [{"question": "Q?", "options": ["a", "b"], "answer_index": 1}]))
    assert items[0].gold == "B" and items[0].id.startswith("q-")
    items, info = load_file(write_jsonl(tmp_path / "o.jsonl", [{"id": "o1", "question": "2+2?", "answer": "4"}]))
    assert info["layout"] == "open" and items[0].kind == "open" and items[0].gold == "4"


# ----------------------------------------------------------------------------- checks and bad input


def test_unknown_benchmark_names_the_known_ones():
    with pytest.raises(BenchmarkError, match=r"unknown benchmark 'gpqa-platinum'.*nt-mcq, gpqa-diamond"):
        load_benchmark("gpqa-platinum")


def test_missing_option_columns(tmp_path):
    path = write_csv(tmp_path / "noopts.csv", ["id", "question", "answer"], [["1", "Q?", "B"]])
    with pytest.raises(BenchmarkError, match=r"noopts.csv: row 1: missing option columns"):
        load_file(path)
    path = write_jsonl(tmp_path / "noopts.jsonl", [{"question": "Q?", "answer_index": 0}])
    with pytest.raises(BenchmarkError, match=r"noopts.jsonl:1: missing option columns"):
        load_file(path)


def test_duplicate_ids(tmp_path):
    rows = [{"id": "a", "question": "Q1?", "options": ["x", "y"], "answer": "A"},
            {"id": "b", "question": "Q2?", "options": ["x", "y"], "answer": "B"},
            {"id": "a", "question": "Q3?", "options": ["x", "y"], "answer": "B"}]
    with pytest.raises(BenchmarkError, match=r"dup.jsonl:3: duplicate question id 'a' \(first seen at row 1\)"):
        load_file(write_jsonl(tmp_path / "dup.jsonl", rows))


def test_option_count_mismatch(tmp_path):
    path = write_csv(tmp_path / "gap.csv", ["question", "A", "B", "C", "D", "answer"], [["Q?", "a", "b", "", "d", "A"]])
    with pytest.raises(BenchmarkError, match=r"gap.csv:2: option count mismatch.*A, B, D"):
        load_file(path)
    rows = [{"question": "Q?", "options": ["a", "b", "c"], "num_options": 4, "answer": "A"}]
    with pytest.raises(BenchmarkError, match=r"n.jsonl:1: option count mismatch: num_options=4 but 3"):
        load_file(write_jsonl(tmp_path / "n.jsonl", rows))


def test_gold_letter_outside_options_is_an_error(tmp_path):
    rows = [{"question": "Q?", "options": ["a", "b", "c", "d"], "answer": "F"}]
    with pytest.raises(BenchmarkError, match=r"g.jsonl:1: gold letter 'F' is outside the 4 options A-D"):
        load_file(write_jsonl(tmp_path / "g.jsonl", rows))


def _all_a(n):
    return [{"id": f"i{i}", "question": f"Q{i}?", "options": ["a", "b", "c", "d"], "answer": "A" if i % 10 < 7 else "B"}
            for i in range(n)]


def test_degenerate_gold_distribution_warns_loudly(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        items, info = load_file(write_jsonl(tmp_path / "deg.jsonl", _all_a(50)))
    assert info["gold_letters"] == {"A": 35, "B": 15}
    assert len(info["warnings"]) == 1 and "gold letter 'A'" in info["warnings"][0] and "70%" in info["warnings"][0]
    assert any("!!!" in r.message and "deg.jsonl" in r.message for r in caplog.records if r.levelno == logging.WARNING)


def test_no_degenerate_warning_below_50_items_or_4_options(tmp_path):
    _, info = load_file(write_jsonl(tmp_path / "few.jsonl", _all_a(49)))
    assert info["warnings"] == []
    rows = [dict(r, options=["a", "b", "c"]) for r in _all_a(60)]
    _, info = load_file(write_jsonl(tmp_path / "three.jsonl", rows))
    assert info["warnings"] == []


# ----------------------------------------------------------------------------- the bundled set


def test_nt_mcq_bundled_set_is_balanced_and_valid():
    loaded = load_benchmark("nt-mcq")
    items = loaded.items
    assert loaded.name == "nt-mcq" and BENCHMARKS["nt-mcq"].embedded
    assert len(items) >= 40 and len({it.id for it in items}) == len(items)
    assert len({it.question for it in items}) == len(items)
    assert all(4 <= len(it.options) <= 10 and len(set(it.options)) == len(it.options) for it in items)
    golds = Counter(it.gold for it in items)
    assert max(golds.values()) <= 0.25 * len(items) and set("ABCD") <= set(golds)
    assert len({it.domain for it in items}) >= 10
    assert loaded.info["warnings"] == []


def test_item_presented_rejects_nothing_for_open_items():
    it = Item(id="o", question="2+2?", gold="4", kind="open", shuffle=True)
    assert it.presented(5) is it
