/* ExoKG aggregated network page (graph/viz/aggregate.py): a view too large to draw entity by
   entity. It opens with one node per group and the statements between groups added up; the
   entities and statements are in the page as compressed columns, decompressed with the browser's
   DecompressionStream the first time a group is opened, an entity searched or a filter changed.
   An opened group draws its most connected members first, data.cap at a time. Every text from
   the data is set with textContent; links only get http(s) addresses. No network access. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("exokg-data").textContent);
  var timings = { scriptStart: performance.now() };
  var api = { data: data, timings: timings, ready: false, errors: [], loaded: false };
  window.exokg = api;
  window.addEventListener("error", function (event) { api.errors.push(String(event.message)); });
  window.addEventListener("unhandledrejection", function (event) { api.errors.push(String(event.reason)); });

  var SVG = "http://www.w3.org/2000/svg";
  var SPIRAL_PX = 34, SPIRAL_START = 6, GOLDEN = Math.PI * (3 - Math.sqrt(5));
  var SOURCE_COLOURS = ["#444444", "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999"];
  var statusBox = document.getElementById("exokg-status");
  var grouping = data.groupBy;
  var opened = {};          // group index -> members shown (in the current grouping)
  var pinned = {};          // entity index -> true: drawn whatever the cap (found by a search)
  var hiddenTypes = {}, hiddenRelations = {};
  var N = null, E = null, members = null;  // the decompressed columns, and each group's members by rank
  var drawnCount = 0;

  var el = exokgDom.el, link = exokgDom.link, row = exokgDom.row;  // dom.js
  function fmt(n) { return Number(n).toLocaleString("en"); }
  function groups() { return data.groupings[grouping].groups; }
  function groupOf(i) { return N.group[grouping][i]; }
  function sourceColour(s) { return SOURCE_COLOURS[s % SOURCE_COLOURS.length]; }

  // ---- the compressed columns
  function decode(text) {
    var bin = atob(text), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }
  var loading = null;
  function load() {
    if (!loading) {
      var start = performance.now();
      loading = Promise.all([decode(data.blocks.nodes), decode(data.blocks.edges)]).then(function (parts) {
        N = parts[0]; E = parts[1];
        members = {};
        Object.keys(data.groupings).forEach(function (g) {
          var lists = data.groupings[g].groups.map(function () { return []; });
          N.group[g].forEach(function (gi, i) { if (gi >= 0) lists[gi].push(i); });
          lists.forEach(function (list) {
            list.sort(function (a, b) { return N.degree[b] - N.degree[a] || (N.label[a] < N.label[b] ? -1 : N.label[a] > N.label[b] ? 1 : a - b); });
          });
          members[g] = lists;
        });
        api.loaded = true;
        timings.loaded = performance.now() - start;
      });
    }
    return loading;
  }

  // ---- cards
  function nodeInfo(i) {
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, N.label[i]));
    var dl = el("dl");
    var type = data.types[N.type[i]];
    row(dl, "type", type.label);
    var iri = N.id[i];
    if (N.curie[i]) row(dl, "identifier", link(iri, N.curie[i]));
    else row(dl, "IRI", link(iri, iri));
    row(dl, "key", N.key[i]);
    row(dl, "synonyms", N.synonyms[i]);
    row(dl, "statements", N.degree[i]);
    row(dl, "cancers (statements)", N.cancers[i].map(function (c) { return E.strings[c[0]] + " " + c[1]; }));
    var g = groupOf(i);
    if (g >= 0) row(dl, "group", groups()[g].label);
    box.appendChild(dl);
    return box;
  }
  function edgeInfo(k) {
    var rel = data.relations[E.rel[k]];
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, N.label[E.from[k]] + " " + rel.label + " " + N.label[E.to[k]]));
    var dl = el("dl");
    row(dl, "source", data.sources[E.source[k]] === "review" ? "the review (Kałużna et al. 2025)" : data.sources[E.source[k]]);
    row(dl, "relation", rel.label + (rel.sign !== null ? " (sign " + rel.signText + ")" : ""));
    E.context[k].forEach(function (c) { row(dl, data.contextLabels[E.strings[c[0]]] || E.strings[c[0]], c[1].map(function (v) { return E.strings[v]; })); });
    var section = E.strings[E.section[k]].split("\t");
    row(dl, "section", section[1] || section[0]);
    row(dl, "Table 1 row", E.row[k]);
    row(dl, "references", E.refs[k].length ? E.refs[k].join(", ") : null);
    row(dl, "inferred references", E.inferred[k].length ? E.inferred[k].join(", ") : null);
    var base = E.strings[E.assertion[k]];
    if (base) row(dl, "statement", link(base.replace("\u0000", E.id[k]), E.id[k]));
    else row(dl, "statement", E.id[k]);
    box.appendChild(dl);
    var evidence = el("dl");
    E.evidence[k].forEach(function (pair) { row(evidence, E.strings[pair[0]], E.strings[pair[1]]); });
    if (evidence.firstChild) box.appendChild(evidence);
    var summary = E.strings[E.summary[k]];
    if (summary) box.appendChild(el("p", "exokg-summary", summary));
    return box;
  }
  function groupInfo(g, full) {
    var entry = groups()[g];
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, entry.label + " (" + fmt(entry.count) + ")"));
    var dl = el("dl");
    row(dl, "group", grouping === "type" ? "the entities of type " + entry.label.toLowerCase()
      : "entities by the cancer their statements name most often");
    if (opened[g] !== undefined) row(dl, "drawn", fmt(Math.min(opened[g], entry.count)) + " of " + fmt(entry.count) + ", most connected first");
    if (members) {
      var top = members[grouping][g].slice(0, 8).map(function (i) { return N.label[i]; });
      row(dl, "most connected", top.concat(entry.count > 8 ? ["…"] : []));
    }
    box.appendChild(dl);
    box.appendChild(el("p", "exokg-summary", "Double-click to open the group (again: show more); double-click one of its entities to close it."));
    if (!full) return box;
    var buttons = el("div", "exokg-buttons");
    function button(text, action) {
      var b = el("button", "exokg-open", text);
      b.type = "button";
      b.addEventListener("click", action);
      buttons.appendChild(b);
    }
    if (opened[g] === undefined) button("Open group", function () { openGroup(g); });
    else {
      if (opened[g] < entry.count) button("Show " + fmt(Math.min(data.cap, entry.count - opened[g])) + " more", function () { showMore(g); });
      button("Close group", function () { closeGroup(g); });
    }
    box.appendChild(buttons);
    var find = el("input", "exokg-member-search");
    find.type = "search"; find.placeholder = "Find in this group…"; find.setAttribute("aria-label", "Find in this group");
    var list = el("ul", "exokg-member-list");
    find.addEventListener("input", function () {
      load().then(function () {
        while (list.firstChild) list.removeChild(list.firstChild);
        var q = norm(find.value);
        if (!q) return;
        var shown = 0;
        members[grouping][g].some(function (i) {
          if (names(i).some(function (name) { return name.indexOf(q) >= 0; })) {
            var li = el("li"), b = el("button", null, N.label[i]);
            b.type = "button";
            b.addEventListener("click", function () { reveal(i); });
            li.appendChild(b); list.appendChild(li); shown += 1;
          }
          return shown >= 30;
        });
      });
    });
    box.appendChild(find); box.appendChild(list);
    return box;
  }
  function groupEdgeInfo(info) {
    var box = el("div", "exokg-tip");
    box.appendChild(el("h3", null, info.a + " — " + info.b));
    var dl = el("dl");
    row(dl, "statements", fmt(info.count));
    var rels = Object.keys(info.relations).sort(function (x, y) { return info.relations[y] - info.relations[x] || x - y; });
    row(dl, "relations", rels.map(function (r) { return data.relations[r].label + " " + fmt(info.relations[r]); }));
    if (data.sources.length > 1) {
      row(dl, "sources", Object.keys(info.sources).map(function (s) { return data.sources[s] + " " + fmt(info.sources[s]); }));
    }
    box.appendChild(dl);
    box.appendChild(el("p", "exokg-summary", "Open the groups (double-click) for each statement and its evidence."));
    return box;
  }

  // ---- what is drawn
  function place(g) {
    var at = groupPlaces[grouping + ":" + g];
    return at || { x: groups()[g].x, y: groups()[g].y };
  }
  var groupPlaces = {};  // where the reader dragged a group
  function spiral(centre, rank) {
    var r = SPIRAL_PX * Math.sqrt(rank + SPIRAL_START), a = (rank + SPIRAL_START) * GOLDEN;
    return { x: Math.round(centre.x + r * Math.cos(a)), y: Math.round(centre.y + r * Math.sin(a)) };
  }
  function groupNode(g, label) {
    var entry = groups()[g];
    return {
      id: "g:" + g, label: label, title: groupInfo(g, false), shape: entry.style.shape, color: entry.style.color,
      size: Math.max(40, Math.min(120, 8 * Math.sqrt(entry.count))), borderWidth: 4, shapeProperties: { borderDashes: [8, 4] },
      font: { size: 64, strokeWidth: 8, strokeColor: "#ffffff" }, x: place(g).x, y: place(g).y
    };
  }
  function entityNode(i, at) {
    var t = data.types[N.type[i]];
    return { id: "n:" + i, label: N.label[i], shape: t.style.shape, color: t.style.color,
             size: Math.round(Math.min(40, 9 + 4 * Math.sqrt(N.degree[i]))), title: nodeInfo(i), x: at.x, y: at.y };
  }
  function widthOf(count) { return Math.min(16, 1.5 + 2 * Math.log(count) / Math.LN2); }

  function drawInitial() {
    // before the columns are decompressed: the groups and the totals written with the page
    var visNodes = groups().map(function (entry, g) { return groupNode(g, entry.label + " (" + fmt(entry.count) + ")"); });
    data.pinned.forEach(function (p, j) {
      var t = data.types[p[2]];
      visNodes.push({ id: "n:" + p[0], label: p[1], shape: t.style.shape, color: t.style.color, size: 20, borderWidth: 4,
                      x: spiral({ x: 0, y: 0 }, j).x, y: spiral({ x: 0, y: 0 }, j).y });
    });
    var visEdges = data.totals[grouping].map(function (t) {
      var ends = t[0] >= 0 ? "g:" + t[0] : "n:" + (-2 - t[0]), other = t[1] >= 0 ? "g:" + t[1] : "n:" + (-2 - t[1]);
      var count = 0, rels = {};
      t[2].forEach(function (rc) { count += rc[1]; rels[rc[0]] = rc[1]; });
      return aggregateEdge(ends, other, count, rels, {});
    });
    nodes.add(visNodes); edges.add(visEdges);
    drawnCount = 0;
  }
  function aggregateEdge(a, b, count, rels, sources) {
    var names = Object.keys(rels);
    var colour = names.length === 1 ? data.relations[names[0]].color : "#8c8c8c";
    var info = { a: nameOf(a), b: nameOf(b), count: count, relations: rels, sources: sources };
    return { id: "t:" + a + "|" + b, from: a, to: b, label: count > 1 ? fmt(count) : "", width: widthOf(count),
             title: groupEdgeInfo(info), info: info, arrows: { to: { enabled: false } }, smooth: false,
             font: { size: 20, strokeWidth: 5 }, color: { color: colour, highlight: colour, hover: colour, inherit: false } };
  }
  function nameOf(id) {
    var i = Number(id.slice(2));
    if (id.charAt(0) === "g") return groups()[i].label;
    if (N) return N.label[i];
    var p = data.pinned.filter(function (q) { return q[0] === i; })[0];
    return p ? p[1] : id;
  }

  var drawnGrouping = grouping;  // the grouping whose group nodes are on the canvas
  function draw(keepPlaces) {
    // from the columns: opened groups' first members, pinned and highlighted entities; the rest added up
    if (keepPlaces !== false) {  // groups stay where the reader dragged them
      var moved = network.getPositions(nodes.getIds().filter(function (id) { return id.charAt(0) === "g"; }));
      Object.keys(moved).forEach(function (id) { groupPlaces[drawnGrouping + ":" + id.slice(2)] = moved[id]; });
    }
    drawnGrouping = grouping;
    var list = groups(), drawn = new Uint8Array(N.id.length), byGroup = list.map(function () { return []; }), loose = [];
    list.forEach(function (entry, g) {
      if (opened[g] === undefined) return;
      var shown = 0;
      members[grouping][g].some(function (i) {
        if (hiddenTypes[N.type[i]]) return false;
        drawn[i] = 1; byGroup[g].push(i); shown += 1;
        return shown >= opened[g];
      });
    });
    Object.keys(pinned).forEach(function (k) {
      var i = Number(k), g = groupOf(i);
      if (drawn[i] || hiddenTypes[N.type[i]]) return;
      drawn[i] = 1;
      if (g >= 0) byGroup[g].push(i);
    });
    data.pinned.forEach(function (p) { if (!hiddenTypes[N.type[p[0]]]) { drawn[p[0]] = 1; loose.push(p[0]); } });
    var rest = list.map(function () { return 0; });
    N.type.forEach(function (t, i) { var g = groupOf(i); if (g >= 0 && !drawn[i] && !hiddenTypes[t]) rest[g] += 1; });
    var visNodes = [], count = 0;
    list.forEach(function (entry, g) {
      if (rest[g] > 0) {
        var label = entry.label + " (" + fmt(rest[g]) + (byGroup[g].length ? " more" : "") + ")";
        visNodes.push(groupNode(g, label));
      }
      byGroup[g].forEach(function (i, rank) { visNodes.push(entityNode(i, spiral(place(g), rank))); count += 1; });
    });
    loose.forEach(function (i, rank) { var v = entityNode(i, spiral({ x: 0, y: 0 }, rank)); v.borderWidth = 4; visNodes.push(v); count += 1; });
    var visEdges = [], totals = {}, single = data.sources.length > 1;
    for (var k = 0; k < E.from.length; k++) {
      var f = E.from[k], t = E.to[k];
      if (hiddenRelations[E.rel[k]] || hiddenTypes[N.type[f]] || hiddenTypes[N.type[t]]) continue;
      if (drawn[f] && drawn[t]) { visEdges.push(statementEdge(k, single)); continue; }
      var a = drawn[f] ? "n:" + f : "g:" + groupOf(f), b = drawn[t] ? "n:" + t : "g:" + groupOf(t);
      if (a === b) continue;
      var pair = a < b ? a + "|" + b : b + "|" + a;
      var tot = totals[pair] || (totals[pair] = { a: a < b ? a : b, b: a < b ? b : a, count: 0, relations: {}, sources: {} });
      tot.count += 1;
      tot.relations[E.rel[k]] = (tot.relations[E.rel[k]] || 0) + 1;
      tot.sources[E.source[k]] = (tot.sources[E.source[k]] || 0) + 1;
    }
    Object.keys(totals).sort().forEach(function (pair) {
      var tot = totals[pair];
      visEdges.push(aggregateEdge(tot.a, tot.b, tot.count, tot.relations, tot.sources));
    });
    nodes.clear(); edges.clear();
    nodes.add(visNodes); edges.add(visEdges);
    drawnCount = count;
    statusBox.textContent = countsText(rest);
  }
  function statementEdge(k, bySource) {
    var rel = data.relations[E.rel[k]];
    var colour = bySource ? sourceColour(E.source[k]) : rel.color;
    return { id: "e:" + k, from: "n:" + E.from[k], to: "n:" + E.to[k], title: edgeInfo(k), dashes: rel.dashes, width: 1.4,
             color: { color: colour, highlight: colour, hover: colour, inherit: false }, smooth: false,
             arrows: rel.arrow ? { to: { enabled: true, type: rel.arrow, scaleFactor: 0.6 } } : { to: { enabled: false } } };
  }
  function countsText(rest) {
    var closed = rest ? rest.filter(function (r) { return r > 0; }).length : groups().length;
    return fmt(data.counts[0]) + " entities · " + fmt(data.counts[1]) + " statements · " + closed + " groups · " +
      fmt(drawnCount) + " entities drawn";
  }

  // ---- actions (each returns a promise: the columns may need decompressing first)
  function act(change) {
    statusBox.textContent = "opening…";
    return load().then(function () { change(); draw(); });
  }
  function openGroup(g) { return act(function () { if (opened[g] === undefined) opened[g] = data.cap; }); }
  function showMore(g) { return act(function () { opened[g] = (opened[g] || 0) + data.cap; }).then(function () { if (cardGroup === g) showDetails(groupInfo(g, true)); }); }
  function closeGroup(g) {
    return act(function () {
      delete opened[g];
      Object.keys(pinned).forEach(function (i) { if (groupOf(Number(i)) === g) delete pinned[i]; });
      details.hidden = true;
    });
  }
  function reveal(i) {
    return act(function () { pinned[i] = true; }).then(function () {
      network.selectNodes(["n:" + i]);
      network.focus("n:" + i, { scale: 1.2 });
      showDetails(nodeInfo(i));
      api.found = N.id[i];
    });
  }
  function groupIndex(key) {
    var found = -1;
    groups().forEach(function (entry, g) { if (entry.key === key) found = g; });
    return found;
  }

  // ---- network
  var container = document.getElementById("exokg-network");
  var nodes = new vis.DataSet([]), edges = new vis.DataSet([]);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  api.network = network; api.nodes = nodes; api.edges = edges;
  document.getElementById("exokg-title").textContent = data.title;
  document.getElementById("exokg-description").textContent = data.description;
  drawInitial();
  network.fit();
  network.once("afterDrawing", function () {
    timings.ready = performance.now();
    api.ready = true;
    statusBox.textContent = countsText(null);
    document.body.setAttribute("data-ready", "true");
  });
  network.redraw();

  var details = document.getElementById("exokg-details");
  var detailsBody = document.getElementById("exokg-details-body");
  var cardGroup = null;
  function showDetails(content) {
    while (detailsBody.firstChild) detailsBody.removeChild(detailsBody.firstChild);
    detailsBody.appendChild(content);
    details.hidden = false;
  }
  document.getElementById("exokg-close").addEventListener("click", function () { details.hidden = true; });
  network.on("click", function (p) {
    var id = p.nodes[0], eid = p.edges[0];
    cardGroup = null;
    if (id !== undefined && id.charAt(0) === "g") { cardGroup = Number(id.slice(2)); showDetails(groupInfo(cardGroup, true)); }
    else if (id !== undefined && N) showDetails(nodeInfo(Number(id.slice(2))));
    else if (eid !== undefined && eid.charAt(0) === "e") showDetails(edgeInfo(Number(eid.slice(2))));
    else if (eid !== undefined) showDetails(edges.get(eid).title.cloneNode(true));
    else details.hidden = true;
  });
  network.on("doubleClick", function (p) {
    var id = p.nodes[0];
    if (id === undefined) return;
    var i = Number(id.slice(2));
    if (id.charAt(0) === "g") { if (opened[i] === undefined) openGroup(i); else showMore(i); return; }
    if (N && groupOf(i) >= 0 && opened[groupOf(i)] !== undefined) closeGroup(groupOf(i));
  });

  // ---- legend and filters
  function swatch(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14"); svg.setAttribute("height", "14"); svg.setAttribute("viewBox", "0 0 14 14");
    var item, points = {
      diamond: "7,1 13,7 7,13 1,7", triangle: "7,1 13,12 1,12", triangleDown: "1,2 13,2 7,13",
      hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7", star: "7,0.8 8.8,5 13.3,5.2 9.8,8.1 11,12.6 7,10 3,12.6 4.2,8.1 0.7,5.2 5.2,5"
    };
    if (points[shape]) { item = document.createElementNS(SVG, "polygon"); item.setAttribute("points", points[shape]); }
    else if (shape === "square" || shape === "box") {
      item = document.createElementNS(SVG, "rect");
      item.setAttribute("x", "1.5"); item.setAttribute("y", "1.5"); item.setAttribute("width", "11"); item.setAttribute("height", "11");
    } else {
      item = document.createElementNS(SVG, "circle");
      item.setAttribute("cx", "7"); item.setAttribute("cy", "7"); item.setAttribute("r", "5.5");
    }
    item.setAttribute("fill", color); item.setAttribute("stroke", "#444"); item.setAttribute("stroke-width", "0.8");
    svg.appendChild(item);
    return svg;
  }
  function lineSwatch(color, dashes) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "26"); svg.setAttribute("height", "12"); svg.setAttribute("viewBox", "0 0 26 12");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "6"); line.setAttribute("x2", "25"); line.setAttribute("y2", "6");
    line.setAttribute("stroke", color); line.setAttribute("stroke-width", "2.2");
    if (dashes) line.setAttribute("stroke-dasharray", "4 3");
    svg.appendChild(line);
    return svg;
  }
  function legendItem(list, index, text, count, icon, hiddenSet) {
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = String(index);
    box.addEventListener("change", function () { hiddenSet[index] = !box.checked; act(function () {}); });
    label.appendChild(box); label.appendChild(icon); label.appendChild(el("span", null, text));
    label.appendChild(el("span", "exokg-count", fmt(count)));
    li.appendChild(label); list.appendChild(li);
  }
  var typeList = document.getElementById("exokg-types"), relList = document.getElementById("exokg-relations");
  data.types.forEach(function (t, i) { legendItem(typeList, i, t.label, t.count, swatch(t.shape, t.color), hiddenTypes); });
  data.relations.forEach(function (r, i) { legendItem(relList, i, r.label, r.count, lineSwatch(r.color, r.dashes), hiddenRelations); });
  Array.prototype.forEach.call(document.querySelectorAll(".exokg-all button"), function (button) {
    button.addEventListener("click", function () {
      var list = button.getAttribute("data-target") === "types" ? typeList : relList;
      var hiddenSet = list === typeList ? hiddenTypes : hiddenRelations, on = button.getAttribute("data-on") === "1";
      Array.prototype.forEach.call(list.querySelectorAll("input"), function (box) { box.checked = on; hiddenSet[box.value] = !on; });
      act(function () {});
    });
  });
  if (data.sources.length > 1) {
    // statements drawn one by one are coloured by where they come from
    var section = el("section"), ul = el("ul", "exokg-legend");
    section.id = "exokg-sources";
    section.appendChild(el("h2", null, "Sources (colour of a statement)"));
    data.sources.forEach(function (name, s) {
      var li = el("li"), label = el("label");
      label.appendChild(lineSwatch(sourceColour(s), false));
      label.appendChild(el("span", null, name === "review" ? "the review" : name));
      li.appendChild(label); ul.appendChild(li);
    });
    section.appendChild(ul);
    var side = document.getElementById("exokg-side");
    side.insertBefore(section, side.children[1]);
  }
  var note = document.querySelector("#exokg-side section:last-child .exokg-key");
  if (note) note.textContent = "Size: number of statements. " + fmt(data.counts[0]) + " entities: an opened group draws its " +
    fmt(data.cap) + " most connected entities first (double-click again or “Show more” for more; click a group to search in it).";

  // ---- search
  function norm(text) { return String(text || "").toLowerCase().replace(/[\s\-_/.,;:'"()\[\]]+/g, ""); }
  function names(i) { return [N.label[i], N.key[i], N.curie[i]].concat(N.synonyms[i]).map(norm); }
  var search = document.getElementById("exokg-search");
  search.placeholder = "Find one of " + fmt(data.counts[0]) + " entities…";
  function runSearch() {
    var q = norm(search.value);
    if (!q) return Promise.resolve();
    return load().then(function () {
      var exact = -1, partial = -1;
      for (var i = 0; i < N.id.length && exact < 0; i++) {
        var all = names(i);
        if (all.indexOf(q) >= 0) exact = i;
        else if (partial < 0 && all.some(function (name) { return name && name.indexOf(q) >= 0; })) partial = i;
      }
      var found = exact >= 0 ? exact : partial;
      if (found < 0) { statusBox.textContent = "no entity matches “" + search.value + "”"; return; }
      return reveal(found);
    });
  }
  search.addEventListener("keydown", function (event) { if (event.key === "Enter") runSearch(); });

  // ---- grouping and buttons
  var groupSelect = document.getElementById("exokg-group");
  Array.prototype.forEach.call(groupSelect.options, function (option) { option.disabled = !data.groupings[option.value]; });
  groupSelect.value = grouping;
  groupSelect.addEventListener("change", function () { setGrouping(groupSelect.value); });
  function setGrouping(mode) {
    if (!data.groupings[mode]) return Promise.resolve();
    return act(function () { grouping = mode; api.grouping = mode; opened = {}; groupSelect.value = mode; })
      .then(function () { network.fit(); });
  }
  document.getElementById("exokg-collapse").addEventListener("click", function () { act(function () { opened = {}; pinned = {}; }); });
  document.getElementById("exokg-fit").addEventListener("click", function () { network.fit({ animation: { duration: 300 } }); });
  document.getElementById("exokg-physics").addEventListener("click", function () {
    groupPlaces = {};
    if (N) draw(false);
    else { nodes.clear(); edges.clear(); drawInitial(); }
    network.fit();
  });

  api.grouping = grouping;
  api.openGroup = function (key) { var g = groupIndex(key); return g < 0 ? Promise.reject(new Error("no group " + key)) : openGroup(g); };
  api.showMore = function (key) { return showMore(groupIndex(key)); };
  api.closeGroup = function (key) { return closeGroup(groupIndex(key)); };
  api.search = function (text) { search.value = text; return runSearch(); };
  api.setGrouping = setGrouping;
  api.drawn = function () { return drawnCount; };
})();
