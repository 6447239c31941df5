// Sinergi offline worker: keeps one page and the assets it needs, so the page opens with no
// network (a participant's pass, an operator's scanner). The page is fetched from the network
// when there is one (and the copy refreshed); without a network the last copy is shown. Assets
// (versioned URLs) come from the cache. Nothing else is touched: API calls go to the network.
// {% if forget_when_gone %}A page that no longer exists (404/410) removes the copy and this
// worker, so a replaced personal link stops showing the pass.{% endif %}
const PAGE = {{ page_url|tojson }};
const ASSETS = {{ assets|tojson }};
const CACHE = {{ cache_prefix|tojson }} + ":" + self.registration.scope;
const FORGET_WHEN_GONE = {{ forget_when_gone|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([PAGE, ...ASSETS]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(PAGE, response.clone());
    } else if (FORGET_WHEN_GONE && (response.status === 404 || response.status === 410)) {
      await caches.delete(CACHE);
      self.registration.unregister();
    }
    return response;
  } catch (error) {
    const copy = await cache.match(PAGE);
    if (copy) return copy;
    throw error;
  }
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const copy = await cache.match(request);
  return copy || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(page(request));
  } else if (ASSETS.includes(url.pathname + url.search)) {
    event.respondWith(asset(request));
  }
});
