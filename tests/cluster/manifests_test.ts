/**
 * The deployment files are valid and say what the README says: `deploy/k8s/*.yaml` pass
 * `kubernetes-validate --strict` (the Kubernetes 1.37 schemas, from PyPI), and a broken
 * manifest does not; the replicas are a Deployment ready on `/health` that reads the ingest
 * Service, the ingest store a one-pod StatefulSet with a volume, the Ingress hashes on
 * `X-Session-Id` and sends `/ingest` to the ingest service; `deploy/haproxy.cfg` passes
 * `haproxy -c`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CI, PYTHON, ROOT } from "./cluster_helpers.ts";

const VALIDATE = `${ROOT}.venv/bin/kubernetes-validate`;
const MANIFESTS = [...Deno.readDirSync(`${ROOT}deploy/k8s`)]
  .filter((e) => e.name.endsWith(".yaml")).map((e) => `${ROOT}deploy/k8s/${e.name}`).sort();

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  try {
    const out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" })
      .output();
    const dec = new TextDecoder();
    return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
  } catch {
    return { code: -1, text: `${cmd} not found` };
  }
}

const HAVE_VALIDATE = (await run(VALIDATE, ["--version"])).code === 0;
const HAVE_HAPROXY = (await run("haproxy", ["-v"])).code === 0;
if (!(HAVE_VALIDATE && HAVE_HAPROXY) && !CI) {
  console.warn("manifests_test: kubernetes-validate or haproxy missing (run .ci/setup-cluster)");
}

// deno-lint-ignore no-explicit-any
type Doc = Record<string, any>;

async function docs(): Promise<Doc[]> {
  const script = "import json,sys,yaml\n" +
    "print(json.dumps([d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]))";
  const r = await run(PYTHON, ["-c", script, ...MANIFESTS]);
  assert.equal(r.code, 0, r.text);
  return JSON.parse(r.text);
}

Deno.test({
  name: "deploy/k8s: every manifest passes kubernetes-validate --strict; a broken one fails",
  ignore: !HAVE_VALIDATE && !CI,
  async fn() {
    assert.ok(MANIFESTS.length >= 3, MANIFESTS.join(","));
    const ok = await run(VALIDATE, ["--strict", ...MANIFESTS]);
    assert.equal(ok.code, 0, ok.text);
    const text = await Deno.readTextFile(`${ROOT}deploy/k8s/replicas.yaml`);
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/broken.yaml`, text.replace("replicas: 4", "replicas: four"));
      const bad = await run(VALIDATE, ["--strict", `${dir}/broken.yaml`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.text, /spec\.replicas: 'four' is not of type 'integer'/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "deploy/k8s: replicas ready on /health read the one ingest StatefulSet; Ingress hashes sessions",
  ignore: !HAVE_VALIDATE && !CI,
  async fn() {
    const all = await docs();
    const find = (kind: string, name: string) =>
      all.find((d) => d.kind === kind && d.metadata.name === name);
    const deployment = find("Deployment", "alert-triage")!;
    const server = deployment.spec.template.spec.containers[0];
    assert.equal(server.readinessProbe.httpGet.path, "/health");
    assert.ok(server.command.includes("cli/replica.ts"));
    const ingestService = find("Service", "alert-triage-ingest")!;
    const url = server.env.find((e: Doc) => e.name === "ALERT_TRIAGE_INGEST_URL").value;
    assert.equal(url, `http://${ingestService.metadata.name}:${ingestService.spec.ports[0].port}`);
    const ingest = find("StatefulSet", "alert-triage-ingest")!;
    assert.equal(ingest.spec.replicas, 1);
    assert.equal(ingest.spec.volumeClaimTemplates[0].metadata.name, "data");
    const kv = ingest.spec.template.spec.containers[0].env
      .find((e: Doc) => e.name === "ALERT_TRIAGE_KV_PATH").value;
    assert.ok(kv.startsWith("/data/"), kv);
    const ingress = find("Ingress", "alert-triage")!;
    assert.equal(
      ingress.metadata.annotations["nginx.ingress.kubernetes.io/upstream-hash-by"],
      "$http_x_session_id",
    );
    const paths = ingress.spec.rules[0].http.paths as Doc[];
    assert.deepEqual(
      paths.map((p) => [p.path, p.backend.service.name]),
      [["/ingest", "alert-triage-ingest"], ["/", "alert-triage"]],
    );
  },
});

Deno.test({
  name: "deploy/haproxy.cfg passes haproxy -c for 1, 2 and 8 replicas",
  ignore: !HAVE_HAPROXY && !CI,
  async fn() {
    const env: Record<string, string> = {
      CLUSTER_BIND: "127.0.0.1:18000",
      CLUSTER_STATS: "127.0.0.1:18404",
      INGEST_ADDR: "127.0.0.1:18100",
    };
    for (const n of [1, 2, 8]) {
      for (let i = 1; i <= n; i++) env[`REPLICA_${i}`] = `127.0.0.1:${18100 + i}`;
      const r = await run("haproxy", ["-c", "-f", `${ROOT}deploy/haproxy.cfg`], env);
      assert.equal(r.code, 0, r.text);
      assert.match(r.text, /Configuration file is valid/);
    }
  },
});
