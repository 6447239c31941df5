// Sinergi personal pass: keeps this participant's page (and so the QR pass) available offline.
// Scope: this personal link only. The page is fetched from the network when there is one
// (and the copy refreshed); without a network the last copy is shown. A link that no longer
// exists (404/410) removes the copy and this worker, so a replaced link stops showing the pass.
const PAGE = {{ page_url|tojson }};
const ASSETS = {{ assets|tojson }};
const CACHE = "sinergi-pass:" + self.registration.scope;

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
    if (response.ok) {
      await cache.put(PAGE, response.clone());
    } else if (response.status === 404 || response.status === 410) {
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
  const copy = await cache.match(request, { ignoreSearch: true });
  return copy || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(page(request));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(asset(request));
  }
});
