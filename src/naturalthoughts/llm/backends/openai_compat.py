"""Any OpenAI-compatible endpoint: vLLM/SGLang serve, llama.cpp's server, DeepSeek and other hosted APIs.

Written on ``httpx`` directly (not the ``openai`` client) because generation needs control the client hides:
our own retry policy (the client's retries would be invisible to our attempt counts and would not retry an
empty or malformed 200 body), and access to non-standard fields such as ``reasoning_content``.

* **Concurrency**: ``spec.concurrency`` worker coroutines share one connection pool; results are reported
  through ``on_result`` the moment each arrives, so the row cache persists it immediately.
* **Retries**: up to ``spec.max_retries`` extra attempts on 429, 408/409/425, 5xx, timeouts, connection errors
  and 200 responses whose body is empty or malformed, with full-jitter exponential backoff
  (``backoff_base_s`` * 2^attempt, capped at ``backoff_max_s``); a ``Retry-After`` header wins when present.
  Other 4xx are final (a bad request does not get better by repeating it). ``Completion.attempts`` counts them.
* **Rate limits**: optional ``spec.requests_per_minute`` and ``spec.tokens_per_minute`` token buckets; the
  tokens bucket charges an estimate (prompt chars/4 + max_tokens) up front and settles with the real usage.
* **API key**: read from the environment variable ``spec.api_key_env`` at call time; never logged or stored.
* **Reasoning**: ``message.reasoning_content`` (DeepSeek, vLLM's reasoning parser; ``reasoning`` in newer
  vLLM) is returned separately; inline ``<think>`` stays in ``text``. ``parse_trace`` handles both.

**Forced assistant prefix** (``ChatRequest.assistant_prefix``, e.g. ``"<think>\\n"``): chat APIs normally start a
new assistant turn, so the option ``prefix_mode`` picks how the prefix is continued:

* ``continue`` — the prefix is sent as a final assistant message with ``continue_final_message: true,
  add_generation_prompt: false`` (vLLM >= 0.6.4 and SGLang). If the server rejects that (400/422) and a
  ``chat_template`` option is set, the backend falls back to ``completions`` for the rest of the run.
* ``prefix`` — DeepSeek's chat prefix completion (beta endpoint): final assistant message with ``prefix: true``.
* ``completions`` — render the chat template on the client (option ``chat_template``: a model alias, GGUF
  path, Jinja file or tokenizer, see :mod:`naturalthoughts.llm.backends.chat_template`), append the prefix and call
  ``/v1/completions``. This is the mode for llama.cpp's server, which silently ignores ``continue_final_message``.
* ``auto`` (default) — ``completions`` when ``chat_template`` is set, else ``continue``.

Other options: ``timeout_s`` and ``max_retries`` (override the spec's fields, so the CLI can set them with
``--backend-option``), ``backoff_base_s`` (1.0), ``backoff_max_s`` (60),
``extra_body`` (dict merged into every request body, e.g. ``{"top_k": 20}``), ``send_seed`` (default true),
``think_budget_field`` (the request field a server reads a thinking budget from, e.g. ``thinking_token_budget``
for vLLM; see :data:`naturalthoughts.llm.budget.SERVER_BUDGET_FIELDS`) with ``server_budget_tolerance``
(default 0.05): a thinking budget then goes to the server, checked with :meth:`OpenAIBackend.count_tokens`.

**Mode switches** (:func:`naturalthoughts.core.carriers.mode_signal`): a request's ``template_kwargs`` are sent as
``chat_template_kwargs`` (the vLLM / SGLang / llama.cpp server convention) in chat mode and rendered into the
prompt in ``completions`` mode; its ``request_fields`` (``reasoning_effort``) are top-level body fields.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from typing import Any, Sequence
from urllib.parse import urlsplit

from naturalthoughts.llm.backends.base import BackendSpec, ChatRequest, Completion, ProgressFn

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 409, 425, 429}) | frozenset(range(500, 600))
PREFIX_MODES = ("auto", "continue", "prefix", "completions")


class _Retryable(Exception):
    """An attempt failed in a way worth repeating; ``kind`` becomes the error's prefix."""

    def __init__(self, kind: str, detail: str, retry_after: float | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.retry_after = kind, retry_after


class _Final(Exception):
    """An attempt failed in a way that repeating will not fix."""

    def __init__(self, kind: str, detail: str, status: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.status = kind, status


class TokenBucket:
    """Async limiter for a per-minute budget (requests or tokens), refilled continuously.

    Capacity is one second's worth (at least one request), which paces traffic evenly instead of bursting a
    minute's budget at once (providers' sliding windows punish bursts). A charge larger than the capacity is
    allowed when the bucket is full and leaves a debt, so the long-run rate stays exact.
    """

    def __init__(self, per_minute: float) -> None:
        if per_minute <= 0:
            raise ValueError(f"rate limit must be positive, got {per_minute}")
        self.rate = per_minute / 60.0  # per second
        self.capacity = max(1.0, self.rate)
        self.level = self.capacity
        self._t = time.monotonic()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self.level = min(self.capacity, self.level + (now - self._t) * self.rate)
        self._t = now

    async def acquire(self, amount: float = 1.0) -> None:
        async with self._lock:  # FIFO: waiters are served in arrival order
            need = min(amount, self.capacity)
            while True:
                self._refill()
                if self.level >= need:
                    self.level -= amount
                    return
                await asyncio.sleep((need - self.level) / self.rate)

    def settle(self, delta: float) -> None:
        """Charge ``delta`` more (or refund, when negative) once the real cost is known."""
        self.level = min(self.capacity, self.level - delta)


def _normalise_base_url(url: str) -> str:
    url = url.rstrip("/")
    if urlsplit(url).path in ("", "/"):
        url += "/v1"  # servers and providers all accept the /v1 prefix; a bare host would 404 on some
    return url


class OpenAIBackend:
    """Backend for any OpenAI-compatible HTTP endpoint (``spec.base_url``)."""

    name = "openai"

    def __init__(self, spec: BackendSpec) -> None:
        if not spec.base_url:
            raise ValueError("the openai backend needs a base URL (--base-url http://HOST:PORT/v1)")
        self.spec = spec
        self.model_id = spec.model
        self.base_url = _normalise_base_url(spec.base_url)
        opts = dict(spec.options)
        self.timeout_s = float(opts.get("timeout_s", spec.timeout_s))
        self.max_retries = int(opts.get("max_retries", spec.max_retries))
        self.backoff_base_s = float(opts.get("backoff_base_s", 1.0))
        self.backoff_max_s = float(opts.get("backoff_max_s", 60.0))
        self.extra_body: dict[str, Any] = dict(opts.get("extra_body") or {})
        self.send_seed = bool(opts.get("send_seed", True))
        self.think_budget_field: str | None = opts.get("think_budget_field") or None
        self.server_budget_tolerance = float(opts.get("server_budget_tolerance", 0.05))
        self._tokenize: tuple[str, str, int] | None = None  # (path, text field, tokens of "") once found
        self.chat_template_ref: str | None = opts.get("chat_template")
        mode = opts.get("prefix_mode", "auto")
        if mode not in PREFIX_MODES:
            raise ValueError(f"prefix_mode must be one of {PREFIX_MODES}, got {mode!r}")
        if mode == "auto":
            mode = "completions" if self.chat_template_ref else "continue"
        if mode == "completions" and not self.chat_template_ref:
            raise ValueError("prefix_mode=completions needs the chat_template option (model alias, GGUF, Jinja file)")
        self.prefix_mode = mode
        self._template: Any = None

    # --------------------------------------------------------------------------------------- request bodies
    def _template_render(self, req: ChatRequest) -> str:
        if self._template is None:
            from naturalthoughts.llm.backends.chat_template import load_chat_template

            self._template = load_chat_template(self.chat_template_ref)
        # The server encodes the prompt and adds its own BOS when the model wants one: send none of ours then.
        prompt = self._template.render_for_completion(req.message_dicts(), **req.template_kwargs_dict())
        return prompt + req.assistant_prefix

    def _root(self) -> str:
        return self.base_url[:-len("/v1")] if self.base_url.endswith("/v1") else self.base_url

    def _tokens_via(self, path: str, key: str, text: str) -> list[int]:
        import httpx

        body = {"model": self.spec.model, key: text, "add_special": False, "add_special_tokens": False}
        resp = httpx.post(self._root() + path, json=body, headers=self._headers(), timeout=min(self.timeout_s, 30.0))
        resp.raise_for_status()
        return list(resp.json()["tokens"])

    def count_tokens(self, text: str) -> list[int]:
        """``text``'s token ids as the server's tokenizer cuts them (special tokens it adds left out).

        ``POST /tokenize`` (llama.cpp's server: ``content``; vLLM: ``prompt``), else llama-cpp-python's
        ``/extras/tokenize`` (``input``). Raises when the server has none: the caller cannot check a budget then.
        """
        import httpx

        if self._tokenize is None:
            failures = []
            for path, key in (("/tokenize", "content"), ("/tokenize", "prompt"), ("/extras/tokenize", "input")):
                try:
                    # What the server adds to any text (a BOS), measured on "" and subtracted below.
                    self._tokenize = (path, key, len(self._tokens_via(path, key, "")))
                    break
                except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                    failures.append(f"{path}[{key}]: {type(exc).__name__}")
            else:
                raise RuntimeError(f"{self._root()} has no tokenize endpoint ({'; '.join(failures)})")
        path, key, added = self._tokenize
        return self._tokens_via(path, key, text)[added:]

    def chat_template_text(self) -> str:
        """The chat template's source: the ``chat_template`` option's, else what the server reports.

        llama.cpp's server (and llama-cpp-python's) answer ``GET /props`` with ``chat_template``; vLLM and
        hosted APIs expose none, and "" then leaves ``--mode-carrier auto`` to ``--model-family``.
        """
        if self.chat_template_ref:
            from naturalthoughts.llm.backends.chat_template import load_chat_template

            return load_chat_template(self.chat_template_ref).text
        import httpx

        try:
            resp = httpx.get(f"{self._root()}/props", headers=self._headers(), timeout=min(self.timeout_s, 15.0))
            template = resp.json().get("chat_template") if resp.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError, _Final):
            template = None
        return template if isinstance(template, str) else ""

    def _body(self, req: ChatRequest, mode: str) -> tuple[str, dict[str, Any]]:
        """(path, JSON body) of one attempt."""
        p = req.params
        body: dict[str, Any] = {"model": self.spec.model, "max_tokens": p.max_tokens,
                                "temperature": p.temperature, "top_p": p.top_p}
        if p.stop:
            body["stop"] = list(p.stop)
        seed = req.effective_seed()
        if self.send_seed and seed is not None:
            body["seed"] = seed
        body.update(self.extra_body)
        # A mode switch's top-level fields (reasoning_effort) go with every endpoint; template variables go as
        # chat_template_kwargs (vLLM, SGLang and llama.cpp's server) or into our own rendering below.
        body.update(req.request_fields_dict())
        if req.assistant_prefix and mode == "completions":
            body["prompt"] = self._template_render(req)
            return "/completions", body
        messages: list[dict[str, Any]] = req.message_dicts()
        if req.assistant_prefix:
            if mode == "prefix":
                messages.append({"role": "assistant", "content": req.assistant_prefix, "prefix": True})
            else:
                messages.append({"role": "assistant", "content": req.assistant_prefix})
                body["continue_final_message"] = True
                body["add_generation_prompt"] = False
        body["messages"] = messages
        if req.template_kwargs:
            body["chat_template_kwargs"] = {**(body.get("chat_template_kwargs") or {}), **req.template_kwargs_dict()}
        return "/chat/completions", body

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.spec.api_key_env:
            key = self.spec.api_key()
            if not key:
                raise _Final("missing_api_key", f"environment variable {self.spec.api_key_env} is not set or empty")
            headers["Authorization"] = f"Bearer {key}"
        return headers

    @staticmethod
    def _parse(path: str, raw: bytes) -> Completion:
        """A Completion from a 200 body; raises _Retryable for an empty or malformed body."""
        if not raw.strip():
            raise _Retryable("empty_response_body", "200 with an empty body")
        try:
            data = json.loads(raw)
            choice = data["choices"][0]
            if path == "/completions":
                text, reasoning = choice["text"], None
            else:
                message = choice["message"]
                text = message.get("content")
                reasoning = message.get("reasoning_content") or message.get("reasoning")
            if text is None and reasoning is None:
                raise ValueError("no content and no reasoning_content")
            usage = data.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise _Retryable("malformed_response_body", f"{type(exc).__name__}: {str(exc)[:200]}") from None
        return Completion(
            text=text,
            reasoning_content=reasoning,
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
        )

    # ---------------------------------------------------------------------------------------- one request
    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.backoff_max_s)
        return random.uniform(0, min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1)))

    async def _attempt(self, client: Any, req: ChatRequest, mode: str) -> Completion:
        import httpx

        path, body = self._body(req, mode)
        try:
            resp = await client.post(self.base_url + path, json=body, headers=self._headers())
        except httpx.TimeoutException as exc:
            raise _Retryable("timeout", f"{type(exc).__name__} after {self.timeout_s:g}s") from None
        except httpx.TransportError as exc:
            raise _Retryable("connection_error", f"{type(exc).__name__}: {str(exc)[:200]}") from None
        if resp.status_code == 200:
            return self._parse(path, resp.content)
        detail = resp.text[:300].replace("\n", " ")
        if resp.status_code in RETRYABLE_STATUS:
            retry_after = None
            try:
                retry_after = float(resp.headers.get("retry-after", ""))
            except ValueError:
                pass
            raise _Retryable(f"http_{resp.status_code}", detail, retry_after)
        raise _Final(f"http_{resp.status_code}", detail, resp.status_code)

    async def _request(self, client: Any, req: ChatRequest, rpm: TokenBucket | None,
                       tpm: TokenBucket | None) -> Completion:
        attempts = 0
        last = "error: no attempt made"
        estimate = len("".join(c for _, c in req.messages)) / 4 + req.params.max_tokens
        while attempts <= self.max_retries:
            attempts += 1
            if rpm is not None:
                await rpm.acquire(1)
            if tpm is not None:
                await tpm.acquire(estimate)
            mode = self.prefix_mode
            try:
                c = await self._attempt(client, req, mode)
            except _Retryable as exc:
                last = str(exc)
                if tpm is not None:
                    tpm.settle(-estimate)  # nothing was generated
                if attempts <= self.max_retries:
                    delay = self._backoff(attempts, exc.retry_after)
                    log.debug("attempt %d failed (%s); retrying in %.2fs", attempts, last, delay)
                    await asyncio.sleep(delay)
                continue
            except _Final as exc:
                if (exc.status in (400, 422) and req.assistant_prefix and mode == "continue"
                        and self.chat_template_ref):
                    log.warning("server rejected continue_final_message (%s); rendering prompts on the client "
                                "and using /v1/completions from now on", exc.kind)
                    self.prefix_mode = "completions"
                    continue
                return Completion(text=None, finish_reason="error", error=str(exc), attempts=attempts,
                                  max_tokens=req.params.max_tokens)
            if tpm is not None:
                used = (c.prompt_tokens or 0) + (c.completion_tokens or 0)
                if used:
                    tpm.settle(used - estimate)
            c.attempts = attempts
            c.max_tokens = req.params.max_tokens
            return c
        return Completion(text=None, finish_reason="error", error=last, attempts=attempts,
                          max_tokens=req.params.max_tokens)

    # ------------------------------------------------------------------------------------------- batches
    async def agenerate(self, requests: Sequence[ChatRequest],
                        on_result: ProgressFn | None = None) -> list[Completion]:
        """Async form of :meth:`generate`, for callers that already run an event loop."""
        import httpx

        results: list[Completion | None] = [None] * len(requests)
        if not requests:
            return []
        workers = max(1, min(self.spec.concurrency, len(requests)))
        rpm = TokenBucket(self.spec.requests_per_minute) if self.spec.requests_per_minute else None
        tpm = TokenBucket(self.spec.tokens_per_minute) if self.spec.tokens_per_minute else None
        limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
        pending = iter(range(len(requests)))  # shared by the workers; next() never awaits, so no race

        async with httpx.AsyncClient(timeout=httpx.Timeout(self.timeout_s), limits=limits) as client:

            async def worker() -> None:
                for i in pending:
                    c = await self._request(client, requests[i], rpm, tpm)
                    results[i] = c
                    if on_result is not None:
                        on_result(i, c)

            await asyncio.gather(*(worker() for _ in range(workers)))
        return results  # type: ignore[return-value]

    def generate(self, requests: Sequence[ChatRequest], on_result: ProgressFn | None = None) -> list[Completion]:
        """Answer every request (in order) with bounded concurrency; never raises for one request."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.agenerate(requests, on_result))
        # Called from inside an event loop (a notebook): run ours in a worker thread.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self.agenerate(requests, on_result)).result()

    # ------------------------------------------------------------------------------------------- identity
    def model_identity(self) -> str:
        """What the server says it serves under this name (id, and ``root``: vLLM's weights path or hub id),
        plus the user's ``--model-revision``; part of the row-cache key and the manifests.

        A hosted API may swap the weights behind a name without a word, so the revision is the user's handle
        on that. An unreachable ``/models`` leaves the requested name alone (the requests would fail anyway).
        """
        import httpx

        reported = ""
        try:
            headers = self._headers()
            resp = httpx.get(f"{self.base_url}/models", headers=headers, timeout=min(self.timeout_s, 15.0))
            entries = resp.json().get("data") or [] if resp.status_code == 200 else []
            entry = next((e for e in entries if e.get("id") == self.model_id), None)
            if entry is None and len(entries) == 1:
                entry = entries[0]  # a single-model server answers any name with its one model
            if entry is not None:
                root = entry.get("root")
                reported = str(entry.get("id")) + (f"|{root}" if root and root != entry.get("id") else "")
        except (httpx.HTTPError, ValueError, AttributeError, _Final) as exc:
            log.warning("cannot ask %s/models which model it serves (%s); the cache keys by the name only",
                        self.base_url, type(exc).__name__)
        revision = self.spec.revision
        parts = [f"served={reported}" if reported else "", f"rev={revision}" if revision else ""]
        return ",".join(p for p in parts if p)

    def close(self) -> None:
        pass
