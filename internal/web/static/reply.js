/*
 * Majordome — reply.js
 * Attachments and canned replies in the desk's and the portal's forms, after app.js. Every form
 * works without it: the server checks the files again and the macro menu's entries submit.
 *
 *   label[data-attach] (a .dropzone around input[type=file], with data-max-size in bytes,
 *       data-max-files, and the messages data-too-large ("{name}" is the file) and data-too-many):
 *       files are checked as soon as they are chosen, the form is not sent while one is refused,
 *       and [data-attach-error] of the same .attach-field says why. Files dropped anywhere on the
 *       form join those already chosen.
 *   details[data-macro-menu] (in a form with a textarea): opening it (click, or m through
 *       data-shortcut) shows a filter; typing filters the entries, ↑/↓ move, Enter inserts, Esc
 *       closes. An entry [data-macro-text] inserts its text at the cursor instead of submitting;
 *       [data-macro-unknown] lists the placeholders to fill by hand, shown in
 *       [data-macro-unknown-hint] (data-template has "{list}"), and the first one is selected.
 */
(function () {
  "use strict";

  var doc = document;

  /* ───────── Attachments ───────── */

  function zoneOf(form) {
    return form ? form.querySelector("[data-attach]") : null;
  }

  // check reports whether the chosen files fit the limits, and says why not.
  function check(zone) {
    var input = zone.querySelector('input[type="file"]');
    var field = zone.closest(".attach-field");
    var out = field ? field.querySelector("[data-attach-error]") : null;
    var max = parseInt(zone.getAttribute("data-max-size"), 10) || 0;
    var maxFiles = parseInt(zone.getAttribute("data-max-files"), 10) || 0;
    var files = input ? input.files : null;
    var msg = "";
    if (files && maxFiles && files.length > maxFiles) {
      msg = zone.getAttribute("data-too-many") || "";
    }
    for (var i = 0; !msg && files && i < files.length; i++) {
      if (max && files[i].size > max) {
        msg = (zone.getAttribute("data-too-large") || "").replace("{name}", files[i].name);
      }
    }
    if (out) {
      out.textContent = msg;
      out.hidden = !msg;
    }
    if (field) field.classList.toggle("has-error", !!msg);
    if (input) {
      if (msg) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    return !msg;
  }

  doc.addEventListener("change", function (e) {
    var zone = e.target.closest && e.target.closest("[data-attach]");
    if (zone && e.target.type === "file") check(zone);
  });

  doc.addEventListener("submit", function (e) {
    var zone = zoneOf(e.target);
    if (zone && !check(zone)) {
      e.preventDefault();
      var input = zone.querySelector('input[type="file"]');
      if (input) input.focus();
    }
  });

  // Files dropped on the form, outside the drop zone (which app.js handles), join the chosen ones.
  function dropTarget(e) {
    var form = e.target.closest && e.target.closest("form");
    var zone = zoneOf(form);
    if (!zone || zone.contains(e.target)) return null;
    var types = e.dataTransfer && e.dataTransfer.types;
    if (!types || Array.prototype.indexOf.call(types, "Files") < 0) return null;
    return zone;
  }

  doc.addEventListener("dragover", function (e) {
    var zone = dropTarget(e);
    if (!zone) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    zone.classList.add("is-dragover");
  });
  doc.addEventListener("dragleave", function (e) {
    var zone = dropTarget(e);
    if (zone) zone.classList.remove("is-dragover");
  });
  doc.addEventListener("drop", function (e) {
    var zone = dropTarget(e);
    if (!zone) return;
    e.preventDefault();
    zone.classList.remove("is-dragover");
    var input = zone.querySelector('input[type="file"]');
    if (!input || typeof DataTransfer !== "function") return;
    try {
      var all = new DataTransfer();
      var i;
      for (i = 0; input.files && i < input.files.length; i++) all.items.add(input.files[i]);
      for (i = 0; i < e.dataTransfer.files.length; i++) all.items.add(e.dataTransfer.files[i]);
      input.files = all.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    } catch (err) { /* an old browser: the person can still click to choose */ }
  });

  /* ───────── Macros ───────── */

  function fold(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function items(menu) {
    return Array.prototype.filter.call(menu.querySelectorAll("[data-macro-text]"), function (b) {
      return !b.closest("li").hidden;
    });
  }

  function filter(menu, text) {
    var q = fold(text).trim();
    var shown = 0;
    Array.prototype.forEach.call(menu.querySelectorAll("[data-macro-text]"), function (b) {
      var hit = !q || fold(b.textContent).indexOf(q) >= 0;
      b.closest("li").hidden = !hit;
      if (hit) shown++;
    });
    var none = menu.querySelector("[data-macro-none]");
    if (none) none.hidden = shown > 0;
  }

  function close(menu, focusBox) {
    menu.open = false;
    var form = menu.closest("form");
    var box = form && form.querySelector("textarea");
    if (focusBox && box) box.focus();
  }

  // insert puts the macro's text at the cursor of the form's message box, a blank line away
  // from what is already typed, and selects the first placeholder left to fill.
  function insert(button) {
    var menu = button.closest("[data-macro-menu]");
    var form = button.closest("form");
    var box = form && form.querySelector("textarea");
    if (!box) return;
    var text = button.getAttribute("data-macro-text") || "";
    var start = box.selectionStart, end = box.selectionEnd;
    var before = box.value.slice(0, start), after = box.value.slice(end);
    if (before && !/\n\n$/.test(before)) before = before.replace(/\s*$/, "") + "\n\n";
    box.value = before + text + after;
    var caret = before.length + text.length;
    close(menu, true);
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));

    var unknown = (button.getAttribute("data-macro-unknown") || "").trim();
    var hint = form.querySelector("[data-macro-unknown-hint]");
    if (hint) {
      hint.textContent = unknown ? (hint.getAttribute("data-template") || "").replace("{list}", unknown.split(/\s+/).join(", ")) : "";
      hint.hidden = !unknown;
    }
    if (unknown) {
      var first = unknown.split(/\s+/)[0];
      var at = box.value.indexOf(first, before.length);
      if (at >= 0) box.setSelectionRange(at, at + first.length);
    }
  }

  // The shortcut's character, not to be typed into the filter it just focused: the focus moves
  // while the key is down, and some input paths still deliver the character (as in desk.js).
  var swallow = null;

  doc.addEventListener("toggle", function (e) {
    var menu = e.target;
    if (!menu.matches || !menu.matches("[data-macro-menu]") || !menu.open) return;
    var input = menu.querySelector("[data-macro-filter]");
    if (!input) return;
    input.hidden = false;
    input.value = "";
    filter(menu, "");
    input.focus();
    var summary = menu.querySelector("summary[data-shortcut]");
    if (summary) swallow = { input: input, data: summary.getAttribute("data-shortcut"), until: Date.now() + 500 };
  }, true);

  doc.addEventListener("beforeinput", function (e) {
    var s = swallow;
    if (s && e.target === s.input && e.data === s.data && Date.now() < s.until) {
      swallow = null;
      e.preventDefault();
    }
  }, true);

  doc.addEventListener("input", function (e) {
    if (!e.target.matches || !e.target.matches("[data-macro-filter]")) return;
    filter(e.target.closest("[data-macro-menu]"), e.target.value);
  });

  doc.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-macro-text]");
    if (button) {
      e.preventDefault(); // no submit: the text goes into the box
      insert(button);
      return;
    }
    // A click elsewhere closes an open menu.
    Array.prototype.forEach.call(doc.querySelectorAll("details[data-macro-menu][open]"), function (menu) {
      if (!menu.contains(e.target)) menu.open = false;
    });
  });

  doc.addEventListener("keydown", function (e) {
    var menu = e.target.closest && e.target.closest("details[data-macro-menu][open]");
    if (!menu) return;
    var list = items(menu);
    var pos = list.indexOf(e.target);
    switch (e.key) {
      case "Escape":
        e.preventDefault();
        close(menu, true);
        return;
      case "ArrowDown":
        e.preventDefault();
        if (list.length) list[Math.min(pos + 1, list.length - 1)].focus();
        return;
      case "ArrowUp":
        e.preventDefault();
        if (pos <= 0) {
          var input = menu.querySelector("[data-macro-filter]");
          if (input) input.focus();
        } else {
          list[pos - 1].focus();
        }
        return;
      case "Enter":
        if (e.target.matches("[data-macro-filter]")) {
          e.preventDefault(); // never submit the reply from the filter
          if (list.length) insert(list[0]);
        }
        return;
    }
  });
})();
