// Sinergi's page behaviour, in one static file: the Content-Security-Policy allows no inline
// script, style or on* attribute, so templates say what they need with data-* attributes.
(function () {
  "use strict";

  function each(selector, fn) {
    document.querySelectorAll(selector).forEach(fn);
  }

  // Stylesheets kept off the first paint (the icons and their font) apply once the page is loaded.
  window.addEventListener("load", function () {
    each("link[data-lazy-style]", function (link) { link.media = "all"; });
  });

  // Agenda builder grid: placement comes from the server as data, applied through the CSSOM.
  each("[data-columns]", function (grid) {
    grid.style.setProperty("--agenda-columns", grid.dataset.columns);
  });
  each("[data-grid-column]", function (el) { el.style.gridColumn = el.dataset.gridColumn; });
  each("[data-grid-row]", function (el) { el.style.gridRow = el.dataset.gridRow; });
  // Progress bars: their width is data (the CSP allows no style attribute).
  each("[data-width]", function (el) { el.style.width = el.dataset.width + "%"; });

  // Agenda builder: drag a session to another room or time. The drop point picks the room
  // (column heads) and the 15-minute row (time slots); the move form posts it, so the server
  // checks and reports conflicts as for any move.
  var builder = document.getElementById("builder");
  var moveForm = document.getElementById("move-form");
  if (builder && moveForm) {
    var dragged = null;
    var under = function (selector, test) {
      var found = null;
      builder.querySelectorAll(selector).forEach(function (el) {
        if (test(el.getBoundingClientRect())) { found = el; }
      });
      return found;
    };
    builder.addEventListener("dragstart", function (event) {
      dragged = event.target.closest && event.target.closest("[data-move-url]");
      if (!dragged) { return; }
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.id);
      dragged.classList.add("dragging");
    });
    builder.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
    });
    builder.addEventListener("dragover", function (event) {
      if (dragged) { event.preventDefault(); }
    });
    builder.addEventListener("drop", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var x = event.clientX, y = event.clientY;
      var head = under(".colhead[data-room]", function (r) { return x >= r.left && x < r.right; });
      var slot = under(".slot[data-time]", function (r) { return y >= r.top && y < r.bottom; });
      if (!head || !slot) { return; }
      moveForm.action = dragged.dataset.moveUrl;
      moveForm.elements.start_time.value = slot.dataset.time;
      moveForm.elements.room_id.value = head.dataset.room;
      moveForm.submit();
    });
  }

  // Top-bar menus are <details> (they open by click, Enter or Space without JavaScript); with it,
  // one is open at a time and a click elsewhere or Escape closes it.
  var menus = document.querySelectorAll("[data-nav-dropdown]");
  var closeMenus = function (except) {
    menus.forEach(function (menu) { if (menu !== except) { menu.open = false; } });
  };
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open) { closeMenus(menu); } });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-nav-dropdown]")) { closeMenus(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("[data-nav-dropdown][open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });

  // A type-ahead that takes several OPDs (the lead OPD field's list, data-opd-several): each
  // one picked becomes a chip with a remove button; the form still posts the text field the
  // server reads without JavaScript ("CODE — name; CODE — name").
  each("input[data-opd-several]", function (field) {
    var list = document.getElementById(field.getAttribute("list"));
    if (!list) { return; }
    var options = Array.prototype.map.call(list.options, function (o) { return o.value; });
    var find = function (text) {
      var wanted = text.trim().toLowerCase();
      if (!wanted) { return null; }
      return options.filter(function (value) {
        var code = value.split(" — ")[0].toLowerCase(), name = value.slice(code.length + 3).toLowerCase();
        return value.toLowerCase() === wanted || code === wanted || name === wanted;
      })[0] || null;
    };
    var chosen = [], extra = [];
    field.value.split(/[;\n]/).forEach(function (part) {
      if (!part.trim()) { return; }
      var hit = find(part);
      if (hit) { if (chosen.indexOf(hit) < 0) { chosen.push(hit); } } else { extra.push(part.trim()); }
    });
    var chips = document.createElement("ul");
    chips.className = "list-unstyled d-flex flex-wrap gap-1 mb-1 opd-chips";
    var entry = document.createElement("input");
    entry.type = "text";
    entry.className = field.className;
    entry.setAttribute("list", list.id);
    entry.autocomplete = "off";
    if (field.getAttribute("aria-describedby")) { entry.setAttribute("aria-describedby", field.getAttribute("aria-describedby")); }
    entry.value = extra.join("; "); // what the server did not know stays in view, to correct
    entry.id = field.id;            // the label now names the box one types in
    field.id = field.id + "-value";
    field.type = "hidden";
    field.removeAttribute("list");
    field.after(chips, entry);
    var sync = function () {
      var rest = entry.value.trim();
      field.value = chosen.concat(rest ? [rest] : []).join("; ");
    };
    var draw = function () {
      chips.replaceChildren();
      chosen.forEach(function (value) {
        var chip = document.createElement("li");
        chip.className = "badge text-bg-light border d-inline-flex align-items-center gap-1 fw-normal";
        var text = document.createElement("span");
        text.textContent = value;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-close btn-close-sm";
        remove.setAttribute("aria-label", field.dataset.removeLabel.replace("{opd}", value.split(" — ")[0]));
        remove.addEventListener("click", function () {
          chosen.splice(chosen.indexOf(value), 1);
          draw();
          entry.focus();
        });
        chip.append(text, remove);
        chips.append(chip);
      });
      sync();
    };
    var take = function () {
      var hit = find(entry.value);
      if (!hit) { sync(); return false; }
      if (chosen.indexOf(hit) < 0) { chosen.push(hit); }
      entry.value = "";
      draw();
      return true;
    };
    entry.addEventListener("change", take);
    entry.addEventListener("input", function () {
      if (options.indexOf(entry.value) >= 0) { take(); } else { sync(); }
    });
    entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && entry.value.trim()) { event.preventDefault(); take(); }
    });
    draw();
  });

  // A page the server may have used up since (an import's preview, once saved): Back shows
  // what the server says now, not the copy in the browser's back/forward cache with its
  // "Simpan" button still offered.
  if (document.querySelector("[data-fresh-on-back]")) {
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { window.location.reload(); }
    });
  }

  // A destructive action asks first (the CSP forbids onsubmit="confirm(…)").
  each("form[data-confirm]", function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // A read-only link box selects itself on click (to copy it on a phone).
  each("[data-select-on-click]", function (input) {
    input.addEventListener("click", function () { input.select(); });
  });

  // A filter select that applies at once (the form keeps a submit button for no-JS).
  each("[data-submit-on-change]", function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Print button (hidden without JavaScript, where the browser's own print remains).
  each("[data-print]", function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Copy buttons for WhatsApp texts; without JavaScript the text box stays to copy by hand.
  each("[data-copy]", function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var box = document.getElementById(button.dataset.copy);
      var label = button.querySelector("span");
      var done = function () { label.textContent = button.dataset.copied; };
      var fallback = function () {
        box.focus();
        box.select();
        try { if (document.execCommand("copy")) { done(); return; } } catch (e) { /* manual */ }
        label.textContent = button.dataset.failed;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });

  // Personal page: the delegate's fields only matter for "Diwakilkan" (visible without JS).
  var delegate = document.getElementById("delegate-fields");
  if (delegate) {
    var sync = function () {
      var chosen = document.querySelector('input[name="answer"]:checked');
      delegate.hidden = !(chosen && chosen.value === "delegated") && !delegate.querySelector(".is-invalid");
    };
    each('input[name="answer"]', function (radio) { radio.addEventListener("change", sync); });
    sync();
  }

  // Personal page: the offline pass (service worker named by the page's manifest link).
  var manifest = document.querySelector("link[data-service-worker]");
  if (manifest && "serviceWorker" in navigator) {
    navigator.serviceWorker
      .register(manifest.dataset.serviceWorker, { scope: manifest.dataset.scope })
      .catch(function () { /* the page works without it */ });
  }
})();
