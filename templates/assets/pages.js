// Page behaviour that used to sit in inline handlers (the policy allows scripts from /assets only).
// <form data-confirm="…"> or <button type="submit" data-confirm="…">: ask before submitting (the
// button's question wins; without JavaScript the form simply submits). <button data-action="print">:
// print the page.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) {
    return;
  }
  const button = event.submitter instanceof HTMLElement ? event.submitter : null;
  const question = (button && button.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-action=print]") : null;
  if (target) {
    window.print();
  }
});
// <table class="table-stack">: on a phone each row is a card; each cell is labelled by its
// column's heading (cells that carry their own data-label keep it).
for (const table of document.querySelectorAll("table.table-stack")) {
  const heads = [...table.querySelectorAll("thead th")].map((th) =>
    th.querySelector(".sr-only") ? "" : th.textContent.trim(),
  );
  for (const row of table.querySelectorAll("tbody tr")) {
    [...row.children].forEach((cell, i) => {
      if (!cell.dataset.label && heads[i]) {
        cell.dataset.label = heads[i];
      }
    });
  }
}
