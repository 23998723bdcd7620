/* ExoKG network page. Data comes from the JSON block #exokg-data; every text from it is set
   with textContent (never parsed as markup), links only get http(s) addresses. No network access.
   "Group by" collapses the entities of one type or one cancer into a vis-network cluster. */
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
  var hiddenTypes = {}, hiddenRelations = {};  // legend filters
  // with more than one source (the review, loaded files, imported resources), statements are coloured by source
  var SOURCE_COLOURS = ["#444444", "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999"];
  var sources = data.sources || [], bySource = sources.length > 1;
  function sourceColour(name) { return SOURCE_COLOURS[Math.max(0, sources.indexOf(name)) % SOURCE_COLOURS.length]; }
  var grouping = data.groupBy;                  // "none", "type" or "cancer"

  var el = exokgDom.el, link = exokgDom.link, row = exokgDom.row;  // dom.js
  function labelOf(id) { return nodeById[id] ? nodeById[id].label : id; }
  function typeLabel(name) { return typeByName[name] ? typeByName[name].label : name; }
  function cancerLabel(iri) { return data.cancerLabels[iri] || iri; }

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
    row(dl, "cancers (statements)", (n.cancers || []).map(function (c) { return cancerLabel(c[0]) + " " + c[1]; }));
    box.appendChild(dl);
    return box;
  }

  function edgeInfo(e) {
    var rel = relByName[e.relation];
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, labelOf(e.from) + " " + e.relation_label + " " + labelOf(e.to)));
    var dl = el("dl");
    if (e.source) row(dl, "source", e.source === "review" ? "the review (Kałużna et al. 2025)" : e.source);
    row(dl, "relation", e.relation_label + (rel && rel.sign !== null ? " (sign " + rel.signText + ")" : ""));
    (e.evidence || []).forEach(function (pair) { if (pair[0] !== "source") row(dl, pair[0], pair[1]); });
    if (e.predicate && !(rel && rel.sign !== null)) row(dl, "predicate", link(e.predicate, e.predicate));
    e.context.forEach(function (c) { row(dl, data.contextLabels[c.name] || c.name, c.values); });
    row(dl, "section", e.section_title || e.section);
    row(dl, "Table 1 row", e.table_row);
    row(dl, "references", e.references.length ? e.references.join(", ") : null);
    row(dl, "inferred references", e.inferred_references && e.inferred_references.length ? e.inferred_references.join(", ") : null);
    if (e.assertion) row(dl, "statement", link(e.assertion, e.id));
    box.appendChild(dl);
    if (e.summary) box.appendChild(el("p", "exokg-summary", e.summary));
    return box;
  }

  // ---- vis data
  var pairCount = {};
  function placeOf(n, mode) {
    // where an entity stands: in the whole-graph layout, or around its group's place when grouped
    if (mode !== "none" && n.at && n.at[mode]) return { x: n.at[mode][0], y: n.at[mode][1] };
    return typeof n.x === "number" && typeof n.y === "number" ? { x: n.x, y: n.y } : null;
  }
  var visNodes = data.nodes.map(function (n) {
    var v = { id: n.id, label: n.label, group: n.type, size: n.size, title: nodeInfo(n) };
    var place = placeOf(n, grouping);
    if (place) { v.x = place.x; v.y = place.y; }
    if (n.highlight) { v.borderWidth = 4; v.shadow = { enabled: true, color: "rgba(0,0,0,0.55)", size: 12, x: 0, y: 0 }; }
    return v;
  });
  var visEdges = data.edges.map(function (e) {
    var rel = relByName[e.relation];
    var pair = e.from < e.to ? e.from + "\u0000" + e.to : e.to + "\u0000" + e.from;
    var i = pairCount[pair] = (pairCount[pair] || 0) + 1;
    var colour = bySource ? sourceColour(e.source) : rel.color;
    var v = {
      id: e.id, from: e.from, to: e.to, title: edgeInfo(e), dashes: rel.dashes,
      width: e.highlight ? 4 : 1.4,
      color: { color: colour, highlight: colour, hover: colour, inherit: false },
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
    var groups = Object.keys(clusters).length;
    var text = shownNodes === nodes.length && shownEdges === edges.length
      ? nodes.length + " entities · " + edges.length + " statements"
      : shownNodes + " of " + nodes.length + " entities · " + shownEdges + " of " + edges.length + " statements";
    return groups ? text + " · " + groups + (groups === 1 ? " group" : " groups") : text;
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
  var clusters = {};       // cluster id -> { entry, members }: the groups shown collapsed
  var clusterOfNode = {};  // entity id -> the id of the cluster it is in
  var groupEdges = {};     // cluster edge id -> { from, to, count, relations }
  var opened = {};         // keys of the groups the reader opened (in the current grouping)
  group();
  timings.grouped = performance.now();
  var physics = data.options.physics || {};
  if (physics.enabled === false || (physics.stabilization && physics.stabilization.enabled === false) || !nodes.length) {
    network.fit();
    markReady();
  }

  // ---- groups: one vis-network cluster per entity type or cancer (docs/viz.md)
  // A cluster stands at the centroid of its entities; an opened group's entities stand around
  // where its cluster was. Every change (open, close, filter, grouping) opens all clusters and
  // makes them again, so that the edges between groups always add up every statement between them.
  function groupKey(n, mode) {
    if (mode === "none" || n.highlight || !n.groups) return null;  // entities drawn bold stay out
    var key = n.groups[mode];
    return key === undefined ? null : key;
  }
  function release(clusterPosition, contained) {
    var places = {}, sx = 0, sy = 0, count = 0, out = {};
    Object.keys(contained).forEach(function (id) {
      var place = placeOf(nodeById[id], grouping);
      if (place) { places[id] = place; sx += place.x; sy += place.y; count += 1; }
    });
    if (!count) return out;
    var dx = clusterPosition.x - sx / count, dy = clusterPosition.y - sy / count;
    Object.keys(places).forEach(function (id) { out[id] = { x: places[id].x + dx, y: places[id].y + dy }; });
    return out;
  }
  function ungroup() {
    var ids = Object.keys(clusters);
    ids.forEach(function (id, i) { network.openCluster(id, { releaseFunction: release }, i === ids.length - 1); });
    clusters = {}; clusterOfNode = {}; groupEdges = {};
  }
  function group() {
    if (grouping === "none") return;
    var byKey = {};
    data.nodes.forEach(function (n) {
      var key = groupKey(n, grouping);
      if (key === null || opened[key] || hiddenTypes[n.type]) return;
      (byKey[key] = byKey[key] || []).push(n);
    });
    var todo = data.groupings[grouping].filter(function (g) { return byKey[g.key]; });
    todo.forEach(function (entry, i) {
      var members = byKey[entry.key], inside = {}, sx = 0, sy = 0;
      var at = network.getPositions(members.map(function (n) { return n.id; }));
      members.forEach(function (n) { inside[n.id] = true; sx += at[n.id].x; sy += at[n.id].y; });
      var id = "exokg-group:" + grouping + ":" + entry.key;
      network.cluster({
        joinCondition: function (options) { return inside[options.id] === true; },
        clusterNodeProperties: {
          id: id, label: entry.label + " (" + members.length + ")", title: groupInfo(entry, members, false),
          shape: entry.style.shape, color: entry.style.color, size: Math.max(20, 14 * Math.sqrt(members.length)),
          borderWidth: 4, shapeProperties: { borderDashes: [8, 4] },
          font: { size: Math.max(30, 14 + 5 * Math.sqrt(members.length)), strokeWidth: 6, strokeColor: "#ffffff" },
          x: sx / members.length, y: sy / members.length, allowSingleNodeCluster: true
        },
        clusterEdgeProperties: { arrows: { to: { enabled: false }, from: { enabled: false } }, dashes: false, smooth: false,
                                 font: { size: 22, strokeWidth: 5 } }
      }, i === todo.length - 1);
      clusters[id] = { entry: entry, members: members };
      members.forEach(function (n) { clusterOfNode[n.id] = id; });
    });
    describeGroupEdges();
  }
  function describeGroupEdges() {
    // vis-network draws one edge per pair of cluster (or cluster and entity) with the options of
    // the first statement it stands for; give it the totals of all the shown statements instead
    var totals = {};
    function pairOf(a, b) { return a < b ? a + "\u0000" + b : b + "\u0000" + a; }
    function end(id) { return clusterOfNode[id] || id; }
    data.edges.forEach(function (e) {
      var a = end(e.from), b = end(e.to);
      if (a === b || (a === e.from && b === e.to)) return;
      if (hiddenRelations[e.relation] || hiddenTypes[nodeById[e.from].type] || hiddenTypes[nodeById[e.to].type]) return;
      var t = totals[pairOf(a, b)] = totals[pairOf(a, b)] || { count: 0, relations: {} };
      t.count += 1;
      t.relations[e.relation] = (t.relations[e.relation] || 0) + 1;
    });
    Object.keys(clusters).forEach(function (cid) {
      network.getConnectedEdges(cid).forEach(function (eid) {
        var edge = network.body.edges[eid], ends = network.getConnectedNodes(eid);
        // skip what is gone, and the edges to an entity that another cluster has taken in since
        if (groupEdges[eid] || !edge || clusterOfNode[ends[0]] || clusterOfNode[ends[1]]) return;
        var t = totals[pairOf(ends[0], ends[1])] || { count: 0, relations: {} };
        var names = Object.keys(t.relations);
        var colour = names.length === 1 ? relByName[names[0]].color : "#8c8c8c";
        var info = groupEdges[eid] = { from: ends[0], to: ends[1], count: t.count, relations: t.relations };
        edge.setOptions({
          hidden: t.count === 0, label: t.count > 1 ? String(t.count) : "", title: groupEdgeInfo(info),
          width: Math.min(16, 1.5 + 2 * Math.log(t.count) / Math.LN2),
          color: { color: colour, highlight: colour, hover: colour, inherit: false }
        });
      });
    });
    network.body.emitter.emit("_dataChanged");  // vis-network 9.1.2: let the edges' new options take effect
  }
  function regroup() {
    ungroup();
    group();
    if (api.ready) statusBox.textContent = countsText();
  }
  function openGroup(key) { opened[key] = true; details.hidden = true; regroup(); }
  function closeGroup(key) { delete opened[key]; regroup(); }
  function setGrouping(mode) {
    // also "place everything again" when the grouping stays (opened groups stay open)
    if (mode !== "none" && !(data.groupings[mode] || []).length) return;
    ungroup();
    if (mode !== grouping) opened = {};
    grouping = mode; api.grouping = mode;
    var moves = [];
    data.nodes.forEach(function (n) { var place = placeOf(n, mode); if (place) moves.push({ id: n.id, x: place.x, y: place.y }); });
    if (moves.length) nodes.update(moves);
    group();
    groupSelect.value = mode;
    network.fit();
    if (api.ready) statusBox.textContent = countsText();
  }
  function groupName(id) {
    return clusters[id] ? clusters[id].entry.label + " (" + clusters[id].members.length + ")" : labelOf(id);
  }
  function groupInfo(entry, members, full) {
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, entry.label + " (" + members.length + ")"));
    var dl = el("dl");
    if (grouping === "type") row(dl, "group", "the entities of type " + typeLabel(entry.key));
    else row(dl, "group", "the entities whose statements name " + cancerLabel(entry.key) + " (or a subtype) more often than any other cancer");
    var byType = {};
    members.forEach(function (n) { byType[n.type] = (byType[n.type] || 0) + 1; });
    if (grouping !== "type") row(dl, "types", Object.keys(byType).sort().map(function (t) { return typeLabel(t) + " " + byType[t]; }));
    if (grouping === "cancer") {
      var also = data.nodes.filter(function (n) {
        return groupKey(n, grouping) !== entry.key && (n.cancers || []).some(function (c) { return c[0] === entry.key; });
      }).length;
      row(dl, "also named with it", also ? also + " more entities, grouped with another cancer or not grouped" : null);
    }
    var ranked = members.slice().sort(function (a, b) { return b.degree - a.degree || (a.label < b.label ? -1 : 1); });
    if (full) row(dl, "entities", ranked.map(function (n) { return n.label; }));
    else row(dl, "most connected", ranked.slice(0, 8).map(function (n) { return n.label; }).concat(ranked.length > 8 ? ["…"] : []));
    box.appendChild(dl);
    box.appendChild(el("p", "exokg-summary", "Double-click to open the group; double-click one of its entities to close it again."));
    if (full) {
      var button = el("button", "exokg-open", "Open group");
      button.type = "button";
      button.addEventListener("click", function () { openGroup(entry.key); });
      box.appendChild(button);
    }
    return box;
  }
  function groupEdgeInfo(info) {
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, groupName(info.from) + " — " + groupName(info.to)));
    var dl = el("dl");
    row(dl, "statements", info.count);
    var names = Object.keys(info.relations).sort(function (a, b) { return info.relations[b] - info.relations[a] || (a < b ? -1 : 1); });
    row(dl, "relations", names.map(function (r) { return relByName[r].label + " " + info.relations[r]; }));
    box.appendChild(dl);
    box.appendChild(el("p", "exokg-summary", "Open the group (double-click it) for each statement and its evidence."));
    return box;
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
    var id = p.nodes[0], eid = p.edges[0];
    if (id !== undefined && clusters[id]) showDetails(groupInfo(clusters[id].entry, clusters[id].members, true));
    else if (id !== undefined) showDetails(nodeInfo(nodeById[id]));
    else if (eid !== undefined && groupEdges[eid]) showDetails(groupEdgeInfo(groupEdges[eid]));
    else if (eid !== undefined && edgeById[eid]) showDetails(edgeInfo(edgeById[eid]));
    else details.hidden = true;
  });
  network.on("doubleClick", function (p) {
    var id = p.nodes[0];
    if (id === undefined) return;
    if (clusters[id]) { openGroup(clusters[id].entry.key); return; }
    var key = nodeById[id] ? groupKey(nodeById[id], grouping) : null;
    if (key !== null && opened[key]) closeGroup(key);
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
  function applyFilters() {
    ungroup();  // hidden entities stay out of the groups
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: !!hiddenTypes[n.type] }; }));
    edges.update(data.edges.map(function (e) { return { id: e.id, hidden: !!hiddenRelations[e.relation] }; }));
    group();
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
  if (bySource) {
    var sourceSection = el("section"), sourceList = el("ul", "exokg-legend");
    sourceSection.id = "exokg-sources";
    sourceSection.appendChild(el("h2", null, "Sources (colour of a statement)"));
    sources.forEach(function (name) {
      var li = el("li"), label = el("label");
      label.appendChild(lineSwatch({ color: sourceColour(name), dashes: false, arrow: null }));
      label.appendChild(el("span", null, name === "review" ? "the review" : name));
      label.appendChild(el("span", "exokg-count", data.edges.filter(function (e) { return e.source === name; }).length));
      li.appendChild(label); sourceList.appendChild(li);
    });
    sourceSection.appendChild(sourceList);
    var side = document.getElementById("exokg-side");
    side.insertBefore(sourceSection, side.children[1]);
  }
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
    if (clusterOfNode[n.id]) openGroup(clusters[clusterOfNode[n.id]].entry.key);  // a found entity is never left inside a group
    if (hiddenTypes[n.type]) statusBox.textContent = n.label + " is hidden by the type filter";
    else statusBox.textContent = countsText();
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetails(nodeInfo(n));
    api.found = n.id;
  }
  search.addEventListener("change", runSearch);
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") runSearch(); });

  // ---- grouping control
  var groupSelect = document.getElementById("exokg-group");
  Array.prototype.forEach.call(groupSelect.options, function (option) {
    option.disabled = option.value !== "none" && !(data.groupings[option.value] || []).length;
  });
  groupSelect.value = grouping;
  groupSelect.addEventListener("change", function () { setGrouping(groupSelect.value); });
  document.getElementById("exokg-collapse").addEventListener("click", function () { opened = {}; regroup(); });
  api.grouping = grouping;
  api.setGrouping = setGrouping;
  api.openGroup = openGroup;
  api.clusterOf = function (id) { return clusterOfNode[id] || null; };
  api.groupEdges = function () { return groupEdges; };

  // ---- buttons
  document.getElementById("exokg-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  document.getElementById("exokg-physics").addEventListener("click", function () {
    // grouped, with the places computed for the groups: back to those (vis-network's physics
    // knows nothing of a group's size and piles the groups on top of each other)
    if (grouping !== "none" && data.nodes.length && data.nodes[0].at) { setGrouping(grouping); return; }
    network.setOptions({ physics: { enabled: true } });
    network.stabilize((physics.stabilization && physics.stabilization.iterations) || 200);
  });
})();
