/**
 * Structured outputs for {@link LlmAgent}: the JSON Schema of a reply, derived from the zod
 * schemas, and the `response_format` bodies that ask an endpoint to constrain its output to it.
 *
 * The reply schema is `{"decisions":[{"alert_id","action_type"}]}` built from the zod
 * {@link DecisionSchema} / {@link ActionTypeSchema}; for a given tick it is narrowed to the ids
 * queued at that tick (an `enum`) and at most one decision per alert ({@link replySchemaFor}).
 * It is sent in one of four modes, tried in {@link RESPONSE_FORMATS} order: an endpoint that
 * rejects a mode (HTTP 400/422) is asked again with the next one, down to `plain` (no
 * `response_format`, the prompt alone):
 *
 * - `json_schema`: OpenAI's `{"type":"json_schema","json_schema":{name,schema,strict:true}}`
 *   (OpenAI, vLLM, llama.cpp's `llama-server`, …);
 * - `json_object_schema`: `{"type":"json_object","schema":{…}}` (llama-cpp-python's server,
 *   which turns the schema into a grammar for constrained decoding);
 * - `json_object`: `{"type":"json_object"}` (any JSON; the shape comes from the prompt);
 * - `plain`: nothing.
 *
 * @example
 * ```ts
 * import { isSchemaValidReply, replySchemaFor, responseFormatBody } from "./llm_response_format.ts";
 * import { makeEnv } from "../../tasks/registry.ts";
 *
 * const observation = makeEnv("easy").reset({ seed: 1 }).observation;
 * const schema = replySchemaFor(observation);
 * console.log(responseFormatBody("json_object_schema", schema)); // { type: "json_object", schema }
 * const id = observation.alerts[0].id;
 * console.log(isSchemaValidReply({ decisions: [{ alert_id: id, action_type: "IGNORE" }] }, observation)); // true
 * ```
 *
 * @module
 */
import { z } from "../deps.ts";
import type { Observation } from "../models.ts";
import { ActionTypeSchema, DecisionSchema, MAX_DECISIONS } from "../schemas.ts";

/** How a request asks for structured output, from the strongest to none. */
export type ResponseFormatMode = "json_schema" | "json_object_schema" | "json_object" | "plain";

/** The modes in the order they are tried when an endpoint rejects one. */
export const RESPONSE_FORMATS: readonly ResponseFormatMode[] = [
  "json_schema",
  "json_object_schema",
  "json_object",
  "plain",
];

/** The name the reply schema is sent under (`json_schema.name`). */
export const REPLY_SCHEMA_NAME = "triage_decisions";

/** Whether `value` names a {@link ResponseFormatMode}. */
export function isResponseFormatMode(value: string): value is ResponseFormatMode {
  return (RESPONSE_FORMATS as readonly string[]).includes(value);
}

/** The mode after `mode` in {@link RESPONSE_FORMATS} (`plain` stays `plain`). */
export function nextResponseFormat(mode: ResponseFormatMode): ResponseFormatMode {
  return RESPONSE_FORMATS[
    Math.min(RESPONSE_FORMATS.indexOf(mode) + 1, RESPONSE_FORMATS.length - 1)
  ];
}

/**
 * The zod schema of a reply: `{"decisions":[...]}` and nothing else. Without ids, each decision
 * is a {@link DecisionSchema} and the list holds at most {@link MAX_DECISIONS}; with the ids of a
 * tick, `alert_id` must be one of them and the list holds at most one decision per id.
 */
export function replyZodSchema(ids?: readonly string[]): z.ZodType<{
  decisions: { alert_id: string; action_type: string }[];
}> {
  const decision = ids?.length
    ? z.object({ alert_id: z.enum(ids as [string, ...string[]]), action_type: ActionTypeSchema })
      .strict()
    : DecisionSchema;
  return z.object({ decisions: z.array(decision).max(ids?.length || MAX_DECISIONS) }).strict();
}

/** A zod schema as a plain JSON Schema object (draft 2020-12, without the `$schema` key). */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

/** The JSON Schema of any reply (no tick's ids): what the decision format is. */
export const REPLY_JSON_SCHEMA: Record<string, unknown> = jsonSchema(replyZodSchema());

/** The JSON Schema of a reply to `observation`: its alert ids only, one decision per alert. */
export function replySchemaFor(observation: Observation): Record<string, unknown> {
  return jsonSchema(replyZodSchema(observation.alerts.map((a) => a.id)));
}

/** Whether a parsed reply matches {@link replySchemaFor} `observation` exactly (no repairs). */
export function isSchemaValidReply(value: unknown, observation: Observation): boolean {
  return replyZodSchema(observation.alerts.map((a) => a.id)).safeParse(value).success;
}

/** The `response_format` request field of a mode, or undefined for `plain`. */
export function responseFormatBody(
  mode: ResponseFormatMode,
  schema: Record<string, unknown>,
): Record<string, unknown> | undefined {
  switch (mode) {
    case "json_schema":
      return {
        type: "json_schema",
        json_schema: { name: REPLY_SCHEMA_NAME, schema, strict: true },
      };
    case "json_object_schema":
      return { type: "json_object", schema };
    case "json_object":
      return { type: "json_object" };
    case "plain":
      return undefined;
  }
}
