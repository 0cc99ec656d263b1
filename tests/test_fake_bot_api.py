"""The fake Bot API behaves like Telegram where newsbot relies on it, seen through PTB's client.

PTB turns "Bad Request: can't parse entities: ..." into BadRequest("Can't parse entities: ...")
(prefix dropped, capitalised), so these tests compare its message case-insensitively and check
Telegram's exact wording on the fake's record of the call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, RetryAfter
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters
from telegram.helpers import escape_markdown

from tests.fake_bot_api import (
    ApiError,
    FakeBotApi,
    check_text,
    loopback_request,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    serve,
)

CHAT = 1001


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        server.add_chat(CHAT)
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(
        fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=loopback_request(),
        get_updates_request=loopback_request(),
    ) as b:
        yield b


def last_description(fake: FakeBotApi) -> str | None:
    return fake.calls()[-1].description


# ---- identity, tokens, unknown methods -------------------------------------------------------


async def test_get_me_returns_the_bot(bot: Bot, fake: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "newsbot_test_bot" and me.id == 123456789
    assert fake.calls("getMe")[-1].ok


async def test_wrong_token_is_unauthorized(fake: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123456789:AAWrongTokenWrongTokenWrongToken123", base_url=fake.base_url):
            pass
    call = fake.calls()[-1]
    assert (call.status, call.description) == (401, "Unauthorized")


async def test_malformed_token_and_unknown_method_are_not_found(fake: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        bad_token = await client.post(f"{fake.base_url}not-a-token/getMe")
        unknown = await client.post(f"{fake.base_url}{fake.token}/sendTelepathy")
        elsewhere = await client.get(f"http://127.0.0.1:{fake.port}/favicon.ico")
    expected = {"ok": False, "error_code": 404, "description": "Not Found"}
    for response in (bad_token, unknown, elsewhere):
        assert response.status_code == 404 and response.json() == expected


async def test_ptb_maps_unknown_method_to_endpoint_not_found(bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": CHAT})


async def test_method_names_are_case_insensitive_and_json_bodies_work(fake: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{fake.base_url}{fake.token}/SENDMESSAGE",
            json={"chat_id": CHAT, "text": "<b>hi</b>", "parse_mode": "HTML"},
        )
    body = response.json()
    assert response.status_code == 200 and body["ok"]
    assert body["result"]["text"] == "hi"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]


# ---- sendMessage validation ------------------------------------------------------------------


async def test_send_message_returns_a_message_and_records_it(bot: Bot, fake: FakeBotApi) -> None:
    first = await bot.send_message(CHAT, "<b>Rates</b> &amp; more", parse_mode=ParseMode.HTML)
    second = await bot.send_message(CHAT, "plain", reply_to_message_id=first.message_id)
    assert first.text == "Rates & more" and first.chat_id == CHAT
    assert first.entities[0].type == "bold" and (
        first.entities[0].offset,
        first.entities[0].length,
    ) == (0, 5)
    assert second.message_id == first.message_id + 1
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == first.message_id
    sent = fake.sent_messages(CHAT)
    assert [m.text for m in sent] == ["Rates & more", "plain"]
    assert sent[0].raw_text == "<b>Rates</b> &amp; more" and sent[0].entity_texts("bold") == [
        "Rates"
    ]
    assert sent[1].reply_to_message_id == first.message_id


@pytest.mark.parametrize(
    ("html", "telegram_says"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("a </b>", "Unexpected end tag at byte offset 2"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("AT&T", 'Unsupported HTML entity "&T" at byte offset 2'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;" at byte offset 1'),
    ],
)
async def test_invalid_html_is_a_bad_request(
    bot: Bot, fake: FakeBotApi, html: str, telegram_says: str
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    description = last_description(fake)
    assert description is not None
    assert description.startswith(f"Bad Request: can't parse entities: {telegram_says}")
    assert fake.sent_messages(CHAT) == []
    assert len(fake.rejected_calls()) == 1


async def test_all_telegram_html_is_accepted(bot: Bot) -> None:
    html = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><a href="https://example.com/?a=1&amp;b=2">link</a>'
        '<code>c</code><pre><code class="language-python">p</code></pre>'
        '<span class="tg-spoiler">sp</span><tg-spoiler>t</tg-spoiler>'
        "<blockquote>q</blockquote><blockquote expandable>x</blockquote>"
        "&lt;&gt;&amp;&quot;&#39;&#x1F600;"
    )
    message = await bot.send_message(CHAT, html, parse_mode=ParseMode.HTML)
    assert message.text is not None and message.text.endswith("<>&\"'😀")
    kinds = {e.type for e in message.entities}
    assert {"bold", "italic", "underline", "strikethrough", "text_link", "code", "pre"} <= kinds
    assert {"spoiler", "blockquote", "expandable_blockquote"} <= kinds
    link = next(e for e in message.entities if e.type == "text_link")
    assert link.url == "https://example.com/?a=1&b=2"


async def test_length_is_counted_after_parsing_in_utf16(bot: Bot, fake: FakeBotApi) -> None:
    await bot.send_message(CHAT, "x" * 4096)
    await bot.send_message(CHAT, "<b>" + "&amp;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(CHAT, "😀" * 2048)  # astral characters count twice
    await bot.send_message(CHAT, "  " + "y" * 4096 + "\n\n")  # Telegram trims first
    for too_long in ("x" * 4097, "😀" * 2048 + "x"):
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(CHAT, too_long)
        assert last_description(fake) == "Bad Request: message is too long"
    assert len(fake.sent_messages(CHAT)) == 4


async def test_empty_text_is_refused(bot: Bot, fake: FakeBotApi) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(CHAT, "<b> </b>\n", parse_mode=ParseMode.HTML)
    assert last_description(fake) == "Bad Request: message text is empty"


async def test_markdown_v2_needs_reserved_characters_escaped(bot: Bot, fake: FakeBotApi) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(CHAT, "Version 1.0", parse_mode=ParseMode.MARKDOWN_V2)
    assert last_description(fake) == (
        "Bad Request: can't parse entities: "
        "Character '.' is reserved and must be escaped with the preceding '\\'"
    )
    every_reserved = "_*[]()~`>#+-=|{}.! and \\ too"
    message = await bot.send_message(
        CHAT, f"*{escape_markdown(every_reserved, version=2)}*", parse_mode=ParseMode.MARKDOWN_V2
    )
    assert message.text == every_reserved
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        ("bold", 0, len(every_reserved))
    ]


async def test_unknown_chat_and_blocked_user(bot: Bot, fake: FakeBotApi) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hello")
    fake.block(CHAT)
    with pytest.raises(Exception, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(CHAT, "hello")


async def test_reply_markup_is_validated(bot: Bot, fake: FakeBotApi) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("Sources", callback_data="src:" + "1" * 60)]])
    message = await bot.send_message(CHAT, "answer", reply_markup=ok)
    assert fake.sent_messages(CHAT)[0].buttons[0]["callback_data"] == "src:" + "1" * 60
    assert message.reply_markup == ok
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "answer", reply_markup=too_long)


# ---- editing, actions, callbacks, commands ---------------------------------------------------


async def test_edit_message_text(bot: Bot, fake: FakeBotApi) -> None:
    message = await bot.send_message(CHAT, "Thinking…")
    edited = await bot.edit_message_text(
        "<b>Done</b>", chat_id=CHAT, message_id=message.message_id, parse_mode=ParseMode.HTML
    )
    assert isinstance(edited, type(message)) and edited.text == "Done"
    assert edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>Done</b>", chat_id=CHAT, message_id=message.message_id, parse_mode=ParseMode.HTML
        )
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.edit_message_text(
            "<b>Done", chat_id=CHAT, message_id=message.message_id, parse_mode=ParseMode.HTML
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
    [sent] = fake.sent_messages(CHAT)
    assert (sent.text, sent.history, sent.edited) == ("Done", ["Thinking…"], True)


async def test_chat_actions(bot: Bot, fake: FakeBotApi) -> None:
    assert await bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")
    assert fake.chat_actions(CHAT) == ["typing"]


async def test_callback_query_round_trip(bot: Bot, fake: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Sources", callback_data="src:7")]])
    await bot.send_message(CHAT, "answer", reply_markup=markup)
    [sent] = fake.sent_messages(CHAT)
    query_id = fake.click(sent, "Sources")
    [update] = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "src:7"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.from_user.id == CHAT
    assert not fake.callback_answered(query_id)
    assert await bot.answer_callback_query(query_id)
    assert fake.callback_answered(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_commands(bot: Bot, fake: FakeBotApi) -> None:
    assert await bot.set_my_commands([("help", "How to ask"), ("start", "Start")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("help", "How to ask"),
        ("start", "Start"),
    ]
    assert fake.commands() == [
        {"command": "help", "description": "How to ask"},
        {"command": "start", "description": "Start"},
    ]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Help-Me", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_webhook_blocks_polling_until_deleted(bot: Bot) -> None:
    assert await bot.set_webhook("https://example.com/hook")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_injected_errors(bot: Bot, fake: FakeBotApi) -> None:
    fake.inject_error("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "hi")
    assert caught.value.retry_after == 3
    await bot.send_message(CHAT, "hi")  # only the next call failed
    assert fake.rejected_calls() == []  # injected failures are not validation failures
    assert len(fake.rejected_calls(include_injected=True)) == 1


async def test_assert_no_rejections_names_the_call(bot: Bot, fake: FakeBotApi) -> None:
    fake.assert_no_rejections()
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT, "<b>x", parse_mode=ParseMode.HTML)
    with pytest.raises(AssertionError, match="sendMessage: 400 Bad Request: can't parse"):
        fake.assert_no_rejections()


# ---- getUpdates ------------------------------------------------------------------------------


async def test_get_updates_honours_offset_and_limit(bot: Bot, fake: FakeBotApi) -> None:
    pushed = [fake.push_message(CHAT, text=f"q{i}") for i in range(3)]
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["q0", "q1"]
    again = await bot.get_updates()  # not confirmed yet: delivered again
    assert [u.update_id for u in again] == [u.update_id for u in first] + [again[-1].update_id]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["q2"]
    assert rest[0].message is not None and rest[0].message.message_id == pushed[2]["message_id"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()


async def test_get_updates_waits_for_the_timeout(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_long_poll_returns_as_soon_as_an_update_arrives(bot: Bot, fake: FakeBotApi) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    fake.push_message(CHAT, text="hello")
    [update] = await poll
    assert update.message is not None and update.message.text == "hello"
    assert time.monotonic() - started < 2


async def test_allowed_updates_filter(bot: Bot, fake: FakeBotApi) -> None:
    fake.push_message(CHAT, text="question")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("S", callback_data="s")]])
    await bot.send_message(CHAT, "a", reply_markup=markup)
    fake.click(fake.sent_messages(CHAT)[0])
    only_callbacks = await bot.get_updates(allowed_updates=[Update.CALLBACK_QUERY])
    assert [u.callback_query is not None for u in only_callbacks] == [True]


async def test_a_second_poller_terminates_the_first(bot: Bot, fake: FakeBotApi) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_polling()
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{fake.base_url}{fake.token}/getUpdates")
    assert response.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await poll


async def test_user_messages_look_like_telegram(bot: Bot, fake: FakeBotApi) -> None:
    fake.push_message(CHAT, text="/start@newsbot_test_bot now", username="ann")
    fake.push_message(-500, 42, "@newsbot_test_bot what happened?", chat_type="supergroup")
    fake.push_sticker(CHAT)
    fake.push_photo(CHAT, caption="look")
    fake.push_voice(CHAT)
    command, mention, sticker, photo, voice = await bot.get_updates()
    assert command.message is not None and command.message.from_user is not None
    assert command.message.from_user.username == "ann"
    assert command.message.parse_entities(["bot_command"]).popitem()[1] == "/start@newsbot_test_bot"
    assert mention.message is not None and mention.message.chat.type == "supergroup"
    assert mention.message.parse_entities(["mention"]).popitem()[1] == "@newsbot_test_bot"
    assert sticker.message is not None and sticker.message.sticker is not None
    assert photo.message is not None and photo.message.photo and photo.message.caption == "look"
    assert voice.message is not None and voice.message.voice is not None
    assert fake.pending_updates == 0


# ---- PTB's Application end to end ------------------------------------------------------------


async def test_ptb_application_polls_the_fake(fake: FakeBotApi) -> None:
    """The harness the Telegram handlers' tests use: real Application, polling, button click."""

    async def start(update: Update, _: object) -> None:
        assert update.message is not None
        button = InlineKeyboardButton("Sources", callback_data="sources")
        await update.message.reply_html(
            "<b>Hello</b>", reply_markup=InlineKeyboardMarkup([[button]])
        )

    async def sources(update: Update, _: object) -> None:
        query = update.callback_query
        assert query is not None and isinstance(query.message, Message)
        await query.answer()
        await query.message.reply_html("<blockquote>the paragraph</blockquote>")

    async def echo(update: Update, _: object) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(sources))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        asked = fake.push_message(CHAT, text="/start")
        [hello] = await fake.wait_for(chat_id=CHAT, after=asked["message_id"])
        assert hello.text == "Hello" and hello.buttons[0]["text"] == "Sources"
        query_id = fake.click(hello)
        [paragraph] = await fake.wait_for(lambda m: "paragraph" in m.text, chat_id=CHAT)
        assert paragraph.entities[0]["type"] == "blockquote"
        assert fake.callback_answered(query_id)
        said = fake.push_message(CHAT, text="x < y & z")
        [echoed] = await fake.wait_for(chat_id=CHAT, after=said["message_id"])
        assert echoed.text == "x < y & z"
        await fake.wait_idle(quiet=0.1)
        await fake.wait_polling()
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
        assert time.monotonic() - started < 2  # the long poll is cut, not waited out
    await fake.wait_polls_done()
    fake.assert_no_rejections()  # the long poll PTB hung up on does not count
    assert any(call.abandoned for call in fake.calls("getUpdates"))


