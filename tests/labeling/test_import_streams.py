"""The stream parsers on their own: chunk boundaries, offsets, and hostile JSON."""

from __future__ import annotations

import io
import json

import pytest

from labeling.imports import jsonstream
from labeling.imports.problems import ImportMalformed, ImportTooLarge, Problems
from labeling.imports.streams import LimitedReader, decode_chunks, iter_lines
from labeling.imports.textformats import iter_csv, iter_jsonl


def _chunks(text: str, size: int):
    return (text[i : i + size] for i in range(0, len(text), size))


def _array(text: str, size: int = 7) -> list:
    return [value for _, value in jsonstream.iter_json_array(_chunks(text, size))]


VALUES = [
    {"text": 'a "quoted" \\ value', "n": 12345678901234567890, "f": 1.5e-3},
    {"text": "ünïcødé ✓ 𝄞", "meta": {"deep": [[1, [2]], {"x": None}]}},
    {"text": "\\u escape: \u00e9", "ok": True, "no": False, "none": None},
]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 16, 4096])
def test_json_array_parses_the_same_whatever_the_chunk_boundaries(size):
    text = json.dumps(VALUES, indent=1)
    assert _array(text, size) == VALUES


def test_empty_array_yields_nothing_and_whitespace_is_allowed_around_it():
    assert _array("  \n [ \n ] \n ") == []


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ('[{"text": "a"},]', 15),
        ('[{"text": "a"} {"text": "b"}]', 15),
        ('[{"text": "a"}', 14),
        ('[{"text": "a', 10),
        ('{"text": "a"}', 0),
        ('[{"text": "a"}] x', 16),
        ("", 0),
    ],
)
def test_malformed_json_names_the_byte_offset(text, offset):
    with pytest.raises(ImportMalformed) as err:
        _array(text, 4)
    assert err.value.details["offset"] == offset
    assert f"byte {offset}" in err.value.message


def test_offsets_count_bytes_not_characters():
    text = '[{"text": "ééé"}, oops]'
    with pytest.raises(ImportMalformed) as err:
        _array(text, 3)
    assert err.value.details["offset"] == len(text.encode()[: text.encode().index(b"oops")])


def test_deep_nesting_is_reported_not_crashing():
    text = "[" + "[" * 100_000 + "]" * 100_000 + "]"
    with pytest.raises(ImportMalformed, match="nested too deeply"):
        _array(text, 65536)


def test_nan_infinity_and_huge_floats_become_a_marker_for_the_row_validator():
    values = _array('[{"a": NaN, "b": Infinity, "c": -Infinity, "d": 1e400, "e": 1.0}]')
    assert values == [
        {
            "a": jsonstream.NON_FINITE,
            "b": jsonstream.NON_FINITE,
            "c": jsonstream.NON_FINITE,
            "d": jsonstream.NON_FINITE,
            "e": 1.0,
        }
    ]


def test_a_number_cut_by_a_chunk_boundary_is_read_whole():
    assert _array("[123456789]", 4) == [123456789]


def test_bad_utf8_is_reported_at_its_byte_offset_even_across_reads():
    data = "ab€".encode() + b"\xff" + b"tail"
    for size in (1, 2, 3, 100):
        with pytest.raises(ImportMalformed) as err:
            list(decode_chunks(io.BytesIO(data), chunk_size=size))
        assert err.value.details["offset"] == 5


def test_truncated_multibyte_character_at_the_end_is_bad_utf8():
    with pytest.raises(ImportMalformed, match="byte 2"):
        list(decode_chunks(io.BytesIO(b"ab\xe2\x82")))


@pytest.mark.parametrize("size", [1, 2, 3, 64])
def test_a_utf8_bom_is_dropped(size):
    assert "".join(decode_chunks(io.BytesIO(b"\xef\xbb\xbf[1]"), chunk_size=size)) == "[1]"


def test_limited_reader_refuses_one_byte_past_the_limit():
    assert b"".join(LimitedReader(io.BytesIO(b"x" * 10), 10).chunks(3)) == b"x" * 10
    with pytest.raises(ImportTooLarge):
        b"".join(LimitedReader(io.BytesIO(b"x" * 11), 10).chunks(3))


def test_lines_keep_their_endings_and_overlong_lines_are_refused():
    assert list(iter_lines(iter(["a\r\nb", "c\n", "d"]), max_chars=10)) == ["a\r\n", "bc\n", "d"]
    with pytest.raises(ImportMalformed, match="line 2"):
        list(iter_lines(iter(["ok\n", "x" * 20]), max_chars=10))


def test_a_malformed_jsonl_line_is_a_rejected_row_and_the_others_are_read():
    problems = Problems()
    text = '{"text": "a"}\n\n{"text": \n{"text": "c"}\n'
    rows = list(iter_jsonl(iter([text]), problems))
    assert rows == [(1, {"text": "a"}), (4, {"text": "c"})]
    assert problems.listed[0]["row"] == 3
    assert "malformed JSON" in problems.listed[0]["message"]


def test_csv_reads_quoted_newlines_and_meta_columns():
    problems = Problems()
    text = 'text,external_id,priority,meta.lang\n"two\nlines",x1,5,en\nplain,,,\n'
    rows = list(iter_csv(_chunks(text, 3), problems))
    assert rows == [
        (1, {"text": "two\nlines", "external_id": "x1", "priority": 5, "meta": {"lang": "en"}}),
        (2, {"text": "plain"}),
    ]
    assert not problems


def test_csv_with_an_unclosed_quote_names_the_line():
    with pytest.raises(ImportMalformed, match="line"):
        list(iter_csv(iter(['text\nok\n"never closed\n']), Problems()))


@pytest.mark.parametrize(
    ("header", "message"),
    [("name,priority", "unknown CSV column"), ("priority", "no 'text'"), ("text,text", "twice")],
)
def test_csv_header_problems_stop_the_import(header, message):
    with pytest.raises(ImportMalformed, match=message):
        list(iter_csv(iter([header + "\nx\n"]), Problems()))
