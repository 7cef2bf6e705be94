"""Finds the series selectors of a PromQL expression written with Grafana variables.

Not a parser: promtool validates syntax. This scanner only needs to answer, for each selector, which label matchers
it has, which range it reads and which function call directly encloses it, so that the dashboard checker can hold
every query to the dashboard rules. Grafana variables ($var, ${var}, [[var]]) are kept as single tokens.
"""

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<var>\$\{\w+(?::\w+)?\}|\$\w+|\[\[\w+\]\])
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:[a-zA-Z]+\d*)*)
  | (?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=,(){}\[\]@:])
""", re.VERBOSE)
_LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
_WORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}


class ScanError(Exception):
    pass


@dataclass
class Selector:
    name: str                      # metric name, "" for {__name__=...} selectors
    matchers: list = field(default_factory=list)   # (label, op, value) with the value's quotes removed
    range: str = None              # text inside [...], None for an instant selector
    function: str = None           # the call directly around it (rate, sum, ...), None at top level or in (...)


def tokenize(expr):
    tokens = []
    position = 0
    while position < len(expr):
        match = _TOKEN.match(expr, position)
        if not match:
            raise ScanError(f"unexpected character {expr[position]!r} at {position}")
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Scanner:
    def __init__(self, expr):
        self.tokens = tokenize(expr)
        self.i = 0
        self.calls = []
        self.found = []

    def peek(self, offset=0):
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def expect(self, text):
        kind, value = self.peek()
        if value != text:
            raise ScanError(f"expected {text!r}, found {value!r}")
        self.i += 1

    def skip_label_list(self):
        """At '(' of by (...) / on (...): skips to after its ')'."""
        self.expect("(")
        while self.peek()[1] not in (")", None):
            self.i += 1
        self.expect(")")

    def run(self):
        while self.i < len(self.tokens):
            kind, text = self.peek()
            if kind == "ident":
                self.identifier(text)
            elif text == "{":
                self.selector("")
            elif text == "(":
                self.calls.append(None)
                self.i += 1
            elif text == ")":
                if not self.calls:
                    raise ScanError("unbalanced ')'")
                self.calls.pop()
                self.i += 1
            elif text == "[":
                self.bracket()    # a subquery range after ')'
            else:
                self.i += 1
        if self.calls:
            raise ScanError("unbalanced '('")
        return self.found

    def identifier(self, text):
        word = text.lower()
        self.i += 1
        if word in _LABEL_LISTS:
            if self.peek()[1] == "(":
                self.skip_label_list()
            return
        if word in _WORDS:
            if word == "offset":
                self.i += 1
            return
        if self.peek()[1] == "(":
            self.i += 1
            self.calls.append(text)
            return
        if self.peek()[0] == "ident" and self.peek()[1].lower() in ("by", "without"):
            self.i += 1       # sum by (labels) (expr)
            self.skip_label_list()
            self.expect("(")
            self.calls.append(text)
            return
        self.i -= 1
        self.selector(text)

    def selector(self, name):
        if name:
            self.i += 1
        selector = Selector(name=name, function=self.calls[-1] if self.calls else None)
        if self.peek()[1] == "{":
            self.i += 1
            selector.matchers = self.matchers()
        if self.peek()[1] == "[":
            selector.range = self.bracket()
        self.found.append(selector)

    def matchers(self):
        found = []
        while self.peek()[1] != "}":
            label_kind, label = self.peek()
            op = self.peek(1)[1]
            value_kind, value = self.peek(2)
            if label_kind != "ident" or op not in ("=", "!=", "=~", "!~") or value_kind != "string":
                raise ScanError(f"bad label matcher near {label!r}")
            found.append((label, op, value[1:-1]))
            self.i += 3
            if self.peek()[1] == ",":
                self.i += 1
            elif self.peek()[1] != "}":
                raise ScanError(f"expected ',' or '}}' after matcher {label}")
        self.i += 1
        return found

    def bracket(self):
        self.expect("[")
        parts = []
        while self.peek()[1] not in ("]", None):
            parts.append(self.peek()[1])
            self.i += 1
        self.expect("]")
        return "".join(parts)


def selectors(expr):
    """Every series selector of the expression, in order."""
    return _Scanner(expr).run()
