// Pieces of the page built from data: a job's steps, an answered turn, the report.
import { artifactUrl } from "./api.js";
import { deliveryCard } from "./delivery-card.js";
import { element } from "./dom.js";
import { renderFeedback } from "./feedback.js";
import { t } from "./i18n.js";
import { reportTrends } from "./trends.js";

// One list item per step shown, named for the candidate; `kind` is start, turn or report.
export function stageItems(stages, kind) {
  return stages.map(({ name, state }) => {
    const item = element("li");
    item.dataset.stage = name;
    item.dataset.state = state;
    item.append(element("span", t(`stage_${kind}_${name}`), "stage-label"));
    if (state !== "waiting") item.append(element("span", t(`state_${state}`), "stage-state"));
    return item;
  });
}

function answerAudio(id) {
  const audio = element("audio");
  audio.controls = true;
  audio.preload = "none";
  audio.src = artifactUrl(id);
  audio.setAttribute("aria-label", t("answerAudio"));
  return audio;
}

// One answered turn: its question, the answer's audio and transcript, the feedback and how the
// answer was said (once measured).
export function turnItem(turn) {
  const item = element("li", "", "turn");
  item.dataset.testid = "turn";
  item.append(element("h3", t("questionNumber", { n: turn.number })));
  item.append(element("p", turn.question, "asked"));
  if (turn.answer_artifact_id) item.append(answerAudio(turn.answer_artifact_id));
  item.append(element("h4", t("transcript")), element("p", turn.transcript, "transcript"));
  const feedback = element("div", "", "feedback");
  renderFeedback(feedback, turn.feedback, "turn-score");
  item.append(feedback);
  if (turn.delivery) item.append(deliveryCard(turn.delivery, turn.number));
  return item;
}

function list(items) {
  const ul = element("ul");
  for (const text of items) {
    if (typeof text === "string" && text.trim()) ul.append(element("li", text));
  }
  return ul;
}

// The report's body, the trends across `turns` last; one assembled from the turns' feedback
// says so (with no answer, its summary says there was nothing to assess).
export function reportItems(report, turns) {
  const items = [];
  if (report.source === "turns" && report.turns !== 0) {
    items.push(element("p", t("reportFromTurns"), "note"));
  }
  if (Number.isInteger(report.overall_score)) {
    items.push(element("p", `${t("overall")}: ${report.overall_score} / 5`, "score"));
  }
  if (report.summary) items.push(element("h3", t("summary")), element("p", report.summary));
  if (Array.isArray(report.top_improvements) && report.top_improvements.length) {
    items.push(element("h3", t("topImprovements")), list(report.top_improvements));
  }
  const trends = reportTrends(turns);
  if (trends) items.push(trends);
  return items;
}
