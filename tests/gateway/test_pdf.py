"""The gateway's PDF text extraction (pypdf), on PDFs from two sources.

Files written by reportlab, a real PDF writer: compressed and plain content streams, several
pages, paragraphs, an embedded TrueType subset with a ToUnicode map, encryption. And files
assembled byte by byte here (objects, xref, trailer), for what a writer will not produce on
demand: every text-showing operator, literal and hex strings, CMaps, object streams, form
XObjects, inline images, font encodings, filters, broken and encrypted files. The cases that
end in "(the old extractor could not)" are ones the hand-written extractor this replaced got
wrong or refused.
"""

from __future__ import annotations

import random
import zlib
from typing import List, Optional

import pytest
from gwkit import make_pdf
from reportlab.lib.pdfencrypt import StandardEncryption

from meshapi.testing._formats.pdf import PdfError, extract_pdf_text


def stream(content: bytes, *, compress: bool = False, extra: bytes = b"") -> bytes:
    data = zlib.compress(content) if compress else content
    filters = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s%s >>\nstream\n" % (len(data), filters, extra) + data + b"\nendstream"


def assemble(objects: List[bytes], *, trailer: Optional[bytes] = b"/Root 1 0 R") -> bytes:
    """Objects numbered from 1, a correct xref table, and a trailer (or none at all)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if trailer is not None:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
        out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            trailer,
            xref,
        )
    return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE4 = b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>"


def one_page(content: bytes, *, compress: bool = False, resources: bytes = b"") -> bytes:
    """Catalog 1, pages 2, font 3, content 4, page 5."""
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            FONT,
            stream(content, compress=compress),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R"
            b" /Resources << /Font << /F1 3 0 R >> %s >> >>" % resources,
        ]
    )


def text_op(body: bytes) -> bytes:
    return b"BT /F1 12 Tf 14 TL 72 700 Td " + body + b" ET"


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "flate"])
def test_tj_text_is_read_from_plain_and_flate_content_streams(compress: bool) -> None:
    pdf = one_page(text_op(b"(Quarterly report for ACME) Tj"), compress=compress)
    assert extract_pdf_text(pdf) == "Quarterly report for ACME"


def test_literal_strings_handle_escapes_octal_nesting_and_line_continuations() -> None:
    content = text_op(b"(Paren \\(x\\) back\\\\slash octal \\101\\102 (nested) split\\\nword) Tj")
    assert (
        extract_pdf_text(one_page(content)) == "Paren (x) back\\slash octal AB (nested) splitword"
    )


def test_hex_strings_are_decoded_and_an_odd_final_digit_counts_as_zero() -> None:
    content = text_op(b"<48656C6C6F 20> Tj <776f726c64> Tj 0 -14 Td <414> Tj")
    assert extract_pdf_text(one_page(content)) == "Hello world\nA@"


def test_tj_arrays_join_kerned_pieces_and_turn_wide_gaps_into_spaces() -> None:
    content = text_op(b"[(Hel) -20 (lo) -300 (wor) 15 (ld)] TJ")
    assert extract_pdf_text(one_page(content)) == "Hello world"


def test_line_operators_td_tstar_quote_and_double_quote_start_new_lines() -> None:
    content = text_op(
        b"(First line) Tj T* (Second line) Tj (Third line) ' 1 0.5 (Fourth line) \" "
        b"0 -14 Td (Fifth line) Tj 0 -14 TD (Sixth line) Tj"
    )
    assert extract_pdf_text(one_page(content)) == (
        "First line\nSecond line\nThird line\nFourth line\nFifth line\nSixth line"
    )


def test_a_large_vertical_gap_becomes_a_paragraph_break() -> None:
    content = text_op(b"(Heading) Tj 0 -14 Td (body one) Tj 0 -48 Td (Next section) Tj")
    assert extract_pdf_text(one_page(content)) == "Heading\nbody one\n\nNext section"


def test_moving_along_the_same_line_separates_words() -> None:
    content = text_op(b"(Name:) Tj 60 0 Td (Ada) Tj")
    assert extract_pdf_text(one_page(content)) == "Name: Ada"


def test_text_matrix_positions_lines_across_separate_text_objects() -> None:
    content = (
        b"BT /F1 10 Tf 1 0 0 1 72 700 Tm (top) Tj ET "
        b"BT /F1 10 Tf 1 0 0 1 150 700 Tm (right) Tj ET "
        b"BT /F1 10 Tf 1 0 0 1 72 688 Tm (below) Tj ET"
    )
    assert extract_pdf_text(one_page(content)) == "top right\nbelow"


def test_pages_come_in_page_tree_order_with_inherited_resources() -> None:
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            # Resources sit on the root node; an intermediate node reverses the object order.
            b"<< /Type /Pages /Kids [7 0 R 6 0 R] /Count 2"
            b" /Resources << /Font << /F1 3 0 R >> >> >>",
            FONT,
            stream(text_op(b"(second page) Tj")),
            stream(text_op(b"(first page) Tj"), compress=True),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [8 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 7 0 R /Contents 5 0 R >>",
        ]
    )
    assert extract_pdf_text(pdf) == "first page\n\nsecond page"


def test_a_contents_array_is_read_as_one_stream() -> None:
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
            FONT,
            # Streams of one page may be split at any token boundary, even inside BT ... ET.
            stream(b"BT /F1 12 Tf 72 700 Td (part one) Tj"),
            stream(b"( and two) Tj ET", compress=True),
            b"<< /Type /Page /Parent 2 0 R /Contents [4 0 R 5 0 R]"
            b" /Resources << /Font << /F1 3 0 R >> >> >>",
        ]
    )
    assert extract_pdf_text(pdf) == "part one and two"


CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfchar
<0001> <0048>
<0002> <0069>
endbfchar
2 beginbfrange
<0003> <0005> <0061>
<0010> <0011> [<00E9> <D83DDE00>]
endbfrange
endcmap
end end
"""


