/**
 * The notebook door (`@alert-triage/alert-triage/notebook`): rich display of observations,
 * rewards, episodes, the hidden truth and grades in Jupyter (Deno kernel), and SVG charts
 * rendered with Observable Plot (learning curves, score comparisons, any `Plot.plot`).
 *
 * @example
 * ```ts
 * import { gradeEpisode, makeEnv } from "../../mod.ts";
 * import { showGrade, showObservation } from "./mod.ts";
 *
 * const env = makeEnv("easy");
 * const { observation } = env.reset({ seed: 1 });
 * console.log(showObservation(observation).bundle()["text/plain"]);
 * while (!env.state().done) env.step({ decisions: [] });
 * console.log(Object.keys(showGrade(gradeEpisode(env)).bundle()));
 * ```
 *
 * @module
 */
export {
  type Displayable,
  type EpisodeView,
  JUPYTER_DISPLAY,
  type MimeBundle,
  showEpisode,
  showGrade,
  showObservation,
  showReward,
  showTable,
  type ShowTableOptions,
  showTruth,
  type StepView,
} from "../display.ts";
export { svgDisplayable } from "../plots/mime.ts";
export { Plot, plotDisplay, type RenderOptions, renderPlot } from "../plots/render.ts";
export {
  type ChartOptions,
  type CurvePoint,
  learningCurveSvg,
  scoreComparisonSvg,
  type ScoreRow,
  scoreRows,
  type SummaryLike,
} from "../plots/charts.ts";
export { curveFromLog } from "../plots/training_log.ts";
