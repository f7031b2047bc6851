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

// What a person typed survives every button on the page. A page with several forms (the staff
// application page: status, note, document, message) reloads after any one of them is sent;
// the others would come back empty. Each typed field is remembered in this tab
// (sessionStorage) with the value the page showed when typing began; after a reload it is put
// back if the page still shows that value — a value the server changed meanwhile wins. The
// form that was sent forgets its fields: the server shows what it kept. Passwords, files and
// hidden fields are never remembered.
(function () {
  var PREFIX = 'kb-typed:';
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  function remembered(field) {
    if (!field.name || !field.form || (field.form.method || '').toLowerCase() !== 'post') { return false; }
    if (field.form.hasAttribute('data-forget')) { return false; }
    var type = (field.type || '').toLowerCase();
    return ['password', 'file', 'hidden', 'submit', 'button', 'reset', 'image'].indexOf(type) < 0
      && field.name !== 'csrf_token' && field.name !== 'form_token';
  }

  function formKey(form) {
    return PREFIX + window.location.pathname + '|' + (form.getAttribute('action') || '') + '|';
  }

  function valueOf(field) {
    if (field.type === 'checkbox' || field.type === 'radio') { return field.checked ? '1' : ''; }
    return field.value;
  }

  function setValue(field, value) {
    if (field.type === 'checkbox' || field.type === 'radio') { field.checked = value === '1'; }
    else { field.value = value; }
  }

  function fieldKey(field) {
    var key = formKey(field.form) + field.name;
    return (field.type === 'radio' || field.type === 'checkbox') ? key + '=' + field.value : key;
  }

  // the value each field showed when the page loaded, before any typing
  var shown = new WeakMap();
  Array.prototype.forEach.call(document.querySelectorAll('form input, form textarea, form select'), function (field) {
    if (!remembered(field)) { return; }
    shown.set(field, valueOf(field));
    var saved = null;
    try { saved = JSON.parse(store.getItem(fieldKey(field)) || 'null'); } catch (e) { saved = null; }
    if (!saved || Date.now() - saved.at > MAX_AGE_MS) { return; }
    if (valueOf(field) === saved.shown && saved.value !== saved.shown) {
      setValue(field, saved.value);
      shown.set(field, saved.shown);
    }
  });

  function remember(event) {
    var field = event.target;
    if (!remembered(field)) { return; }
    var record = {shown: shown.has(field) ? shown.get(field) : '', value: valueOf(field), at: Date.now()};
    try { store.setItem(fieldKey(field), JSON.stringify(record)); } catch (e) { /* storage full: nothing to do */ }
  }
  document.addEventListener('input', remember);
  document.addEventListener('change', remember);

  document.addEventListener('submit', function (event) {
    if (event.defaultPrevented) { return; }
    // signing out forgets everything typed in this tab: the next person at this computer sees none of it
    var leaving = /\/logout\/?$/.test(event.target.getAttribute('action') || '');
    var prefix = leaving ? PREFIX : formKey(event.target);
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) { store.removeItem(key); }
    }
  });
})();
