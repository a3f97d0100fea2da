#!/usr/bin/env python3
"""Checks the deployment examples in docs/deploy with the tools that load them.

    check_deploy.py prometheus     REPO PROMTOOL
    check_deploy.py alertmanager   REPO AMTOOL
    check_deploy.py kubernetes     REPO DEBRIEFD AMTOOL
    check_deploy.py debriefd       REPO DEBRIEFD
    check_deploy.py systemd        REPO DEBRIEFD

Exit 0 when every check passes, 1 on a failure, 77 when a checker is not installed.
"""

import pathlib
import shutil
import subprocess
import sys
import tempfile

SKIP = 77

# Where an alert must go: labels -> receivers, for every Alertmanager example.
ROUTING = [
    # debriefd's own reminders reach the team only: not debriefd, not the pager.
    ({"alertname": "IncidentDebriefOverdue", "alert_source": "debriefd", "severity": "critical",
      "service": "checkout", "incident_id": "INC-1"}, "team-reminders"),
    ({"alertname": "DebriefActionItemsOverdue", "alert_source": "debriefd", "service": "checkout"},
     "team-reminders"),
    # Every other alert is recorded by debriefd, then paged as before.
    ({"alertname": "HighErrorRate", "service": "checkout", "severity": "critical"}, "debriefd,pager"),
    ({"alertname": "NodeDiskFull"}, "debriefd"),
]


def run(cmd, **kwargs):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False, **kwargs)
    out = (result.stdout + result.stderr).strip()
    if out:
        print(out, flush=True)
    return result.returncode, out


def need(tool):
    path = shutil.which(tool) or (tool if pathlib.Path(tool).is_file() else None)
    if not path:
        print(f"SKIP: {tool} is not installed (scripts/install-deps.sh installs it)")
        sys.exit(SKIP)
    return path


def check_prometheus(repo, promtool):
    """promtool resolves rule_files relative to the config, as Prometheus does: lay the
    files out the way the examples' comments tell users to."""
    promtool = need(promtool)
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "rules").mkdir()
        shutil.copy(repo / "config/prometheus/debriefd.rules.yml", tmp / "rules")
        # The token and CA files the examples name, where their comments put them
        # (promtool checks that they exist).
        for name in ("secrets/debriefd-read-token", "tls/debriefd-ca.crt",
                     "debriefd-tokens/read-token", "debriefd-tls/ca.crt"):
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text("placeholder\n")
        for example in ("prometheus.yml", "prometheus-kubernetes.yml"):
            shutil.copy(repo / "docs/deploy" / example, tmp)
            code, out = run([promtool, "check", "config", tmp / example])
            if code != 0 or "1 rule files found" not in out:
                print(f"FAIL: docs/deploy/{example}")
                failed = True
    return failed


def check_alertmanager_file(amtool, path, label):
    failed = False
    code, _ = run([amtool, "check-config", path])
    if code != 0:
        print(f"FAIL: {label} does not load")
        return True
    for labels, receivers in ROUTING:
        args = [f"{k}={v}" for k, v in labels.items()]
        code, _ = run([amtool, "config", "routes", "test", f"--config.file={path}",
                       f"--verify.receivers={receivers}", *args])
        if code != 0:
            print(f"FAIL: {label}: {labels} should reach {receivers}")
            failed = True
    text = pathlib.Path(path).read_text()
    if "send_resolved: true" not in text or "/webhooks/alertmanager" not in text:
        print(f"FAIL: {label}: debriefd's webhook needs send_resolved: true")
        failed = True
    return failed


def check_alertmanager(repo, amtool):
    amtool = need(amtool)
    # amtool warns about --alertmanager.url when it reads a file; keep it quiet.
    return check_alertmanager_file(amtool, repo / "docs/deploy/alertmanager.yml",
                                   "docs/deploy/alertmanager.yml")


def config_mount_of(container):
    return next((m["mountPath"] for m in container.get("volumeMounts", []) if m["name"] == "debriefd-config"), None)


