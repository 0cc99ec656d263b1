"""What can go wrong with the index, as exceptions whose message tells the user what to do."""

from __future__ import annotations


class StoreError(RuntimeError):
    """Something is wrong with the stored index; the message says what to do."""


class IndexMissing(StoreError):
    pass


class IndexInconsistent(StoreError):
    pass


class IndexBusy(StoreError):
    pass
