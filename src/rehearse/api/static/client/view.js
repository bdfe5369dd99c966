// The page's DOM: one render(model) shows the phase's regions, each drawn from the model (so a
// new UI language redraws everything); bind* hand the candidate's actions to the controller.
import { artifactUrl } from "./api.js";
import { reportItems, stageItems, turnItem } from "./blocks.js";
import { drawDelivery } from "./delivery-card.js";
import { $, setText } from "./dom.js";
import { errorText, PLACES } from "./errors.js";
import { renderFeedback } from "./feedback.js";
import { language, t } from "./i18n.js";
import { currentQuestion, KIND_NAMES, PHASES } from "./phases.js";
import { drawTalk, setTalkLevel } from "./talk-view.js";

const REGIONS = {
  setup: "setup",
  panel: "job-panel",
  question: "question-card",
  answer: "answer",
  talk: "talk",
  finish: "finish-button",
  retry: "report-missing",
  report: "report",
  history: "history-section",
};
const INTERVIEW = ["panel", "question", "answer", "talk", "finish", "retry"];

export function clock(seconds) {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// The turn whose feedback the panel shows: the running one, else the last answered.
function panelTurn(model) {
  if (model.live || !["answering", "recording", "answered"].includes(model.phase)) return null;
  return model.interview?.turns.at(-1) ?? null;
}

export class View {
  // What was drawn where redrawing costs, or restarts something (audio, focus, scrolling).
  #drawn = {
    step: null,
    phase: null,
    question: null,
    history: null,
    blob: null,
    error: null,
    place: null,
  };

  render(model) {
    const phase = PHASES[model.phase];
    document.body.dataset.phase = model.phase; // for styles and tests: where the page stands
    const question = currentQuestion(model.interview, model.live);
    const shownTurn = panelTurn(model);
    const turns = model.interview?.turns ?? [];
    const history = shownTurn ? turns.slice(0, -1) : turns;
    const listed = (region) => phase.show.includes(region);
    const visible = {
      setup: listed("setup"),
      panel: listed("panel") && Boolean(model.live || shownTurn),
      question: listed("question") && Boolean(question || model.phase === "answered"),
      answer: listed("answer") && model.mode !== "talk",
      talk: listed("talk") && model.mode === "talk" && Boolean(model.talk),
      finish: listed("finish"),
      retry: listed("retry"),
      report: listed("report") && Boolean(model.interview?.report),
      history: listed("history") && history.length > 0,
    };
    for (const [region, id] of Object.entries(REGIONS)) $(id).hidden = !visible[region];
    $("interview").hidden = !INTERVIEW.some((region) => visible[region]);
    this.#setup(model);
    this.#panel(model.live, shownTurn);
    this.#question(model, question);
    this.#answer(model);
    if (visible.talk) drawTalk(model.talk);
    this.#keyboard(model);
    $("finish-button").disabled = model.busy;
    $("finish-button").classList.toggle("secondary", model.phase !== "answered");
    $("report-button").disabled = model.busy;
    if (visible.report) {
      $("report-body").replaceChildren(...reportItems(model.interview.report, turns));
    }
    this.#history(history, ["report", "noReport", "finishing"].includes(model.phase));
    this.#follow(model, phase, visible, question);
    this.#error(model.error, visible);
  }

  #setup(model) {
    $("ui-language").value = language();
    $("start-button").disabled = model.busy || !model.canStart;
    setText("start-button", t(model.busy ? "starting" : "start"));
    $("language-select").value = model.interviewLanguage;
    for (const choice of document.querySelectorAll('input[name="mode"]')) {
      choice.checked = choice.value === model.mode;
    }
  }

  #panel(live, turn) {
    const kind = live ? KIND_NAMES[live.kind] : "turn";
    const source = live ?? turn;
    if (!source) return;
    const number = live ? live.number : turn.number;
    const titles = { start: t("preparingTitle"), report: t("writingReport") };
    setText("job-title", titles[kind] ?? t("feedbackOn", { n: number }));
    setText("job-question", (live ? live.question : turn.question) ?? "");
    $("job-question").hidden = kind !== "turn";
    $("stage").replaceChildren(...(live ? stageItems(live.stages, kind) : []));
    $("stage").hidden = !live;
    // Queued behind other work: say so rather than show a list that does not move.
    $("job-wait").hidden = !live?.stages.every((stage) => stage.state === "waiting");
    $("turn-result").hidden = kind !== "turn";
    const transcript = (source.transcript ?? "").trim();
    setText("transcript", transcript);
    $("transcript-title").hidden = $("transcript").hidden = !transcript;
    renderFeedback($("feedback"), source.feedback);
    drawDelivery($("delivery"), kind === "turn" ? source.delivery : null, number);
  }

  #question(model, question) {
    const player = $("question-audio");
    $("progress").hidden = !question;
    player.hidden = !question?.audioId;
    if (!question) {
      if (model.phase === "answered") setText("question-text", t("allAnswered"));
      return;
    }
    const total = model.interview.max_questions;
    setText("progress", t("progress", { n: question.number, total }));
    setText("question-text", question.text ?? "");
    if (this.#drawn.question !== question.number) {
      this.#drawn.question = question.number;
      $("question-text").focus({ preventScroll: true });
    }
    // Heard already (the turn's early `audio` event, or a redraw): don't start it over.
    if (!question.audioId || player.dataset.artifactId === question.audioId) return;
    player.dataset.artifactId = question.audioId;
    player.src = artifactUrl(question.audioId);
    $("play-button").hidden = true;
    player.play().catch(() => {
      $("play-button").hidden = false;
    });
  }

  #answer(model) {
    const ready = model.phase === "answering" && !model.busy;
    const recording = model.phase === "recording";
    $("record-button").disabled = !ready;
    setText("record-button", t(model.answer?.recorded ? "rerecord" : "record"));
    $("stop-button").disabled = !recording;
    setText("elapsed", clock(model.elapsed));
    $("answer-file").disabled = !ready;
    if (!model.answer) $("answer-file").value = "";
    const preview = $("answer-preview");
    if (this.#drawn.blob !== (model.answer?.blob ?? null)) {
      this.#drawn.blob = model.answer?.blob ?? null;
      if (preview.src) URL.revokeObjectURL(preview.src);
      if (model.answer) preview.src = URL.createObjectURL(model.answer.blob);
      else preview.removeAttribute("src");
    }
    preview.hidden = !model.answer;
    $("send-button").disabled = !(ready && model.answer);
    setText("send-button", t(model.busy && model.answer ? "sending" : "send"));
    $("conversation-button").disabled = !ready;
  }

  // Keyboard focus follows the take: Stop while recording, then Send.
  #keyboard(model) {
    const before = this.#drawn.phase;
    this.#drawn.phase = model.phase;
    if (before === model.phase) return;
    const target = model.phase === "recording" ? "stop-button" : "send-button";
    if (target === "stop-button" || (before === "recording" && model.answer)) {
      $(target).focus({ preventScroll: true });
    }
  }

  #history(turns, finished) {
    // A turn's delivery may come after it is listed: its card is drawn then.
    const listed = turns.map((turn) => `${turn.id}:${Boolean(turn.delivery)}`);
    const key = [language(), finished, ...listed].join();
    if (this.#drawn.history === key) return;
    this.#drawn.history = key;
    setText("history-title", t(finished ? "yourAnswers" : "history"));
    $("history").replaceChildren(...turns.map(turnItem));
  }

  // A new step scrolls into view: the feedback being written, the question, the report.
  #follow(model, phase, visible, question) {
    const group = model.phase === "recording" ? "answering" : model.phase;
    const step = `${group}:${model.live?.id ?? question?.number ?? ""}`;
    if (this.#drawn.step === step) return;
    this.#drawn.step = step;
    const region = phase.focus.find((name) => visible[name]);
    if (region) $(REGIONS[region]).scrollIntoView({ block: "start" });
    if (visible.report) $("report-title").focus({ preventScroll: true });
  }

  // The error box goes next to the control that failed (the top for the page's own loading).
  #error(error, visible) {
    const box = $("error");
    if (!error) {
      box.hidden = true;
      this.#drawn.error = null;
      return;
    }
    setText("error-text", errorText(error));
    box.dataset.code = error.code;
    $("error-retry").hidden = error.context !== "load";
    let place = PLACES[error.context] ?? "top";
    if (place === "answer" && !visible.answer) place = "talk"; // an answer given by talking
    if (place !== "top" && !visible[place]) place = "top";
    if (this.#drawn.place !== place || box.hidden) {
      this.#drawn.place = place;
      const anchors = {
        setup: () => $("start-button").before(box),
        answer: () => $("send-button").after(box),
        talk: () => $("talk-fallback").before(box),
        question: () => $("play-button").after(box),
        finish: () => $("finish-button").before(box),
        retry: () => $("report-button").before(box),
        top: () => document.querySelector("main").prepend(box),
      };
      anchors[place]();
    }
    box.hidden = false;
    if (this.#drawn.error !== error) {
      this.#drawn.error = error;
      box.scrollIntoView({ block: "nearest" });
    }
  }

  readSetup() {
    const pick = (fileId, textId) => $(fileId).files[0] ?? ($(textId).value.trim() || null);
    return {
      resume: pick("resume-file", "resume-input"),
      posting: pick("posting-file", "posting-input"),
      language: $("language-select").value,
      questions: $("questions-input").value,
    };
  }

  setLevel(level) {
    $("level").style.width = `${Math.round(level * 100)}%`;
  }

  setElapsed(seconds) {
    setText("elapsed", clock(seconds));
  }

  setTalkLevel(rms) {
    setTalkLevel(rms);
  }

  // The question stops playing at once (the candidate spoke over it, or paused).
  stopQuestion() {
    $("question-audio").pause();
  }

  bind(id, type, handler) {
    $(id).addEventListener(type, handler);
  }

  bindStart(handler) {
    this.bind("setup-form", "submit", (event) => {
      event.preventDefault();
      handler(this.readSetup());
    });
  }

  bindSetupChange(handler) {
    for (const id of ["resume-input", "posting-input", "resume-file", "posting-file"]) {
      this.bind(id, id.endsWith("file") ? "change" : "input", () => handler(this.readSetup()));
    }
  }

  bindMode(handler) {
    for (const choice of document.querySelectorAll('input[name="mode"]')) {
      choice.addEventListener("change", () => choice.checked && handler(choice.value));
    }
    this.bind("conversation-button", "click", () => handler("talk"));
    this.bind("push-to-talk-button", "click", () => handler("record"));
  }

  // `handler(playing)` whenever the question's audio starts or stops.
  bindPlayback(handler) {
    const player = $("question-audio");
    for (const type of ["playing", "pause", "ended", "emptied"]) {
      player.addEventListener(type, () => handler(!player.paused && !player.ended));
    }
  }

  bindPlay(onBlocked) {
    this.bind("play-button", "click", () => {
      $("play-button").hidden = true;
      $("question-audio").play().catch(onBlocked);
    });
  }
}
