/* The dues grid (dues/grid.html): keyboard moves between cells, "=" fills the amount due, live total.
 *
 * Every value comes from data- attributes (the CSP allows no inline script):
 *   <form data-dues-grid>                 the grid's form
 *   <input data-due="12.00" data-row data-col>  an unpaid month: its amount due, its place
 *   <button data-fill-column="3">        fills column 3's empty cells with their amount due
 *   <button data-grid-clear>             empties every cell typed in
 *   [data-grid-sum] [data-grid-count]    the total and the number of cells filled
 */
(function () {
  "use strict";
  const form = document.querySelector("form[data-dues-grid]");
  if (!form) { return; }
  const inputs = Array.from(form.querySelectorAll("input[data-due]"));
  const at = new Map(inputs.map(function (input) { return [input.dataset.row + ":" + input.dataset.col, input]; }));
  const rows = Math.max(-1, ...inputs.map(function (i) { return Number(i.dataset.row); })) + 1;
  const cols = Math.max(-1, ...inputs.map(function (i) { return Number(i.dataset.col); })) + 1;

  function visible(input) { return input.offsetParent !== null; }

  // The next input in a direction that is shown (a phone hides the months not being collected).
  function step(input, dr, dc) {
    let r = Number(input.dataset.row), c = Number(input.dataset.col);
    for (let n = 0; n < rows * cols; n++) {
      r += dr; c += dc;
      if (r < 0 || r >= rows || c < 0 || c >= cols) { return null; }
      const next = at.get(r + ":" + c);
      if (next && visible(next)) { return next; }
    }
    return null;
  }

  function amount(text) {
    const clean = String(text).replace(/[,，￥¥元\s]/g, "");
    const value = Number(clean);
    return clean !== "" && isFinite(value) ? value : null;
  }

  function refresh() {
    let cents = 0, count = 0;
    inputs.forEach(function (input) {
      const value = amount(input.value);
      if (value !== null && value > 0) { cents += Math.round(value * 100); count += 1; }
      input.closest("td").classList.toggle("filled", value !== null && value > 0);
    });
    const sum = form.querySelector("[data-grid-sum]");
    const shown = form.querySelector("[data-grid-count]");
    if (sum) { sum.textContent = (cents / 100).toFixed(2); }
    if (shown) { shown.textContent = String(count); }
  }

  form.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("input[data-due]")) { return; }
    let next = null;
    if (event.key === "=" || event.key === "+") {
      event.preventDefault();
      input.value = input.dataset.due;
      refresh();
      return;
    }
    if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) { next = step(input, 1, 0); }
    else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) { next = step(input, -1, 0); }
    else if (event.key === "ArrowRight" && input.selectionStart === input.value.length) { next = step(input, 0, 1); }
    else if (event.key === "ArrowLeft" && input.selectionEnd === 0) { next = step(input, 0, -1); }
    else { return; }
    if (event.key === "Enter") { event.preventDefault(); }  // Enter moves on; the save button saves
    if (next) { event.preventDefault(); next.focus(); next.select(); }
  });

  form.addEventListener("input", refresh);

  // An empty cell shows what it would take once focused (the placeholder says 未交 for an overdue month).
  form.addEventListener("focusin", function (event) {
    const input = event.target;
    if (input.matches && input.matches("input[data-due]")) {
      input.dataset.placeholder = input.placeholder;
      input.placeholder = "= " + input.dataset.due;
    }
  });
  form.addEventListener("focusout", function (event) {
    const input = event.target;
    if (input.matches && input.matches("input[data-due]") && "placeholder" in input.dataset) {
      input.placeholder = input.dataset.placeholder;
    }
  });

  form.addEventListener("click", function (event) {
    const fill = event.target.closest("[data-fill-column]");
    if (fill) {
      const col = fill.dataset.fillColumn;
      inputs.forEach(function (input) {
        if (input.dataset.col === col && input.value === "") { input.value = input.dataset.due; }
      });
      refresh();
    }
    if (event.target.closest("[data-grid-clear]")) {
      inputs.forEach(function (input) { input.value = ""; });
      refresh();
    }
  });

  refresh();
})();
