"""How fast llama.cpp reads and writes with the language model, and with requantised copies of
it: prompt tokens a second and milliseconds a written token, outside newsbot's answering.

    .venv/bin/python tests/bench/bench_llama.py
    .venv/bin/python tests/bench/bench_llama.py --requantize q4_0 q8_0 --threads 2

Requantised copies are made from the installed GGUF (llama.cpp's own quantiser) in a temporary
folder and deleted afterwards. Run it on a quiet machine: llama.cpp uses every core it is given.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import llama_cpp  # noqa: E402

from bot.lm.weights import DEFAULT_MODEL_PATH  # noqa: E402

TYPES = {"q4_0": llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_0, "q8_0": llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0}
# News-like text, long enough for the longest prompt read.
TEXT = (
    "The minister said on Tuesday that the government would spend 20 million dollars on new "
    "schools in the north of the country, after weeks of protests by parents and teachers. "
) * 12


def requantize(source: Path, kind: str, folder: Path, threads: int) -> Path:
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = TYPES[kind]
    params.allow_requantize = True
    params.nthread = threads
    out = folder / f"{source.stem}-{kind}.gguf"
    if llama_cpp.llama_model_quantize(str(source).encode(), str(out).encode(), params) != 0:
        raise SystemExit(f"llama.cpp could not requantise {source} to {kind}")
    return out


def measure(path: Path, threads: int, prompts: list[int], written: int) -> None:
    llama = llama_cpp.Llama(model_path=str(path), n_ctx=4096, n_threads=threads, verbose=False)
    tokens = llama.tokenize(TEXT.encode())
    for n in prompts:
        llama.reset()
        started = time.perf_counter()
        llama.eval(tokens[:n])
        seconds = time.perf_counter() - started
        print(f"{path.name}: {n} prompt tokens in {seconds:.2f} s = {n / seconds:.1f} tokens/s")
    llama.reset()
    llama.eval(tokens[:50])
    started = time.perf_counter()
    for token in tokens[50 : 50 + written]:
        llama.eval([token])
    ms = (time.perf_counter() - started) * 1000 / written
    print(f"{path.name}: {ms:.0f} ms a written token ({written} tokens)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / DEFAULT_MODEL_PATH)
    parser.add_argument("--requantize", nargs="*", choices=sorted(TYPES), default=[])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--prompt-tokens", type=int, nargs="+", default=[150, 250])
    parser.add_argument("--written-tokens", type=int, default=10)
    args = parser.parse_args()
    if not args.model.is_file():
        raise SystemExit(f"{args.model} is missing: run `newsbot model install` (or make install)")
    with tempfile.TemporaryDirectory(prefix="newsbot-llama-") as tmp:
        paths = [args.model]
        for kind in args.requantize:
            paths.append(requantize(args.model, kind, Path(tmp), args.threads))
        for path in paths:
            measure(path, args.threads, args.prompt_tokens, args.written_tokens)


if __name__ == "__main__":
    main()
