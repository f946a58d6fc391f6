// The public map: projects and ideas with a place. Ideas load for the visible
// box as the map moves (GeoJSON from /api/v1/ideas/map).
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("ideas-map");
    if (!el || !window.L) { return; }
    var map = L.map(el).setView([49.6116, 6.1319], 13);
    var tiles = el.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tiles-attribution") || "" }).addTo(map); }
    var ideas = L.layerGroup().addTo(map);
    function esc(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
    function loadIdeas() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(",");
      fetch(el.getAttribute("data-ideas") + "?bbox=" + bbox).then(function (r) { return r.json(); }).then(function (fc) {
        ideas.clearLayers();
        (fc.features || []).forEach(function (f) {
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { radius: 6, color: "#073763", weight: 1, fillColor: "#0b5394", fillOpacity: 0.8 })
            .bindPopup('<strong>' + esc(el.getAttribute("data-label-idea")) + '</strong><br><a href="/ideas/' + f.id + '">' + esc(f.properties.title) + '</a><br>' +
              esc(el.getAttribute("data-label-supports")) + ': ' + f.properties.support_count)
            .addTo(ideas);
        });
      }).catch(function () {});
    }
    fetch(el.getAttribute("data-projects")).then(function (r) { return r.json(); }).then(function (body) {
      (body.projects || []).forEach(function (p) {
        if (!p.position) { return; }
        L.marker([p.position[1], p.position[0]], { title: p.title })
          .bindPopup('<strong>' + esc(el.getAttribute("data-label-project")) + '</strong><br><a href="/projects/' + p.id + '">' + esc(p.title) + '</a>')
          .addTo(map);
      });
    }).catch(function () {});
    map.on("moveend", loadIdeas);
    loadIdeas();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
