"""The language model's file: joined from its pieces, checked by size and sha256 at install and
at load, with a message that says the fix when it is missing or damaged."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bot.lm.model import ModelError
from bot.lm.weights import DEFAULT_WEIGHTS, Weights, join, verify

PIECES = [b"GGUF" + b"a" * 1000, b"b" * 3000, b"c" * 7]


def spec(data: bytes) -> Weights:
    return Weights("m.gguf", len(data), hashlib.sha256(data).hexdigest(), (), "lm")


@pytest.fixture
def pieces(tmp_path: Path) -> list[Path]:
    out = []
    for i, data in enumerate(PIECES):
        path = tmp_path / f"part{i:02}.bin"
        path.write_bytes(data)
        out.append(path)
    return out


def test_the_pieces_joined_in_order_are_the_release(tmp_path: Path, pieces: list[Path]) -> None:
    weights = spec(b"".join(PIECES))
    out = tmp_path / "lm" / "m.gguf"
    join(pieces, out, weights)
    assert out.read_bytes() == b"".join(PIECES)
    verify(out, weights)  # the stamp the join wrote is trusted
    assert json.loads(out.with_name("m.gguf.checked").read_text())["sha256"] == weights.sha256


def test_pieces_in_the_wrong_order_leave_no_file(tmp_path: Path, pieces: list[Path]) -> None:
    weights = spec(b"".join(PIECES))
    out = tmp_path / "m.gguf"
    with pytest.raises(ModelError, match="not the release"):
        join(list(reversed(pieces)), out, weights)
    assert list(tmp_path.glob("m.gguf*")) == []


def test_a_missing_file_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"make install.*NEWSBOT_READER=minilm"):
        verify(tmp_path / "absent.gguf")


def test_a_file_changed_after_its_check_is_hashed_again(tmp_path: Path, pieces: list[Path]) -> None:
    weights = spec(b"".join(PIECES))
    out = tmp_path / "m.gguf"
    join(pieces, out, weights)
    data = bytearray(out.read_bytes())
    data[10] ^= 1  # same size, one bit off: a damaged download or disk
    out.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"damaged.*newsbot model install"):
        verify(out, weights)


def test_a_file_with_no_stamp_is_hashed_and_then_stamped(
    tmp_path: Path, pieces: list[Path]
) -> None:
    weights = spec(b"".join(PIECES))
    out = tmp_path / "m.gguf"
    out.write_bytes(b"".join(PIECES))
    verify(out, weights)
    assert out.with_name("m.gguf.checked").is_file()


def test_the_shipped_spec_names_qwens_release() -> None:
    assert DEFAULT_WEIGHTS.size == 1_117_320_768
    assert DEFAULT_WEIGHTS.sha256.startswith("cc324af0")
    assert len(DEFAULT_WEIGHTS.parts) == 22
