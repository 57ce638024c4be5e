// Behaviour of the pages, kept out of the HTML so that the Content-Security-Policy allows no
// inline script. Every page works without it; it only adds comfort.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // A <select data-autosubmit> sends its form as soon as it changes (the form keeps a <noscript>
  // button for browsers without JavaScript).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  // A <button data-confirm="…"> (or a form with data-confirm) asks before an action that cannot
  // be undone; the page also shows the consequence in words next to the button.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // "Select all" buttons: <button type="button" data-check-all="name"> ticks every checkbox of that name.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-check-all]");
    if (!button) { return; }
    var scope = button.form || document;
    scope.querySelectorAll('input[type=checkbox][name="' + button.getAttribute("data-check-all") + '"]').forEach(function (box) {
      box.checked = true;
    });
  });

  // Under 800 px the navigation folds behind a menu button (aria-expanded, Escape closes it).
  function setUpMenu() {
    var toggle = document.querySelector(".menu-toggle");
    var bar = document.querySelector(".topbar");
    if (!toggle || !bar) { return; }
    toggle.hidden = false;
    function setOpen(open) {
      bar.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // The navigation entry of the current page, for the eye and for screen readers.
  function markCurrentLink() {
    var links = document.querySelectorAll(".mainnav a");
    var path = window.location.pathname;
    var best = null;
    links.forEach(function (link) {
      var href = link.getAttribute("href");
      if (href && path.indexOf(href) === 0 && (!best || href.length > best.getAttribute("href").length)) {
        best = link;
      }
    });
    if (best) { best.setAttribute("aria-current", "page"); }
  }

  // A table wider than its page scrolls inside itself, never the page.
  function wrapTables(root) {
    root.querySelectorAll("table.table").forEach(function (table) {
      var parent = table.parentElement;
      if (!parent || parent.classList.contains("table-scroll")) { return; }
      var wrapper = document.createElement("div");
      wrapper.className = "table-scroll";
      parent.insertBefore(wrapper, table);
      wrapper.appendChild(table);
    });
  }

  // A region that scrolls sideways must be reachable with the keyboard (WCAG 2.1.1).
  function focusScrollers(root) {
    root.querySelectorAll(".chart-scroll, .table-scroll, .payslip table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("aria-label")) {
          var named = box.closest("figure, section");
          var heading = named && named.querySelector("h2, h3, caption");
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  // On a phone a table becomes one card per row: each cell is labelled with its column heading.
  function labelTables(root) {
    root.querySelectorAll("table.table:not(.no-stack):not(.is-stacked)").forEach(function (table) {
      var headings = [];
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) { return; }
      Array.prototype.forEach.call(head.cells, function (cell) {
        for (var i = 0; i < (cell.colSpan || 1); i++) { headings.push(cell.textContent.trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            var label = headings[column];
            if (label && !cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
              cell.setAttribute("data-label", label);
            }
            if (!cell.textContent.trim() && !cell.querySelector("svg, input, button, img")) {
              cell.setAttribute("data-empty", "");
            }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("is-stacked");
    });
  }

  // Vote receipts are kept on the voter's device only (the server must not tie a secret ballot
  // to its voter): a page that just gave receipts hands them over, "Mes votes" lists them.
  function receiptsKey(owner) { return "perspectives.receipts." + owner; }
  function receiptsRead(owner) {
    try { return JSON.parse(window.localStorage.getItem(receiptsKey(owner)) || "[]"); } catch (e) { return []; }
  }
  function keepReceipts() {
    var data = document.getElementById("receipts-to-keep");
    var owner = document.querySelector("[data-receipts-owner]");
    if (!data || !owner) { return; }
    var key = owner.getAttribute("data-receipts-owner");
    var kept = receiptsRead(key);
    var known = {};
    kept.forEach(function (r) { known[r.tracker] = true; });
    JSON.parse(data.textContent).forEach(function (r) { if (!known[r.tracker]) { kept.push(r); } });
    try { window.localStorage.setItem(receiptsKey(key), JSON.stringify(kept)); } catch (e) { /* private mode */ }
  }
  function listReceipts() {
    var section = document.querySelector("[data-receipts-list]");
    if (!section) { return; }
    var kept = receiptsRead(section.getAttribute("data-receipts-list"));
    if (!kept.length) { return; }
    var table = section.querySelector("table");
    var body = table.tBodies[0];
    kept.slice().reverse().forEach(function (r) {
      var row = body.insertRow();
      [r.assembly, r.resolution, r.tracker, r.on].forEach(function (text, index) {
        var cell = row.insertCell();
        if (index === 2) {
          var code = document.createElement("code");
          code.textContent = text;
          cell.appendChild(code);
        } else {
          cell.textContent = text;
        }
      });
    });
    table.hidden = false;
    section.querySelector("[data-receipts-empty]").hidden = true;
  }

  function ready() {
    keepReceipts();
    listReceipts();
    document.querySelectorAll("[data-check-all][hidden]").forEach(function (button) { button.hidden = false; });
    setUpMenu();
    markCurrentLink();
    wrapTables(document);
    labelTables(document);
    focusScrollers(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  // Rows swapped in by htmx get their labels too.
  document.addEventListener("htmx:afterSwap", function (event) {
    wrapTables(event.target);
    labelTables(event.target);
    focusScrollers(event.target);
  });
  window.addEventListener("resize", function () { focusScrollers(document); });
})();
