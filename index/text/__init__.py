"""Text helpers of the engine: sentences, chunks, dates, near-duplicates."""
