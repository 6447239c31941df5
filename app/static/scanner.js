// Sinergi check-in scanner: reads passes with the camera (jsQR), judges them at once against
// the event roster kept on the device (so the door keeps moving with no network), queues every
// scan in IndexedDB and sends the queue to the check-in API whenever the network is there.
// The server's answer is the official one; where it differs (revoked meanwhile, scanned on
// another device) the operator is told.
(function () {
  "use strict";

  var root = document.getElementById("scanner");
  if (!root) { return; }
  var data = root.dataset;
  var RESULTS = JSON.parse(data.results);
  var T = JSON.parse(data.texts);
  var slug = data.slug;
  var zone = data.zone;
  var $ = function (id) { return document.getElementById(id); };
  var scopeSelect = $("scan-scope");
  // {window: {...}, sessions: {id: {...}}, passes: {hash: {...}}, revoked: [...], checked_in: {scope: [ids]}}
  var roster = null;
  var revoked = new Set();
  var revokedOf = {}; // hash of a replaced pass -> registration id (whose it was)
  var checked = {}; // scope -> Set of registration ids (server's list plus this device's)
  var byId = {};
  var device = localStorage.getItem("sinergi-device");
  if (!device) {
    device = "dev-" + crypto.getRandomValues(new Uint32Array(2)).join("-");
    localStorage.setItem("sinergi-device", device);
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }

  // --- IndexedDB: the queue of scans and the roster survive a reload and a lost network ---
  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("sinergi-scanner", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("queue", { keyPath: "nonce" });
      request.result.createObjectStore("roster");
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
  function store(name, mode, fn) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result = fn(tx.objectStore(name));
        tx.oncomplete = function () { resolve(result && result.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function queued() { return store("queue", "readonly", function (s) { return s.getAll(); }); }

  // --- time and scope ---
  var dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
  var timeFormat = new Intl.DateTimeFormat("id-ID", { timeZone: zone, hour: "2-digit", minute: "2-digit" });
  function clock(iso) { return timeFormat.format(new Date(iso)).replace(":", "."); }
  function sessionId() { return scopeSelect.value ? parseInt(scopeSelect.value, 10) : null; }
  // When a scan counts, as the server judges it (attendance/checkins.py, Place): the door from
  // the eve to the end of the last day, a session around its start and end; none once closed.
  function windowOf(sid) {
    if (!roster || !roster.window) { return null; }
    return sid ? (roster.sessions || {})[sid] || null : roster.window;
  }
  function outside(sid, whenIso) {
    var w = windowOf(sid), t = Date.parse(whenIso);
    return !!w && (w.closed || t < Date.parse(w.opens_at) || t >= Date.parse(w.closes_at));
  }
  function scopeKey(sid, whenIso) {
    if (sid) { return "s" + sid; }
    var day = dayFormat.format(new Date(whenIso || Date.now()));
    var w = windowOf(null);
    return "d" + (w && day < w.first_day ? w.first_day : day); // the eve counts on the first day
  }
  function sessionTrack() {
    var option = scopeSelect.selectedOptions[0];
    return (option && option.dataset.track) || "";
  }

  // --- roster ---
  function useRoster(value) {
    roster = value;
    revoked = new Set(value.revoked);
    revokedOf = value.revoked_of || {};
    byId = {};
    Object.keys(value.passes).forEach(function (hash) {
      var entry = value.passes[hash];
      entry.hash = hash;
      byId[entry.id] = entry;
    });
    checked = {};
    Object.keys(value.checked_in).forEach(function (scope) {
      checked[scope] = new Set(value.checked_in[scope]);
    });
    $("scan-roster").textContent = fill(T.roster_at, { time: clock(value.generated_at) });
    return queued().then(function (items) {
      items.forEach(function (item) { if (item.local === "ok") { mark(item.scope, item.registration_id_seen); } });
      counter();
    });
  }
  function mark(scope, id) {
    if (!checked[scope]) { checked[scope] = new Set(); }
    checked[scope].add(id);
  }
  function loadRoster() {
    return fetch(data.rosterUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (value) {
        store("roster", "readwrite", function (s) { return s.put(value, slug); });
        return useRoster(value);
      })
      .catch(function () {
        return store("roster", "readonly", function (s) { return s.get(slug); }).then(function (value) {
          if (value) { return useRoster(value); }
          $("scan-roster").textContent = T.no_roster;
        });
      });
  }

  function expectedIn(entry, track) {
    return (entry.status === "invited" || entry.status === "confirmed") && (!track || entry.group === track);
  }
  function counter() {
    if (!roster) { return; }
    var track = sessionTrack();
    var scope = scopeKey(sessionId());
    var expected = 0, present = 0, seen = checked[scope] || new Set();
    Object.keys(byId).forEach(function (id) {
      var entry = byId[id];
      if (expectedIn(entry, track)) { expected += 1; }
    });
    seen.forEach(function () { present += 1; });
    $("scan-counter").textContent = fill(T.counter, { present: present, expected: expected });
    var notice = $("scan-window"), now = new Date().toISOString();
    notice.hidden = !outside(sessionId(), now);
    notice.textContent = notice.hidden ? "" : windowOf(sessionId()).message;
  }

  // --- judging a scan on the device ---
  function sha256(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.from(new Uint8Array(buffer)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    });
  }
  function judge(entry, hash, scope, track, out) {
    if (!entry) { return revoked.has(hash) ? "revoked" : "unknown"; }
    if (entry.status === "cancelled") { return "revoked"; }
    if (track && entry.group !== track) { return "not_in_session"; }
    if (out) { return "outside_event"; }
    if (checked[scope] && checked[scope].has(entry.id)) { return "duplicate"; }
    return "ok";
  }

  var firstSeen = {}; // scope:id -> ISO time of this device's first ok (for "Sudah tercatat 08.12")
  function record(scan) {
    var when = new Date().toISOString();
    var sid = sessionId();
    var scope = scopeKey(sid, when);
    var track = sessionTrack();
    var found = scan.code ? sha256(scan.code).then(function (hash) {
      return { entry: roster && roster.passes[hash], hash: hash };
    }) : Promise.resolve({ entry: byId[scan.registration_id], hash: "" });
    return found.then(function (hit) {
      var result = roster ? judge(hit.entry, hit.hash, scope, track, outside(sid, when)) : "pending";
      var key = scope + ":" + (hit.entry ? hit.entry.id : "");
      // A replaced pass: whose it was, so the operator can help (the pass holds only its token).
      var shown = hit.entry || (result === "revoked" && byId[revokedOf[hit.hash]]) || null;
      if (result === "ok") { mark(scope, hit.entry.id); firstSeen[key] = when; }
      var item = {
        nonce: crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(),
        // What the API takes (CODE_LENGTH in attendance/api.py): no control characters, 200 at
        // most; whatever else a camera read is no pass, and must not hold up the queue.
        code: (scan.code || "").replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200),
        registration_id: scan.registration_id || null,
        session_id: sid,
        scanned_at: when,
        scope: scope,
        local: result
      };
      if (hit.entry) { item.registration_id_seen = hit.entry.id; }
      if (shown) { item.shown_id = shown.id; }
      show(result, shown, firstSeen[key], sid, item.nonce);
      logLine(item, result, shown);
      counter();
      return store("queue", "readwrite", function (s) { return s.put(item); }).then(send);
    });
  }

  // --- the big result ---
  var hideTimer = null;
  var audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (ok ? 0.12 : 0.35));
    } catch (_e) { /* no sound on this device */ }
    if (navigator.vibrate) { navigator.vibrate(ok ? 80 : [120, 80, 120]); }
  }
  function describe(entry) {
    if (!entry) { return ""; }
    var office = entry.opd ? entry.opd.name : entry.institution;
    // "Kepala Dinas Pemuda dan Olahraga" says the office already: not twice.
    if (office && entry.position && entry.position.toLowerCase().indexOf(office.toLowerCase()) >= 0) { office = ""; }
    var parts = [entry.position, office, entry.group ? T.group + ": " + entry.group : ""];
    if (entry.delegate_of) { parts.push(fill(T.on_behalf, { name: entry.delegate_of })); }
    return parts.filter(Boolean).join(" · ");
  }
  var shownNonce = null; // the scan the big result is about
  function show(result, entry, firstIso, sid, nonce) {
    var box = $("scan-result");
    shownNonce = nonce || null;
    // "pending": the device has no roster yet (the first scans after opening the page on a
    // slow network); a neutral screen until the server's answer replaces it (settle).
    var look = result === "ok" || result === "duplicate" || result === "pending" ? result : "refused";
    box.className = "scan-result scan-" + look;
    var title = result === "duplicate" && firstIso ? fill(T.already, { time: clock(firstIso) }) : (RESULTS[result] || result);
    var w = result === "outside_event" ? windowOf(sid) : null;
    $("scan-result-title").textContent = title;
    $("scan-result-name").textContent = entry ? entry.name : "";
    // Outside the event: when it is on ("Acara ini berlangsung 27–29 Desember 2026").
    $("scan-result-detail").textContent = w ? w.message : describe(entry);
    box.hidden = false;
    clearTimeout(hideTimer);
    if (result === "pending") { return; } // stays up, silent, until the answer comes
    beep(result === "ok");
    hideTimer = setTimeout(function () { box.hidden = true; }, result === "ok" ? 1500 : 2500);
  }
  $("scan-result").addEventListener("click", function () { this.hidden = true; });

  var lines = {};
  function logName(item, result, entry) {
    return (entry ? entry.name : (item.code || "").slice(0, 16)) + " · " + (RESULTS[result] || result);
  }
  function logLine(item, result, entry) {
    var li = document.createElement("li");
    li.className = "list-group-item d-flex justify-content-between gap-2";
    li.dataset.nonce = item.nonce;
    li.dataset.result = result;
    var name = document.createElement("span");
    name.className = "scan-log-name";
    name.textContent = logName(item, result, entry);
    li.dataset.named = entry ? "1" : "";
    var status = document.createElement("span");
    status.className = "text-secondary scan-log-status";
    status.textContent = clock(item.scanned_at);
    li.append(name, status);
    $("scan-log").prepend(li);
    lines[item.nonce] = li;
    while ($("scan-log").children.length > 30) { $("scan-log").lastChild.remove(); }
  }

  // --- sending the queue ---
  var sending = false;
  function pendingLabel(n) {
    $("scan-pending").textContent = n ? fill(T.pending, { n: n }) : T.synced;
    root.dataset.pending = String(n);
  }
  function send() {
    if (sending) { return Promise.resolve(); }
    return queued().then(function (items) {
      pendingLabel(items.length);
      if (!items.length || !navigator.onLine) { return; }
      sending = true;
      var batch = items.slice(0, 100);
      return fetch(data.checkinsUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf, "X-Sinergi-Device": device },
        body: JSON.stringify({ scans: batch.map(function (item) {
          var scan = { code: item.code, nonce: item.nonce, session_id: item.session_id, scanned_at: item.scanned_at };
          if (!item.code && item.registration_id) { scan.registration_id = item.registration_id; }
          return scan;
        }) })
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (body) {
        return store("queue", "readwrite", function (s) {
          body.results.forEach(function (answer, index) {
            var item = batch[index];
            settle(item, answer);
            s.delete(item.nonce);
          });
        });
      }).catch(function () { /* stays queued; retried */ })
        .then(function () { sending = false; return queued(); })
        .then(function (left) {
          pendingLabel(left.length);
          if (left.length && navigator.onLine && left.length < items.length) { return send(); }
        });
    });
  }
  function settle(item, answer) {
    if (answer.result === "ok" && answer.registration) { mark(item.scope, answer.registration.id); }
    if (answer.result !== "ok" && item.local === "ok" && item.registration_id_seen && checked[item.scope]) {
      checked[item.scope].delete(item.registration_id_seen);
      if (answer.result === "duplicate") { checked[item.scope].add(item.registration_id_seen); }
    }
    var li = lines[item.nonce];
    if (li && answer.registration && !li.dataset.named) {
      // The device did not know the pass; the server says whose it is (or was).
      li.dataset.named = "1";
      li.querySelector(".scan-log-name").textContent = logName(item, item.local, answer.registration);
      if (shownNonce === item.nonce && !$("scan-result").hidden) {
        $("scan-result-name").textContent = answer.registration.name;
        $("scan-result-detail").textContent = describe(answer.registration);
      }
    }
    if (li) {
      li.dataset.server = answer.result;
      if (Date.now() - Date.parse(item.scanned_at) > 120000) {
        li.querySelector(".scan-log-status").textContent += " · " + T.late_upload;
      }
    }
    if (item.local === "pending") {
      // Judged by the server only: its answer is the verdict, on the log line and, unless
      // the operator has scanned someone else since, on the big screen.
      if (li) {
        li.dataset.result = answer.result;
        li.querySelector(".scan-log-name").textContent = logName(item, answer.result, answer.registration);
      }
      if (shownNonce === item.nonce) {
        show(answer.result, answer.registration, answer.first_checked_at, item.session_id, item.nonce);
      }
    } else if (answer.result !== item.local) {
      var label = answer.result === "duplicate" && answer.first_checked_at
        ? fill(T.already, { time: clock(answer.first_checked_at) })
        : (RESULTS[answer.result] || answer.result);
      if (li) {
        li.classList.add("list-group-item-warning");
        li.querySelector(".scan-log-status").textContent = fill(T.server_differs, { result: label });
      }
      if (answer.result === "outside_event") {
        // The device's copy of the rule was old (the event closed, its dates moved): fetch
        // it again, then say why with the server's words.
        loadRoster().then(function () {
          show(answer.result, answer.registration, null, item.session_id);
          counter();
        });
      } else if (answer.result !== "duplicate" || item.local === "ok") {
        show(answer.result, answer.registration, answer.first_checked_at, item.session_id, item.nonce);
      }
    }
    counter();
  }

  // --- network state ---
  function network() {
    var online = navigator.onLine;
    var badge = $("scan-network");
    badge.textContent = online ? T.online : T.offline;
    badge.className = "badge " + (online ? "text-bg-success" : "text-bg-secondary");
    if (online) { send(); }
  }
  window.addEventListener("online", function () { network(); loadRoster(); });
  window.addEventListener("offline", network);
  setInterval(function () { if (navigator.onLine) { send(); } }, 5000);
  setInterval(function () { if (navigator.onLine) { loadRoster(); } }, 60000);

  // --- camera: a pass held up counts once; the same code is ignored while it stays in front
  // of the camera and for QUIET ms after it was last seen (no green, then amber, every few
  // seconds filling the log) ---
  var QUIET = 10000;
  var lastSeen = {}; // code -> when the camera last read it
  function startCamera() {
    window.sinergiQrCamera($("scan-video"), function (code) {
      var now = Date.now(), before = lastSeen[code];
      Object.keys(lastSeen).forEach(function (seen) {
        if (now - lastSeen[seen] > QUIET) { delete lastSeen[seen]; }
      });
      lastSeen[code] = now;
      if (before === undefined || now - before > QUIET) { record({ code: code }); }
    }, function () {
      var box = $("scan-camera-error");
      box.textContent = T.camera_error;
      box.hidden = false;
    });
  }

  // --- manual search (no pass with them): from the roster, so it works offline too ---
  var search = $("scan-search"), matches = $("scan-matches");
  search.addEventListener("input", function () {
    matches.replaceChildren();
    var needle = search.value.trim().toLowerCase().replace(/\s+/g, "");
    if (needle.length < 2 || !roster) { return; }
    var hits = Object.keys(byId).map(function (id) { return byId[id]; }).filter(function (entry) {
      return entry.name.toLowerCase().replace(/\s+/g, "").indexOf(needle) >= 0 || (entry.nip || "").indexOf(needle) >= 0;
    }).slice(0, 8);
    hits.forEach(function (entry) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
      var label = document.createElement("span");
      label.textContent = entry.name + (entry.opd ? " · " + entry.opd.code : "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-primary";
      button.textContent = T.check_in;
      button.addEventListener("click", function () {
        record({ registration_id: entry.id });
        search.value = "";
        matches.replaceChildren();
      });
      li.append(label, button);
      matches.append(li);
    });
  });

  scopeSelect.addEventListener("change", counter);
  setInterval(counter, 30000); // the day turns, a session's window opens or closes

  // Logging out clears this device's copy of the roster (the server says Clear-Site-Data);
  // scans not yet sent would go with it, so ask first.
  document.querySelectorAll("form[action$='/logout']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var pending = parseInt(root.dataset.pending || "0", 10);
      if (pending && !window.confirm(fill(T.logout_pending, { n: pending }))) { event.preventDefault(); }
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.workerUrl, { scope: data.scopeUrl }).catch(function () {});
  }
  // Scans still waiting (kept through a reload with no network) head the log again.
  function logWaiting() {
    return queued().then(function (items) {
      items.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
      items.forEach(function (item) {
        if (!lines[item.nonce]) { logLine(item, item.local, byId[item.shown_id] || null); }
      });
    });
  }

  network();
  loadRoster().then(logWaiting).then(send);
  startCamera();
})();
