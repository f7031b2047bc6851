// «Отчеты»: charts of the report tables, read from the page's JSON blocks (#report-data:
// kind → [header, rows]; #report-labels: the dataset names in the user's language).
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var labels = JSON.parse(document.getElementById('report-labels').textContent);
  function chart(id, type, names, datasets) {
    var el = document.getElementById(id);
    // counts and days are whole numbers: no 0,1 … 1,0 steps on the axis
    var options = {responsive: true, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}};
    if (el) { new Chart(el, {type: type, data: {labels: names, datasets: datasets}, options: options}); }
  }
  function column(rows, i) { return rows.map(function (r) { return r[i]; }); }

  var byStatus = data['by-status'][1];
  chart('chart-by-status', 'bar', byStatus.map(function (r) { return r[0] + ': ' + r[1]; }),
        [{label: labels.count, data: column(byStatus, 2), backgroundColor: '#337ab7'}]);
  var processing = data['processing'][1];
  chart('chart-processing', 'bar', column(processing, 0),
        [{label: labels.median, data: column(processing, 2), backgroundColor: '#5cb85c'},
         {label: labels.p90, data: column(processing, 3), backgroundColor: '#f0ad4e'}]);
  var regs = data['registrations'][1];
  chart('chart-registrations', 'line', column(regs, 0),
        [{label: labels.registrations, data: column(regs, 1), borderColor: '#337ab7'}]);
})();
