// The end of an episode: the grade against the threshold with its breakdown, and the hidden
// truth (each alert's class and outcome, the incidents and the service graph with what
// cascaded). Rendered only from what the server sends once an episode has ended.
import { h, label, num, shortAction } from "./format.js";

/** The grade panel: score, threshold, success and the grader's breakdown. */
export function gradePanel(
  { task_score, success, success_threshold, breakdown, damage, threshold },
) {
  const meterMax = 1;
  return h(
    "div",
    { class: "grade" },
    h(
      "p",
      { class: `score ${success ? "ok" : "bad"}` },
      "Grade ",
      h("strong", { id: "grade-score", "data-score": task_score }, num(task_score, 3)),
      ` — threshold ${num(success_threshold, 2)} — `,
      h("strong", {}, success ? "success" : "below the threshold"),
    ),
    h(
      "div",
      {
        class: "meter",
        role: "img",
        "aria-label": `score ${num(task_score, 3)} against threshold ${num(success_threshold, 2)}`,
      },
      h("div", { class: "meter-fill", style: `width:${(task_score / meterMax) * 100}%` }),
      h("div", { class: "meter-mark", style: `left:${(success_threshold / meterMax) * 100}%` }),
    ),
    damage === undefined ? null : h(
      "p",
      {},
      `Damage ${num(damage, 1)} of the failure threshold ${num(threshold, 0)}`,
    ),
    h(
      "table",
      { class: "compact" },
      h("caption", {}, "Grader breakdown"),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, "quantity"), h("th", { scope: "col" }, "value")),
      ),
      h(
        "tbody",
        {},
        Object.entries(breakdown ?? {}).map(([k, v]) =>
          h("tr", {}, h("th", { scope: "row" }, label(k)), h("td", { class: "num" }, num(v, 3)))
        ),
      ),
    ),
  );
}

const OUTCOME_BAD = new Set(["failed", "expired", "dropped"]);

/** The truth: alerts with class and outcome, incidents, and the service graph. */
export function truthPanel(truth, yourDecisions = new Map()) {
  const alerts = [...truth.alerts].sort((a, b) =>
    a.arrived_tick - b.arrived_tick || a.id.localeCompare(b.id, "en", { numeric: true })
  );
  return h(
    "div",
    { class: "truth" },
    h("h3", {}, "Alerts: class and outcome"),
    h(
      "div",
      {
        class: "table-wrap",
        tabindex: 0,
        role: "region",
        "aria-label": "Alerts with their hidden class",
      },
      h(
        "table",
        { id: "truth-alerts" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              "id",
              "arrived",
              "type",
              "service",
              "class",
              "true severity",
              "decision",
              "outcome",
              "at tick",
              "incident",
            ]
              .map((c) => h("th", { scope: "col" }, c)),
          ),
        ),
        h(
          "tbody",
          {},
          alerts.map((a) =>
            h(
              "tr",
              { class: `kind-${a.kind}` },
              h("td", {}, a.id),
              h("td", { class: "num" }, a.arrived_tick),
              h("td", {}, a.alert_type),
              h("td", {}, a.service),
              h("td", {}, h("span", { class: `tag kind-${a.kind}` }, a.kind)),
              h("td", { class: "num" }, num(a.true_severity, 2)),
              h("td", {}, a.decision ? shortAction(a.decision) : (yourDecisions.get(a.id) ?? "–")),
              h("td", { class: OUTCOME_BAD.has(a.outcome) ? "bad" : "" }, label(a.outcome)),
              h("td", { class: "num" }, a.outcome_tick < 0 ? "–" : a.outcome_tick),
              h("td", { class: "num" }, a.incident_id < 0 ? "–" : a.incident_id),
            )
          ),
        ),
      ),
    ),
    h("h3", {}, "Incidents"),
    truth.incidents.length === 0 ? h("p", {}, "No incidents.") : h(
      "div",
      { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "Incidents" },
      h(
        "table",
        { id: "truth-incidents" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              "incident",
              "service",
              "root alert",
              "started",
              "status",
              "ended",
              "cascaded from",
              "dependents",
            ]
              .map((c) => h("th", { scope: "col" }, c)),
          ),
        ),
        h(
          "tbody",
          {},
          truth.incidents.map((i) =>
            h(
              "tr",
              {},
              h("td", { class: "num" }, i.id),
              h("td", {}, i.service),
              h("td", {}, i.root_alert_id),
              h("td", { class: "num" }, i.started_tick),
              h("td", { class: i.status === "failed" ? "bad" : "" }, i.status),
              h("td", { class: "num" }, i.ended_tick < 0 ? "–" : i.ended_tick),
              h(
                "td",
                { class: "num" },
                i.cascade_parent < 0 ? "–" : `incident ${i.cascade_parent}`,
              ),
              h("td", { class: "num" }, i.dependents),
            )
          ),
        ),
      ),
    ),
    h("h3", {}, "Service graph"),
    serviceGraph(truth),
  );
}

