// «Статистика»: the consumption and payments charts, read from the page's JSON block
// (#meters-chart-data: type, labels, consumption and payments datasets); the chart type radio
// («Линейный график» / «Столбчатая диаграмма») redraws them at once, without a reload.
(function () {
  var block = document.getElementById('meters-chart-data');
  if (!block || typeof Chart === 'undefined') { return; }
  var data = JSON.parse(block.textContent);
  var colors = ['#337ab7', '#5cb85c', '#f0ad4e', '#d9534f', '#5bc0de', '#8e44ad', '#7f8c8d'];
  var charts = [];

  function datasets(list) {
    return list.map(function (d, i) {
      var color = colors[i % colors.length];
      return {label: d.label, data: d.data, borderColor: color, backgroundColor: color, spanGaps: true};
    });
  }
  function draw(type) {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    [['chart-consumption', data.consumption], ['chart-payments', data.payments]].forEach(function (pair) {
      var el = document.getElementById(pair[0]);
      if (!el || !pair[1].length) { return; }
      charts.push(new Chart(el, {type: type, data: {labels: data.labels, datasets: datasets(pair[1])},
                                 options: {responsive: true, scales: {y: {beginAtZero: true}}}}));
    });
  }
  draw(data.type);
  document.querySelectorAll('input[name=chart]').forEach(function (input) {
    input.addEventListener('change', function () { if (input.checked) { draw(input.value); } });
  });
})();
