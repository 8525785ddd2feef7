"""generation stage: questions in, teacher traces out.

Python API: :func:`~naturalthoughts.stages.generation.generate.generate_traces` (a table of questions -> traces,
the batch-level function) and :func:`~naturalthoughts.stages.generation.run.run_generate` (a file or stage folder
-> a stage folder with its manifest).
"""
