// «Запись на прием» (E4): the booking steps are GET forms that work without JavaScript; here a
// changed «Тема», «Офис обслуживания» or «Дата» submits its step at once (a new office or topic
// forgets the chosen date). No inline script: the Content-Security-Policy allows none.
(function () {
  var form = document.querySelector('form[data-autosubmit]');
  if (!form) { return; }
  form.addEventListener('change', function (event) {
    var target = event.target;
    if (target.name !== 'day' && form.elements.day) {
      form.elements.day.value = '';
    }
    form.submit();
  });
})();
