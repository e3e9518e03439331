"""Text measurements behind the dataset card: voices, lexicon, speakers, headlines, bylines.

Expected values are read off the sentences written in each test.
"""

from __future__ import annotations

import pytest

from broadsheet.card.bias import (
    Lexicon,
    byline_kind,
    count_words,
    find_speakers,
    headline_edit,
    merge_surnames,
    prose_voices,
    slug_overlap,
    split_voices,
)
from broadsheet.errors import UsageError


def test_split_voices_separates_quotes_and_keeps_scare_quotes_in_narration() -> None:
    voices = split_voices('He said "we will stay here" and called "Israel" a state.')
    assert voices.quoted == ("we will stay here",)
    assert voices.narration == ("He said ", ' and called "Israel" a state.')
    assert (voices.narration_words, voices.quoted_words) == (7, 4)


def test_split_voices_curly_open_and_quote_blocks() -> None:
    curly = split_voices("Residents said “the army is still inside the town” today.")
    assert curly.quoted == ("the army is still inside the town",)
    left_open = split_voices('She said: "We reject this and we will keep fighting')
    assert left_open.quoted == ("We reject this and we will keep fighting",)
    block = split_voices("Every word here is quoted.", kind="quote")
    assert block.narration == () and block.quoted == ("Every word here is quoted.",)


def test_lexicon_counts_whole_words_case_insensitively_and_rejects_bad_entries() -> None:
    lexicon = Lexicon.from_mapping({"martyr": ["martyr", "martyrs"], "IOF": ["IOF"]})
    assert lexicon.count(["Martyrs and a martyr; martyrdom is not counted.", "iof, IOFs"]) == [2, 1]
    overlapping = Lexicon.from_mapping({"forces": ["occupation", "Occupation forces"]})
    assert overlapping.count(["The occupation forces left; the occupation stayed."]) == [2]
    quoted = Lexicon.from_mapping({"scare": ["'Israel'", '"Israel"']})
    assert quoted.count(["'Israel' and \"Israel\", not Israel or 'Israel's"]) == [2]
    mixed = Lexicon.from_mapping({"bare": [r"re:(?<!['\"])\bIsrael\b(?!['\"])", "IDF"]})
    assert mixed.count(
        ['Israel, "Israel", the IDF; israel'],
    ) == [3]
    with pytest.raises(UsageError) as bad:
        Lexicon.from_mapping({"broken": ["re:(unclosed"]})
    assert bad.value.code == "bad_recipe" and "broken" in bad.value.message
    with pytest.raises(UsageError):
        Lexicon.from_mapping({"empty": []})


def test_find_speakers_patterns() -> None:
    outlets = ["Al Mayadeen"]
    text = (
        "The Secretary-General of the Movement, Ziyad al-Nakhalah, affirmed that the truce "
        'holds. He said it would last. Al-Nakhalah further affirmed it. "We stay," said '
        "Hamas official Osama Hamdan. According to the Health Ministry, 40 died. U.N. "
        "envoy J. Smith said nothing. "
        'Defense Minister Yoav Gallant: "No truce." Similarly, residents of Beit Hanoun '
        "reported shooting. A mother from Gaza told Al Mayadeen that she waited."
    )
    assert find_speakers(text, outlets) == [
        ("Ziyad al-Nakhalah", "name_verb"),
        ("Al-Nakhalah", "name_verb"),
        ("Osama Hamdan", "said_name"),
        ("Health Ministry", "according_to"),
        ("J. Smith", "name_verb"),
        ("Defense Minister Yoav Gallant", "colon_quote"),
        ("(unnamed)", "told_outlet"),
    ]


def test_merge_surnames_only_when_unambiguous() -> None:
    assert merge_surnames({"Al-Nakhalah": 4, "Ziyad al-Nakhalah": 1}) == {"Ziyad al-Nakhalah": 5}
    ambiguous = {"Smith": 1, "John Smith": 1, "Jane Smith": 2}
    assert merge_surnames(ambiguous) == ambiguous


def test_headline_edit_of_the_seed_page_and_a_cut_slug() -> None:
    edit = headline_edit(
        "https://english.almayadeen.net/news/politics/"
        "ziyad-al-nakhalah--iof-captives-for-all-palestinian-prisoner",
        "Ziyad al-Nakhalah: Israeli captives for all Palestinian prisoners",
    )
    assert edit is not None and edit.edited
    assert (edit.slug_only, edit.title_only) == (("iof",), ("israeli",))
    cut = headline_edit("https://x.org/a/markets-calm-ahead-of-ba", "Markets calm ahead of bank")
    assert cut is not None and not cut.edited
    assert headline_edit("https://x.org/", "Anything") is None