def test_serve_runs_in_a_background_thread_for_sync_tests() -> None:
    fake = serve()
    try:
        fake.add_chat(7)
        response = httpx.post(
            f"{fake.base_url}{fake.token}/sendMessage",
            data={"chat_id": "7", "text": "<i>hi</i>", "parse_mode": "HTML"},
        )
        assert response.json()["ok"]
        [message] = fake.wait_for_sync(chat_id=7, timeout=1)
        assert message.entity_texts("italic") == ["hi"]
        with pytest.raises(TimeoutError, match="sent messages"):
            fake.wait_for_sync(chat_id=7, after=message.message_id, timeout=0.05)
    finally:
        fake.stop()


# ---- the parsers directly (Telegram's own test cases, byte offsets and UTF-16) -----------------


def test_html_parser_offsets_are_bytes_and_utf16() -> None:
    stadium = "🏟 🏟"  # 9 bytes of UTF-8, 5 UTF-16 units
    with pytest.raises(ValueError, match='Unsupported start tag "abac" at byte offset 13'):
        parse_html(f"{stadium}&lt;<abac aba>")
    with pytest.raises(ValueError, match='Unmatched end tag at byte offset 17, expected "</i>"'):
        parse_html(f"{stadium}&lt;<i>a</em   >")
    parsed = parse_html(f"{stadium}<i>{stadium} &lt;</i>")
    assert parsed.text == f"{stadium}{stadium} <"
    assert parsed.entities == ({"type": "italic", "offset": 5, "length": 7},)
    # `</>` closes whatever is open; attributes Telegram ignores are ignored.
    assert parse_html('<b class="x">a</>').entities == ({"type": "bold", "offset": 0, "length": 1},)


