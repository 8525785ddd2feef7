"""The build-sft stage's entry point: a trace folder or file in, an SFT stage folder out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from naturalthoughts.core.io import load_table
from naturalthoughts.core.store import StageOutput, StageTimer, check_complete
from naturalthoughts.stages.distillation.sft_data import DEFAULT_MAX_TOKENS, build_sft
from naturalthoughts.stages.distillation.sft_stream import stream_build_sft


def run_build_sft(input_path: str | os.PathLike, out_dir: str | os.PathLike, mode: str, **kwargs: Any):
    """Read ``input_path`` (a stage folder or Parquet/JSONL file), build SFT data, write a stage folder.

    Keyword arguments are those of :func:`build_sft`; returns the written
    :class:`~naturalthoughts.core.store.Manifest`. A stage folder or Parquet input is streamed in two passes
    (:func:`~naturalthoughts.stages.distillation.sft_stream.stream_build_sft`); a JSONL/CSV input is read whole.
    """
    timer = StageTimer()
    path = Path(input_path)
    output = StageOutput(out_dir)
    with timer("build"):
        if path.is_dir() or path.suffix == ".parquet":
            if path.is_dir():
                check_complete(path)
            stats = stream_build_sft(input_path, output, mode, **kwargs)
        else:
            out, stats = build_sft(load_table(input_path), mode, **kwargs)
            output.write(out)
            rejects = stats.pop("rejects")
            output.reject(rejects if rejects.num_rows else None)
    config = {**stats.pop("config"), "max_tokens": kwargs.get("max_tokens", DEFAULT_MAX_TOKENS),
              "tokenizer": stats["tokens"]["tokenizer"], "think_words": kwargs.get("think_words"),
              "system_prompt": kwargs.get("system_prompt")}
    return output.finish(stage="build-sft", config=config, inputs=[input_path], counts=stats.pop("counts"),
                         timings=timer.timings, extra=stats, versions=("transformers",))
