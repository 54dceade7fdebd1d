"""Check the deployment files without a cluster: ``python deploy/check_manifests.py``.

For each kustomize overlay of ``deploy/k8s/overlays``: render it with ``kubectl kustomize``,
validate every object against the Kubernetes OpenAPI schemas shipped in the
``kubernetes-validate`` package (strict: unknown fields are errors), check that every ConfigMap
and Secret a pod refers to is rendered or comes from an operator, that the dev overlay gives
every setting of ``.env.example`` a value and that the sandbox gateway runs in dev only, and
scan it with checkov (``deploy/k8s/checkov.yaml`` lists the skipped rules and why). Then
validate ``deploy/compose.yaml`` against the compose specification's schema (check-jsonschema's
copy). Nothing is fetched from the network. Exits non-zero with the reasons when a check fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Neither package ships type information; only their documented calls are used here.
import kubernetes_validate  # type: ignore[import-untyped]
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
# The oldest Kubernetes release the manifests promise to work on, and the newest known here.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.latest_version())
# Custom resources of the two operators: their CRD schemas are not shipped in any package this
# check installs, and fetching them would need the network; they are checked for shape only.
OPERATOR_KINDS = {("rabbitmq.com/v1beta1", "RabbitmqCluster"), ("postgresql.cnpg.io/v1", "Cluster")}
# Secrets the production operator creates outside kustomize (see the README's Kubernetes part).
OPERATOR_SECRETS = {"tarifa-common-secrets", "accounts-secrets", "rating-secrets",
                    "invoicing-secrets", "payments-secrets", "notifications-secrets",
                    "invoicing-signing", "accounts-jwt-key"}
# Settings of .env.example that the manifests deliberately leave unset, with the reason.
NOT_SET = {"TARIFA_DATABASE_URL": "each service's <PREFIX>DATABASE_URL comes from its "
                                  "CloudNativePG secret (<service>-postgres-app, key uri)",
           "TARIFA_JWT_PUBLIC_KEY": "the services fetch accounts' keys from TARIFA_JWKS_URL, so "
                                    "a new key in accounts-jwt-key needs no other change",
           "OTEL_EXPORTER_OTLP_ENDPOINT": "the address of the platform's own OpenTelemetry "
                                          "collector, set in the operator's overlay"}
Manifest = dict[str, Any]


def kubectl() -> str:
    """kubectl with a kustomize of version 4 or later (Debian's kubernetes-client if missing)."""
    if shutil.which("kubectl") is None and shutil.which("apt-get") is not None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "kubernetes-client"], check=False,
                       stdout=subprocess.DEVNULL)
    path = shutil.which("kubectl")
    if path is None:
        sys.exit("check-manifests: kubectl is missing (apt-get install kubernetes-client)")
    out = subprocess.run([path, "version", "--client", "-o", "json"], capture_output=True,
                         text=True, check=False).stdout
    version = json.loads(out or "{}").get("kustomizeVersion", "v0")
    if int(re.sub(r"^v?(\d+).*", r"\1", version) or 0) < 4:
        sys.exit(f"check-manifests: kubectl's kustomize is {version}; version 4 or later needed")
    return path


