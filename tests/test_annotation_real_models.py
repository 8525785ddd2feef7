"""The LLM-judge annotators and the disagreement signal against the real embedded model (SmolLM2-135M-Instruct,
in-process llama.cpp): every output is a valid label or an explicit error code, never a crash; a re-run is
answered entirely from the row cache."""

from __future__ import annotations

import pyarrow as pa
import pytest

from naturalthoughts.llm.backends import BackendSpec, make_backend
from naturalthoughts.llm.embed import auto_threads
from naturalthoughts.stages.annotation import annotate
from naturalthoughts.stages.annotation.judge import JUDGE_INVALID
from naturalthoughts.stages.annotation.labels import DOMAINS, load_labels
from naturalthoughts.stages.annotation.taxonomy import load_taxonomy

pytestmark = pytest.mark.slow

ROWS = pa.table({
    "question": ["What is 7 times 6?"],
    "reasoning": ["The question asks for 7 times 6. Let me verify with addition: 6+6+6+6+6+6+6 = 42. So it is 42."],
    "response": ["The answer is 42."],
    "reference_answer": ["42"],
})
OPTIONS = dict(domain_method="judge", strategies_method="both", verbosity_method="judge", disagreement_second_max_tokens=32)


@pytest.fixture(scope="module")
def smollm():
    backend = make_backend(BackendSpec.parse("llamacpp:smollm2-135m", options={"n_threads": auto_threads(), "n_ctx": 4096}))
    yield backend
    backend.close()


def _allowed_error(value: str | None) -> bool:
    return value is None or value == JUDGE_INVALID or value in ("topic_not_in_label_set", "needs_judge")


def test_real_model_judges_return_valid_labels_or_error_codes_and_resume_from_cache(smollm, tmp_path):
    cache = tmp_path / "judge.sqlite"
    out, rep = annotate(ROWS, ["domain", "strategies", "verbosity", "disagreement"], judge=smollm, second=smollm,
                        cache=cache, progress=False, **OPTIONS)
    row = out.to_pylist()[0]
    labels, taxonomy = load_labels(), load_taxonomy()
    assert (row["domain"] in DOMAINS) or (row["domain"] is None and row["domain_error"] == JUDGE_INVALID)
    assert row["topic"] is None or labels.topics[row["topic"]][0] == row["domain"]
    assert _allowed_error(row["domain_error"])
    assert (row["strategies"] is not None and set(row["strategies"]) <= set(taxonomy.names)) or row["strategies_error"] == JUDGE_INVALID
    assert row["num_steps"] == 1  # one short paragraph: one step (steps.py: a paragraph break or pivot alone is none)
    assert (row["verbosity"] is not None and 0 <= row["verbosity"] <= 10) or row["verbosity_error"] == JUDGE_INVALID
    assert isinstance(row["second_answer"], str) and row["second_answer"]
    assert row["agree"] in (True, False) or row["disagreement_error"] in (JUDGE_INVALID, "needs_judge")
    assert row["reference_agree"] is True  # "42" vs the reference "42": decided without the model
    assert rep["judge"] == rep["second"] == "llamacpp:smollm2-135m"
    sent = sum(e["llm_calls"]["sent"] for e in rep["annotators"].values())
    assert sent >= 4

    again, rep2 = annotate(ROWS, ["domain", "strategies", "verbosity", "disagreement"], judge=smollm, second=smollm,
                           cache=cache, progress=False, **OPTIONS)
    assert again.equals(out)
    assert sum(e["llm_calls"]["sent"] for e in rep2["annotators"].values()) == 0  # every call came from the cache
