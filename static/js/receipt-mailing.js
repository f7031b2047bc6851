// «Рассылка квитанций», a run's page: polls the run's progress JSON (data-progress-url) every
// second and moves the bar and the figures (elements marked data-figure) until the run is done
// or failed, then reloads the page once for the final figures and the list of errors.
(function () {
  var block = document.querySelector('[data-progress-url]');
  if (!block || block.getAttribute('data-finished') === 'true' || !window.fetch) { return; }
  var url = block.getAttribute('data-progress-url');
  function figure(name) { return block.querySelector('[data-figure="' + name + '"]'); }
  function show(name, value) { var el = figure(name); if (el) { el.textContent = value; } }
  function update(p) {
    var percent = p.percent || 0;
    var bar = figure('bar');
    bar.style.width = percent + '%';
    bar.setAttribute('aria-valuenow', percent);
    ['state_label', 'processed', 'sent', 'skipped', 'errors'].forEach(function (name) { show(name, p[name]); });
    show('percent', percent);
    show('total', p.total === null || p.total === undefined ? '…' : p.total);
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
