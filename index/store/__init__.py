"""The news index on disk: generations of SQLite + FAISS, opened read-only for answering."""

from index.store.catalog import (
    IndexBusy,
    IndexInconsistent,
    IndexInfo,
    IndexMissing,
    NewsIndex,
    StoreError,
    current_generation,
    open_index,
)

__all__ = [
    "IndexBusy",
    "IndexInconsistent",
    "IndexInfo",
    "IndexMissing",
    "NewsIndex",
    "StoreError",
    "current_generation",
    "open_index",
]
