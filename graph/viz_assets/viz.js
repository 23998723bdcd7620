/* ExoKG network page. Data comes from the JSON block #exokg-data; every text from it is set
   with textContent (never parsed as markup), links only get http(s) addresses. No network access. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("exokg-data").textContent);
  var timings = { scriptStart: performance.now() };
  var api = { data: data, timings: timings, ready: false, errors: [], layouts: 0 };
  window.exokg = api;
  window.addEventListener("error", function (event) { api.errors.push(String(event.message)); });

  var SVG = "http://www.w3.org/2000/svg";
  var statusBox = document.getElementById("exokg-status");
  var typeByName = {}, relByName = {}, nodeById = {};
  data.types.forEach(function (t) { typeByName[t.name] = t; });
  data.relations.forEach(function (r) { relByName[r.name] = r; });
  data.nodes.forEach(function (n) { nodeById[n.id] = n; });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function link(href, text) {
    var a = el("a", null, text);
    if (typeof href === "string" && /^https?:\/\//i.test(href)) {
      a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
    }
    return a;
  }
  function row(dl, name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", null, name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join(", ") : String(value);
    dl.appendChild(dd);
  }
  function labelOf(id) { return nodeById[id] ? nodeById[id].label : id; }

  function nodeInfo(n) {
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, n.label));
    var dl = el("dl");
    var type = typeByName[n.type];
    row(dl, "type", type ? type.label : n.type);
    if (n.curie) row(dl, "identifier", n.iri ? link(n.iri, n.curie) : n.curie);
    else if (n.iri) row(dl, "IRI", link(n.iri, n.iri));
    if (!n.curie && n.key) row(dl, "mapping", "no identifier yet");
    row(dl, "key", n.key);
    row(dl, "synonyms", n.synonyms);
    row(dl, "statements", n.degree);
    box.appendChild(dl);
    return box;
  }

  function edgeInfo(e) {
    var rel = relByName[e.relation];
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, labelOf(e.from) + " " + e.relation_label + " " + labelOf(e.to)));
    var dl = el("dl");
    row(dl, "relation", e.relation_label + (rel && rel.sign !== null ? " (sign " + rel.signText + ")" : ""));
    if (e.predicate && !(rel && rel.sign !== null)) row(dl, "predicate", link(e.predicate, e.predicate));
    e.context.forEach(function (c) { row(dl, data.contextLabels[c.name] || c.name, c.values); });
    row(dl, "section", e.section_title || e.section);
    row(dl, "Table 1 row", e.table_row);
    row(dl, "references", e.references.length ? e.references.join(", ") : null);
    if (e.assertion) row(dl, "statement", link(e.assertion, e.id));
    box.appendChild(dl);
    if (e.summary) box.appendChild(el("p", "exokg-summary", e.summary));
    return box;
  }

  // ---- vis data
  var pairCount = {};
  var visNodes = data.nodes.map(function (n) {
    var v = { id: n.id, label: n.label, group: n.type, size: n.size, title: nodeInfo(n) };
    if (typeof n.x === "number" && typeof n.y === "number") { v.x = n.x; v.y = n.y; }
    if (n.highlight) { v.borderWidth = 4; v.shadow = { enabled: true, color: "rgba(0,0,0,0.55)", size: 12, x: 0, y: 0 }; }
    return v;
  });
  var visEdges = data.edges.map(function (e) {
    var rel = relByName[e.relation];
    var pair = e.from < e.to ? e.from + "\u0000" + e.to : e.to + "\u0000" + e.from;
    var i = pairCount[pair] = (pairCount[pair] || 0) + 1;
    var v = {
      id: e.id, from: e.from, to: e.to, title: edgeInfo(e), dashes: rel.dashes,
      width: e.highlight ? 4 : 1.4,
      color: { color: rel.color, highlight: rel.color, hover: rel.color, inherit: false },
      arrows: rel.arrow ? { to: { enabled: true, type: rel.arrow, scaleFactor: 0.6 } } : { to: { enabled: false } }
    };
    if (i > 1) v.smooth = { enabled: true, type: i % 2 ? "curvedCCW" : "curvedCW", roundness: 0.2 * Math.floor(i / 2) };
    if (data.edgeLabels) v.label = e.relation_label;
    return v;
  });

  // ---- page text
  document.getElementById("exokg-title").textContent = data.title;
  document.getElementById("exokg-description").textContent = data.description;
  var names = document.getElementById("exokg-names");
  var seen = {};
  data.nodes.map(function (n) { return n.label; }).sort().forEach(function (label) {
    if (seen[label]) return;
    seen[label] = true;
    var option = document.createElement("option");
    option.value = label;
    names.appendChild(option);
  });

  // ---- network
  var container = document.getElementById("exokg-network");
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);
  var network = new vis.Network(container, {}, data.options);
  api.network = network; api.nodes = nodes; api.edges = edges;

  function countsText() {
    var shownNodes = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    var hiddenNodes = {};
    nodes.forEach(function (n) { if (n.hidden) hiddenNodes[n.id] = true; });
    var shownEdges = edges.get({ filter: function (e) { return !e.hidden && !hiddenNodes[e.from] && !hiddenNodes[e.to]; } }).length;
    if (shownNodes === nodes.length && shownEdges === edges.length) return nodes.length + " entities · " + edges.length + " statements";
    return shownNodes + " of " + nodes.length + " entities · " + shownEdges + " of " + edges.length + " statements";
  }
  function markReady() {
    if (api.ready) return;
    network.once("afterDrawing", function () {
      timings.ready = performance.now();
      api.ready = true;
      statusBox.textContent = countsText();
      document.body.setAttribute("data-ready", "true");
    });
    network.redraw();
  }
  network.on("stabilizationProgress", function (p) {
    statusBox.textContent = "laying out… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.on("stabilizationIterationsDone", function () {
    if (!timings.stabilizationDone) timings.stabilizationDone = performance.now();
    if (data.freeze) network.setOptions({ physics: { enabled: false } });
    api.layouts += 1;
    if (api.ready) statusBox.textContent = countsText();
    markReady();
  });
  network.on("stabilized", function () { if (!timings.stabilized) timings.stabilized = performance.now(); });
  timings.dataBuilt = performance.now();
  network.setData({ nodes: nodes, edges: edges });
  timings.dataSet = performance.now();
  var physics = data.options.physics || {};
  if (physics.enabled === false || (physics.stabilization && physics.stabilization.enabled === false) || !nodes.length) {
    network.fit();
    markReady();
  }

  // ---- details panel
  var details = document.getElementById("exokg-details");
  var detailsBody = document.getElementById("exokg-details-body");
  function showDetails(content) {
    while (detailsBody.firstChild) detailsBody.removeChild(detailsBody.firstChild);
    detailsBody.appendChild(content);
    details.hidden = false;
  }
  document.getElementById("exokg-close").addEventListener("click", function () { details.hidden = true; });
  var edgeById = {};
  data.edges.forEach(function (e) { edgeById[e.id] = e; });
  network.on("click", function (p) {
    if (p.nodes.length) showDetails(nodeInfo(nodeById[p.nodes[0]]));
    else if (p.edges.length) showDetails(edgeInfo(edgeById[p.edges[0]]));
    else details.hidden = true;
  });

  // ---- legend and filters
  function swatch(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("viewBox", "0 0 14 14");
    var item;
    var points = {
      diamond: "7,1 13,7 7,13 1,7", triangle: "7,1 13,12 1,12", triangleDown: "1,2 13,2 7,13",
      hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7",
      star: "7,0.8 8.8,5 13.3,5.2 9.8,8.1 11,12.6 7,10 3,12.6 4.2,8.1 0.7,5.2 5.2,5"
    };
    if (points[shape]) { item = document.createElementNS(SVG, "polygon"); item.setAttribute("points", points[shape]); }
    else if (shape === "square" || shape === "box") {
      item = document.createElementNS(SVG, "rect");
      item.setAttribute("x", "1.5"); item.setAttribute("y", "1.5"); item.setAttribute("width", "11"); item.setAttribute("height", "11");
      if (shape === "box") item.setAttribute("rx", "3");
    } else {
      item = document.createElementNS(SVG, "circle");
      item.setAttribute("cx", "7"); item.setAttribute("cy", "7"); item.setAttribute("r", "5.5");
    }
    item.setAttribute("fill", color); item.setAttribute("stroke", "#444"); item.setAttribute("stroke-width", "0.8");
    svg.appendChild(item);
    return svg;
  }
  function lineSwatch(rel) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "26"); svg.setAttribute("height", "12"); svg.setAttribute("viewBox", "0 0 26 12");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "6"); line.setAttribute("x2", "21"); line.setAttribute("y2", "6");
    line.setAttribute("stroke", rel.color); line.setAttribute("stroke-width", "2.2");
    if (rel.dashes) line.setAttribute("stroke-dasharray", "4 3");
    svg.appendChild(line);
    var head = null;
    if (rel.arrow === "arrow") { head = document.createElementNS(SVG, "polygon"); head.setAttribute("points", "19,1.5 25,6 19,10.5"); }
    else if (rel.arrow === "bar") { head = document.createElementNS(SVG, "rect"); head.setAttribute("x", "21"); head.setAttribute("y", "1"); head.setAttribute("width", "3"); head.setAttribute("height", "10"); }
    else if (rel.arrow === "circle") { head = document.createElementNS(SVG, "circle"); head.setAttribute("cx", "22"); head.setAttribute("cy", "6"); head.setAttribute("r", "3"); }
    if (head) { head.setAttribute("fill", rel.color); svg.appendChild(head); }
    return svg;
  }
  var hiddenTypes = {}, hiddenRelations = {};
  function applyFilters() {
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: !!hiddenTypes[n.type] }; }));
    edges.update(data.edges.map(function (e) { return { id: e.id, hidden: !!hiddenRelations[e.relation] }; }));
    if (api.ready) statusBox.textContent = countsText();
  }
  function legendItem(list, name, text, count, icon, hiddenSet, title) {
    var li = el("li");
    var label = el("label");
    if (title) label.title = title;
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = name;
    box.addEventListener("change", function () { hiddenSet[name] = !box.checked; applyFilters(); });
    label.appendChild(box); label.appendChild(icon); label.appendChild(el("span", null, text));
    label.appendChild(el("span", "exokg-count", count));
    li.appendChild(label);
    list.appendChild(li);
  }
  var typeList = document.getElementById("exokg-types");
  data.types.forEach(function (t) { legendItem(typeList, t.name, t.label, t.count, swatch(t.shape, t.color), hiddenTypes, t.name); });
  var relList = document.getElementById("exokg-relations");
  data.relations.forEach(function (r) { legendItem(relList, r.name, r.label, r.count, lineSwatch(r), hiddenRelations, r.name + ", sign " + r.signText); });
  Array.prototype.forEach.call(document.querySelectorAll(".exokg-all button"), function (button) {
    button.addEventListener("click", function () {
      var list = button.getAttribute("data-target") === "types" ? typeList : relList;
      var hiddenSet = list === typeList ? hiddenTypes : hiddenRelations;
      var on = button.getAttribute("data-on") === "1";
      Array.prototype.forEach.call(list.querySelectorAll("input"), function (box) { box.checked = on; hiddenSet[box.value] = !on; });
      applyFilters();
    });
  });

  // ---- search
  function norm(text) { return String(text || "").toLowerCase().replace(/[\s\-_/.,;:'"()\[\]]+/g, ""); }
  function findNode(text) {
    var q = norm(text);
    if (!q) return null;
    var exact = null, partial = null;
    data.nodes.forEach(function (n) {
      var all = [n.label, n.key, n.curie].concat(n.synonyms).map(norm);
      if (!exact && all.indexOf(q) >= 0) exact = n;
      if (!partial && all.some(function (name) { return name && name.indexOf(q) >= 0; })) partial = n;
    });
    return exact || partial;
  }
  var search = document.getElementById("exokg-search");
  function runSearch() {
    var n = findNode(search.value);
    if (!n) { statusBox.textContent = search.value ? "no entity matches “" + search.value + "”" : countsText(); return; }
    if (hiddenTypes[n.type]) statusBox.textContent = n.label + " is hidden by the type filter";
    else statusBox.textContent = countsText();
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetails(nodeInfo(n));
    api.found = n.id;
  }
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") runSearch(); });

  // ---- buttons
  document.getElementById("exokg-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  document.getElementById("exokg-physics").addEventListener("click", function () {
    network.setOptions({ physics: { enabled: true } });
    network.stabilize((physics.stabilization && physics.stabilization.iterations) || 200);
  });
})();
