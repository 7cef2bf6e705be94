#!/usr/bin/env python3
"""Checks the example Kubernetes manifests of this folder against the real mapscope-agent.

Every file parses as YAML. In every pod template, the mapscope-agent container's arguments are flags that
`mapscope-agent --help` lists, and with its --config.file pointed at the configuration the manifest mounts from its
ConfigMap, `mapscope-agent ARGS --check-config` accepts them (so the flags' values and the configuration's keys are
valid too); its `mapscope` container port is the port of --web.listen-address; it holds CAP_SYS_PTRACE and no other
container does; a Deployment's pod shares its process namespace (a sidecar) and a DaemonSet's uses the host's.

usage: check_manifests.py --agent PATH [MANIFEST.yaml...]   (default: every *.yaml of this folder)
Prints one line per problem (FILE: where: what) and exits 1 when there is any.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT_CONTAINER = "mapscope-agent"
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9.-]*")


def help_flags(agent):
    """The long flags `mapscope-agent --help` lists."""
    result = subprocess.run([agent, "--help"], capture_output=True, text=True, check=True, timeout=30)
    return set(_FLAG.findall(result.stdout))


def pod_templates(documents):
    """(kind/name, pod spec) of every workload."""
    for doc in documents:
        spec = ((doc.get("spec") or {}).get("template") or {}).get("spec")
        if spec is not None:
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["kind"], spec


def config_maps(documents):
    return {doc["metadata"]["name"]: doc.get("data") or {} for doc in documents if doc.get("kind") == "ConfigMap"}


def added_capabilities(container):
    return set((((container.get("securityContext") or {}).get("capabilities") or {}).get("add")) or [])


def mounted_file(spec, container, path, maps):
    """The text of the ConfigMap key mounted at `path` in the container, or None."""
    volumes = {v["name"]: v for v in spec.get("volumes") or []}
    for mount in container.get("volumeMounts") or []:
        if os.path.dirname(path) == mount["mountPath"].rstrip("/"):
            config_map = (volumes.get(mount["name"]) or {}).get("configMap") or {}
            return maps.get(config_map.get("name"), {}).get(os.path.basename(path))
    return None


class ManifestChecker:
    def __init__(self, agent, flags):
        self.agent = agent
        self.flags = flags
        self.problems = []

    def add(self, where, message):
        self.problems.append(f"{where}: {message}")

    def check_file(self, path):
        name = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                documents = [doc for doc in yaml.safe_load_all(f) if doc]
        except (OSError, yaml.YAMLError) as err:
            self.add(name, f"not YAML: {err}")
            return
        maps = config_maps(documents)
        workloads = list(pod_templates(documents))
        if not workloads:
            self.add(name, "no workload with a pod template")
        for workload, kind, spec in workloads:
            self.check_pod(f"{name}: {workload}", kind, spec, maps)

    def check_pod(self, where, kind, spec, maps):
        containers = spec.get("containers") or []
        agents = [c for c in containers if c.get("name") == AGENT_CONTAINER]
        if len(agents) != 1:
            self.add(where, f"needs exactly one container named {AGENT_CONTAINER}")
            return
        for container in containers:
            if container is not agents[0] and "SYS_PTRACE" in added_capabilities(container):
                self.add(where, f"container {container.get('name')} must not hold SYS_PTRACE; only the agent reads")
        if "SYS_PTRACE" not in added_capabilities(agents[0]):
            self.add(where, "the agent needs the capability SYS_PTRACE to read other processes")
        if kind == "Deployment" and spec.get("shareProcessNamespace") is not True:
            self.add(where, "a sidecar needs shareProcessNamespace: true to see the service's process")
        if kind == "DaemonSet" and spec.get("hostPID") is not True:
            self.add(where, "a node-wide agent needs hostPID: true to see the node's processes")
        self.check_agent(f"{where}: container {AGENT_CONTAINER}", spec, agents[0], maps)

    def check_agent(self, where, spec, container, maps):
        args = [str(a) for a in container.get("args") or []]
        if container.get("command"):
            self.add(where, "must not override the image's command; pass flags in args")
        for arg in args:
            flag = arg.split("=", 1)[0]
            if flag not in self.flags:
                self.add(where, f"{flag} is not a flag of mapscope-agent --help")
        values = dict(arg.split("=", 1) for arg in args if "=" in arg)
        port = values.get("--web.listen-address", "").rpartition(":")[2]
        ports = {p.get("name"): str(p.get("containerPort")) for p in container.get("ports") or []}
        if ports.get("mapscope") != port:
            self.add(where, f"container port mapscope ({ports.get('mapscope')}) must be the port of "
                            f"--web.listen-address ({port or 'unset'}), where Prometheus scrapes")
        config_path = values.get("--config.file")
        if not config_path:
            self.add(where, "needs --config.file=PATH from a ConfigMap")
            return
        text = mounted_file(spec, container, config_path, maps)
        if text is None:
            self.add(where, f"{config_path} is not mounted from a ConfigMap of the manifest")
            return
        self.check_with_agent(where, args, config_path, text)

    def check_with_agent(self, where, args, config_path, text):
        with tempfile.TemporaryDirectory() as tmp:
            local = os.path.join(tmp, os.path.basename(config_path))
            with open(local, "w", encoding="utf-8") as f:
                f.write(text)
            local_args = [f"--config.file={local}" if a.startswith("--config.file=") else a for a in args]
            result = subprocess.run([self.agent, *local_args, "--check-config"], capture_output=True, text=True,
                                    check=False, timeout=30)
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip().replace(tmp, os.path.dirname(config_path))
            self.add(where, f"mapscope-agent {' '.join(args)} --check-config refuses it: {output}")


def check(paths, agent):
    checker = ManifestChecker(agent, help_flags(agent))
    for path in paths:
        checker.check_file(path)
    return checker.problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agent", required=True, help="the mapscope-agent binary")
    parser.add_argument("manifests", nargs="*")
    args = parser.parse_args(argv)
    paths = args.manifests or sorted(glob.glob(os.path.join(HERE, "*.yaml")))
    try:
        problems = check(paths, args.agent)
    except (OSError, subprocess.SubprocessError) as err:
        print(f"check_manifests: cannot run {args.agent}: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    print(f"check_manifests: {len(paths)} manifests, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
