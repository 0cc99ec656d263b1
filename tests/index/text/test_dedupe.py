"""Near-duplicate detection: MinHash signatures and the LSH bands that bring copies together."""

from __future__ import annotations

import numpy as np

from index.text.dedupe import BANDS, ROWS, NearDuplicateIndex, sharing_a_band, signature

STORY = (
    "The harbour of the town reopened on Monday after six days of storms that kept every ferry "
    "in port, and the first boats left for the islands at nine in the morning, the port "
    "authority said in a statement that thanked the crews for their patience."
)


def test_a_wire_copy_shares_a_band_and_is_found() -> None:
    stories = [STORY, "A quite different story about the city council and its budget " * 3]
    copy = STORY + " Reporting by Jane Doe."
    matrix = np.vstack([signature(s) for s in stories])
    sig = signature(copy)
    assert sig is not None
    assert list(sharing_a_band(matrix, sig)) == [0]
    near = NearDuplicateIndex(0.7)
    for row in sharing_a_band(matrix, sig):
        near.add(f"story-{row}", matrix[row])
    assert near.find(sig) == "story-0"


def test_the_rows_sharing_a_band_are_the_index_s_candidates() -> None:
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 3, size=(200, BANDS * ROWS), dtype=np.uint64)  # many collisions
    sig = rng.integers(0, 3, size=BANDS * ROWS, dtype=np.uint64)
    near = NearDuplicateIndex(0.0)
    for row, stored in enumerate(matrix):
        near.add(str(row), stored)
    bands = [(band, sig[band * ROWS : (band + 1) * ROWS].tobytes()) for band in range(BANDS)]
    expected = {int(a) for key in bands for a in near._buckets.get(key, ())}
    assert set(sharing_a_band(matrix, sig).tolist()) == expected
    assert len(sharing_a_band(np.zeros((0, BANDS * ROWS), dtype=np.uint64), sig)) == 0
    assert signature("too short to judge") is None
