// Sinergi charts: <canvas data-chart='{"type", "labels", "datasets", "scales"}'> drawn with
// Chart.js (served locally). Every chart has its numbers in a table beside it; the chart only
// helps. "scales" (optional) as Chart.js takes them: a percentage and a count each get their
// own axis (a dataset names its axis with "yAxisID"). A null in a line's data breaks the line.
(function () {
  "use strict";
  var palette = ["#13315c", "#e07a1f", "#2a9d8f", "#c1121f", "#6c757d", "#8d6cab"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var config = JSON.parse(canvas.dataset.chart);
    config.datasets.forEach(function (set, i) {
      set.backgroundColor = config.type === "doughnut" ? palette : palette[i % palette.length];
    });
    new window.Chart(canvas, {
      type: config.type,
      data: { labels: config.labels, datasets: config.datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, spanGaps: false, scales: config.scales || {} }
    });
  });
})();
