"""Every loader format and each kind of bad input, on files made here and the shared data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.articles import Article, Skipped
from index.loaders import article_from_text, load_paths, normalise_date
from tests.conftest import CORPUS, SHARED

SEED = CORPUS / "presstv-russia-warns-us-troops-central-asia.txt"


def load(*paths: Path) -> tuple[list[Article], list[Skipped]]:
    items = list(load_paths(paths))
    return [i for i in items if isinstance(i, Article)], [
        i for i in items if isinstance(i, Skipped)
    ]


def test_the_founding_article_loses_its_page_furniture() -> None:
    [article], skipped = load(SEED)
    assert not skipped
    assert article.title == "Russia warns against US troop deployments in Central Asia"
    assert (article.source, article.published) == ("Press TV", "2021-07-13")
    assert article.url.startswith("https://www.presstv.ir/Detail/2021/07/13/")
    assert len(article.paragraphs) == 15
    assert article.paragraphs[0].startswith("A senior Russian diplomat has said")
    assert article.paragraphs[3].startswith('"I would emphasize that the redeployment')
    text = "\n".join(article.paragraphs)
    for furniture in ("Editor's Choice", "File photo", "alternate addresses", "Roku"):
        assert furniture not in text


def test_text_without_front_matter_takes_its_title_from_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        "Home / World / Europe\n\nFloods hit the north\n\nRivers burst their banks on Monday.\n\n"
        '"We lost everything," one farmer said.\n\nShare this\n\nFollow us on Twitter\n',
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert article.title == "Floods hit the north"
    # A short quote paragraph in the body stays; the trailing furniture goes.
    assert article.paragraphs == (
        "Rivers burst their banks on Monday.",
        '"We lost everything," one farmer said.',
    )
    assert article.key == str(path.resolve())


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: 'Budget passes'\nsource: Gazette\ndate: March 3, 2023\n"
        "url: https://gazette.example/budget\n---\n\n# Budget passes\n\n"
        "The **council** approved the [budget](https://x.example) on Friday.\n",
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert (article.title, article.source, article.published) == (
        "Budget passes",
        "Gazette",
        "2023-03-03",
    )
    assert article.paragraphs == ("The council approved the budget on Friday.",)
    assert article.key == "https://gazette.example/budget"


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    body = " ".join(["The mayor announced a new bridge that will open next year."] * 3)
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Bridge - Daily Planet</title>"
        '<link rel="canonical" href="https://planet.example/bridge">'
        '<meta property="og:site_name" content="Daily Planet">'
        '<meta name="date" content="2023-04-05"></head><body>'
        '<nav><a href="/">Home</a> | <a href="/world">World</a></nav>'
        f"<article><h1>Bridge approved</h1><p>{body}</p>"
        "<p>Residents welcomed the decision after years of debate about traffic.</p></article>"
        '<div class="share">Share on Facebook</div><footer>Copyright Daily Planet</footer>'
        "</body></html>",
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert article.title == "Bridge approved"
    assert (article.source, article.published, article.url) == (
        "Daily Planet",
        "2023-04-05",
        "https://planet.example/bridge",
    )
    assert article.paragraphs[0] == body
    assert not any("Facebook" in p or "Home" in p for p in article.paragraphs)


def test_json_shapes_and_date_fields(tmp_path: Path) -> None:
    records = [
        {
            "title": "A",
            "body": "Body a.",
            "published_at": "2023-11-27T08:45:59+00:00",
            "url": "https://www.example.com/a",
            "source": "Example",
        },
        {"title": "B", "text": "Body b.\n\nMore b.", "date": "2023/01/05", "id": "b-1"},
    ]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(records[0]), encoding="utf-8")
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(records), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"articles": records}), encoding="utf-8")
    articles, skipped = load(one, listed, wrapped)
    assert not skipped and len(articles) == 5
    a, b = articles[1], articles[2]
    assert (a.published, a.source, a.key) == ("2023-11-27", "Example", "https://www.example.com/a")
    assert (b.published, b.key, b.paragraphs) == ("2023-01-05", "b-1", ("Body b.", "More b."))
    assert articles[0].source == "Example"


def test_jsonl_gzip_and_a_bad_line_among_good_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "doc_id": "x1",
                "title": "X",
                "text": "Para one.\nPara two.",
                "url": "https://www.news.example/x",
            }
        ),
        "{broken json",
        json.dumps({"doc_id": "x2", "title": "Y", "text": ""}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"doc_id": "x3", "title": "Z", "text": "Zed."}),
    ]
    path = tmp_path / "feed.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    articles, skipped = load(path)
    assert [a.key for a in articles] == ["x1", "x3"]
    assert articles[0].source == "news.example"  # the outlet from the URL when none is given
    reasons = " | ".join(s.reason for s in skipped)
    assert "line 2: malformed JSON" in reasons
    assert "record 3 has no text" in reasons and "record 4 is not an object" in reasons


FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>World Wire</title><link>https://wire.example</link>
<item><title>Full story</title><link>https://wire.example/1</link><guid>w-1</guid>
<pubDate>Tue, 13 Jul 2021 10:00:00 GMT</pubDate>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[
<p>First paragraph &amp; more.</p><p>Second paragraph.</p>]]></content:encoded></item>
<item><title>Summary only</title><link>https://wire.example/2</link>
<description>Just a &lt;b&gt;summary&lt;/b&gt;.</description></item>
</channel></rss>"""


