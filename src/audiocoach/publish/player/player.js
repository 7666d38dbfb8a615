/* audiocoach session player: plays a session's split pieces in order, with a rest that
   follows the lifter (+15 s, skip), restart set, next/previous exercise, the Media Session
   buttons, a screen wake lock and an offline copy. The session is the JSON in #session
   (written by `audiocoach publish`). No network assets.

   Clock: every time the player keeps (rest lengths, the wait before a countdown) is on the
   "session clock": performance.now() times the rate. The rate is 1, except with ?rate=N
   (a test and preview hook, documented in docs/phone.md): then the pieces play N times
   faster and the silences last 1/N as long, so the session clock still counts the
   session's own milliseconds. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('session').textContent);
  var P = data.pieces;
  var params = new URLSearchParams(location.search);
  var rate = Math.min(8, Math.max(1, parseFloat(params.get('rate')) || 1));
  var EXTRA_MS = 15000;
  var storeKey = 'audiocoach:' + data.key + ':' + data.version;
  var t0 = performance.now();
  var st = restore();            // what is remembered: position, added rest, the rests' log
  var idx = st.index;            // the piece being played (or waited after)
  var audio = null, spare = {};  // the playing element; preloaded ones by index
  var paused = true, finished = false;
  var wait = null;               // {until, left, then}: silence before the next piece
  var openRest = null;           // {rest, start}: the rest being taken, on the session clock
  var log = [];                  // [{what, i, at, offset}] for the tests and the curious
  var handlers = {};             // Media Session handlers, by action (readable by tests)
  var wake = {state: 'none', sentinel: null};
  var offline = 'no';
  var $ = function (id) { return document.getElementById(id); };

  function now() { return (performance.now() - t0) * rate; }
  function restore() {
    try {
      var s = JSON.parse(localStorage.getItem(storeKey));
      if (s && typeof s.index === 'number') return s;
    } catch (e) { /* a fresh start */ }
    return {index: 0, extra: {}, rests: []};
  }
  function save() {
    st.index = idx;
    try { localStorage.setItem(storeKey, JSON.stringify(st)); } catch (e) { /* private mode */ }
  }
  function isWork(p) { return p && (p.kind === 'set' || p.kind === 'hold' || p.kind === 'round'); }

  // ------------------------------------------------------------------ playing pieces
  function element(i) {
    if (spare[i]) return spare[i];
    var a = new Audio(P[i].src);
    a.preload = 'auto';
    a.defaultPlaybackRate = rate;
    a.playbackRate = rate;
    a.addEventListener('ended', function () { if (audio === a) ended(i); });
    a.addEventListener('playing', function () {
      if (audio === a) log.push({what: 'playing', i: i, at: now(), offset: a.currentTime});
    });
    spare[i] = a;
    return a;
  }
  function preload(i) {
    Object.keys(spare).forEach(function (k) {
      if (+k !== i && spare[k] !== audio) { spare[k].removeAttribute('src'); spare[k].load(); delete spare[k]; }
    });
    if (i < P.length) element(i).load();
  }
  function stopAll() {
    if (audio) audio.pause();
    if (wait) { clearTimeout(wait.timer); wait = null; }
  }
  function start(i, offset) {
    stopAll();
    if (i >= P.length) return finish();
    finished = false;
    var p = P[i];
    if (isWork(p) && openRest) closeRest();
    if (p.kind === 'rest' && offset === 0) openRest = {rest: i, start: now(), extra: 0, skipped: false};
    idx = i;
    audio = element(i);
    audio.playbackRate = rate;
    audio.currentTime = offset;
    log.push({what: 'start', i: i, at: now(), offset: audio.currentTime});
    if (!paused) play();
    preload(i + 1);
    metadata();
    save();
    render();
  }
  function play() {
    var r = audio.play();
    if (r && r.catch) r.catch(function (e) { log.push({what: 'play-failed', i: idx, at: now(), error: String(e)}); });
  }
  function ended(i) {
    log.push({what: 'ended', i: i, at: now()});
    var extra = P[i].kind === 'rest' ? (st.extra[i] || 0) : 0;
    if (extra > 0) silence(extra, function () { start(i + 1, 0); });
    else start(i + 1, 0);
  }
  function silence(ms, then) {
    wait = {until: now() + ms, left: ms, then: then, timer: null};
    log.push({what: 'silence', i: idx, at: now(), ms: ms});
    if (!paused) arm();
    render();
  }
  function arm() {
    clearTimeout(wait.timer);
    wait.until = now() + wait.left;
    wait.timer = setTimeout(function () { var w = wait; wait = null; w.then(); }, wait.left / rate);
  }
  function closeRest() {
    var r = openRest;
    openRest = null;
    var cd = P[r.rest + 1] && P[r.rest + 1].kind === 'countdown' ? P[r.rest + 1].length_ms : 0;
    st.rests.push({rest: r.rest, title: P[r.rest].title, planned_ms: P[r.rest].length_ms + cd,
      real_ms: Math.round(now() - r.start), extra_ms: st.extra[r.rest] || 0, skipped: r.skipped});
  }
  function finish() {
    stopAll();
    finished = true;
    paused = true;
    idx = P.length - 1;
    log.push({what: 'finished', at: now()});
    releaseWake();
    save();
    summary();
    render();
  }

  // ------------------------------------------------------------------ the lifter's controls
  function restIndex() {
    // The rest that +15 s and skip act on: the one being taken, or (in a countdown) its open part.
    var p = P[idx];
    if (p.kind === 'rest') return idx;
    if (p.kind === 'countdown' && P[idx - 1] && P[idx - 1].kind === 'rest') return idx - 1;
    return -1;
  }
  var actions = {
    toggle: function () { (paused ? resume : pause)(); },
    play: function () { if (paused) resume(); },
    pause: function () { if (!paused) pause(); },
    addRest: function () {
      var r = restIndex();
      if (r < 0) {  // during a set: the coming rest
        for (r = idx + 1; r < P.length && P[r].kind !== 'rest'; r++);
        if (r >= P.length) return;
      }
      st.extra[r] = (st.extra[r] || 0) + EXTRA_MS;
      if (wait && idx === r) { wait.left = (paused ? wait.left : wait.until - now()) + EXTRA_MS; if (!paused) arm(); }
      else if (P[idx].kind === 'countdown' && r === idx - 1) {
        // The countdown plays in full: stop it, wait the 15 s, count down from its start.
        stopAll();
        idx = r;
        silence(EXTRA_MS, function () { start(r + 1, 0); });
      }
      log.push({what: 'extra', rest: r, at: now(), total: st.extra[r]});
      save();
      render();
    },
    skipRest: function () {
      var r = restIndex();
      if (r < 0 || (P[idx].kind === 'countdown')) return;
      if (openRest) openRest.skipped = true;
      log.push({what: 'skip', rest: r, at: now()});
      start(r + 1, 0);  // the countdown's first sample
    },
    restartSet: function () {
      var i = idx;
      if (!isWork(P[i])) { while (i >= 0 && !isWork(P[i])) i--; }
      if (i < 0) { i = idx; while (i < P.length && !isWork(P[i])) i++; }
      if (i >= P.length) return;
      openRest = null;
      log.push({what: 'restart', i: i, at: now()});
      start(i, (P[i].go_ms || 0) / 1000);  // the set's go tone
    },
    nextExercise: function () { jump(+1); },
    previousExercise: function () { jump(-1); },
  };
  function approach(j) {
    // A set is reached through the rest that announces it (its open part, then countdown).
    while (j > 0 && (P[j - 1].kind === 'rest' || P[j - 1].kind === 'countdown')) j--;
    return j;
  }
  function jump(dir) {
    var here = P[idx].item, j;
    if (dir > 0) {
      for (j = idx + 1; j < P.length && !(isWork(P[j]) && P[j].item !== here); j++);
      if (j >= P.length) return;
    } else {
      var first = P.findIndex(function (p) { return isWork(p) && p.item === here; });
      for (j = (first < 0 ? idx : first) - 1; j >= 0 && !isWork(P[j]); j--);
      if (j < 0) { start(0, 0); return; }
      var item = P[j].item;
      j = P.findIndex(function (p) { return isWork(p) && p.item === item; });
    }
    openRest = null;
    log.push({what: dir > 0 ? 'next' : 'previous', i: j, at: now()});
    start(approach(j), 0);
  }
  function pause() {
    paused = true;
    if (audio) audio.pause();
    if (wait) { clearTimeout(wait.timer); wait.left = Math.max(0, wait.until - now()); }
    releaseWake();
    render();
  }
  function resume() {
    if (finished) { st.rests = []; finished = false; $('summary').hidden = true; start(0, 0); }
    paused = false;
    if (wait) arm(); else if (audio) play(); else start(idx, 0);
    holdWake();
    render();
  }

  // ------------------------------------------------------------------ phone conventions
  function setHandler(action, fn) {
    handlers[action] = fn;
    if (!('mediaSession' in navigator)) return;
    try { navigator.mediaSession.setActionHandler(action, fn); } catch (e) { delete handlers[action]; }
  }
  function metadata() {
    if (!('mediaSession' in navigator) || typeof MediaMetadata === 'undefined') return;
    navigator.mediaSession.metadata = new MediaMetadata({title: P[idx].title, artist: data.title, album: data.program});
  }
  function holdWake() {
    if (!('wakeLock' in navigator)) { wake.state = 'unsupported'; return; }
    if (wake.sentinel) return;
    navigator.wakeLock.request('screen').then(function (s) {
      wake.sentinel = s; wake.state = 'held';
      s.addEventListener('release', function () { wake.sentinel = null; wake.state = 'released'; });
    }, function (e) { wake.state = 'failed: ' + e.name; });
  }
  function releaseWake() { if (wake.sentinel) wake.sentinel.release(); }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && !paused) holdWake();  // the lock drops when hidden
  });
  function saveOffline() {
    if (!('serviceWorker' in navigator) || !window.caches) { offline = 'unsupported'; return render(); }
    var name = 'audiocoach-' + data.key + '-' + data.version;
    var page = location.origin + location.pathname;
    var urls = [page].concat(data.assets, P.map(function (p) { return p.src; }));
    offline = 'saving';
    navigator.serviceWorker.register(data.worker).then(function () {
      return caches.keys();
    }).then(function (keys) {
      return Promise.all(keys.filter(function (k) {
        return k.indexOf('audiocoach-' + data.key + '-') === 0 && k !== name;
      }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return caches.open(name); }).then(function (c) { return c.addAll(urls); })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { offline = 'ready'; render(); }, function (e) { offline = 'failed: ' + e; render(); });
  }

  // ------------------------------------------------------------------ the screen
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ':' + ('0' + s % 60).slice(-2);
  }
  function leftInPiece() {
    if (wait) return 0;
    return audio ? Math.max(0, P[idx].length_ms - audio.currentTime * 1000) : P[idx].length_ms;
  }
  function leftInRest() {
    var r = restIndex();
    if (r < 0) return null;
    var waitLeft = wait ? (paused ? wait.left : wait.until - now()) : 0;
    var ms = leftInPiece() + waitLeft;
    if (P[idx].kind === 'rest') {
      if (!wait) ms += st.extra[r] || 0;
      if (P[r + 1] && P[r + 1].kind === 'countdown') ms += P[r + 1].length_ms;
    }
    if (wait && P[r + 1] && P[r + 1].kind === 'countdown' && idx === r) ms = waitLeft + P[r + 1].length_ms;
    return ms;
  }
  function leftInSession() {
    var ms = leftInPiece() + (wait ? (paused ? wait.left : wait.until - now()) : 0);
    for (var i = idx + 1; i < P.length; i++) ms += P[i].length_ms + (P[i].kind === 'rest' ? st.extra[i] || 0 : 0);
    if (!wait && P[idx].kind === 'rest') ms += st.extra[idx] || 0;
    return finished ? 0 : ms;
  }
  function nextWork() {
    for (var j = idx + (isWork(P[idx]) ? 1 : 0); j < P.length; j++) if (isWork(P[j])) return P[j];
    return null;
  }
  function render() {
    var p = P[idx], rest = restIndex() >= 0, w = rest ? nextWork() : p;
    $('phase').textContent = finished ? 'Done' : rest ? (wait ? 'Rest (added)' : p.kind === 'countdown' ? 'Get ready' : 'Rest')
      : isWork(p) ? (p.kind === 'hold' ? 'Hold' : 'Set') : p.title;
    $('exercise').textContent = w && w.exercise ? w.exercise : data.title;
    $('setof').textContent = w && w.sets ? 'Set ' + w.set + ' of ' + w.sets : '';
    $('dose').textContent = w ? [w.reps && (w.reps + (w.kind === 'hold' ? ' hold' : ' reps')),
      w.tempo && 'tempo ' + w.tempo, w.load].filter(Boolean).join(' \u00b7 ') : '';
    var rl = leftInRest();
    $('rest-left').textContent = rl === null ? clock(leftInPiece()) : clock(rl);
    $('rest-label').textContent = rl !== null ? 'rest left' : isWork(p) ? 'left in this ' + p.kind : 'left in this part';
    $('session-left').textContent = clock(leftInSession());
    var n = isWork(p) ? nextWork() : (function () {
      for (var j = idx + 1; j < P.length; j++) if (isWork(P[j]) && P[j] !== w) return P[j];
      return null;
    })();
    $('next').textContent = n ? n.title : 'Finish';
    $('toggle').textContent = paused ? (finished ? 'Again' : 'Play') : 'Pause';
    $('toggle').setAttribute('aria-pressed', String(!paused));
    $('add-rest').disabled = finished;
    $('skip-rest').disabled = !rest || p.kind === 'countdown';
    $('offline').textContent = offline === 'ready' ? 'Saved for offline' : offline === 'saving' ? 'Saving for offline\u2026'
      : offline === 'unsupported' ? 'No offline copy (needs https)' : '';
    if ('mediaSession' in navigator) navigator.mediaSession.playbackState = paused ? 'paused' : 'playing';
  }
  function summary() {
    var list = $('rests');
    list.textContent = '';
    st.rests.forEach(function (r) {
      var li = document.createElement('li');
      li.dataset.realMs = r.real_ms;
      li.dataset.plannedMs = r.planned_ms;
      li.textContent = r.title + ': ' + clock(r.real_ms) + ' (planned ' + clock(r.planned_ms) + ')' +
        (r.skipped ? ', skipped' : r.extra_ms ? ', +' + Math.round(r.extra_ms / 1000) + ' s' : '');
      list.appendChild(li);
    });
    $('summary').hidden = false;
  }

  // ------------------------------------------------------------------ wiring
  var buttons = {toggle: 'toggle', 'add-rest': 'addRest', 'skip-rest': 'skipRest', 'restart-set': 'restartSet',
    'next-exercise': 'nextExercise', 'previous-exercise': 'previousExercise'};
  Object.keys(buttons).forEach(function (id) {
    $(id).addEventListener('click', function () { actions[buttons[id]](); });
  });
  $('start-over').addEventListener('click', function () {
    st = {index: 0, extra: {}, rests: []}; openRest = null; finished = false; $('summary').hidden = true;
    start(0, 0);
  });
  setHandler('play', actions.play);
  setHandler('pause', actions.pause);
  setHandler('nexttrack', actions.skipRest);
  setHandler('previoustrack', actions.restartSet);
  setInterval(render, 250);

  // For tests and for curious lifters: the player's state, its controls and its registry.
  window.audiocoachPlayer = {
    actions: actions,
    mediaHandlers: handlers,
    rate: rate,
    now: now,
    state: function () {
      return {index: idx, kind: P[idx].kind, paused: paused, finished: finished,
        waiting: wait ? {left_ms: paused ? wait.left : wait.until - now()} : null,
        currentTime: audio ? audio.currentTime : null, src: audio ? audio.src : null,
        readyState: audio ? audio.readyState : null,
        extra: st.extra, rests: st.rests, log: log, wakeLock: wake.state, offline: offline,
        restLeft: leftInRest(), sessionLeft: leftInSession()};
    },
  };
  audio = null;
  start(Math.min(idx, P.length - 1), 0);
  saveOffline();
})();