def test_type0_fonts_are_decoded_through_their_tounicode_cmap() -> None:
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            b"<< /Type /Font /Subtype /Type0 /BaseFont /Subset+Sans /Encoding /Identity-H"
            b" /ToUnicode 6 0 R >>",
            stream(b"BT /F1 12 Tf 72 700 Td <00010002> Tj 0 -14 Td <000300040005 00100011> Tj ET"),
            PAGE4,
            stream(CMAP, compress=True),
        ]
    )
    assert extract_pdf_text(pdf) == "Hi\nabc\u00e9\U0001f600"


def test_objects_inside_a_compressed_object_stream_are_found() -> None:
    inner = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R"
            b" /Resources << /Font << /F1 6 0 R >> >> >>",
        ),
        (6, FONT),
    ]
    header = b""
    body = b""
    for number, obj in inner:
        header += b"%d %d " % (number, len(body))
        body += obj + b"\n"
    objstm = stream(
        header + body, compress=True, extra=b" /Type /ObjStm /N 4 /First %d" % len(header)
    )
    pdf = bytearray(b"%PDF-1.5\n")
    pdf += b"4 0 obj\n" + objstm + b"\nendobj\n"
    pdf += b"5 0 obj\n" + stream(text_op(b"(packed away) Tj"), compress=True) + b"\nendobj\n"
    # No xref table, and a startxref that points nowhere: the reader rebuilds the index.
    pdf += b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"
    assert extract_pdf_text(bytes(pdf)) == "packed away"


def test_form_xobjects_drawn_with_do_contribute_their_text() -> None:
    form = stream(
        b"BT /F1 12 Tf 0 0 Td (inside the form) Tj ET",
        extra=b" /Type /XObject /Subtype /Form /BBox [0 0 100 100]"
        b" /Resources << /Font << /F1 3 0 R >> >>",
    )
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            FONT,
            stream(text_op(b"(before) Tj") + b" q /Fm1 Do Q"),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R"
            b" /Resources << /Font << /F1 3 0 R >> /XObject << /Fm1 6 0 R >> >> >>",
            form,
        ]
    )
    # The form draws at its own origin, far from the page text: a separate block.
    assert extract_pdf_text(pdf) == "before\n\ninside the form"


