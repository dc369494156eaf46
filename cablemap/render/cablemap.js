/* cablemap map runtime: safe popups, search, fullscreen, ranked panel, layer registry.
 * Every string that comes from data goes through esc() or textContent before reaching HTML. */
(function () {
  "use strict";
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) { return ESC[c]; });
  }
  function num(value, digits) {
    return (value === null || value === undefined || isNaN(value)) ? "" : Number(value).toFixed(digits === undefined ? 3 : digits);
  }
  var registry = { layers: {}, geometries: {}, index: [], map: null, meta: {} };
  var KIND_LABELS = { outlines: "country", countries: "country", landing_points: "landing point",
    cables: "cable", chokepoints: "chokepoint" };

  function breakdown(p, meta) {
    if (!p.components) { return ""; }
    var rows = meta.components.map(function (name, i) {
      var value = p.components[i], weight = meta.weights[i];
      return "<tr><td>" + esc(name) + "</td><td>" + num(value) + "</td><td>" + num(weight, 2) +
        "</td><td>" + num(value * weight) + "</td></tr>";
    }).join("");
    return "<table class='cm-breakdown'><tr><th>component</th><th>value</th><th>weight</th><th>contribution</th></tr>" +
      rows + "<tr><td><b>score</b></td><td></td><td></td><td><b>" + num(p.score) + "</b></td></tr></table>";
  }

  function popupHtml(kind, p) {
    var meta = registry.meta[kind] || {};
    var html = "<div class='cm-popup'><div class='cm-title'>" + esc(p.name) + "</div>";
    (meta.fields || []).forEach(function (f) {
      var v = p[f[0]];
      if (v === null || v === undefined || v === "") { return; }
      if (Array.isArray(v)) { v = v.join(", "); }
      html += "<div><span class='cm-key'>" + esc(f[1]) + ":</span> " + esc(v) + "</div>";
    });
    if (p.rank !== undefined && p.rank !== null) {
      html += "<div><span class='cm-key'>rank:</span> " + esc(p.rank) + " of " + esc(meta.count) + " (model " + esc(meta.model) + ")</div>";
    }
    html += breakdown(p, meta);
    var iso = kind === "countries" ? p.id : p.iso3;
    if (registry.briefs && typeof iso === "string" && /^[A-Z]{3}$/.test(iso) && registry.briefs.indexOf(iso) >= 0) {
      html += "<div class='cm-brief'><a href='countries/" + iso + ".html'>country brief: " + iso + " &rarr;</a></div>";
    }
    if (p.cables && meta.cableNames) {
      var names = p.cables.map(function (i) { return meta.cableNames[i]; });
      html += "<div class='cm-cables'><span class='cm-key'>cables (" + names.length + "):</span> " + esc(names.join(", ")) + "</div>";
    }
    return html + "</div>";
  }

  function tooltipText(kind, p) {
    var meta = registry.meta[kind] || {};
    var lines = [esc(p.name)];
    (meta.tooltipFields || []).forEach(function (f) {
      var v = p[f[0]];
      if (v === null || v === undefined || v === "") { return; }
      if (typeof v === "number") { v = num(v); }
      lines.push(esc(f[1]) + ": " + esc(Array.isArray(v) ? v.join(", ") : v));
    });
    return lines.join("<br>");
  }

  function addLayer(map, group, kind, data, options) {
    registry.map = map;
    var opts = options || {};
    if (opts.geometryFrom) {  // shapes shared with an earlier layer are sent once (page size)
      var shared = registry.geometries[opts.geometryFrom] || {};
      data.features.forEach(function (f) { f.geometry = shared[f.properties.id] || null; });
      data.features = data.features.filter(function (f) { return f.geometry; });
    }
    var own = registry.geometries[kind] = {};
    data.features.forEach(function (f) { if (f.properties.id !== undefined) { own[f.properties.id] = f.geometry; } });
    var layer = L.geoJSON(data, {
      style: function (f) { return f.properties._s || {}; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties._s || {}); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        if (opts.popup !== false) { l.bindPopup(function () { return popupHtml(kind, p); }, { maxWidth: 420 }); }
        l.bindTooltip(function () { return tooltipText(kind, p); }, { sticky: true });
        if (opts.searchable !== false && p.name) {
          registry.index.push({ name: String(p.name), kind: kind, id: p.id, layer: l });
        }
      }
    });
    layer.addTo(group);
    registry.layers[kind] = layer;
    return layer;
  }

  function focus(entry) {
    var map = registry.map;
    var target = entry.layer;
    if (target.getBounds) { map.fitBounds(target.getBounds(), { maxZoom: 6 }); } else { map.setView(target.getLatLng(), Math.max(map.getZoom(), 5)); }
    if (target.getPopup()) { target.openPopup(target.getLatLng ? target.getLatLng() : target.getBounds().getCenter()); }
  }

  function findById(kind, id) {
    var hit = registry.index.filter(function (e) { return e.kind === kind && e.id === id; });
    return hit.length ? hit[0] : null;
  }

  var SearchControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar cm-search");
      var input = L.DomUtil.create("input", "", box);
      input.type = "search";
      input.placeholder = "Search cable, landing point, country";
      input.setAttribute("aria-label", "Search");
      var list = L.DomUtil.create("ul", "", box);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        list.innerHTML = "";
        if (q.length < 2) { return; }
        registry.index.filter(function (e) { return e.name.toLowerCase().indexOf(q) >= 0; })
          .slice(0, 10).forEach(function (e) {
            var li = document.createElement("li");
            li.textContent = e.name + " (" + (KIND_LABELS[e.kind] || e.kind) + ")";
            li.addEventListener("click", function () { focus(e); list.innerHTML = ""; });
            list.appendChild(li);
          });
      });
      return box;
    }
  });

  var FullscreenControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var bar = L.DomUtil.create("div", "leaflet-bar");
      var button = L.DomUtil.create("a", "cm-fullscreen", bar);
      button.href = "#";
      button.title = "Full screen";
      button.setAttribute("role", "button");
      button.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" style="margin-top:7px">' +
        '<path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="#333" stroke-width="2"/></svg>';
      L.DomEvent.on(button, "click", function (ev) {
        L.DomEvent.preventDefault(ev);
        var el = map.getContainer();
        if (document.fullscreenElement) { document.exitFullscreen(); } else if (el.requestFullscreen) { el.requestFullscreen(); }
      });
      return bar;
    }
  });

  function install(map) {
    registry.map = map;
    new SearchControl().addTo(map);
    new FullscreenControl().addTo(map);
    document.querySelectorAll("[data-cm-focus]").forEach(function (el) {
      el.addEventListener("click", function () {
        var entry = findById(el.getAttribute("data-cm-kind"), el.getAttribute("data-cm-focus"));
        if (entry) { focus(entry); }
      });
    });
  }

  window.cablemap = { esc: esc, addLayer: addLayer, install: install, registry: registry, focus: focus, findById: findById };
})();
