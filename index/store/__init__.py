"""The news index on disk: generations of SQLite + FAISS, opened read-only for answering."""

from index.store.catalog import IndexInfo, NewsIndex, open_index
from index.store.errors import IndexBusy, IndexInconsistent, IndexMissing, StoreError
from index.store.generations import current_generation

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
