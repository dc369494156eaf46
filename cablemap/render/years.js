/* cablemap year control: the network as of a year on the strategic-nodes and vendor-exposure maps.
 * The spec arrives as a JSON value, in columns aligned with each layer's features (in the order
 * the layer drew them): the year each feature appears from (null: every year), and per scored
 * year the recoloured layer's palette index, radius and popup values. A year is one of the
 * runtime's filters (cablemap.setFilter), so it combines with the cable filters of the page.
 * Text reaches the page only through textContent, and popups through the runtime's esc(). */
(function () {
  "use strict";

  function install(map, id, spec) {
    var box = document.getElementById(id);
    var cm = window.cablemap, registry = cm.registry;
    var slider = box.querySelector("input[type=range]");
    var yearOut = box.querySelector(".cm-year");
    var countOut = box.querySelector(".cm-year-count");
    var scoresOut = box.querySelector(".cm-year-scores");
    var r = spec.recolour;
    var recoloured = registry.features[r.kind] || [];
    var current = spec.start;

    function recolour(year) {
      var at = -1;
      r.years.forEach(function (y, i) { if (y <= year) { at = i; } });
      r.index.forEach(function (position, i) {
        var l = recoloured[position];
        if (!l) { return; }
        var colour = at >= 0 ? r.colour[at][i] : -1;
        if (colour < 0) {
          cm.restyle(l, r.missing);
          l.feature.properties.year_note = "no scores for this year";
          return;
        }
        cm.restyle(l, { fillColor: r.palette[colour] });
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
      current = year;
      var counts = {};
      Object.keys(spec.from).forEach(function (kind) {
        var from = spec.from[kind];
        counts[kind] = cm.setFilter(kind, "year", function (p, i) {
          var first = from[i];
          return first === null || first === undefined || first <= year;
        });
      });
      var scored = recolour(year);
      yearOut.textContent = String(year);
      countOut.textContent = counts.cables + " cables";
      box.setAttribute("data-year", String(year));
      box.setAttribute("data-scored-year", scored === null ? "" : String(scored));
      box.classList.toggle("cm-not-release", year !== spec.current);
      cm.writeHash();
    }

    function set(year) {
      var y = Math.min(spec.last, Math.max(spec.first, Math.round(year)));
      slider.value = String(y);
      update(y);
    }

    var meta = registry.meta[r.kind];
    if (meta) { meta.fields = [["year_note", "year control"]].concat(meta.fields || []); }
    registry.listeners.push(function (kind, n) {  // a cable filter of the page changes the count
      if (kind === "cables") { countOut.textContent = n + " cables"; }
    });
    slider.addEventListener("input", function () { update(Number(slider.value)); });
    box.querySelectorAll("button[data-step]").forEach(function (button) {
      button.addEventListener("click", function () { set(Number(slider.value) + Number(button.getAttribute("data-step"))); });
    });
    var release = box.querySelector("button[data-release]");
    if (release) { release.addEventListener("click", function () { set(spec.current); }); }
    update(spec.start);
    registry.years = { update: update, set: set, year: function () { return current; }, spec: spec };
    cm.years = registry.years;
  }

  window.cablemapYears = { install: install };
})();
