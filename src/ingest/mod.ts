/**
 * The ingest door (`@alert-triage/alert-triage/ingest`): real alerts in. Vendor webhooks
 * (Alertmanager, Grafana, PagerDuty, Datadog, generic JSON, and any format added with
 * {@link registerAlertFormat}) are normalised, deduplicated and kept in a durable Deno KV store,
 * and an episode can then replay what was stored ({@link replayEnvFromStore}) or a JSONL stream
 * ({@link replayEnvFromJsonl}).
 *
 * @example
 * ```ts
 * import { createIngestApp, IngestStore, normalizeAny, replayEnvFromStore } from "./mod.ts";
 *
 * const store = await IngestStore.open(":memory:");
 * const app = createIngestApp({ store, log: () => {} });
 * const body = { routing_key: "k", dedup_key: "db-1", event_action: "trigger",
 *   payload: { summary: "Disk full on db", source: "db", severity: "critical" } };
 * console.log(normalizeAny(body)[0].alert_type);
 * await app.request("/ingest/alerts", { method: "POST", body: JSON.stringify(body) });
 * const env = await replayEnvFromStore(store, "easy", "replay");
 * console.log(env.reset({ seed: 1 }).observation.alerts.length);
 * store.close();
 * ```
 *
 * @module
 */
export { createIngestApp, type IngestAppOptions } from "./routes.ts";
export { DEFAULT_INGEST_CONFIG, type IngestConfig, ingestConfigFromEnv } from "./ingest_config.ts";
export {
  BacklogFullError,
  IngestStore,
  type IngestStoreOptions,
  KvUnavailableError,
  type StoreStats,
} from "./store.ts";
export type { IngestResult } from "./store_commit.ts";
export type { ListPage, ListQuery } from "./store_query.ts";
export type { EventOutcome, StoredAlert } from "./lifecycle.ts";
export {
  ALERT_SOURCES,
  ALERT_STATUSES,
  type AlertStatus,
  type AlertVendor,
  alertVendors,
  type BuiltInVendor,
  type NormalizedAlert,
  type NormalizeOptions,
  TRUTH_LABELS,
  type TruthLabel,
} from "./normalized_alert.ts";
export {
  type AlertFormat,
  detectFormat,
  normalizeAny,
  normalizeAs,
  registerAlertFormat,
  type RegisterFormatOptions,
} from "./detect.ts";
export { IngestFormatError, type IngestIssue } from "./errors.ts";
export { exportJsonl, importJsonl, StreamFormatError } from "./stream_io.ts";
export { type IntegrityReport, verifyStore } from "./store_verify.ts";
export type { TruthRuleOptions } from "./truth_rules.ts";
export {
  makeReplayEnv,
  NoRecordedAlertsError,
  replayEnvFromJsonl,
  replayEnvFromStore,
  type ReplayEnvOptions,
  type ReplayWindow,
} from "../replay/replay_env.ts";
export type { AlertStreamSource, TimedAlert } from "../sim/replay_world.ts";
export type { ReplayAlert, ReplayCount } from "../sim/world_config.ts";
