// Registration (templates/accounts/register.html): show the fields of the chosen legal form
// (.kb-form-part[data-forms]) and mark those it requires (data-required-forms).
(function () {
  var form = document.getElementById('kb-register');
  function show() {
    var checked = form.querySelector('input[name=legal_form]:checked');
    var value = checked ? checked.value : 'individual';
    form.querySelectorAll('.kb-form-part').forEach(function (part) {
      var forms = part.getAttribute('data-forms').split(' ');
      part.style.display = forms.indexOf(value) >= 0 ? '' : 'none';
      var label = part.querySelector('label.control-label');
      if (label) {
        var req = part.getAttribute('data-required-forms').split(' ').indexOf(value) >= 0;
        label.classList.toggle('kb-required', req);
      }
      var input = part.querySelector('input, select, textarea');
      if (input) {  // screen readers hear «обязательное» with the star (WCAG 3.3.2)
        if (req) { input.setAttribute('aria-required', 'true'); } else { input.removeAttribute('aria-required'); }
      }
    });
  }
  form.querySelectorAll('input[name=legal_form]').forEach(function (r) { r.addEventListener('change', show); });
  show();
})();