def test_rss_feed_with_full_content_and_with_summaries(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(FEED, encoding="utf-8")
    articles, skipped = load(path)
    assert not skipped
    full, summary = articles
    assert full.paragraphs == ("First paragraph & more.", "Second paragraph.")
    assert (full.source, full.published, full.key) == ("World Wire", "2021-07-13", "w-1")
    assert summary.paragraphs == ("Just a summary.",)


def test_atom_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title>'
        "<entry><title>E</title><id>urn:e</id><updated>2022-02-03T00:00:00Z</updated>"
        '<content type="html">&lt;p&gt;Entry text.&lt;/p&gt;</content></entry></feed>',
        encoding="utf-8",
    )
    [article], _ = load(path)
    assert (article.title, article.source, article.published) == ("E", "Atom News", "2022-02-03")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x00\x01\x02 binary \x00" * 20, "binary"),
        ("latin1.txt", "Caf\xe9 r\xe9sum\xe9 news".encode("latin-1"), "not UTF-8"),
        ("empty.md", b"   \n\n", "empty"),
        ("bad.json", b'{"title": "x", ', "malformed JSON"),
        ("bad.xml", b"<rss><channel><item>", "feed"),
        ("notfeed.xml", b"<?xml version='1.0'?><config><a>1</a></config>", "not a news feed"),
        ("nothing.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
        ("broken.jsonl.gz", b"not gzip at all", "cannot read"),
    ],
)
def test_bad_files_are_skipped_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Good title\n\nGood body.", encoding="utf-8")
    articles, skipped = load(tmp_path)
    assert [a.title for a in articles] == ["Good title"]  # the run goes on
    assert len(skipped) == 1 and reason in skipped[0].reason, skipped


def test_folder_walk_skips_hidden_and_notice_files_and_reports_named_unknown_types(
    tmp_path: Path,
) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("Deep\n\nDeep body.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nNo.", encoding="utf-8")
    (tmp_path / "NOTICE").write_text("licences", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Readme\n\nNot news.", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    articles, skipped = load(tmp_path)
    assert [a.title for a in articles] == ["Deep"] and not skipped
    _, skipped = load(tmp_path / "photo.jpg", tmp_path / "missing.txt")
    assert [s.reason for s in skipped] == ["unsupported file type .jpg", "no such file or folder"]


def test_pasted_text_for_the_bot() -> None:
    article = article_from_text("Title line\nFirst paragraph.\nSecond.", key="k", source="Chat")
    assert isinstance(article, Article)
    assert (article.title, article.paragraphs, article.source) == (
        "Title line",
        ("First paragraph.", "Second."),
        "Chat",
    )
    assert isinstance(article_from_text("Only a title", key="k"), Skipped)


def test_dates_normalise() -> None:
    assert normalise_date("2023/01/06") == "2023-01-06"
    assert normalise_date("January 5, 2023") == "2023-01-05"
    assert normalise_date("2023-11-27T08:45:59+00:00") == "2023-11-27"
    assert normalise_date("not a date") == ""
    assert normalise_date(None) == ""


def test_shared_corpora_load_as_they_are() -> None:
    rtqa, skipped = load(SHARED / "eval" / "rtqa2023" / "corpus_dev_small.jsonl.gz")
    assert len(rtqa) == 1372 and not skipped
    assert rtqa[0].published and rtqa[0].url and rtqa[0].source
    quail, _ = load(SHARED / "eval" / "quail_news" / "articles.jsonl")
    assert len(quail) == 30 and quail[0].source == "voanews.com"
    wikinews, _ = load(CORPUS / "wikinews-gum.jsonl")
    assert len(wikinews) == 43
    assert all(a.source == "Wikinews (English)" and a.published and a.url for a in wikinews)


paragraph = (
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), min_size=1)
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: len(s) > 0)
)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["x.txt", "x.json", "x.jsonl", "x.html", "x.rss"]))
def test_loaders_never_raise_on_arbitrary_bytes(tmp_path_factory, data: bytes, name: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    for item in load_paths([path]):
        assert isinstance(item, (Article, Skipped))


@settings(max_examples=50, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=6))
def test_pasted_text_round_trips_its_paragraphs(paras: list[str]) -> None:
    text = "A title\n\n" + "\n\n".join(paras) + "."
    article = article_from_text(text, key="k")
    assert isinstance(article, Article)
    assert " ".join(article.paragraphs).replace(" ", "") == (" ".join(paras) + ".").replace(" ", "")
