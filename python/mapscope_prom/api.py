"""PrometheusApi: the few calls of Prometheus's HTTP API (/api/v1) that the tools and end-to-end checks make.

Errors (HTTP, connection, an answer whose status is not "success") raise PrometheusError with the query in the
message, so a failed check names what it asked.
"""

import json
import math
import urllib.error
import urllib.parse
import urllib.request


class PrometheusError(Exception):
    pass


def _error_detail(response):
    """Prometheus answers a bad query with 4xx and a JSON body naming the error; anything else is shown cut short."""
    text = response.read().decode("utf-8", "replace")
    try:
        body = json.loads(text)
        return f"{body['errorType']}: {body['error']}"
    except (ValueError, KeyError, TypeError):
        return text[:300]


class PrometheusApi:
    def __init__(self, base_url, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def _get(self, path, params):
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params, doseq=True)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = json.load(response)
        except urllib.error.HTTPError as err:
            raise PrometheusError(f"HTTP {err.code} for {path} {params}: {_error_detail(err)}") from None
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise PrometheusError(f"cannot read {url}: {err}") from None
        if body.get("status") != "success":
            raise PrometheusError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query(self, expr, at=None):
        """Instant vector result: [{"metric": {...}, "value": float}], at unix time `at` (default now)."""
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        data = self._get("/api/v1/query", params)
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": float(data["result"][1])}]
        if data["resultType"] != "vector":
            raise PrometheusError(f"{expr}: expected a vector, got {data['resultType']}")
        return [{"metric": r["metric"], "value": float(r["value"][1])} for r in data["result"]]

    def query_range(self, expr, start, end, step):
        """Range result: [{"metric": {...}, "values": [(t, float), ...]}]."""
        params = {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": step}
        data = self._get("/api/v1/query_range", params)
        return [{"metric": r["metric"], "values": [(float(t), float(v)) for t, v in r["values"]]}
                for r in data["result"]]

    def label_values(self, label, match, start, end):
        """Values of `label` on the series matching the selector `match` between start and end."""
        params = {"match[]": match, "start": f"{start:.3f}", "end": f"{end:.3f}"}
        return self._get(f"/api/v1/label/{urllib.parse.quote(label)}/values", params)

    def active_targets(self):
        return self._get("/api/v1/targets", {"state": "active"})["activeTargets"]


def has_finite_value(series):
    """True when a range-query series has at least one sample that is a number (not NaN, not infinite)."""
    return any(math.isfinite(value) for _, value in series["values"])