def test_inline_image_data_is_skipped_even_when_it_looks_like_operators() -> None:
    content = b"BI /W 4 /H 1 /BPC 8 /CS /G ID \x00(Tj)\xff EI\n" + text_op(b"(after the image) Tj")
    assert extract_pdf_text(one_page(content)) == "after the image"


def test_an_indirect_length_and_a_missing_xref_table_are_tolerated() -> None:
    # The trailer says where the xref table is, but there is none: the reader rebuilds it.
    content = text_op(b"(no xref here) Tj")
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            FONT,
            b"<< /Length 6 0 R >>\nstream\n" + content + b"\nendstream",
            PAGE4,
            b"%d" % len(content),
        ],
        trailer=None,
    )
    pdf += b"trailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"
    assert extract_pdf_text(pdf) == "no xref here"


def test_an_incremental_update_replaces_the_earlier_object() -> None:
    pdf = one_page(text_op(b"(old text) Tj"))
    previous = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    offset = len(pdf)
    pdf += b"4 0 obj\n" + stream(text_op(b"(new text) Tj")) + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n4 1\n%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        previous,
        xref,
    )
    assert extract_pdf_text(pdf) == "new text"


def test_a_differences_encoding_maps_codes_to_its_glyphs() -> None:
    # (the old extractor could not: it read every simple font as WinAnsi)
    font = (
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding"
        b" << /BaseEncoding /WinAnsiEncoding /Differences [65 /eacute /germandbls] >> >>"
    )
    pdf = one_page(text_op(b"(caf\x80 AB) Tj")).replace(FONT, font)
    assert extract_pdf_text(pdf) == "caf\u20ac \u00e9\u00df"


def test_mac_roman_fonts_are_decoded_as_mac_roman() -> None:
    # (the old extractor could not)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /MacRomanEncoding >>"
    pdf = one_page(text_op(b"(caf\x8e) Tj")).replace(FONT, font)
    assert extract_pdf_text(pdf) == "caf\u00e9"


def test_a_run_length_encoded_content_stream_is_decoded() -> None:
    # (the old extractor could not: it refused the filter)
    content = text_op(b"(run length) Tj")
    encoded = bytes([len(content) - 1]) + content + b"\x80"
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            FONT,
            b"<< /Length %d /Filter /RunLengthDecode >>\nstream\n" % len(encoded)
            + encoded
            + b"\nendstream",
            PAGE4,
        ]
    )
    assert extract_pdf_text(pdf) == "run length"


def test_filter_chains_and_png_predictors_are_decoded() -> None:
    content = text_op(b"(predicted rows) Tj")
    # One PNG row with the Sub filter: each byte stored as the difference from its left one.
    row = bytes(
        [content[0]] + [(content[i] - content[i - 1]) & 0xFF for i in range(1, len(content))]
    )
    encoded = zlib.compress(b"\x01" + row).hex().encode()
    pdf = assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            FONT,
            b"<< /Length %d /Filter [/ASCIIHexDecode /FlateDecode]"
            b" /DecodeParms [null << /Predictor 12 /Columns %d >>] >>\nstream\n"
            % (len(encoded) + 1, len(content))
            + encoded
            + b">\nendstream",
            PAGE4,
        ]
    )
    assert extract_pdf_text(pdf) == "predicted rows"


