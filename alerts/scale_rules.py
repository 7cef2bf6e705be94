#!/usr/bin/env python3
"""Writes a copy of a rule file whose time constants are divided by a factor, for tests that cannot wait hours.

Scaled: every `for:` duration, every range window and subquery range/step in an expression (`[15m]`, `[1h:5m]`),
every `offset` duration, and every number literal tagged with a `# age-seconds` comment on its line.
Nothing else changes: names, labels, annotations, thresholds and layout stay byte for byte the same.
Results are rounded to whole milliseconds. Keep scaled range windows at least four scrape intervals long, or rate()
and increase() see too few samples.

usage: scale_rules.py --factor N INPUT OUTPUT     (OUTPUT "-" writes to stdout)
"""

import argparse
import re
import sys

import rules_text

_FOR = re.compile(r"^(?P<head>\s*(?:-\s+)?for:\s*)(?P<value>[^\s#]+)(?P<tail>.*)$")
_RANGE = re.compile(r"\[(?P<range>[0-9a-z]+)(?::(?P<step>[0-9a-z]*))?\]")
_OFFSET = re.compile(r"(?P<head>\boffset\s+)(?P<value>[0-9a-z]+)")
_AGE = re.compile(r"(?P<value>" + rules_text.NUMBER + r")(?P<gap>\s*)$")
_AGE_TAG = re.compile(r"#\s*age-seconds\b")


class Scaler:
    """Divides durations and tagged ages by one factor and counts what it changed."""

    def __init__(self, factor):
        if not factor > 0:
            raise rules_text.RulesTextError(f"--factor must be above 0, got {factor}")
        self.factor = factor
        self.changes = 0

    def duration(self, text, where):
        try:
            ms = rules_text.parse_duration(text)
        except ValueError as err:
            raise rules_text.RulesTextError(f"{where}: {err}") from None
        scaled = round(ms / self.factor)
        if scaled < 1:
            raise rules_text.RulesTextError(f"{where}: {text} divided by {self.factor} is under 1ms")
        self.changes += 1
        return rules_text.format_duration(scaled)

    def for_line(self, line, where):
        match = _FOR.match(line)
        if not match:
            return line
        return match.group("head") + self.duration(match.group("value"), where) + match.group("tail")

    def expr_line(self, line, where):
        code, comment = rules_text.split_comment(line)
        code = _RANGE.sub(lambda m: self._range(m, where), code)
        code = _OFFSET.sub(lambda m: m.group("head") + self.duration(m.group("value"), where), code)
        if _AGE_TAG.search(comment):
            code = self._age(code, where)
        return code + comment

    def _range(self, match, where):
        scaled = "[" + self.duration(match.group("range"), where)
        step = match.group("step")
        if step is not None:
            scaled += ":" + (self.duration(step, where) if step else "")
        return scaled + "]"

    def _age(self, code, where):
        match = _AGE.search(code)
        if not match:
            raise rules_text.RulesTextError(f"{where}: '# age-seconds' tags no number literal before it")
        self.changes += 1
        value = rules_text.format_number(float(match.group("value")) / self.factor)
        return code[: match.start()] + value + match.group("gap")


def scale_text(text, factor, name="<input>"):
    """Returns (scaled text, number of constants changed)."""
    scaler = Scaler(factor)
    lines = text.split("\n")
    flags = rules_text.expr_line_flags(lines)
    out = []
    for number, (line, is_expr) in enumerate(zip(lines, flags), start=1):
        where = f"{name}:{number}"
        out.append(scaler.expr_line(line, where) if is_expr else scaler.for_line(line, where))
    return "\n".join(out), scaler.changes


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, required=True, help="divide time constants by this")
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args(argv)
    try:
        with open(args.input, encoding="utf-8") as f:
            text = f.read()
        scaled, changes = scale_text(text, args.factor, args.input)
    except (OSError, rules_text.RulesTextError) as err:
        print(f"scale_rules: {err}", file=sys.stderr)
        return 2
    if changes == 0:
        print(f"scale_rules: {args.input}: no time constant found", file=sys.stderr)
        return 2
    try:
        rules_text.write_rules(args.output, scaled)
    except OSError as err:
        print(f"scale_rules: {err}", file=sys.stderr)
        return 2
    print(f"scale_rules: {changes} time constants divided by {args.factor:g}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