def test_html_lenient_mode_keeps_unknown_entities_like_telegram() -> None:
    assert parse_html("&ge;&lt&Or; AT&T", strict=False).text == "&ge;<&Or; AT&T"
    with pytest.raises(ValueError, match="Unsupported HTML entity"):
        parse_html("&ge;")
    with pytest.raises(ValueError, match="invalid Unicode characters"):
        parse_html("&#xD83D;", strict=False)


def test_markdown_v2_parser() -> None:
    parsed = parse_markdown_v2("*bold _italic_* __under__ ||spoil|| [link](https://e.com/a\\)b)")
    assert parsed.text == "bold italic under spoil link"
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == [
        ("bold", 0, 11),
        ("italic", 5, 6),
        ("underline", 12, 5),
        ("spoiler", 18, 5),
        ("text_link", 24, 4),
    ]
    assert parsed.entities[-1]["url"] == "https://e.com/a)b"
    assert parse_markdown_v2(">quoted\nplain").entities == (
        {"type": "blockquote", "offset": 0, "length": 7},
    )
    for text, error in [
        ("🏟 🏟_abacaba", "Can't find end of Italic entity at byte offset 9"),
        ("a > b", "Character '>' is reserved"),
        ("[x](https://e.com", "Can't find end of a URL at byte offset 4"),
        ("```\ncode", "Can't find end of Pre entity at byte offset 0"),
    ]:
        with pytest.raises(ValueError, match=error.replace("(", r"\(")):
            parse_markdown_v2(text)
    assert parse_markdown_v2("```python\nx = 1_000 * 2.5```").text == "x = 1_000 * 2.5"


def test_legacy_markdown_parser() -> None:
    parsed = parse_markdown("*b* _i_ `c` [l](https://e.com) 1.5")
    assert parsed.text == "b i c l 1.5"
    assert [e["type"] for e in parsed.entities] == ["bold", "italic", "code", "text_link"]
    with pytest.raises(ValueError, match="Can't find end of the entity starting at byte offset 2"):
        parse_markdown("a *b")


def test_check_text_reports_telegram_errors() -> None:
    with pytest.raises(ApiError) as caught:
        check_text("x", "Klingon")
    assert (caught.value.code, caught.value.description) == (
        400,
        "Bad Request: unsupported parse_mode",
    )
    assert check_text("  <b>x</b>  ", "html").entities == (
        {"type": "bold", "offset": 0, "length": 1},
    )
