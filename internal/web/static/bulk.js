/*
 * Majordome — bulk.js
 * The queue's bulk actions, loaded with the queue after app.js. Without it the page still works:
 * the checkboxes and the bar's "Appliquer" button submit the form (form#bulk-form[data-bulk]).
 *
 *   input[data-bulk-row]   one checkbox per row (form="bulk-form"). Shift-click ticks or unticks
 *                          every row between the last one clicked and this one.
 *   input[data-bulk-all]   ticks or unticks every row of the page.
 *   x                      ticks or unticks the row selected with j/k (tr.is-selected).
 *   Esc                    unticks everything (when something is ticked).
 *   [data-bulk-count]      says how many are ticked (data-count-one / data-count-other on the
 *                          form, "{n}" replaced); the bar shows (.is-active) once one is ticked.
 *   select[data-bulk-auto] applies at once when a choice is made; closing or merging asks first
 *                          (data-confirm-close / data-confirm-merge on the form).
 *   [data-bulk-back]       set to the queue's current address on submit, so the queue comes
 *                          back as it was, filters included (htmx pushes them into the URL).
 *   [data-bulk-clear]      unticks everything.
 * The rows are swapped by htmx when a filter changes: every listener is delegated on document.
 */
(function () {
  "use strict";

  var doc = document;
  var form = doc.querySelector("form[data-bulk]");
  if (!form) return;
  var count = form.querySelector("[data-bulk-count]");
  var hint = count ? count.textContent : "";
  var last = null; // the last row checkbox clicked, for shift-click ranges

  function rows() {
    return Array.prototype.slice.call(doc.querySelectorAll("input[data-bulk-row]"));
  }

  function ticked() {
    return rows().filter(function (box) { return box.checked; });
  }

  function refresh() {
    var n = ticked().length;
    form.classList.toggle("is-active", n > 0);
    if (count) {
      var label = form.getAttribute(n === 1 ? "data-count-one" : "data-count-other") || "{n}";
      count.textContent = n > 0 ? label.replace("{n}", String(n)) : hint;
    }
    var all = doc.querySelector("input[data-bulk-all]");
    if (all) {
      var total = rows().length;
      all.checked = n > 0 && n === total;
      all.indeterminate = n > 0 && n < total;
    }
    rows().forEach(function (box) {
      var tr = box.closest("tr");
      if (tr) tr.classList.toggle("is-ticked", box.checked);
    });
  }

  function setAll(on) {
    rows().forEach(function (box) { box.checked = on; });
    refresh();
  }

  function isTyping(el) {
    if (!el || el === doc.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      var t = (el.type || "text").toLowerCase();
      return ["checkbox", "radio", "button", "submit", "reset"].indexOf(t) === -1;
    }
    return false;
  }

  doc.addEventListener("click", function (e) {
    var box = e.target.closest && e.target.closest("input[data-bulk-row]");
    if (box) {
      var list = rows();
      if (e.shiftKey && last && last !== box && list.indexOf(last) !== -1) {
        var a = list.indexOf(last), b = list.indexOf(box);
        var from = Math.min(a, b), to = Math.max(a, b);
        for (var i = from; i <= to; i++) list[i].checked = box.checked;
      }
      last = box;
      refresh();
      return;
    }
    if (e.target.closest && e.target.closest("[data-bulk-clear]")) {
      setAll(false);
    }
  });

  doc.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("input[data-bulk-all]")) {
      setAll(el.checked);
      return;
    }
    if (el.matches && el.matches("input[data-bulk-row]")) {
      refresh();
      return;
    }
    if (el.matches && el.matches("select[data-bulk-auto]") && el.form === form && el.value !== "") {
      if (ticked().length === 0) return; // nothing to apply it to yet
      // One choice at a time: the other selects go back to "no change".
      form.querySelectorAll("select[data-bulk-auto]").forEach(function (s) { if (s !== el) s.value = ""; });
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    }
  });

  form.addEventListener("submit", function (e) {
    var back = form.querySelector("[data-bulk-back]");
    if (back) back.value = window.location.pathname + window.location.search;
    var status = form.querySelector('select[name="status"]');
    var into = form.querySelector('input[name="into"]');
    var ask = null;
    if (status && status.value === "closed") ask = form.getAttribute("data-confirm-close");
    if (into && into.value.trim() !== "") ask = form.getAttribute("data-confirm-merge");
    if (ask && !window.confirm(ask)) {
      e.preventDefault();
      if (status && status.value === "closed") status.value = "";
    }
  });

  doc.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    if (doc.querySelector("dialog[open]")) return;
    if (e.key === "x") {
      var row = doc.querySelector("table[data-keyboard-list] tbody tr.is-selected");
      var box = row && row.querySelector("input[data-bulk-row]");
      if (!box) return;
      e.preventDefault();
      box.checked = !box.checked;
      last = box;
      refresh();
    } else if (e.key === "Escape" && ticked().length > 0) {
      setAll(false);
    }
  });

  // A filter changed: new rows, nothing ticked.
  doc.body.addEventListener("htmx:afterSwap", function () { last = null; refresh(); });

  refresh();
})();
