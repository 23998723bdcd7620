// Load an `exokg export --format cytoscape` file with the real Cytoscape.js (headless) and print
// what it holds as one JSON line: node_modules comes from `npm ci --prefix tests/js`.
//
//   node tests/js/load_cyjs.mjs exokg.cyjs
//   {"nodes":546,"edges":956,"dangling":0,"relations":23,...}
//
// The file is loaded twice, the two ways Cytoscape.js takes a whole network: the constructor
// (`cytoscape({headless: true, elements, data})`) and `cy.json(document)` on an empty core.
// Cytoscape.js throws on an edge whose source or target is not a node; then the edges are added one
// by one to count them (`dangling`), and `error` holds the first message. Warnings Cytoscape.js
// prints are counted, not shown.
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";

const path = process.argv[2];
if (!path) {
  console.error("usage: node load_cyjs.mjs FILE.cyjs");
  process.exit(2);
}
const doc = JSON.parse(readFileSync(path, "utf8"));
const elements = doc.elements ?? {};
let warnings = 0;
console.warn = () => { warnings += 1; };

function summary(cy) {
  const edges = cy.edges();
  return {
    nodes: cy.nodes().length,
    edges: edges.length,
    relations: new Set(edges.map((e) => e.data("relation"))).size,
  };
}

let cy;
let error = null;
let dangling = 0;
try {
  cy = cytoscape({ headless: true, styleEnabled: false, elements, data: doc.data });
} catch (err) {
  error = err.message;
  cy = cytoscape({ headless: true, styleEnabled: false, elements: { nodes: elements.nodes ?? [] }, data: doc.data });
  for (const edge of elements.edges ?? []) {
    try {
      cy.add({ group: "edges", ...edge });
    } catch (edgeError) {
      if (/nonexistent|unspecified/.test(edgeError.message)) dangling += 1;
    }
  }
}
// Every edge Cytoscape.js kept must join two of its nodes.
dangling += cy.edges().filter((e) => !e.source().isNode() || !e.target().isNode()).length;

let viaJson = null;
try {
  const other = cytoscape({ headless: true, styleEnabled: false });
  other.json(doc);
  viaJson = summary(other);
} catch (err) {
  error = error ?? err.message;
}

const result = {
  ...summary(cy),
  dangling,
  data: cy.data(),
  cy_json: viaJson,
  warnings,
  error,
  cytoscape_version: cytoscape.version,
};
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(error === null ? 0 : 1);
