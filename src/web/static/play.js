// The play page: a person plays an episode through the seed API (`/env/reset/{task}`,
// `/env/step`, `/env/state`), by mouse or keyboard; at the end the grade, and the hidden truth
// from the server's end-of-episode state.
import { EnvSession, getJson } from "./api.js";
import {
  ACTIONS,
  fill,
  h,
  LAST_EPISODE_KEY,
  num,
  PLAYING_KEY,
  query,
  saveJson,
  shortAction,
  signed,
} from "./format.js";
import {
  breakdownView,
  chartsView,
  gaugesView,
  queueHeadView,
  queueRowsView,
  sortAlerts,
} from "./play_view.js";
import { gradePanel, truthPanel } from "./truth.js";

const $ = (id) => document.getElementById(id);

const game = {
  session: new EnvSession(),
  tasks: [],
  task: null,
  seed: null,
  agent: "human",
  obs: null,
  info: null,
  decisions: new Map(), // alert id -> action type, this tick
  selected: 0,
  sort: { key: null, dir: 1 },
  running: false,
  busy: false,
  ret: 0,
  totals: {},
  loads: [],
  rewards: [],
  history: [], // [{tick, alert_ids, decisions, reward, components}]
};

function order() {
  return sortAlerts(game.obs?.alerts ?? [], game.sort);
}

function budget() {
  return game.obs?.investigation_budget ?? 0;
}

function investigations() {
  let n = 0;
  for (const t of game.decisions.values()) if (t === "INVESTIGATE") n++;
  return n;
}

function showError(message) {
  fill($("error"), message ? message : "");
}

function renderGauges() {
  fill($("gauges"), gaugesView(game.obs, budget() - investigations(), game.ret));
}

function renderQueue(focus = false) {
  fill(
    $("queue-head"),
    queueHeadView(game.sort, (c) => {
      const active = game.sort.key === c.key;
      game.sort = { key: c.key, dir: active ? -game.sort.dir : (c.num ? -1 : 1) };
      renderQueue();
    }),
  );
  const alerts = order();
  if (game.selected >= alerts.length) game.selected = Math.max(0, alerts.length - 1);
  fill(
    $("queue-body"),
    queueRowsView(alerts, game.decisions, game.selected, {
      onSelect: (i) => {
        game.selected = i;
        renderQueue(true);
      },
      onDecide: (i, type) => {
        game.selected = i;
        decide(type);
      },
    }),
  );
  renderGauges();
  if (focus) $("queue-body").querySelector("tr.selected")?.focus();
}

function decide(type) {
  const alerts = order();
  const a = alerts[game.selected];
  if (!a || !game.running) return;
  const current = game.decisions.get(a.id);
  if (current === type) {
    game.decisions.delete(a.id); // pressing the same decision again clears it
  } else if (type === "INVESTIGATE" && investigations() >= budget()) {
    showError(
      `No investigation budget left this tick (${budget()} per tick): choose another decision or clear one.`,
    );
    return;
  } else {
    game.decisions.set(a.id, type);
  }
  showError("");
  if (game.selected < alerts.length - 1 && current !== type) game.selected++;
  renderQueue(true);
}

function renderBreakdown(components) {
  fill($("breakdown"), breakdownView(game.totals, components, game.rewards.at(-1) ?? 0, game.ret));
  fill($("chart"), chartsView(game.loads, game.rewards));
}

async function start(ev) {
  ev?.preventDefault();
  if (game.busy) return;
  const task = $("task").value;
  const seedText = $("seed").value.trim();
  if (seedText !== "" && !/^[0-9]{1,15}$/.test(seedText)) {
    showSetupError("The seed is a whole number, or empty for a random one.");
    return;
  }
  game.agent = ($("name").value.trim() || "human").slice(0, 64);
  game.busy = true;
  try {
    const r = await game.session.reset(task, seedText === "" ? null : Number(seedText), game.agent);
    Object.assign(game, {
      task,
      seed: r.info.seed,
      obs: r.observation,
      info: r.info,
      decisions: new Map(),
      selected: 0,
      running: true,
      ret: 0,
      loads: [r.observation.system_load],
      rewards: [0],
      history: [],
      totals: Object.fromEntries(Object.keys(r.info.reward_components).map((k) => [k, 0])),
    });
    saveJson(PLAYING_KEY, { task, seed: game.seed });
    showSetupError("");
    $("game").hidden = false;
    $("submit").hidden = false;
    $("end").hidden = true;
    fill($("episode-label"), `${task}, seed ${game.seed}`);
    $("game").dataset.session = game.session.id;
    $("game").dataset.state = "playing";
    fill($("status"), `Episode started: ${task}, seed ${game.seed}.`);
    showError("");
    renderBreakdown(null);
    renderQueue(true);
  } catch (e) {
    showSetupError(e.message);
  } finally {
    game.busy = false;
  }
}

function showSetupError(message) {
  fill($("task-info"), message || taskText());
}

