// The conversation panel, drawn from the model's `talk`: the state in words (a live region),
// the words heard so far, and the controls the state allows.
import { $, setText } from "./dom.js";
import { t } from "./i18n.js";
import { canEnd, talkState } from "./talk.js";

export function drawTalk(talk) {
  const state = talkState(talk);
  $("talk").dataset.state = state;
  $("talk-state").dataset.state = state;
  setText("talk-state", t(`talk_${state}`));
  setText("talk-note", talk.note ? t("talkNoSpeech") : "");
  $("talk-note").hidden = !talk.note || Boolean(talk.failed);
  setText("talk-transcript", talk.transcript);
  // While the answer goes on: once it ended, the turn's own panel shows what was said.
  $("talk-heard").hidden = !talk.transcript || !["listening", "thinking"].includes(state);
  $("talk-controls").hidden = Boolean(talk.failed);
  $("done-button").disabled = !canEnd(talk);
  const pause = $("pause-button");
  pause.disabled = ["connecting", "finished"].includes(talk.state);
  pause.setAttribute("aria-pressed", String(talk.paused));
  setText("pause-button", t(talk.paused ? "resume" : "pause"));
  // Trying again cannot give a browser what it lacks.
  $("talk-retry").hidden = !talk.failed || talk.failed === "no_worklet";
  if (talk.failed || talk.paused) setTalkLevel(0);
}

export function setTalkLevel(rms) {
  // Speech sits around 0.05–0.25 RMS: scaled so a normal voice fills most of the bar.
  $("talk-level").style.width = `${Math.min(100, Math.round(rms * 400))}%`;
}
