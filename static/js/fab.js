// FAB's list actions, single-row actions, delete confirmation and row checkboxes without
// inline script (the Content-Security-Policy allows none). templates/appbuilder/general/lib.html
// puts each link's URL and confirmation text in data-kb-* attributes; this does what FAB's
// inline <script> blocks did with ab_actions.js, with one pending action at a time, so an
// action confirmed after another was cancelled is the one that runs.
(function ($) {
  var pending = null;

  function modal() { return $('#modal-confirm').first(); }

  function confirmThen(text, run) {
    if (!text) { run(); return; }
    pending = run;
    modal().find('.modal-body').empty().append($('<div class="modal-text"></div>').text(text));
    modal().modal('show');
  }

  function submitTo(form, url) {
    form.attr('action', url);
    form.trigger('submit');
  }

  // a list action on the checked rows (FAB: AdminActions.execute_multiple)
  $(document).on('click', '[data-kb-multiple-action]', function (event) {
    event.preventDefault();
    var name = this.getAttribute('data-kb-multiple-action');
    if ($('input.action_check:checked').length === 0) {
      // the text in the page's language, from templates/appbuilder/general/alert.html
      ab_alert($('#modal-alert').first().attr('data-no-row') || 'No row selected');
      return;
    }
    confirmThen(this.getAttribute('data-kb-confirm'), function () {
      var form = $('#action_form');
      $('#action', form).val(name);
      $('input.action_check', form).remove();
      $('input.action_check:checked').each(function () { form.append($(this).clone()); });
      form.trigger('submit');
    });
  });

  // an action on the shown row (FAB: AdminActions.execute_single)
  $(document).on('click', '[data-kb-single-action]', function (event) {
    event.preventDefault();
    var url = this.getAttribute('data-kb-single-action');
    confirmThen(this.getAttribute('data-kb-confirm'), function () { submitTo($('#action_form'), url); });
  });

  // «delete» posts FAB's CSRF form to the row's delete URL (FAB: execute_single_delete)
  $(document).on('click', '[data-kb-delete]', function (event) {
    event.preventDefault();
    var url = this.getAttribute('data-kb-delete');
    confirmThen(this.getAttribute('data-kb-confirm') || '?', function () {
      var form = $('#action_form').length ? $('#action_form') : $('#delete_form');
      submitTo(form, url);
    });
  });

  $(document).on('click', '#modal-confirm-ok', function (event) {
    if (!pending) { return; }
    event.preventDefault();
    var run = pending;
    pending = null;
    run();
  });
  $(document).on('hidden.bs.modal', '#modal-confirm', function () { pending = null; });

  // «select all» and the highlighted checked rows
  var checkAll = true;
  $(document).on('click', '.action_check_all', function () {
    $('.action_check').prop('checked', checkAll).trigger('change');
    checkAll = !checkAll;
  });
  $(document).on('change', '.action_check', function () {
    $(this).closest('tr').toggleClass('success', this.checked);
  });
})(jQuery);
