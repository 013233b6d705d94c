// Watch mode: agents play the same seed server-side (`api/watch`), replayed tick by tick beside
// the person's own decisions on that seed, highlighting where they differ and what it cost.
import { getJson } from "./api.js";
import { legend, lineChart } from "./chart.js";
import {
  fill,
  h,
  LAST_EPISODE_KEY,
  loadJson,
  num,
  PLAYING_KEY,
  query,
  shortAction,
  signed,
} from "./format.js";

const $ = (id) => document.getElementById(id);
const AGENTS = ["rules", "rules-tuned", "linear", "ppo", "oracle"];
const COLORS = ["#1f5fbf", "#7a4fb0", "#2e7d32", "#b26a00", "#6d6d6d", "#b0361d"];

const view = { runs: [], tick: 0, maxTick: 0 };

function notice(message) {
  fill($("notice"), message ?? "");
}

/** The person's run of (task, seed) in this tab, in the shape of a watched run, or null. */
function yourRun(task, seed) {
  const last = loadJson(LAST_EPISODE_KEY);
  if (!last || last.task !== task || last.seed !== seed) return null;
  return {
    agent: `you (${last.agent})`,
    you: true,
    task_score: last.task_score,
    return: last.return,
    steps: last.ticks.length,
    success: last.success ?? null,
    ticks: last.ticks.map((t) => ({ alerts: t.alerts, decisions: t.decisions, reward: t.reward })),
  };
}

async function run(ev) {
  ev?.preventDefault();
  const task = $("task").value;
  const seedText = $("seed").value.trim();
  if (!/^[0-9]{1,15}$/.test(seedText)) {
    notice("The seed is a whole number.");
    return;
  }
  const seed = Number(seedText);
  const playing = loadJson(PLAYING_KEY);
  if (playing && playing.task === task && playing.seed === seed) {
    notice(
      `You are playing ${task} on seed ${seed} in this tab: finish that episode first, then watch this seed.`,
    );
    return;
  }
  const agents = AGENTS.filter((a) => $(`agent-${a}`).checked);
  if (agents.length === 0) {
    notice("Choose at least one agent.");
    return;
  }
  notice("");
  $("watch").disabled = true;
  fill($("tick-label"), "Playing…");
  const runs = [];
  const mine = yourRun(task, seed);
  if (mine) runs.push(mine);
  const errors = [];
  for (const agent of agents) {
    try {
      const q = new URLSearchParams({ task, seed: String(seed), agent });
      runs.push({ ...(await getJson(`web/api/watch?${q}`)), you: false });
    } catch (e) {
      errors.push(`${agent}: ${e.message}`);
    }
  }
  $("watch").disabled = false;
  notice(errors.join(" · "));
  if (runs.length === 0) return;
  history.replaceState(null, "", `?task=${encodeURIComponent(task)}&seed=${seed}`);
  view.runs = runs;
  view.task = task;
  view.seed = seed;
  view.maxTick = Math.max(...runs.map((r) => r.ticks.length)) - 1;
  view.tick = 0;
  view.kinds = new Map();
  for (const r of runs) for (const a of r.truth?.alerts ?? []) view.kinds.set(a.id, a.kind);
  $("tick").max = String(view.maxTick);
  fill($("result-label"), `${task}, seed ${seed}`);
  renderSummary();
  renderTick();
  $("result").hidden = false;
  document.body.dataset.watched = String(runs.length);
}

function cumulative(r) {
  let acc = 0;
  return r.ticks.map((t) => acc += t.reward);
}

