/* DOM helpers shared by ExoKG's two page scripts (viz.js, aggregate.js), inlined before either.
   Every text is set with textContent; links only get http(s) addresses. */
var exokgDom = (function () {
  "use strict";
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
  return { el: el, link: link, row: row };
})();
