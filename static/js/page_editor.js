// The information page editor (templates/admin/pages/edit.html): Quill on #editor, whose
// data- attributes give the upload addresses and the texts in the user's language.
(function () {
  var form = document.getElementById('page-form');
  var editor = document.getElementById('editor');
  var body = form.querySelector('input[name=body_html]');
  var csrf = form.querySelector('input[name=csrf_token]');
  var error = document.getElementById('editor-error');
  // only our own uploads and https pictures are images; anything pasted from elsewhere
  // (relative or javascript:/data: addresses) is neutralised before the browser loads it
  var Image = Quill.import('formats/image');
  Image.sanitize = function (url) {
    return /^(\/page\/asset\/[0-9a-f]{40}|https?:\/\/)/.test(url) ? url : '//:0';
  };
  var quill = new Quill('#editor', {
    theme: 'snow',
    modules: {
      toolbar: {
        container: [[{header: [2, 3, false]}], ['bold', 'italic', 'underline', 'strike'],
                    [{list: 'ordered'}, {list: 'bullet'}], [{align: []}], ['link', 'image', 'attach', 'blockquote'],
                    ['clean']],
        handlers: {image: chooseImage, attach: chooseDocument}
      }
    }
  });
  quill.setContents(quill.clipboard.convert({html: body.value || ''}), 'silent');
  // tooltips and names of the toolbar buttons in the user's language (Quill names them in English)
  var titles = JSON.parse(document.getElementById('editor-titles').textContent);
  document.querySelectorAll('.ql-toolbar button, .ql-toolbar .ql-picker').forEach(function (button) {
    var format = (button.className.match(/ql-([a-z]+)/) || [])[1];
    var key = button.value ? format + ':' + button.value : format;
    var title = titles[key] || titles[format];
    if (title) { button.title = title; button.setAttribute('aria-label', title); }
  });
  var attachButton = document.querySelector('.ql-attach');
  attachButton.innerHTML = '<i class="fa fa-paperclip"></i>';
  attachButton.title = editor.getAttribute('data-attach-title');

  function upload(url, field, accept, done) {
    var input = document.createElement('input');
    input.type = 'file';
    if (accept) { input.accept = accept; }
    input.addEventListener('change', function () {
      if (!input.files.length) { return; }
      var data = new FormData();
      data.append(field, input.files[0]);
      if (csrf) { data.append('csrf_token', csrf.value); }
      error.textContent = '';
      fetch(url, {method: 'POST', body: data, credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (answer.url) { done(answer); }
          else { error.textContent = answer.error || editor.getAttribute('data-upload-error'); }
        });
    });
    input.click();
  }

  function chooseDocument() {
    upload(editor.getAttribute('data-upload-file-url'), 'file', null, function (answer) {
      var range = quill.getSelection(true);
      quill.insertText(range.index, answer.name, {link: answer.url}, 'user');
    });
  }

  function chooseImage() {
    upload(editor.getAttribute('data-upload-image-url'), 'image', 'image/png,image/jpeg,image/gif', function (answer) {
      var range = quill.getSelection(true);
      quill.insertEmbed(range.index, 'image', answer.url, 'user');
    });
  }

  form.addEventListener('submit', function () {
    // Quill 2.0's semantic HTML turns every space into &nbsp;, which would stop lines
    // from wrapping on a phone: plain spaces go back in
    body.value = quill.getSemanticHTML().replace(/&nbsp;|\u00a0/g, ' ');
  });
})();
