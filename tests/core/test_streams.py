from __future__ import annotations

import threading

import pytest

from core.streams import pump


def test_chunks_arrive_while_the_writer_is_still_writing():
    second_chunk_allowed = threading.Event()

    def write(out, call):
        out.write(b"a" * 10)
        out.flush()
        second_chunk_allowed.wait(5)
        out.write(b"b" * 10)

    stream = pump(write, chunk=4)
    assert next(stream) == b"a" * 10  # before the writer has finished
    second_chunk_allowed.set()
    assert b"".join(stream) == b"b" * 10


def test_calls_run_on_the_reading_thread():
    reader = threading.get_ident()

    def write(out, call):
        out.write(str(call(threading.get_ident) == reader).encode())

    assert b"".join(pump(write)) == b"True"


def test_a_writer_error_is_raised_to_the_reader():
    def write(out, call):
        out.write(b"partial")
        out.flush()
        raise ValueError("broken item")

    stream = pump(write, chunk=1)
    assert next(stream) == b"partial"
    with pytest.raises(ValueError, match="broken item"):
        next(stream)


def test_closing_the_stream_stops_the_writer():
    wrote = []

    def write(out, call):
        for i in range(10_000):
            out.write(b"x" * 10)
            out.flush()
            wrote.append(i)

    stream = pump(write, chunk=1, depth=2)
    next(stream)
    stream.close()  # joins the writer: it must have stopped, not written all 10,000
    assert len(wrote) < 100
