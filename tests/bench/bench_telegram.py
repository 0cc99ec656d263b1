"""Load test of the Telegram bot: simulated users asking at once, against the fake Bot API.

    .venv/bin/python tests/bench/bench_telegram.py                   # 50 users, 500 questions
    .venv/bin/python tests/bench/bench_telegram.py --users 10 --questions 100 --data-dir data
    .venv/bin/python tests/bench/bench_telegram.py --reader lm --users 5 --questions 20

Runs the real bot (PTB over HTTP, long polling, the real models; --reader as NEWSBOT_READER,
default rules) against tests/fake_bot_api.py in
this process, on an index of corpus/ built into a temporary folder (or the one in --data-dir).
Each user asks its questions one after another, each as soon as the answer to the previous one
arrived, so up to --users questions are in flight at any time. Checks that every question got
exactly one reply and that Telegram would have accepted every call, then prints reply times
(question pushed -> the bot's sendMessage reached the server): p50, p95, max, throughput and
the peak resident memory; with --reader lm, also how many the MiniLM reader answered past the
language model's queue (--lm-queue, as NEWSBOT_LM_QUEUE).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.config import ReaderKind, Settings  # noqa: E402
from bot.surfaces.readers import open_readers  # noqa: E402
from bot.surfaces.service import NewsService  # noqa: E402
from bot.surfaces.telegram.app import build_application  # noqa: E402
from bot.surfaces.telegram.serve import start_bot, stop_bot  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedder import SentenceTransformerEmbedder  # noqa: E402
from index.store.generations import current_generation  # noqa: E402
from tests.fake_bot_api import FakeBotApi  # noqa: E402

# About corpus/: most are answered with a citation, a few abstain.
QUESTIONS = [
    "Who warned the US against deploying troops in Central Asia?",
    "What did Ryabkov say about the American military presence?",
    "How many asylum seekers were rescued off the Indonesian coast?",
    "How many people were killed in the Mecca crane collapse?",
    "Which countries won three points on day five of the 2018 World Cup?",
    "What did the all-girl Afghan robotics team receive?",
    "Why was the Scientology defector arrested?",
    "What inspired a social movement for Ahmed Mohamed?",
    "Which nationalities get a questionnaire instead of an asylum interview in the UK?",
    "How many people died in the Hajj stampede?",
    "What is wrong with iodine levels in Australian children?",
    "Where will the retired space shuttles go?",
    "What did the Greek court rule about ancient Greek deities?",
    "Who founded LibriVox?",
    "What happened to the sensitive Canadian document?",
    "What is the capital of Mars?",
    "Who won the 2031 Eurovision Song Contest?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def user(fake: FakeBotApi, chat: int, questions: list[str], pushed: list[float]) -> None:
    """Ask one question after another, each once the previous one was answered."""
    for n, question in enumerate(questions, 1):
        pushed.append(time.monotonic())
        fake.push_message(chat, chat, question)
        deadline = time.monotonic() + 300
        while len(fake.sent_messages(chat)) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"chat {chat}: question {n} was not answered in 300 s")
            await asyncio.sleep(0.05)


async def run(settings: Settings, users: int, total: int) -> None:
    embedder = SentenceTransformerEmbedder(settings.embedding_model, settings.embed_batch_size)
    service = NewsService(settings, embedder, open_readers(settings, fallback=True))
    embedder.encode(["warm-up"])
    async with FakeBotApi() as fake:
        settings = settings.model_copy(
            update={
                "telegram_token": SecretStr(fake.token),
                "telegram_base_url": fake.base_url,
                "rate_limit_count": total + 1,  # the limit is not what this measures
            }
        )
        app = build_application(settings, service, embedder)
        chats = [10_000 + i for i in range(users)]
        asked = {
            chat: [QUESTIONS[(i * 7 + j) % len(QUESTIONS)] for j in range(i, total, users)]
            for i, chat in enumerate(chats)
        }
        pushed: dict[int, list[float]] = {chat: [] for chat in chats}
        async with app:
            await start_bot(app, settings)
            started = time.monotonic()
            await asyncio.gather(*(user(fake, c, asked[c], pushed[c]) for c in chats))
            wall = time.monotonic() - started
            await fake.wait_idle(quiet=1.0, timeout=60)  # anything sent twice shows up now
            await stop_bot(app)
        await fake.wait_polls_done()

        fake.assert_no_rejections()
        latencies = []
        for chat in chats:
            replies = [c for c in fake.calls("sendMessage") if c.params["chat_id"] == chat]
            if len(replies) != len(asked[chat]):
                raise AssertionError(
                    f"chat {chat}: {len(asked[chat])} questions, {len(replies)} replies"
                )
            latencies += [r.at - t for r, t in zip(replies, pushed[chat], strict=True)]
        abstained = sum(
            "I found nothing" in m.text for m in fake.sent_messages() if m.chat_id in asked
        )
        fast = sum(
            "read by the fast reader" in m.text for m in fake.sent_messages() if m.chat_id in asked
        )
    service.conversations.close()
    ms = [s * 1000 for s in latencies]
    print(f"reader: {settings.reader.value}, lm queue {settings.lm_queue}")
    print(f"{total} questions from {users} users: every one answered once, no rejected call")
    print(f"  {total - abstained} answered with citations, {abstained} abstained")
    if settings.reader == ReaderKind.LM:
        print(f"  {fast} read by the fast reader while the language model was busy")
    print(
        f"  reply time p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
        f"max {max(ms):.0f} ms, mean {statistics.fmean(ms):.0f} ms"
    )
    print(f"  {total / wall:.1f} questions/s over {wall:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB -> GB (about)
    print(f"  peak resident memory of the process (bot, fake API, models): {peak:.2f} GB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--data-dir", type=Path, help="an index of corpus/ (built if missing)")
    parser.add_argument("--reader", choices=[k.value for k in ReaderKind], default="rules")
    parser.add_argument(
        "--lm-queue", type=int, default=2, help="as NEWSBOT_LM_QUEUE (0: every question waits)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir or Path(tmp) / "data"
        settings = Settings(
            _env_file=None,
            data_dir=data,
            corpus_paths=[ROOT / "corpus"],
            reader=args.reader,
            lm_queue=args.lm_queue,
        )
        if current_generation(data) is None:
            print(f"indexing corpus/ into {data} …", flush=True)
            embedder = SentenceTransformerEmbedder(settings.embedding_model)
            build_index(settings.corpus_paths, settings, embedder)
        asyncio.run(run(settings, args.users, args.questions))


if __name__ == "__main__":
    main()
