#!/usr/bin/env python3
"""Renders a deployable copy of a rule file with other thresholds and a full runbook address.

Thresholds are the number literals tagged `# threshold: NAME` in expressions; `--list` prints them with their
values. `--set NAME=VALUE` replaces one (repeatable). `--runbook-base URL` replaces the `docs/runbooks.md` prefix of
every runbook_url with the address where the runbooks are published. Nothing else changes.

usage: tune_rules.py [--list] [--set NAME=VALUE]... [--runbook-base URL] INPUT [OUTPUT]   (OUTPUT "-": stdout)
"""

import argparse
import re
import sys

import rules_text

_THRESHOLD = re.compile(r"(?P<value>" + rules_text.NUMBER + r")(?P<gap>\s*)$")
_TAG = re.compile(r"#\s*threshold:\s*(?P<name>[a-z0-9_]+)")
_RUNBOOK = re.compile(r"^(?P<head>\s*runbook_url:\s*['\"]?)docs/runbooks\.md(?P<tail>#.*)$")


def find_thresholds(lines, name="<input>"):
    """Returns {threshold name: (line index, value text)}; a name may be defined once only."""
    flags = rules_text.expr_line_flags(lines)
    found = {}
    for i, (line, is_expr) in enumerate(zip(lines, flags)):
        if not is_expr:
            continue
        code, comment = rules_text.split_comment(line)
        tag = _TAG.search(comment)
        if not tag:
            continue
        where = f"{name}:{i + 1}"
        value = _THRESHOLD.search(code)
        if not value:
            raise rules_text.RulesTextError(f"{where}: threshold {tag['name']} tags no number literal")
        if tag["name"] in found:
            raise rules_text.RulesTextError(f"{where}: threshold {tag['name']} is defined twice")
        found[tag["name"]] = (i, value["value"])
    return found


def parse_setting(text):
    """NAME=VALUE with a plain number as value."""
    name, sep, value = text.partition("=")
    if not sep or not re.fullmatch(rules_text.NUMBER, value):
        raise rules_text.RulesTextError(f"--set {text}: expected NAME=NUMBER")
    return name, value


def set_threshold(lines, index, value):
    code, comment = rules_text.split_comment(lines[index])
    match = _THRESHOLD.search(code)
    lines[index] = code[: match.start()] + value + match.group("gap") + comment


def rebase_runbooks(lines, base):
    changed = 0
    for i, line in enumerate(lines):
        match = _RUNBOOK.match(line)
        if match:
            lines[i] = match.group("head") + base + match.group("tail")
            changed += 1
    return changed


def tune_text(text, settings, runbook_base=None, name="<input>"):
    """Returns the rendered text; settings maps threshold names to number literals."""
    lines = text.split("\n")
    thresholds = find_thresholds(lines, name)
    for key, value in settings.items():
        if key not in thresholds:
            known = ", ".join(sorted(thresholds))
            raise rules_text.RulesTextError(f"{name}: no threshold named {key} (known: {known})")
        set_threshold(lines, thresholds[key][0], value)
    if runbook_base is not None and rebase_runbooks(lines, runbook_base.rstrip("#")) == 0:
        raise rules_text.RulesTextError(f"{name}: no runbook_url starts with docs/runbooks.md")
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print the thresholds and their values")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--runbook-base", metavar="URL", help="address of the published docs/runbooks.md")
    parser.add_argument("input")
    parser.add_argument("output", nargs="?")
    args = parser.parse_args(argv)
    try:
        with open(args.input, encoding="utf-8") as f:
            text = f.read()
        if args.list:
            for key, (index, value) in sorted(find_thresholds(text.split("\n"), args.input).items()):
                print(f"{key}={value}  # {args.input}:{index + 1}")
            return 0
        if not args.output:
            raise rules_text.RulesTextError("OUTPUT is required unless --list is given")
        settings = dict(parse_setting(s) for s in args.set)
        rendered = tune_text(text, settings, args.runbook_base, args.input)
    except (OSError, rules_text.RulesTextError) as err:
        print(f"tune_rules: {err}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.write(rendered)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(rendered)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