def check_debriefd(repo, debriefd):
    """The config and web config as the unit's comments install them: the token
    files beside the config (made here with placeholder tokens)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        shutil.copy(repo / "docs/deploy/debriefd.yaml", tmp)
        shutil.copy(repo / "docs/deploy/web-config.yml", tmp)
        (tmp / "secrets").mkdir()
        for name in ("ingest-token", "read-token"):
            (tmp / "secrets" / name).write_text("placeholder\n")
        code, _ = run([debriefd, "check-config", tmp / "debriefd.yaml", f"--web.config.file={tmp / 'web-config.yml'}"])
    return code != 0


def check_kubernetes(repo, debriefd, amtool):
    try:
        import yaml  # python3-yaml, installed by scripts/install-deps.sh
    except ImportError:
        print("SKIP: python3-yaml is not installed (scripts/install-deps.sh installs it)")
        sys.exit(SKIP)
    amtool = need(amtool)
    docs = [d for d in yaml.safe_load_all((repo / "docs/deploy/kubernetes.yaml").read_text()) if d]
    by_kind = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    problems = []

    sts = by_kind[("StatefulSet", "alertmanager")]
    pod = sts["spec"]["template"]["spec"]
    containers = {c["name"]: c for c in pod["containers"]}
    if set(containers) != {"alertmanager", "debriefd"}:
        problems.append(f"the pod should run alertmanager and debriefd, not {sorted(containers)}")
    sidecar = containers.get("debriefd", {})
    ports = {p["name"]: p["containerPort"] for p in sidecar.get("ports", [])}

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        am_yml = tmp / "alertmanager.yml"
        am_yml.write_text(by_kind[("ConfigMap", "alertmanager-config")]["data"]["alertmanager.yml"])
        if check_alertmanager_file(amtool, am_yml, "kubernetes.yaml alertmanager-config"):
            problems.append("the embedded alertmanager.yml fails its checks")
        am = yaml.safe_load(am_yml.read_text())
        hooks = [w["url"] for r in am["receivers"] for w in r.get("webhook_configs", [])
                 if w["url"].endswith("/webhooks/alertmanager")]
        want = f"https://localhost:{ports.get('debriefd-http')}/webhooks/alertmanager"
        if hooks != [want]:
            problems.append(f"Alertmanager should post to the sidecar at {want}, not {hooks}")

        cfg_text = by_kind[("ConfigMap", "debriefd-config")]["data"]["debriefd.yaml"]
        web_text = by_kind[("ConfigMap", "debriefd-config")]["data"]["web-config.yml"]
        # The Secrets' files, where the pod mounts them, moved under tmp.
        for name in ("debriefd-tokens/ingest-token", "debriefd-tokens/read-token"):
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text("placeholder\n")
        cfg_file = tmp / "debriefd.yaml"
        cfg_file.write_text(cfg_text.replace("/etc/debriefd-tokens/", f"{tmp}/debriefd-tokens/"))
        web_file = tmp / "web-config.yml"
        web_file.write_text(web_text)
        code, _ = run([debriefd, "check-config", cfg_file, f"--web.config.file={web_file}"])
        if code != 0:
            problems.append("the embedded debriefd.yaml or web-config.yml does not load")
        if f"--web.config.file={config_mount_of(sidecar)}/web-config.yml" not in sidecar.get("args", []):
            problems.append(f"debriefd does not read its web config (TLS): args {sidecar.get('args')}")
        probes = [sidecar.get(p, {}).get("httpGet", {}) for p in ("livenessProbe", "readinessProbe")]
        if any(p.get("scheme") != "HTTPS" for p in probes):
            problems.append(f"with TLS on, the probes need scheme: HTTPS: {probes}")
        cfg = yaml.safe_load(cfg_text)
        listen_port = int(str(cfg["listen"]).rsplit(":", 1)[1])
        if listen_port != ports.get("debriefd-http"):
            problems.append(f"debriefd listens on {listen_port}, its container port is {ports}")
        store_dir = str(pathlib.PurePosixPath(cfg["storage"]["path"]).parent)
        mounts = {m["mountPath"]: m["name"] for m in sidecar.get("volumeMounts", [])}
        claims = {c["metadata"]["name"] for c in sts["spec"].get("volumeClaimTemplates", [])}
        if mounts.get(store_dir) not in claims:
            problems.append(f"the store directory {store_dir} is not on a persistent volume ({mounts})")
        config_mount = next((m for m, n in mounts.items() if n == "debriefd-config"), None)
        if f"{config_mount}/debriefd.yaml" not in sidecar.get("args", []):
            problems.append(f"debriefd does not read its ConfigMap: args {sidecar.get('args')}")

    service = by_kind[("Service", "alertmanager")]
    if "debriefd-http" not in {p.get("targetPort") for p in service["spec"]["ports"]}:
        problems.append("the Service does not expose debriefd-http")
    for p in problems:
        print(f"FAIL: docs/deploy/kubernetes.yaml: {p}")
    return bool(problems)


def check_systemd(repo, debriefd):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("SKIP: systemd-analyze is not installed")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as tmp:
        unit = pathlib.Path(tmp) / "debriefd.service"
        # systemd-analyze checks that the binary exists: point it at the one just built.
        text = (repo / "docs/deploy/debriefd.service").read_text()
        unit.write_text(text.replace("/usr/local/bin/debriefd", str(pathlib.Path(debriefd).resolve())))
        code, out = run([analyze, "verify", unit])
    # It reports unknown keys as warnings with exit 0: any output is a failure.
    return code != 0 or bool(out)


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    mode, repo = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    args = sys.argv[3:]
    checks = {
        "prometheus": check_prometheus,
        "alertmanager": check_alertmanager,
        "kubernetes": check_kubernetes,
        "debriefd": check_debriefd,
        "systemd": check_systemd,
    }
    if mode not in checks:
        print(__doc__, file=sys.stderr)
        return 2
    failed = checks[mode](repo, *args)
    print("FAILED" if failed else "OK")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
