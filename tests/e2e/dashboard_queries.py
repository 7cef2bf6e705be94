"""DashboardQueries: the queries of a shipped Grafana dashboard, with its variables resolved as Grafana does.

Grafana resolves query variables in order (`label_values(SELECTOR, LABEL)` runs against Prometheus with the
variables before it substituted), then interpolates each panel query: a variable whose selection is "All" becomes
its `allValue`; a multi-value selection becomes `(v1|v2)`, each value regex-escaped with the backslash doubled
inside the PromQL string (Grafana's Prometheus data source escapes that way); `$__rate_interval` is
max(4 x scrape interval, step + scrape interval). A variable the substitution does not know is an error, so a
dashboard cannot ship a query this test silently skips.
"""

import json
import re

_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]")
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(?P<selector>.+)\s*,\s*(?P<label>\w+)\s*\)\s*$", re.S)
_REGEX_SPECIALS = set("^$.|?*+()[]{}'")


class DashboardError(Exception):
    pass


def grafana_regex(values):
    """A multi-value selection as Grafana's Prometheus data source writes it into a `=~` matcher."""
    def escape(c):
        if c == "\\":
            return "\\" * 4
        return "\\\\" + c if c in _REGEX_SPECIALS else c

    escaped = ["".join(escape(c) for c in value) for value in values]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def rate_interval(step_seconds, scrape_seconds):
    return f"{int(max(4 * scrape_seconds, step_seconds + scrape_seconds))}s"


def substitute(expr, values):
    """Replaces every $var, ${var} and [[var]] by values[var]; DashboardError for an unknown one."""
    def replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if name not in values:
            raise DashboardError(f"unknown variable ${name} in {expr!r}")
        return values[name]
    return _VARIABLE.sub(replace, expr)


def _panels(panels):
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


class DashboardQueries:
    def __init__(self, path):
        self.path = path
        with open(path, encoding="utf-8") as f:
            self.board = json.load(f)
        self.uid = self.board.get("uid", path)

    def query_variables(self):
        """[(name, label, selector, allValue)] of the query variables, in the dashboard's order."""
        found = []
        for variable in self.board.get("templating", {}).get("list", []):
            if variable.get("type") != "query":
                continue
            query = variable.get("query")
            if isinstance(query, dict):
                query = query.get("query", "")
            match = _LABEL_VALUES.match(query or "")
            if not match:
                raise DashboardError(f"{self.path}: variable {variable['name']}: not label_values(...): {query!r}")
            found.append((variable["name"], match.group("label"), match.group("selector"),
                          variable.get("allValue")))
        return found

    def targets(self):
        """[(panel title, refId, expr)] of every panel target with a query."""
        found = []
        for panel in _panels(self.board.get("panels", [])):
            for target in panel.get("targets", []):
                if target.get("expr"):
                    found.append((panel.get("title", "?"), target.get("refId", "?"), target["expr"]))
        return found
