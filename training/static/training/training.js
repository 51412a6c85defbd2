/* training: the attendance page's roll call and the session form's topic suggestions.
 *
 * Loaded as a file (the CSP allows no inline script); every value comes from
 * data- attributes.
 *
 *   <form data-roll>                      the roll: counts the ticked boxes named "present"
 *   <button data-roll-all="1|0">          ticks / unticks every visible member
 *   <input data-roll-filter>              shows only the members whose name contains the text
 *   <span data-roll-count data-total="N"> "到会 n / N 人", kept up to date
 *   <template id="topic-suggestions-template">  buttons data-add-topic="…" placed under the topic field,
 *                                          each appending its topic to the field (separated by 、)
 */
(function () {
  "use strict";

  function updateCount(form) {
    const counter = form.querySelector("[data-roll-count]");
    if (!counter) { return; }
    const ticked = form.querySelectorAll('input[name="present"]:checked').length;
    const total = counter.dataset.total || "0";
    counter.textContent = "";
    counter.append("到会 ");
    const strong = document.createElement("strong");
    strong.textContent = String(ticked);
    counter.append(strong, " / " + total + " 人");
    form.querySelectorAll(".roll-item").forEach(function (item) {
      const box = item.querySelector('input[name="present"]');
      item.classList.toggle("roll-absent", box && !box.checked);
    });
  }

  document.querySelectorAll("form[data-roll]").forEach(function (form) {
    updateCount(form);
    form.addEventListener("change", function () { updateCount(form); });
    form.addEventListener("click", function (event) {
      const button = event.target.closest("[data-roll-all]");
      if (!button) { return; }
      const on = button.dataset.rollAll === "1";
      form.querySelectorAll(".roll-item").forEach(function (item) {
        if (item.hidden) { return; }
        const box = item.querySelector('input[name="present"]');
        if (box) { box.checked = on; }
      });
      updateCount(form);
    });
    const filter = form.querySelector("[data-roll-filter]");
    if (filter) {
      filter.addEventListener("input", function () {
        const text = filter.value.trim();
        form.querySelectorAll(".roll-item").forEach(function (item) {
          item.hidden = Boolean(text) && !(item.dataset.name || "").includes(text);
        });
      });
      // Enter in the search box must not submit the roll half-done.
      filter.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    }
  });

  const template = document.getElementById("topic-suggestions-template");
  const topicField = document.getElementById("id_topic_text");
  if (template && topicField) {
    const wrapper = template.content.firstElementChild.cloneNode(true);
    topicField.insertAdjacentElement("afterend", wrapper);
    wrapper.addEventListener("click", function (event) {
      const button = event.target.closest("[data-add-topic]");
      if (!button) { return; }
      const topic = button.dataset.addTopic;
      const parts = topicField.value.split(/[、，,；;]/).map(function (p) { return p.trim(); }).filter(Boolean);
      if (!parts.includes(topic)) { parts.push(topic); }
      topicField.value = parts.join("、");
      topicField.dispatchEvent(new Event("input", { bubbles: true }));
      topicField.focus();
    });
  }
})();
