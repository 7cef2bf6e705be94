"""Findings: what a checker of shipped files (rules, dashboards) found wrong, one `WHERE: message` line each."""

import sys


class Findings:
    """Collects findings as `WHERE: message` lines; WHERE is FILE:LINE or FILE: place in the file."""

    def __init__(self):
        self.lines = []

    def add(self, where, message):
        self.lines.append(f"{where}: {message}")


def report(tool, lines, clean_message):
    """Prints the finding lines (stdout) and a summary (stderr) as every checker does; returns the exit code."""
    for line in lines:
        print(line)
    if lines:
        print(f"{tool}: {len(lines)} finding(s)", file=sys.stderr)
        return 1
    print(f"{tool}: {clean_message}", file=sys.stderr)
    return 0
