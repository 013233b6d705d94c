// The leaderboard page: one table and one chart (mean with 95% interval, threshold line) per task,
// from the server's score store (`api/leaderboard`).
import { getJson } from "./api.js";
import { fill, h, num, pct } from "./format.js";

const $ = (id) => document.getElementById(id);

function chart(task) {
  const rows = task.rows;
  const W = 420, rowH = 22, padL = 120, padR = 16, top = 18;
  const H = top + rowH * Math.max(1, rows.length) + 20;
  const x = (v) => padL + v * (W - padL - padR);
  const svg = h("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "chart",
    role: "img",
    "aria-label":
      `${task.task}: mean grade per player with 95% intervals; threshold ${task.success_threshold}`,
  });
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      h("line", { x1: x(v), x2: x(v), y1: top - 4, y2: H - 16, class: "grid" }),
      h("text", { x: x(v), y: H - 4, "text-anchor": "middle", class: "tick" }, v.toFixed(2)),
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    svg.append(
      h(
        "text",
        { x: padL - 6, y: y + 4, "text-anchor": "end", class: "tick" },
        r.agent.length > 16 ? `${r.agent.slice(0, 15)}…` : r.agent,
      ),
      h("rect", {
        x: x(0),
        y: y - 6,
        width: Math.max(1, x(r.mean) - x(0)),
        height: 12,
        class: r.mean >= task.success_threshold ? "bar ok" : "bar",
      }),
    );
    if (r.ci_low !== null) {
      svg.append(
        h("line", {
          x1: x(Math.max(0, r.ci_low)),
          x2: x(Math.min(1, r.ci_high)),
          y1: y,
          y2: y,
          class: "whisker",
        }),
        h("line", {
          x1: x(Math.max(0, r.ci_low)),
          x2: x(Math.max(0, r.ci_low)),
          y1: y - 5,
          y2: y + 5,
          class: "whisker",
        }),
        h("line", {
          x1: x(Math.min(1, r.ci_high)),
          x2: x(Math.min(1, r.ci_high)),
          y1: y - 5,
          y2: y + 5,
          class: "whisker",
        }),
      );
    }
  });
  svg.append(
    h("line", {
      x1: x(task.success_threshold),
      x2: x(task.success_threshold),
      y1: top - 10,
      y2: H - 16,
      class: "threshold",
    }),
    h(
      "text",
      { x: x(task.success_threshold) + 3, y: top - 8, class: "tick" },
      `threshold ${task.success_threshold}`,
    ),
  );
  return svg;
}

function board(task) {
  const b = task.baseline;
  return h(
    "section",
    { class: "board", "aria-labelledby": `lb-${task.task}` },
    h(
      "h3",
      { id: `lb-${task.task}` },
      `${task.task} — ${task.name}`,
      h("span", { class: "hint" }, ` (success at ${task.success_threshold})`),
    ),
    h(
      "div",
      {
        class: "table-wrap",
        tabindex: 0,
        role: "region",
        "aria-label": `Leaderboard of ${task.task}`,
      },
      h(
        "table",
        { class: "leaderboard", "data-task": task.task },
        h("caption", { class: "sr-only" }, `Leaderboard of ${task.task}`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["#", "player", "mean grade", "95% interval", "episodes", "success rate"].map((c, i) =>
              h("th", { scope: "col", class: i === 1 ? null : "num" }, c)
            ),
          ),
        ),
        h(
          "tbody",
          {},
          task.rows.length === 0
            ? h("tr", {}, h("td", { colspan: 6 }, "No finished episodes yet: play one."))
            : task.rows.map((r, i) =>
              h(
                "tr",
                { class: r.mean >= task.success_threshold ? "above" : "" },
                h("td", { class: "num" }, i + 1),
                h("th", { scope: "row" }, r.agent),
                h("td", { class: "num" }, num(r.mean, 3)),
                h(
                  "td",
                  { class: "num" },
                  r.ci_low === null
                    ? "needs 2 episodes"
                    : `${num(r.ci_low, 3)} – ${num(r.ci_high, 3)}`,
                ),
                h("td", { class: "num" }, r.episodes),
                h("td", { class: "num" }, pct(r.success_rate)),
              )
            ),
        ),
        b
          ? h(
            "tfoot",
            {},
            h(
              "tr",
              {},
              h("td", {}, ""),
              h("th", { scope: "row" }, `${b.agent} baseline (seeds 0–${b.episodes - 1})`),
              h("td", { class: "num" }, num(b.mean, 3)),
              h("td", {}, ""),
              h("td", { class: "num" }, b.episodes),
              h("td", { class: "num" }, pct(b.success_rate)),
            ),
          )
          : null,
      ),
    ),
    task.rows.length ? chart(task) : null,
  );
}

async function load() {
  fill($("lb-status"), "Loading…");
  try {
    const data = await getJson("web/api/leaderboard");
    fill($("boards"), data.tasks.map(board));
    fill($("lb-status"), `Updated ${new Date().toLocaleTimeString()}.`);
    document.body.dataset.ready = "true";
  } catch (e) {
    fill($("lb-status"), `Could not load the leaderboard: ${e.message}`);
  }
}

$("refresh").addEventListener("click", load);
load();
