// Point questions: a tap on the map fills the question's latitude and longitude
// fields (which stay usable by hand and by screen readers). Without Leaflet or
// JavaScript, the fields and the address search remain.
(function () {
  "use strict";
  function start() {
    if (!window.L) { return; }
    document.querySelectorAll("[data-point-picker]").forEach(function (el) {
      var lat = document.getElementById(el.getAttribute("data-lat"));
      var lon = document.getElementById(el.getAttribute("data-lon"));
      if (!lat || !lon) { return; }
      el.hidden = false;
      var map = L.map(el, { scrollWheelZoom: false });
      var tiles = el.getAttribute("data-tiles");
      if (tiles) {
        L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tiles-attribution") || "" }).addTo(map);
      }
      var marker = null;
      function place(latlng) {
        if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      }
      var y = parseFloat(lat.value), x = parseFloat(lon.value);
      if (!isNaN(y) && !isNaN(x)) {
        place([y, x]);
        map.setView([y, x], 16);
      } else {
        map.setView([parseFloat(el.getAttribute("data-center-lat")), parseFloat(el.getAttribute("data-center-lon"))], 14);
      }
      map.on("click", function (e) {
        lat.value = e.latlng.lat.toFixed(6);
        lon.value = e.latlng.lng.toFixed(6);
        place(e.latlng);
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
