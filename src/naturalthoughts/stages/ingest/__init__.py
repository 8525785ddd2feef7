"""ingest stage: question pools and existing traces in, schema-conformant stage folders out.

* :func:`ingest_questions` — NaturalReasoning, plain question/answer and multiple-choice files → ``QUESTION_SCHEMA``,
  with exact/near dedup (:mod:`.dedup`) and n-gram decontamination (:mod:`.decontam`).
* :func:`ingest_traces` — existing traces (s1K, OpenThoughts, NaturalReasoning ``responses``, provider exports)
  → ``TRACE_SCHEMA``.
"""

from naturalthoughts.stages.ingest.columns import normalise_question, parse_mapping
from naturalthoughts.stages.ingest.questions import ingest_questions
from naturalthoughts.stages.ingest.traces import ingest_traces

__all__ = ["ingest_questions", "ingest_traces", "normalise_question", "parse_mapping"]
