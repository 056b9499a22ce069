// The year page: a row's 请配合部门补充 button posts the separate ask form and leaves the page, so what was typed
// or chosen since the page was drawn — or the whole page after a save that saved nothing — would be lost.
// Ask first (the form's data-unsaved is the question); nothing changed, the button just asks.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[form='ask-contributions']");
  const form = document.getElementById("year-figures");
  if (!button || !form) return;
  const changed = (field) => {
    if (field.type === "file") return field.files.length > 0;
    if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return [...field.options].some((option) => option.selected !== option.defaultSelected);
    return (field.tagName === "TEXTAREA" || field.type === "text" || field.type === "number") && field.value !== field.defaultValue;
  };
  const unsaved = form.querySelector(".year-summary") !== null || [...form.elements].some(changed);
  if (unsaved && !window.confirm(form.dataset.unsaved)) event.preventDefault();
});
