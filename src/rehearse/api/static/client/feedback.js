// Feedback as it streams: the LLM's JSON read while still incomplete, shown under headings.
import { t } from "./i18n.js";
import { starCheck } from "./star.js";

// Close what is open in a JSON prefix (a string, arrays, objects) so it parses.
export function parsePartial(text) {
  const stack = [];
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") stack.push(ch === "{" ? "}" : "]");
    else if (ch === "}" || ch === "]") stack.pop();
  }
  let closed = text;
  if (inString) closed += escaped ? '\\"' : '"';
  closed = closed.replace(/[,:]\s*$/, "").replace(/,\s*"[^"]*"\s*$/, "");
  closed += stack.reverse().join("");
  try {
    const value = JSON.parse(closed);
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

function list(title, items) {
  const section = document.createElement("div");
  const heading = document.createElement("h4");
  heading.textContent = title;
  const ul = document.createElement("ul");
  for (const item of items) {
    if (typeof item !== "string" || !item.trim()) continue;
    const li = document.createElement("li");
    li.textContent = item;
    ul.append(li);
  }
  section.append(heading, ul);
  return section;
}

// Fill `container` with a score, the two lists and the STAR check (behavioural questions);
// `scoreTestId` names the score element.
export function renderFeedback(container, feedback, scoreTestId = "score") {
  container.replaceChildren();
  if (!feedback) return;
  if (Number.isInteger(feedback.score)) {
    const score = document.createElement("p");
    score.className = "score";
    score.dataset.testid = scoreTestId;
    score.textContent = `${t("score")}: ${feedback.score} / 5`;
    container.append(score);
  }
  if (Array.isArray(feedback.strengths) && feedback.strengths.length) {
    container.append(list(t("strengths"), feedback.strengths));
  }
  if (Array.isArray(feedback.improvements) && feedback.improvements.length) {
    container.append(list(t("improvements"), feedback.improvements));
  }
  const star = starCheck(feedback.star);
  if (star) container.append(star);
}

// The feedback readable so far in a stream of the LLM's JSON tokens, or null before any.
export function partialFeedback(text) {
  const start = text.indexOf("{");
  return start < 0 ? null : parsePartial(text.slice(start));
}
