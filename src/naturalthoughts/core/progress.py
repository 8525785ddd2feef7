"""Resume by shard: ``OUT/_progress.json``, rewritten atomically after every finished shard (generate, annotate).

Chunk ``i`` of the input (a fixed number of input rows, in input order) becomes shard
``data/part-{i:05d}.parquet``. The progress file records what the shards were made from (the config hash, the
input's hash, the chunking) and, per finished shard, its index, rows, sha256, first and last input key
(``trace_id`` for traces, else ``id``) and its counts. A re-run with the same identity keeps every recorded shard whose file still has its sha256 (a
prefix: the first damaged or missing one and all after it are done again) and skips those chunks without a
request, not even a cache lookup; a different identity clears the folder first, so nothing stale can pass for
new output.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

import pyarrow as pa

from naturalthoughts.core.datafiles import DATA_DIR, clear_data, sha256_file, shard_name
from naturalthoughts.core.store import MANIFEST_FILE, REJECTS_FILE, SUCCESS_FILE

PROGRESS_FILE = "_progress.json"
PROGRESS_VERSION = 1


def clear_stage_folder(out: Path) -> None:
    """Remove what a stage run writes (rows in either layout, rejects, manifest, markers, progress)."""
    clear_data(out)
    clear_stage_markers(out)


def clear_stage_markers(out: Path) -> None:
    """Remove everything but the shards and the Ray slice records: the start of a Ray run that may keep the
    finished slices of an earlier one (the executor then removes the shards it cannot keep)."""
    for name in (SUCCESS_FILE, MANIFEST_FILE, REJECTS_FILE, PROGRESS_FILE, PROGRESS_FILE + ".tmp"):
        (out / name).unlink(missing_ok=True)


class ShardProgress:
    """Which shards of a stage output are finished, kept on disk in :data:`PROGRESS_FILE`."""

    def __init__(self, out_dir: str | os.PathLike, identity: Mapping[str, Any]) -> None:
        """Open the progress of ``out_dir`` for a run with ``identity``; clear or trim what cannot be kept."""
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.identity = {"version": PROGRESS_VERSION, **identity}
        recorded = self._load()
        if recorded is None or recorded.get("identity") != self.identity:
            clear_stage_folder(self.out)
            self.shards: list[dict[str, Any]] = []
        else:
            self.shards = self._intact_prefix(recorded.get("shards") or [])
            # A stale manifest would list shards this run may rewrite; a new one is written at the end.
            for name in (SUCCESS_FILE, MANIFEST_FILE):
                (self.out / name).unlink(missing_ok=True)
        self._drop_unrecorded_files()
        self._save()

    def _load(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.out / PROGRESS_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return None

    def _intact_prefix(self, shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
        kept = []
        for i, entry in enumerate(shards):
            path = self.out / str(entry.get("path", ""))
            if entry.get("index") != i or not path.is_file() or sha256_file(path) != entry.get("sha256"):
                break
            kept.append(entry)
        return kept

    def _drop_unrecorded_files(self) -> None:
        """Leftovers of an interrupted run: a ``.tmp`` shard, an unrecorded shard, later shards."""
        data = self.out / DATA_DIR
        keep = {str(e["path"]) for e in self.shards}
        for f in data.glob("part-*.parquet*") if data.is_dir() else ():
            if f"{DATA_DIR}/{f.name}" not in keep:
                f.unlink()

    def _save(self) -> None:
        body = {"identity": self.identity, "shards": self.shards}
        tmp = self.out / (PROGRESS_FILE + ".tmp")
        tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False))
        os.replace(tmp, self.out / PROGRESS_FILE)

    def finished(self, index: int, chunk: pa.Table) -> dict[str, Any] | None:
        """The entry of shard ``index`` if it is finished and was made from exactly ``chunk``'s questions.

        A chunk that does not match its record (which the identity check should make impossible) drops that
        shard and every later one, so they are generated again.
        """
        ids = chunk.column(_key_column(chunk))
        return self.finished_span(index, chunk.num_rows, ids[0].as_py(), ids[-1].as_py())

    def finished_span(self, index: int, rows: int, first_key: Any, last_key: Any) -> dict[str, Any] | None:
        """:meth:`finished` for an input chunk known by its row count and first and last keys only."""
        if index >= len(self.shards):
            return None
        entry = self.shards[index]
        if entry.get("questions") == rows and entry.get("first_id") == first_key and entry.get("last_id") == last_key:
            return entry
        self.shards = self.shards[:index]
        self._drop_unrecorded_files()
        self._save()
        return None

    def record(self, index: int, shard: Mapping[str, Any], chunk: pa.Table, counts: Mapping[str, Any],
               run_stats: Mapping[str, Any]) -> dict[str, Any]:
        """Add finished shard ``index`` (a ``ShardWriter`` entry: path, rows, sha256) and save at once."""
        ids = chunk.column(_key_column(chunk))
        return self.record_span(index, shard, chunk.num_rows, ids[0].as_py(), ids[-1].as_py(), counts, run_stats)

    def record_span(self, index: int, shard: Mapping[str, Any], rows: int, first_key: Any, last_key: Any,
                    counts: Mapping[str, Any], run_stats: Mapping[str, Any]) -> dict[str, Any]:
        """:meth:`record` for an input chunk known by its row count and first and last keys only."""
        if index != len(self.shards) or shard["path"] != shard_name(index):
            raise RuntimeError(f"shard {index} recorded out of order (have {len(self.shards)} finished)")
        entry = {"index": index, "path": shard["path"], "rows": int(shard["rows"]), "sha256": shard["sha256"],
                 "questions": rows, "first_id": first_key, "last_id": last_key,
                 "counts": dict(counts), "run_stats": dict(run_stats)}
        self.shards.append(entry)
        self._save()
        return entry

    def manifest_outputs(self) -> list[dict[str, Any]]:
        """The finished shards as manifest output entries."""
        return [{"path": e["path"], "rows": e["rows"], "sha256": e["sha256"]} for e in self.shards]


def _key_column(chunk: pa.Table) -> str:
    return "trace_id" if "trace_id" in chunk.column_names else "id"
