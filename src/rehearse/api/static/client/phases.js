// The page's phases, each derived from the interview as the server reports it, and what each
// one shows. A region listed may still stay hidden when it has nothing to show (no feedback
// yet on the first question, no next question yet while an answer is processed).

export const PHASES = {
  loading: { show: [], focus: [] },
  setup: { show: ["setup"], focus: [] },
  preparing: { show: ["panel"], focus: ["panel"] },
  answering: {
    show: ["panel", "question", "answer", "talk", "finish", "history"],
    focus: ["panel", "question"],
  },
  recording: { show: ["panel", "question", "answer", "history"], focus: ["panel", "question"] },
  processing: { show: ["panel", "question", "talk", "history"], focus: ["panel"] },
  answered: { show: ["panel", "question", "finish", "history"], focus: ["panel"] },
  finishing: { show: ["panel", "history"], focus: ["panel"] },
  noReport: { show: ["retry", "history"], focus: ["retry"] },
  report: { show: ["report", "history"], focus: ["report"] },
  error: { show: [], focus: [] },
};

// The steps a candidate is shown per job kind (the job-kind table's steps, named for people).
const STAGES = {
  interview_start: ["ingest", "llm", "tts"],
  interview_turn: ["stt", "retrieve", "llm", "tts"],
  interview_report: ["llm"],
};

export const KIND_NAMES = {
  interview_start: "start",
  interview_turn: "turn",
  interview_report: "report",
};

// Where the interview stands, from `GET /v1/interviews/{id}`.
export function phaseOf(interview) {
  if (!interview || interview.status === "failed") return "setup";
  const kind = interview.active_job?.kind;
  if (kind === "interview_start" || interview.status === "starting") return "preparing";
  if (kind === "interview_turn") return "processing";
  if (kind === "interview_report") return "finishing";
  if (interview.status === "finished") return interview.report ? "report" : "noReport";
  return interview.turns.length >= interview.max_questions ? "answered" : "answering";
}

// The job to follow now: the active one, or a start whose job the listing did not catch.
export function runningJob(interview) {
  if (interview.active_job) return interview.active_job;
  if (interview.status === "starting" && interview.start_job_id) {
    return { id: interview.start_job_id, kind: "interview_start", number: null };
  }
  return null;
}

// The steps shown for a job: the last answer has no next question, so no step preparing one.
export function stagesOf(job, maxQuestions) {
  const names = STAGES[job.kind] ?? [];
  const last = job.kind === "interview_turn" && job.number >= maxQuestions;
  return last ? names.filter((name) => name !== "tts") : names;
}

// The question the candidate is asked now: `{number, text, audioId}`, or null when none is.
export function currentQuestion(interview, live) {
  if (live?.kind === "interview_turn") {
    // Presented once spoken (often while the feedback still streams), not before.
    return live.next ? { number: live.number + 1, ...live.next } : null;
  }
  if (interview?.status !== "active" || live) return null;
  const { turns } = interview;
  if (turns.length >= interview.max_questions) return null;
  const last = turns.at(-1);
  return {
    number: turns.length + 1,
    text: last ? last.next_question : interview.opening_question,
    audioId: last ? last.audio_artifact_id : interview.opening_audio_artifact_id,
  };
}
