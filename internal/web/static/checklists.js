/*
 * Majordome — checklists.js
 * "Mes tâches" and a checklist's page: x ticks (or unticks) the task of the selected row
 * (app.js moves the selection with j/k), or the task whose button has the focus.
 * Without this file the buttons still work.
 */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el || el === document.body) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "x" || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    var row = document.activeElement && document.activeElement.closest && document.activeElement.closest("tr.checklist-task");
    if (!row) row = document.querySelector("tr.checklist-task.is-selected");
    if (!row) return;
    var button = row.querySelector("[data-task-toggle]");
    if (!button) return;
    e.preventDefault();
    button.click();
  });
})();
