"""Scans a PromQL expression, written with or without Grafana variables, for its selectors and aggregations.

Not a parser: promtool validates syntax. The scanner answers what the dashboard checker and the rule lint hold
queries to: for each selector, its label matchers, the range it reads and the call directly around it; for each
aggregation (sum, max, ...), its `by`/`without` labels and how deeply it is nested. Grafana variables ($var, ${var},
[[var]]) are kept as single tokens.
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
_GROUPINGS = {"by", "without"}
_LABEL_LISTS = _GROUPINGS | {"on", "ignoring", "group_left", "group_right"}
_WORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}
AGGREGATION_OPERATORS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                         "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
COUNTER_SUFFIXES = ("_total", "_bucket", "_count", "_sum")


class ScanError(Exception):
    pass


@dataclass
class Selector:
    name: str                      # metric name, "" for {__name__=...} selectors
    matchers: list = field(default_factory=list)   # (label, op, value) with the value's quotes removed
    range: str = None              # text inside [...], None for an instant selector
    function: str = None           # the call directly around it (rate, sum, ...), None at top level or in (...)


@dataclass
class Aggregation:
    operator: str                  # sum, max, ...
    depth: int                     # calls and parentheses around it: 0 at top level
    grouping: str = None           # "by", "without" or None (every label is aggregated away)
    labels: tuple = ()


@dataclass
class Scan:
    selectors: list
    aggregations: list

    def outermost_aggregation(self):
        """The aggregation nested least deeply (the first of them), or None."""
        return min(self.aggregations, key=lambda a: a.depth, default=None)


def is_counter(name):
    """Counters and histogram series, which are read through rate() or increase()."""
    return name.endswith(COUNTER_SUFFIXES)


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
        self.calls = []            # (name or None for a bare parenthesis, its Aggregation or None)
        self.closed = None         # (index of the ')' just read, the Aggregation it closed or None)
        self.found = []
        self.aggregations = []

    def peek(self, offset=0):
        index = self.i + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None)

    def expect(self, text):
        _, value = self.peek()
        if value != text:
            raise ScanError(f"expected {text!r}, found {value!r}")
        self.i += 1

    def label_list(self):
        """At '(' of by (...) / on (...): the labels, and moves to after its ')'."""
        self.expect("(")
        labels = []
        while self.peek()[1] not in (")", None):
            kind, text = self.peek()
            if kind in ("ident", "string"):
                labels.append(text.strip("\"'`"))
            self.i += 1
        self.expect(")")
        return tuple(labels)

    def run(self):
        while self.i < len(self.tokens):
            kind, text = self.peek()
            if kind == "ident":
                self.identifier(text)
            elif text == "{":
                self.selector("")
            elif text == "(":
                self.open_call(None)
            elif text == ")":
                if not self.calls:
                    raise ScanError("unbalanced ')'")
                self.closed = (self.i, self.calls.pop()[1])
                self.i += 1
            elif text == "[":
                self.bracket()    # a subquery range after ')'
            else:
                self.i += 1
        if self.calls:
            raise ScanError("unbalanced '('")
        return Scan(self.found, self.aggregations)

    def open_call(self, name, grouping=None, labels=()):
        """At '(' of a call (or a bare parenthesis when name is None)."""
        aggregation = None
        if name and name.lower() in AGGREGATION_OPERATORS:
            aggregation = Aggregation(name.lower(), len(self.calls), grouping, labels)
            self.aggregations.append(aggregation)
        self.expect("(")
        self.calls.append((name, aggregation))

    def identifier(self, text):
        word = text.lower()
        position = self.i
        self.i += 1
        if word in _LABEL_LISTS:
            if self.peek()[1] == "(":
                labels = self.label_list()
                # sum (expr) by (labels): the grouping comes after the aggregation it belongs to.
                if word in _GROUPINGS and self.closed and self.closed[0] == position - 1 and self.closed[1]:
                    self.closed[1].grouping, self.closed[1].labels = word, labels
            return
        if word in _WORDS:
            if word == "offset":
                self.i += 1
            return
        if self.peek()[1] == "(":
            self.open_call(text)
            return
        if self.peek()[0] == "ident" and self.peek()[1].lower() in _GROUPINGS:
            grouping = self.peek()[1].lower()   # sum by (labels) (expr)
            self.i += 1
            labels = self.label_list()
            self.open_call(text, grouping, labels)
            return
        self.i = position
        self.selector(text)

    def selector(self, name):
        if name:
            self.i += 1
        selector = Selector(name=name, function=self.calls[-1][0] if self.calls else None)
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


def scan(expr):
    """The selectors and aggregations of the expression, in order."""
    return _Scanner(expr).run()


def selectors(expr):
    """Every series selector of the expression, in order."""
    return scan(expr).selectors
