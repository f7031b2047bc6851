// A survey's results: one bar chart per choice or scale question, read from the page's JSON
// blocks (#survey-charts: question id → {labels, counts}; #survey-chart-labels: the dataset's name).
(function () {
  var block = document.getElementById('survey-charts');
  if (!block || typeof Chart === 'undefined') { return; }
  var charts = JSON.parse(block.textContent);
  var words = JSON.parse(document.getElementById('survey-chart-labels').textContent);
  Object.keys(charts).forEach(function (id) {
    var el = document.getElementById('chart-q-' + id);
    if (!el) { return; }
    new Chart(el, {
      type: 'bar',
      data: {labels: charts[id].labels, datasets: [{label: words.count, data: charts[id].counts, backgroundColor: '#337ab7'}]},
      // counts are whole numbers: no 0,1 … 1,0 steps on the axis
      options: {responsive: true, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
    });
  });
})();
