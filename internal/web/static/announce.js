/*
 * Majordome — announce.js
 * The composer's previews as tabs: one channel shown at a time (Slack, email, portal). Without
 * this file every preview shows, one under the other. The previews are swapped by htmx as the
 * text changes: the chosen tab is applied again after each swap.
 *
 *   [data-tabs]                 the section holding the tabs and their panels
 *   [role=tab][data-tab=NAME]   a tab;  [data-panel=NAME] its panel
 */
(function () {
  "use strict";

  var doc = document;

  function apply(section) {
    var current = section.getAttribute("data-current");
    var tabs = section.querySelectorAll("[role=tab][data-tab]");
    if (!tabs.length) return;
    if (!current) current = tabs[0].getAttribute("data-tab");
    section.setAttribute("data-current", current);
    for (var i = 0; i < tabs.length; i++) {
      var on = tabs[i].getAttribute("data-tab") === current;
      tabs[i].setAttribute("aria-selected", on ? "true" : "false");
      tabs[i].tabIndex = on ? 0 : -1;
    }
    var panels = section.querySelectorAll("[data-panel]");
    for (var j = 0; j < panels.length; j++) {
      panels[j].hidden = panels[j].getAttribute("data-panel") !== current;
    }
  }

  function all() {
    var sections = doc.querySelectorAll("[data-tabs]");
    for (var i = 0; i < sections.length; i++) apply(sections[i]);
  }

  doc.addEventListener("click", function (e) {
    var tab = e.target.closest && e.target.closest("[data-tabs] [role=tab][data-tab]");
    if (!tab) return;
    var section = tab.closest("[data-tabs]");
    section.setAttribute("data-current", tab.getAttribute("data-tab"));
    apply(section);
  });

  // Arrow keys move between tabs, as a tablist should.
  doc.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    var tab = e.target.closest && e.target.closest("[data-tabs] [role=tab][data-tab]");
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll("[role=tab][data-tab]"));
    var next = tabs[(tabs.indexOf(tab) + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
    next.focus();
    next.click();
    e.preventDefault();
  });

  doc.addEventListener("htmx:afterSwap", all);
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", all);
  else all();
})();
