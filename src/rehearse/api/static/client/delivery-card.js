// One answer's delivery card: pace, pauses, fillers and pitch, each drawn and read. The labels
// are the page's language; a reading's text comes from the server in the interview's.
import { gauge, timeline } from "./charts.js";
import { element } from "./dom.js";
import { language, t } from "./i18n.js";
import { measured, num } from "./svg.js";

// The fine bands the gauges mark: the ranges the server reads the figures against
// (rehearse.delivery.readings, docs/delivery.md "Ranges"; a change there changes them here);
// the scale around each is what a phone's width holds.
export const PACE_SCALES = {
  wpm: { min: 60, max: 240, low: 110, high: 180 },
  spm: { min: 150, max: 500, low: 250, high: 400 },
};
export const PITCH_SCALE = { min: 0, max: 20, low: 4, high: 12 };

function figureBlock(testid, title) {
  const block = element("div", "", "figure");
  block.dataset.testid = testid;
  block.append(element("h5", t(title)));
  return block;
}

// What a figure's block shows: its value in words, a drawing, notes, the server's reading.
function fill(block, reading, value, ...extra) {
  if (value === null) {
    const missing = element("p", t("notMeasured"), "not-measured");
    missing.dataset.part = "not-measured";
    block.append(missing);
    return block;
  }
  const shown = element("p", value, "figure-value");
  shown.dataset.part = "value";
  block.append(shown, ...extra.filter(Boolean));
  if (reading?.text) {
    const read = element("p", reading.text, "reading");
    read.dataset.level = reading.level;
    block.append(read);
  }
  return block;
}

function note(text) {
  return element("p", text, "figure-note");
}

function pace({ pace: figure }, reading) {
  const unit = figure?.unit === "spm" ? "spm" : "wpm";
  const scale = PACE_SCALES[unit];
  const block = figureBlock("delivery-pace", "pace");
  if (!measured(figure?.value)) return fill(block, reading, null);
  const value = num(figure.value);
  const words = { value, unit: t(`unit_${unit}`), low: scale.low, high: scale.high };
  const drawn = gauge(figure.value, scale, reading?.level, t("paceLabel", words));
  const varied = measured(figure.variation)
    ? note(t("paceVariation", { pct: num(figure.variation * 100) }))
    : null;
  return fill(block, reading, `${value} ${t(`unit_${unit}`)}`, drawn, varied);
}

function pauses({ pauses: figure, speech, total_s: total }, reading) {
  const block = figureBlock("delivery-pauses", "pauses");
  if (!measured(figure?.count)) return fill(block, reading, null);
  const spans = figure.spans ?? [];
  const parts = [t("pauseCount", { n: figure.count })];
  if (measured(figure.longest_s) && figure.count) {
    parts.push(t("pauseLongest", { s: num(figure.longest_s, 1) }));
  }
  if (measured(figure.silent_share)) {
    parts.push(t("pauseSilent", { pct: num(figure.silent_share * 100) }));
  }
  let drawn = null;
  if (measured(total) && total > 0) {
    const words = { total: num(total, 1), stretches: (speech ?? []).length, count: spans.length };
    drawn = timeline(total, speech ?? [], spans, t("timelineLabel", words));
  }
  const legend = element("p", "", "legend");
  legend.append(element("span", t("legendSpeech"), "key speech"));
  legend.append(element("span", t("legendPause"), "key pause"));
  const first = measured(figure.first_word_s)
    ? note(t("firstWord", { s: num(figure.first_word_s, 1) }))
    : null;
  return fill(block, reading, parts.join(" · "), drawn, drawn && legend, first);
}

function fillers({ fillers: figure }, reading) {
  const block = figureBlock("delivery-fillers", "fillers");
  if (!measured(figure?.per_100_words)) return fill(block, reading, null);
  const found = (figure.found ?? []).filter((item) => item?.text && item.count > 0);
  const list = element("ul", "", "fillers-found");
  for (const item of found) {
    const entry = element("li", t("fillerCount", { text: item.text, count: item.count }));
    entry.dataset.part = "filler";
    list.append(entry);
  }
  const shown = found.length ? list : note(t("fillersNone"));
  return fill(block, reading, t("fillersRate", { rate: num(figure.per_100_words, 1) }), shown);
}

function pitch({ pitch: figure }, reading) {
  const block = figureBlock("delivery-pitch", "pitch");
  const [median, range] = [figure?.median_hz, figure?.range_semitones];
  if (!measured(median) && !measured(range)) return fill(block, reading, null);
  const parts = [];
  if (measured(median)) parts.push(t("pitchMedian", { hz: num(median) }));
  if (measured(range)) parts.push(t("pitchRange", { st: num(range, 1) }));
  const words = { st: measured(range) ? num(range, 1) : "", ...PITCH_SCALE };
  const drawn = measured(range)
    ? gauge(range, PITCH_SCALE, reading?.level, t("pitchLabel", words))
    : null;
  let flag = null;
  if (typeof figure.monotone === "boolean") {
    flag = element("p", t(figure.monotone ? "monotone" : "varied"), "flag");
    flag.dataset.part = "monotone";
    flag.dataset.monotone = String(figure.monotone);
  }
  return fill(block, reading, parts.join(" · "), drawn, flag);
}

// The card of answer `number` (`data-turn`), from a `delivery` object (delivery_contract.py).
export function deliveryCard(delivery, number) {
  const card = element("section", "", "delivery");
  card.dataset.testid = "delivery-card";
  card.dataset.turn = String(number);
  card.setAttribute("aria-label", t("deliveryOn", { n: number }));
  card.append(element("h4", t("deliveryTitle")));
  const readings = delivery.readings ?? {};
  const grid = element("div", "", "figures");
  grid.append(
    pace(delivery, readings.pace),
    pauses(delivery, readings.pauses),
    fillers(delivery, readings.fillers),
    pitch(delivery, readings.pitch),
  );
  card.append(grid);
  return card;
}

const drawn = new WeakMap();

// The card in `container`, redrawn only when the figures or the page's language change (the
// panel is drawn on every streamed token).
export function drawDelivery(container, delivery, number) {
  const key = delivery ? `${language()}|${number}|${JSON.stringify(delivery)}` : "";
  if (drawn.get(container) === key) return;
  drawn.set(container, key);
  container.replaceChildren(...(delivery ? [deliveryCard(delivery, number)] : []));
}
