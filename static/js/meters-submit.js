// «Передать показания» (D8): «Расход» shown live as current − previous for each zone field
// (<input data-reading data-previous="1400.000" data-output="id of the <output>">), and
// «Сбросить показания» (<button data-action="reset-readings">) clearing every typed value.
// No inline script: the Content-Security-Policy allows none.
(function () {
  function number(text) {
    var clean = String(text || '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    if (!/^\d+(\.\d*)?$|^\.\d+$/.test(clean)) { return null; }
    return parseFloat(clean);
  }

  function decimals(text) {
    var part = String(text || '').replace(',', '.').split('.')[1];
    return part ? part.replace(/0+$/, '').length : 0;
  }

  function show(field) {
    var output = document.getElementById(field.getAttribute('data-output'));
    if (!output) { return; }
    var current = number(field.value);
    var previous = number(field.getAttribute('data-previous'));
    if (current === null || previous === null) {
      output.textContent = '';
      return;
    }
    var places = Math.min(3, Math.max(decimals(field.value), decimals(field.getAttribute('data-previous'))));
    output.textContent = (current - previous).toFixed(places).replace('.', ',');
  }

  function fields(root) {
    return Array.prototype.slice.call((root || document).querySelectorAll('input[data-reading]'));
  }

  document.addEventListener('input', function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute('data-reading')) { show(event.target); }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('[data-action="reset-readings"]');
    if (!button) { return; }
    fields(button.form).forEach(function (field) {
      field.value = '';
      show(field);
    });
  });

  fields().forEach(show);
})();
