// A <select data-autosubmit> submits its form when changed (no inline handlers: the
// Content-Security-Policy runs no inline script).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.requestSubmit();
  }
});
