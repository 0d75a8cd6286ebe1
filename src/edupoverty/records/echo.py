"""Text from a file, made safe to show (回显文本): control characters written as escapes.

A header, a file name or a value read from a file may hold characters a terminal obeys
instead of showing: ESC starting a colour or cursor sequence (``\\x1b[2J`` clears the
screen), a carriage return that hides what went before on the line, a line feed that makes
one message look like two, a C1 control, or a bidirectional control such as U+202E that
shows ``gpj.exe`` as ``exe.jpg``. Wherever such text is echoed — in a finding, an error
message, a table or JSON printed by the command line — it goes through one rule,
:data:`CONTROLS` (every character of the Unicode categories Cc, Cf, Zl, Zp and Cs), and
:func:`printable` writes each such character as a visible escape: ``\\t``, ``\\n``,
``\\r``, ``\\x1b``, ``\\u202e``. Everything else — Chinese, spaces, punctuation — is kept,
and text without a control character is returned as it is.

Examples:
    >>> printable("\\x1b[31m学校\\u202e")
    '\\\\x1b[31m学校\\\\u202e'
    >>> printable("姓名"), printable("a\\nb")
    ('姓名', 'a\\\\nb')
"""

from __future__ import annotations

import re

__all__ = ["CONTROLS", "printable"]

CONTROLS = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1 (Cc)
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"  # Cf
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"  # Cf (bidi, zero width), Zl, Zp
    "\ufeff\ufff9-\ufffb"  # Cf
    "\ud800-\udfff"  # Cs: lone surrogates (undecodable bytes of a file name)
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"  # Cf
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"  # Cf
    "]"
)
"""Every character a terminal may obey instead of show: the Unicode categories Cc
(controls), Cf (format characters, the bidirectional controls among them), Zl and Zp (line
and paragraph separators) and Cs (surrogates). A test holds it to :mod:`unicodedata`.

Examples:
    >>> bool(CONTROLS.search("\\u202eexe.jpg")), bool(CONTROLS.search("学校 A-1"))
    (True, False)
"""

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every character of :data:`CONTROLS` written as a visible escape
    (``\\t``, ``\\n``, ``\\r``, ``\\xNN``, ``\\uNNNN``, ``\\UNNNNNNNN``), everything else
    as it is. Applying it twice changes nothing more: its escapes hold no control character.

    Examples:
        >>> printable("名单\\r.csv")
        '名单\\\\r.csv'
        >>> printable(printable("\\x1b")) == printable("\\x1b")
        True
    """
    if CONTROLS.search(text) is None:
        return text
    return CONTROLS.sub(_escape, text)
