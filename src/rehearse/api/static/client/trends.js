// The report's trends: pace, pauses, fillers and score across the answers, one small chart
// each, one point per answer under its question number. A figure not measured on an answer
// is a gap (a dash on the axis, the line broken), never a zero.
import { element } from "./dom.js";
import { t } from "./i18n.js";
import { figure, measured, node, num, place, px } from "./svg.js";

const BOX = { width: 320, height: 132, left: 30, right: 312, top: 16, bottom: 106 };
const MOST_LABELS = 10; // question numbers shown under the axis, at most

const TRENDS = [
  {
    testid: "trend-pace",
    title: "trendPace",
    kind: "line",
    digits: 0,
    value: (turn) => turn.delivery?.pace?.value,
  },
  {
    testid: "trend-pauses",
    title: "trendPauses",
    kind: "bar",
    digits: 0,
    value: (turn) => turn.delivery?.pauses?.count,
  },
  {
    testid: "trend-fillers",
    title: "trendFillers",
    kind: "line",
    digits: 1,
    value: (turn) => turn.delivery?.fillers?.per_100_words,
  },
  {
    testid: "trend-score",
    title: "trendScore",
    kind: "bar",
    digits: 0,
    top: 5,
    score: true, // drawn without delivery too
    value: (turn) => turn.feedback?.score,
  },
];

// A round top for the axis, a little above the largest value.
function niceTop(largest) {
  if (!(largest > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(largest));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= largest * 1.1) ?? 10;
  return step * magnitude;
}

function text(x, y, content, part, anchor = "middle") {
  return node("text", { x: px(x), y: px(y), "text-anchor": anchor, "data-part": part }, content);
}

// `points` are `{n, value}` (value null when not measured), in question order.
export function trendChart(points, spec, label) {
  const { left, right, top, bottom } = BOX;
  const ceiling = spec.top ?? niceTop(Math.max(0, ...points.map((p) => p.value ?? 0)));
  const y = (value) => place(value, 0, ceiling, bottom, top);
  const slot = (right - left) / Math.max(points.length, 1);
  const x = (i) => left + (i + 0.5) * slot;
  const svg = figure(BOX.width, BOX.height, label, `trend chart-${spec.kind}`);
  svg.append(
    node("line", { x1: left, x2: right, y1: top, y2: top, class: "trend-rule" }),
    node("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "trend-axis" }),
    text(left - 4, top + 4, num(ceiling, 1), "top", "end"),
    text(left - 4, bottom + 4, "0", "zero", "end"),
  );
  // The line is lifted over a missing answer: "M" starts again after each gap.
  let path = "";
  points.forEach((point, i) => {
    if (point.value === null) return;
    const joined = i > 0 && points[i - 1].value !== null;
    path += `${joined ? "L" : "M"}${px(x(i))},${px(y(point.value))}`;
  });
  if (spec.kind === "line" && path) {
    svg.append(node("path", { d: path, class: "trend-line", "data-part": "line" }));
  }
  const every = Math.ceil(points.length / MOST_LABELS);
  points.forEach((point, i) => {
    const name = t("questionShort", { n: point.n });
    if (i % every === 0) svg.append(text(x(i), bottom + 18, name, "label"));
    if (point.value === null) {
      svg.append(text(x(i), bottom - 4, "–", "gap"));
      return;
    }
    const shown = num(point.value, spec.digits);
    const mark =
      spec.kind === "bar"
        ? node("rect", {
            x: px(x(i) - Math.min(14, slot * 0.3)),
            y: px(y(point.value)),
            width: px(Math.min(28, slot * 0.6)),
            height: px(Math.max(bottom - y(point.value), 1.5)), // a zero still shows as one
            class: "trend-bar",
          })
        : node("circle", { cx: px(x(i)), cy: px(y(point.value)), r: 3.5, class: "trend-point" });
    mark.dataset.part = spec.kind === "bar" ? "bar" : "point";
    mark.dataset.turn = String(point.n);
    mark.dataset.value = shown;
    mark.append(node("title", {}, `${name}: ${shown}`));
    svg.append(mark, text(x(i), y(point.value) - 7, shown, "value"));
  });
  return svg;
}

function chartBlock(spec, points, unit) {
  const block = element("div", "", "trend-block");
  block.dataset.testid = spec.testid;
  const title = t(spec.title, { unit });
  const said = points.map(({ n, value }) => {
    const shown = value === null ? t("notMeasured") : num(value, spec.digits);
    return `${t("questionShort", { n })} ${shown}`;
  });
  block.append(element("h4", title));
  block.append(trendChart(points, spec, t("trendLabel", { title, values: said.join(", ") })));
  return block;
}

// The trends' section for the report, or null before any answer.
export function reportTrends(turns) {
  if (!turns?.length) return null;
  const section = element("div", "", "trends");
  section.dataset.testid = "report-trends";
  section.append(element("h3", t("trendsTitle")));
  const grid = element("div", "", "trend-grid");
  const anyDelivery = turns.some((turn) => turn.delivery);
  const unit = turns.find((turn) => turn.delivery?.pace?.unit)?.delivery.pace.unit ?? "wpm";
  for (const spec of TRENDS) {
    if (!spec.score && !anyDelivery) continue; // delivery not measured here at all
    const points = turns.map((turn) => {
      const value = spec.value(turn);
      return { n: turn.number, value: measured(value) ? value : null };
    });
    grid.append(chartBlock(spec, points, t(`unit_${unit}`)));
  }
  section.append(grid);
  return section;
}
