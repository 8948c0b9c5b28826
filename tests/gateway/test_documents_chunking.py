"""Text extraction per file type and chunking with parent passages (no I/O)."""

from __future__ import annotations

import json

import pytest
from gwkit import make_pdf

from meshapi.testing._engines.chunking import chunk_text
from meshapi.testing._formats.documents import UnreadableFile, extract_text, normalize_mime_type


def test_plain_text_is_decoded_as_utf8_with_or_without_bom_and_line_ends_normalised() -> None:
    assert extract_text("naïve\r\ncafé\rend".encode(), "text/plain") == "naïve\ncafé\nend"
    assert extract_text(b"\xef\xbb\xbfwith bom", "text/plain") == "with bom"
    assert extract_text("utf-16 text".encode("utf-16"), "text/plain") == "utf-16 text"


def test_legacy_single_byte_text_falls_back_to_cp1252() -> None:
    assert extract_text("price: 5€ or £4".encode("cp1252"), "text/plain") == "price: 5€ or £4"


def test_other_text_types_are_read_as_plain_text() -> None:
    assert extract_text(b"a,b\n1,2\n", "text/csv; charset=utf-8") == "a,b\n1,2\n"


def test_markdown_loses_its_markup_but_keeps_its_words_and_blocks() -> None:
    source = (
        "# Onboarding\n\nRead the **handbook** and the [policy](https://x.test/p).\n\n"
        "> quoted tip\n\n- first item\n2. second item\n\n```python\nprint('code kept')\n```\n"
    )
    text = extract_text(source.encode(), "text/markdown")
    assert text.split("\n\n")[:2] == ["Onboarding", "Read the handbook and the policy."]
    assert "quoted tip" in text and ">" not in text
    assert "first item\nsecond item" in text
    assert "print('code kept')" in text and "```" not in text


def test_html_keeps_title_and_visible_text_as_paragraphs_and_drops_scripts() -> None:
    source = (
        "<html><head><title>Staff guide</title><style>p{color:red}</style>"
        "<script>var secret = 1;</script></head><body><h1>Welcome&nbsp;aboard</h1>"
        "<p>First <b>bold</b> words &amp; more.</p><div>Line one<br>line two</div>"
        "<ul><li>alpha</li><li>beta</li></ul></body></html>"
    )
    text = extract_text(source.encode(), "text/html")
    assert text.split("\n\n") == [
        "Staff guide",
        "Welcome aboard",  # a no-break space is whitespace to a reader, and to search
        "First bold words & more.",
        "Line one line two",
        "alpha",
        "beta",
    ]


def test_json_flattens_every_string_value_in_document_order() -> None:
    doc = {
        "title": "Leave policy",
        "version": 3,
        "sections": [{"heading": "Annual leave", "days": 25}, {"heading": "Sick leave"}],
        "empty": "  ",
        "flag": True,
    }
    text = extract_text(json.dumps(doc).encode(), "application/json")
    assert text.split("\n\n") == ["Leave policy", "Annual leave", "Sick leave"]


def test_pdf_files_go_through_the_pdf_extractor() -> None:
    pdf = make_pdf(["Page one text", "Page two text"], compress=True)
    assert extract_text(pdf, "application/pdf") == "Page one text\n\nPage two text"


@pytest.mark.parametrize(
    ("data", "mime", "code"),
    [
        (bytes(range(256)) * 4, "text/plain", "unreadable_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text/markdown", "unreadable_file"),
        (b'{"unclosed": ', "application/json", "unreadable_file"),
        (b"%PDF-1.4 then garbage", "application/pdf", "unreadable_file"),
        (b"\x89PNG", "image/png", "unsupported_file_type"),
        (b"  \n\t ", "text/plain", "no_text_content"),
        (b"<html><script>only()</script></html>", "text/html", "no_text_content"),
        (b'[1, 2, {"n": null}]', "application/json", "no_text_content"),
    ],
    ids=[
        "binary-as-text",
        "png-as-markdown",
        "bad-json",
        "corrupt-pdf",
        "image",
        "blank",
        "html-no-text",
        "json-no-strings",
    ],
)
def test_unreadable_files_raise_with_a_stable_code(data: bytes, mime: str, code: str) -> None:
    with pytest.raises(UnreadableFile) as info:
        extract_text(data, mime)
    assert info.value.code == code
    assert info.value.message


def test_mime_types_are_normalised_before_use() -> None:
    assert normalize_mime_type(" Text/HTML; charset=UTF-8") == "text/html"
    assert extract_text(b"<p>hi</p>", "TEXT/HTML") == "hi"


def test_short_paragraphs_travel_with_the_next_one_and_each_becomes_a_parent() -> None:
    text = (
        "Onboarding\n\nNew starters read the handbook in week one.\n\n"
        "Laptops arrive on day one too."
    )
    chunks = chunk_text(text, chunk_words=50, overlap_words=10, join_below_words=3)
    assert [c.text for c in chunks] == [
        "Onboarding New starters read the handbook in week one.",
        "Laptops arrive on day one too.",
    ]
    assert [c.chunk_index for c in chunks] == [0, 1]
    assert all(c.parent_text == c.text for c in chunks)


def test_long_paragraphs_become_overlapping_windows_that_share_their_parent() -> None:
    words = [f"w{i}" for i in range(25)]
    chunks = chunk_text(" ".join(words), chunk_words=10, overlap_words=3, parent_words=100)
    windows = [c.text.split() for c in chunks]
    assert windows[0] == words[0:10]
    assert windows[1] == words[7:17]
    assert windows[2] == words[14:24]
    assert windows[3] == words[21:25]
    for before, after in zip(windows, windows[1:]):
        assert before[-3:] == after[:3]
    assert {c.parent_text for c in chunks} == {" ".join(words)}
    assert [c.chunk_index for c in chunks] == [0, 1, 2, 3]


def test_very_long_paragraphs_are_cut_into_several_parents() -> None:
    words = [f"w{i}" for i in range(50)]
    chunks = chunk_text(" ".join(words), chunk_words=10, overlap_words=0, parent_words=20)
    parents = list(dict.fromkeys(c.parent_text for c in chunks))
    assert parents == [" ".join(words[0:20]), " ".join(words[20:40]), " ".join(words[40:50])]
    for chunk in chunks:
        assert chunk.text in chunk.parent_text
    assert " ".join(c.text for c in chunks).split() == words


def test_a_text_of_only_short_paragraphs_is_kept_whole() -> None:
    chunks = chunk_text("Yes.\n\nNo.", join_below_words=8)
    assert [(c.text, c.parent_text) for c in chunks] == [("Yes. No.", "Yes. No.")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"chunk_words": 0},
        {"chunk_words": 10, "overlap_words": 10},
        {"chunk_words": 10, "overlap_words": -1},
        {"chunk_words": 50, "parent_words": 20},
    ],
    ids=["no-words", "overlap-too-big", "negative-overlap", "parent-smaller"],
)
def test_chunking_parameters_are_checked(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        chunk_text("some text", **kwargs)
