/*
 * Majordome — app.js
 * Small progressive enhancements. No framework; load with <script src="/static/app.js" defer>.
 * Every page works without this file: it only adds shortcuts and comfort.
 *
 * Behaviours (all delegated on document, so they also work on htmx-swapped content):
 *   Keyboard shortcuts (ignored while typing, or with Ctrl/Cmd/Alt):
 *     g p → /people   g h → /   g s → /settings
 *       (any element with data-shortcut="g x" adds or overrides a sequence: it is clicked, or
 *       focused when it is a field)
 *     /   → focus the first input[type=search] or [data-search] on the page
 *     ?   → toggle <dialog id="shortcuts"> (nothing if absent)
 *     j/k → move .is-selected through the rows of table[data-keyboard-list]
 *     Enter → open the selected row's first link;  Esc → clear the selection / leave the search box
 *   [data-copy="#id"]           copy the target's text (or value); label shows data-copied-label
 *                               ("Copié" / "Copied" by default) for a moment.
 *   .dropzone                   highlight on dragover (.is-dragover), show the file name in
 *                               .dropzone-filename, and .has-file once a file is chosen.
 *   [data-confirm="message"]    on a form, a submit button or a link: confirm() first.
 *   htmx                        adds header X-CSRF-Token from <meta name="csrf-token" content="…">.
 *   form[data-autosubmit]       its fields marked data-autosubmit submit the form on change
 *                               (text inputs debounced 250 ms). With hx-get/hx-post htmx handles the
 *                               submit; without htmx the page reloads and focus returns to the field.
 */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");

  function isEnglish() {
    return (root.getAttribute("lang") || "fr").toLowerCase().indexOf("en") === 0;
  }

  function isTypingTarget(el) {
    if (!el || el === doc.body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      var t = (el.type || "text").toLowerCase();
      return ["checkbox", "radio", "button", "submit", "reset", "file", "range", "color", "image"].indexOf(t) === -1;
    }
    return false;
  }

  function isVisible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function go(href) {
    window.location.assign(href);
  }

  /* ───────── Keyboard shortcuts ───────── */

  var defaultSequences = { "g p": "/people", "g h": "/", "g s": "/settings" };
  var pendingPrefix = null;
  var pendingTimer = null;
  var SEQUENCE_TIMEOUT = 1200;

  function shortcutElement(seq, prefixOnly) {
    var sel = prefixOnly ? '[data-shortcut^="' + seq + ' "]' : '[data-shortcut="' + seq + '"]';
    try { return doc.querySelector(sel); } catch (err) { return null; } // odd keys like \ or "
  }

  function runSequence(seq) {
    var custom = shortcutElement(seq, false);
    if (custom) {
      // A field (the assignee's select…) is focused, to be chosen from the keyboard; anything
      // else is clicked.
      if (/^(SELECT|INPUT|TEXTAREA)$/.test(custom.tagName)) custom.focus();
      else custom.click();
      return true;
    }
    if (Object.prototype.hasOwnProperty.call(defaultSequences, seq)) {
      go(defaultSequences[seq]);
      return true;
    }
    return false;
  }

  function isPrefix(key) {
    if (key === "g") return true;
    return !!shortcutElement(key, true);
  }

  function focusSearch() {
    var candidates = doc.querySelectorAll('input[type="search"], [data-search]');
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (!el.disabled && isVisible(el)) {
        el.focus();
        if (typeof el.select === "function") el.select();
        return true;
      }
    }
    return false;
  }

  function toggleShortcutsDialog() {
    var dialog = doc.getElementById("shortcuts");
    if (!dialog || typeof dialog.showModal !== "function") return false;
    if (dialog.open) dialog.close();
    else dialog.showModal();
    return true;
  }

  /* j/k list navigation */
  function keyboardList() {
    var tables = doc.querySelectorAll("table[data-keyboard-list]");
    for (var i = 0; i < tables.length; i++) {
      if (isVisible(tables[i])) return tables[i];
    }
    return null;
  }

  function listRows(table) {
    var body = table.tBodies[0];
    if (!body) return [];
    return Array.prototype.filter.call(body.rows, function (row) {
      return !row.hidden && isVisible(row);
    });
  }

  function moveSelection(delta) {
    var table = keyboardList();
    if (!table) return false;
    var rows = listRows(table);
    if (!rows.length) return false;
    var current = -1;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].classList.contains("is-selected")) { current = i; break; }
    }
    var next = current === -1 ? (delta > 0 ? 0 : rows.length - 1) : current + delta;
    next = Math.max(0, Math.min(rows.length - 1, next));
    if (current !== -1) {
      rows[current].classList.remove("is-selected");
      rows[current].removeAttribute("aria-current");
    }
    rows[next].classList.add("is-selected");
    rows[next].setAttribute("aria-current", "true");
    rows[next].scrollIntoView({ block: "nearest" });
    return true;
  }

  function selectedRow() {
    var table = keyboardList();
    return table ? table.querySelector("tbody tr.is-selected") : null;
  }

  function clearSelection() {
    var row = selectedRow();
    if (!row) return false;
    row.classList.remove("is-selected");
    row.removeAttribute("aria-current");
    return true;
  }

  function openSelectedRow() {
    var row = selectedRow();
    if (!row) return false;
    var link = row.querySelector("a[href]");
    if (!link) return false;
    link.click();
    return true;
  }

  doc.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.isComposing || e.keyCode === 229) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;

    var target = e.target;

    if (isTypingTarget(target)) {
      // Esc leaves a search box so shortcuts work again.
      if (e.key === "Escape" && target.matches && target.matches('input[type="search"], [data-search]')) {
        target.blur();
      }
      return;
    }

    var key = e.key;

    if (pendingPrefix) {
      var seq = pendingPrefix + " " + key;
      pendingPrefix = null;
      clearTimeout(pendingTimer);
      if (runSequence(seq)) e.preventDefault();
      return;
    }

    // Other shortcuts stay quiet while a modal dialog is open, except "?" to close ours.
    var openDialog = doc.querySelector("dialog[open]");
    if (openDialog && !(key === "?" && openDialog.id === "shortcuts")) return;

    switch (key) {
      case "/":
        if (focusSearch()) e.preventDefault();
        return;
      case "?":
        if (toggleShortcutsDialog()) e.preventDefault();
        return;
      case "j":
        if (moveSelection(1)) e.preventDefault();
        return;
      case "k":
        if (moveSelection(-1)) e.preventDefault();
        return;
      case "Enter":
        // Let focused links and buttons do their own thing.
        if (target && target.closest && target.closest("a, button, summary, [role=button], [tabindex]:not([tabindex='-1'])")) return;
        if (openSelectedRow()) e.preventDefault();
        return;
      case "Escape":
        clearSelection();
        return;
    }

    if (key.length === 1 && !e.shiftKey && isPrefix(key)) {
      pendingPrefix = key;
      clearTimeout(pendingTimer);
      pendingTimer = setTimeout(function () { pendingPrefix = null; }, SEQUENCE_TIMEOUT);
      return;
    }

    if (key.length === 1 && shortcutElement(key, false)) {
      e.preventDefault();
      runSequence(key);
    }
  });

  // Clicking a row of a keyboard list moves the selection there too.
  doc.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("table[data-keyboard-list] tbody tr");
    if (!row) return;
    var prev = row.parentNode.querySelector("tr.is-selected");
    if (prev && prev !== row) {
      prev.classList.remove("is-selected");
      prev.removeAttribute("aria-current");
    }
    row.classList.add("is-selected");
    row.setAttribute("aria-current", "true");
  });

  /* ───────── Copy buttons ───────── */

  var liveRegion = null;
  function announce(message) {
    if (!liveRegion) {
      liveRegion = doc.createElement("div");
      liveRegion.className = "sr-only";
      liveRegion.setAttribute("role", "status");
      liveRegion.setAttribute("aria-live", "polite");
      doc.body.appendChild(liveRegion);
    }
    liveRegion.textContent = "";
    setTimeout(function () { liveRegion.textContent = message; }, 30);
  }

  function fallbackCopy(text) {
    var area = doc.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    doc.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (err) { ok = false; }
    doc.body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return fallbackCopy(text); }
      );
    }
    return Promise.resolve(fallbackCopy(text));
  }

  doc.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-copy]");
    if (!button) return;
    e.preventDefault();
    var source;
    try { source = doc.querySelector(button.getAttribute("data-copy")); } catch (err) { source = null; }
    if (!source) return;
    var text = "value" in source && typeof source.value === "string" && source.tagName !== "BUTTON"
      ? source.value
      : source.textContent;
    text = (text || "").trim();

    copyText(text).then(function (ok) {
      if (!ok) {
        // Select the text so the person can copy it by hand.
        var range = doc.createRange();
        range.selectNodeContents(source);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        return;
      }
      var copied = button.getAttribute("data-copied-label") || (isEnglish() ? "Copied" : "Copié");
      if (!button.hasAttribute("data-copy-original")) {
        button.setAttribute("data-copy-original", button.innerHTML);
      }
      var labelTarget = button.querySelector("[data-copy-label]") || button;
      labelTarget.textContent = copied;
      button.classList.add("is-copied");
      announce(copied);
      clearTimeout(button._copyTimer);
      button._copyTimer = setTimeout(function () {
        button.innerHTML = button.getAttribute("data-copy-original");
        button.removeAttribute("data-copy-original");
        button.classList.remove("is-copied");
      }, 1800);
    });
  });

  /* ───────── Dropzone ───────── */

  function dropzoneOf(el) {
    return el && el.closest ? el.closest(".dropzone") : null;
  }

  function showFilename(zone, input) {
    var out = zone.querySelector(".dropzone-filename");
    var files = input.files;
    var names = [];
    for (var i = 0; files && i < files.length; i++) names.push(files[i].name);
    if (out) out.textContent = names.join(", ");
    zone.classList.toggle("has-file", names.length > 0);
  }

  doc.addEventListener("dragenter", function (e) {
    var zone = dropzoneOf(e.target);
    if (!zone) return;
    zone._dragDepth = (zone._dragDepth || 0) + 1;
    zone.classList.add("is-dragover");
  });
  doc.addEventListener("dragover", function (e) {
    var zone = dropzoneOf(e.target);
    if (!zone) return;
    // Drops on the file input itself are handled natively; elsewhere in the zone we take them.
    if (!(e.target.matches && e.target.matches('input[type="file"]'))) {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    }
    zone.classList.add("is-dragover");
  });
  doc.addEventListener("dragleave", function (e) {
    var zone = dropzoneOf(e.target);
    if (!zone) return;
    zone._dragDepth = Math.max(0, (zone._dragDepth || 1) - 1);
    if (zone._dragDepth === 0) zone.classList.remove("is-dragover");
  });
  doc.addEventListener("drop", function (e) {
    var zone = dropzoneOf(e.target);
    if (!zone) return;
    zone._dragDepth = 0;
    zone.classList.remove("is-dragover");
    var input = zone.querySelector('input[type="file"]');
    if (!input || e.target === input) return; // native drop on the input
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files.length) {
      try {
        input.files = e.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      } catch (err) { /* old browser: the person can still click to choose */ }
    }
  });
  doc.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches('input[type="file"]')) return;
    var zone = dropzoneOf(input);
    if (zone) showFilename(zone, input);
  });

  /* ───────── Confirmations ───────── */

  // Clicks on a confirming button or link. Capture phase: runs before htmx's own listeners.
  doc.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("a[data-confirm], button[data-confirm], input[data-confirm]");
    if (!el) return;
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // Forms that carry data-confirm themselves.
  doc.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  /* ───────── htmx: CSRF header ───────── */

  doc.addEventListener("htmx:configRequest", function (e) {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    if (meta && e.detail && e.detail.headers) {
      e.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
  });

  /* ───────── Auto-submit filters ───────── */

  var AUTOSUBMIT_DELAY = 250;
  var REFOCUS_KEY = "majordome:autosubmit-focus";

  function usesHtmx(form) {
    if (!window.htmx) return false;
    return ["hx-get", "hx-post", "data-hx-get", "data-hx-post", "hx-boost", "data-hx-boost"].some(function (a) {
      return form.hasAttribute(a);
    }) || !!form.closest("[hx-boost='true'], [data-hx-boost='true']");
  }

  function submitForm(form, field) {
    if (!usesHtmx(form) && field && field.name) {
      try {
        var pos = typeof field.selectionStart === "number" ? field.selectionStart : null;
        sessionStorage.setItem(REFOCUS_KEY, JSON.stringify({ path: location.pathname, name: field.name, pos: pos }));
      } catch (err) { /* storage unavailable: fine */ }
    }
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }

  function isTextField(el) {
    if (el.tagName === "TEXTAREA") return true;
    if (el.tagName !== "INPUT") return false;
    return ["text", "search", "email", "tel", "url", "number", ""].indexOf((el.type || "").toLowerCase()) !== -1;
  }

  function autosubmitField(e) {
    var field = e.target;
    if (!field.matches || !field.matches("[data-autosubmit]") || field.tagName === "FORM") return null;
    var form = field.form || field.closest("form");
    if (!form || !form.hasAttribute("data-autosubmit")) return null;
    return { field: field, form: form };
  }

  doc.addEventListener("input", function (e) {
    var hit = autosubmitField(e);
    if (!hit || !isTextField(hit.field)) return;
    clearTimeout(hit.form._autosubmitTimer);
    hit.form._autosubmitTimer = setTimeout(function () { submitForm(hit.form, hit.field); }, AUTOSUBMIT_DELAY);
  });

  doc.addEventListener("change", function (e) {
    var hit = autosubmitField(e);
    if (!hit || isTextField(hit.field)) return; // text fields already went through "input"
    clearTimeout(hit.form._autosubmitTimer);
    submitForm(hit.form, hit.field);
  });

  // After a plain (non-htmx) auto-submit reload, give the focus back to the field being typed in.
  (function restoreFocus() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(REFOCUS_KEY) || "null");
      sessionStorage.removeItem(REFOCUS_KEY);
    } catch (err) { saved = null; }
    if (!saved || saved.path !== location.pathname) return;
    var fields = doc.getElementsByName(saved.name);
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.hasAttribute("data-autosubmit")) {
        field.focus();
        if (isTextField(field) && typeof field.setSelectionRange === "function") {
          var end = field.value.length;
          var pos = saved.pos == null ? end : Math.min(saved.pos, end);
          try { field.setSelectionRange(pos, pos); } catch (err) { /* type=number/email */ }
        }
        return;
      }
    }
  })();
})();
