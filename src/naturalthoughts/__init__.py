"""naturalthoughts: select and distil reasoning traces for general reasoning tasks.

Stages (each a function from dataset to dataset, with a CLI subcommand of the same name):
ingest → generate → annotate → select → build-sft → train → evaluate → report; ``run`` chains them from a recipe.

Importing this package is light: torch, transformers, vllm, ray and llama.cpp load only where they are used.
"""

__version__ = "0.1.0"
