// Progressive enhancement only: without this file a file can still be
// dropped on the file field itself, or chosen, and sent with "Inlezen".
// With it the whole upload block takes the drop, shows that it does, and
// reads the dropped file at once.
(function () {
  "use strict";

  function carriesFiles(event) {
    var types = event.dataTransfer && event.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") !== -1;
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    if (!input) { return; }
    var depth = 0;
    form.classList.add("lt-capture__form--drop");

    function leave() {
      depth = 0;
      form.classList.remove("lt-capture__form--over");
    }

    form.addEventListener("dragenter", function (event) {
      if (!carriesFiles(event)) { return; }
      event.preventDefault();
      depth += 1;
      form.classList.add("lt-capture__form--over");
    });
    form.addEventListener("dragover", function (event) {
      if (!carriesFiles(event)) { return; }
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    form.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (depth === 0) { leave(); }
    });
    form.addEventListener("drop", function (event) {
      if (!carriesFiles(event)) { return; }
      event.preventDefault();
      leave();
      input.files = event.dataTransfer.files;
      if (input.files.length === 1) {
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-drop-zone]"), enhance);
}());
