/**
 * The zod schemas of every wire type, each annotated with the TypeScript type it validates (so
 * the compiler checks that schema and type agree), the JSON Schemas generated from them, and
 * {@link parseAction}, the edge validator that turns a zod issue into an
 * {@link InvalidActionError} naming the field.
 *
 * @example
 * ```ts
 * import { parseAction } from "./schemas.ts";
 * const action = parseAction({ alert_id: "A1", action_type: "INVESTIGATE" });
 * ```
 *
 * @module
 */
import { z } from "./deps.ts";
import { InvalidActionError } from "./errors.ts";
import {
  type Action,
  ACTION_TYPES,
  type ActionType,
  type Alert,
  ALERT_KINDS,
  ALERT_OUTCOMES,
  ALERT_TYPES,
  type AlertTruth,
  type AlertType,
  type Decision,
  type IncidentTruth,
  type Observation,
  type Reward,
  REWARD_COMPONENTS,
  type RewardComponent,
  type ServiceTruth,
  type State,
  type Truth,
} from "./models.ts";

/** Zod schema of an alert category. */
export const AlertTypeSchema: z.ZodEnum<{ [K in AlertType]: K }> = z.enum(ALERT_TYPES);

/** Zod schema of a triage decision type. */
export const ActionTypeSchema: z.ZodEnum<{ [K in ActionType]: K }> = z.enum(ACTION_TYPES);

const unit = z.number().min(0).max(1);

const alertFields = {
  id: z.string().describe("Alert identifier, unique within the episode (e.g. `A17`)"),
  visible_severity: unit.describe("Noisy severity as reported by the monitor, 0..1"),
  confidence: unit.describe("Detection confidence as reported by the monitor, 0..1"),
  alert_type: AlertTypeSchema,
  service: z.string().describe("The service the alert fires on"),
};

/** Zod schema of {@link Alert}. */
export const AlertSchema: z.ZodType<Alert> = z.object({
  ...alertFields,
  age: z.int().min(0).describe("Ticks since the alert arrived"),
}).strict();

/** Zod schema of {@link Observation}. */
export const ObservationSchema: z.ZodType<Observation> = z.object({
  alerts: z.array(AlertSchema).describe("Alerts waiting for a decision, oldest first"),
  system_load: unit.describe("Current system resource utilisation, 0..1"),
  queue_length: z.int().min(0).describe("Number of alerts waiting for a decision"),
  time_remaining: z.int().min(0).describe("Ticks left before the episode is truncated"),
  investigation_budget: z.int().min(0).describe(
    "INVESTIGATE decisions allowed this tick (K, one less under heavy load)",
  ),
  escalations_pending: z.int().min(0).describe("Escalations waiting for or held by specialists"),
  tick: z.int().min(0).describe("Tick number, 0 at reset"),
}).strict();

/** Longest `alert_id` a decision may carry, in Unicode code points (the shortest is 1). */
export const MAX_ALERT_ID_LENGTH = 64;

/** Most decisions one action may list. */
export const MAX_DECISIONS = 256;

const decisionFields = {
  alert_id: z.string().min(1).max(MAX_ALERT_ID_LENGTH),
  action_type: ActionTypeSchema,
};

const metadata = z.record(z.string(), z.unknown()).optional();

/** Zod schema of {@link Decision}. */
export const DecisionSchema: z.ZodType<Decision> = z.object(decisionFields).strict();

/** Zod schema of the single-decision form of {@link Action} (`{alert_id, action_type}`). */
export const SingleDecisionActionSchema: z.ZodType<Decision & { metadata?: Action["metadata"] }> = z
  .object({ ...decisionFields, metadata }).strict();

/** Zod schema of the list form of {@link Action} (`{decisions: [...]}`). */
export const DecisionListActionSchema: z.ZodType<
  { decisions: Decision[]; metadata?: Action["metadata"] }
> = z.object({ decisions: z.array(DecisionSchema).max(MAX_DECISIONS), metadata }).strict();

/**
 * Zod schema of {@link Action}: {@link SingleDecisionActionSchema} or
 * {@link DecisionListActionSchema}. Alerts without a decision are delayed. An optional `metadata`
 * object is accepted (OpenEnv actions carry one).
 */
export const ActionSchema: z.ZodType<Action> = z.union([
  SingleDecisionActionSchema,
  DecisionListActionSchema,
]);

