"""Embeddings (bf16 accuracy, storage, OpenAI-compatible endpoint) and the embedding zero-shot domain classifier."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pyarrow as pa

from naturalthoughts.llm.embed import bf16_supported
from naturalthoughts.stages.annotation import annotate, embed_texts
from naturalthoughts.stages.annotation.labels import DOMAINS, load_labels

TEXTS = [f"Question {i}: how does {w} affect the outcome of the experiment?" for i, w in
         enumerate(["temperature", "pressure", "inflation", "a court ruling", "the dosage", "soil acidity"] * 4)]


def test_embed_texts_shape_normalised_and_bf16_close_to_fp32():
    fp32 = embed_texts(TEXTS, dtype="float32")
    assert fp32.shape == (len(TEXTS), 384) and fp32.dtype == np.float32
    assert np.allclose(np.linalg.norm(fp32, axis=1), 1.0, atol=1e-5)
    bf16 = embed_texts(TEXTS, dtype="bfloat16")
    cosine = (fp32 * bf16).sum(axis=1)
    assert cosine.min() >= 0.998, cosine.min()
    assert embed_texts([], dtype="float32").shape == (0, 384)
    assert isinstance(bf16_supported(), bool)


def test_embedding_annotator_float16_storage_and_null_for_empty_question():
    t = pa.table({"question": ["What is 2+2?", "", "Explain photosynthesis."]})
    out, rep = annotate(t, ["embedding"], progress=False, embedding_storage="float16", embedding_dtype="float32")
    col = out.column("embedding")
    assert col.type == pa.list_(pa.float16(), 384)
    assert col.null_count == 1 and col.to_pylist()[1] is None
    ref = embed_texts(["What is 2+2?"], dtype="float32")[0]
    assert np.allclose(np.asarray(col.to_pylist()[0], dtype=np.float32), ref, atol=2e-3)
    entry = rep["annotators"]["embedding"]
    assert entry["model"] == "all-minilm-l6-v2" and entry["dim"] == 384 and entry["storage"] == "float16"
    assert entry["errors"] == {"empty_question": 1}


class _EmbeddingsHandler(BaseHTTPRequestHandler):
    """An OpenAI-compatible /v1/embeddings endpoint backed by the local model (real HTTP, real vectors)."""

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/v1/embeddings" and self.headers.get("Authorization") == "Bearer sk-test"
        vectors = embed_texts(body["input"], dtype="float32", normalize=False)
        data = [{"index": i, "embedding": v.tolist(), "object": "embedding"} for i, v in enumerate(vectors)][::-1]
        payload = json.dumps({"data": data, "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_openai_compatible_embedding_endpoint(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmbeddingsHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("EMBED_KEY", "sk-test")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        remote = embed_texts(TEXTS[:5], model=f"openai:minilm@{url}", batch_size=2, api_key_env="EMBED_KEY")
        assert np.allclose(remote, embed_texts(TEXTS[:5], dtype="float32"), atol=1e-5)
        t = pa.table({"question": TEXTS[:3]})
        out, rep = annotate(t, ["embedding"], progress=False, embedding_model=f"openai:minilm@{url}",
                            embedding_api_key_env="EMBED_KEY")
        assert out.column("embedding").type == pa.list_(pa.float32(), 384)
        assert "sk-test" not in json.dumps(rep)
    finally:
        server.shutdown()


CLEAR_QUESTIONS = {
    "What is the derivative of x^2 sin x?": "Science",
    "A patient presents with chest pain and elevated troponin. What is the likely diagnosis?": "Medicine",
    "What were the main causes of the fall of the Western Roman Empire?": "History",
    "How does an increase in the interest rate affect inflation and unemployment?": "Economics",
    "Is it morally permissible to lie to save a life, according to Kant?": "Philosophy",
    "What is the time complexity of quicksort in the worst case?": "Engineering",
    "Which fertilizer increases wheat yield on nitrogen-poor soil?": "Agronomy",
    "What literary devices does Shakespeare use in Hamlet's soliloquy?": "Literature and Arts",
    "What was Sun Tzu's advice on attacking a fortified position?": "Military Science",
}


def test_domain_embedding_classifier_on_clear_questions_and_explicit_nulls():
    questions = list(CLEAR_QUESTIONS) + ["", "合同法中口头协议是否具有法律约束力？"]
    out, rep = annotate(pa.table({"question": questions}), ["domain", "embedding"], progress=False)
    domains = out.column("domain").to_pylist()
    assert domains[: len(CLEAR_QUESTIONS)] == list(CLEAR_QUESTIONS.values())
    labels = load_labels()
    for d, t in zip(domains, out.column("topic").to_pylist()):
        assert (d is None and t is None) or (d in DOMAINS and labels.topics[t][0] == d)
    assert out.column("domain_error").to_pylist()[-2:] == ["empty_question", "non_english_text"]
    assert rep["annotators"]["domain"]["domains"]["Science"] == 1
