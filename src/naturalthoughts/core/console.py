"""What the console shows: our own messages and progress bars, not the noise of the libraries underneath.

:func:`configure_console` runs once per ``naturalthoughts`` process (``main``). By default it hides warnings
that dependencies raise about themselves (deprecations inside transformers, torch's internal UserWarnings,
...), which the user of this toolkit cannot act on, quiets the chattiest library loggers and transformers'
bars for quick local steps (:data:`QUIET_BARS`); our own warnings always show. ``-v`` / ``--verbose`` shows everything, and sets :data:`VERBOSE_ENV` so that the
processes a recipe run starts (stages, ``accelerate launch`` and its workers) are verbose too.

:class:`TrainingBar` is the one-line view of a training run (step/total, loss, tokens/s, ETA) that replaces
the dict per logging step which transformers prints.
"""

from __future__ import annotations

import importlib.abc
import logging
import os
import sys
import warnings
from typing import Any, Callable, Mapping

VERBOSE_ENV = "NATURALTHOUGHTS_VERBOSE"

# Packages whose own warnings are hidden by default (matched against the module a warning is attributed to).
# importlib._bootstrap: warnings raised while an extension module is imported (e.g. SWIG's "builtin type
# SwigPyPacked has no __module__ attribute" from faiss) are attributed to the import machinery.
QUIET_PACKAGES = (
    "transformers", "torch", "torchvision", "torchaudio", "trl", "peft", "accelerate", "datasets",
    "huggingface_hub", "tokenizers", "safetensors", "sentence_transformers", "ray", "jinja2", "llama_cpp",
    "sklearn", "scipy", "faiss", "numba", "matplotlib", "math_verify", "latex2sympy2_extended", "sympy",
    "pydantic", "httpx", "httpcore", "urllib3", "requests", "multiprocess", "dill", "fsspec", "pkg_resources",
    "setuptools", "google.protobuf", "importlib._bootstrap",
)
QUIET_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, UserWarning, RuntimeWarning)

# Library loggers that log routine events at INFO/WARNING (httpx logs every request at INFO).
QUIET_LOGGERS = {
    "httpx": logging.WARNING, "httpcore": logging.WARNING, "urllib3": logging.WARNING,
    "transformers": logging.ERROR, "datasets": logging.ERROR, "huggingface_hub": logging.ERROR,
    "accelerate": logging.ERROR, "torch": logging.ERROR, "sentence_transformers": logging.WARNING,
    "filelock": logging.WARNING, "fsspec": logging.WARNING, "asyncio": logging.WARNING,
}
# The same for libraries that set their logger's level from the environment when they are imported (after us),
# and datasets' per-map progress bars ("Map: 100%|...", "Tokenizing train dataset"), noise inside a stage.
QUIET_ENV = {
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "DATASETS_VERBOSITY": "error",
    "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
    "ACCELERATE_LOG_LEVEL": "error",
}

_LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def is_verbose() -> bool:
    """True when this process was started with ``-v`` or by one that was (:data:`VERBOSE_ENV`)."""
    return os.environ.get(VERBOSE_ENV, "").lower() in ("1", "true", "yes")


def configure_console(verbose: bool) -> bool:
    """Set up logging and warning filters for a ``naturalthoughts`` process; return whether it is verbose.

    ``verbose`` (or :data:`VERBOSE_ENV` inherited from a verbose parent): DEBUG logging and every warning,
    including dependencies' DeprecationWarnings, in this process and the processes it starts. Otherwise INFO
    logging, dependencies' warnings about themselves hidden (:data:`QUIET_PACKAGES`), chatty library loggers
    raised to WARNING/ERROR; warnings raised by naturalthoughts itself still show.
    """
    verbose = verbose or is_verbose()
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=_LOG_FORMAT)
    if verbose:
        os.environ[VERBOSE_ENV] = "1"
        os.environ.setdefault("PYTHONWARNINGS", "default")  # child interpreters that are not ours
        warnings.simplefilter("default")
        return True
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)  # a user's explicit setting wins
    module_pattern = "(" + "|".join(p.replace(".", r"\.") for p in QUIET_PACKAGES) + r")(\.|$)"
    for category in QUIET_CATEGORIES:
        warnings.filterwarnings("ignore", category=category, module=module_pattern)
    for name, level in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)
    _quiet_loaded_libraries()
    _when_imported("transformers.utils.logging", _hide_quick_bars)
    return False


