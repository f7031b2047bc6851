// A background run's page («Загрузка из биллинга», «Рассылка квитанций»): polls the run's progress
// JSON (data-progress-url) every second and moves the bar and every figure the page marks with
// data-figure="<key of the JSON>" until the run is done or failed, then reloads the page once for
// the final figures (and the error file or list).
(function () {
  var block = document.querySelector('[data-progress-url]');
  if (!block || block.getAttribute('data-finished') === 'true' || !window.fetch) { return; }
  var url = block.getAttribute('data-progress-url');
  function figure(name) { return block.querySelector('[data-figure="' + name + '"]'); }
  function update(p) {
    var percent = p.percent || 0;
    var bar = figure('bar');
    bar.style.width = percent + '%';
    bar.setAttribute('aria-valuenow', percent);
    block.querySelectorAll('[data-figure]').forEach(function (el) {
      var name = el.getAttribute('data-figure');
      if (name === 'total') { el.textContent = p.total === null || p.total === undefined ? '…' : p.total; }
      else if (name === 'percent') { el.textContent = percent; }
      else if (name !== 'failure' && typeof p[name] !== 'undefined' && typeof p[name] !== 'object') { el.textContent = p[name]; }
    });
    var errorFile = figure('error_file');
    if (errorFile && p.errors > 0) { errorFile.hidden = false; }
  }
  var refresh = figure('refresh');
  if (refresh) { refresh.hidden = true; }
  function poll() {
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (p) {
        update(p);
        if (p.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
