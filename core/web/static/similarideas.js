// Similar ideas: as a resident types the title of a new idea, the existing
// ideas whose titles resemble it are listed under the field (with their status
// and supports), so that they can support one instead of proposing it again.
// The list sits in a polite live region and changes only when the ideas found
// change, so a screen reader hears it once. Without JavaScript the form works
// the same, without the list.
(function () {
  "use strict";
  var box = document.querySelector("[data-similar-to]");
  var input = box && document.getElementById(box.getAttribute("data-similar-to"));
  if (!input || !window.fetch) { return; }
  var timer = null, asked = "", shown = "";

  function render(ideas) {
    var key = ideas.map(function (i) { return i.id; }).join(",");
    if (key === shown) { return; }
    shown = key;
    box.textContent = "";
    if (!ideas.length) { return; }
    var h = document.createElement("h2");
    h.textContent = box.getAttribute("data-heading");
    var p = document.createElement("p");
    p.textContent = box.getAttribute("data-hint");
    var ul = document.createElement("ul");
    ideas.forEach(function (i) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = i.url;
      a.textContent = i.title;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" · " + i.status_label + " · " + i.supports_label));
      ul.appendChild(li);
    });
    box.appendChild(h);
    box.appendChild(p);
    box.appendChild(ul);
  }

  function ask() {
    var title = input.value.trim();
    if (title === asked) { return; }
    asked = title;
    if (title.length < 6) { render([]); return; }
    // The API answers in the Accept-Language, not the site's language cookie:
    // ask for the page's language.
    fetch(box.getAttribute("data-source") + "?title=" + encodeURIComponent(title),
      { credentials: "same-origin", headers: { "Accept-Language": document.documentElement.lang || "fr" } })
      .then(function (r) { return r.ok ? r.json() : { ideas: [] }; })
      .then(function (body) { if (asked === title) { render(body.ideas || []); } })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
  ask(); // a title already there (the form came back with an error)
})();