function renderSummary() {
  const you = view.runs.find((r) => r.you);
  fill(
    $("summary"),
    h("caption", {}, "Each player's grade and return on this seed"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["player", "grade", "success", "return", "ticks", you ? "your return minus theirs" : null]
          .filter(Boolean).map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h(
      "tbody",
      {},
      view.runs.map((r) =>
        h(
          "tr",
          { class: r.you ? "you" : "" },
          h("th", { scope: "row" }, r.agent),
          h("td", { class: "num" }, num(r.task_score, 3)),
          h("td", {}, r.success === null ? "–" : r.success ? "yes" : "no"),
          h("td", { class: "num" }, signed(r.return, 2)),
          h("td", { class: "num" }, r.steps),
          you ? h("td", { class: "num" }, r.you ? "–" : signed(you.return - r.return, 2)) : null,
        )
      ),
    ),
  );
  const series = view.runs.map((r, i) => ({
    name: r.agent,
    values: cumulative(r),
    color: COLORS[i % COLORS.length],
    dash: r.you ? null : (i % 2 ? "5 3" : null),
  }));
  fill(
    $("return-chart"),
    h("h3", {}, "Return over the episode"),
    lineChart(series, { title: "Cumulative return per tick", width: 480, height: 160 }),
    legend(series),
  );
}

function renderTick() {
  const t = view.tick;
  $("tick").value = String(t);
  fill($("tick-label"), `Tick ${t} of ${view.maxTick}`);
  const you = view.runs.find((r) => r.you);
  const ticks = view.runs.map((r) => r.ticks[t] ?? null);
  const meta = new Map();
  const ids = [];
  for (const tick of ticks) {
    if (!tick) continue;
    const alerts = tick.observation?.alerts ?? (tick.alerts ?? []).map((id) => ({ id }));
    for (const a of alerts) {
      if (!meta.has(a.id)) {
        meta.set(a.id, a);
        ids.push(a.id);
      } else if (a.alert_type && !meta.get(a.id).alert_type) meta.set(a.id, a);
    }
  }
  ids.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const decisionOf = (tick, id) => {
    if (!tick) return null;
    const present = tick.observation
      ? tick.observation.alerts.some((a) => a.id === id)
      : (tick.alerts ?? []).includes(id);
    if (!present) return null;
    const d = tick.decisions.find((x) => x.alert_id === id);
    return d ? shortAction(d.action_type) : "–";
  };
  const youIndex = view.runs.findIndex((r) => r.you);
  const cums = view.runs.map((r) => cumulative(r));
  fill(
    $("ticks"),
    h("caption", {}, `Decisions at tick ${t}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "alert"),
        h("th", { scope: "col" }, "type"),
        h("th", { scope: "col" }, "service"),
        h("th", { scope: "col", class: "num" }, "severity"),
        h("th", { scope: "col" }, "class"),
        view.runs.map((r) => h("th", { scope: "col", class: "num" }, r.agent)),
      ),
    ),
    h(
      "tbody",
      {},
      ids.map((id) => {
        const a = meta.get(id);
        const mine = youIndex >= 0 ? decisionOf(ticks[youIndex], id) : null;
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, id),
          h("td", {}, a.alert_type ?? ""),
          h("td", {}, a.service ?? ""),
          h(
            "td",
            { class: "num" },
            a.visible_severity === undefined ? "" : num(a.visible_severity, 2),
          ),
          h(
            "td",
            {},
            view.kinds.get(id)
              ? h("span", { class: `tag kind-${view.kinds.get(id)}` }, view.kinds.get(id))
              : "",
          ),
          ticks.map((tick, i) => {
            const d = decisionOf(tick, id);
            const differs = youIndex >= 0 && i !== youIndex && d !== null && mine !== null &&
              d !== mine;
            return h(
              "td",
              { class: differs ? "num diff" : "num" },
              d ?? "",
              differs ? h("span", { class: "sr-only" }, " (differs from yours)") : null,
            );
          }),
        );
      }),
    ),
    h(
      "tfoot",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "row", colspan: 5 }, "reward this tick"),
        ticks.map((tick) => h("td", { class: "num" }, tick ? signed(tick.reward, 2) : "")),
      ),
      h(
        "tr",
        {},
        h("th", { scope: "row", colspan: 5 }, "return so far"),
        cums.map((c) => h("td", { class: "num" }, c[t] === undefined ? "" : signed(c[t], 2))),
      ),
      you
        ? h(
          "tr",
          {},
          h("th", { scope: "row", colspan: 5 }, "your return minus theirs"),
          cums.map((c, i) =>
            h(
              "td",
              { class: "num" },
              i === youIndex || c[t] === undefined || cums[youIndex][t] === undefined
                ? ""
                : signed(cums[youIndex][t] - c[t], 2),
            )
          ),
        )
        : null,
    ),
  );
}

function go(delta) {
  if (view.runs.length === 0) return;
  view.tick = Math.min(view.maxTick, Math.max(0, view.tick + delta));
  renderTick();
}

async function init() {
  $("watch-form").addEventListener("submit", run);
  $("prev").addEventListener("click", () => go(-1));
  $("next").addEventListener("click", () => go(1));
  $("tick").addEventListener("input", () => {
    view.tick = Number($("tick").value);
    renderTick();
  });
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement) return;
    if (ev.key === "ArrowLeft" || ev.key === "ArrowRight") {
      ev.preventDefault();
      go(ev.key === "ArrowLeft" ? -1 : 1);
    }
  });
  fill(
    $("agents"),
    AGENTS.map((a) =>
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", id: `agent-${a}`, checked: true }),
        a,
      )
    ),
  );
  let tasks = [];
  try {
    tasks = await getJson("tasks");
  } catch (e) {
    notice(`Could not load the tasks: ${e.message}`);
    return;
  }
  fill($("task"), tasks.map((t) => h("option", { value: t.id }, `${t.id} — ${t.name}`)));
  const q = query();
  if (q.get("task")) $("task").value = q.get("task");
  if (q.get("seed")) $("seed").value = q.get("seed");
  document.body.dataset.ready = "true";
  if (q.get("task") && q.get("seed")) await run();
}

init();
