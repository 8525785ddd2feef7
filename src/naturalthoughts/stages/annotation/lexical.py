"""Fast lexical detection of meta-reasoning strategies: re-exported from :mod:`naturalthoughts.core.cues`.

The detector (one pass over the lowercased trace, quotation and negation rules) moved to ``core`` so the report
can highlight exactly the cues it counted without importing this stage; this module keeps the old import path.
"""

from __future__ import annotations

from naturalthoughts.core.cues import CueSpan, LexicalDetector, _trie_pattern

__all__ = ["CueSpan", "LexicalDetector", "_trie_pattern"]
