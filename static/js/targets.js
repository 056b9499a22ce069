// The next plan's targets: a proposal's button puts its value in its row's box (data-fill: the input's id) and
// unticks “still to be set” where there is such a box (data-untick).  Nothing is saved until the form is.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-fill]");
  const input = button && document.getElementById(button.dataset.fill);
  if (!input) return;
  input.value = button.dataset.value;
  const pending = button.dataset.untick && document.getElementById(button.dataset.untick);
  if (pending) pending.checked = false;
  document.querySelectorAll(`button[data-fill="${button.dataset.fill}"]`).forEach((other) => other.setAttribute("aria-pressed", String(other === button)));
});
