/* cablemap map runtime: packed layers, compact popups and country cards, search that opens what
 * it finds, docked panels that never overlap, filters, the state of the view in the URL.
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
  /* A yearly probability as "13.5 %": one unit on every page (style.percent does the same). */
  function pct(value) {
    if (value === null || value === undefined || isNaN(value)) { return ""; }
    var p = Number(value) * 100;
    if (p === 0) { return "0 %"; }
    return (p >= 10 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p >= 0.01 ? p.toFixed(2) : "< 0.01") + " %";
  }
  var registry = { layers: {}, groups: {}, features: {}, entries: {}, geometries: {}, index: [], map: null,
    meta: {}, data: {}, filters: {}, options: {}, listeners: [], briefs: null, selected: null, ready: false };
  var KIND_LABELS = { outlines: "country", countries: "country", landing_points: "landing point",
    cables: "cable", chokepoints: "chokepoint", facilities: "facility", metros: "metro",
    hazards: "earthquake cell", candidates: "candidate cable" };
  var HIGHLIGHT = "#0a84ff";
  var LIST_SHOWN = 8;

  /* ------------------------------------------------------------------ packed layers */
  function decodeLine(flat, q) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([x / q, y / q]); }
    return out;
  }
  var TYPES = { P: ["Point", -1], MP: ["MultiPoint", 0], L: ["LineString", 0], ML: ["MultiLineString", 1],
    A: ["Polygon", 1], MA: ["MultiPolygon", 2] };
  function decodeGeometry(g, q) {
    if (!g) { return null; }
    var t = TYPES[g[0]];
    function walk(v, depth) { return depth === 0 ? decodeLine(v, q) : v.map(function (w) { return walk(w, depth - 1); }); }
    return { type: t[0], coordinates: t[1] < 0 ? [g[1][0] / q, g[1][1] / q] : walk(g[1], t[1]) };
  }
  function column(col, n) {
    if (Array.isArray(col)) { return function (i) { return col[i]; }; }
    if ("k" in col) { return function () { return col.k; }; }
    if ("d" in col) { return function (i) { return col.i[i] < 0 ? null : col.d[col.i[i]]; }; }
    return function (i) { var v = col.I[i]; return v === null ? null : v.map(function (j) { return col.D[j]; }); };
  }
  function unpack(packed) {
    var n = packed.n, features = [];
    var props = Object.keys(packed.p).map(function (k) { return [k, column(packed.p[k], n)]; });
    var style = Object.keys(packed.s).map(function (k) { return [k, column(packed.s[k], n)]; });
    for (var i = 0; i < n; i++) {
      var p = {}, s = {};
      props.forEach(function (c) { var v = c[1](i); if (v !== null && v !== undefined) { p[c[0]] = v; } });
      style.forEach(function (c) { var v = c[1](i); if (v !== null && v !== undefined) { s[c[0]] = v; } });
      p._s = s;
      features.push({ type: "Feature", geometry: packed.g ? decodeGeometry(packed.g[i], packed.q) : null, properties: p });
    }
    return features;
  }

  /* ------------------------------------------------------------------ popups */
  function list(values, limit) {
    var shown = values.slice(0, limit || LIST_SHOWN).join(", ");
    return esc(shown) + (values.length > (limit || LIST_SHOWN) ? " <span class='cm-key'>+" + (values.length - (limit || LIST_SHOWN)) + " more</span>" : "");
  }
  function format(v, f) {
    if (Array.isArray(v)) { return list(v.map(function (x) { return String(x); })); }
    if (f === "pct") { return esc(pct(v)) + " <span class='cm-key'>a year</span>"; }
    if (f === "km") { return esc(Math.round(v).toLocaleString("en")) + " km"; }
    if (v === true) { return "yes"; }
    if (v === false) { return "no"; }
    if (typeof v === "number") { return esc(Number.isInteger(v) ? String(v) : num(v)); }
    return esc(v);
  }
  function breakdown(p, meta) {
    if (!p.components || !meta.components) { return ""; }
    var rows = meta.components.map(function (name, i) {
      var value = p.components[i], weight = meta.weights[i];
      return "<tr><td>" + esc(name.replace(/_/g, " ")) + "</td><td>" + num(value) + "</td><td>" + num(weight, 2) +
        "</td><td>" + num(value * weight) + "</td></tr>";
    }).join("");
    return "<details class='cm-more'><summary>score breakdown</summary><table class='cm-breakdown'><tr><th>component</th><th>value</th><th>weight</th><th>contribution</th></tr>" +
      rows + "<tr><td><b>score</b></td><td></td><td></td><td><b>" + num(p.score) + "</b></td></tr></table>" +
      (meta.formula ? "<div class='cm-key'>score = " + esc(meta.formula) + " (each the sum of its components' contributions)</div>" : "") +
      "</details>";
  }
  function section(title, values, open) {
    if (!values || !values.length) { return ""; }
    return "<details class='cm-more'" + (open ? " open" : "") + "><summary>" + esc(title) + " (" + values.length + ")</summary><div>" +
      esc(values.join(", ")) + "</div></details>";
  }
  function cardHtml(card) {
    var names = registry.data.cableNames || [];
    var html = "";
    if (card.w && card.w.length) {
      html += "<ul class='cm-weak'>" + card.w.map(function (w) { return "<li>" + esc(w) + "</li>"; }).join("") + "</ul>";
    }
    (card.x || []).forEach(function (line) { html += "<div>" + esc(line) + "</div>"; });
    html += section("International cables", (card.c || []).map(function (i) { return names[i]; }), true);
    html += section("Planned international cables", (card.p || []).map(function (i) { return names[i]; }), false);
    html += section("Landing stations", card.s, false);
    html += section("Main owners of its cables", card.o, false);
    return html;
  }
  function briefLink(iso) {
    if (registry.briefs && typeof iso === "string" && /^[A-Z]{3}$/.test(iso) && registry.briefs.indexOf(iso) >= 0) {
      return "<div class='cm-brief'><a href='countries/" + iso + ".html'>country brief: " + iso + " &rarr;</a></div>";
    }
    return "";
  }
  function popupHtml(kind, p) {
    var meta = registry.meta[kind] || {};
    var cards = registry.data.cards || {};
    var isCountry = meta.card || kind === "countries" || kind === "outlines";
    var card = isCountry ? cards[p.id] : null;
    var sub = [meta.label || KIND_LABELS[kind] || kind];
    if (isCountry && typeof p.id === "string") { sub.push(p.id); } else if (p.country && p.country !== p.name) { sub.push(p.country); }
    var html = "<div class='cm-popup'><div class='cm-title'>" + esc(p.name) + "</div><div class='cm-sub'>" + esc(sub.join(" · ")) + "</div>";
    if (card) { html += cardHtml(card); }
    var rows = "";
    (meta.fields || []).forEach(function (f) {
      var v = p[f[0]];
      if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) { return; }
      rows += "<tr><th>" + esc(f[1]) + "</th><td>" + format(v, f[2]) + "</td></tr>";
    });
    if (typeof p.score === "number" && meta.components) {
      rows += "<tr><th>score</th><td>" + num(p.score) + " <span class='cm-key'>(0-1, higher = more at risk)</span></td></tr>";
    }
    if (p.rank !== undefined && p.rank !== null && meta.count) {
      rows += "<tr><th>rank</th><td>" + esc(p.rank) + " of " + esc(meta.count) + " <span class='cm-key'>(1 = most at risk)</span></td></tr>";
    }
    if (rows) { html += "<table class='cm-kv'>" + rows + "</table>"; }
    (meta.details || []).forEach(function (group) {  // longer lists, folded
      var inner = "";
      group[1].forEach(function (f) {
        var v = p[f[0]];
        if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) { return; }
        inner += f[1] ? "<div><span class='cm-key'>" + esc(f[1]) + ":</span> " + esc(Array.isArray(v) ? v.join(", ") : v) + "</div>"
          : "<div>" + esc(Array.isArray(v) ? v.join(", ") : v) + "</div>";
      });
      if (inner) { html += "<details class='cm-more'><summary>" + esc(group[0]) + "</summary>" + inner + "</details>"; }
    });
    var cableNames = meta.cableNames || registry.data.cableNames;
    if (p.cables && cableNames) {
      html += section("Cables", p.cables.map(function (i) { return cableNames[i]; }), p.cables.length <= LIST_SHOWN);
    }
    html += breakdown(p, meta);
    html += briefLink(isCountry ? p.id : p.iso3);
    if (isCountry && !card && meta.card) { html += "<div class='cm-key'>outside the region of this map</div>"; }
    return html + "</div>";
  }
  function tooltipText(kind, p) {
    var meta = registry.meta[kind] || {};
    var lines = [esc(p.name)];
    (meta.tooltipFields || []).forEach(function (f) {
      var v = p[f[0]];
      if (v === null || v === undefined || v === "") { return; }
      var text = f[2] === "pct" ? pct(v) + " a year" : typeof v === "number" ? (Number.isInteger(v) ? String(v) : num(v)) :
        Array.isArray(v) ? v.slice(0, 4).join(", ") + (v.length > 4 ? "…" : "") : v;
      lines.push(esc(f[1]) + ": " + esc(text));
    });
    return lines.join("<br>");
  }

  /* Popups sit above the panels (a pane outside the map pane that follows it) and are panned
   * clear of the docked columns. */
  function dockSides() {
    var map = registry.map, box = map.getContainer().getBoundingClientRect(), out = { left: 0, right: 0 };
    ["left", "right"].forEach(function (side) {
      var dock = map.getContainer().querySelector(".cm-dock-" + side);
      if (!dock) { return; }
      dock.querySelectorAll(".leaflet-control, .cm-panel").forEach(function (el) {
        var r = el.getBoundingClientRect();
        if (!r.width || !r.height) { return; }
        out[side] = Math.max(out[side], side === "left" ? r.right - box.left : box.right - r.left);
      });
    });
    return out;
  }
  var CmPopup = L.Popup.extend({
    _updateLayout: function () {
      var map = this._map;
      if (map) {
        var d = dockSides(), free = map.getSize().x - d.left - d.right - 40;
        this.options.maxWidth = Math.max(200, Math.min(340, free));
        this.options.minWidth = Math.min(220, this.options.maxWidth);
      }
      L.Popup.prototype._updateLayout.call(this);
    },
    _adjustPan: function () {
      if (this._map) {
        var d = dockSides();
        this.options.autoPanPaddingTopLeft = L.point(d.left + 10, 10);
        this.options.autoPanPaddingBottomRight = L.point(d.right + 10, 10);
      }
      L.Popup.prototype._adjustPan.call(this);
    }
  });
  function popupOptions() { return { maxWidth: 340, minWidth: 220, maxHeight: 340, pane: "cmPopups", autoPanPadding: [10, 10] }; }
  function abovePanels(map) {
    var holder = L.DomUtil.create("div", "cm-popup-holder", map.getContainer());
    map.createPane("cmPopups", holder);
    map.createPane("cmTooltips", holder);
    function sync() { L.DomUtil.setPosition(holder, L.DomUtil.getPosition(map.getPane("mapPane"))); }
    map.on("move zoom viewreset zoomend moveend resize", sync);
    sync();
  }

  /* ------------------------------------------------------------------ layers */
  function searchTerms(kind, p) {
    var meta = registry.meta[kind] || {}, terms = [];
    if ((kind === "countries" || kind === "outlines" || meta.card) && /^[A-Z]{3}$/.test(p.id)) { terms.push(["code", "ISO3", p.id]); }
    (meta.search || []).forEach(function (s) {
      var v = p[s[0]];
      if (v === null || v === undefined) { return; }
      (Array.isArray(v) ? v : [v]).forEach(function (x) {
        var text = String(x).replace(/ \((high|elevated|unrated|trusted)\)$/, "");
        terms.push([s[2] || "text", s[1], text]);
      });
    });
    return terms;
  }
  function addLayer(map, group, kind, packed, options) {
    registry.map = map;
    var opts = options || {};
    var features = unpack(packed);
    if (opts.geometryFrom) {  // shapes shared with an earlier layer are sent once (page size)
      var shared = registry.geometries[opts.geometryFrom] || {};
      features.forEach(function (f) { f.geometry = shared[f.properties.id] || null; });
    }
    features = features.filter(function (f) { return f.geometry; });
    var own = registry.geometries[kind] = {};
    features.forEach(function (f) { if (f.properties.id !== undefined) { own[f.properties.id] = f.geometry; } });
    var drawn = registry.features[kind] = [];
    var entries = registry.entries[kind] = {};
    var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (f) { return f.properties._s || {}; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties._s || {}); },
      onEachFeature: function (f, l) {
        var p = f.properties;
        drawn.push(l);
        if (opts.popup !== false) { l.bindPopup(new CmPopup(popupOptions(), l).setContent(function () { return popupHtml(kind, p); })); }
        l.bindTooltip(function () { return tooltipText(kind, p); }, { sticky: true, pane: "cmTooltips" });
        var entry = { name: String(p.name === undefined ? "" : p.name), kind: kind, id: p.id, layer: l };
        l._cmEntry = entry;
        if (p.id !== undefined && !(p.id in entries)) { entries[p.id] = entry; }
        if (opts.searchable !== false && p.name) {
          entry.lname = entry.name.toLowerCase();
          entry.terms = searchTerms(kind, p);
          registry.index.push(entry);
        }
      }
    });
    layer.addTo(group);
    registry.layers[kind] = layer;
    registry.groups[kind] = group;
    registry.options[kind] = opts;
    return layer;
  }

  /* Which features of a layer are drawn: every registered filter (year, panel) must pass. */
  function refresh(kind) {
    var layer = registry.layers[kind], filters = registry.filters[kind] || {}, n = 0;
    var tests = Object.keys(filters).map(function (k) { return filters[k]; });
    (registry.features[kind] || []).forEach(function (l, i) {
      var ok = tests.every(function (t) { return t(l.feature.properties, i); });
      if (ok) { n += 1; if (!layer.hasLayer(l)) { layer.addLayer(l); } } else if (layer.hasLayer(l)) { layer.removeLayer(l); }
    });
    registry.listeners.forEach(function (fn) { fn(kind, n); });
    return n;
  }
  function setFilter(kind, name, test) {
    var filters = registry.filters[kind] = registry.filters[kind] || {};
    if (test) { filters[name] = test; } else { delete filters[name]; }
    return refresh(kind);
  }

  /* ------------------------------------------------------------------ selection */
  function saveStyle(l) {
    var o = l.options;
    return { color: o.color, weight: o.weight, opacity: o.opacity, fillOpacity: o.fillOpacity };
  }
  function restyle(l, style) {  // a style change that respects the highlight of the selection
    if (registry.selected === l && l._cmSaved) { Object.keys(style).forEach(function (k) { if (k in l._cmSaved) { l._cmSaved[k] = style[k]; } }); style = Object.assign({}, style); delete style.color; delete style.weight; }
    l.setStyle(style);
  }
  function unhighlight() {
    var l = registry.selected;
    if (l && l._cmSaved) { l.setStyle(l._cmSaved); l._cmSaved = null; }
    registry.selected = null;
  }
  function highlight(l) {
    unhighlight();
    if (!l || !l.setStyle) { return; }
    l._cmSaved = saveStyle(l);
    var w = l._cmSaved.weight || 1;
    l.setStyle({ color: HIGHLIGHT, weight: l.setRadius ? 3 : Math.max(w + 2.5, 3.5), opacity: 1 });
    if (l.bringToFront && l._map) { l.bringToFront(); }
    registry.selected = l;
  }
  function biggestRing(latlngs) {  // the part of a multi-shape to put a popup on
    var best = null, area = -1;
    (function walk(v) {
      if (v.length && v[0].lat !== undefined) {
        var b = L.latLngBounds(v), a = (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest());
        if (a > area || (a === area && best && v.length > best.length)) { area = a; best = v; }
      } else { v.forEach(walk); }
    })(latlngs);
    return best;
  }
  function anchor(l) {
    if (l.getLatLng) { return l.getLatLng(); }
    var part = biggestRing(l.getLatLngs());
    if (!part) { return l.getBounds().getCenter(); }
    return l instanceof L.Polygon ? L.latLngBounds(part).getCenter() : part[Math.floor(part.length / 2)];
  }
  function showGroup(kind) {
    var map = registry.map, group = registry.groups[kind];
    if (!group || map.hasLayer(group)) { return; }
    if (registry.options[kind] && registry.options[kind].base) {
      Object.keys(registry.groups).forEach(function (k) {
        if (k !== kind && registry.options[k].base && map.hasLayer(registry.groups[k])) { map.removeLayer(registry.groups[k]); }
      });
    }
    map.addLayer(group);
  }
  function openPopupOf(entry) {
    var map = registry.map, l = entry.layer, at = anchor(l);
    if (l._map && l.getPopup()) { l.openPopup(at); return; }
    var note = entry.virtual ? "<div class='cm-key'>no outline at this map's resolution: marked at its landing stations</div>"
      : "<div class='cm-key'>not drawn now: hidden by the year or a filter</div>";
    var popup = new CmPopup(popupOptions()).setLatLng(at).setContent(popupHtml(entry.kind, l.feature.properties) + note);
    popup._cmEntry = entry;
    popup.openOn(map);
    if (entry.virtual) {  // a ring where the country is, while its card is open
      unhighlight();
      l.addTo(map);
      popup.once("remove", function () { map.removeLayer(l); });
    }
  }
  function freeCentre(map) {  // the middle of the map between the docked columns, in pixels
    var d = dockSides(), size = map.getSize();
    return L.point((d.left + size.x - d.right) / 2, size.y / 2);
  }
  function focus(entry, options) {
    var map = registry.map, opts = options || {}, l = entry.layer;
    showGroup(entry.kind);
    var done = false;
    function open() { if (!done) { done = true; openPopupOf(entry); writeHash(); } }
    if (opts.fly === false) { open(); return; }
    var d = dockSides(), animate = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
    if (l.getBounds) {
      var pad = { paddingTopLeft: [d.left + 20, 20], paddingBottomRight: [d.right + 20, 20], maxZoom: 6 };
      if (animate) { map.flyToBounds(l.getBounds(), Object.assign({ duration: 0.8 }, pad)); } else { map.fitBounds(l.getBounds(), pad); }
    } else {
      var zoom = Math.max(map.getZoom(), 5);
      var shift = freeCentre(map).subtract(map.getSize().divideBy(2));
      var centre = map.unproject(map.project(l.getLatLng(), zoom).subtract(shift), zoom);
      if (animate) { map.flyTo(centre, zoom, { duration: 0.8 }); } else { map.setView(centre, zoom, { animate: false }); }
    }
    map.once("moveend", function () { setTimeout(open, 0); });
    setTimeout(open, 1500);  // a move to where the map already is may end at once
  }
  function findById(kind, id) {
    var entries = registry.entries[kind];
    return entries && entries[id] ? entries[id] : null;
  }

  /* ------------------------------------------------------------------ search */
  var KIND_ORDER = ["countries", "outlines", "landing_points", "cables", "candidates", "metros", "facilities", "chokepoints"];
  function kindOrder(kind) { var i = KIND_ORDER.indexOf(kind); return i < 0 ? KIND_ORDER.length : i; }
  function searchEntries(text) {
    var q = text.trim().toLowerCase();
    if (q.length < 2) { return []; }
    var hits = [];
    registry.index.forEach(function (e) {
      var score = -1, hint = "";
      e.terms.forEach(function (t) { if (t[0] === "code" && t[2].toLowerCase() === q) { score = 0; } });
      if (score < 0) {
        var at = e.lname.indexOf(q);
        if (at === 0) { score = 1; } else if (at > 0) { score = 2; }
      }
      if (score < 0) {
        for (var i = 0; i < e.terms.length; i++) {
          var t = e.terms[i], v = t[2].toLowerCase();
          if (t[0] === "code" ? v === q : v.indexOf(q) >= 0) { score = 3; hint = t[1] + ": " + t[2]; break; }
        }
      }
      if (score >= 0) { hits.push({ entry: e, score: score, hint: hint }); }
    });
    hits.sort(function (a, b) {
      return a.score - b.score || kindOrder(a.entry.kind) - kindOrder(b.entry.kind) || a.entry.name.localeCompare(b.entry.name);
    });
    var seen = {}, out = [];
    hits.forEach(function (h) {
      var key = h.entry.kind + "\u0000" + h.entry.id;
      if (!seen[key] && out.length < 12) { seen[key] = true; out.push(h); }
    });
    return out;
  }
  function placeOf(entry) {  // where a result is, when its name does not say (two sites of one firm)
    var p = entry.layer.feature ? entry.layer.feature.properties : {};
    var place = p.city || "";
    return place && entry.name.indexOf(place) < 0 ? ", " + place : "";
  }
  var SearchControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar cm-search");
      var input = L.DomUtil.create("input", "", box);
      input.type = "search";
      input.placeholder = "Search: place, cable, ISO3, owner, supplier";
      input.setAttribute("aria-label", "Search places, cables, ISO3 codes, owners and suppliers");
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-controls", "cm-search-results");
      input.setAttribute("aria-expanded", "false");
      var results = L.DomUtil.create("ul", "cm-results", box);
      results.id = "cm-search-results";
      results.setAttribute("role", "listbox");
      var hits = [], active = -1;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      function close() { results.innerHTML = ""; hits = []; active = -1; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
      function mark() {
        Array.prototype.forEach.call(results.children, function (li, i) {
          li.classList.toggle("cm-active", i === active);
          li.setAttribute("aria-selected", i === active ? "true" : "false");
        });
        if (active >= 0) { input.setAttribute("aria-activedescendant", "cm-hit-" + active); results.children[active].scrollIntoView({ block: "nearest" }); }
      }
      function pick(i) {
        var hit = hits[i];
        if (!hit) { return; }
        close();
        input.value = hit.entry.name;
        focus(hit.entry);
      }
      input.addEventListener("input", function () {
        close();
        hits = searchEntries(input.value);
        hits.forEach(function (h, i) {
          var li = document.createElement("li");
          li.id = "cm-hit-" + i;
          li.setAttribute("role", "option");
          li.textContent = h.entry.name + " (" + (KIND_LABELS[h.entry.kind] || h.entry.kind) + placeOf(h.entry) + ")" + (h.hint ? " — " + h.hint : "");
          li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
          results.appendChild(li);
        });
        if (!hits.length && input.value.trim().length >= 2) {
          var none = document.createElement("li");
          none.className = "cm-none";
          none.textContent = "nothing found";
          results.appendChild(none);
        }
        input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      });
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "ArrowDown") { ev.preventDefault(); if (hits.length) { active = Math.min(active + 1, hits.length - 1); mark(); } }
        else if (ev.key === "ArrowUp") { ev.preventDefault(); if (hits.length) { active = Math.max(active - 1, 0); mark(); } }
        else if (ev.key === "Enter") { ev.preventDefault(); pick(active >= 0 ? active : 0); }
        else if (ev.key === "Escape") { if (hits.length) { close(); } else { input.value = ""; input.blur(); } }
      });
      input.addEventListener("blur", function () { setTimeout(close, 150); });
      return box;
    }
  });

  var FullscreenControl = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function (map) {
      var bar = L.DomUtil.create("div", "leaflet-bar cm-fullscreen-bar");
      var button = L.DomUtil.create("a", "cm-fullscreen", bar);
      button.href = "#";
      button.title = "Full screen";
      button.setAttribute("role", "button");
      button.setAttribute("aria-label", "Full screen");
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

  /* ------------------------------------------------------------------ docked panels */
  function toggle(panel, collapsed) {
    panel.classList.toggle("cm-collapsed", collapsed);
    var button = panel.querySelector(".cm-toggle");
    if (button) { button.setAttribute("aria-expanded", collapsed ? "false" : "true"); }
  }
  function collapsible(panel) {
    var head = panel.querySelector(".cm-head");
    if (!head) { return; }
    head.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      toggle(panel, !panel.classList.contains("cm-collapsed"));
    });
    toggle(panel, panel.hasAttribute("data-cm-collapsed"));
  }
  function dock(map) {
    var corners = map._controlCorners, box = map._controlContainer, slots = {};
    ["left", "right"].forEach(function (side) {
      var column = L.DomUtil.create("div", "cm-dock cm-dock-" + side, box);
      column.appendChild(corners["top" + side]);
      slots[side] = L.DomUtil.create("div", "cm-slot", column);
      column.appendChild(corners["bottom" + side]);
    });
    var panels = Array.prototype.slice.call(document.querySelectorAll(".cm-panel[data-cm-dock]"));
    panels.map(function (p, i) { return [Number(p.getAttribute("data-cm-order")) || 0, i, p]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .forEach(function (t) {
        var p = t[2], side = p.getAttribute("data-cm-dock") === "right" ? "right" : "left";
        slots[side].appendChild(p);
        L.DomEvent.disableClickPropagation(p);
        L.DomEvent.disableScrollPropagation(p);
        collapsible(p);
      });
    ["left", "right"].forEach(function (side) {  // the first bottom panel takes the free space above it
      var end = slots[side].querySelector(".cm-panel[data-cm-end]");
      if (end) { end.classList.add("cm-first-end"); }
    });
  }
  function dressLayerControl(map) {
    var control = map.getContainer().querySelector(".leaflet-control-layers");
    if (!control || control.querySelector(".cm-head")) { return; }
    var head = document.createElement("header");
    head.className = "cm-head";
    head.innerHTML = "<h4>Layers</h4><button type='button' class='cm-toggle' aria-expanded='true' aria-label='collapse or expand'>&#9662;</button>";
    control.insertBefore(head, control.firstChild);
    control.classList.add("cm-layers");
    head.addEventListener("click", function () { control.classList.toggle("cm-collapsed"); head.querySelector(".cm-toggle").setAttribute("aria-expanded", control.classList.contains("cm-collapsed") ? "false" : "true"); });
    var base = control.querySelector(".leaflet-control-layers-base");
    if (base && base.children.length) {
      var caption = document.createElement("div");
      caption.className = "cm-key cm-layers-caption";
      caption.textContent = "countries shaded by (one at a time):";
      base.parentNode.insertBefore(caption, base);
    }
  }

  /* ------------------------------------------------------------------ filters and colours */
  function names(v) { return Array.isArray(v) ? v.map(function (x) { return String(x).replace(/ \((high|elevated|unrated|trusted)\)$/, ""); }) : []; }
  function installFilters() {
    document.querySelectorAll(".cm-filters[data-cm-kind]").forEach(function (box) {
      var kind = box.getAttribute("data-cm-kind"), drawn = registry.features[kind] || [];
      if (!drawn.length) { return; }
      box.querySelectorAll("datalist[data-cm-field]").forEach(function (dl) {
        var field = dl.getAttribute("data-cm-field"), seen = {};
        drawn.forEach(function (l) { names(l.feature.properties[field]).forEach(function (n) { seen[n] = true; }); });
        Object.keys(seen).sort().forEach(function (n) { var o = document.createElement("option"); o.value = n; dl.appendChild(o); });
      });
      var count = box.querySelector(".cm-filter-count");
      function value(field) { var el = box.querySelector("[data-cm-field='" + field + "']:not(datalist)"); return el ? el.value.trim() : ""; }
      function apply() {
        var owner = value("owners").toLowerCase(), supplier = value("suppliers").toLowerCase();
        var from = parseInt(value("rfs-from"), 10), to = parseInt(value("rfs-to"), 10);
        var any = owner || supplier || !isNaN(from) || !isNaN(to);
        function has(list, q) { return !q || names(list).some(function (n) { return n.toLowerCase().indexOf(q) >= 0; }); }
        var n = setFilter(kind, "panel", any ? function (p) {
          if (!has(p.owners, owner) || !has(p.suppliers, supplier)) { return false; }
          if ((!isNaN(from) || !isNaN(to)) && typeof p.rfs !== "number") { return false; }
          return (isNaN(from) || p.rfs >= from) && (isNaN(to) || p.rfs <= to);
        } : null);
        count.textContent = any ? n + " of " + drawn.length + " cables match" : "";
        writeHash();
      }
      box.querySelectorAll("input").forEach(function (i) { i.addEventListener("input", apply); });
      var reset = box.querySelector("button[data-cm-reset]");
      if (reset) { reset.addEventListener("click", function () { box.querySelectorAll("input").forEach(function (i) { i.value = ""; }); apply(); }); }
      registry.filterPanel = { box: box, apply: apply };
    });
  }
  function installColours() {
    var box = document.querySelector(".cm-colour[data-cm-kind]");
    if (!box) { return; }
    var kind = box.getAttribute("data-cm-kind"), palette = registry.data.tierColours || {};
    function set(mode) {
      (registry.features[kind] || []).forEach(function (l) {
        var tier = l.feature.properties[mode] || "unrated";
        restyle(l, { color: palette[tier] || palette.unrated, weight: tier === "high" ? 2.2 : 1.5 });
      });
      registry.colour = mode;
      box.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = r.value === mode; });
      writeHash();
    }
    box.querySelectorAll("input[type=radio]").forEach(function (r) { r.addEventListener("change", function () { if (r.checked) { set(r.value); } }); });
    var checked = box.querySelector("input[type=radio]:checked");
    registry.setColour = set;
    if (checked) { set(checked.value); }
  }

  /* ------------------------------------------------------------------ the view in the URL */
  function selection() {
    var map = registry.map, popup = map && map._popup;
    if (!popup || !popup.isOpen()) { return null; }
    var src = popup._cmEntry || (popup._source && popup._source._cmEntry);
    return src && src.id !== undefined ? src : null;
  }
  function stateOf() {
    var map = registry.map, c = map.getCenter();
    var parts = ["map=" + map.getZoom() + "/" + c.lat.toFixed(4) + "/" + c.lng.toFixed(4)];
    parts.push("layers=" + Object.keys(registry.groups).filter(function (k) { return map.hasLayer(registry.groups[k]); }).map(encodeURIComponent).join(","));
    if (registry.years) { parts.push("year=" + registry.years.year()); }
    if (registry.colour) { parts.push("colour=" + encodeURIComponent(registry.colour)); }
    if (registry.filterPanel) {
      registry.filterPanel.box.querySelectorAll("input[data-cm-field]").forEach(function (i) {
        if (i.value.trim()) { parts.push("f." + i.getAttribute("data-cm-field") + "=" + encodeURIComponent(i.value.trim())); }
      });
    }
    var sel = selection();
    if (sel) { parts.push("sel=" + encodeURIComponent(sel.kind) + ":" + encodeURIComponent(sel.id)); }
    return parts.join("&");
  }
  var written = null;
  function writeHash() {
    if (!registry.ready) { return; }
    var hash = "#" + stateOf();
    if (location.hash === hash) { return; }
    written = hash;
    try { history.replaceState(null, "", hash); } catch (e) { location.replace(hash); }
  }
  function parseHash(hash) {
    var out = {};
    hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var at = kv.indexOf("=");
      if (at > 0) { out[kv.slice(0, at)] = decodeURIComponent(kv.slice(at + 1)); }
    });
    return out;
  }
  function applyState(state) {
    var map = registry.map;
    if (state.layers !== undefined) {
      var on = state.layers ? state.layers.split(",") : [];
      Object.keys(registry.groups).forEach(function (k) {
        var g = registry.groups[k], want = on.indexOf(k) >= 0;
        if (want && !map.hasLayer(g)) { map.addLayer(g); } else if (!want && map.hasLayer(g)) { map.removeLayer(g); }
      });
    }
    if (state.colour && registry.setColour) { registry.setColour(state.colour); }
    if (registry.filterPanel) {
      var any = false;
      registry.filterPanel.box.querySelectorAll("input[data-cm-field]").forEach(function (i) {
        var v = state["f." + i.getAttribute("data-cm-field")];
        if (v !== undefined) { i.value = v; any = true; }
      });
      if (any) { registry.filterPanel.apply(); }
    }
    if (state.year && registry.years) { registry.years.set(Number(state.year)); }
    if (state.map) {
      var v = state.map.split("/").map(Number);
      if (v.length === 3 && v.every(function (x) { return !isNaN(x); })) { map.setView([v[1], v[2]], v[0], { animate: false }); }
    }
    if (state.sel) {
      var at = state.sel.indexOf(":"), entry = at > 0 ? findById(state.sel.slice(0, at), state.sel.slice(at + 1)) : null;
      if (entry) { showGroup(entry.kind); openPopupOf(entry); }
    }
  }

  /* Countries with a card but no shape on the page (small islands at low resolution) are
   * found by search too: their card opens at their landing stations. */
  function cardEntries() {
    var cards = registry.data.cards || {};
    var drawn = {};
    ["countries", "outlines"].forEach(function (k) { Object.keys(registry.entries[k] || {}).forEach(function (id) { drawn[id] = true; }); });
    var kind = registry.layers.countries ? "countries" : "outlines";
    registry.entries[kind] = registry.entries[kind] || {};
    Object.keys(cards).forEach(function (iso) {
      var card = cards[iso];
      if (drawn[iso] || !card.ll) { return; }
      var marker = L.circleMarker(card.ll, { radius: 8, color: HIGHLIGHT, weight: 2, fillOpacity: 0, interactive: false });
      marker.feature = { properties: { id: iso, name: card.n } };
      var entry = { name: card.n, kind: kind, id: iso, layer: marker, virtual: true, lname: card.n.toLowerCase(),
        terms: [["code", "ISO3", iso]] };
      marker._cmEntry = entry;
      registry.entries[kind][iso] = entry;
      registry.index.push(entry);
    });
  }

  /* ------------------------------------------------------------------ install */
  function install(map) {
    registry.map = map;
    abovePanels(map);
    new FullscreenControl().addTo(map);
    new SearchControl().addTo(map);
    dock(map);
    document.querySelectorAll("[data-cm-focus]").forEach(function (el) {
      function go() { var entry = findById(el.getAttribute("data-cm-kind"), el.getAttribute("data-cm-focus")); if (entry) { focus(entry); } }
      el.addEventListener("click", go);
      el.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { go(); } });
    });
    map.on("popupopen", function (e) { var src = e.popup._source; if (src && src.feature) { highlight(src); } writeHash(); });
    map.on("popupclose", function (e) { if (e.popup._source === registry.selected) { unhighlight(); } setTimeout(writeHash, 0); });
    map.on("moveend overlayadd overlayremove baselayerchange", writeHash);
    setTimeout(function () {  // after the page's last script: the layer control and the year control exist
      cardEntries();
      dressLayerControl(map);
      installFilters();
      installColours();
      applyState(parseHash(location.hash));
      registry.ready = true;
      writeHash();
      window.addEventListener("hashchange", function () { if (location.hash !== written) { applyState(parseHash(location.hash)); } });
      requestAnimationFrame(function () { registry.firstFrame = performance.now(); });
    }, 0);
  }

  window.cablemap = { esc: esc, pct: pct, addLayer: addLayer, install: install, registry: registry, focus: focus,
    findById: findById, setFilter: setFilter, refresh: refresh, restyle: restyle, writeHash: writeHash,
    popupHtml: popupHtml, searchEntries: searchEntries, dockSides: dockSides };
})();
