/*
 * Majordome — reports.js
 * Draws the charts of the reports page with the vendored Chart.js (vendor/chart.umd.js, loaded
 * before this file). The figures come from <script type="application/json" id="report-data">,
 * written by the server: nothing here is computed, only drawn. The same figures are in the
 * page's tables, so the page stays complete without JavaScript.
 *
 * Colours are read from the stylesheet's custom properties (--chart-1 … --chart-7, --accent,
 * --muted, --border), so the charts follow light and dark mode; they are redrawn when the
 * system theme changes.
 *
 * Printing: a browser prints a canvas as it is, and cannot wait for Chart.js to redraw it at
 * the paper's size. So each chart is also drawn once, off screen, in dark ink on white at a
 * paper-friendly size, into an <img class="reports-chart-print"> that only print shows
 * (img-src allows data: URLs).
 *
 * Canvases drawn: #chart-volume (stacked bars: received per week by category),
 * #chart-response (lines: median and 90th percentile of the first response, minutes),
 * #chart-sla (lines: share of SLA targets met per week, first response and resolution).
 * [data-print] buttons open the browser's print dialog (print to PDF).
 */
(function () {
  "use strict";

  var doc = document;
  var source = doc.getElementById("report-data");
  var printButtons = doc.querySelectorAll("[data-print]");
  for (var i = 0; i < printButtons.length; i++) {
    printButtons[i].addEventListener("click", function () { window.print(); });
  }
  if (!source || typeof window.Chart === "undefined") return;

  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (e) {
    return;
  }
  var text = data.text || {};
  var lang = doc.documentElement.getAttribute("lang") || "fr";
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function css(name, fallback) {
    var v = getComputedStyle(doc.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  // palette reads the theme's colours, or fixed print colours.
  function palette(print) {
    if (print) {
      return {
        text: "#000", muted: "#333", grid: "#ccc", accent: "#1f1f7a", accent2: "#777",
        series: ["#1f1f7a", "#4f6fbf", "#7a9a3a", "#b8860b", "#8b3a62", "#2f7f7f", "#999"]
      };
    }
    var series = [];
    for (var i = 1; i <= 7; i++) series.push(css("--chart-" + i, "#888"));
    return {
      text: css("--text-2", "#444"), muted: css("--muted", "#666"), grid: css("--border", "#ddd"),
      accent: css("--accent", "#4f46e5"), accent2: css("--chart-p90", "#999"), series: series
    };
  }

  function number(n, digits) {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits || 0 }).format(n);
  }

  // duration writes minutes as "38 min", "2 h 05", "1 j 4 h".
  function duration(m) {
    if (m === null || m === undefined) return "—";
    if (m < 1) return "< 1 " + text.minutes;
    if (m < 60) return number(Math.round(m)) + " " + text.minutes;
    var total = Math.round(m);
    if (total < 1440) {
      var h = Math.floor(total / 60), rest = total % 60;
      return h + " " + text.hours + (rest ? " " + (rest < 10 ? "0" : "") + rest : "");
    }
    var hours = Math.round(m / 60), d = Math.floor(hours / 24), hh = hours % 24;
    return d + " " + text.days + (hh ? " " + hh + " " + text.hours : "");
  }

  function base(p, print) {
    return {
      responsive: !print,
      maintainAspectRatio: false,
      devicePixelRatio: print ? 3 : undefined,
      animation: print || reducedMotion ? false : { duration: 250 },
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { color: p.text, boxWidth: 12, boxHeight: 12, usePointStyle: false } },
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? data.weekTitles[items[0].dataIndex] : ""; }
          }
        }
      },
      scales: {
        x: { ticks: { color: p.muted }, grid: { display: false }, border: { color: p.grid } },
        y: { beginAtZero: true, ticks: { color: p.muted }, grid: { color: p.grid }, border: { display: false } }
      }
    };
  }

  function volume(p, print) {
    var o = base(p, print);
    o.scales.x.stacked = true;
    o.scales.y.stacked = true;
    o.scales.y.ticks.precision = 0;
    o.plugins.tooltip.callbacks.footer = function (items) {
      var sum = 0;
      items.forEach(function (it) { sum += it.parsed.y || 0; });
      return text.received + " : " + number(sum);
    };
    return {
      type: "bar",
      data: {
        labels: data.weeks,
        datasets: data.volume.map(function (s, i) {
          var colour = s.other ? p.series[6] : p.series[i % 6];
          return { label: s.label, data: s.data, backgroundColor: colour, borderColor: colour, borderWidth: 0, borderRadius: 2, maxBarThickness: 48 };
        })
      },
      options: o
    };
  }

  function response(p, print) {
    var o = base(p, print);
    o.scales.y.ticks.callback = function (v) { return duration(v); };
    o.plugins.tooltip.callbacks.label = function (it) { return it.dataset.label + " : " + duration(it.parsed.y); };
    return {
      type: "line",
      data: {
        labels: data.weeks,
        datasets: [
          { label: text.first_response, data: data.firstResponse, borderColor: p.accent, backgroundColor: p.accent, tension: 0.25, spanGaps: true, pointRadius: 3 },
          { label: text.first_response_p90, data: data.firstResponseP90, borderColor: p.accent2, backgroundColor: p.accent2, borderDash: [5, 4], tension: 0.25, spanGaps: true, pointRadius: 2 }
        ]
      },
      options: o
    };
  }

  function sla(p, print) {
    var o = base(p, print);
    o.scales.y.max = 100;
    o.scales.y.ticks.callback = function (v) { return v + (lang === "fr" ? "\u202f%" : "%"); };
    o.scales.y.title = { display: true, text: text.percent_axis, color: p.muted };
    o.plugins.tooltip.callbacks.label = function (it) {
      return it.dataset.label + " : " + (it.parsed.y === null ? "—" : it.parsed.y + (lang === "fr" ? "\u202f%" : "%"));
    };
    return {
      type: "line",
      data: {
        labels: data.weeks,
        datasets: [
          { label: text.sla_first, data: data.slaFirst, borderColor: p.series[0], backgroundColor: p.series[0], tension: 0.25, spanGaps: true, pointRadius: 3 },
          { label: text.sla_resolution, data: data.slaResolution, borderColor: p.series[2], backgroundColor: p.series[2], tension: 0.25, spanGaps: true, pointRadius: 3 }
        ]
      },
      options: o
    };
  }

  var kinds = [["chart-volume", volume, 720, 260], ["chart-response", response, 360, 230], ["chart-sla", sla, 360, 230]];

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var p = palette(false);
    window.Chart.defaults.font.family = getComputedStyle(doc.body).fontFamily;
    window.Chart.defaults.color = p.text;
    kinds.forEach(function (k) {
      var canvas = doc.getElementById(k[0]);
      if (canvas) charts.push(new window.Chart(canvas, k[1](p, false)));
    });
  }

  // printCopies draws each chart for paper into an image beside its canvas.
  function printCopies() {
    var p = palette(true);
    kinds.forEach(function (k) {
      var canvas = doc.getElementById(k[0]);
      if (!canvas) return;
      var paper = doc.createElement("canvas");
      paper.width = k[2];
      paper.height = k[3];
      var chart = new window.Chart(paper, k[1](p, true));
      var img = doc.createElement("img");
      img.className = "reports-chart-print";
      img.alt = canvas.getAttribute("aria-label") || "";
      img.src = chart.toBase64Image();
      chart.destroy();
      canvas.parentNode.appendChild(img);
    });
  }

  draw();
  printCopies();

  if (window.matchMedia) {
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    if (dark.addEventListener) dark.addEventListener("change", draw);
  }
})();
