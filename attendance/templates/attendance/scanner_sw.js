// Sinergi scanner: keeps the scanner page and its assets so it opens and scans offline.
// The page is fetched from the network when there is one (and the copy refreshed); assets
// (versioned URLs) come from the cache. API calls are never cached: the page keeps the roster
// and the queue of scans in IndexedDB itself.
const PAGE = {{ page_url|tojson }};
const ASSETS = {{ assets|tojson }};
const CACHE = "sinergi-scanner:" + self.registration.scope;

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
