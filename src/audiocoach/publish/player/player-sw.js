/* audiocoach player's service worker: the session plays with no network after a first load.

   The player page fills a cache with itself, its script and the session's pieces. Here:
   pages and scripts come from the network first (a re-published page replaces the old
   one) and from the cache when the network is gone; audio comes from the cache first, and
   a ranged request (how a browser asks for audio) is answered 206 from the cached file. */
'use strict';
self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  var audio = /\.(mp3|m4a|ogg|opus|wav)$/i.test(new URL(req.url).pathname);
  event.respondWith(audio ? fromCache(req) : fromNetwork(req));
});

function fromNetwork(req) {
  return fetch(req).catch(function () {
    return caches.match(req, {ignoreSearch: true}).then(function (hit) { return hit || Response.error(); });
  });
}

function fromCache(req) {
  return caches.match(req.url).then(function (hit) { return hit ? ranged(req, hit) : fetch(req); });
}

function ranged(req, res) {
  var range = /^bytes=(\d*)-(\d*)$/.exec((req.headers.get('range') || '').replace(/\s/g, ''));
  if (!range) return res;
  return res.arrayBuffer().then(function (buf) {
    var size = buf.byteLength;
    var first = range[1] ? +range[1] : Math.max(0, size - +range[2]);
    var last = range[1] && range[2] ? Math.min(+range[2], size - 1) : size - 1;
    if (first >= size) {
      return new Response(null, {status: 416, headers: {'Content-Range': 'bytes */' + size}});
    }
    return new Response(buf.slice(first, last + 1), {
      status: 206,
      headers: {
        'Content-Type': res.headers.get('Content-Type') || 'audio/mpeg',
        'Content-Range': 'bytes ' + first + '-' + last + '/' + size,
        'Content-Length': String(last - first + 1),
        'Accept-Ranges': 'bytes',
      },
    });
  });
}
