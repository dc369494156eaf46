/* cablemap year control: the network as of a year on the strategic-nodes and vendor-exposure maps.
 * The spec arrives as a JSON value, in columns aligned with each layer's features (in the order
 * the layer drew them): the year each feature appears from (null: every year), and per scored
 * year the recoloured layer's palette index, radius and popup values. Text reaches the page only
 * through textContent, and popups through the runtime's esc(). */
(function () {
  "use strict";

  function featuresOf(kind) {
    var layer = window.cablemap.registry.layers[kind], out = [];
    if (layer) { layer.eachLayer(function (l) { out.push(l); }); }  // insertion order
    return out;
  }

  function install(map, id, spec) {
    var box = document.getElementById(id);
    var registry = window.cablemap.registry;
    var slider = box.querySelector("input[type=range]");
    var yearOut = box.querySelector(".cm-year");
    var countOut = box.querySelector(".cm-year-count");
    var scoresOut = box.querySelector(".cm-year-scores");
    var r = spec.recolour;
    var drawn = {};
    Object.keys(spec.from).forEach(function (kind) { drawn[kind] = featuresOf(kind); });
    var recoloured = featuresOf(r.kind);

    function show(kind, year) {
      var layer = registry.layers[kind], from = spec.from[kind], n = 0;
      drawn[kind].forEach(function (l, i) {
        var first = from[i];
        if (first === null || first === undefined || first <= year) {
          n += 1;
          if (!layer.hasLayer(l)) { layer.addLayer(l); }
        } else if (layer.hasLayer(l)) {
          layer.removeLayer(l);
        }
      });
      return n;
    }

    function recolour(year) {
      var at = -1;
      r.years.forEach(function (y, i) { if (y <= year) { at = i; } });
      r.index.forEach(function (position, i) {
        var l = recoloured[position];
        if (!l) { return; }
        var colour = at >= 0 ? r.colour[at][i] : -1;
        if (colour < 0) {
          l.setStyle(r.missing);
          l.feature.properties.year_note = "no scores for this year";
          return;
        }
        l.setStyle({ fillColor: r.palette[colour] });
        if (r.radius && l.setRadius && r.radius[at][i] !== null) { l.setRadius(r.radius[at][i]); }
        l.feature.properties.year_note = "as of " + r.years[at] + ": " + r.notes.map(function (note) {
          var v = note[1][at][i];
          return note[0] + " " + (v === null ? "n/a" : v);
        }).join(", ");
      });
      scoresOut.textContent = at >= 0 ? r.label + " as of " + r.years[at]
        : r.label + ": none before " + r.years[0];
      return at >= 0 ? r.years[at] : null;
    }

    function update(year) {
      var counts = {};
      Object.keys(spec.from).forEach(function (kind) { counts[kind] = show(kind, year); });
      var scored = recolour(year);
      yearOut.textContent = String(year);
      countOut.textContent = counts.cables + " cables";
      box.setAttribute("data-year", String(year));
      box.setAttribute("data-scored-year", scored === null ? "" : String(scored));
    }

    var meta = registry.meta[r.kind];
    if (meta) { meta.fields = [["year_note", "year control"]].concat(meta.fields || []); }
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    slider.addEventListener("input", function () { update(Number(slider.value)); });
    box.querySelectorAll("button[data-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var next = Number(slider.value) + Number(button.getAttribute("data-step"));
        slider.value = String(Math.min(spec.last, Math.max(spec.first, next)));
        update(Number(slider.value));
      });
    });
    update(spec.start);
    window.cablemap.years = { update: update, spec: spec };
  }

  window.cablemapYears = { install: install };
})();
