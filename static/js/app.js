// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A filter box above long checkbox lists (contacts, organisations,
  // colleagues): typing hides the options that do not match; checked
  // options always stay visible. Its texts come from the page, in Dutch.
  function addFilter(list) {
    var options = Array.prototype.slice.call(list.querySelectorAll(".lt-choices__option"));
    if (options.length < 8) { return; }
    var id = "filter-" + Math.random().toString(36).slice(2);
    var wrapper = document.createElement("div");
    wrapper.className = "lt-choices__filter";
    var label = document.createElement("label");
    label.className = "utrecht-form-label";
    label.htmlFor = id;
    label.textContent = list.getAttribute("data-filter-label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "utrecht-textbox utrecht-textbox--html-input";
    input.autocomplete = "off";
    var status = document.createElement("p");
    status.className = "lt-visually-hidden";
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    list.parentNode.insertBefore(wrapper, list);

    input.addEventListener("input", function () {
      var term = input.value.trim().toLowerCase();
      var shown = 0;
      options.forEach(function (option) {
        var box = option.querySelector("input");
        var match = !term || option.textContent.toLowerCase().indexOf(term) !== -1 || box.checked;
        option.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = list.getAttribute("data-filter-status")
        .replace("{shown}", shown).replace("{total}", options.length);
    });
    // Enter in the filter box must not submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filterable]"), addFilter);
  });
})();
