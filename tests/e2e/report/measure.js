// measure.js: appended (in a <script>) to a copy of a report by report.sh,
// so that headless Chromium measures the page as laid out and writes what
// it found into the DOM, which --dump-dom prints. The report itself has no
// script. One line per finding, in <pre id="sectag-test-results">.
(function () {
  var out = [];
  function box(e) {
    var b = e.getBoundingClientRect();
    return Math.round(b.width) + " " + Math.round(b.height);
  }
  var svgs = document.querySelectorAll("svg");
  out.push("svgs " + svgs.length);
  svgs.forEach(function (s, i) {
    // the drawn content too, not only the box: bars and lines have extent
    var g = s.getBBox ? s.getBBox() : {width: 0, height: 0};
    out.push("svg " + i + " " + (s.getAttribute("class") || "").replace(/ /g, ".") + " " +
             box(s) + " " + Math.round(g.width) + " " + Math.round(g.height));
  });
  document.querySelectorAll("rect.bar").forEach(function (r, i) {
    out.push("bar " + i + " " + r.getAttribute("class").replace(/ /g, ".") + " " + box(r));
  });
  document.querySelectorAll("table.kwic").forEach(function (t) {
    var visible = 0;
    Array.prototype.forEach.call(t.tBodies[0].rows, function (row) {
      if (row.getBoundingClientRect().height > 0) visible++;
    });
    out.push("kwic " + t.getAttribute("data-code") + " " + t.tBodies[0].rows.length + " " +
             visible);
  });
  out.push("marks " + document.querySelectorAll(".doctext mark").length);
  out.push("resources " + performance.getEntriesByType("resource").length);
  out.push("width " + document.documentElement.scrollWidth + " " + window.innerWidth);
  var pre = document.createElement("pre");
  pre.id = "sectag-test-results";
  pre.textContent = out.join("\n");
  document.body.appendChild(pre);
})();
