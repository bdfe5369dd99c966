// The page's language (ko or en): `t(key, values)` fills {name} placeholders; static labels
// carry `data-i18n` and are rewritten by setLanguage, the rest is drawn by the view.
import en from "./texts-en.js";
import ko from "./texts-ko.js";

const TEXTS = { ko, en };
let current = "ko";

// Returns the language now in use (an unknown one falls back to English).
export function setLanguage(language) {
  current = TEXTS[language] ? language : "en";
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  return current;
}

export function language() {
  return current;
}

export function has(key) {
  return key in TEXTS[current];
}

export function t(key, values = {}) {
  const text = TEXTS[current][key] ?? TEXTS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}
