// The mock interview: set up, hear a question, answer by voice, watch the turn, finish.
import { artifactUrl, call, loadToken } from "./api.js";
import { followJob } from "./events.js";
import { FeedbackStream, renderFeedback } from "./feedback.js";
import { language, setLanguage, t } from "./i18n.js";
import { extensionOf, Recorder } from "./recorder.js";
import * as view from "./view.js";

const { $ } = view;
const TURN_STAGES = ["stt", "retrieve", "llm", "tts"];
const state = { interview: null, answer: null, recorder: null };
const feedback = new FeedbackStream($("feedback"));

function enable(ids, on) {
  for (const id of ids) $(id).disabled = !on;
}

function clock(seconds) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function followStages(jobId, extra = {}) {
  return followJob(jobId, {
    onEvent: (event) => {
      if (event.type === "stage") view.setStage(event.stage, event.state);
      extra.onEvent?.(event);
    },
    onReset: extra.onReset,
  });
}

function showQuestion(text, audioId) {
  $("question-text").textContent = text;
  const player = $("question-audio");
  // Heard already, as the turn's early `audio` event: don't start it over.
  if (audioId && player.dataset.artifactId === audioId) return;
  $("question-text").focus();
  $("play-button").hidden = true;
  if (!audioId) return;
  player.dataset.artifactId = audioId;
  player.src = artifactUrl(audioId);
  player.play().catch(() => {
    $("play-button").hidden = false;
  });
}

// Load the interview and show where it stands: history, the current question or the report.
async function refresh(id) {
  const interview = await call("GET", `/v1/interviews/${id}`);
  state.interview = interview;
  const { turns } = interview;
  view.showHistory(turns);
  if (interview.status === "finished" && interview.report) {
    $("interview").hidden = true;
    view.showReport(interview);
    return interview;
  }
  const last = turns.at(-1);
  const done = turns.length >= interview.max_questions;
  const number = Math.min(turns.length + 1, interview.max_questions);
  $("progress").textContent = t("progress", { n: number, total: interview.max_questions });
  $("answer").hidden = done;
  $("finish-button").hidden = false;
  if (done) {
    $("question-text").textContent = t("allAnswered");
    $("finish-button").focus();
  } else if (last) {
    showQuestion(last.next_question, last.audio_artifact_id);
  } else {
    showQuestion(interview.opening_question, interview.opening_audio_artifact_id);
  }
  return interview;
}

function documentField(form, field, textId, fileId) {
  const file = $(fileId).files[0];
  const text = $(textId).value.trim();
  if (file) form.append(field, file, file.name);
  else if (text) form.append(field, text);
  return Boolean(file || text);
}

// The interview screen while the opening question is written: nothing to answer yet.
function showPreparing() {
  $("setup").hidden = true;
  $("interview").hidden = false;
  $("answer").hidden = true;
  $("finish-button").hidden = true;
  $("question-text").textContent = t("preparing");
  view.resetStages([]);
}

function backToSetup() {
  sessionStorage.removeItem("rehearse.interview");
  $("setup").hidden = false;
  $("interview").hidden = true;
}

async function start(event) {
  event.preventDefault();
  view.clearError();
  const form = new FormData();
  const complete = [
    documentField(form, "resume", "resume-input", "resume-file"),
    documentField(form, "job_posting", "posting-input", "posting-file"),
  ].every(Boolean);
  if (!complete) return view.showError("missing_text");
  form.append("language", $("language-select").value);
  form.append("max_questions", $("questions-input").value);
  enable(["start-button"], false);
  $("start-button").textContent = t("starting");
  try {
    const started = await call("POST", "/v1/interviews", form);
    sessionStorage.setItem("rehearse.interview", started.id);
    showPreparing();
    const done = await followStages(started.job_id);
    if (done.status !== "succeeded") throw view.jobFailure(done);
    await refresh(started.id);
  } catch (error) {
    if (!state.interview) backToSetup();
    view.showError(error);
  } finally {
    enable(["start-button"], true);
    $("start-button").textContent = t("start");
  }
}

function setAnswer(blob, name) {
  state.answer = { blob, name };
  const preview = $("answer-preview");
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(blob);
  preview.hidden = false;
  enable(["send-button"], true);
}

async function record() {
  view.clearError();
  state.recorder = new Recorder({
    onLevel: (level) => {
      $("level").style.width = `${Math.round(level * 100)}%`;
    },
    onElapsed: (seconds) => {
      $("elapsed").textContent = clock(seconds);
    },
  });
  try {
    await state.recorder.start();
  } catch (error) {
    state.recorder = null;
    return view.showError(error);
  }
  enable(["record-button", "send-button", "answer-file"], false);
  enable(["stop-button"], true);
  $("stop-button").focus();
}

