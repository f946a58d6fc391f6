// Quartier maps: Leaflet over the server-drawn SVG. Without Leaflet (assets not
// installed) or without JavaScript, the SVG stays. Without tiles, the outline and
// the address points still draw on a plain background.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("target-map");
    if (!el || !window.L) { return; }
    var map = L.map(el, { scrollWheelZoom: false });
    var tiles = el.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tiles-attribution") || "" }).addTo(map);
    }
    fetch(el.getAttribute("data-geojson"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var layer = L.geoJSON(fc, {
          style: function (f) {
            return f.properties.exclude
              ? { color: "#a4161a", weight: 2, dashArray: "6 4", fillOpacity: 0.15 }
              : { color: "#0b5394", weight: 2, fillOpacity: 0.12 };
          },
          pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, { radius: 3, color: "#073763", weight: 1, fillOpacity: 0.8 });
          },
          onEachFeature: function (f, l) {
            if (f.properties && f.properties.label) { l.bindTooltip(String(f.properties.label)); }
          }
        }).addTo(map);
        var b = layer.getBounds();
        if (b.isValid()) { map.fitBounds(b, { padding: [10, 10] }); } else { map.setView([49.61, 6.13], 12); }
        var svg = el.querySelector("svg");
        if (svg) { svg.remove(); }
      })
      .catch(function () { /* keep the SVG */ });
    enableDrawing(map, el);
  }

  // Drawing: clicks add vertices to a polygon or a line, written as GeoJSON into
  // the shape form's textarea (which also accepts pasted GeoJSON).
  function enableDrawing(map, el) {
    var area = document.getElementById(el.getAttribute("data-draw-target"));
    if (!area) { return; }
    var points = [], preview = null;
    function kind() {
      var checked = document.querySelector("input[name=kind]:checked");
      return checked ? checked.value : "polygon";
    }
    function write() {
      if (preview) { map.removeLayer(preview); }
      var lonlat = points.map(function (p) { return [Number(p.lng.toFixed(7)), Number(p.lat.toFixed(7))]; });
      if (kind() === "buffer") {
        preview = L.polyline(points, { color: "#e67e00" }).addTo(map);
        area.value = points.length >= 2 ? JSON.stringify({ type: "LineString", coordinates: lonlat }) : "";
      } else {
        preview = L.polygon(points, { color: "#e67e00" }).addTo(map);
        area.value = points.length >= 3 ? JSON.stringify({ type: "Polygon", coordinates: [lonlat.concat([lonlat[0]])] }) : "";
      }
    }
    map.on("click", function (e) { points.push(e.latlng); write(); });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "secondary";
    reset.textContent = el.getAttribute("data-reset-label") || "↺";
    reset.addEventListener("click", function () { points = []; write(); });
    area.parentNode.appendChild(reset);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
