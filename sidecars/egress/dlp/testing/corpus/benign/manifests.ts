/** Kubernetes, CI and compose manifests that name secrets, sent to be applied or linted. */
import type { Rng } from "../../random.ts";
import { base64 } from "../encode.ts";
import { type AddCase, HTTPS_ONLY, send } from "./common.ts";
import { ciYaml, composeYaml, k8sSecretYaml } from "./documents.ts";

/** Manifests on their way to a cluster, a CI service or a linter. */
export function manifestCases(r: Rng, add: AddCase, ph: Record<string, string>): void {
  // ---- Kubernetes, CI and compose manifests that name secrets
  const k8sHost = "k8s.cluster.internal";
  add(
    "kubernetes secret",
    "create Secret (JSON)",
    k8sHost,
    send(
      "POST",
      "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create",
      [["Content-Type", "application/json"], [
        "User-Agent",
        "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
      ]],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db-credentials", namespace: "default" },
        type: "Opaque",
        data: { username: "YWRtaW4=", password: "Y2hhbmdlbWU=" },
      }),
    ),
  );
  add(
    "kubernetes secret",
    "server-side apply (YAML)",
    k8sHost,
    send(
      "PATCH",
      "/api/v1/namespaces/default/secrets/db-credentials?fieldManager=kubectl&force=true",
      [["Content-Type", "application/apply-patch+yaml"], [
        "User-Agent",
        "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
      ]],
      k8sSecretYaml(),
    ),
  );
  const lintHost = "lint.example.dev";
  for (let i = 0; i < 2; i++) {
    add(
      "ci yaml",
      "workflow with ${{ secrets.X }} (raw)",
      lintHost,
      send(
        "POST",
        "/v1/validate",
        [["Content-Type", "application/yaml"]],
        ciYaml(r),
      ),
    );
    add(
      "ci yaml",
      "workflow committed (GitHub contents API, base64)",
      "api.github.com",
      send(
        "PUT",
        "/repos/acme/app/contents/.github/workflows/ci.yml",
        [
          ["Accept", "application/vnd.github+json"],
          ["Authorization", `Bearer ${ph["api.github.com"]}`],
          ["Content-Type", "application/json"],
        ],
        JSON.stringify({ message: "ci: add workflow", content: base64(ciYaml(r)), branch: "main" }),
      ),
      HTTPS_ONLY,
    );
    add(
      "docker compose",
      "compose file with ${POSTGRES_PASSWORD}",
      lintHost,
      send(
        "POST",
        "/v1/validate",
        [["Content-Type", "application/yaml"]],
        composeYaml(r),
      ),
    );
  }
}
