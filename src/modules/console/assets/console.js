// The console's one script (no inline scripts: CSP 'self'). Progressive enhancement only — every page
// works without it: confirmation prompts, reading an upload into a textarea, and drawing charts.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) e.preventDefault();
  });

  // <input type="file" data-into="textareaId">: load the chosen text file into the textarea.
  document.querySelectorAll("input[type=file][data-into]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.getAttribute("data-into"));
      var file = input.files && input.files[0];
      if (!target || !file) return;
      var reader = new FileReader();
      reader.onload = function () {
        target.value = String(reader.result || "");
      };
      reader.readAsText(file, "utf-8");
    });
  });

  // <canvas data-chart="jsonScriptId">: the chart config is a JSON <script type="application/json"> block.
  function drawCharts() {
    if (!window.Chart) return;
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var src = document.getElementById(canvas.getAttribute("data-chart"));
      if (!src) return;
      try {
        var cfg = JSON.parse(src.textContent || "{}");
        cfg.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, cfg.options || {});
        new window.Chart(canvas, cfg);
      } catch (err) {
        canvas.insertAdjacentText("afterend", "图表数据无法显示");
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawCharts);
  else drawCharts();
})();
