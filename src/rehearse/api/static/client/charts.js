// The delivery card's two drawings: a gauge (a value on a scale, its fine band marked) and an
// answer's timeline (speech and counted pauses over the recording's length).
import { t } from "./i18n.js";
import { figure, node, num, place, px } from "./svg.js";

const GAUGE = { width: 320, height: 50, left: 16, right: 304 };
const TIMELINE = { width: 320, height: 46 };
// A band edge's label is left out when it would sit on the scale's end label.
const LABEL_ROOM = 26;

function label(x, y, text, part, anchor = "middle") {
  return node("text", { x: px(x), y, "text-anchor": anchor, "data-part": part }, text);
}

// `scale` is `{min, max, low, high}` (the band from low to high is fine); `level` the server's
// reading (low, fine, high) colours the marker, `label` says it all in words.
export function gauge(value, scale, level, text) {
  const { left, right } = GAUGE;
  const at = (v) => place(v, scale.min, scale.max, left, right);
  const svg = figure(GAUGE.width, GAUGE.height, text, "gauge");
  const [low, high, x] = [at(scale.low), at(scale.high), at(value)];
  svg.append(
    node("rect", {
      x: left,
      y: 18,
      width: right - left,
      height: 10,
      rx: 5,
      class: "gauge-track",
      "data-part": "track",
    }),
    node("rect", {
      x: px(low),
      y: 18,
      width: px(high - low),
      height: 10,
      class: "gauge-band",
      "data-part": "band",
    }),
    node("rect", {
      x: px(x - 2),
      y: 11,
      width: 4,
      height: 24,
      rx: 1,
      class: `gauge-marker level-${level ?? "none"}`,
      "data-part": "marker",
    }),
    label(left, 46, num(scale.min), "min", "start"),
    label(right, 46, num(scale.max), "max", "end"),
  );
  if (low - left > LABEL_ROOM) svg.append(label(low, 46, num(scale.low), "low"));
  if (right - high > LABEL_ROOM) svg.append(label(high, 46, num(scale.high), "high"));
  return svg;
}

// Bars over [0, total_s]: the speech stretches, then each counted pause drawn over them.
export function timeline(totalS, speech, spans, text) {
  const { width } = TIMELINE;
  const at = (s) => place(s, 0, totalS, 0, width);
  const bar = (start, end, y, height, part) =>
    node("rect", {
      x: px(at(start)),
      y,
      // Never thinner than a hairline: a short pause on a long answer stays visible.
      width: px(Math.max(at(end) - at(start), 1.5)),
      height,
      class: `timeline-${part}`,
      "data-part": part,
    });
  const svg = figure(width, TIMELINE.height, text, "timeline");
  svg.append(
    node("rect", { x: 0, y: 8, width, height: 18, class: "timeline-track", "data-part": "track" }),
  );
  for (const [start, end] of speech) svg.append(bar(start, end, 8, 18, "speech"));
  for (const span of spans) svg.append(bar(span.start_s, span.end_s, 4, 26, "pause"));
  svg.append(
    label(0, 42, t("secondsShort", { s: 0 }), "start", "start"),
    label(width, 42, t("secondsShort", { s: num(totalS, 1) }), "end", "end"),
  );
  return svg;
}
