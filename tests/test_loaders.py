"""Every loader format and each kind of bad input, on files made here, small fixtures in
tests/data/loaders/ and the shared evaluation data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.ingest.articles import Article, Skipped
from index.ingest.boilerplate import body_paragraphs, clean, is_furniture
from index.ingest.loaders import article_from_record, article_from_text, iter_files, load_paths
from index.ingest.text_fields import normalise_date
from tests.conftest import CORPUS, SHARED

DATA = Path(__file__).parent / "data" / "loaders"
SEED_NAME = "presstv-russia-warns-us-troops-central-asia.txt"
RTQA_SMALL = SHARED / "eval" / "rtqa2023" / "corpus_dev_small.jsonl.gz"
QUAIL = SHARED / "eval" / "quail_news" / "articles.jsonl"
WIKINEWS = SHARED / "sample-corpus" / "gum_wikinews.jsonl"


def load(*paths: Path) -> tuple[list[Article], list[Skipped]]:
    items = list(load_paths(paths))
    assert all(isinstance(i, Article | Skipped) for i in items)
    return [i for i in items if isinstance(i, Article)], [
        i for i in items if isinstance(i, Skipped)
    ]


def needs(path: Path) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not on this machine")


# ---- the founding article -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(SHARED / "seed" / SEED_NAME, marks=needs(SHARED / "seed" / SEED_NAME)),
        pytest.param(CORPUS / SEED_NAME, marks=needs(CORPUS / SEED_NAME)),
    ],
    ids=["as-published", "with-front-matter"],
)
def test_the_press_tv_page_loses_its_furniture(path: Path) -> None:
    [article], skipped = load(path)
    assert not skipped
    assert article.title == "Russia warns against US troop deployments in Central Asia"
    assert len(article.paragraphs) == 15
    assert article.paragraphs[0].startswith("A senior Russian diplomat has said")
    assert article.paragraphs[3] == (
        '"I would emphasize that the redeployment of the American permanent military presence '
        'to the countries neighboring Afghanistan is unacceptable," Ryabkov said.'
    )
    assert article.paragraphs[-1].startswith("Washington has spent trillions")
    body = "\n".join(article.paragraphs)
    for furniture in ("Editor's Choice", "Stars and Stripes)", "alternate addresses", "Roku"):
        assert furniture not in body
    assert article.path == str(path.resolve())


@needs(CORPUS / SEED_NAME)
def test_front_matter_gives_the_metadata() -> None:
    [article], _ = load(CORPUS / SEED_NAME)
    assert (article.source, article.published) == ("Press TV", "2021-07-13")
    assert article.url.startswith("https://www.presstv.ir/Detail/2021/07/13/662185/")
    assert article.key == article.url


# ---- plain text and Markdown --------------------------------------------------------------


def test_text_keeps_short_paragraphs_in_the_middle_and_drops_trailing_furniture(
    tmp_path: Path,
) -> None:
    path = tmp_path / "floods.txt"
    path.write_text(
        "Home > World > Europe\n\nFloods hit the north\n\n"
        "Rivers burst their banks on Monday.\n\n"
        '"We lost everything."\n\n'
        "Reaction\n\n"
        "Follow us on the radio, the mayor told residents.\n\n"
        "Rescue teams worked through the night.\n\n"
        "Share this\n\nFollow us on Twitter\n\n© 2023 Daily Example\n\nTags World Floods\n",
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert article.title == "Floods hit the north"
    assert article.paragraphs == (
        "Rivers burst their banks on Monday.",
        '"We lost everything."',
        "Reaction",
        "Follow us on the radio, the mayor told residents.",
        "Rescue teams worked through the night.",
    )
    assert (article.key, article.source, article.published) == (str(path.resolve()), "", "")


def test_text_without_blank_lines_has_a_paragraph_per_line(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("Budget passes\nThe council voted 7 to 2.\nTaxes stay flat.\n", "utf-8")
    [article], _ = load(path)
    assert (article.title, article.paragraphs) == (
        "Budget passes",
        ("The council voted 7 to 2.", "Taxes stay flat."),
    )


def test_text_wrapped_lines_join_and_whitespace_is_normalised(tmp_path: Path) -> None:
    path = tmp_path / "wrapped.txt"
    path.write_text(
        "Title\r\nhere\r\n\r\nThe first\tparagraph  is\r\nwrapped.\u200b\x07\r\n\r\n"
        "Caf\u00e9\u00a0owners \u201cagree\u201d.\r\n",
        encoding="utf-8",
    )
    [article], _ = load(path)
    # The first line is the title; the rest of its block is a paragraph.
    assert article.title == "Title"
    assert article.paragraphs == ("here", "The first paragraph is wrapped.", "Café owners “agree”.")


def test_front_matter_quotes_date_alias_and_id(tmp_path: Path) -> None:
    path = tmp_path / "fm.txt"
    path.write_text(
        "---\ntitle: \"Editors' pick: rates\"\nsource: 'Gazette'\ndate: March 3, 2023\n"
        "url: https://www.gazette.example/rates\nid: gz-17\ntags:\n  - economy\n---\n\n"
        "Rates rose by a quarter point.\n",
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert (article.title, article.source, article.published, article.key) == (
        "Editors' pick: rates",
        "Gazette",
        "2023-03-03",
        "gz-17",
    )
    assert article.paragraphs == ("Rates rose by a quarter point.",)


def test_a_dashed_line_that_is_no_front_matter_is_text(tmp_path: Path) -> None:
    path = tmp_path / "dashes.txt"
    path.write_text("---\nNot front matter at all.\n---\n\nStory title\n\nBody.\n", "utf-8")
    [article], _ = load(path)
    assert article.title == "Not front matter at all."
    assert article.paragraphs == ("Story title", "Body.")


def test_markdown_title_heading_and_inline_markup(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "# Budget *passes*\n\n![council chamber](chamber.jpg)\n\n"
        "The **council** approved the [budget](https://x.example) for file_name_v2 users.\n\n"
        "## Reaction\n\n> Finally, a plan.\n\n2 * 3 * 4 = 24.\n",
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert article.title == "Budget passes"
    assert article.paragraphs == (
        "The council approved the budget for file_name_v2 users.",
        "Reaction",
        "Finally, a plan.",
        "2 * 3 * 4 = 24.",
    )


def test_markdown_front_matter_title_is_not_repeated(tmp_path: Path) -> None:
    path = tmp_path / "fm.md"
    path.write_text("---\ntitle: Budget passes\n---\n# Budget passes\n\nIt passed.\n", "utf-8")
    [article], _ = load(path)
    assert (article.title, article.paragraphs) == ("Budget passes", ("It passed.",))


def test_a_long_first_line_is_body_not_title() -> None:
    first = " ".join(["word"] * 40) + "."
    article = article_from_text(first + "\n\nSecond paragraph.", key="k")
    assert isinstance(article, Article)
    assert article.paragraphs == (first, "Second paragraph.")
    assert article.title == " ".join(["word"] * 12) + "…"


def test_pasted_text_for_the_bot() -> None:
    article = article_from_text("Title line\nFirst paragraph.\nSecond.", key="k", source="Chat")
    assert isinstance(article, Article)
    assert (article.key, article.title, article.paragraphs, article.source, article.path) == (
        "k",
        "Title line",
        ("First paragraph.", "Second."),
        "Chat",
        "",
    )
    assert article_from_text("Only a title", key="k") == Skipped("k", "no article text")
    assert article_from_text("  \n\n ", key="k") == Skipped("k", "no article text")


# ---- boilerplate rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "News / Military / Russia / Editor's Choice",
        "Home > World > Middle East",
        "Sport | Football | Premier League",
        "Troops leave a base in Kandahar. (File photo by Stars and Stripes)",
        "The president speaks in Ohio. (AP Photo/Evan Vucci)",
        "Protesters gather outside parliament (Getty Images)",
        "Photo: Reuters",
        "Image: a flooded street in Dhaka",
        "Press TV’s website can also be accessed at the following alternate addresses:",
        "Follow us on Twitter",
        "Subscribe to our newsletter",
        "Sign up for our daily briefing.",
        "All rights reserved.",
        "Copyright 2023 Example Media",
        "© 2021 Press TV",
        "Share this article",
        "Read more: Floods hit the north",
        "ADVERTISEMENT",
        "(Reporting by Jane Doe; Editing by John Roe)",
        "* * *",
    ],
)
def test_furniture_is_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        '"Follow us," the officer shouted.',
        "Millions subscribe to the service, the company said.",
        "Shares in the company rose 4%.",
        "The photo (taken in 1972) shows the crew.",
        "He read more than 300 reports / memos before the vote.",
        "Reaction",
        "24/7 / 365 coverage was promised.",
        " ".join(["Copyright lawyers said the ruling matters."] * 6),
    ],
)
def test_article_text_is_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_trailing_short_lines_go_but_the_last_paragraph_stays() -> None:
    assert body_paragraphs(["Body.", "Press TV News Roku", "Tags"]) == ["Body."]
    assert body_paragraphs(["A lone line"]) == ["A lone line"]
    assert body_paragraphs(["Body.", "“A closing quote”"]) == ["Body.", "“A closing quote”"]


def test_clean_removes_invisible_characters_and_keeps_the_words() -> None:
    assert clean(" a\u00adb\u200b c\x00\t d\u00a0 \u2019e\u2019 ") == "ab c d ’e’"
    assert (
        clean("emoji \U0001f469\u200d\U0001f4bb stays") == "emoji \U0001f469\u200d\U0001f4bb stays"
    )


# ---- HTML ---------------------------------------------------------------------------------


def test_html_main_text_and_metadata_without_menus_or_share_links() -> None:
    [article], skipped = load(DATA / "harbour-page.html")
    assert not skipped
    assert article.title == "Harbour bridge reopens after repairs"
    assert (article.source, article.published) == ("Coastal Herald", "2023-03-14")
    url = "https://www.coastalherald.example/news/2023/03/14/harbour-bridge-reopens"
    assert (article.url, article.key) == (url, url)
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("The harbour bridge reopened to traffic")
    assert article.paragraphs[2].startswith('"We are relieved to have our bridge back,"')
    body = "\n".join(article.paragraphs)
    for furniture in ("Share on", "Home", "Weather", "Most read", "Copyright", "Privacy"):
        assert furniture not in body


def test_html_in_a_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Caf\xe9 news</title></head><body>'
        "<article><p>The caf\xe9 on the square reopened on Monday after a long renovation "
        "that the owners paid for themselves.</p></article></body></html>"
    )
    path = tmp_path / "latin.html"
    path.write_bytes(page.encode("latin-1"))
    [article], _ = load(path)
    assert "café on the square" in article.paragraphs[0]
    assert article.source == ""  # no URL and no site name: the outlet is unknown


def test_html_tables_and_lists_stay(tmp_path: Path) -> None:
    sentence = "The election commission published the final results on Sunday evening."
    path = tmp_path / "results.html"
    path.write_text(
        f"<html><head><title>Results are in</title></head><body><article><h1>Results are in</h1>"
        f"<p>{sentence} {sentence}</p><table><tr><th>Party</th><th>Seats</th></tr>"
        "<tr><td>Greens</td><td>12</td></tr><tr><td>Blues</td><td>9</td></tr></table>"
        f"<p>{sentence}</p><ul><li>Turnout was 61 percent</li></ul></article></body></html>",
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert article.paragraphs[1:] == (
        "| Party | Seats |",
        "| Greens | 12 |",
        "| Blues | 9 |",
        sentence,
        "Turnout was 61 percent",
    )


def test_text_in_utf16_with_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "notepad.txt"
    path.write_bytes("Caf\xe9 reopens\r\n\r\nThe caf\xe9 reopened.".encode("utf-16"))
    [article], _ = load(path)
    assert (article.title, article.paragraphs) == ("Café reopens", ("The café reopened.",))


# ---- JSON and JSON Lines ------------------------------------------------------------------


def test_json_one_record_a_list_and_a_wrapped_list(tmp_path: Path) -> None:
    a = {"title": "A", "content": "Body a.", "url": "https://www.example.com/a", "date": 1e12}
    b = {"headline": "B", "text": ["Body b.", "More b.\nEven more."], "doc_id": 7}
    for name, data in [("one.json", a), ("list.json", [a, b]), ("wrapped.json", {"items": [b]})]:
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    articles, skipped = load(
        tmp_path / "one.json", tmp_path / "list.json", tmp_path / "wrapped.json"
    )
    assert not skipped
    assert [x.key for x in articles] == ["https://www.example.com/a"] * 2 + ["7", "7"]
    assert (articles[0].source, articles[0].published) == ("example.com", "2001-09-09")
    assert (articles[2].title, articles[2].paragraphs) == (
        "B",
        ("Body b.", "More b.", "Even more."),
    )


def test_json_records_without_id_or_url_are_keyed_by_position(tmp_path: Path) -> None:
    path = tmp_path / "anon.json"
    path.write_text(json.dumps([{"text": "One."}, {"text": "Two."}]), encoding="utf-8")
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"title": "S", "body": "Solo."}), encoding="utf-8")
    articles, _ = load(path, single)
    where = str(path.resolve())
    assert [a.key for a in articles] == [f"{where}#1", f"{where}#2", str(single.resolve())]
    assert articles[0].title == "One."  # no title: the start of the text stands in


def test_multihop_rag_corpus_json() -> None:
    articles, skipped = load(DATA / "multihop-corpus.json")
    assert not skipped and len(articles) == 2
    chip = articles[0]
    assert (chip.title, chip.source, chip.published) == (
        "Chip maker unveils faster processor",
        "TechWire",
        "2023-11-27",
    )
    assert (
        chip.key == chip.url == "https://www.techwire.example/chip-maker-unveils-faster-processor"
    )
    assert chip.paragraphs == (
        "A chip maker unveiled its fastest processor on Monday.",
        "The chip will ship in March.",
        "Analysts expect strong demand.",
    )


def test_jsonl_gzip_with_bad_lines_among_good_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps({"doc_id": "x1", "title": "X", "text": "Para one.\n\nPara two.",
                    "url": "https://www.news.example/x", "first_seen_week": "20230106"}),
        "{broken json",
        "",
        json.dumps({"doc_id": "x2", "title": "Y", "text": "  \n "}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"doc_id": "x3", "title": "Z", "text": "Zed.", "published": "soon",
                    "date": "2023/01/05", "source": {"id": None, "name": "Zed News"}}),
    ]  # fmt: skip
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    articles, skipped = load(path)
    assert [a.key for a in articles] == ["x1", "x3"]
    x1, x3 = articles
    assert (x1.source, x1.published, x1.paragraphs) == (
        "news.example",  # the outlet from the URL when none is given
        "2023-01-06",
        ("Para one.", "Para two."),
    )
    # An unparseable date gives way to the next date field.
    assert (x3.source, x3.published) == ("Zed News", "2023-01-05")
    assert all(s.path == str(path.resolve()) for s in skipped)
    assert [s.reason for s in skipped] == [
        "line 2: malformed JSON (Expecting property name enclosed in double quotes "
        "at line 1 column 2)",
        "line 4: no article text",
        "line 5: not a JSON object",
    ]


def test_a_truncated_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    records = "".join(
        json.dumps({"id": f"r{i}", "title": "T", "text": f"Text {i}. " * 50}) + "\n"
        for i in range(200)
    )
    data = gzip.compress(records.encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    articles, skipped = load(path)
    assert articles and [a.key for a in articles] == [f"r{i}" for i in range(len(articles))]
    assert len(skipped) == 1 and skipped[0].reason.startswith("broken gzip file")


def test_json_lines_saved_as_json(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"id": 1, "text": "One."}\n{"id": 2, "text": "Two."}\n', encoding="utf-8")
    articles, skipped = load(path)
    assert [a.key for a in articles] == ["1", "2"] and not skipped


# ---- feeds --------------------------------------------------------------------------------


def test_rss_with_full_content() -> None:
    articles, skipped = load(DATA / "wire-full.rss")
    assert not skipped
    drought, strike = articles
    assert (drought.key, drought.title, drought.source, drought.published, drought.url) == (
        "ww-1001",
        "Drought eases in the south",
        "World Wire",
        "2021-07-13",
        "https://www.worldwire.example/drought-eases",
    )
    # The full content, not the description; <p> and <br> split it; the figure caption and
    # the "appeared first on" footer are gone.
    assert drought.paragraphs == (
        "Heavy rain fell across the southern provinces on Monday, the first in & around "
        "four months.",
        "Reservoirs rose by ten percent overnight.",
        "Farmers welcomed the change.",
        '"It is a relief," one grower said.',
    )
    assert strike.key == strike.url == "https://www.worldwire.example/port-strike-ends"


def test_atom_with_summaries_only() -> None:
    articles, skipped = load(DATA / "briefs.atom")
    assert not skipped
    library, tram = articles
    assert library.paragraphs == (
        "The central library will open until 9 p.m. on weekdays from March.",
    )
    assert (library.source, library.published, library.key) == (
        "City Briefs",
        "2022-02-03",
        "urn:briefs:1",
    )
    assert (tram.paragraphs, tram.published, tram.url) == (
        ("Line 4 will be closed for two weekends.",),
        "2022-02-01",  # published, not updated
        "",  # its id is a URN, not a link
    )


def test_feed_in_an_xml_file_and_an_xml_file_that_is_no_feed(tmp_path: Path) -> None:
    feed = tmp_path / "news.xml"
    feed.write_text(
        "<rss version='2.0'><channel><title>T</title><item><title>I</title>"
        "<description>Plain summary text.</description></item></channel></rss>",
        encoding="utf-8",
    )
    config = tmp_path / "config.xml"
    config.write_text("<?xml version='1.0'?><config><a>1</a></config>", encoding="utf-8")
    articles, skipped = load(feed, config)
    assert [(a.title, a.paragraphs, a.source) for a in articles] == [
        ("I", ("Plain summary text.",), "T")
    ]
    assert skipped == [Skipped(str(config.resolve()), "not a news feed")]


# ---- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x00\x01\x02 binary \x00" * 20, "binary file, not text"),
        ("binary.rss", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text"),
        ("latin1.txt", "Caf\xe9 r\xe9sum\xe9 news".encode("latin-1"), "not UTF-8 text"),
        ("bogus.html", b"<meta charset='idna'><p>\xff\xfe\xfd</p>", "not UTF-8 text"),
        ("empty.md", b"   \n\n", "empty file"),
        ("empty.jsonl", b"\n\n", "empty file"),
        ("empty.json", b"", "empty file"),
        ("bad.json", b'{"title": "x", ', "malformed JSON (Expecting property name"),
        ("deep.json", b"[" * 100_000, "malformed JSON"),
        ("number.json", b"42", "no article records in the JSON"),
        ("nothing.json", b'{"articles": []}', "no article records in the JSON"),
        ("notext.json", b'{"title": "Headline only", "text": ""}', "no article text"),
        ("bad.rss", b"<rss><channel><item><title>x", "malformed feed"),
        ("bad.atom", b"this is not xml", "malformed feed"),
        ("nofeed.xml", b"<?xml version='1.0'?><config><a>1</a></config>", "not a news feed"),
        ("broken.xml", b"<config><a>1</a", "not a news feed"),
        ("nothing.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
        ("broken.html", b"<html><body><p>Unclosed <b>tags", "no article text"),
        ("notgzip.jsonl.gz", b"not gzip at all", "broken gzip file"),
        ("furniture.txt", b"Share this\n\nFollow us on Twitter\n", "no article text"),
    ],
)
def test_bad_files_are_skipped_with_a_reason_and_the_run_goes_on(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text("Good title\n\nGood body.", encoding="utf-8")
    articles, skipped = load(tmp_path)
    assert [a.title for a in articles] == ["Good title"]
    assert len(skipped) == 1, skipped
    assert skipped[0].path == str((tmp_path / name).resolve())
    assert skipped[0].reason.startswith(reason), skipped[0].reason


def test_folder_walk(tmp_path: Path) -> None:
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    files = {
        "z.txt": "Z\n\nZ body.",
        "b/a.md": "# A\n\nA body.",
        "b/deeper/c.jsonl": '{"id": "c", "title": "C", "text": "C body."}',
        ".hidden.txt": "Hidden\n\nNo.",
        ".git/config.txt": "Git\n\nNo.",
        "NOTICE": "licences",
        "README.md": "# Readme\n\nNot news.",
        "b/PROVENANCE.md": "# Where from\n\nNot news.",
        "LICENSE.txt": "MIT\n\nNot news.",
        "photo.jpg": "not an image",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    articles, skipped = load(tmp_path)
    # A folder's files come before its sub-folders', each in sorted order.
    assert [a.title for a in articles] == ["Z", "A", "C"] and not skipped
    # Named explicitly: loaded even if the walk would pass it over; reported if unusable.
    # The same file reached twice loads once.
    articles, skipped = load(
        tmp_path / "README.md", tmp_path / "photo.jpg", tmp_path / "gone.txt", tmp_path, tmp_path
    )
    assert [a.title for a in articles] == ["Readme", "Z", "A", "C"]
    assert [s.reason for s in skipped] == ["unsupported file type .jpg", "no such file or folder"]


def test_iter_files_is_lazy_and_resolves_paths(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("X\n\nx.", encoding="utf-8")
    files = iter_files([str(tmp_path / "." / "x.txt")])
    assert next(files) == (tmp_path / "x.txt").resolve()


def test_dates_normalise() -> None:
    assert normalise_date("2023/01/06") == "2023-01-06"
    assert normalise_date("20230106") == "2023-01-06"
    assert normalise_date("January 5, 2023") == "2023-01-05"
    assert normalise_date("2023-11-27T08:45:59+00:00") == "2023-11-27"
    assert normalise_date("2023-11-27T23:30:00-05:00") == "2023-11-27"  # the publisher's day
    assert normalise_date("Tue, 13 Jul 2021 10:00:00 GMT") == "2021-07-13"
    assert normalise_date(1_672_531_200) == "2023-01-01"
    assert normalise_date(1_672_531_200_000) == "2023-01-01"  # milliseconds
    for nothing in ("not a date", "March", "", None, True, ["2023-01-01"]):
        assert normalise_date(nothing) == ""


# ---- the shared data, as it is ------------------------------------------------------------


@needs(RTQA_SMALL)
def test_realtimeqa_dev_small() -> None:
    articles, skipped = load(RTQA_SMALL)
    assert len(articles) == 1372 and not skipped
    first = articles[0]
    assert (first.key, first.source, first.published) == (
        "546b429ef96a",
        "usatoday.com",
        "2023-01-05",  # its URL's date, a day before the week it was first seen in
    )
    assert first.url.startswith("https://www.usatoday.com/story/sports/nfl/2023/01/05/")
    assert all(a.published and a.title and a.paragraphs for a in articles)
    assert len({a.key for a in articles}) == 1372


@needs(QUAIL)
def test_quail_news() -> None:
    articles, skipped = load(QUAIL)
    assert len(articles) == 30 and not skipped
    assert articles[0].key == "n141" and articles[0].source == "voanews.com"
    assert articles[0].title == "US House Has Next Try on Difficult Immigration Debate"


@needs(WIKINEWS)
def test_wikinews_sample() -> None:
    articles, skipped = load(WIKINEWS)
    assert len(articles) == 43 and not skipped
    assert all(a.source == "Wikinews (English)" and a.published and a.url for a in articles)
    assert (articles[0].key, articles[0].published) == ("GUM_news_afghan", "2017-07-21")
    assert articles[0].paragraphs[0].startswith("A group of Afghan teenagers was awarded")


# ---- properties ---------------------------------------------------------------------------

_word = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=10,
)
_line = st.lists(_word, min_size=1, max_size=25).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_line, paragraphs=st.lists(_line.map(lambda p: p + "."), min_size=1, max_size=6))
def test_a_text_file_round_trips_its_title_and_paragraphs(
    tmp_path_factory: pytest.TempPathFactory, title: str, paragraphs: list[str]
) -> None:
    assume(not is_furniture(title) and not title.startswith("---"))
    assume(not any(is_furniture(p) for p in paragraphs))
    path = tmp_path_factory.mktemp("round") / "story.txt"
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    [article] = list(load_paths([path]))
    assert isinstance(article, Article)
    assert (article.title, article.paragraphs) == (title, tuple(paragraphs))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda s: s.encode("utf-8")),
        st.sampled_from([b"<rss><channel><item>", b'{"articles": [1, {"text": 2}]}', b"---\n"]),
    ),
    name=st.sampled_from(["x.txt", "x.md", "x.json", "x.jsonl", "x.json.gz", "x.html", "x.rss"]),
)
def test_loaders_never_raise_on_arbitrary_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, name: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    items = list(load_paths([path]))
    assert items and all(isinstance(i, Article | Skipped) for i in items)
    assert all(i.path == str(path.resolve()) for i in items)


@pytest.mark.parametrize(
    ("record", "published"),
    [
        # The publisher's date field wins over the URL's.
        ({"url": "https://n.example/2023/01/04/x", "date": "2023-01-05"}, "2023-01-05"),
        # No date field: the URL's date, not the later week the crawl first saw the page in.
        ({"url": "https://n.example/2018/05/10/x", "first_seen_week": "20230915"}, "2018-05-10"),
        # A page updated after it was first seen: the crawl's date is the earlier one.
        ({"url": "https://n.example/2023/09/30/x", "first_seen_week": "20230915"}, "2023-09-15"),
        ({"url": "https://n.example/news/959096/x", "first_seen_week": "20230915"}, "2023-09-15"),
        ({"url": "https://n.example/2023-02-28-storm.html"}, "2023-02-28"),
        ({"url": "https://n.example/2023/13/45/not-a-day"}, ""),
        ({"url": "https://n.example/items/20230104"}, ""),
    ],
)
def test_record_dated_by_its_url_when_it_gives_no_date(record: dict, published: str) -> None:
    article = article_from_record({"title": "T", "text": "Body.", **record}, path="feed.jsonl")
    assert isinstance(article, Article)
    assert article.published == published


def test_text_file_dated_by_its_url() -> None:
    text = "---\nurl: https://n.example/2021/07/13/troops\n---\nTitle\n\nBody of it."
    article = article_from_text(text, key="k")
    assert isinstance(article, Article)
    assert (article.published, article.url) == ("2021-07-13", "https://n.example/2021/07/13/troops")