def test_headline_words_split_at_punctuation_and_underscores() -> None:
    # "_" and every other non-letter, non-digit separates words; apostrophes join them
    edit = headline_edit(
        "https://x.org/news/gaza_truce--talks%E2%80%94resume.html",
        "Gaza truce: talks \u2014 resume, Qatar's envoy says",
    )
    assert edit is not None and edit.slug == "gaza_truce--talks%E2%80%94resume"
    assert (edit.slug_only, edit.title_only) == ((), ())  # the slug is the title's start
    accents = headline_edit("https://x.org/a/beyrouth-ete-2024.php", "Beyrouth, été_2024 !")
    assert accents is not None and not accents.edited


def test_byline_kinds() -> None:
    assert byline_kind(["Al Mayadeen English"], ["al mayadeen english"]) == "institutional"
    assert byline_kind(["Reuters", "Sara Khalil"], ["Reuters"]) == "personal"
    assert byline_kind([], ["Reuters"]) == "none"


def test_count_words_splits_at_every_kind_of_whitespace() -> None:
    # no-break space, information separator four and em space all separate words
    assert count_words("a\u00a0b\x1cc  d\u2003e\n") == 5
    assert count_words("") == 0 and count_words(" \t\n") == 0


def test_prose_voices_skip_embeds_and_keep_quote_blocks_whole() -> None:
    voices = prose_voices(
        [
            ("paragraph", 'He said "we will stay here" today.'),
            ("embed", '"Every word of a social post is left out" - a user'),
            ("quote", "We stay."),
            ("heading", "   "),
        ]
    )
    assert voices.narration == ("He said ", " today.")
    assert voices.quoted == ("we will stay here", "We stay.")


def test_lexicon_counts_each_group_as_count_does() -> None:
    lexicon = Lexicon.from_mapping(
        {
            "martyr": ["martyr", "martyrs", "martyrdom"],
            "war": ["war"],
            "IOF": ["IOF", "Israeli occupation forces"],
            "occupation": ["occupation"],
        }
    )
    narration = ["The war on Gaza: martyrs, a martyr.", "Israeli occupation forces (IOF); warfare"]
    quoted = ["the occupation must end"]
    headlines = ["Martyrdom and war"]
    expected = [[2, 1, 2, 1], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 0, 0]]
    assert lexicon.count_each([narration, quoted, headlines, []]) == expected
    assert [lexicon.count(g) for g in (narration, quoted, headlines, [])] == expected


def test_find_speakers_at_colons_long_roles_and_word_starts() -> None:
    outlets = ["Al Mayadeen"]
    colon = 'Hamas said it would respond. Spokesman Hazem Qassem: "We reject it."'
    assert find_speakers(colon, outlets) == [
        ("Hamas", "name_verb"),
        ("Spokesman Hazem Qassem", "colon_quote"),
    ]
    role = "Hamas Political Bureau member Khalil Al-Hayya has also said it."
    assert find_speakers(role, outlets) == [("Khalil Al-Hayya", "name_verb")]
    # a lower-case 'bin' inside a name, 'had earlier', and a role with no name ('the
    # spokesman') that is missed while 'the MP Ali Fayyad' is kept without the role
    names = (
        "Crown Prince Mohammed bin Salman said so. Abu Obeida had earlier warned, the "
        "spokesman added; the MP Ali Fayyad explained it."
    )
    assert find_speakers(names, outlets) == [
        ("Crown Prince Mohammed bin Salman", "name_verb"),
        ("Abu Obeida", "name_verb"),
        ("Ali Fayyad", "name_verb"),
    ]
    # 'foretold' is no 'told', and 'according to' counts at a word start only
    words = "The seer foretold Al Mayadeen would win, reportedly according to Reuters."
    assert find_speakers(words, outlets) == [("Reuters", "according_to")]
    assert find_speakers("Nonaccording to Reuters, nobody spoke.", outlets) == []


def test_headline_edit_folds_accents_of_encoded_and_printed_words() -> None:
    accented = headline_edit("https://x.org/a/cafe-reopens-in-beirut", "Café reopens in Beirut")
    assert accented is not None and not accented.edited
    encoded = headline_edit("https://x.org/a/caf%C3%A9-reopens", "Cafe reopens")
    assert encoded is not None and not encoded.edited


