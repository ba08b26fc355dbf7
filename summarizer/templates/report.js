/* Report interactions: items <-> evidence spans, sortable and filterable tables, the selection bar.
   Elements with data-key are items (table rows, events, network nodes); data-also adds keys they stand for.
   Elements with data-items point at items (evidence marks, chips, network edges, timeline entries). */
(function () {
  "use strict";

  var labels = {};
  try {
    labels = JSON.parse(document.getElementById("report-data").textContent);
  } catch (err) {
    labels = {};
  }
  var bar = document.getElementById("selection");
  var selected = [];
  var marks = [];
  var cursor = -1;
  var hovered = null;

  function words(el, attr) {
    return (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
  }

  function keysOf(el) {
    if (el.hasAttribute("data-key")) {
      return [el.getAttribute("data-key")].concat(words(el, "data-also"));
    }
    return words(el, "data-items");
  }

  function clearSelection() {
    document.querySelectorAll(".active, .current").forEach(function (el) {
      el.classList.remove("active", "current");
    });
    selected = [];
    marks = [];
    cursor = -1;
    bar.hidden = true;
  }

  function activate(keys) {
    clearSelection();
    var set = new Set(keys);
    document.querySelectorAll("[data-key]").forEach(function (el) {
      if (set.has(el.getAttribute("data-key"))) el.classList.add("active");
    });
    document.querySelectorAll("[data-items]").forEach(function (el) {
      if (words(el, "data-items").some(function (k) { return set.has(k); })) el.classList.add("active");
    });
    document.querySelectorAll("[data-ends]").forEach(function (el) {
      var ends = words(el, "data-ends");
      if (ends.indexOf(keys[0]) >= 0) el.classList.add("active");
      if (el.classList.contains("active")) {
        ends.forEach(function (k) {
          document.querySelectorAll("[data-key='" + k + "']").forEach(function (n) { n.classList.add("active"); });
        });
      }
    });
    selected = keys;
    marks = Array.prototype.filter.call(document.querySelectorAll("mark.ev.active[data-starts]"), function (m) {
      return words(m, "data-starts").some(function (k) { return set.has(k); });
    });
    showBar();
  }

  function showBar() {
    var first = labels[selected[0]];
    var text = first ? first.label : selected[0];
    if (first && first.article && document.querySelectorAll("details.article").length > 1) text += " — " + first.article;
    bar.querySelector(".sel-label").textContent = text || "";
    bar.querySelector(".sel-count").textContent = marks.length
      ? marks.length + " evidence span" + (marks.length === 1 ? "" : "s")
      : "no span in the text";
    bar.querySelector(".sel-prev").disabled = marks.length < 2;
    bar.querySelector(".sel-next").disabled = marks.length === 0;
    bar.hidden = false;
  }

  function openAncestors(el) {
    for (var d = el.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
  }

  function reveal(el, block) {
    openAncestors(el);
    el.scrollIntoView({ block: block || "center", inline: "nearest", behavior: "smooth" });
  }

  function goTo(index) {
    if (!marks.length) return;
    cursor = (index + marks.length) % marks.length;
    document.querySelectorAll("mark.current").forEach(function (m) { m.classList.remove("current"); });
    marks[cursor].classList.add("current");
    reveal(marks[cursor], "center");
  }

  function spanBefore(el) {
    var index = -1;
    marks.forEach(function (m, i) {
      if (m === el || m.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) index = i;
    });
    return index;
  }

  function sameKeys(a, b) {
    return a.length === b.length && a.every(function (k, i) { return k === b[i]; });
  }

  function select(el) {
    var keys = keysOf(el);
    if (!keys.length) return;
    if (sameKeys(keys, selected) && el.classList.contains("active")) {
      clearSelection();
      return;
    }
    activate(keys);
    var article = el.closest(".article");
    if (!article) return;
    if (el.matches("mark.ev")) {
      cursor = spanBefore(el);
      var row = article.querySelector(".items-col .item.active");
      if (row) reveal(row, "nearest");
    } else if (el.hasAttribute("data-key")) {
      var first = article.querySelector("mark.ev.active");
      if (first) goTo(marks.indexOf(first));
    }
  }

  /* sorting */
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function compare(x, y) {
    if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
    var numeric = /^-?\d+(\.\d+)?$/;
    if (numeric.test(x) && numeric.test(y)) return parseFloat(x) - parseFloat(y);
    return x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(th) {
    var table = th.closest("table");
    var body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var c = compare(x, y);
      if (x === "" || y === "") return c;
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  /* filtering */
  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    var query = input.value.trim().toLowerCase();
    var shown = 0, rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (row) {
      var hit = !query || row.textContent.toLowerCase().indexOf(query) >= 0;
      row.hidden = !hit;
      if (hit) shown += 1;
    });
    var count = input.nextElementSibling;
    if (!count || !count.classList.contains("filter-count")) {
      count = document.createElement("span");
      count.className = "filter-count";
      input.insertAdjacentElement("afterend", count);
    }
    count.textContent = query ? shown + " of " + rows.length : "";
  }

  /* hover: light both ways within one article */
  function unhover() {
    document.querySelectorAll(".hover").forEach(function (el) { el.classList.remove("hover"); });
    hovered = null;
  }

  function hover(el) {
    var article = el.closest(".article");
    if (!article) return;
    hovered = el;
    var set = new Set(keysOf(el));
    var targets = el.matches("mark.ev") ? article.querySelectorAll(".items-col .item") : article.querySelectorAll("mark.ev");
    Array.prototype.forEach.call(targets, function (t) {
      if (keysOf(t).some(function (k) { return set.has(k); })) t.classList.add("hover");
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var th = target.closest("table.sortable th");
    if (th) {
      sortBy(th);
      return;
    }
    var link = target.closest("a[href^='#']");
    if (link) {
      var dest = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (dest) openAncestors(dest.tagName === "DETAILS" ? dest.firstElementChild : dest);
      if (dest && dest.tagName === "DETAILS") dest.open = true;
      return;
    }
    if (target.closest("a[href], input, button, summary")) return;
    var el = target.closest("[data-key], [data-items]");
    if (el) select(el);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      clearSelection();
      return;
    }
    if ((event.key === "Enter" || event.key === " ") && event.target.matches("[data-key], [data-items]")) {
      event.preventDefault();
      select(event.target);
    }
  });

  document.addEventListener("mouseover", function (event) {
    var el = event.target.closest("mark.ev, .items-col .item");
    if (el === hovered) return;
    unhover();
    if (el) hover(el);
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches("input.filter")) filter(event.target);
  });

  bar.querySelector(".sel-next").addEventListener("click", function () { goTo(cursor + 1); });
  bar.querySelector(".sel-prev").addEventListener("click", function () { goTo(cursor - 1); });
  bar.querySelector(".sel-clear").addEventListener("click", clearSelection);

  document.documentElement.setAttribute("data-ready", "1");
})();
