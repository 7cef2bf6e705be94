"""Text-level helpers of the rule tools: Prometheus durations and number literals, and which lines of a rule file
hold PromQL.

scale_rules.py edits a rule file as text, line by line, so that a scaled copy differs from the original only in
the tokens it changes: comments, quoting and layout stay as written. build_rules.py writes numbers the same way, and
lint_rules.py reads the tagged literals back.
"""

import re
import sys

# A Prometheus duration: one or more number+unit pairs, largest unit first (e.g. 1h30m, 250ms).
DURATION = re.compile(r"^(?:\d+(?:ms|s|m|h|d|w|y))+$")
_DURATION_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000,
            "y": 31_536_000_000}
# A PromQL number literal as the rules write thresholds.
NUMBER = r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
# The key of an expression, plain or as the first key of a list item.
_EXPR_KEY = re.compile(r"^(?P<indent>\s*(?:-\s+)?)expr:\s*(?P<rest>.*)$")
_BLOCK_INDICATOR = re.compile(r"^[|>][+-]?\d*\s*(?:#.*)?$")


class RulesTextError(Exception):
    """Bad input; the message names the line it was found on."""


def parse_duration(text):
    """Returns the duration in milliseconds, or raises ValueError."""
    if not DURATION.match(text):
        raise ValueError(f"not a Prometheus duration: {text!r}")
    return sum(int(n) * _UNIT_MS[u] for n, u in _DURATION_PART.findall(text))


def format_duration(ms):
    """Writes milliseconds in the largest single unit that holds them exactly (h, m, s or ms)."""
    for unit in ("h", "m", "s"):
        if ms % _UNIT_MS[unit] == 0:
            return f"{ms // _UNIT_MS[unit]}{unit}"
    return f"{ms}ms"


def format_number(value):
    """Writes a number as a short PromQL literal (integers without a fraction)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".12g")


def expr_line_flags(lines):
    """For each line, True when it holds PromQL text: the value of an `expr:` key, inline or as a block scalar."""
    flags = [False] * len(lines)
    block_indent = None
    for i, line in enumerate(lines):
        if block_indent is not None:
            stripped = line.strip()
            if not stripped or len(line) - len(line.lstrip()) > block_indent:
                flags[i] = bool(stripped)
                continue
            block_indent = None
        match = _EXPR_KEY.match(line)
        if not match:
            continue
        rest = match.group("rest")
        if _BLOCK_INDICATOR.match(rest):
            block_indent = line.index("expr:")
        elif rest:
            flags[i] = True
    return flags


def split_comment(line):
    """Splits a PromQL line into code and comment (`#` outside double- or single-quoted strings)."""
    quote = None
    escaped = False
    for i, ch in enumerate(line):
        if escaped:
            escaped = False
        elif ch == "\\" and quote:
            escaped = True
        elif quote:
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch == "#":
            return line[:i], line[i:]
    return line, ""


def write_rules(path, text):
    """Writes a rendered rule file to path, or to stdout when path is "-"."""
    if path == "-":
        sys.stdout.write(text)
        return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
