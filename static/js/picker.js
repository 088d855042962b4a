// Progressive enhancement of the pickers (templates/_macros.html `picker`):
// typing in the search box asks the server for the matches and shows them
// as boxes to tick, without sending the form. Without this file the button
// "Zoeken" sends the form back with the matches; nothing else differs.
(function () {
  "use strict";

  var DELAY_MS = 250;

  function option(name, idPrefix, value, label) {
    var item = document.createElement("li");
    item.className = "lt-choices__option";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.className = "utrecht-checkbox utrecht-checkbox--html-input";
    box.name = name;
    box.id = idPrefix + "-" + value;
    box.value = String(value);
    var text = document.createElement("label");
    text.className = "utrecht-form-label utrecht-form-label--checkbox";
    text.htmlFor = box.id;
    text.textContent = label;
    item.appendChild(box);
    item.appendChild(text);
    return item;
  }

  function setUp(picker) {
    var name = picker.getAttribute("data-picker-name");
    var chosen = picker.querySelector("[data-picker-chosen]");
    var found = picker.querySelector("[data-picker-found]");
    var status = picker.querySelector("[data-picker-status]");
    var searched = picker.querySelector("[data-picker-searched]");
    var input = picker.querySelector("input[type=search]");
    var button = picker.querySelector("button[type=submit]");
    var timer = null;
    var latest = 0;

    function say(text) {
      // Emptied first, so that the same words are read out again.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    // Ticked matches join the chosen ones before the matches are replaced.
    function keepTicked() {
      Array.prototype.forEach.call(found.querySelectorAll("li"), function (item) {
        if (item.querySelector("input").checked) { chosen.appendChild(item); }
      });
      chosen.hidden = !chosen.querySelector("li");
    }

    function show(results, text) {
      keepTicked();
      found.textContent = "";
      results.forEach(function (result) {
        if (!document.getElementById(input.id + "-" + result.id)) {
          found.appendChild(option(name, input.id, result.id, result.label));
        }
      });
      found.hidden = !found.querySelector("li");
      say(text);
    }

    function search() {
      window.clearTimeout(timer);
      var terms = input.value.trim();
      searched.value = input.value;
      if (!terms) { show([], ""); return; }
      var query = "zoek=" + encodeURIComponent(terms);
      // What is ticked is not offered again.
      Array.prototype.forEach.call(picker.querySelectorAll("input[type=checkbox]:checked"), function (box) {
        query += "&zonder=" + encodeURIComponent(box.value);
      });
      var request = ++latest;
      fetch(picker.getAttribute("data-picker-url") + "?" + query, {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (request === latest) { show(data.results, data.status); }
      }).catch(function () {
        if (request === latest) { say(picker.getAttribute("data-picker-error")); }
      });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });
    // Enter and the button search here; the form is not sent.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
    button.addEventListener("click", function (event) { event.preventDefault(); search(); });
    picker.addEventListener("change", function () { mirror(name); });
  }

  // A select that offers what a picker has ticked (data-picker-options="name"):
  // the new contact's organisation among the organisations chosen.
  function mirror(name) {
    var boxes = document.querySelectorAll("[data-picker-name='" + name + "'] input[type=checkbox]");
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker-options='" + name + "']"),
      function (select) {
        var current = select.value;
        var keep = Array.prototype.filter.call(select.options, function (item) {
          return item.value === "" || item.value === current;
        });
        var values = keep.map(function (item) { return item.value; });
        Array.prototype.forEach.call(boxes, function (box) {
          if (box.checked && values.indexOf(box.value) === -1) {
            var label = document.querySelector("label[for='" + box.id + "']");
            keep.push(new Option(label ? label.textContent : box.value, box.value));
            values.push(box.value);
          }
        });
        var blank = keep.shift();
        keep.sort(function (a, b) { return a.text.localeCompare(b.text, "nl"); });
        select.textContent = "";
        select.appendChild(blank);
        keep.forEach(function (item) { select.appendChild(item); });
        select.value = current;
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-picker]"), setUp);
  });
})();
