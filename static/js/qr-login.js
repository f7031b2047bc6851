// «Вход через QR-код»: the waiting page (<div data-qr-login data-status-url data-lifetime>) asks its
// status every two seconds; once the phone approved it sends the page's form (the sign-in, with the
// CSRF token), once the QR expired it reloads the page for a new one. No inline script: the CSP
// allows none.
(function () {
  var block = document.querySelector('[data-qr-login]');
  if (!block || !window.fetch) { return; }
  var url = block.getAttribute('data-status-url');
  var form = block.querySelector('form[data-qr-finish]');
  var message = block.querySelector('[data-qr-message]');
  var deadline = Date.now() + (parseInt(block.getAttribute('data-lifetime'), 10) || 60) * 1000;

  function say(state) {
    var text = block.querySelector('[data-qr-text="' + state + '"]');
    if (text) { message.textContent = text.textContent; message.hidden = false; }
  }

  function poll() {
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}, cache: 'no-store'})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (answer) {
        if (answer.status === 'approved') { say('approved'); form.submit(); return; }
        if (answer.status === 'declined') { say('declined'); return; }
        if (answer.status === 'expired' || answer.status === 'used') { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        if (Date.now() > deadline) { window.location.reload(); } else { window.setTimeout(poll, 5000); }
      });
  }
  window.setTimeout(poll, 2000);
})();
