// A running job as the page shows it: its steps, the transcript as heard, the feedback as
// written, how the answer was said, and the next question once spoken. Filled from the job's
// events, in order.
import { partialFeedback } from "./feedback.js";
import { stagesOf } from "./phases.js";

// `job` is `{id, kind, number}`; `question` the text being answered (a turn's).
export function liveJob(job, maxQuestions, question = null) {
  const live = { id: job.id, kind: job.kind, number: job.number ?? null, question };
  live.names = stagesOf(job, maxQuestions);
  restart(live);
  return live;
}

// A new attempt (a `reset` event): what earlier attempts streamed is dropped.
export function restart(live) {
  live.stages = live.names.map((name) => ({ name, state: "waiting" }));
  live.transcript = "";
  live.feedbackText = "";
  live.feedback = null;
  live.next = null;
  live.delivery = null; // how the answer was said, once measured (the `delivery` event)
}

export function apply(live, event) {
  if (event.type === "stage") {
    const stage = live.stages.find((s) => s.name === event.stage);
    if (stage) stage.state = event.state; // steps not shown to a candidate stay unseen
    if (event.stage === "llm" && event.state === "regenerating") {
      live.feedbackText = "";
      live.feedback = null;
    }
  } else if (event.type === "segment") {
    live.transcript += `${event.text.trim()} `;
  } else if (event.type === "token" && live.kind === "interview_turn") {
    live.feedbackText += event.text;
    live.feedback = partialFeedback(live.feedbackText) ?? live.feedback;
  } else if (event.type === "delivery") {
    live.delivery = event.delivery;
  } else if (event.type === "audio" && event.role === "next_question") {
    live.next = { text: event.text, audioId: event.artifact_id };
  }
}
