// Behaviour every Kabinet page may use, declared in the markup (no inline script: the
// Content-Security-Policy allows none, app/security/headers.py).
(function () {
  // <form data-confirm="Удалить?">: the browser asks before the form is sent
  document.addEventListener('submit', function (event) {
    var question = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
