// Ballot counter: shows, as the resident chooses, what is left of the
// envelope (knapsack), how many projects remain (approval) or how many points
// (points). The server checks the ballot again; this only helps.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fr";
  var words = {
    fr: { left: "Reste\u00a0: ", over: "Dépassement\u00a0: ", projects: " projet(s) encore possible(s)", points: " point(s) à répartir" },
    de: { left: "Verbleibend: ", over: "Überschritten: ", projects: " weitere(s) Projekt(e) möglich", points: " Punkt(e) zu verteilen" },
    lb: { left: "Bleift: ", over: "Iwwerschratt: ", projects: " Projet(en) nach méiglech", points: " Punkt(en) ze verdeelen" },
    en: { left: "Left: ", over: "Over by: ", projects: " more project(s) possible", points: " point(s) to distribute" }
  }[lang] || null;
  if (!words) { words = { left: "Left: ", over: "Over by: ", projects: " more project(s) possible", points: " point(s) to distribute" }; }
  // Whole euros grouped by thin spaces, as the server writes them ("200 000 €").
  var money = { format: function (n) {
    return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f") + "\u00a0€";
  } };
  document.querySelectorAll("form.ballot").forEach(function (form) {
    var out = form.querySelector(".ballot-counter");
    var method = form.dataset.method;
    function update() {
      if (method === "knapsack") {
        var left = Number(form.dataset.amount);
        form.querySelectorAll("input[data-cost]:checked").forEach(function (c) { left -= Number(c.dataset.cost); });
        out.textContent = (left >= 0 ? words.left : words.over) + money.format(Math.abs(left));
        out.classList.toggle("field-error", left < 0);
      } else if (method === "approval") {
        var max = Number(form.dataset.max);
        if (max > 0) {
          var n = max - form.querySelectorAll("input[data-cost]:checked").length;
          out.textContent = Math.max(n, 0) + words.projects;
          out.classList.toggle("field-error", n < 0);
        }
      } else {
        var pts = Number(form.dataset.points);
        form.querySelectorAll("input[data-points]").forEach(function (i) { pts -= Number(i.value || 0); });
        out.textContent = pts + words.points;
        out.classList.toggle("field-error", pts < 0);
      }
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  });
})();
