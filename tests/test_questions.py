"""Pure parts of answering: dates, question types, candidates, follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.answering.compose import with_day
from bot.answering.context import Turn
from bot.answering.evidence import Evidence, rerank, sentences_of, unscored_ranks
from bot.answering.followup import resolve_follow_up
from bot.answering.naming import relation, said_unknown, subject
from bot.answering.vote import fitted_vote, kind_phrase, slot_words, vote
from bot.language.en.apposition import described_as, who_is
from bot.language.en.extract import (
    Candidate,
    candidates,
    fuller_name,
    in_question,
    is_fuller,
    with_former,
    with_quotes,
    wrong_span,
    wrong_unit,
)
from bot.language.en.places import continents_asked, on_continent, place_in
from bot.language.en.questions import (
    AnswerType,
    Subtype,
    acted_on,
    asked_about,
    attitude_holder,
    cannot_be_place,
    classify,
    head_words,
    kind_words,
    named_sources,
    role_words,
    states_attitude,
)
from bot.language.en.verbs import asked_verb, mentions_verb, says_verb_of
from index.search.hybrid import Hit, fts_query, query_terms, widen
from index.text.dates import day_of, resolve

TODAY = date(2023, 3, 15)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened this week?", date(2023, 3, 8), TODAY),
        ("Who resigned yesterday?", date(2023, 3, 13), date(2023, 3, 14)),
        ("What did the Fed do last month?", date(2023, 2, 1), date(2023, 2, 28)),
        ("Who won the election in March?", date(2023, 3, 1), date(2023, 3, 31)),
        ("What happened in November?", date(2022, 11, 1), date(2022, 11, 30)),
        ("What happened in July 2021?", date(2021, 7, 1), date(2021, 7, 31)),
        ("Who led the talks in 2021?", date(2021, 1, 1), date(2021, 12, 31)),
        ("What did they announce in May?", date(2022, 5, 1), date(2022, 5, 31)),
        ("In March 2021, who won?", date(2021, 3, 1), date(2021, 3, 31)),
        ("What hit a record high last year?", date(2022, 1, 1), date(2022, 12, 31)),
    ],
)
def test_time_expressions_resolve_against_today(question: str, start: date, end: date) -> None:
    window = resolve(question, TODAY)
    assert window is not None
    assert (window.start, window.end) == (start, end)


def test_no_time_expression_no_window() -> None:
    assert resolve("Who won the 2018 World Cup?", TODAY) is None
    assert resolve("Who may attend the summit?", TODAY) is None
    # A time still to come is when the event is due, not when the news was written.
    assert resolve("Which theme park will open in Texas in 2024?", TODAY) is None
    assert resolve("Will it open in December 2023?", TODAY) is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who warned the US?", AnswerType.PERSON_OR_GROUP),
        ("When does the war end?", AnswerType.DATE),
        ("Where did the plane crash?", AnswerType.PLACE),
        ("How many people died?", AnswerType.NUMBER),
        ("He is a valued member of which team?", AnswerType.NAME),
        ("Which country hosted the summit?", AnswerType.PLACE),
        # The word opening the asking sentence decides, not a relative pronoun or a clause.
        ("What will Trump and Abe do for dinner when they meet?", AnswerType.OTHER),
        ("Which airline will pay passengers who were stranded?", AnswerType.NAME),
        ("A man who escaped from prison was caught. How many days was he free?", AnswerType.NUMBER),
        (
            "The guild, which represents writers, went on strike. When did they last strike?",
            AnswerType.DATE,
        ),
        # With none opening it, the last one asks; a "when" opening a clause asks nothing.
        ("Fans cheered when the trailer was released for which remake?", AnswerType.NAME),
        ("Users who clicked ads may get a cut from which search engine?", AnswerType.NAME),
        ("Twelve people were hurt when a crane collapsed in which major city?", AnswerType.PLACE),
        ("Fans of which band cheered when the police arrived?", AnswerType.NAME),
        ("When the trailer was released, fans cheered for which remake?", AnswerType.NAME),
        ("When Hugh McGuire launched LibriVox, what book did he record?", AnswerType.NAME),
        ("When Fed officials met, how many rate cuts did they plan?", AnswerType.NUMBER),
        ("The prime minister, who resigned on Monday, will leave office when?", AnswerType.DATE),
    ],
)
def test_question_types(question: str, kind: str) -> None:
    assert classify(question).answer_type == kind


def test_relation_questions_are_recognised() -> None:
    assert classify("Who warned whom about US troops?").relation
    assert not classify("Who warned the US?").relation


@pytest.mark.parametrize(
    ("question", "plural"),
    [
        ("Which countries did Lavrov name?", True),
        ("Which two teams will play in the final?", True),
        ("Which home goods chain said it may not stay in business?", False),
        ("What sports league expanded?", False),
        ("Which news outlet reported it first?", False),
        ("Which virus spread?", False),
        ("Which country was the first to recognize it?", False),
        ("What state does he represent?", False),
        ("Which team has won the most titles?", False),
        ("What countries has he visited?", True),
        ("Which two US presidents died on July 4?", True),
        ("What US states ban it?", True),
        ("What U.S. states ban it?", True),
        ("What three-letter acronym did they use?", False),
        ("Which fruit holds the top spot on the list?", False),
        ("Which classic 1970s tune did he copy?", False),
        ("What do officials say the objects were?", False),
        ("The guild, which represents writers, struck. Which studio gave in?", False),
        ("What significant changes are expected?", True),
        ("Which European countries joined?", True),
        ("Which islands were at the centre of the row?", True),
    ],
)
def test_plural_questions_ask_for_several_names(question: str, plural: bool) -> None:
    assert classify(question).plural is plural


def test_candidates_by_type() -> None:
    s = "On Monday, Russian Foreign Minister Sergey Lavrov said Kazakhstan and Tajikistan joined."
    found = [c.text for c in candidates(s, AnswerType.PERSON_OR_GROUP)]
    assert "Sergey Lavrov" in " ".join(found) and "Kazakhstan" in found and "Tajikistan" in found
    assert "On" not in found
    assert [
        c.text for c in candidates("It ends on August 31, a date set by Biden.", AnswerType.DATE)
    ] == ["August 31"]
    assert [
        c.text for c in candidates("More than 100,000 US troops were there.", AnswerType.NUMBER)
    ] == ["100,000"]
    # Times of day count nothing.
    sentence = "It starts at 9:30 a.m., or at 9 or even 10 p.m. in summer, with 600 guests."
    assert [c.text for c in candidates(sentence, AnswerType.NUMBER)] == ["600"]
    # Sentence adverbs and participles open sentences with a capital; they name nobody.
    for opening in ("Unsurprisingly, the", "Speaking to reporters, the", "Others said the"):
        sentence = f"{opening} court's liberal justices dissented on Tuesday."
        assert candidates(sentence, AnswerType.PERSON_OR_GROUP) == []
    assert in_question("United States", "Who warned the United States?")
    assert not in_question("Bagram", "Which base did US troops vacate?")
    # A title the question leaves out does not make a new name.
    assert in_question("President Donald Trump", "Which channel hosted Donald Trump?")
    assert in_question("Former President Donald Trump", "Which channel hosted Donald Trump?")
    assert not in_question("President Joe Biden", "Which channel hosted Donald Trump?")
    assert not in_question("General Electric", "Which company will build the electric grid?")
    # The kind the question asks for is no name of it; a name in that place is.
    question = "Which Apple executive announced it?"
    assert kind_words(question, AnswerType.NAME) == ["executive"]
    assert in_question("Apple Inc.", question, kind_words(question, AnswerType.NAME))


def test_outlet_restriction() -> None:
    known = ["Press TV", "Reuters", "usatoday.com"]
    assert named_sources("What did Russia say, according to Press TV?", known) == ("press tv",)
    assert named_sources("What did usatoday report in USAToday?", known) == ("usatoday.com",)
    assert named_sources("Who warned the US?", known) == ()


def test_follow_ups_borrow_the_previous_question() -> None:
    history = [Turn("Who warned the US about troops?", "Who warned the US about troops?", "Russia")]
    resolved = resolve_follow_up("And what did Lavrov say?", history)
    assert "troops" in resolved and "Lavrov" in resolved
    assert resolve_follow_up("Who is Lavrov's deputy in the foreign ministry?", history) == (
        "Who is Lavrov's deputy in the foreign ministry?"
    )
    assert resolve_follow_up("When was that?", []) == "When was that?"


def test_keyword_query_is_safe_fts() -> None:
    terms = query_terms("Who warned the U.S. about Russia's troops?")
    assert terms == ["warned", "u.s", "russia", "troops"]
    # FTS5 syntax in a question is quoted away, never interpreted.
    match = fts_query('Who said "NOT" OR near(x)? AND -- drop table')
    assert match == '"near" OR "x" OR "drop" OR "table"'


@pytest.mark.parametrize(
    ("question", "attitude"),
    [
        ("What did Trump think of the summit?", True),
        ("How does Lavrov feel about the Taliban?", True),
        ("What will the court probably decide?", True),
        ("Who thought the ban was legal?", True),
        ("What did Trump say about the summit?", False),
        ("Who warned whom about US troops?", False),
        # A hedge in what the question tells, not a view it asks for.
        ("Graves believed to have belonged to Templars were found in which county?", False),
        ("In what is thought to be the largest stranding, which species washed ashore?", False),
        ("Which tree appears to be the preferred choice for lanternflies?", False),
        # A guess asked for is still one.
        ("Which team is likely to be the champion?", True),
        ("Who is the likely winner?", True),
    ],
)
def test_questions_about_views_and_guesses(question: str, attitude: bool) -> None:
    assert classify(question).attitude is attitude


def test_sentences_that_state_a_view() -> None:
    assert states_attitude("Officials expect the talks to fail.")
    assert states_attitude("She believed the ruling was wrong.")
    assert states_attitude("A deal is unlikely this year, he said.")
    assert not states_attitude("The talks failed on Tuesday, he said.")
    # Nouns that share a stem with a view state none.
    assert not states_attitude("He found no improper considerations, he said.")
    assert not states_attitude("The show drew 10 million viewers.")
    assert states_attitude("He considered the ruling wrong.")


def test_whose_view_is_asked_for() -> None:
    assert attitude_holder("What did the inspector general think of the FBI?") == [
        "inspector",
        "general",
    ]
    assert attitude_holder("How does Lavrov feel about the Taliban?") == ["lavrov"]
    assert attitude_holder("Who thinks the ban is legal?") == []
    # The holder must come before the word stating the view.
    assert states_attitude("Trump said he thinks the talks went well.", ["trump"])
    assert not states_attitude("I think Donald Trump will win.", ["trump"])
    # ... and shortly before it: another clause's Trump holds no view.
    sentence = (
        "It is unclear where Trump and Abe will meet before the summit, which the U.S. "
        "president has said in recent days is likely to go ahead."
    )
    assert not states_attitude(sentence, ["trump"])
    sentence = (
        "Biden said that the likelihood there will be one unified government in Afghanistan "
        "controlling the whole country is highly unlikely."
    )
    assert states_attitude(sentence, ["biden"])


def test_a_who_verb_question_needs_its_verb_and_object() -> None:
    question = "Who won the 2018 World Cup?"
    assert says_verb_of("France won the 2018 World Cup in Moscow.", "won", question)
    assert says_verb_of("France wins the World Cup final.", "won", question)
    assert not says_verb_of("Harry Kane won the Budweiser Man of the Match.", "won", question)
    assert not says_verb_of("Sweden defeated South Korea at the World Cup.", "won", question)


def test_a_who_verb_question_accepts_the_verb_in_other_words() -> None:
    question = "Who requested that his release conditions be revoked?"
    said = "Prosecutors then asked the judge to revoke his release conditions."
    assert says_verb_of(said, "requested", question)
    assert mentions_verb("Warren said the cannabis laws have been barriers.", "felt")
    assert mentions_verb("Speaking at the forum, Demers warned of threats.", "addressed")
    assert not mentions_verb("The forum was held in Washington.", "addressed")
    assert mentions_verb('Strzok wrote "We\'ll stop it" in a text.', "sent")


def _hit(n: int) -> Hit:
    return Hit(n, f"a{n}", f"text {n}", (f"p{n}",), 1, 1, "t", "s", "", "", 1.0 - n / 10, 0.5, n)


def test_passages_are_reranked_by_their_best_sentence() -> None:
    hits = [_hit(n) for n in range(5)]

    def sentence(rank: int, cosine: float) -> Evidence:
        return Evidence("s", hits[rank], 1, "p", rank, cosine=cosine, overlap=cosine)

    # Passage 2 holds the sentence that matches; 1 had no sentence scored and keeps its place
    # ahead of the passages that were not looked at.
    evidence = [sentence(0, 0.4), sentence(2, 0.9), sentence(3, 0.41)]
    assert [h.chunk for h in rerank(hits, evidence)] == [2, 0, 3, 1, 4]
    # Near-ties keep the fused order.
    evidence = [sentence(0, 0.5), sentence(1, 0.51)]
    assert [h.chunk for h in rerank(hits, evidence)] == [0, 1, 2, 3, 4]
    assert rerank(hits, []) == hits
    # Passages past the scored ones move up on their best sentence's score from stored vectors.
    evidence = [sentence(0, 0.5), sentence(1, 0.4)]
    assert [h.chunk for h in rerank(hits, evidence, {3: 0.65, 4: 0.6})] == [3, 0, 4, 1, 2]


def test_a_much_better_sentence_lifts_a_passage_from_deep_in_the_fused_ranking() -> None:
    # The fused order counts most among the first places: a sentence a little better does not
    # move passage 2 above passage 0, a much better one lifts passage 15 to the top.
    hits = [_hit(n) for n in range(16)]
    evidence = [
        Evidence("s", hits[r], 1, "p", r, cosine=c, overlap=c) for r, c in ((0, 0.5), (2, 0.56))
    ]
    assert [h.chunk for h in rerank(hits, evidence)][:2] == [0, 2]
    evidence.append(Evidence("s", hits[15], 1, "p", 15, cosine=0.75, overlap=0.75))
    assert [h.chunk for h in rerank(hits, evidence)][:3] == [15, 0, 2]


def test_a_passage_of_the_asked_time_outranks_an_older_one_that_matches_a_bit_better() -> None:
    hits = [_hit(0), replace(_hit(1), timely=True), _hit(2)]
    evidence = [
        Evidence("s", hits[r], 1, "p", r, cosine=c, overlap=c) for r, c in ((0, 0.6), (1, 0.5))
    ]
    assert [h.chunk for h in rerank(hits, evidence)] == [1, 0, 2]
    # Not when the older passage's sentence is much the better.
    evidence[0] = replace(evidence[0], cosine=0.9, overlap=0.9)
    assert [h.chunk for h in rerank(hits, evidence)] == [0, 1, 2]


def test_a_passage_whose_sentences_lost_to_others_keeps_its_own_score() -> None:
    hits = [_hit(n) for n in range(5)]
    evidence = [
        Evidence("s", hits[r], 1, "p", r, cosine=c, overlap=c) for r, c in ((1, 0.5), (3, 0.4))
    ]
    # Passage 0 (first by fusion) had no sentence among the scored few: it is ranked by its
    # best stored sentence, not sent below passages 1 and 3.
    unscored = unscored_ranks(evidence, len(hits))
    assert unscored == [0, 2, 4]
    more = dict(zip(unscored, [0.43, 0.1, 0.1], strict=True))
    assert [h.chunk for h in rerank(hits, evidence, more)] == [1, 0, 3, 2, 4]


def test_only_the_matched_chunk_of_a_widened_passage_is_scored() -> None:
    chunk = Hit(
        7, "a", "Bagram was vacated. Troops left.", ("p2",), 2, 2, "t", "s", "", "", 1.0, 0.5, 0
    )
    around = {1: ("p1", "Context before."), 2: ("p2", chunk.text), 3: ("p3", "Context after.")}
    wide = widen(chunk, around, 1000)
    texts = {pid: text for pid, text in around.values()}
    found = [(e.text, e.paragraph) for e in sentences_of(wide, 0, texts)]
    assert found == [("Bagram was vacated.", 2), ("Troops left.", 2)]
    assert [e.text for e in sentences_of(chunk, 0, texts)] == [t for t, _ in found]


@pytest.mark.parametrize(
    ("question", "kind", "subtype"),
    [
        ("Biden made a secret trip to which country this week?", AnswerType.PLACE, Subtype.COUNTRY),
        (
            "Which US state is considering exonerating accused witches?",
            AnswerType.PLACE,
            Subtype.US_STATE,
        ),
        ("Which French city hosted the talks?", AnswerType.PLACE, Subtype.CITY),
        (
            "Which North African country was inundated with flooding?",
            AnswerType.PLACE,
            Subtype.COUNTRY,
        ),
        (
            "The leader of which southeast Asian country is handing power to his son?",
            AnswerType.PLACE,
            Subtype.COUNTRY,
        ),
        (
            "The US opened an embassy in which Pacific island nation?",
            AnswerType.PLACE,
            Subtype.COUNTRY,
        ),
        # A verb between them: the cities are not what is asked for.
        ("Which storm hit cities along the coast?", AnswerType.NAME, None),
        ("What year was she first elected?", AnswerType.DATE, Subtype.YEAR),
        ("What percentage of Brits suffer from misophonia?", AnswerType.NUMBER, Subtype.PERCENT),
        ("What is the name of SpaceX's rocket?", AnswerType.NAME, None),
        ("Which company announced layoffs?", AnswerType.NAME, None),
        # The place word qualifies a person here.
        ("What country music star died on Monday?", AnswerType.NAME, None),
        ("Which state senator proposed the bill?", AnswerType.NAME, None),
    ],
)
def test_narrower_answer_kinds(question: str, kind: str, subtype: str | None) -> None:
    assert (classify(question).answer_type, classify(question).subtype) == (kind, subtype)


def test_a_surname_gets_its_first_name_from_the_evidence() -> None:
    texts = ["Paltrow denied it.", "Actress Gwyneth Paltrow testified in Utah on Friday."]
    assert fuller_name("Paltrow", texts) == "Gwyneth Paltrow"
    assert fuller_name("Bucks", ["The Milwaukee Bucks clinched a playoff spot."]) == (
        "Milwaukee Bucks"
    )
    # Titles, possessives, clause openers and all-capital words are not first names.
    assert fuller_name("McCarthy", ["Speaker McCarthy spoke."]) == "McCarthy"
    assert fuller_name("Curtis", ["Jamie Lee Curtis won her first Oscar."]) == "Jamie Lee Curtis"
    assert fuller_name("Harris", ["Vice President Kamala Harris spoke."]) == "Kamala Harris"
    assert fuller_name("Blinken", ["Secretary of State Antony Blinken flew."]) == "Antony Blinken"
    assert fuller_name("Biden", ["Democrat Joe Biden won."]) == "Joe Biden"
    assert not is_fuller("SpaceX's Starship", "Starship")
    assert not is_fuller("Can LIV", "LIV")
    assert not is_fuller("Walgreens Walgreens", "Walgreens")
    assert not is_fuller("White House", "House")
    assert fuller_name("Haley", ["Nobody else is named here."]) == "Haley"
    # A common word that only a sentence's start or a subheading capitalises is no first name;
    # a first name opening a sentence still is.
    sharing = ["Sharing Mastodon user handles works.", "Users kept sharing links to Mastodon."]
    assert fuller_name("Mastodon", sharing) == "Mastodon"
    assert fuller_name("TikTok", ["Violent TikTok video taken down", "a violent clip"]) == "TikTok"
    assert fuller_name("Mastodon", ["Users said Sharing Mastodon is a club."]) == "Sharing Mastodon"
    assert fuller_name(
        "Carney", ["Mark Carney spoke.", "To mark it, he said Mark Carney won."]
    ) == ("Mark Carney")
    # "New" opens a name instead of being stripped as a sentence opener.
    assert [c.text for c in candidates("New Zealand won in New York.", AnswerType.PLACE)] == [
        "New Zealand",
        "New York",
    ]


def test_places_of_a_kind_come_from_the_gazetteer() -> None:
    assert place_in("Ukraine President Volodymyr Zelensky", Subtype.COUNTRY) == "Ukraine"
    assert place_in("Ukraine's", Subtype.COUNTRY) == "Ukraine"
    assert place_in("U.S.", Subtype.COUNTRY) == "U.S."
    assert place_in("Washington", Subtype.COUNTRY) is None
    assert place_in("Washington", Subtype.US_STATE) == "Washington"
    assert place_in("Kansas City", Subtype.CITY) == "Kansas City"
    assert place_in("New York", Subtype.CITY) == "New York"
    assert place_in("Montréal", Subtype.CITY) == "Montréal" and place_in("Montreal", Subtype.CITY)
    # Part of a name is no place: only the first words, before a title.
    assert place_in("California Rep. Kevin McCarthy", Subtype.US_STATE) == "California"
    assert place_in("Florida State Board of Education", Subtype.US_STATE) == "Florida"
    for text, kind in [
        ("New Mexico", Subtype.COUNTRY),
        ("Bank of America", Subtype.COUNTRY),
        ("Michael Jordan", Subtype.COUNTRY),
        ("Washington Post", Subtype.US_STATE),
    ]:
        assert place_in(text, kind) is None, text
    assert in_question("US", "Who may now enter the U.S.?")
    assert not in_question("15", "Who got 1.5 percent?")


def _evidence(texts: list[str], same_article: bool = False) -> list[Evidence]:
    hits = [_hit(0 if same_article else n) for n in range(len(texts))]
    return [
        Evidence(t, hits[n], 1, t, n, cosine=0.8 - n / 100, overlap=0.5)
        for n, t in enumerate(texts)
    ]


def _voted(
    question: str, answer_type: str, evidence: list[Evidence], subtype: str | None = None
) -> str | None:
    """The answer `vote` finds, or None."""
    choice = vote(question, answer_type, evidence, subtype=subtype)
    return None if choice is None else choice.text


def test_the_kind_of_name_asked_for_without_the_verb_after_it() -> None:
    assert (
        kind_phrase("Which company this week agreed to pay $30 million?", AnswerType.NAME)
        == "company"
    )
    assert kind_phrase("Which actor paid tribute to Karl Lagerfeld?", AnswerType.NAME) == "actor"
    assert (
        kind_phrase("Which pharmacy chain filed for bankruptcy?", AnswerType.NAME)
        == "pharmacy chain"
    )
    assert kind_phrase("Which cat breed agreed with the judges?", AnswerType.NAME) == "cat breed"
    assert kind_phrase("Which seed is the rarest?", AnswerType.NAME) == "seed"
    assert kind_phrase("Which actor died this week?", AnswerType.NAME) == "actor"
    assert kind_phrase("Who won the election?", AnswerType.PERSON_OR_GROUP) is None


def test_vote_prefers_the_name_nearest_the_kind_asked_for() -> None:
    question = "Which company is the latest tech giant to announce significant layoffs?"
    evidence = _evidence(["Wave of layoffs: Amazon will cut 18,000 jobs, its chief said."])
    assert _voted(question, AnswerType.NAME, evidence) == "Wave"  # named first
    near = {"Amazon": 0.6, "Wave": 0.1}
    choice = vote(question, AnswerType.NAME, evidence, fit=lambda texts: [near[t] for t in texts])
    assert choice is not None and choice.text == "Amazon"


def test_the_kind_s_fit_never_picks_a_name_the_kind_cannot_be() -> None:
    question = "Which coffee chain is selling boozy drinks?"
    evidence = _evidence(["Dunkin will sell the drinks in Massachusetts, a spokesperson said."])
    kind = classify(question)
    plain = vote(question, AnswerType.NAME, evidence)
    assert plain is not None and plain.text == "Dunkin"

    def near(place: float):
        return lambda texts: [place if t == "Massachusetts" else 0.0 for t in texts]

    # Near enough to the kind, the state would win the vote; but a state is no coffee chain,
    # so the plain vote stands.
    fitted = vote(question, AnswerType.NAME, evidence, fit=near(3.0))
    assert fitted is not None and fitted.text == "Massachusetts"
    chosen = fitted_vote(question, kind, evidence, plain, near(3.0))
    assert chosen is not None and chosen.text == "Dunkin"


def test_vote_prefers_the_asked_kind_of_place_and_full_names() -> None:
    question = "President Biden made a secret trip to which country this week?"
    evidence = _evidence(
        [
            "The president flew out of Washington on Sunday night with Jake Sullivan.",
            "Biden met Ukraine President Volodymyr Zelensky in Kyiv.",
        ]
    )
    choice = vote(question, AnswerType.PLACE, evidence, subtype=Subtype.COUNTRY)
    assert choice is not None and choice.text == "Ukraine"
    assert choice.support == [evidence[1]]
    # No country among the best sentences: no name answers "which country" (the best
    # sentence will), though one would answer "where".
    assert vote(question, AnswerType.PLACE, evidence[:1], subtype=Subtype.COUNTRY) is None
    assert _voted(question, AnswerType.PLACE, evidence[:1]) == "Washington"
    # A surname and the full name are one candidate: their support adds up.
    texts = [
        "Paltrow told the jury she was not at fault.",
        "Terry Sanderson sued Actress Gwyneth Paltrow over the crash.",
        "The crash happened at Deer Valley in 2016.",
    ]
    question = "Which film star is on trial in Utah?"
    evidence = _evidence(texts, same_article=True)
    choice = vote(question, AnswerType.NAME, evidence)
    assert choice is not None and choice.text.endswith("Gwyneth Paltrow")
    assert choice.support == evidence[:2]
    # In two articles another Paltrow may be meant: two candidates.
    assert _voted(question, AnswerType.NAME, _evidence(texts)) == "Paltrow"
    # Not places: "China" is not "Air China" named again.
    evidence = _evidence(["China said so.", "Air China flew him to Beijing."], same_article=True)
    assert _voted("Who said so?", AnswerType.PERSON_OR_GROUP, evidence) == "China"
    # "What year": the year, not the weekday of the same sentence.
    evidence = _evidence(["On Tuesday she recalled winning her seat in 1992."])
    assert (
        _voted("What year was she first elected?", AnswerType.DATE, evidence, subtype=Subtype.YEAR)
        == "1992"
    )


def test_the_kind_word_before_a_name_marks_the_answer() -> None:
    question = "Which comedian is set to host the Academy Awards?"
    assert head_words(question) == ["comedian"]
    assert head_words("Which professional golfer won?") == ["professional", "golfer"]
    # Chris Rock is named first, but "comedian Jimmy Kimmel" is what the question asks for.
    evidence = _evidence(["Chris Rock joked before host and comedian Jimmy Kimmel took the stage."])
    assert _voted(question, AnswerType.NAME, evidence) == "Jimmy Kimmel"
    # A name may hold the kind word: it is no name the question already gives.
    evidence = _evidence(["Fox News settled the lawsuit on Tuesday."])
    assert _voted("Which news organization agreed to pay?", AnswerType.NAME, evidence) == "Fox News"


def test_a_name_given_as_such_marks_the_answer() -> None:
    sentence = 'Coach Alireza Mehraban said the team\'s robot, named "Better Idea," scored.'
    assert (
        _voted("What is the name of the team's robot?", AnswerType.NAME, _evidence([sentence]))
        == "Better Idea"
    )


def test_a_place_answers_only_a_kind_a_place_may_be() -> None:
    sentence = "The Massachusetts doughnut and coffee chain is launching Dunkin’ Spiked."
    assert (
        _voted(
            "Which coffee chain is releasing boozy drinks?", AnswerType.NAME, _evidence([sentence])
        )
        == "Dunkin’ Spiked"
    )
    # A team may be a country.
    sentence = "Spain beat England in the final in Sydney."
    assert (
        _voted("Which team won the Women's World Cup?", AnswerType.NAME, _evidence([sentence]))
        == "Spain"
    )
    question = "Candidates headed to which campaign-opening state this week?"
    assert (classify(question).answer_type, classify(question).subtype) == (
        AnswerType.PLACE,
        Subtype.US_STATE,
    )


def test_vote_weighs_a_sentence_of_the_question_s_time_more() -> None:
    question = "Which automaker recalled nearly 2 million vehicles this week?"
    old = "Honda is recalling 2 million vehicles over faulty fuel pumps."
    fresh = "Tesla is recalling nearly 2 million vehicles to fix its Autopilot."
    evidence = _evidence([old, fresh])  # the old story's sentence scores a little better
    assert _voted(question, AnswerType.NAME, evidence) == "Honda"
    evidence[1] = replace(evidence[1], hit=replace(evidence[1].hit, timely=True))
    assert _voted(question, AnswerType.NAME, evidence) == "Tesla"
    # Much better old evidence still wins.
    evidence[0] = replace(evidence[0], cosine=1.0, overlap=1.0)
    assert _voted(question, AnswerType.NAME, evidence) == "Honda"


def test_a_continent_in_the_question_narrows_the_countries() -> None:
    assert continents_asked("The president of which African country went to China?") == {"AF"}
    assert continents_asked("The leader of which southeast Asian country resigned?") == {"AS"}
    assert continents_asked("Which country won?") == frozenset()
    assert on_continent("Kenya", frozenset({"AF"})) and not on_continent("U.S.", frozenset({"AF"}))
    assert on_continent("UK", frozenset({"EU"})) and on_continent("U.S.", frozenset())
    question = "The president of which African country travelled to China to ask for a loan?"
    sentence = "As US officials traveled, Kenya's President William Ruto flew to China for a loan."
    assert (
        _voted(question, AnswerType.PLACE, _evidence([sentence]), subtype=Subtype.COUNTRY)
        == "Kenya"
    )


def test_where_prefers_a_place_and_keeps_its_region() -> None:
    sentence = "The 2024 Olympics will be held in Paris, with the 2028 Games in Los Angeles."
    assert (
        _voted("Where will the Games be held?", AnswerType.PLACE, _evidence([sentence])) == "Paris"
    )
    sentence = "The fourth Republican debate is set for tonight in Tuscaloosa, Alabama."
    assert (
        _voted(
            "Where did the fourth Republican debate take place?",
            AnswerType.PLACE,
            _evidence([sentence]),
        )
        == "Tuscaloosa, Alabama"
    )
    # A name ending in a place counts as one.
    evidence = _evidence(
        [
            '"Most states have acted," said Republican Senator Cory Gardner of Colorado.',
            "Also active among Tallahassee's animal rescue groups, Cory defends racing.",
        ]
    )
    choice = vote("Where does Cory Gardner serve?", AnswerType.PLACE, evidence)
    assert choice is not None and choice.text.endswith("Gardner of Colorado")
    # Only a state or a country joins a town, and a list of them stays a list.
    sentence = "The talks moved from France, Germany and Italy to Spain."
    assert (
        _voted("Where did the talks move from?", AnswerType.PLACE, _evidence([sentence]))
        == "France"
    )
    # Only a state or a country joins: a comma before another name leaves the place alone.
    sentence = "The summit opened in Dubai, Sultan Al Jaber said."
    assert (
        _voted("Where is the summit being held?", AnswerType.PLACE, _evidence([sentence]))
        == "Dubai"
    )


def test_a_number_counting_the_question_s_noun_is_new_and_keeps_its_unit() -> None:
    question = "Mitchell scored the eighth-most points in a game. How many did he score?"
    sentence = "Mitchell scored 71 points as the Cavaliers rallied from 21 down to win 145-134."
    assert _voted(question, AnswerType.NUMBER, _evidence([sentence])) == "71 points"
    sentence = "Clocks in most of the United States move forward one hour at 2 a.m. on Sunday."
    assert (
        _voted(
            "Clocks were moved forward by how much time?", AnswerType.NUMBER, _evidence([sentence])
        )
        == "one hour"
    )


def test_the_words_leading_up_to_which_mark_the_answer() -> None:
    question = "Garcetti was confirmed as ambassador to which country after a 20-month fight?"
    assert slot_words(question) == "ambassador to"
    assert slot_words("It happened there in which city?") is None  # "there in": no content
    sentence = "Garcetti’s nomination to be US ambassador to India is still in limbo."
    assert (
        _voted(question, AnswerType.PLACE, _evidence([sentence]), subtype=Subtype.COUNTRY)
        == "India"
    )
    sentence = "Buffalo fans cheered Hamlin, a member of the Bills since 2021."
    assert (
        _voted("Hamlin is a member of which team?", AnswerType.NAME, _evidence([sentence]))
        == "Bills"
    )
    # A possessor is not what the slot leads up to.
    texts = [
        "Ted Lasso stars visited the White House.",
        "The cast of Apple TV+'s comedy met Biden.",
    ]
    assert (
        _voted("The cast of which show visited the White House?", AnswerType.NAME, _evidence(texts))
        == "Ted Lasso"
    )


def test_answer_lines_keep_former_and_quotation_marks() -> None:
    texts = ["Polls put former President Donald Trump on top."]
    assert with_former("President Donald Trump", texts) == "former President Donald Trump"
    assert with_former("Donald Trump", texts) == "Donald Trump"
    assert with_former("President Joe Biden", texts) == "President Joe Biden"
    texts = ['McCarthy, author of "The Road," has died.', "He played Munch in “Law & Order.”"]
    assert with_quotes("The Road", texts) == '"The Road"'
    assert with_quotes("Law & Order", texts) == "“Law & Order”"
    assert with_quotes("McCarthy", texts) == "McCarthy"


def test_participles_opening_a_sentence_name_no_one() -> None:
    sentence = "Led by Patrick Mahomes, the Chiefs won the Super Bowl."
    found = [c.text for c in candidates(sentence, AnswerType.PERSON_OR_GROUP)]
    assert found == ["Patrick Mahomes", "Chiefs", "Super Bowl"]
    assert (
        _voted("Who was named the game's MVP?", AnswerType.PERSON_OR_GROUP, _evidence([sentence]))
        == "Patrick Mahomes"
    )
    # Elsewhere they may be names.
    assert [c.text for c in candidates("The band Led Zeppelin toured.", AnswerType.NAME)] == [
        "Led Zeppelin"
    ]
    found = [c.text for c in candidates("Starting January 1, sesame is labelled.", AnswerType.NAME)]
    assert found == []


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("SAN FRANCISCO — NATO said rain soaked the Bay Area.", ["NATO", "Bay Area"]),
        ("LATEST UPDATES WEDNESDAY: Rain soaked the Bay Area.", ["Rain", "Bay Area"]),
        ("WASHINGTON — The U.S. FDA approved it.", ["U.S. FDA"]),
        ("BLACK ROCK CITY, Nev. − Burning Man goers were stuck.", ["Burning Man"]),
        ("WASHINGTON - House Speaker Kevin McCarthy said so.", ["House Speaker Kevin McCarthy"]),
        ("BOSTON (AP) — The Boston Bruins set the record.", ["Boston Bruins"]),
        ("NATO - the alliance met.", ["NATO"]),
        ("IBM - Red Hat deal closed.", ["IBM", "Red Hat"]),
        ("NATO said so.", ["NATO"]),
        ("The U.S. FDA approved it.", ["U.S. FDA"]),
    ],
)
def test_headings_and_datelines_name_no_one(sentence: str, found: list[str]) -> None:
    assert [c.text for c in candidates(sentence, AnswerType.NAME)] == found


def test_contractions_name_no_one() -> None:
    sentence = "I'm going to be the oldest person ever on the cover, Martha Stewart said."
    assert [c.text for c in candidates(sentence, AnswerType.NAME)] == ["Martha Stewart"]
    assert [c.text for c in candidates("We’re here, O'Brien said.", AnswerType.NAME)] == ["O'Brien"]
    assert [c.text for c in candidates("I'm Tom Hanks, he said.", AnswerType.NAME)] == ["Tom Hanks"]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The US Food and Drug Administration agreed.", ["US Food and Drug Administration"]),
        (
            "The Centers for Disease Control and Prevention said.",
            ["Centers for Disease Control and Prevention"],
        ),
        ("Lavrov named Kazakhstan and Kyrgyzstan.", ["Lavrov", "Kazakhstan", "Kyrgyzstan"]),
        ('She starred in "Law & Order" and sold AT&T shares.', ["Law & Order", "AT&T"]),
        ("You can stream it on Apple TV+.", ["Apple TV+"]),
        ("Two 737 Max jets crashed.", ["737 Max"]),
        (
            "Department of Justice and Federal Trade Commission",
            ["Department of Justice", "Federal Trade Commission"],
        ),
        ('He hosted "Saturday Night Live" on Saturday.', ["Saturday Night Live"]),
        ("On Saturday Biden spoke.", ["Biden"]),
        ("The Chinese-owned app TikTok, the German-born pope", ["TikTok"]),
        ("The German-born Pope Benedict died.", ["Pope Benedict"]),
        ("Jean-Claude Van Damme drank Coca-Cola.", ["Jean-Claude Van Damme", "Coca-Cola"]),
        ("He flew to the U.S. on Monday. Then to the U.S.", ["U.S.", "U.S."]),
        ("The Pulitzer Prize-winning author died.", ["Pulitzer Prize"]),
        # A quoted title is whole: its "The" and "No" are part of it.
        (
            'He wrote "The Road" and "No Country for Old Men," both.',
            ["The Road", "No Country for Old Men"],
        ),
        ("“A Man Called Otto” opened.", ["A Man Called Otto"]),
        ("The Road is long.", ["Road"]),
        ('"The president said no," he said.', []),
        # Page furniture: imperatives open no names.
        (
            "Read the story:Embattled CNN CEO Chris Licht steps down",
            ["Embattled CNN CEO Chris Licht"],
        ),
        ("Wear purple on May 18 to support Lupus patients.", ["Lupus"]),
    ],
)
def test_names_with_ampersands_institutions_describers_and_weekdays(
    sentence: str, found: list[str]
) -> None:
    assert [c.text for c in candidates(sentence, AnswerType.NAME)] == found


def test_how_many_counts_no_unit_unless_it_asks_for_one() -> None:
    assert wrong_unit("How many people died in the collapse?", "ten days")
    assert not wrong_unit("How many people died in the collapse?", "107")
    assert not wrong_unit("How many years did she serve?", "twelve years")
    assert not wrong_unit("How long did it last?", "ten days")
    # "eight years after" says when, not how long.
    sentence = "Camilla and Charles married eight years after Diana's death."
    (number,) = candidates(sentence, AnswerType.NUMBER)
    assert number.text == "eight"
    number = Candidate("eight years", number.start, number.start + len("eight years"))
    assert wrong_span("How long was she married?", sentence, number)
    assert not wrong_span("How many years later did they marry?", sentence, number)
    assert wrong_span(
        "How long was she married?", "She married four times.", Candidate("four", 12, 16)
    )
    # A number word may open a sentence.
    assert [c.text for c in candidates("Thirty people will get it.", AnswerType.NUMBER)] == [
        "Thirty"
    ]
    texts = ["The collapse comes ten days before the Hajj in Mecca.", "It killed 107 or more."]
    assert (
        _voted("How many people died in the Mecca collapse?", AnswerType.NUMBER, _evidence(texts))
        == "107"
    )


def test_who_holds_a_role_and_who_someone_is() -> None:
    question = "Who is the vice chairman of the Central Committee?"
    assert role_words(question) == ["chairman"]
    assert role_words("Who is the North Korean leader?") == ["leader"]
    assert role_words("Who is running for governor?") == []
    assert kind_words(question, AnswerType.PERSON_OR_GROUP) == ["chairman"]
    assert described_as(", the vice chairman of the committee", ["chairman"])
    assert not described_as(" spoke with", ["chairman"])
    # The sentence's subject is named first; the role is given to the name after it.
    sentence = "Pompeo will meet Kim Yong Chol, the vice chairman of the Central Committee."
    assert _voted(question, AnswerType.PERSON_OR_GROUP, _evidence([sentence])) == "Kim Yong Chol"

    assert asked_about("Who is Tina McKenzie?") == "Tina McKenzie"
    assert asked_about("who is tina mckenzie") == "tina mckenzie"
    for question in (
        "Who is the senator?",
        "Who is running?",
        "who was elected",
        "Who is behind it?",
        "Who is he?",
    ):
        assert asked_about(question) is None, question
    sentence = "Ahmed Mohamed, a 14-year-old boy from Irving, Texas, was arrested."
    assert (
        who_is("Ahmed Mohamed", sentence) == "Ahmed Mohamed, a 14-year-old boy from Irving, Texas"
    )
    sentence = "Noam Chomsky is a professor emeritus at MIT."
    assert who_is("noam chomsky", sentence) == "Noam Chomsky, a professor emeritus at MIT"
    # The description before the name, when the name ends its clause.
    sentence = "Wikinews interviewed the site's founder, Jack Herrick."
    assert who_is("Jack Herrick", sentence) == "Jack Herrick, the site's founder"
    assert who_is("Jack Herrick", "After the meeting, Jack Herrick left.") is None
    assert who_is("Jack Herrick", "When the talk ended, Jack Herrick left.") is None
    sentence = "Tim Cook, Apple's chief executive who joined in 1998, spoke."
    assert who_is("Tim Cook", sentence) == "Tim Cook, Apple's chief executive"
    # A clause, an adverb or a list is no description.
    for sentence in (
        "Trump, the White House said, will go.",
        "Smith, meanwhile, left.",
        "Smith, Jones and Brown met.",
    ):
        assert who_is("Smith" if "Smith" in sentence else "Trump", sentence) is None, sentence


def test_what_someone_did_and_what_kind_of_name_is_asked_for() -> None:
    question = "What did Congress do in response to the warning?"
    assert acted_on(question) == ("Congress", "in response to the warning")
    question = "What will Trump and Abe do for dinner when they meet before the summit?"
    assert acted_on(question) == ("Trump and Abe", "for dinner")
    question = "What happened to stock prices after marijuana becomes legal?"
    assert acted_on(question) == ("stock prices", "")
    assert acted_on("What happened?") is None
    assert acted_on("What did Trump say?") is None
    question = "What are the names of the potential witnesses?"
    assert head_words(question) == ["potential", "witnesses"]
    assert cannot_be_place(kind_words(question, AnswerType.NAME))
    assert cannot_be_place(["flavor"])
    assert not cannot_be_place(["team"]) and not cannot_be_place([])


def test_both_sides_of_a_verb_and_its_subject() -> None:
    sentence = "A Russian diplomat said Moscow has warned the United States against it."
    assert relation(asked_verb("Who warned whom?"), sentence) == (
        "Moscow has warned the United States"
    )
    # One clause, and not a name the question gives.
    sentence = "Then England opened the scoring, when Harry Kane scored a close-ranged shot."
    question = "Who scored for England against Tunisia?"
    assert relation(asked_verb(question), sentence) is None
    assert subject(question, asked_verb(question), sentence) == "Harry Kane"


def test_days_an_article_names_relative_to_its_date() -> None:
    wednesday = date(2011, 4, 13)
    assert day_of("Tuesday", wednesday) == date(2011, 4, 12)
    assert day_of("on Wednesday", wednesday) == wednesday
    assert day_of("on Tuesday", wednesday, ahead=True) == date(2011, 4, 19)  # "will meet"
    assert day_of("yesterday", wednesday) == day_of("last night", wednesday) == date(2011, 4, 12)
    assert day_of("2011", wednesday) is None
    sentence = "NASA celebrated the launch of the first space shuttle Tuesday at an event."
    evidence = replace(_evidence([sentence])[0], hit=replace(_hit(0), published="2011-04-13"))
    choice = vote("When did NASA celebrate the launch?", AnswerType.DATE, [evidence])
    assert choice is not None and choice.text == "Tuesday"
    assert with_day(choice.text, evidence) == "Tuesday (12 Apr 2011)"


def test_the_news_saying_the_name_is_unknown() -> None:
    question = "What are the names of the potential witnesses?"
    texts = [
        "A grand jury in Georgia is concerned witnesses lied.",
        "The witnesses were not named.",
    ]
    assert said_unknown(question, AnswerType.NAME, _evidence(texts))
    # Someone else unnamed is no answer to who the witnesses are.
    texts[1] = "An unnamed official said so."
    assert not said_unknown(question, AnswerType.NAME, _evidence(texts))
    # Only among the sentences that have a say.
    evidence = _evidence(["Witnesses lied.", "The witnesses were not named."])
    evidence[1] = replace(evidence[1], cosine=0.1, overlap=0.1)
    assert not said_unknown(question, AnswerType.NAME, evidence)


def test_the_question_knows_what_how_many_counts() -> None:
    from bot.answering.question import parse_question

    assert parse_question("For the first time in how many years?").counted == "years"
    assert parse_question("How many security staff were there?").counted == "security staff"
    assert parse_question("Who won?").counted is None