/** Zod schema of {@link Reward}. */
export const RewardSchema: z.ZodType<Reward> = z.object({
  value: z.number().describe("Total reward of the step"),
  components: z.object(
    Object.fromEntries(REWARD_COMPONENTS.map((c) => [c, z.number()])) as Record<
      RewardComponent,
      z.ZodNumber
    >,
  ).strict().describe("Reward contributed by each component this step"),
}).strict();

/** Zod schema of {@link AlertTruth}. */
export const AlertTruthSchema: z.ZodType<AlertTruth> = z.object({
  ...alertFields,
  kind: z.enum(ALERT_KINDS),
  true_severity: unit,
  arrived_tick: z.int().min(0),
  incident_id: z.int().min(-1),
  outcome: z.enum(ALERT_OUTCOMES),
  outcome_tick: z.int().min(-1),
  decision: z.union([ActionTypeSchema, z.null()]),
}).strict();

/** Zod schema of {@link IncidentTruth}. */
export const IncidentTruthSchema: z.ZodType<IncidentTruth> = z.object({
  id: z.int().min(0),
  service: z.string(),
  root_alert_id: z.string(),
  started_tick: z.int().min(0),
  status: z.enum(["active", "resolved", "failed"]),
  ended_tick: z.int().min(-1),
  cascade_parent: z.int().min(-1),
  dependents: z.int().min(0),
  true_severity: unit,
}).strict();

/** Zod schema of {@link ServiceTruth}. */
export const ServiceTruthSchema: z.ZodType<ServiceTruth> = z.object({
  name: z.string(),
  depends_on: z.array(z.string()),
  flakiness: z.number().min(0),
  fragility: z.number().min(0),
  future_failures: z.record(z.string(), unit),
}).strict();

/** Zod schema of {@link Truth}. */
export const TruthSchema: z.ZodType<Truth> = z.object({
  alerts: z.array(AlertTruthSchema),
  incidents: z.array(IncidentTruthSchema),
  services: z.array(ServiceTruthSchema),
  damage: z.number().min(0),
  failure_threshold: z.number().positive(),
  failures: z.int().min(0),
}).strict();

/** Zod schema of {@link State}. */
export const StateSchema: z.ZodType<State> = z.object({
  episode_id: z.union([z.string(), z.null()]),
  step_count: z.int().min(0),
  task_id: z.string(),
  seed: z.union([z.int().min(0), z.null()]),
  done: z.boolean(),
  total_reward: z.number(),
  truth: z.union([TruthSchema, z.null()]),
});

/** JSON Schemas of the wire types, generated from the zod schemas. */
export const JSON_SCHEMAS: {
  alert: Record<string, unknown>;
  observation: Record<string, unknown>;
  action: Record<string, unknown>;
  reward: Record<string, unknown>;
  state: Record<string, unknown>;
} = {
  alert: z.toJSONSchema(AlertSchema) as Record<string, unknown>,
  observation: z.toJSONSchema(ObservationSchema) as Record<string, unknown>,
  action: z.toJSONSchema(ActionSchema) as Record<string, unknown>,
  reward: z.toJSONSchema(RewardSchema) as Record<string, unknown>,
  state: z.toJSONSchema(StateSchema) as Record<string, unknown>,
};

/** The dotted path of a zod issue (`decisions[2].alert_id`), or `fallback` at the root. */
export function issuePath(path: readonly PropertyKey[], fallback = "action"): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out || fallback;
}

/**
 * Validates an untrusted value as an {@link Action}; throws {@link InvalidActionError} naming
 * the first offending field.
 */
export function parseAction(value: unknown): Action {
  const result = ActionSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = deepestIssue(result.error.issues);
  throw new InvalidActionError(issuePath(issue.path), issue.message);
}

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
}

/** For a union failure, the issue of the branch that got furthest (the most useful message). */
function deepestIssue(issues: readonly Issue[]): Issue {
  let best = issues[0];
  for (const issue of issues) {
    if (issue.code === "invalid_union" && issue.errors) {
      for (const branch of issue.errors) {
        if (!branch.length) continue;
        const inner = deepestIssue(branch);
        const candidate = { ...inner, path: [...issue.path, ...inner.path] };
        if (candidate.path.length > best.path.length || best === issue) best = candidate;
      }
    }
  }
  return best;
}
