"""Numbers as marketers write them: digits, signs, words and magnitudes ("-3", "zero", "a dozen", "a million").

A number is read *as written* and judged later: "-3 episodes" must reach the validator as -3 (and be refused
specifically), never quietly become 3; "a million" is 1,000,000, not "nothing said". Anything we cannot read as a
number is None, so the caller can tell "no number" from "a bad number".
"""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "no": 0, "none": 0, "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "couple": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "dozen": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "half": 0.5,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
MAGNITUDES = {"hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000, "m": 1_000_000,
              "billion": 1_000_000_000, "bn": 1_000_000_000}
NEGATIVE_WORDS = ("minus", "negative")
_WORD = "|".join(sorted([*UNITS, *TENS, *MAGNITUDES, *NEGATIVE_WORDS, "and"], key=len, reverse=True))
# One spelled or digit number: "-3", "−3", "1,000", "2.5", "twenty-five", "a million", "minus three", "3k".
NUMBER = re.compile(
    rf"(?<![\w.])(?:[-−–+]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn|million|thousand|hundred|billion)\b)?"
    rf"|\b(?:(?:{_WORD})(?:[\s-]+|\b))+",
    re.IGNORECASE,
)


def _words_value(words: list[str]) -> float | None:
    """"twenty five" → 25, "a million" → 1e6, "two hundred" → 200, "a dozen" → 12; None if not a number."""
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word == "and":
            continue
        if word in UNITS:
            if word in ("a", "an") and seen:
                return None
            if word == "dozen":
                current = (current or 1) * 12
            else:
                current += UNITS[word]
            seen = True
        elif word in TENS:
            current += TENS[word]
            seen = True
        elif word in MAGNITUDES:
            current = (current or 1) * MAGNITUDES[word]
            if MAGNITUDES[word] >= 1000:
                total, current = total + current, 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_number(token: str) -> float | None:
    """One number token as written: "-3" → -3, "zero" → 0, "a million" → 1e6, "1,200" → 1200, "3k" → 3000."""
    raw = token.strip().lower().replace("−", "-").replace("–", "-")
    sign = 1.0
    if raw.startswith(("-", "+")):
        sign, raw = (-1.0 if raw[0] == "-" else 1.0), raw[1:].strip()
    for word in NEGATIVE_WORDS:
        if raw.startswith(word):
            sign, raw = -1.0, raw[len(word):].strip()
    digits = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)\s?(k|m|bn|million|thousand|hundred|billion)?", raw)
    if digits:
        value = float(digits.group(1).replace(",", ""))
        if digits.group(2):
            value *= MAGNITUDES[digits.group(2)]
        return sign * value
    words = [w for w in re.split(r"[\s-]+", raw) if w]
    value = _words_value(words)
    return None if value is None else sign * value


def number_before(text: str, nouns: str) -> tuple[float, str] | None:
    """The number written right before one of `nouns` (a regex alternation): ("-3 episodes") → (-3.0, "-3")."""
    pattern = re.compile(rf"({NUMBER.pattern})\s*(?:-\s*)?(?:{nouns})\b", re.IGNORECASE)
    for match in pattern.finditer(text):
        raw = match.group(1).strip(" -") if not match.group(1).strip().startswith(("-", "−", "–")) \
            else match.group(1).strip()
        value = parse_number(raw)
        if value is not None:
            return value, raw
    return None


def describe_bad_count(value: float, what: str, low: int, high: int) -> str:
    """A specific refusal for a count that cannot be used: negative, zero, fractional or absurdly large."""
    shown = f"{value:,.0f}" if value == int(value) else f"{value:g}"
    if value < 0:
        return f"{shown} {what} is a negative number — a season needs {low}–{high} {what}"
    if value == 0:
        return f"zero {what} would be no season at all — pick {low}–{high}"
    if value != int(value):
        return f"{shown} {what} isn't a whole number — pick {low}–{high}"
    if value >= 1000:
        return f"{shown} {what} is far beyond what one season can hold — pick {low}–{high}"
    return f"{shown} {what} is outside {low}–{high}"
