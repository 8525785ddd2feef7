"""The step counter's and verbosity heuristic's byte-level fast paths give what their regex definitions give.

Both annotators are calibrated on hand labels, so a fast path may change speed only, never a value: each is
checked here against the plain regex form of its definition on real traces (the bundled calibration traces and,
where ../shared is present, the s1K fixture's Gemini traces), R1-like synthetic traces and random strings built to hit the edge
cases (apostrophes at word starts, digits inside words, Unicode letters and punctuation, control whitespace).
"""

from __future__ import annotations

import json
import random
import re
from importlib import resources
from pathlib import Path

import pytest

from naturalthoughts.stages.annotation import steps, verbosity

SHARED_FIXTURE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "s1k-gemini-fixture" / "reasoning_dataset.jsonl"
ALPHABET = (list("abcxyzABCXYZ'0123456789") * 4 + list(" \n\n\t.,;:!?-_()[]{}\"") * 2
            + ["\r", "\x0b", "\x1c", "é", "İ", "ß", "Σ", "ς", "×", "→", "≤", "。", "！", "２", "٣", "\u00a0", "’"])
WORDS = ["wait", "Wait,", "hmm", "Hmmm", "actually", "so", "maybe", "let me think again", "I'm not sure", "im confused",
         "hold on", "the", "it's", "'tis", "students'", "x2", "3d", "h2o", "1'2", "ab'", "''ab", "café", "naïve",
         "Therefore", "Alternatively,", "Next,", "answer", "42", "3.14", "e.g.", "No, wait"]


def reference_word_set(unit: str) -> frozenset[bytes]:
    return frozenset(w.encode() for w in steps.content_words(unit))


def reference_sentences(text: str) -> tuple[list[bytes], int]:
    keys, restarts = [], 0
    for piece in verbosity._SENTENCE_RE.split(text.lower()):
        words = re.sub(r"[\W_]+", " ", piece).strip()
        if words:
            keys.append(words.encode())
            restarts += bool(verbosity._RESTART_RE.match(words))
    return keys, restarts


def _real_traces() -> list[str]:
    texts = []
    for parts in (("calibration", "project-written.jsonl"), ("calibration", "r1-distill-labels.jsonl"),
                  ("traces", "example_traces.jsonl")):
        path = resources.files("naturalthoughts").joinpath("data", *parts)
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts.extend(v for v in row.values() if isinstance(v, str) and len(v) > 40)
    if SHARED_FIXTURE.exists():
        for line in SHARED_FIXTURE.read_text(encoding="utf-8").splitlines()[:200]:
            texts.extend(v for v in json.loads(line).values() if isinstance(v, str) and len(v) > 40)
    return texts


def _random_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 120))))
        else:
            parts = [rng.choice(WORDS) + rng.choice([" ", ". ", ".\n", "\n\n", "? ", ", ", "", "! "])
                     for _ in range(rng.randint(1, 60))]
            out.append("".join(parts))
    return out


def _ascii_traces(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    sentences = ["Let me compute 2x + 3 = 11, so x = 4.", "Wait, that isn't right.", "Hmm, maybe the sign flips.",
                 "Alternatively, we can use the students' formula.", "So the answer is 42.", "Check: 4*2 + 3 = 11."]
    return ["\n\n".join(" ".join(rng.choice(sentences) for _ in range(rng.randint(1, 9)))
                        for _ in range(rng.randint(1, 30))) for _ in range(n)]


TEXTS = None


def corpus() -> list[str]:
    global TEXTS
    if TEXTS is None:
        TEXTS = _real_traces() + _random_texts(4000) + _ascii_traces(300)
    return TEXTS


def test_the_corpus_covers_both_paths():
    texts = corpus()
    assert sum(t.isascii() for t in texts) > 800 and sum(not t.isascii() for t in texts) > 500
    assert len(_real_traces()) >= 200


def test_content_word_set_matches_the_regex():
    units = [u for t in corpus() for u in [t, *steps._units(t)]]
    mismatches = [u for u in units if steps.content_word_set(u) != reference_word_set(u)]
    assert not mismatches, mismatches[:3]


@pytest.mark.parametrize("unit, words", [
    ("'tis the students' h2o x2 3d ab' ''ab 1'2", {b"tis", b"students'", b"2", b"3", b"ab'", b"1"}),
    ("Wait, it's 42 and 3.14", {b"42", b"3", b"14"}),
])
def test_content_word_set_edge_cases(unit, words):
    assert steps.content_word_set(unit) == words == reference_word_set(unit)


def test_normalized_sentences_match_the_regex():
    mismatches = [t for t in corpus() if verbosity.normalized_sentences(t) != reference_sentences(t)]
    assert not mismatches, mismatches[:3]


def test_normalized_sentences_count_restarts_on_each_line():
    keys, restarts = verbosity.normalized_sentences("Wait, no.  Hmm... OK!\n\nMaybe not. I'm not sure. waiting.")
    assert keys == [b"wait no", b"hmm", b"ok", b"maybe not", b"i m not sure", b"waiting"]
    assert restarts == 3 == reference_sentences("Wait, no.  Hmm... OK!\n\nMaybe not. I'm not sure. waiting.")[1]
