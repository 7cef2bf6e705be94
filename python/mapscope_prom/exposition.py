"""Exposition: one scrape of Prometheus's text format, parsed into families (TYPE, HELP) and samples.

What the end-to-end tests need: sample lookups by name and labels (all of them, or some), and the family a sample
belongs to (histogram _bucket/_count/_sum samples map back to their family). A line that is not a sample, a
comment or blank raises ExpositionError naming its line number.
"""

import re
import urllib.request

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)(?:\s+-?\d+)?$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class ExpositionError(Exception):
    pass


class Exposition:
    def __init__(self, text):
        self.types, self.help = {}, {}
        self.samples = []   # (name, labels dict, value)
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("# TYPE "):
                name, _, kind = line[7:].partition(" ")
                self.types[name] = kind.strip()
            elif line.startswith("# HELP "):
                name, _, text_ = line[7:].partition(" ")
                self.help[name] = text_
            elif line.strip() and not line.startswith("#"):
                match = _SAMPLE.match(line)
                if not match:
                    raise ExpositionError(f"line {number}: not a sample: {line!r}")
                labels = dict(_LABEL.findall(match.group("labels") or ""))
                self.samples.append((match.group("name"), labels, float(match.group("value"))))

    @classmethod
    def scrape(cls, url, timeout=10):
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return cls(response.read().decode("utf-8"))

    def select(self, name, **labels):
        """[(labels, value)] of the samples named `name` whose labels include `labels`."""
        return [(l, v) for n, l, v in self.samples
                if n == name and all(l.get(k) == want for k, want in labels.items())]

    def sample(self, name, **labels):
        """The value of the sample with exactly these labels, or None when there is none."""
        for n, l, v in self.samples:
            if n == name and l == labels:
                return v
        return None

    def value(self, name, **labels):
        """The value of the one sample matching; ExpositionError when there is none or several."""
        found = self.select(name, **labels)
        if len(found) != 1:
            raise ExpositionError(f"{len(found)} samples of {name}{labels}, expected one")
        return found[0][1]

    def family_of(self, sample_name):
        if sample_name in self.types:
            return sample_name
        for suffix in ("_bucket", "_count", "_sum"):
            base = sample_name[: -len(suffix)]
            if sample_name.endswith(suffix) and self.types.get(base) == "histogram":
                return base
        return None
