// What the page says when something fails: the error's code mapped to words in the page's
// language for the step that failed, saying what to do next. A server's own message (often a
// library's text) is never shown; an unknown code gets the step's general sentence.
import { has, t } from "./i18n.js";

// Codes that mean the same thing to a candidate.
const SAME_AS = {
  unsupported_audio: "unsupported_media_type",
  invalid_audio: "unsupported_media_type",
  unsupported_document: "unsupported_media_type",
  unreadable_document: "unsupported_media_type",
  document_too_large: "payload_too_large",
  database_unavailable: "unavailable",
  redis_unavailable: "unavailable",
  queue_unavailable: "unavailable",
};

// Steps (contexts) a failure can come from, and where the page shows it.
export const PLACES = {
  setup: "setup",
  start: "setup",
  answer: "answer",
  turn: "answer",
  talk: "talk",
  question: "question",
  finish: "finish",
  report: "retry",
  load: "top",
  invite: "top",
};

// `{code, context, status?, retryAfter?}` from an ApiError, a RecorderError, a failed job's
// error or a code of the page's own (e.g. "missing_text").
export function pageError(error, context) {
  const raw = typeof error === "string" ? error : (error?.code ?? "");
  const status = error?.status ?? null;
  let code = SAME_AS[raw] ?? raw;
  if (!has(`err_${code}`) && status >= 500) code = "unavailable";
  return { code, raw, context, retryAfter: error?.retryAfter ?? null };
}

export function errorText(error) {
  const keys = [`err_${error.context}_${error.code}`, `err_${error.code}`, `err_${error.context}`];
  const key = keys.find(has) ?? "err_other";
  return t(key, { seconds: error.retryAfter ?? 5 });
}
