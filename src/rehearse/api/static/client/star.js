// The STAR check of a behavioural answer (feedback.star): situation, task, action, result, each
// covered or missing, with the words of the answer that cover it. Only the worker's checked
// parts ({covered, quote}, in the turn's result and GET) are drawn: the streamed feedback holds
// the model's unchecked quotes as plain strings, which this leaves out.
import { element } from "./dom.js";
import { t } from "./i18n.js";

const PARTS = ["situation", "task", "action", "result"];

function partItem(name, part) {
  const item = element("li", "", "star-part");
  item.dataset.part = name;
  item.dataset.covered = String(part.covered);
  // A mark besides the colour: covered and missing read apart in print and without colour.
  const mark = element("span", part.covered ? "✓" : "✗", "star-mark");
  mark.setAttribute("aria-hidden", "true");
  item.append(
    mark,
    element("strong", t(`star_${name}`)),
    element("span", t(part.covered ? "starCovered" : "starMissing"), "star-state"),
  );
  if (typeof part.quote === "string" && part.quote.trim()) {
    item.append(element("q", part.quote.trim(), "star-quote"));
  }
  return item;
}

// The STAR check's box, or null when `star` holds nothing to show yet.
export function starCheck(star) {
  if (!star || typeof star !== "object") return null;
  const shown = PARTS.filter((name) => typeof star[name]?.covered === "boolean");
  if (!shown.length) return null;
  const box = element("div", "", "star");
  box.dataset.testid = "star-check";
  box.append(element("h4", t("starTitle")));
  if (shown.length === PARTS.length) {
    const covered = shown.filter((name) => star[name].covered).length;
    box.append(element("p", t("starSummary", { n: covered, total: PARTS.length }), "star-summary"));
  }
  const list = element("ul", "", "star-parts");
  list.append(...shown.map((name) => partItem(name, star[name])));
  box.append(list);
  return box;
}
