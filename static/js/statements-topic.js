// «Подать заявление»: choosing «Тема заявления» reloads the page with that topic's fields
// (the «Выбрать тему» button does the same without JavaScript).
(function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector(".kb-topic-choose");
    if (button) { button.style.display = "none"; }  // .btn sets display, which outweighs [hidden]
  });
})();
