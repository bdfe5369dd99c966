// What the page shows: errors in words, stage progress, history items, the report.
import { artifactUrl } from "./api.js";
import { renderFeedback } from "./feedback.js";
import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

const ERROR_KEYS = {
  token_expired: "err_token_expired",
  unauthorized: "err_unauthorized",
  invite_used_up: "err_invite_used_up",
  forbidden_scope: "err_forbidden_scope",
  mic_denied: "err_mic_denied",
  mic_missing: "err_mic_missing",
  no_recorder: "err_no_recorder",
  payload_too_large: "err_payload_too_large",
  queue_full: "err_queue_full",
  unsupported_media_type: "err_unsupported",
  unsupported_document: "err_unsupported",
  unsupported_audio: "err_unsupported",
  invalid_request: "err_invalid",
  network: "err_network",
  unavailable: "err_unavailable",
  database_unavailable: "err_unavailable",
  turn_in_progress: "err_turn_in_progress",
  no_invite: "err_no_invite",
  missing_text: "err_missing_text",
  autoplay: "err_autoplay",
};

// Show an error (an ApiError, a RecorderError or a code) as a sentence saying what to do.
export function showError(error) {
  const code = typeof error === "string" ? error : error.code;
  const key = ERROR_KEYS[code] ?? (error.status === 503 ? "err_unavailable" : "err_other");
  const text = t(key, { message: error.message ?? "", seconds: error.retryAfter ?? 5 });
  $("error-text").textContent = text;
  $("error").dataset.code = code ?? "";
  $("error").hidden = false;
}

export function clearError() {
  $("error").hidden = true;
  $("error-text").textContent = "";
}

export function jobFailure(done) {
  const message = done.error?.message ?? done.status;
  return { code: "job_failed", message: t("err_job_failed", { message }) };
}

// The stage list: known stages first, others as they come; each with its state.
export function resetStages(names) {
  $("stage").replaceChildren();
  for (const name of names) setStage(name, "waiting");
}

export function setStage(name, state) {
  let item = $("stage").querySelector(`[data-stage="${CSS.escape(name)}"]`);
  if (!item) {
    item = document.createElement("li");
    item.dataset.stage = name;
    $("stage").append(item);
  }
  item.dataset.state = state;
  const label = t(`stage_${name}`) === `stage_${name}` ? name : t(`stage_${name}`);
  const status = state === "waiting" ? "" : ` — ${t(`state_${state}`)}`;
  item.textContent = `${label} (${name})${status}`;
}

function audio(id, label) {
  const element = document.createElement("audio");
  element.controls = true;
  element.preload = "none";
  element.src = artifactUrl(id);
  element.setAttribute("aria-label", label);
  return element;
}

function paragraph(text, className = "") {
  const p = document.createElement("p");
  p.textContent = text;
  p.className = className;
  return p;
}

// One answered turn: its question, the answer's audio and transcript, the feedback.
export function turnItem(turn) {
  const item = document.createElement("li");
  item.dataset.testid = "turn";
  item.className = "turn";
  const heading = document.createElement("h3");
  heading.textContent = `${t("question")} ${turn.number}`;
  const feedback = document.createElement("div");
  renderFeedback(feedback, turn.feedback, "turn-score");
  item.append(heading, paragraph(turn.question, "question"));
  item.append(audio(turn.answer_artifact_id, t("answerAudio")));
  item.append(paragraph(turn.transcript, "transcript"), feedback);
  return item;
}

export function showHistory(turns) {
  $("history").replaceChildren(...turns.map(turnItem));
  $("history-section").hidden = turns.length === 0;
}

export function showReport(interview) {
  const report = interview.report ?? {};
  const body = $("report-body");
  body.replaceChildren();
  if (Number.isInteger(report.overall_score)) {
    body.append(paragraph(`${t("overall")}: ${report.overall_score} / 5`, "score"));
  }
  if (report.summary) {
    const heading = document.createElement("h3");
    heading.textContent = t("summary");
    body.append(heading, paragraph(report.summary));
  }
  if (Array.isArray(report.top_improvements)) {
    const heading = document.createElement("h3");
    heading.textContent = t("topImprovements");
    const list = document.createElement("ul");
    for (const text of report.top_improvements) {
      const li = document.createElement("li");
      li.textContent = text;
      list.append(li);
    }
    body.append(heading, list);
  }
  $("report").hidden = false;
  $("report-title").focus();
}
