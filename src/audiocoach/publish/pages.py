"""The program page: one static, self-contained HTML file per program (or athlete).

Weeks, then sessions; each session with an audio player, its chapter list (a click seeks
the player there) and its plan: exercises, sets x reps, tempo, rest, and the load note
where the program says to add load. Styles and script are inline and every link is
relative, so the page works from a folder, a phone or ``audiocoach serve`` with no
network. It is laid out for a phone first (one column, large touch targets).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from audiocoach.export.split import read_manifest, read_playlist, split_folder
from audiocoach.publish.feed import Episode, Feed
from audiocoach.publish.player import player_name
from audiocoach.words.language import page_language

_CSS = """
:root { color-scheme: light dark; --accent: #2b6cb0; }
* { box-sizing: border-box; }
body { font: 17px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       padding: 0 12px 48px; max-width: 760px; }
h1 { font-size: 1.5em; margin: 16px 0 4px; }
h2 { font-size: 1.25em; margin: 28px 0 8px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.1em; margin: 0 0 4px; }
.session { border: 1px solid #8884; border-radius: 10px; padding: 12px; margin: 12px 0; }
.when { color: #888; font-size: .9em; margin: 0 0 8px; }
audio { width: 100%; margin: 4px 0 8px; }
ol.chapters { list-style: none; padding: 0; margin: 0 0 8px; }
ol.chapters button { width: 100%; text-align: left; font: inherit; padding: 10px 8px; margin: 2px 0;
       border: 0; border-radius: 6px; background: #8881; color: inherit; cursor: pointer; }
ol.chapters button.current { background: var(--accent); color: #fff; }
.time { font-variant-numeric: tabular-nums; display: inline-block; min-width: 4.2em; opacity: .8; }
details summary { cursor: pointer; padding: 8px 0; font-weight: 600; }
.plan { display: block; width: 100%; overflow-x: auto; border-collapse: collapse; font-size: .92em; }
.plan th, .plan td { text-align: left; padding: 6px 8px 6px 0; border-bottom: 1px solid #8883; vertical-align: top; }
.note { color: #888; font-size: .9em; }
.sets li { padding: 6px 0; }
a.player { display: block; text-align: center; font-weight: 700; padding: 12px; margin: 4px 0 8px;
       border-radius: 8px; background: var(--accent); color: #fff; text-decoration: none; }
"""

# A chapter click seeks its own session's player; the chapter being played is marked.
_JS = """
document.addEventListener('click', function (ev) {
  var b = ev.target.closest('button[data-start]');
  if (!b) return;
  var audio = b.closest('.session').querySelector('audio');
  audio.currentTime = parseFloat(b.dataset.start);
  var p = audio.play();
  if (p && p.catch) p.catch(function () {});
});
document.querySelectorAll('.session audio').forEach(function (audio) {
  audio.addEventListener('timeupdate', function () {
    var t = audio.currentTime;
    audio.closest('.session').querySelectorAll('button[data-start]').forEach(function (b) {
      b.classList.toggle('current', t >= parseFloat(b.dataset.start) && t < parseFloat(b.dataset.end));
    });
  });
});
"""


def _clock(ms: int) -> str:
    s = ms // 1000
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _chapters(ep: Episode) -> str:
    rows = [
        f'<li><button type="button" data-start="{c.start_ms / 1000:.3f}" data-end="{c.end_ms / 1000:.3f}">'
        f'<span class="time">{_clock(c.start_ms)}</span> {escape(c.title)}</button></li>'
        for c in ep.chapters
    ]
    return '<ol class="chapters">' + "".join(rows) + "</ol>"


def _plan(ep: Episode) -> str:
    if ep.plan is None:
        return ""
    say = page_language(ep.language).label
    head = "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in say("plan_head").split("|")) + "</tr>"
    rows = []
    for i in ep.plan.items:
        name = escape(i.name) + (f'<div class="note">{escape(i.group)}</div>' if i.group else "")
        rows.append(
            f"<tr><td>{name}</td><td>{escape(i.dose)}</td><td>{escape(i.tempo or '-')}</td>"
            f'<td>{escape(i.rest)}</td><td class="note">{escape(i.note or "")}</td></tr>'
        )
    box = f'<details class="plan-box" open><summary>{escape(say("plan"))}</summary>'
    return f'{box}<table class="plan">{head}{"".join(rows)}</table></details>'


def _sets(feed: Feed, ep: Episode) -> str:
    """The session's split files (``--split sets``), to skip a rest or repeat a set."""
    found = read_playlist(ep.audio)
    if not found:
        return ""
    folder = split_folder(ep.audio)
    playlist = quote(folder.relative_to(feed.root).as_posix() + f"/{ep.audio.stem}.m3u8")
    rows = "".join(
        f'<li><a href="{quote((folder / p.filename).relative_to(feed.root).as_posix())}">{escape(p.title)}</a>'
        f' <span class="time">{_clock(p.length_ms)}</span></li>'
        for p in found
    )
    return (
        f'<details class="sets"><summary>Set by set ({len(found)} files, '
        f'<a href="{playlist}">playlist</a>)</summary><ol>{rows}</ol></details>'
    )


def _player_link(ep: Episode) -> str:
    """The session's player (rest that follows the lifter), when it was split into pieces."""
    if not read_manifest(ep.audio):
        return ""
    play = escape(page_language(ep.language).label("play_sets"))
    return f'<a class="player" href="{quote(player_name(ep))}">{play}</a>'


def _session(feed: Feed, ep: Episode) -> str:
    src = quote(ep.audio.relative_to(feed.root).as_posix())
    deload = page_language(ep.language).label("deload") if ep.deload else ""
    when = ", ".join(x for x in (ep.day, _clock(ep.duration_ms), deload) if x)
    return (
        f'<article class="session" id="{escape(ep.key.replace("/", "-"))}">'
        f'<h3>{escape(ep.title)}</h3><p class="when">{escape(when)}</p>'
        f'<audio controls preload="metadata" src="{src}" type="{ep.mime}"></audio>'
        f"{_player_link(ep)}{_chapters(ep)}{_plan(ep)}{_sets(feed, ep)}</article>"
    )


def page_html(feed: Feed) -> str:
    """The page for ``feed``: a complete HTML document with no outside assets."""
    say = page_language(feed.language).label
    sessions = say("page_sessions", sessions=len(feed.episodes), weeks=len(feed.weeks))
    body = [
        f"<h1>{escape(feed.title)}</h1>",
        f'<p class="when">{escape(sessions)} {escape(say("page_feed"))}: <a href="feed.xml">feed.xml</a></p>',
    ]
    for week in feed.weeks:
        eps = [e for e in feed.episodes if e.week == week]
        deload = f" ({say('deload')})" if any(e.deload for e in eps) else ""
        body.append(f'<section class="week" id="week-{week:02d}"><h2>{escape(say("week", n=week))}{deload}</h2>')
        body.extend(_session(feed, e) for e in eps)
        body.append("</section>")
    return (
        f'<!doctype html>\n<html lang="{escape(feed.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(feed.title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + f"\n<script>{_JS}</script>\n</body></html>\n"
    )
