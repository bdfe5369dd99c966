// Inline SVG built by hand: no chart library, nothing fetched. Colours come from style.css
// classes (the page's policy refuses inline styles), sizes from the viewBox, so a drawing
// scales with the width it is given.
const NS = "http://www.w3.org/2000/svg";

// `attrs` with a null value are left out; `children` are nodes or strings (text content).
export function node(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) el.append(child);
  }
  return el;
}

// A drawing read out as one image: `label` says in words what it shows (role="img" makes a
// screen reader take the label, not the shapes); `title` shows the same on hover.
export function figure(width, height, label, className) {
  const root = node("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": label,
    class: className,
    preserveAspectRatio: "xMidYMid meet",
  });
  root.append(node("title", {}, label));
  return root;
}

// `value` from [min, max] onto [from, to], held inside the scale.
export function place(value, min, max, from, to) {
  const share = max > min ? (value - min) / (max - min) : 0;
  return from + Math.min(1, Math.max(0, share)) * (to - from);
}

// A number as the candidate reads it: `digits` decimals at most, no trailing zeros.
export function num(value, digits = 0) {
  return String(Number(value.toFixed(digits)));
}

// Two decimals are enough for any coordinate: keeps attributes short and stable.
export function px(value) {
  return Math.round(value * 100) / 100;
}

export function measured(value) {
  return typeof value === "number" && Number.isFinite(value);
}
