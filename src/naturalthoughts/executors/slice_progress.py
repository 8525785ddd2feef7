"""Resume by shard on Ray: ``OUT/_slices/<index>.json``, one record per finished slice, written by its worker.

Ray actors finish slices in any order, so the prefix log of :mod:`naturalthoughts.core.progress` (one writer, shards
in order) does not fit; instead each worker, after renaming its shard into place, writes that slice's record (temp
file + rename): the run's identity, the slice's place in the input (first row, rows), the shard's name, rows and
sha256, and the slice's statistics. A re-run with the same identity and slicing keeps every shard whose record and
file agree, hands Ray only the other slices, and removes everything else in ``data/`` (a ``.tmp`` of a killed
worker, a shard without a record); a different identity removes every record and shard first, so nothing stale
can pass for new output. Records are small (a few hundred bytes) and stay beside the shards for the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from naturalthoughts.core.datafiles import DATA_DIR, SLICES_DIR, sha256_file


def identity_key(identity: Mapping[str, Any]) -> str:
    """A short, stable digest of a run's identity (config hash, input hash, slicing, shard)."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()[:32]


def slice_places(slices: Sequence[Mapping[str, Any]]) -> list[dict[str, int]]:
    """Each slice's place in the input as (first row, rows): file names differ between runs (an in-memory input
    is written to a new temporary folder each time), row positions do not."""
    places, start = [], 0
    for s in slices:
        places.append({"start": start, "rows": int(s["rows"])})
        start += int(s["rows"])
    return places


def record_slice(out_dir: Path, key: str, index: int, place: Mapping[str, int], shard: Mapping[str, Any],
                 rows_in: int, stats: Mapping[str, Any]) -> None:
    """Called by the worker once shard ``index`` is in place: its record, atomically."""
    folder = out_dir / SLICES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    body = {"identity": key, "index": index, "place": dict(place), "path": shard["path"], "rows": int(shard["rows"]),
            "sha256": shard["sha256"], "rows_in": int(rows_in), "stats": dict(stats)}
    tmp = folder / f"{index:06d}.json.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(body))
    os.replace(tmp, folder / f"{index:06d}.json")


def kept_slices(out_dir: Path, key: str, places: Sequence[Mapping[str, int]]) -> dict[int, dict[str, Any]]:
    """The finished slices a run with identity ``key`` over ``places`` keeps; every other record and shard file
    (and any leftover temporary file) is removed."""
    folder, data = out_dir / SLICES_DIR, out_dir / DATA_DIR
    kept: dict[int, dict[str, Any]] = {}
    for f in sorted(folder.glob("*")) if folder.is_dir() else ():
        record = _read(f) if f.suffix == ".json" else None
        index = record.get("index") if record else None
        ok = (isinstance(index, int) and 0 <= index < len(places) and record.get("identity") == key
              and record.get("place") == dict(places[index]) and f.name == f"{index:06d}.json"
              and (out_dir / str(record.get("path"))).is_file()
              and sha256_file(out_dir / str(record["path"])) == record.get("sha256"))
        if ok:
            kept[index] = record
        else:
            f.unlink()
    keep = {str(r["path"]) for r in kept.values()}
    for f in data.glob("part-*.parquet*") if data.is_dir() else ():
        if f"{DATA_DIR}/{f.name}" not in keep:
            f.unlink()
    return kept


def _read(path: Path) -> dict[str, Any] | None:
    try:
        body = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None
