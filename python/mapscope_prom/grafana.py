"""Grafana dashboards as mapscope's tools read them: panels, query variables and variable interpolation.

Grafana resolves query variables in order (`label_values(SELECTOR, LABEL)` runs against Prometheus with the
variables before it substituted), then interpolates each panel query: a variable whose selection is "All" becomes
its `allValue`; a multi-value selection becomes `(v1|v2)`, each value regex-escaped with the backslash doubled
inside the PromQL string (Grafana's Prometheus data source escapes that way); `$__rate_interval` is
max(4 x scrape interval, step + scrape interval). A variable the interpolation does not know is an error unless the
caller gives a fallback, so that a check cannot silently skip a query.
"""

import json
import re

# $var, ${var}, ${var:format} and the deprecated [[var]].
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
# Grafana's own variables, known to every panel query.
BUILTIN_VARIABLES = {"__rate_interval", "__interval", "__range", "__interval_ms", "__range_s", "__range_ms"}
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?P<selector>.+?)\s*,\s*(?P<label>\w+)\s*\)\s*$", re.S)
_REGEX_SPECIALS = set("^$.|?*+()[]{}'")


class GrafanaError(Exception):
    pass


def _variable_name(match):
    return match.group(1) or match.group(2) or match.group(3)


def variables_used(expr):
    """The names of the variables an expression refers to."""
    return {_variable_name(m) for m in VARIABLE.finditer(expr)}


def substitute(expr, values, fallback=None):
    """Replaces every variable by values[name], or by fallback for one not in values; GrafanaError when there is
    no fallback, so that a caller cannot skip a query it does not know how to resolve."""
    def replace(match):
        name = _variable_name(match)
        if name in values:
            return values[name]
        if fallback is None:
            raise GrafanaError(f"unknown variable ${name} in {expr!r}")
        return fallback
    return VARIABLE.sub(replace, expr)


def regex_of_selection(values):
    """A multi-value selection as Grafana's Prometheus data source writes it into a `=~` matcher."""
    def escape(c):
        if c == "\\":
            return "\\" * 4
        return "\\\\" + c if c in _REGEX_SPECIALS else c

    escaped = ["".join(escape(c) for c in value) for value in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def rate_interval(step_seconds, scrape_seconds):
    """$__rate_interval as Grafana computes it."""
    return f"{int(max(4 * scrape_seconds, step_seconds + scrape_seconds))}s"


def variable_query(variable):
    """The query text of a query variable, whether stored as a string or as {query: ...}."""
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query", "")
    return str(query or "")


def label_values(query):
    """(selector, label) of `label_values(SELECTOR, LABEL)`, or None for any other query."""
    match = _LABEL_VALUES.match(query)
    return (match["selector"], match["label"]) if match else None


def panels(board):
    """Every panel of the dashboard, rows first and the panels folded inside a row after it."""
    def walk(items):
        for panel in items:
            yield panel
            yield from walk(panel.get("panels", []))
    return walk(board.get("panels", []))


class Dashboard:
    """A dashboard JSON file, read for its query variables and panel queries."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, encoding="utf-8") as f:
                self.board = json.load(f)
        except ValueError as err:
            raise GrafanaError(f"{path}: not JSON: {err}") from None
        self.uid = self.board.get("uid", path)

    def query_variables(self):
        """[(name, label, selector, allValue)] of the query variables, in the dashboard's order."""
        found = []
        for variable in self.board.get("templating", {}).get("list", []):
            if variable.get("type") != "query":
                continue
            query = variable_query(variable)
            parsed = label_values(query)
            if not parsed:
                raise GrafanaError(f"{self.path}: variable {variable['name']}: not label_values(...): {query!r}")
            found.append((variable["name"], parsed[1], parsed[0], variable.get("allValue")))
        return found

    def targets(self):
        """[(panel title, refId, expr)] of every panel target with a query."""
        return [(panel.get("title", "?"), target.get("refId", "?"), target["expr"])
                for panel in panels(self.board) for target in panel.get("targets", []) if target.get("expr")]
