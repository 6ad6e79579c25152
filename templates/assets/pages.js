// Page behaviour that used to sit in inline handlers (the policy allows scripts from /assets only).
// <form data-confirm="…">: ask before submitting. <button data-action="print">: print the page.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-action=print]") : null;
  if (target) {
    window.print();
  }
});
