// The play page's views, built from plain values (no state here): the gauges, the queue table
// and its sortable head, the reward breakdown and the load and reward charts.
import { lineChart } from "./chart.js";
import { ACTIONS, h, label, num, signed } from "./format.js";

/** The queue's columns (the decision column follows). */
export const COLUMNS = [
  { key: "id", label: "id" },
  { key: "alert_type", label: "type" },
  { key: "service", label: "service" },
  { key: "visible_severity", label: "severity", num: true },
  { key: "confidence", label: "confidence", num: true },
  { key: "age", label: "age", num: true },
];

/** The alerts in the order of `sort` ({key, dir}; key null: the server's order). */
export function sortAlerts(alerts, { key, dir }) {
  const out = [...alerts];
  if (key) {
    out.sort((a, b) => {
      const x = a[key], y = b[key];
      const c = typeof x === "number"
        ? x - y
        : String(x).localeCompare(String(y), "en", { numeric: true });
      return c * dir;
    });
  }
  return out;
}

/** The gauges: tick, load, queue, time, budget left, escalations, return. */
export function gaugesView(obs, budgetLeft, ret) {
  const items = [
    ["Tick", obs.tick],
    ["System load", num(obs.system_load, 2)],
    ["Queue length", obs.queue_length],
    ["Time remaining", obs.time_remaining],
    ["Budget left this tick", `${budgetLeft} of ${obs.investigation_budget}`],
    ["Escalations pending", obs.escalations_pending],
    ["Return so far", signed(ret, 2)],
  ];
  return items.map(([k, v]) =>
    h(
      "div",
      { class: "gauge" },
      h("dt", {}, k),
      h("dd", { id: `g-${k.split(" ")[0].toLowerCase()}` }, v),
    )
  );
}

/** The head cells: a sort button per column (`onSort(column)`), then "decision". */
export function queueHeadView(sort, onSort) {
  return [
    ...COLUMNS.map((c) => {
      const active = sort.key === c.key;
      const state = active ? (sort.dir > 0 ? "ascending" : "descending") : null;
      return h(
        "th",
        { scope: "col", "aria-sort": state, class: c.num ? "num" : "" },
        h(
          "button",
          { type: "button", class: "sort", onclick: () => onSort(c) },
          c.label,
          active ? (sort.dir > 0 ? " ▲" : " ▼") : "",
        ),
      );
    }),
    h("th", { scope: "col" }, "decision"),
  ];
}

/**
 * The queue's rows: the selected one focusable and marked, a decision button per action
 * (pressed when chosen). `onSelect(i)` on a row click, `onDecide(i, type)` on a button.
 */
export function queueRowsView(alerts, decisions, selected, { onSelect, onDecide }) {
  if (alerts.length === 0) {
    return [
      h(
        "tr",
        {},
        h(
          "td",
          { colspan: COLUMNS.length + 1 },
          "The queue is empty: press Enter to let a tick pass.",
        ),
      ),
    ];
  }
  return alerts.map((a, i) => {
    const chosen = decisions.get(a.id) ?? null;
    const isSelected = i === selected;
    return h(
      "tr",
      {
        "data-id": a.id,
        class: isSelected ? "selected" : "",
        tabindex: isSelected ? 0 : -1,
        "aria-current": isSelected ? "true" : null,
        onclick: () => onSelect(i),
      },
      COLUMNS.map((c) => {
        const v = a[c.key];
        return h("td", { class: c.num ? "num" : "" }, c.key === "age" || !c.num ? v : num(v, 2));
      }),
      h(
        "td",
        { class: "decide" },
        h(
          "span",
          { role: "group", "aria-label": `Decision for ${a.id}` },
          ACTIONS.map((act) =>
            h("button", {
              type: "button",
              tabindex: -1,
              class: `act act-${act.short}`,
              "aria-pressed": chosen === act.type ? "true" : "false",
              title: `${act.label} (${act.short})`,
              "aria-label": `${act.label} ${a.id}`,
              onclick: (ev) => {
                ev.stopPropagation();
                onDecide(i, act.type);
              },
            }, act.short)
          ),
        ),
      ),
    );
  });
}

/** The reward by component: this tick's (`components`, null after a reset) and the episode's. */
export function breakdownView(totals, components, lastReward, ret) {
  return [
    h("caption", { class: "sr-only" }, "Reward by component"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "component"),
        h("th", { scope: "col", class: "num" }, "this tick"),
        h("th", { scope: "col", class: "num" }, "episode"),
      ),
    ),
    h(
      "tbody",
      {},
      Object.keys(totals).map((k) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, label(k)),
          h("td", { class: "num" }, signed(components?.[k] ?? 0, 2)),
          h("td", { class: "num" }, signed(totals[k], 2)),
        )
      ),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row" }, "reward"),
        h("td", { class: "num" }, signed(lastReward, 2)),
        h("td", { class: "num" }, signed(ret, 2)),
      ),
    ),
  ];
}

/** The charts of load (0–1) and reward per tick. */
export function chartsView(loads, rewards) {
  return [
    lineChart([{ name: "system load", values: loads, color: "#1f5fbf" }], {
      title: "System load per tick",
      height: 90,
      yMin: 0,
      yMax: 1,
    }),
    h("p", { class: "chart-label" }, "System load (0–1)"),
    lineChart([{ name: "reward", values: rewards, color: "#b0361d" }], {
      title: "Reward per tick",
      height: 110,
    }),
    h("p", { class: "chart-label" }, "Reward per tick (damage itself is hidden until the end)"),
  ];
}
