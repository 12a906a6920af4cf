/*
 * Majordome — desk.js
 * The request desk's small comforts, loaded only on its pages, after app.js. Like app.js, every
 * page works without it.
 *
 *   <template id="desk-shortcuts">  its <dt>/<dd> pairs join the "?" help dialog, before "?".
 *   [data-reply-mode="public|internal"]  (labels of the reply box's radio buttons, with
 *       data-shortcut="r" / "n", which app.js clicks): choose the mode and focus the message,
 *       without typing the shortcut's letter into it.
 *   Ctrl/Cmd + Enter in the reply box sends it.
 */
(function () {
  "use strict";

  var doc = document;

  // The desk's keys in the help dialog.
  var extra = doc.getElementById("desk-shortcuts");
  var list = doc.querySelector("#shortcuts .shortcuts-list");
  if (extra && list && extra.content) {
    var dts = list.querySelectorAll("dt");
    var before = dts.length ? dts[dts.length - 1] : null; // "Afficher cette aide" stays last
    list.insertBefore(extra.content.cloneNode(true), before);
  }

  function replyForm(el) {
    return el && el.closest ? el.closest(".desk-reply") : null;
  }

  // The character of the shortcut that just focused the message box, not to be typed into it:
  // the focus moves while the key is down, and some input paths still deliver its character.
  var swallow = null;

  doc.addEventListener("click", function (e) {
    var label = e.target.closest && e.target.closest("[data-reply-mode]");
    if (!label) return;
    var form = replyForm(label);
    if (!form) return;
    var radio = label.querySelector('input[type="radio"]');
    // A click on the label itself: choose here, and keep the focus for the message below.
    if (radio && e.target !== radio) {
      e.preventDefault();
      radio.checked = true;
    }
    var box = form.querySelector("textarea");
    if (!box) return;
    box.focus();
    if (e.detail === 0 && label.getAttribute("data-shortcut")) { // clicked by app.js for a key
      swallow = { box: box, data: label.getAttribute("data-shortcut"), until: Date.now() + 500 };
    }
  });

  doc.addEventListener("beforeinput", function (e) {
    var s = swallow;
    swallow = null;
    if (s && e.target === s.box && e.data === s.data && Date.now() < s.until) e.preventDefault();
  }, true);
  doc.addEventListener("keyup", function () { swallow = null; });

  doc.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    var form = e.target.tagName === "TEXTAREA" ? replyForm(e.target) : null;
    if (!form) return;
    e.preventDefault();
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  });
})();
