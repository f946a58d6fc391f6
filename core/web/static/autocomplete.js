// Address autocomplete: as a person types, suggestions from the register fill a
// <datalist>; choosing one and pressing "Search" lists it first. Without
// JavaScript the search form alone does the same in one more step.
(function () {
  "use strict";
  var input = document.querySelector("input[data-autocomplete]");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = input.id + "-suggestions";
  input.setAttribute("list", list.id);
  input.parentNode.appendChild(list);
  var timer = null, last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 3 || q === last) { return; }
      last = q;
      fetch(input.getAttribute("data-autocomplete") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { addresses: [] }; })
        .then(function (body) {
          list.textContent = "";
          (body.addresses || []).forEach(function (a) {
            var o = document.createElement("option");
            o.value = a.label;
            list.appendChild(o);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
