"""English numbers in words, the way the voices say them best: 21 -> 'twenty-one', 105 -> 'one hundred five'.

Other languages take theirs from num2words (:meth:`audiocoach.words.language.Language.number`).
"""

from __future__ import annotations

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def english_number(n: int) -> str:
    """0..999999 as words a TTS says well: 21 -> 'twenty-one', 105 -> 'one hundred five'."""
    if n < 0:
        return "minus " + english_number(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {english_number(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    return f"{english_number(thousands)} thousand" + (f" {english_number(rest)}" if rest else "")