async function stop() {
  enable(["stop-button"], false);
  const blob = await state.recorder.stop();
  state.recorder = null;
  setAnswer(blob, `answer.${extensionOf(blob.type)}`);
  $("record-button").textContent = t("rerecord");
  enable(["record-button", "answer-file"], true);
  $("send-button").focus();
}

function clearTurn() {
  $("transcript").textContent = "";
  feedback.clear();
  view.resetStages(TURN_STAGES);
}

function turnEvent(event) {
  if (event.type === "segment") $("transcript").textContent += `${event.text.trim()} `;
  if (event.type === "token") feedback.add(event.text);
  // The next question, spoken while the feedback still streams: play it now, not at `done`.
  if (event.type === "audio" && event.role === "next_question") {
    showQuestion(event.text, event.artifact_id);
  }
  if (event.type === "stage" && event.stage === "llm" && event.state === "regenerating") {
    feedback.clear();
  }
}

async function send() {
  view.clearError();
  const id = state.interview.id;
  enable(["send-button", "record-button", "finish-button", "answer-file"], false);
  try {
    const form = new FormData();
    form.append("file", state.answer.blob, state.answer.name);
    const accepted = await call("POST", `/v1/interviews/${id}/answers`, form);
    clearTurn();
    const done = await followStages(accepted.job_id, { onEvent: turnEvent, onReset: clearTurn });
    if (done.status !== "succeeded") throw view.jobFailure(done);
    const interview = await refresh(id);
    const turn = interview.turns.at(-1);
    $("transcript").textContent = turn.transcript;
    renderFeedback($("feedback"), turn.feedback);
    state.answer = null;
    $("answer-preview").hidden = true;
    $("record-button").textContent = t("record");
  } catch (error) {
    view.showError(error);
  } finally {
    enable(["record-button", "finish-button", "answer-file"], true);
    enable(["send-button"], Boolean(state.answer));
  }
}

async function finish() {
  view.clearError();
  const id = state.interview.id;
  enable(["finish-button", "send-button", "record-button"], false);
  try {
    const started = await call("POST", `/v1/interviews/${id}/finish`);
    $("answer").hidden = true;
    $("question-text").textContent = t("writingReport");
    view.resetStages([]);
    const done = await followStages(started.job_id);
    if (done.status !== "succeeded") throw view.jobFailure(done);
    await refresh(id);
    sessionStorage.removeItem("rehearse.interview");
  } catch (error) {
    view.showError(error);
    enable(["finish-button", "record-button"], true);
  }
}

// After a reload: pick the interview of this tab up where it stands.
async function resume(id) {
  showPreparing();
  const interview = await call("GET", `/v1/interviews/${id}`);
  if (interview.status === "starting") await followStages(interview.start_job_id);
  await refresh(id);
}

function switchLanguage(value) {
  setLanguage(value);
  $("ui-language").value = value;
  if (state.interview) view.showHistory(state.interview.turns);
}

async function init() {
  switchLanguage(navigator.language?.startsWith("en") ? "en" : "ko");
  $("ui-language").addEventListener("change", (e) => switchLanguage(e.target.value));
  $("setup-form").addEventListener("submit", start);
  $("record-button").addEventListener("click", record);
  $("stop-button").addEventListener("click", stop);
  $("send-button").addEventListener("click", send);
  $("finish-button").addEventListener("click", finish);
  $("print-button").addEventListener("click", () => window.print());
  $("error-close").addEventListener("click", view.clearError);
  $("play-button").addEventListener("click", () => {
    $("play-button").hidden = true;
    $("question-audio").play().catch(() => view.showError("autoplay"));
  });
  $("answer-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (file) setAnswer(file, file.name);
  });
  if (!loadToken()) {
    enable(["start-button"], false);
    return view.showError("no_invite");
  }
  try {
    const invite = await call("GET", "/v1/invites/current");
    if (invite.language) {
      switchLanguage(invite.language);
      $("language-select").value = invite.language;
    }
    if (invite.interviews_left === 0) view.showError("invite_used_up");
  } catch (error) {
    return view.showError(error);
  }
  const saved = sessionStorage.getItem("rehearse.interview");
  if (!saved) return;
  try {
    await resume(saved);
  } catch (error) {
    backToSetup();
    view.showError(error);
  }
}

document.documentElement.dataset.language = language();
init();
