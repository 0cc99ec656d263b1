"""Retrieval over the news index: keyword (FTS5), dense (FAISS), fused and dated."""

from index.search.hybrid import (
    STOPWORDS,
    Hit,
    SearchQuery,
    SearchResult,
    matched_parts,
    matched_text,
    newest_date,
    query_terms,
    search,
)

__all__ = [
    "STOPWORDS",
    "Hit",
    "SearchQuery",
    "SearchResult",
    "matched_parts",
    "matched_text",
    "newest_date",
    "query_terms",
    "search",
]
