// Quartier's widget for a commune's website. Paste where it should appear:
//   <div class="quartier-widget" data-lang="fr"></div>
//   <script src="https://participer.example.lu/static/widget.js" async></script>
// It adds an iframe (loaded lazily) listing current projects and consultations;
// the host page waits for nothing.
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : "";
  function mount() {
    var boxes = document.querySelectorAll(".quartier-widget:not([data-mounted])");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      box.setAttribute("data-mounted", "1");
      var frame = document.createElement("iframe");
      var lang = box.getAttribute("data-lang") || document.documentElement.lang || "fr";
      frame.src = origin + "/widget?lang=" + encodeURIComponent(lang.slice(0, 2));
      frame.title = box.getAttribute("data-title") || "Quartier";
      frame.loading = "lazy";
      frame.style.cssText = "width:100%;min-height:" + (box.getAttribute("data-height") || "420") + "px;border:0";
      box.appendChild(frame);
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mount); } else { mount(); }
})();
