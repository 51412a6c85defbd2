/* partyorg: the pages' small behaviours, each switched on by a data- attribute.
 *
 * The Content-Security-Policy (partyorg/settings.py) allows only script files
 * from our own static folder: no inline <script>, no on…= attributes, no eval.
 * A template therefore never writes a value into JavaScript; it writes it into
 * a data- attribute (HTML-escaped like any other attribute) or through
 * {{ value|json_script:"id" }}, and this file reads it from the DOM as text.
 *
 *   <form data-confirm="确定……？">          asks before the form is submitted
 *   <button type="submit" data-confirm="…">  asks when this button submits its form
 *   <select data-submit-on-change>           submits its form when the choice changes
 *   <input type="checkbox" data-check-all="pick">  ticks/unticks every checkbox named "pick" in its form
 *   <button type="button" data-print>        opens the browser's print dialog
 *   <div class="progress-bar" data-progress="42">  sets the bar's width to 42 %
 *
 * htmx forms ask with data-hx-confirm (htmx's own, no eval), not data-confirm. htmx attributes are
 * always written data-hx-… (valid HTML, tests/test_html_validity.py).
 */
(function () {
  "use strict";

  // A submit asks first when the button that submitted it, or the form, carries data-confirm.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const submitter = event.submitter;
    const message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    const control = event.target;
    if (control.matches("[data-submit-on-change]") && control.form) {
      control.form.requestSubmit();
    }
    if (control.matches("input[type=checkbox][data-check-all]")) {
      const scope = control.form || document;
      const boxes = scope.querySelectorAll('input[type=checkbox][name="' + CSS.escape(control.dataset.checkAll) + '"]');
      boxes.forEach(function (box) { box.checked = control.checked; });
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });

  // Widths are set through the CSSOM (allowed by the CSP), never a style="" attribute (refused by it).
  function setProgress(root) {
    const bars = Array.from(root.querySelectorAll("[data-progress]"));
    if (root.matches && root.matches("[data-progress]")) { bars.push(root); }
    bars.forEach(function (bar) {
      const percent = Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0));
      bar.style.width = percent + "%";
    });
  }

  // This file is loaded with defer: the document is parsed when it runs.
  setProgress(document);
  // htmx fires htmx:load on every piece of content it swaps in (the import progress, every second).
  document.addEventListener("htmx:load", function (event) { setProgress(event.target); });
})();
