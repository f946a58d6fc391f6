// The public map: projects and ideas with a place. Ideas load for the visible
// box as the map moves (GeoJSON from /api/v1/ideas/map), narrowed by the
// page's ?q= and ?status= when given. It opens on the
// commune's centre, or, from an idea's page (?lat=…&lon=…&idea=ID), on that
// idea, drawn apart and with its popup open. Below the map, the ideas in view
// are listed (links, and a button that opens each on the map): the markers
// cannot be reached with a keyboard or read by a screen reader.
(function () {
  "use strict";
  function start() {
    var el = document.getElementById("ideas-map");
    if (!el || !window.L) { return; }
    var q = new URLSearchParams(window.location.search);
    var lat = parseFloat(q.get("lat")), lon = parseFloat(q.get("lon")), focus = parseInt(q.get("idea"), 10);
    // The page's search and status narrow the ideas drawn (the form above the map).
    var narrow = "";
    ["q", "status"].forEach(function (k) { if (q.get(k)) { narrow += "&" + k + "=" + encodeURIComponent(q.get(k)); } });
    var map = L.map(el);
    if (isFinite(lat) && isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      map.setView([lat, lon], 17);
    } else {
      map.setView([parseFloat(el.getAttribute("data-center-lat")), parseFloat(el.getAttribute("data-center-lon"))], parseInt(el.getAttribute("data-zoom"), 10) || 13);
    }
    var tiles = el.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-tiles-attribution") || "" }).addTo(map); }
    var ideas = L.layerGroup().addTo(map);
    var colon = el.getAttribute("data-colon") || ":";
    var shown = {}; // idea id: its marker, kept while in view (an open popup survives the map's moves)
    var focusShown = false;
    function esc(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
    function popup(f) {
      return '<strong>' + esc(el.getAttribute("data-label-idea")) + '</strong><br><a href="/ideas/' + f.id + '">' + esc(f.properties.title) + '</a><br>' +
        esc(el.getAttribute("data-label-supports") + colon) + ' ' + f.properties.support_count;
    }
    function loadIdeas() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(",");
      fetch(el.getAttribute("data-ideas") + "?bbox=" + bbox + narrow).then(function (r) { return r.json(); }).then(function (fc) {
        var seen = {};
        (fc.features || []).forEach(function (f) {
          seen[f.id] = true;
          if (shown[f.id]) { shown[f.id].setPopupContent(popup(f)); return; }
          var c = f.geometry.coordinates, focused = f.id === focus;
          var marker = L.circleMarker([c[1], c[0]], focused ? { radius: 10, color: "#783f04", weight: 3, fillColor: "#e69138", fillOpacity: 0.9 }
            : { radius: 6, color: "#073763", weight: 1, fillColor: "#0b5394", fillOpacity: 0.8 }).bindPopup(popup(f)).addTo(ideas);
          shown[f.id] = marker;
          if (focused && !focusShown) { focusShown = true; marker.openPopup(); }
        });
        Object.keys(shown).forEach(function (id) {
          if (!seen[id] && !shown[id].isPopupOpen()) { ideas.removeLayer(shown[id]); delete shown[id]; }
        });
        listInView(fc.features || []);
      }).catch(function () {});
    }
    // listInView writes the ideas in view under the map, the most supported
    // first, at most listMax of them.
    var list = document.getElementById(el.getAttribute("data-list")), listMax = 50;
    function listInView(features) {
      if (!list) { return; }
      var section = list.closest("section"), count = section.querySelector("[role=status]");
      section.hidden = false;
      count.textContent = count.getAttribute("data-count-label").replace("{n}", features.length);
      var sorted = features.slice().sort(function (a, b) { return b.properties.support_count - a.properties.support_count; });
      list.textContent = "";
      sorted.slice(0, listMax).forEach(function (f) {
        var li = document.createElement("li"), a = document.createElement("a"), show = document.createElement("button");
        a.href = "/ideas/" + f.id;
        a.textContent = f.properties.title;
        show.type = "button";
        show.className = "link";
        show.textContent = el.getAttribute("data-label-show");
        show.setAttribute("aria-label", el.getAttribute("data-label-show") + colon + " " + f.properties.title);
        show.addEventListener("click", function () {
          var m = shown[f.id];
          if (m) { m.openPopup(); el.scrollIntoView({ block: "nearest" }); }
        });
        li.append(a, " · " + el.getAttribute("data-label-supports") + colon + " " + f.properties.support_count + " · ", show);
        list.appendChild(li);
      });
      if (features.length > listMax) {
        var more = document.createElement("li");
        more.textContent = el.getAttribute("data-label-more").replace("{n}", features.length - listMax);
        list.appendChild(more);
      }
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