/** The services on a circle, an arrow per dependency, and the incidents that cascaded. */
export function serviceGraph(truth) {
  const services = truth.services;
  const n = services.length;
  const W = 420, H = 300, R = 110, cx = W / 2, cy = H / 2;
  const pos = new Map(services.map((s, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2;
    return [s.name, { x: cx + R * Math.cos(a), y: cy + R * Math.sin(a) }];
  }));
  const byService = new Map();
  for (const i of truth.incidents) {
    const list = byService.get(i.service) ?? [];
    list.push(i);
    byService.set(i.service, list);
  }
  const incidentById = new Map(truth.incidents.map((i) => [i.id, i]));
  const cascades = truth.incidents.filter((i) =>
    i.cascade_parent >= 0 && incidentById.has(i.cascade_parent)
  );
  const svg = h("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "graph",
    role: "img",
    "aria-labelledby": "graph-desc",
  });
  svg.append(h("desc", { id: "graph-desc" }, graphText(truth, cascades, incidentById)));
  for (const s of services) {
    for (const d of s.depends_on) {
      const a = pos.get(s.name), b = pos.get(d);
      if (a && b) svg.append(h("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: "dep" }));
    }
  }
  for (const c of cascades) {
    const from = pos.get(incidentById.get(c.cascade_parent).service), to = pos.get(c.service);
    if (from && to) {
      svg.append(h("line", { x1: from.x, y1: from.y, x2: to.x, y2: to.y, class: "cascade" }));
    }
  }
  for (const s of services) {
    const p = pos.get(s.name);
    const incidents = byService.get(s.name) ?? [];
    const failed = incidents.some((i) => i.status === "failed");
    const cls = failed ? "node failed" : incidents.length ? "node incident" : "node";
    svg.append(
      h("circle", { cx: p.x, cy: p.y, r: 16, class: cls }),
      h("text", { x: p.x, y: p.y + 30, "text-anchor": "middle", class: "node-label" }, s.name),
      incidents.length
        ? h(
          "text",
          { x: p.x, y: p.y + 4, "text-anchor": "middle", class: "node-count" },
          incidents.length,
        )
        : null,
    );
  }
  return h(
    "figure",
    { class: "graph-figure" },
    svg,
    h(
      "figcaption",
      {},
      "Grey lines: dependencies. Red lines: an incident that cascaded from one service to another. " +
        "Numbers: incidents on the service; a filled red node had a failure.",
    ),
  );
}

function graphText(truth, cascades, incidentById) {
  const deps = truth.services.map((s) =>
    `${s.name} depends on ${s.depends_on.join(", ") || "nothing"}`
  );
  const cas = cascades.map((c) =>
    `incident ${c.id} on ${c.service} cascaded from incident ${c.cascade_parent} on ${
      incidentById.get(c.cascade_parent).service
    }`
  );
  return [...deps, ...cas].join("; ") + ".";
}
