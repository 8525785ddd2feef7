"""LLM judges: versioned prompt files, JSON-output parsing, one repair retry, and chunking of long traces.

Every judge call goes through :func:`naturalthoughts.llm.runner.run_requests` with the row cache, so a
re-run after a crash repeats no finished call, including the repair retries (their request contains the first,
cached, reply, so it is reproducible too).

Validation is the caller's: a ``validate(obj) -> (value, error)`` function turns the parsed JSON object into a
label or an error message. A reply that is not JSON or fails validation gets one repair turn ("your reply was
invalid because ...; reply with only the JSON object"); if that fails too, the row gets ``value=None`` and the
error code ``judge_invalid_output`` (or ``judge_request_failed`` when the backend itself failed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

from naturalthoughts.llm.backends.base import Backend, ChatRequest, SamplingParams
from naturalthoughts.llm.cache import RequestCache
from naturalthoughts.llm.runner import RunStats, run_requests

JUDGE_INVALID = "judge_invalid_output"
JUDGE_FAILED = "judge_request_failed"

Validator = Callable[[dict], "tuple[Any, str | None]"]


@dataclass(frozen=True)
class JudgePrompt:
    name: str
    version: int
    system: str
    user: str
    max_tokens: int
    # Forced start of the reply (ChatRequest.assistant_prefix), e.g. '{"domain": "': small models that answer in
    # prose when asked for JSON (SmolLM2-135M does, see tests) continue a started object instead. The reply ends
    # at the first "}" (a stop string), which extract_json puts back.
    prefill: str = ""
    stop: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """``name@version``, recorded in manifests."""
        return f"{self.name}@{self.version}"

    def render(self, **values: str) -> str:
        """Fill ``{placeholder}`` slots; brace text that is no placeholder (a JSON example) stays as written."""
        def fill(m: re.Match) -> str:
            key = m.group(1)
            return str(values[key]) if key in values else m.group(0)
        return re.sub(r"\{(\w+)\}", fill, self.user)

    def request(self, sample_index: int = 0, **values: str) -> ChatRequest:
        """A deterministic request (temperature 0) for this prompt."""
        messages = (("system", self.system.strip()), ("user", self.render(**values).strip()))
        params = SamplingParams(max_tokens=self.max_tokens, temperature=0.0, top_p=1.0, seed=0, stop=self.stop)
        return ChatRequest(messages=messages, params=params, sample_index=sample_index, assistant_prefix=self.prefill)


@lru_cache(maxsize=None)
def load_prompt(name_or_path: str) -> JudgePrompt:
    """A judge prompt by name (``judge-domain``: the packaged file) or by path to a YAML file."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.exists():
        text = path.read_text(encoding="utf-8")
    else:
        text = resources.files("naturalthoughts").joinpath("data", "prompts", f"{name_or_path}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for key in ("name", "version", "system", "user"):
        if key not in data:
            raise ValueError(f"judge prompt {name_or_path}: missing key {key!r}")
    return JudgePrompt(name=data["name"], version=int(data["version"]), system=data["system"], user=data["user"],
                       max_tokens=int(data.get("max_tokens", 128)), prefill=data.get("prefill") or "",
                       stop=tuple(data.get("stop") or ()))


# ------------------------------------------------------------------------------------------- JSON parsing
_FENCE_RE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def _balanced_objects(text: str) -> list[str]:
    """Every top-level ``{...}`` substring, found by brace counting that skips braces inside JSON strings."""
    out, depth, start, in_str, esc = [], 0, -1, False, False
    for i, ch in enumerate(text):
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"' and depth > 0:
            in_str = True
        elif ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                out.append(text[start : i + 1])
    return out


def extract_json(text: str | None) -> dict | None:
    """The judge's JSON object from a reply that may wrap it in prose, code fences or a think block.

    Tolerates: ``<think>…</think>`` before the object, Markdown fences, trailing prose, Python-style
    ``True/False/None`` and single quotes (small models write them), and trailing commas. Returns the last
    object that parses (models often restate the example first), or None.
    """
    if not text:
        return None
    text = re.sub(r"<think>.*?</think>", "", text, flags=re.DOTALL | re.IGNORECASE)
    candidates = [m.group(1) for m in _FENCE_RE.finditer(text)] + [text]
    found: list[dict] = []
    for cand in candidates:
        for obj_text in _balanced_objects(cand):
            obj = _loads_lenient(obj_text)
            if isinstance(obj, dict):
                found.append(obj)
    if not found and text.lstrip().startswith("{"):
        # A reply cut at its closing brace (the prompt's stop string) or by max_tokens right after the last value.
        for closing in ("}", '"}', "]}", '"]}'):
            obj = _loads_lenient(text.strip() + closing)
            if isinstance(obj, dict):
                return obj
    return found[-1] if found else None


def _loads_lenient(s: str) -> Any:
    try:
        return json.loads(s)
    except json.JSONDecodeError:
        pass
    fixed = re.sub(r",\s*([}\]])", r"\1", s)  # trailing commas
    fixed = re.sub(r"\bTrue\b", "true", re.sub(r"\bFalse\b", "false", re.sub(r"\bNone\b", "null", fixed)))
    if "'" in fixed and '"' not in fixed:
        fixed = fixed.replace("'", '"')
    try:
        return json.loads(fixed)
    except json.JSONDecodeError:
        return None


def parse_reply(text: str | None, validate: Validator) -> tuple[Any, str | None]:
    """(value, None) for a valid reply, else (None, reason) with a reason the repair turn can quote."""
    obj = extract_json(text)
    if obj is None:
        return None, "the reply contained no JSON object"
    try:
        return validate(obj)
    except (TypeError, ValueError, KeyError) as exc:
        return None, f"invalid fields: {exc}"


# ----------------------------------------------------------------------------------------- running judges
@dataclass
class JudgeResult:
    value: Any
    error: str | None  # None, JUDGE_INVALID or "judge_request_failed: ..."
    raw: str | None = None  # the last invalid reply (quoted in the repair turn)
    why: str | None = None  # why it was invalid


def run_judge(
    backend: Backend,
    requests: Sequence[ChatRequest],
    validate: Validator,
    *,
    cache: RequestCache | None,
    stats: RunStats | None = None,
    progress: bool | str = False,
    retries: int = 1,
) -> list[JudgeResult]:
    """Send ``requests``, validate each reply, repair invalid ones ``retries`` times, never raise per row."""
    completions = run_requests(backend, requests, cache, progress=progress, stats=stats)
    results: list[JudgeResult] = []
    for req, c in zip(requests, completions):
        if not c.ok:
            results.append(JudgeResult(None, f"{JUDGE_FAILED}: {(c.error or '')[:200]}", None))
            continue
        reply = req.assistant_prefix + (c.text or "")
        value, why = parse_reply(reply, validate)
        if why is None:
            results.append(JudgeResult(value, None))
        else:
            results.append(JudgeResult(None, JUDGE_INVALID, reply, why))
    for attempt in range(retries):
        todo = [i for i, r in enumerate(results) if r.error == JUDGE_INVALID]
        if not todo:
            break
        repair = [_repair_request(requests[i], results[i].raw, results[i].why or "") for i in todo]
        desc = f"{progress} (repair)" if isinstance(progress, str) else progress
        fixed = run_requests(backend, repair, cache, progress=desc, stats=stats)
        for i, req, c in zip(todo, repair, fixed):
            if not c.ok:
                continue  # keep JUDGE_INVALID: the first reply was invalid and the repair could not be made
            reply = req.assistant_prefix + (c.text or "")
            value, why = parse_reply(reply, validate)
            results[i] = JudgeResult(value, None) if why is None else JudgeResult(None, JUDGE_INVALID, reply, why)
    return results


def _repair_request(req: ChatRequest, reply: str | None, why: str) -> ChatRequest:
    """The original conversation, the invalid reply, and a short correction turn."""
    messages = req.messages + (
        ("assistant", (reply or "").strip()[:2000]),
        ("user", f"That reply was invalid ({why}). Reply again with only the JSON object, exactly in the requested format."),
    )
    return ChatRequest(messages=messages, params=req.params, sample_index=req.sample_index,
                       assistant_prefix=req.assistant_prefix)


# ----------------------------------------------------------------------------------------------- chunking
def chunk_text(text: str, max_chars: int) -> list[str]:
    """Split ``text`` into pieces of at most ``max_chars``, at paragraph breaks where possible, else at lines or
    sentence ends, else hard. Pieces are contiguous: joining them gives back the text (up to the cut whitespace)."""
    if len(text) <= max_chars:
        return [text]
    chunks, start = [], 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            window = text[start:end]
            for sep in ("\n\n", "\n", ". "):
                cut = window.rfind(sep)
                if cut > max_chars // 2:
                    end = start + cut + len(sep)
                    break
        chunks.append(text[start:end])
        start = end
    return chunks


def judge_in_chunks(
    ctx: Any,
    texts: Sequence[str | None],
    errors: list,
    *,
    chunk_chars: int,
    max_chunks: int,
    make_request: Callable[[int, str, int, int], ChatRequest],
    validate: Callable,
    error: Callable[[str], str],
    stats_name: str,
    progress: str,
) -> dict[int, list]:
    """Judge each text chunk by chunk; return the valid verdicts per row index (rows with an error get none).

    ``make_request(row, chunk, k, chunk_count)`` builds one judge request; ``error(code)`` records a row's error
    code. A row already in error is skipped, a row longer than ``max_chunks`` chunks gets ``too_long_for_judge``,
    and one invalid chunk verdict puts the whole row in error (a partial set of chunks would under-count).
    """
    requests, owners = [], []
    for i, text in enumerate(texts):
        if errors[i] is not None:
            continue
        chunks = chunk_text(text or "", chunk_chars)
        if len(chunks) > max_chunks:
            errors[i] = error(f"too_long_for_judge: {len(chunks)} chunks > judge_max_chunks")
            continue
        for k, chunk in enumerate(chunks, start=1):
            requests.append(make_request(i, chunk, k, len(chunks)))
            owners.append(i)
    results = run_judge(ctx.judge, requests, validate, cache=ctx.cache, stats=ctx.run_stats(stats_name),
                        progress=progress if ctx.progress else False)
    verdicts: dict[int, list] = {}
    for i, r in zip(owners, results):
        if errors[i] is not None:
            continue
        if r.error is not None:
            errors[i] = error(r.error)
            verdicts.pop(i, None)
        else:
            verdicts.setdefault(i, []).append(r.value)
    return verdicts
