"""mapscope_prom: the Python helpers of mapscope's Prometheus side, shared by dashboards/, alerts/ and tests/.

- promql: a scanner of PromQL expressions (selectors, ranges, enclosing calls, aggregations).
- grafana: dashboards' panels, query variables and Grafana's variable interpolation.
- findings: the `WHERE: message` findings of the checkers of shipped files.
- api: a client of Prometheus's HTTP API.
- exposition: a parser of Prometheus's text exposition format.

The package needs Python's standard library only (the tools that read YAML add Debian's python3-yaml). The tools
and tests find it through PYTHONPATH, set to the `python/` folder by CMake's test environment and by
tests/e2e/lib.sh; run a tool by hand as `PYTHONPATH=python python3 alerts/lint_rules.py ...` from the source tree.
"""
