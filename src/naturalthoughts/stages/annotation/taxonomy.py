"""The meta-reasoning strategy taxonomy: re-exported from :mod:`naturalthoughts.core.cues`.

The taxonomy and the lexical detector moved to ``core`` so the report can highlight cues without importing this
stage; this module keeps the old import path working.
"""

from __future__ import annotations

from naturalthoughts.core.cues import DEFAULT_TAXONOMY, Strategy, Taxonomy, load_taxonomy

__all__ = ["DEFAULT_TAXONOMY", "Strategy", "Taxonomy", "load_taxonomy"]
