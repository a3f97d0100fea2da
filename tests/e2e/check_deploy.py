#!/usr/bin/env python3
"""Checks the deployment examples in docs/deploy with the tools that load them.

    check_deploy.py prometheus     REPO PROMTOOL
    check_deploy.py alertmanager   REPO AMTOOL
    check_deploy.py kubernetes     REPO DEBRIEFD AMTOOL  (kubernetes.yaml and kubernetes-replicated.yaml)
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
        for example in ("prometheus.yml", "prometheus-kubernetes.yml",
                        "prometheus-kubernetes-replicated.yml"):
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
    failed = check_kubernetes_sidecar(repo, debriefd, amtool, yaml)
    return check_kubernetes_replicated(repo, debriefd, amtool, yaml) or failed


def manifest(repo, name, yaml):
    docs = [d for d in yaml.safe_load_all((repo / "docs/deploy" / name).read_text()) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def check_kubernetes_sidecar(repo, debriefd, amtool, yaml):
    """kubernetes.yaml: debriefd beside a single Alertmanager, SQLite on a volume claim."""
    by_kind = manifest(repo, "kubernetes.yaml", yaml)
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


def selects(selector, labels):
    """Whether a selector (matchLabels, or a Service's plain map) picks pods with `labels`."""
    match = selector.get("matchLabels", selector) if selector else {}
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def check_kubernetes_replicated(repo, debriefd, amtool, yaml):
    """kubernetes-replicated.yaml: replicas on PostgreSQL behind a Service, every pod
    scraped by docs/deploy/prometheus-kubernetes-replicated.yml."""
    name = "docs/deploy/kubernetes-replicated.yaml"
    by_kind = manifest(repo, "kubernetes-replicated.yaml", yaml)
    problems = []

    deploy = by_kind[("Deployment", "debriefd")]
    replicas = deploy["spec"].get("replicas", 1)
    if replicas < 2:
        problems.append(f"a replicated Deployment needs replicas >= 2, not {replicas}")
    template = deploy["spec"]["template"]
    pod_labels = template["metadata"]["labels"]
    if not selects(deploy["spec"]["selector"], pod_labels):
        problems.append("the Deployment's selector does not match its pods")
    pod = template["spec"]
    containers = {c["name"]: c for c in pod["containers"]}
    if set(containers) != {"debriefd"}:
        problems.append(f"the pod should run debriefd alone, not {sorted(containers)}")
    container = containers.get("debriefd", {})
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    claims = [v["name"] for v in pod.get("volumes", []) if "persistentVolumeClaim" in v]
    if claims or deploy["spec"].get("volumeClaimTemplates"):
        problems.append(f"replicas keep no store of their own, yet the pod has volume claims {claims}")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    config_mount = config_mount_of(container)
    args = container.get("args", [])
    if f"{config_mount}/debriefd.yaml" not in args:
        problems.append(f"debriefd does not read its ConfigMap: args {args}")
    if f"--web.config.file={config_mount}/web-config.yml" not in args:
        problems.append(f"debriefd does not read its web config (TLS): args {args}")
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = container.get(probe, {}).get("httpGet", {})
        if get.get("path") != path or get.get("scheme") != "HTTPS" \
                or get.get("port") not in ("debriefd-http", ports.get("debriefd-http")):
            problems.append(f"{probe} should GET {path} over HTTPS on debriefd-http, not {get}")

    cfg_text = by_kind[("ConfigMap", "debriefd-config")]["data"]["debriefd.yaml"]
    web_text = by_kind[("ConfigMap", "debriefd-config")]["data"]["web-config.yml"]
    cfg = yaml.safe_load(cfg_text)
    storage = cfg.get("storage", {})
    dsn_file = str(storage.get("dsn_file", ""))
    if storage.get("driver") != "postgres" or not dsn_file or "dsn" in storage or "path" in storage:
        problems.append(f"storage should be driver: postgres with a dsn_file only, not {storage}")
    dsn_volume = volumes.get(mounts.get(str(pathlib.PurePosixPath(dsn_file).parent)), {})
    if "secret" not in dsn_volume:
        problems.append(f"storage.dsn_file {dsn_file} is not in a mounted Secret ({mounts})")
    listen_port = int(str(cfg["listen"]).rsplit(":", 1)[1])
    if listen_port != ports.get("debriefd-http"):
        problems.append(f"debriefd listens on {listen_port}, its container port is {ports}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        # The Secrets' files, where the pod mounts them, moved under tmp (a placeholder
        # dsn: check-config reads the file, it does not connect).
        files = {"/etc/debriefd-tokens/ingest-token": "placeholder",
                 "/etc/debriefd-tokens/read-token": "placeholder"}
        if dsn_file.startswith("/"):
            files[dsn_file] = "host=/nonexistent dbname=debriefd user=debriefd"
        for path, text in files.items():
            cfg_text = cfg_text.replace(path, f"{tmp}{path}")
            (tmp / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (tmp / path.lstrip("/")).write_text(text + "\n")
        cfg_file = tmp / "debriefd.yaml"
        cfg_file.write_text(cfg_text)
        web_file = tmp / "web-config.yml"
        web_file.write_text(web_text)
        code, _ = run([debriefd, "check-config", cfg_file, f"--web.config.file={web_file}"])
        if code != 0:
            problems.append("the embedded debriefd.yaml or web-config.yml does not load")

        # Alertmanager posts to the Service, whichever replica answers.
        service = by_kind[("Service", "debriefd")]
        service_ports = {p.get("targetPort"): p["port"] for p in service["spec"]["ports"]}
        if service["spec"].get("clusterIP") == "None" or not selects(service["spec"].get("selector"), pod_labels):
            problems.append("the Service debriefd should be a ClusterIP Service selecting the pods")
        am_yml = tmp / "alertmanager.yml"
        am_yml.write_text(by_kind[("ConfigMap", "alertmanager-config")]["data"]["alertmanager.yml"])
        if check_alertmanager_file(amtool, am_yml, "kubernetes-replicated.yaml alertmanager-config"):
            problems.append("the embedded alertmanager.yml fails its checks")
        am = yaml.safe_load(am_yml.read_text())
        hooks = [w["url"] for r in am["receivers"] for w in r.get("webhook_configs", [])
                 if w["url"].endswith("/webhooks/alertmanager")]
        host = f"https://debriefd.monitoring.svc:{service_ports.get('debriefd-http')}"
        if hooks != [f"{host}/webhooks/alertmanager"]:
            problems.append(f"Alertmanager should post to the Service at {host}, not {hooks}")

    # Prometheus scrapes every pod through the headless Service, ready or not.
    headless = by_kind.get(("Service", "debriefd-pods"), {}).get("spec", {})
    if headless.get("clusterIP") != "None" or not headless.get("publishNotReadyAddresses") \
            or not selects(headless.get("selector"), pod_labels):
        problems.append("the Service debriefd-pods should be headless, publish pods that are not "
                        f"ready and select the pods: {headless}")
    prom = yaml.safe_load((repo / "docs/deploy/prometheus-kubernetes-replicated.yml").read_text())
    jobs = {j["job_name"]: j for j in prom["scrape_configs"]}
    sd = [(n, c.get("type"), c.get("port")) for c in jobs.get("debriefd", {}).get("dns_sd_configs", [])
          for n in c["names"]]
    want = [("debriefd-pods.monitoring.svc.cluster.local", "A", ports.get("debriefd-http"))]
    if sd != want:
        problems.append(f"prometheus-kubernetes-replicated.yml should scrape every pod {want}, not {sd}")

    pdb = by_kind.get(("PodDisruptionBudget", "debriefd"), {}).get("spec", {})
    if not selects(pdb.get("selector"), pod_labels) or not 1 <= pdb.get("minAvailable", 0) < replicas:
        problems.append(f"the PodDisruptionBudget should keep at least one of {replicas} replicas: {pdb}")
    for p in problems:
        print(f"FAIL: {name}: {p}")
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
