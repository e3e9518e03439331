"""Repair of text that was decoded with the wrong character set before the page was saved.

Some pages print their punctuation as ``â\\x80\\x99`` for ``’``: UTF-8 bytes that a
publishing tool read as Latin-1 and wrote back as UTF-8. Others print a Windows-1252 byte
as the Unicode control character of the same number (``\\x93`` for ``“``). Both leave C1
control characters (U+0080 to U+009F) in the text, which no page prints on purpose: only
pages that hold one are repaired, and only the characters around them.
"""

from __future__ import annotations

import re

_C1 = re.compile("[\u0080-\u009f]")
_C1_CHARS = tuple(chr(code) for code in range(0x80, 0xA0))
# A UTF-8 byte sequence read as Latin-1: a lead byte, then its continuation bytes.
_UTF8_AS_LATIN1 = re.compile(
    "[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}"
    "|[\u00f0-\u00f4][\u0080-\u00bf]{3}"
)


def _redecode(match: re.Match[str]) -> str:
    run = match.group()
    if not _C1.search(run):
        return run  # "Ã©" may be meant: only runs with a control character are repaired
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run


def _windows_1252(match: re.Match[str]) -> str:
    try:
        return bytes([ord(match.group())]).decode("cp1252")
    except UnicodeDecodeError:
        return ""  # a byte Windows-1252 leaves undefined prints nothing


def repair_mojibake(text: str) -> str:
    """``text`` with UTF-8 read as Latin-1 decoded again and stray Windows-1252 bytes mapped.

    Text without a C1 control character is returned as it is.
    """
    # one fast substring scan per character: several times quicker than the class search
    if text.isascii() or not any(char in text for char in _C1_CHARS):
        return text
    return _C1.sub(_windows_1252, _UTF8_AS_LATIN1.sub(_redecode, text))
