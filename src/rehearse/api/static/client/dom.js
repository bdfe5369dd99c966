// The DOM helpers every drawing module uses.

export const $ = (id) => document.getElementById(id);

export function setText(id, text) {
  // Only on change: a rewrite is a DOM mutation (screen readers, observers) even when equal.
  if ($(id).textContent !== text) $(id).textContent = text;
}

export function element(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}
