/*
 * Draws every chart of a page.  Views build the plotly figures in Python
 * (indicators/charts.py); a page carries each one as
 *   <div id="X"></div><script type="application/json" data-chart="X">{…}</script>
 * and this one static file draws them, so no page needs inline script code
 * (Content-Security-Policy: script-src 'self').
 */
(function () {
  "use strict";

  var CONFIG = { responsive: true, displaylogo: false, displayModeBar: false, locale: document.documentElement.lang };

  function drawAll() {
    var sources = document.querySelectorAll('script[type="application/json"][data-chart]');
    if (!window.Plotly) {
      // plotly.js failed to load: say so where the charts would be; the tables still carry the numbers.
      sources.forEach(function (source) {
        var target = document.getElementById(source.getAttribute("data-chart"));
        if (target) {
          target.classList.add("chart-failed");
        }
      });
      return;
    }
    sources.forEach(function (source) {
      var target = document.getElementById(source.getAttribute("data-chart"));
      if (!target) {
        return;
      }
      var figure;
      try {
        figure = JSON.parse(source.textContent);
      } catch (error) {
        target.classList.add("chart-failed");
        return;
      }
      window.Plotly.newPlot(target, figure.data || [], figure.layout || {}, CONFIG);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
