"""Secrets never written: the values to keep out of every file the tool writes, and the scrubbing itself.

A secret is known by where it came from, not by what it looks like:

* the value of an environment variable named by an ``*_api_key_env`` option (``--api-key-env DEEPSEEK_KEY``);
* a value of the recipe's ``env:`` block (the runner passes the *names* to its stage processes in
  ``NATURALTHOUGHTS_SECRET_ENV``, never the values);
* any value under a key that looks like a credential (``api_key``, ``token``, ``secret``, ``password``, ...),
  in a mapping or in a ``KEY=VALUE`` option string (``--backend-option api_key=...``).

:func:`register_secrets` adds values to this process's list; :func:`scrub` replaces each of them in a text
with ``<redacted>``, and every writer (manifests, the runner's state, the resolved recipe, the report, dataset
cards) passes its text through it. Values shorter than :data:`MIN_SECRET_CHARS` are not scrubbed: replacing
"1" or "yes" everywhere would mangle files without protecting anything.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable, Mapping

SECRET_ENV_NAMES_ENV = "NATURALTHOUGHTS_SECRET_ENV"  # comma list of variable names whose values are secret
REDACTED = "<redacted>"
MIN_SECRET_CHARS = 6
SECRET_KEY_MARKERS = ("api_key", "apikey", "token", "secret", "password", "passwd", "authorization",
                      "credential")
# Key names that contain a marker but hold no secret (counts, names of variables, tokenizer names).
SECRET_KEY_ALLOWED = ("api_key_env", "max_tokens", "tokens", "tokenizer", "budget_tokens",
                      "tokens_per_minute", "total_tokens", "token_ids")

_SECRETS: set[str] = set()


def _norm(key: Any) -> str:
    return str(key).lower().replace("-", "_")


def is_secret_key(key: str) -> bool:
    """Whether a key name looks like it holds a credential (``api_key``, ``hf_token``, ``db_password``)."""
    k = _norm(key)
    if is_secret_env_key(k):
        return False  # it holds the name of a variable, not the secret
    return any(m in k for m in SECRET_KEY_MARKERS) and not any(k.endswith(a) for a in SECRET_KEY_ALLOWED)


def is_secret_env_key(key: str) -> bool:
    """Whether a key names the environment variable that holds a credential (``api_key_env``, ``token_env``)."""
    k = _norm(key)
    return k.endswith("_env") and any(m in k[:-4] for m in SECRET_KEY_MARKERS)


def register_secrets(values: Iterable[Any]) -> None:
    """Add values to scrub from everything this process writes."""
    for v in values:
        if isinstance(v, str) and len(v) >= MIN_SECRET_CHARS:
            _SECRETS.add(v)


def known_secrets() -> frozenset[str]:
    return frozenset(_SECRETS)


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``<redacted>`` (longest first: no leftovers)."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def scrub_obj(obj: Any) -> Any:
    """A copy of a JSON-like object with registered secrets scrubbed from every string (keys included)."""
    if not _SECRETS:
        return obj
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, Mapping):
        return {scrub(str(k)) if isinstance(k, str) else k: scrub_obj(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [scrub_obj(v) for v in obj]
    return obj


def secrets_in_options(obj: Any, key: str | None = None) -> set[str]:
    """Secret values in stage options: under credential-like keys, in ``KEY=VALUE`` strings, and the values of
    the environment variables that ``*_api_key_env`` (or ``*_token_env``, ...) options name."""
    found: set[str] = set()
    if key is not None and is_secret_env_key(key):
        names = obj if isinstance(obj, (list, tuple)) else [obj]
        found.update(os.environ[n] for n in names if isinstance(n, str) and os.environ.get(n))
        return found
    if key is not None and is_secret_key(key) and isinstance(obj, str):
        return {obj}
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            found |= secrets_in_options(v, str(k))
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            found |= secrets_in_options(v, key)
    elif isinstance(obj, str):
        m = re.match(r"^\s*([A-Za-z_][\w.-]*)\s*[=:]\s*(.+)$", obj)
        if m and is_secret_key(m.group(1)):
            found.add(m.group(2).strip())
    return found


def register_from_environment() -> None:
    """Register the values of the variables a parent runner named in ``NATURALTHOUGHTS_SECRET_ENV``."""
    names = [n for n in os.environ.get(SECRET_ENV_NAMES_ENV, "").split(",") if n]
    register_secrets(os.environ.get(n) for n in names)