def test_lexicon_pattern_counts_with_case_twins_and_alternatives() -> None:
    bare = Lexicon.from_mapping({"bare": ["re:(?<!['‘\"“])\\bIsrael\\b(?!['’\"”](?!s\\b))"]})
    # ISRAEL, İsrael (dotted capital I), ısrael (dotless i), Israel's: 4; 'Israel', Israeli: 0
    text = "ISRAEL and İsrael, ısrael; 'Israel' or Israel's Israeli"
    assert bare.count([text]) == [4]
    assert bare.count(["Israel\n", "israel"]) == [2]
    several = Lexicon.from_mapping({"places": ["re:Gaza\\b", "re:west bank", "Rafah"]})
    assert several.matchers[0][2] == frozenset({"gaza", "west bank", "rafah"})
    assert several.count(["Gaza, GAZA and Gazan; the West  Bank, the west bank, rafah."]) == [4]
    no_literal = Lexicon.from_mapping({"either": ["re:[GH]aza"]})
    assert no_literal.matchers[0][2] is None
    assert no_literal.count(["Gaza and haza and Xaza"]) == [2]


def test_case_twins_are_the_only_non_ascii_matches_of_ascii_letters() -> None:
    import re

    from broadsheet.card.lexicon import _CASE_TWINS

    everything = "".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    twins = set(re.findall("[a-z0-9_]", everything, re.IGNORECASE))
    assert twins == set(_CASE_TWINS.pattern[1:-1])


def test_find_speakers_in_joined_blocks_equals_block_by_block() -> None:
    from broadsheet.card.speakers import find_speakers_in

    outlets = ["Al Mayadeen"]
    blocks = [
        "Attack. Hamas",  # a capitalised word ends the block: nothing reaches a verb
        "leaders said the truce holds.",
        "The envoy Smith told",  # 'told' at the block's end: the outlet is in the next block
        "Al Mayadeen that the talks failed. Ali Saleh told Al Mayadeen it was over.",
        'He added: "We stay," said Hamas official Osama Hamdan.',
        "ccording to Reuters, 40 died. According to the UN, 41 died.",
        "A block with a NUL\x00\nJohn Smith said it.",
    ]
    one_by_one = [found for block in blocks for found in find_speakers(block, outlets)]
    assert find_speakers_in(blocks, outlets) == one_by_one
    assert find_speakers_in(blocks[:2], outlets) == []
    assert find_speakers_in(blocks[2:4], outlets) == [
        ("Smith", "name_verb"),  # the outlet is not in its block
        ("Ali Saleh", "told_outlet"),
    ]
    assert find_speakers_in(blocks[5:], outlets) == [("UN", "according_to")]


def test_count_words_counts_runs_between_any_whitespace() -> None:
    # tab, the ASCII separator \x1c, two spaces and a line break all separate words
    assert count_words("one\ttwo\x1cthree  four\n") == 4
    assert count_words("  ") == 0 and count_words("") == 0 and count_words("x") == 1
    assert count_words("café au\u00a0lait") == 3  # a no-break space separates too


def test_headline_edit_reads_plain_and_unusual_urls() -> None:
    from broadsheet.card.bias import url_slug

    assert url_slug("https://english.almayadeen.net/news/politics/talks-stall") == "talks-stall"
    assert url_slug("https://example.org/a/b.html?page=2#top") == "b"
    assert url_slug("HTTPS://example.org/x/slug-here/") == "slug-here"
    assert url_slug("https://example.org") == ""
    same = headline_edit("https://example.org/news/talks-stall", "Talks stall again")
    assert same is not None and not same.edited
    edited = headline_edit("https://example.org/news/talks-stall", "Talks collapse")
    assert edited is not None and (edited.slug_only, edited.title_only) == (
        ("stall",),
        ("collapse",),
    )


@pytest.mark.parametrize(
    ("slug", "title", "share"),
    [
        (["raid", "on", "gaza"], ["raids", "in", "gaza"], 2 / 3),  # 'raid' starts 'raids'
        (["strikes"], ["strike"], 1.0),  # started by a title word
        (["ga"], ["gaza"], 0.0),  # a start of fewer than three letters is no match
        (["abc"], ["ab"], 0.0),  # nor is a title word of fewer than three
        (["us", "un"], ["us"], 0.5),  # short words match only themselves
        (["dam"], ["amsterdam"], 0.0),  # a word inside another is no start
        ([], ["gaza"], 0.0),
    ],
)
def test_slug_overlap_counts_words_that_start_each_other(
    slug: list[str], title: list[str], share: float
) -> None:
    assert slug_overlap(slug, title) == pytest.approx(share)