@pytest.mark.parametrize(
    ("pdf", "message"),
    [
        (b"GIF89a not a pdf at all", "not a PDF"),
        (one_page(b"")[:40], "cannot be read"),
        (
            one_page(b"x").replace(b"<< /Length 1 >>", b"<< /Length 1 /Filter /JBIG2Decode >>"),
            "cannot decode",
        ),
        (
            make_pdf(["secret"], encrypt=StandardEncryption("user-pw", ownerPassword="owner")),
            "encrypted and needs a password",
        ),
        (
            assemble(
                [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
            ),
            "no pages",
        ),
    ],
    ids=["not-pdf", "truncated", "unsupported-filter", "encrypted", "no-pages"],
)
def test_unreadable_pdfs_raise_pdf_error_saying_why(pdf: bytes, message: str) -> None:
    with pytest.raises(PdfError, match=message):
        extract_pdf_text(pdf)


def test_a_corrupt_compressed_stream_gives_no_text_rather_than_garbage() -> None:
    pdf = one_page(b"x").replace(
        b"<< /Length 1 >>\nstream\nx", b"<< /Length 1 /Filter /FlateDecode >>\nstream\nx"
    )
    assert extract_pdf_text(pdf) == ""


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "flate"])
def test_a_real_writers_pages_and_paragraphs_come_back(compress: bool) -> None:
    long_paragraph = " ".join(f"word{i}" for i in range(40))
    menu = "Caf\u00e9 menu: cr\u00e8me br\u00fbl\u00e9e"
    pages = [f"Title (draft) \\ v2\n\n{long_paragraph}", menu]
    pdf = make_pdf(pages, compress=compress)
    assert (b"/FlateDecode" in pdf) is compress
    paragraphs = extract_pdf_text(pdf).split("\n\n")
    assert paragraphs[0] == "Title (draft) \\ v2"
    # Wrapped lines come back as lines of one paragraph, every word in order.
    assert paragraphs[1].split() == long_paragraph.split()
    assert "\n" in paragraphs[1]
    assert paragraphs[2] == menu
    assert len(paragraphs) == 3


def test_an_embedded_truetype_subset_is_read_through_its_tounicode_map() -> None:
    text = "Stra\u00dfe \u2014 na\u00efve \u201cquotes\u201d \u00a9 \u00bd"
    pdf = make_pdf([text, "second page"], font="Vera")
    assert b"/ToUnicode" in pdf and b"/FontFile2" in pdf
    assert extract_pdf_text(pdf) == f"{text}\n\nsecond page"


def test_a_pdf_locked_only_by_an_owner_password_is_read() -> None:
    # (the old extractor could not: it refused every encrypted file)
    locked = StandardEncryption("", ownerPassword="owner", canCopy=0)
    pdf = make_pdf(["owner protected text"], encrypt=locked)
    assert b"/Encrypt" in pdf
    assert extract_pdf_text(pdf) == "owner protected text"


def test_many_pages_come_back_in_order() -> None:
    pdf = make_pdf([f"page number {n}" for n in range(1, 31)])
    assert extract_pdf_text(pdf).split("\n\n") == [f"page number {n}" for n in range(1, 31)]


def test_a_stream_that_inflates_past_the_limit_is_refused() -> None:
    pdf = one_page(text_op(b"(" + b"A" * 2000 + b") Tj"), compress=True)
    with pytest.raises(PdfError, match="too large to read"):
        extract_pdf_text(pdf, max_stream_bytes=1000)
    assert extract_pdf_text(pdf, max_stream_bytes=10_000) == "A" * 2000


def test_damaged_files_raise_pdf_error_or_give_text_but_never_crash() -> None:
    rng = random.Random(20250131)
    seeds = [
        make_pdf(["Hello world\n\nSecond paragraph here", "Page two"], compress=compress)
        for compress in (False, True)
    ]
    alphabet = b"()<>[]/%\\ 0123456789Robjstream TjTJ"
    for _ in range(400):
        data = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(data))
            roll = rng.random()
            if roll < 0.4:
                data[pos] = rng.randrange(256)
            elif roll < 0.7:
                del data[pos : pos + rng.randint(1, 40)]
            else:
                data[pos:pos] = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
        try:
            assert isinstance(extract_pdf_text(bytes(data)), str)
        except PdfError:
            pass


def test_deeply_nested_arrays_are_refused_without_recursing_forever() -> None:
    content = text_op(b"(before) Tj " + b"[" * 5000 + b"(x)" + b"]" * 5000 + b" TJ (after) Tj")
    with pytest.raises(PdfError, match="nested too deeply"):
        extract_pdf_text(one_page(content))
    with pytest.raises(PdfError, match="nested too deeply"):
        extract_pdf_text(assemble([b"[" * 5000 + b"]" * 5000]))
