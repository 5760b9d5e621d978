"""Reading a PNG's header without an image library: the signature, then width and height from IHDR."""

from __future__ import annotations

import struct

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """``(width, height)`` from the IHDR chunk, which the PNG spec puts first; AssertionError if it is not a PNG."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG: bad signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR", "not a PNG: IHDR is not the first chunk"
    assert length == 13, "not a PNG: IHDR has the wrong length"
    width, height = struct.unpack(">II", data[16:24])
    return width, height
