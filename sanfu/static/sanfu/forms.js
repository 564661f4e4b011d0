// A <select data-autosubmit> submits its form when changed (no inline handlers: the
// Content-Security-Policy runs no inline script).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});

// A live character counter under every field with data-limit (sanfu.lib.forms.LimitedTextField).
// The page has no maxlength, which would cut pasted text silently; the counter says how much
// is over instead, the field is marked invalid, and the server refuses an over-long text with
// the same count. Characters are counted as the server counts them: one per code point (an
// emoji is one) and one per line break.
function characterCount(text) {
  return Array.from(text.replace(/\r\n/g, "\n")).length;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

function updateCounter(field) {
  const counter = document.getElementById(field.dataset.counterId || "");
  if (!counter) {
    return;
  }
  const limit = Number(field.dataset.limit);
  const count = characterCount(field.value);
  const over = count - limit;
  counter.textContent = over > 0
    ? fill(field.dataset.limitOver || "{over} / {limit}", { over, limit, count })
    : fill(field.dataset.limitCount || "{count} / {limit}", { count, limit });
  counter.classList.toggle("over", over > 0);
  field.setAttribute("aria-invalid", over > 0 ? "true" : "false");
  field.setCustomValidity(over > 0 ? counter.textContent : "");
}

let counters = 0;
function addCounters(root) {
  root.querySelectorAll("[data-limit]").forEach((field) => {
    if (field.dataset.counterId) {
      return;
    }
    counters += 1;
    const counter = document.createElement("p");
    counter.className = "counter";
    counter.id = `${field.id || "field"}-counter-${counters}`;
    counter.setAttribute("aria-live", "polite");
    counter.setAttribute("data-testid", "counter");
    field.dataset.counterId = counter.id;
    field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" "));
    field.insertAdjacentElement("afterend", counter);
    updateCounter(field);
  });
}

document.addEventListener("input", (event) => {
  const field = event.target;
  if (field instanceof HTMLElement && field.dataset.limit) {
    updateCounter(field);
  }
});
document.addEventListener("DOMContentLoaded", () => addCounters(document));
// Parts of pages htmx swaps in get their counters too.
document.addEventListener("htmx:load", (event) => addCounters(event.target));
