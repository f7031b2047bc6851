// «Оплата» (D6, D9): «Оплатить» is enabled only when the form is complete — at least one ticked
// supplier, every ticked amount a sum of at least 10,00 руб. with kopecks at most, a method chosen,
// «С правилами оплаты ознакомлен(а)» ticked, an email when «Получить квитанцию» is; «Итого к оплате»
// follows the ticked amounts. Typing an amount ticks its supplier. The server checks it all again.
// A pending payment's page (<div data-pay-poll="3">) reloads itself until the state is known.
// No inline script: the Content-Security-Policy allows none.
(function () {
  var form = document.querySelector('form[data-pay-form]');

  function amount(text) {
    var clean = String(text || '').replace(/[\s\u00a0\u202f\u2009]/g, '').replace(',', '.');
    if (!/^\d+(\.\d{1,2})?$/.test(clean)) { return null; }
    return parseFloat(clean);
  }

  function money(value) {
    var parts = value.toFixed(2).split('.');
    return parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0') + ',' + parts[1] + '\u00a0руб.';
  }

  function lines() {
    return Array.prototype.slice.call(form.querySelectorAll('input[data-pay-line]')).map(function (box) {
      return { box: box, field: document.getElementById(box.getAttribute('data-pay-line')) };
    });
  }

  function complete() {
    var total = 0, ticked = 0, valid = true;
    lines().forEach(function (line) {
      if (!line.box.checked) { return; }
      ticked += 1;
      var value = amount(line.field.value);
      var min = parseFloat(line.field.getAttribute('data-min'));
      var max = parseFloat(line.field.getAttribute('data-max'));
      if (value === null || value < min || value > max) { valid = false; } else { total += value; }
    });
    var output = form.querySelector('[data-pay-total]');
    if (output) { output.textContent = ticked && valid ? money(total) : ''; }
    var method = form.querySelector('input[name="method"]:checked');
    var required = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox][data-pay-required]'));
    var receipt = form.querySelector('[data-pay-receipt]');
    var email = form.querySelector('[data-pay-email]');
    var emailOk = !receipt || !receipt.checked || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.value.trim());
    return ticked > 0 && valid && !!method && required.every(function (box) { return box.checked; }) && emailOk;
  }

  function update() {
    form.querySelector('[data-pay-submit]').disabled = !complete();
  }

  if (form) {
    form.addEventListener('input', function (event) {
      if (event.target.hasAttribute('data-pay-amount') && event.target.value.trim()) {
        var box = form.querySelector('input[data-pay-line="' + event.target.id + '"]');
        if (box) { box.checked = true; }
      }
      update();
    });
    form.addEventListener('change', update);
    update();
  }

  var poll = document.querySelector('[data-pay-poll]');
  if (poll) {
    window.setTimeout(function () { window.location.reload(); },
      1000 * parseInt(poll.getAttribute('data-pay-poll'), 10));
  }
})();
