"""Exactly one BOS at the start of every rendered prompt, on llama.cpp and on the `/v1/completions` path.

A Llama-3-style template writes ``{{ bos_token }}`` itself; the runtime that encodes the prompt adds another
when the model's tokenizer says so. Real tokenizers here: SmolLM2's GGUF vocabulary in llama.cpp (its BOS is
``<|im_start|>``, id 1) and SmolLM2's Hugging Face tokenizer made to add a BOS as Llama 3's does.
"""

from __future__ import annotations

import pytest
from conftest import smollm2_gguf

from naturalthoughts.llm.backends import BackendSpec, ChatRequest, SamplingParams
from naturalthoughts.llm.backends.chat_template import single_bos

# Writes BOS itself, as Llama 3's template does; plain-text turn headers, so that BOS appears only there.
LLAMA3_STYLE = ("{{ bos_token }}{% for m in messages %}### {{ m.role }}:\n{{ m.content }}\n"
                "{% endfor %}{% if add_generation_prompt %}### assistant:\n{% endif %}")
REQUEST = ChatRequest.chat([{"role": "user", "content": "What is 2 + 2?"}])


def _leading(tokens: list[int], bos: int) -> int:
    return next((i for i, t in enumerate(tokens) if t != bos), len(tokens))


def test_single_bos_rules():
    assert single_bos("<s><s>[INST] hi", "<s>", tokenizer_adds_bos=False) == "<s>[INST] hi"
    assert single_bos("<s><s>[INST] hi", "<s>", tokenizer_adds_bos=True) == "[INST] hi"
    assert single_bos("[INST] hi", "<s>", tokenizer_adds_bos=True) == "[INST] hi"
    assert single_bos("<s>x", "", tokenizer_adds_bos=True) == "<s>x"


def test_llamacpp_prompt_tokens_start_with_one_bos(tmp_path):
    from naturalthoughts.llm.backends.llamacpp import LlamaCppBackend

    template = tmp_path / "llama3-style.jinja"
    template.write_text(LLAMA3_STYLE)
    backend = LlamaCppBackend(BackendSpec(backend="llamacpp", model=smollm2_gguf(),
                                          options={"chat_template": str(template), "n_ctx": 512}))
    try:
        prompt = backend.render_prompt(REQUEST)
        assert prompt.startswith("<|im_start|>### user:")  # the template's own BOS
        bos = backend._bos_id
        assert _leading(backend.prompt_tokens(prompt), bos) == 1
        backend._add_bos = True  # a model whose GGUF asks llama.cpp to add BOS, as Llama 3's does
        before = [bos, *backend._llm.tokenize(prompt.encode(), add_bos=False, special=True)]
        assert _leading(before, bos) == 2  # what llama.cpp's own BOS plus the template's made
        assert _leading(backend.prompt_tokens(prompt), bos) == 1
        assert _leading(backend.prompt_tokens("<|im_start|>" + prompt), bos) == 1
        assert _leading(backend.prompt_tokens(prompt.removeprefix("<|im_start|>")), bos) == 1
        out = backend.generate([ChatRequest.chat(REQUEST.message_dicts(), params=SamplingParams(max_tokens=4,
                                                                                                temperature=0))])[0]
        assert out.ok and out.prompt_tokens == len(backend.prompt_tokens(prompt))
    finally:
        backend.close()


@pytest.mark.slow
def test_completions_prompt_encodes_to_one_bos(tmp_path):
    """The server (vLLM, llama.cpp) encodes the prompt with its tokenizer's special tokens: BOS added once."""
    from tokenizers import processors

    from naturalthoughts.llm.backends.openai_compat import OpenAIBackend
    from naturalthoughts.llm.student import load_tokenizer

    tok = load_tokenizer("smollm2-135m")
    tok._tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{tok.bos_token} $A", special_tokens=[(tok.bos_token, tok.bos_token_id)])
    tok.chat_template = LLAMA3_STYLE
    folder = tmp_path / "llama3-style-tokenizer"
    tok.save_pretrained(folder)
    assert tok("a").input_ids[0] == tok.bos_token_id  # the tokenizer adds its BOS, as Llama 3's does

    backend = OpenAIBackend(BackendSpec(backend="openai", model="m", base_url="http://127.0.0.1:9/v1",
                                        options={"chat_template": str(folder)}))
    path, body = backend._body(ChatRequest.chat(REQUEST.message_dicts(), assistant_prefix="<think>\n"),
                               backend.prefix_mode)
    assert path == "/completions"
    rendered = tok.apply_chat_template(REQUEST.message_dicts(), tokenize=False, add_generation_prompt=True)
    assert _leading(tok(rendered).input_ids, tok.bos_token_id) == 2  # what the server got before
    ids = tok(body["prompt"]).input_ids  # what the server encodes now
    assert _leading(ids, tok.bos_token_id) == 1 and body["prompt"].endswith("### assistant:\n<think>\n")
