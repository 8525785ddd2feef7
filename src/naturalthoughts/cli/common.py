"""Options shared by every stage's CLI: backend choice and sampling (one convention for all stages).

``naturalthoughts STAGE --in PATH --out DIR [--backend NAME --model NAME --base-url URL --api-key-env VAR
--concurrency N] [--max-tokens N --temperature T --top-p P --seed S --samples N]``

One vocabulary across commands (the README's "Command-line vocabulary" lists it): ``--samples`` is samples per
question, ``--n`` rows to select, ``--think-budget`` thinking tokens per answer, ``--think-words`` the K of
"Use about K words", ``--total-tokens`` a selection's token budget, ``--seed-questions`` a file of questions and
``--num-seeds`` a count of seeded repeats. Old spellings stay for one release as :func:`add_deprecated_alias`.
"""

from __future__ import annotations

import argparse
import json
import sys

from naturalthoughts.llm.backends.base import BackendSpec, SamplingParams


def add_io_args(p: argparse.ArgumentParser, *, in_help: str, out_help: str = "output folder (data/ shards + manifest.json)") -> None:
    p.add_argument("--in", dest="input", required=True, metavar="PATH", help=in_help)
    p.add_argument("--out", required=True, metavar="DIR", help=out_help)


class _JoinEndpoints(argparse.Action):
    """A repeated ``--base-url`` becomes one comma list (how BackendSpec.base_url carries several endpoints)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        previous = getattr(namespace, self.dest, None)
        setattr(namespace, self.dest, f"{previous},{values}" if previous else values)


def add_backend_args(p: argparse.ArgumentParser, *, prefix: str = "", default_backend: str = "llamacpp",
                     default_model: str = "smollm2-135m", title: str | None = None) -> None:
    """Add ``--{prefix}backend``, ``--{prefix}model`` and backend options (``prefix`` e.g. ``judge-``)."""
    g = p.add_argument_group(title or f"{prefix or 'model '}backend")
    dest = prefix.replace("-", "_")
    g.add_argument(f"--{prefix}backend", dest=f"{dest}backend", default=default_backend,
                   help=f"llamacpp | openai | vllm | transformers | fake (default: {default_backend})")
    g.add_argument(f"--{prefix}model", dest=f"{dest}model", default=default_model,
                   help=f"model alias, GGUF path, HF repo id or served model name (default: {default_model})")
    g.add_argument(f"--{prefix}model-revision", dest=f"{dest}model_revision", default=None, metavar="REV",
                   help="your name for the weights behind a served model (e.g. a date or commit); part of "
                        "the row-cache key, so answers from other weights under the same name are not reused")
    g.add_argument(f"--{prefix}base-url", dest=f"{dest}base_url", default=None, action=_JoinEndpoints,
                   help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (openai backend); repeat it or "
                        "give a comma list to spread Ray workers (--executor ray) over several servers")
    g.add_argument(f"--{prefix}api-key-env", dest=f"{dest}api_key_env", default=None, metavar="VAR",
                   help="name of the environment variable holding the API key (the key is never written anywhere)")
    g.add_argument(f"--{prefix}concurrency", dest=f"{dest}concurrency", type=int, default=8,
                   help="requests in flight at once (openai backend; default 8)")
    g.add_argument(f"--{prefix}rpm", dest=f"{dest}rpm", type=float, default=None, help="requests-per-minute limit")
    g.add_argument(f"--{prefix}tpm", dest=f"{dest}tpm", type=float, default=None, help="tokens-per-minute limit")
    g.add_argument(f"--{prefix}backend-option", dest=f"{dest}backend_options", action="append", default=[],
                   metavar="KEY=VALUE", help="backend-specific option, repeatable (e.g. n_ctx=4096, tensor_parallel_size=8)")


class DeprecatedAlias(argparse.Action):
    """An old spelling of an option: stores into the new option's dest and warns once per use on stderr."""

    def __init__(self, option_strings, dest, *, new_flag: str, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(option_strings, dest, **kwargs)
        self.new_flag = new_flag

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        print(f"warning: {option_string} is deprecated and goes away in the next release; use {self.new_flag}",
              file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_deprecated_alias(p: argparse.ArgumentParser | argparse._ArgumentGroup, old: str, new: argparse.Action) -> None:
    """Accept ``old`` as a hidden, warning spelling of the option ``new`` (same dest, type and arity)."""
    p.add_argument(old, dest=new.dest, type=new.type, nargs=new.nargs, metavar=new.metavar, default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS, action=DeprecatedAlias, new_flag=max(new.option_strings, key=len))


def parse_key_values(items: list[str], flag: str) -> dict:
    """``["k=v", ...]`` from a repeatable flag into a dict; values are JSON when they parse (numbers, lists), else text."""
    out: dict = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"{flag} expects KEY=VALUE, got {item!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def backend_spec_from_args(args: argparse.Namespace, prefix: str = "") -> BackendSpec:
    dest = prefix.replace("-", "_")
    options = parse_key_values(getattr(args, f"{dest}backend_options"), f"--{prefix}backend-option")
    return BackendSpec(
        backend=getattr(args, f"{dest}backend"),
        model=getattr(args, f"{dest}model"),
        base_url=getattr(args, f"{dest}base_url"),
        api_key_env=getattr(args, f"{dest}api_key_env"),
        concurrency=getattr(args, f"{dest}concurrency"),
        requests_per_minute=getattr(args, f"{dest}rpm"),
        tokens_per_minute=getattr(args, f"{dest}tpm"),
        options=options,
        revision=getattr(args, f"{dest}model_revision", None),
    )


def add_sampling_args(p: argparse.ArgumentParser, *, max_tokens: int = 1024, temperature: float = 0.6,
                      top_p: float = 0.95, with_n: bool = True) -> None:
    g = p.add_argument_group("sampling")
    g.add_argument("--max-tokens", type=int, default=max_tokens, help=f"generation budget per sample (default {max_tokens})")
    g.add_argument("--temperature", type=float, default=temperature, help=f"default {temperature}")
    g.add_argument("--top-p", type=float, default=top_p, help=f"default {top_p}")
    g.add_argument("--seed", type=int, default=0, help="base seed; sample i uses seed+i (default 0)")
    if with_n:
        samples = g.add_argument("--samples", dest="n", type=int, default=1, metavar="N",
                                 help="samples per question (default 1)")
        add_deprecated_alias(g, "-n", samples)


def sampling_from_args(args: argparse.Namespace) -> SamplingParams:
    return SamplingParams(max_tokens=args.max_tokens, temperature=args.temperature, top_p=args.top_p, seed=args.seed)


def add_cache_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache", default=None, metavar="PATH",
                   help="row cache (SQLite); default $NATURALTHOUGHTS_CACHE or ~/.cache/naturalthoughts/requests.sqlite")


def add_bad_row_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--on-bad-row", choices=["fail", "skip"], default="fail",
                   help="fail: stop at the first bad row, naming file and line (default); "
                        "skip: drop it, write it to rejects.parquet and count it in the manifest")


def add_mode_carrier_flags(parser: argparse.ArgumentParser) -> None:
    """Add ``--mode-carrier`` and ``--model-family``: how a thinking mode reaches the model.

    The default carrier, ``instruction``, is the paper's appended instruction: requests and their cache keys stay
    what they were before carriers existed. See :mod:`naturalthoughts.core.carriers` for the table.
    """
    from naturalthoughts.core.carriers import CARRIERS, FAMILIES

    g = parser.add_argument_group("mode carrier")
    g.add_argument("--mode-carrier", dest="mode_carrier", choices=CARRIERS, default="instruction",
                   help="how the thinking mode is signalled: instruction (the paper's appended text, default) | "
                        "template (a chat-template flag: Qwen3 enable_thinking, DeepSeek-V3.1 thinking) | "
                        "soft-switch (Qwen3 /think, /no_think) | effort (reasoning_effort: gpt-oss, OpenAI-style "
                        "APIs) | auto (chosen from the chat template's text)")
    g.add_argument("--model-family", dest="model_family", choices=FAMILIES, default=None,
                   help="the hybrid model's family, when the carrier needs one and auto cannot tell from the "
                        "chat template")