def render(kubectl_path: str, overlay: Path) -> list[Manifest]:
    done = subprocess.run([kubectl_path, "kustomize", str(overlay)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise ManifestError([f"kubectl kustomize {overlay.name}: {done.stderr.strip()}"])
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


class ManifestError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _name(doc: Manifest) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def schema_problems(docs: list[Manifest]) -> Iterator[str]:
    for doc in docs:
        if (doc.get("apiVersion"), doc.get("kind")) in OPERATOR_KINDS:
            if not isinstance(doc.get("spec"), dict) or not doc.get("metadata", {}).get("name"):
                yield f"{_name(doc)}: a custom resource needs metadata.name and a spec"
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                where = "/".join(str(part) for part in exc.path)
                yield f"{_name(doc)} (Kubernetes {version}): {exc.message} at /{where}"
            except kubernetes_validate.SchemaNotFoundError:
                yield f"{_name(doc)}: no such kind in Kubernetes {version}"


def pod_specs(docs: list[Manifest]) -> Iterator[tuple[Manifest, Manifest]]:
    for doc in docs:
        spec = doc.get("spec", {}).get("template", {}).get("spec")
        if isinstance(spec, dict):
            yield doc, spec


def containers(spec: Manifest) -> list[Manifest]:
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def references(spec: Manifest) -> Iterator[tuple[str, str]]:
    """(kind, name) of every ConfigMap and Secret a pod spec reads."""
    for container in containers(spec):
        for source in container.get("envFrom", []):
            for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                if key in source:
                    yield kind, source[key]["name"]
        for env in container.get("env", []):
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                if key in env.get("valueFrom", {}):
                    yield kind, env["valueFrom"][key]["name"]
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            yield "Secret", volume["secret"]["secretName"]
        if "configMap" in volume:
            yield "ConfigMap", volume["configMap"]["name"]


def operator_secrets(docs: list[Manifest], overlay: str) -> set[str]:
    """Secrets that the operators (or, in production, the people running it) create."""
    made = set()
    for doc in docs:
        name = doc.get("metadata", {}).get("name")
        if doc.get("kind") == "Cluster":
            made.add(f"{name}-app")
        if doc.get("kind") == "RabbitmqCluster":
            made.add(f"{name}-default-user")
    return made | (OPERATOR_SECRETS if overlay == "production" else set())


def reference_problems(docs: list[Manifest], overlay: str) -> Iterator[str]:
    rendered = {(d.get("kind"), d.get("metadata", {}).get("name")) for d in docs}
    external = operator_secrets(docs, overlay)
    for doc, spec in pod_specs(docs):
        for kind, name in sorted(set(references(spec))):
            if (kind, name) not in rendered and not (kind == "Secret" and name in external):
                yield f"{_name(doc)} reads {kind} {name}, which nothing creates"


def provided_settings(docs: list[Manifest]) -> set[str]:
    names: set[str] = set()
    for doc in docs:
        if doc.get("kind") in ("ConfigMap", "Secret"):
            names |= set(doc.get("data") or {}) | set(doc.get("stringData") or {})
    for _doc, spec in pod_specs(docs):
        names |= {env["name"] for c in containers(spec) for env in c.get("env", [])}
    return names


def example_settings() -> set[str]:
    """Every setting .env.example names, given a value or commented out."""
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def coverage_problems(docs: list[Manifest]) -> Iterator[str]:
    missing = example_settings() - provided_settings(docs) - set(NOT_SET)
    for name in sorted(missing):
        yield f"setting {name} of .env.example has no ConfigMap, Secret or env entry"


def runs_sandbox(docs: list[Manifest]) -> bool:
    return any("payments.sandbox" in c.get("command", [])
               for _doc, spec in pod_specs(docs) for c in containers(spec))


def overlay_problems(docs: list[Manifest], overlay: str) -> list[str]:
    problems = [*schema_problems(docs), *reference_problems(docs, overlay)]
    if overlay == "dev":
        problems += coverage_problems(docs)
    if runs_sandbox(docs) != (overlay == "dev"):
        problems.append("the sandbox gateway belongs in the dev overlay only")
    return problems


def checkov_problems(docs: list[Manifest], overlay: str) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        rendered = Path(folder) / f"{overlay}.yaml"
        rendered.write_text(yaml.safe_dump_all(docs, sort_keys=False))
        done = subprocess.run(
            [str(Path(sys.executable).with_name("checkov")), "--config-file",
             str(K8S / "checkov.yaml"), "-f", str(rendered)],
            capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return []
    return [f"checkov:\n{done.stdout}{done.stderr}".rstrip()]


def compose_problems() -> list[str]:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("check-jsonschema")), "--builtin-schema",
         "vendor.compose-spec", str(ROOT / "deploy" / "compose.yaml")],
        capture_output=True, text=True, check=False)
    return [] if done.returncode == 0 else [f"deploy/compose.yaml:\n{done.stdout}{done.stderr}"]


def check(overlays_dir: Path = K8S / "overlays") -> list[str]:
    """Every problem found in the overlays under ``overlays_dir`` and in the compose file."""
    tool = kubectl()
    problems: list[str] = []
    for overlay in OVERLAYS:
        try:
            docs = render(tool, overlays_dir / overlay)
        except ManifestError as exc:
            problems += exc.problems
            continue
        found = overlay_problems(docs, overlay) + checkov_problems(docs, overlay)
        problems += [f"{overlay}: {problem}" for problem in found]
    return problems + compose_problems()


def main() -> int:
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"check-manifests: {', '.join(OVERLAYS)} and compose.yaml: "
          f"{'ok' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
