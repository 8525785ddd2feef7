"""A synthetic annotated pool with realistic shapes, for tests, demos and the selection benchmark.

Distributions follow what the paper reports or implies: domains concentrated on a few disciplines (§5.1 blames
topic-uniform's loss on that), a median of ~5 distinct strategies with a long tail (R_min=4/R_max=8 were read off
that distribution), reasoning lengths log-normal around a few thousand tokens, verbosity concentrated in the low
middle (§3.3 "too concentrated"), 36% disagreement (§5.2's difficulty mix), and clustered embeddings.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

DOMAINS = ("Engineering", "Science", "Medicine", "Economics", "Management", "Law", "Education", "Philosophy",
           "History", "Literature and Arts", "Sociology", "Agronomy", "Military Science")
STRATEGY_NAMES = tuple(f"strategy_{i:02d}" for i in range(30))


def synthetic_pool(rows: int, *, dim: int = 384, seed: int = 0, embedding_dtype: str = "float32", centers: int = 200,
                   null_fraction: float = 0.0, chunk: int = 262_144) -> pa.Table:
    """Annotated traces with ``rows`` rows (keys ``q{i}``/``q{i}#0``); ``null_fraction`` nulls out some annotations."""
    rng = np.random.default_rng(seed)
    ids = [f"q{i:08d}" for i in range(rows)]
    zipf = 1.0 / np.arange(1, len(DOMAINS) + 1) ** 1.2
    domain_codes = rng.choice(len(DOMAINS), size=rows, p=zipf / zipf.sum())
    num_strategies = np.clip(rng.poisson(4.5, rows) + 1, 1, len(STRATEGY_NAMES)).astype(np.int32)
    num_steps = np.maximum(1, rng.poisson(6.0, rows)).astype(np.int32)
    starts = rng.integers(0, len(STRATEGY_NAMES), rows)
    offsets = np.r_[0, np.cumsum(num_strategies)].astype(np.int32)
    within = np.arange(offsets[-1]) - np.repeat(offsets[:-1], num_strategies)
    flat = (np.repeat(starts, num_strategies) + within) % len(STRATEGY_NAMES)
    strategies = pa.ListArray.from_arrays(pa.array(offsets), pa.DictionaryArray.from_arrays(
        pa.array(flat.astype(np.int32)), pa.array(STRATEGY_NAMES)).cast(pa.string()))
    reasoning = np.clip(rng.lognormal(np.log(3500), 0.7, rows), 50, 32_000).astype(np.int64)
    response = np.clip(rng.lognormal(np.log(400), 0.5, rows), 5, 4000).astype(np.int64)
    verbosity = np.clip(np.rint(rng.normal(3.5, 1.6, rows)), 0, 10).astype(np.int8)
    agree = rng.random(rows) >= 0.36

    centre = rng.standard_normal((centers, dim)).astype(np.float32)
    assign = rng.integers(0, centers, rows)
    emb = np.empty((rows, dim), dtype=np.dtype(embedding_dtype))
    for start in range(0, rows, chunk):
        stop = min(rows, start + chunk)
        block = centre[assign[start:stop]] + 0.6 * rng.standard_normal((stop - start, dim), dtype=np.float32)
        emb[start:stop] = block / np.linalg.norm(block, axis=1, keepdims=True)
    value_type = pa.float16() if emb.dtype == np.float16 else pa.float32()
    embedding = pa.FixedSizeListArray.from_arrays(pa.array(emb.reshape(-1), type=value_type), dim)

    def nullable(values: np.ndarray, typ: pa.DataType) -> pa.Array:
        mask = rng.random(rows) < null_fraction if null_fraction else None
        return pa.array(values, type=typ, mask=mask)

    return pa.table({
        "id": pa.array(ids),
        "question": pa.array([f"synthetic question {i}" for i in range(rows)]),
        "trace_id": pa.array([f"{i}#0" for i in ids]),
        "sample_index": pa.array(np.zeros(rows, np.int32)),
        "domain": pa.DictionaryArray.from_arrays(pa.array(domain_codes.astype(np.int32)), pa.array(DOMAINS)).cast(pa.string()),
        "strategies": strategies,
        "num_strategies": nullable(num_strategies, pa.int32()),
        "num_steps": nullable(num_steps, pa.int32()),
        "reasoning_tokens": nullable(reasoning, pa.int64()),
        "response_tokens": pa.array(response),
        "verbosity": nullable(verbosity, pa.int8()),
        "agree": nullable(agree, pa.bool_()),
        "embedding": embedding,
    })