async function submit() {
  if (!game.running || game.busy) return;
  const alerts = order();
  const decisions = alerts.filter((a) => game.decisions.has(a.id)).map((a) => ({
    alert_id: a.id,
    action_type: game.decisions.get(a.id),
  }));
  game.busy = true;
  $("submit").disabled = true;
  $("game").dataset.state = "waiting"; // "playing" again once the tick is shown, "over" at the end
  try {
    const r = await game.session.step(decisions);
    game.history.push({
      tick: game.obs.tick,
      alerts: game.obs.alerts.map((a) => a.id),
      decisions,
      reward: r.reward,
      components: r.info.reward_components,
    });
    game.ret += r.reward;
    for (const [k, v] of Object.entries(r.info.reward_components)) {
      game.totals[k] = (game.totals[k] ?? 0) + v;
    }
    game.loads.push(r.observation.system_load);
    game.rewards.push(r.reward);
    game.obs = r.observation;
    game.info = r.info;
    game.decisions = new Map();
    game.selected = 0;
    showError(r.info.last_action_error ?? "");
    renderBreakdown(r.info.reward_components);
    if (r.done) {
      await finish(r);
    } else {
      fill($("status"), `Tick ${game.obs.tick}: reward ${signed(r.reward, 2)}.`);
      renderQueue(true);
    }
  } catch (e) {
    showError(`The server rejected the tick: ${e.message}`);
    renderQueue(true);
  } finally {
    game.busy = false;
    $("submit").disabled = false;
    $("game").dataset.state = game.running ? "playing" : "over";
  }
}

async function finish(r) {
  game.running = false;
  $("submit").hidden = true;
  renderQueue(false);
  const state = await game.session.state();
  const task = game.tasks.find((t) => t.id === game.task);
  const info = r.info;
  saveJson(PLAYING_KEY, null);
  saveJson(LAST_EPISODE_KEY, {
    task: game.task,
    seed: game.seed,
    agent: game.agent,
    task_score: info.task_score,
    success: info.success,
    return: game.ret,
    ticks: game.history,
  });
  fill(
    $("grade"),
    gradePanel({
      task_score: info.task_score,
      success: info.success,
      success_threshold: task?.success_threshold ?? NaN,
      breakdown: info.task_score_breakdown,
      damage: info.damage,
      threshold: info.failure_threshold,
    }),
    h(
      "p",
      {},
      `Return ${signed(game.ret, 2)} over ${game.history.length} ticks (${
        info.terminated ? "ended by the failure threshold" : "the horizon"
      }). Filed on the leaderboard as “${game.agent}”.`,
    ),
  );
  const watchUrl = `watch?task=${encodeURIComponent(game.task)}&seed=${game.seed}`;
  fill(
    $("watch-link"),
    h(
      "a",
      { href: watchUrl, id: "watch-same-seed" },
      `Watch the agents play seed ${game.seed} of ${game.task}`,
    ),
    " · ",
    h("a", { href: "leaderboard" }, "Leaderboard"),
  );
  const yours = new Map();
  for (const t of game.history) {
    for (const d of t.decisions) yours.set(d.alert_id, shortAction(d.action_type));
  }
  fill(
    $("truth"),
    h("h3", {}, "The hidden truth"),
    state.truth ? truthPanel(state.truth, yours) : h("p", {}, "The server sent no truth."),
  );
  $("end").hidden = false;
  $("end").dataset.session = game.session.id;
  fill($("status"), `Episode over: grade ${num(info.task_score, 3)}.`);
  $("end-h").focus();
}

function onKey(ev) {
  const t = ev.target;
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (
    t instanceof HTMLInputElement || t instanceof HTMLSelectElement ||
    t instanceof HTMLTextAreaElement
  ) return;
  if (!game.running) return;
  if (
    t instanceof HTMLButtonElement && ev.key === "Enter" && t.id !== "submit" &&
    !t.closest("#queue-body")
  ) return;
  if (t instanceof HTMLAnchorElement) return;
  const n = order().length;
  const key = ev.key.toLowerCase();
  const act = ACTIONS.find((a) => a.key === key);
  if (act) {
    ev.preventDefault();
    decide(act.type);
  } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    ev.preventDefault();
    if (n === 0) return;
    game.selected = (game.selected + (ev.key === "ArrowDown" ? 1 : n - 1)) % n;
    renderQueue(true);
  } else if (ev.key === "Home" || ev.key === "End") {
    ev.preventDefault();
    game.selected = ev.key === "Home" ? 0 : Math.max(0, n - 1);
    renderQueue(true);
  } else if (ev.key === "Enter") {
    ev.preventDefault();
    submit();
  }
}

function taskText() {
  const t = game.tasks.find((x) => x.id === $("task").value);
  return t
    ? `${t.name}: ${t.description} ${t.horizon} ticks, ${t.k} investigations per tick, success at ${t.success_threshold}.`
    : "";
}

async function init() {
  $("setup").addEventListener("submit", start);
  $("submit").addEventListener("click", submit);
  $("task").addEventListener("change", () => showSetupError(""));
  document.addEventListener("keydown", onKey);
  try {
    game.tasks = await getJson("tasks");
  } catch (e) {
    showSetupError(`Could not load the tasks: ${e.message}`);
    return;
  }
  const q = query();
  fill($("task"), game.tasks.map((t) => h("option", { value: t.id }, `${t.id} — ${t.name}`)));
  if (q.get("task")) $("task").value = q.get("task");
  if (q.get("seed")) $("seed").value = q.get("seed");
  showSetupError("");
  document.body.dataset.ready = "true";
}

init();
