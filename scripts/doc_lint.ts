/**
 * `deno doc --lint` over every door of the package (the `exports` of `deno.json`), linted
 * together as the one public API they are: a type one door shows and another exports (the core
 * door's `PpoAgent.policy` is a `SlotPolicy` from `./learn`) is public.
 *
 * Only diagnostics about third-party code are set aside, and they are printed: those located in
 * a dependency's own files, a reference to one of {@link THIRD_PARTY_TYPES} (`ServerApp.app` is a
 * Hono app, `plotDisplay` takes Observable Plot's options), and the `Plot` namespace that the
 * notebook door re-exports. Everything else fails the check.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-run=deno scripts/doc_lint.ts
 * ```
 *
 * @module
 */

/** Third-party types our doors may show without documenting them. */
export const THIRD_PARTY_TYPES: readonly string[] = ["Hono", "PlotOptions"];

/** One diagnostic of `deno doc --lint`. */
export interface DocDiagnostic {
  /** The rule, e.g. `private-type-ref`. */
  rule: string;
  /** The first line of the message. */
  message: string;
  /** `file:line:col` it points at. */
  location: string;
  /** The whole diagnostic, as printed. */
  text: string;
}

/** Splits `deno doc --lint` output (without colours) into diagnostics. */
export function parseDiagnostics(output: string): DocDiagnostic[] {
  // deno-lint-ignore no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  return plain.split(/\n(?=error\[)/).filter((b) => b.startsWith("error[")).map((text) => {
    const [, rule = "", message = ""] = text.match(/^error\[([^\]]+)\]: (.*)/) ?? [];
    const location = text.match(/-->\s+(\S+)/)?.[1] ?? "";
    return { rule, message, location, text: text.trim() };
  });
}

/** Whether a diagnostic is about third-party code (see the module doc). */
export function isThirdParty(d: DocDiagnostic, root: string): boolean {
  if (d.location && !d.location.startsWith(root)) return true;
  const ref = d.message.match(/references private type '([^']+)'$/)?.[1];
  if (d.rule === "private-type-ref" && ref && THIRD_PARTY_TYPES.includes(ref)) return true;
  return d.rule === "missing-jsdoc" && /\|\s*import \* as \w+ from "[^.]/.test(d.text);
}

if (import.meta.main) {
  const root = new URL("../", import.meta.url).pathname;
  const config = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const doors = Object.values(config.exports as Record<string, string>);
  const out = await new Deno.Command("deno", {
    args: ["doc", "--lint", ...doors],
    cwd: root,
    env: { NO_COLOR: "1" },
  }).output();
  const all = parseDiagnostics(
    new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout),
  );
  const ours = all.filter((d) => !isThirdParty(d, root));
  const set = all.length - ours.length;
  for (const d of ours) console.error(d.text + "\n");
  console.log(
    `deno doc --lint ${doors.join(" ")}: ${ours.length} problem(s); ` +
      `${set} about third-party types set aside (${THIRD_PARTY_TYPES.join(", ")}, Plot)`,
  );
  if (ours.length > 0 || (!out.success && all.length === 0)) Deno.exit(1);
}
