// FAB's search filters (its widgets/search.html), started from the JSON block before this
// script instead of an inline <script>: the Content-Security-Policy allows no inline script.
(function ($) {
  var data = JSON.parse(document.getElementById('kb-search-filters').textContent);
  new AdminFilters('#filter_form', data.labels, data.form, data.filters, data.active);
})(jQuery);