def _quiet_loaded_libraries() -> None:
    """Libraries already imported have read their verbosity; set it through their own API."""
    transformers_logging = sys.modules.get("transformers.utils.logging")
    if transformers_logging is not None:
        transformers_logging.set_verbosity_error()
    datasets_logging = sys.modules.get("datasets.utils.logging")
    if datasets_logging is not None:
        datasets_logging.set_verbosity_error()


# transformers' own bars for quick local steps; inside a stage they cut into the stage's bar (a "Loading
# weights" bar per model load, a "Writing model shards" bar per checkpoint). Hub downloads keep theirs.
QUIET_BARS = ("Loading weights", "Writing model shards")


def _hide_quick_bars(transformers_logging: Any) -> None:
    set_hook = getattr(transformers_logging, "set_tqdm_hook", None)  # transformers >= 5
    if set_hook is None:
        return

    def hook(factory, args, kwargs):
        if kwargs.get("desc") in QUIET_BARS:
            kwargs = {**kwargs, "disable": True}
        return factory(*args, **kwargs)

    set_hook(hook)


class _AfterImport(importlib.abc.MetaPathFinder):
    """Run ``callback(module)`` once module ``name`` is imported: configure a library only if it is used."""

    def __init__(self, name: str, callback: Callable[[Any], None]) -> None:
        self.name, self.callback = name, callback

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(fullname, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                break
        else:
            return None
        loader, callback = spec.loader, self.callback
        if loader is not None and hasattr(loader, "exec_module"):
            exec_module = loader.exec_module

            def exec_then_configure(module):
                exec_module(module)
                callback(module)

            loader.exec_module = exec_then_configure
        return spec


def _when_imported(name: str, callback: Callable[[Any], None]) -> None:
    if name in sys.modules:
        callback(sys.modules[name])
    elif not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, callback))


class TrainingBar:
    """One tqdm bar for a training run: ``train: 46%|███ | 11/24 [00:05<00:06, loss=0.93, tok/s=1.2k]``.

    ``start(total, done)`` opens it (``done``: steps already taken when resuming), ``step(n)`` moves it to
    optimizer step ``n``, ``log(logs, tokens_per_s)`` shows the latest loss and throughput; the raw ``logs``
    dict is written above the bar only when verbose. ``close()`` ends it. Writes to stderr (stdout stays for
    results).
    """

    def __init__(self, desc: str = "train", *, verbose: bool | None = None, file: Any = None) -> None:
        self.desc = desc
        self.verbose = is_verbose() if verbose is None else verbose
        self.file = file if file is not None else sys.stderr
        self.bar: Any = None

    def start(self, total: int, done: int = 0) -> None:
        from tqdm.auto import tqdm

        self.close()
        self.bar = tqdm(total=total, initial=done, desc=self.desc, unit="step", dynamic_ncols=True,
                        file=self.file)

    def step(self, global_step: int) -> None:
        if self.bar is not None and global_step > self.bar.n:
            self.bar.update(global_step - self.bar.n)

    def log(self, logs: Mapping[str, Any], tokens_per_s: float | None = None) -> None:
        if self.bar is None:
            return
        if self.verbose:
            self.bar.write(str({k: (f"{v:.4g}" if isinstance(v, float) else v) for k, v in logs.items()}),
                           file=self.file)
        postfix: dict[str, str] = {}
        if isinstance(logs.get("loss"), (int, float)):
            postfix["loss"] = f"{logs['loss']:.4g}"
        if tokens_per_s is not None:
            postfix["tok/s"] = _short_number(tokens_per_s)
        if postfix:
            self.bar.set_postfix(postfix, refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _short_number(value: float) -> str:
    """1234.5 -> '1.23k', 56.78 -> '56.8': a bar has little room."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"
