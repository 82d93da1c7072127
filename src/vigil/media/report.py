"""Rendering a `ScanResult`: rich terminal report, JSON, and a self-contained HTML page."""
from __future__ import annotations

import html as _html
import json
from typing import Iterable

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from vigil.settings import WIDE_TERMINAL
from vigil.media.scan import ScanResult
from vigil.matching.display import format_score

CONTEXT_STYLE = {"designated": "bold red", "called_for": "bold yellow", "delisted": "bold green",
                 "mentioned": "dim"}
CONTEXT_LABEL = {"designated": "designated", "called_for": "called for", "delisted": "delisted / lifted",
                 "mentioned": "mentioned"}


def to_json(results: Iterable[ScanResult]) -> str:
    results = list(results)
    data = [r.to_dict() for r in results]
    return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2)


def render_terminal(result: ScanResult, console: Console) -> None:
    a = result.article
    head = Text()
    head.append(a.title or a.source, style="bold")
    head.append(f"\n{a.source} · {a.format} · {len(a.text.split())} words · language {a.language}")
    if a.date:
        head.append(f" · dated {a.date}")
    head.append(f" · NER {'on (' + str(result.model) + ')' if result.ner else 'off'}")
    console.print(Panel(head, title="vigil scan", expand=False))
    for w in a.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    for alert in result.alerts:
        console.print(f"[bold yellow]signal:[/] {alert}")
    if result.entities:
        rows = [_entity_row(le, a.date) for le in result.entities]
        title = f"Listed entities named in the article ({len(result.entities)})"
        if console.width < WIDE_TERMINAL:  # one block per entity instead of a five-column table
            _print_blocks(console, title, rows)
        else:
            table = Table(title=title, show_lines=True)
            table.add_column("Entity", overflow="fold")
            table.add_column("Lists", overflow="fold")
            table.add_column("Score", justify="right")
            table.add_column("Context")
            table.add_column("Mentions / why", overflow="fold")
            for r in rows:
                table.add_row(f"[bold]{_esc(r['caption'])}[/]\n{r['id']} ({r['schema']})", "\n".join(r["lists"]),
                              r["score"], r["context"], r["why"])
            console.print(table)
    else:
        console.print("No listed entity is named in the article.")
    possible = [p for p in result.unlinked if p.possible]
    if possible:
        t = Table(title="Possible matches, not linked")
        t.add_column("Named in article")
        t.add_column("Closest list entry")
        t.add_column("Score", justify="right")
        t.add_column("Why not linked", overflow="fold")
        for p in possible:
            c = p.possible[0]
            t.add_row(p.name, f"{c.entity.caption} ({c.entity.id})", format_score(c.score), p.reason)
        console.print(t)
    others = [p for p in result.unlinked if not p.possible]
    if others:
        names = ", ".join(f"{p.name}" + (f" [{CONTEXT_LABEL[p.context]}]" if p.context != "mentioned" else "")
                          for p in others)
        console.print(Group(Text("Other named parties, not on any list: ", style="bold"), Text(names)))


def _esc(s: str) -> str:
    return s.replace("[", "\\[")


def _entity_row(le, article_date) -> dict:
    """The cells of one linked entity, shared by the wide table and the narrow blocks."""
    listing = le.listing(article_date)
    lists = list(listing["datasets"])
    if le.also:
        lists.append("also: " + ", ".join(le.also))
    if listing.get("since"):
        lists.append(f"listed since {listing['since'][:10]}")
    elif listing.get("first_seen"):
        lists.append(f"in vigil since {listing['first_seen'][:10]}")
    forms = sorted({m.text for m in le.mentions}, key=lambda t: -len(t))
    why = f"{len(le.mentions)}×: {', '.join(forms[:5])}\n" + "; ".join(le.evidence)
    ctx = Text(CONTEXT_LABEL[le.context], style=CONTEXT_STYLE[le.context])
    if le.context_evidence:
        best = max(le.context_evidence, key=lambda e: e["context"] == le.context)
        ctx.append(f"\n“{_clip(best['sentence'], 140)}”", style="italic")
    return {"caption": le.entity.caption, "id": le.entity.id, "schema": le.entity.schema.name, "lists": lists,
            "score": format_score(le.score), "context": ctx, "why": why}


def _print_blocks(console: Console, title: str, rows: list[dict]) -> None:
    """Narrow terminals: each entity as a short block, so ids, lists and reasons keep whole lines."""
    console.print(Text(title, style="bold"))
    for r in rows:
        head = Text()
        head.append(r["score"], style="bold")
        head.append("  ")
        head.append(r["id"], style="cyan")  # before the caption: a long caption must not push the id off the line
        head.append("  ")
        head.append(r["caption"], style="bold")
        head.append(f" ({r['schema']})", style="dim")
        console.print(head)
        body = Text(" · ".join(r["lists"]), style="dim")
        body.append("\n")
        body.append_text(r["context"])
        body.append("\n" + r["why"])
        console.print(Padding(body, (0, 0, 0, 6), expand=False))  # wrapped lines stay under the caption
        console.print()


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:14px 24px}header h1{font-size:20px;margin:0 0 4px}
header p{margin:0;color:#c5cad6;font-size:13px}
main{display:flex;gap:20px;padding:20px 24px;align-items:flex-start}
article{flex:3;background:#fff;padding:20px 28px;border-radius:8px;line-height:1.65;font-size:15px;
  box-shadow:0 1px 3px rgba(0,0,0,.08);white-space:pre-wrap}
aside{flex:2;min-width:320px}
.card{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.08);
  border-left:5px solid #999}
.card h3{margin:0 0 4px;font-size:15px}.card .meta{font-size:12px;color:#555}
.card.designated{border-color:#c62828}.card.called_for{border-color:#e6a100}.card.delisted{border-color:#2e7d32}
.card.mentioned{border-color:#7a8599}.card:target{outline:3px solid #3d7bfd}
mark{padding:0 2px;border-radius:3px;background:#dde3ee}mark a{color:inherit;text-decoration:none}
mark.designated{background:#ffd5d2}mark.called_for{background:#ffe9a8}mark.delisted{background:#cfeccc}
mark.unlinked{background:none;border-bottom:2px dotted #9aa3b5}
.badge{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:10px;color:#fff;
  background:#7a8599;margin-left:6px}.badge.designated{background:#c62828}.badge.called_for{background:#e6a100}
.badge.delisted{background:#2e7d32}
blockquote{margin:6px 0;padding:4px 10px;border-left:3px solid #ccd;font-size:13px;color:#333;background:#fafbfc}
.alert{background:#fff4d6;border:1px solid #e6a100;border-radius:6px;padding:8px 12px;margin-bottom:12px;font-size:14px}
table{border-collapse:collapse;font-size:13px;width:100%}td{padding:3px 4px;border-top:1px solid #eee;vertical-align:top}
h2{font-size:15px;margin:16px 0 8px}
"""


def render_html(result: ScanResult) -> str:
    """One page, no external assets: article text with highlighted mentions linked to entity cards."""
    a = result.article
    esc = _html.escape
    marks: list[tuple[int, int, str, str, str]] = []  # start, end, css class, href, title
    for i, le in enumerate(result.entities):
        for m in le.mentions:
            marks.append((m.start, m.end, le.context, f"#e{i}", f"{le.entity.caption} ({le.entity.id})"))
    for p in result.unlinked:
        for m in p.mentions:
            marks.append((m.start, m.end, "unlinked", "", f"{p.name}: not linked — {p.reason}"))
    marks.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    parts: list[str] = []
    pos = 0
    for start, end, cls, href, title in marks:
        if start < pos:
            continue
        parts.append(esc(a.text[pos:start]))
        inner = esc(a.text[start:end])
        if href:
            inner = f'<a href="{href}">{inner}</a>'
        parts.append(f'<mark class="{cls}" title="{esc(title)}">{inner}</mark>')
        pos = end
    parts.append(esc(a.text[pos:]))
    cards = []
    for i, le in enumerate(result.entities):
        listing = le.listing(a.date)
        ev = ""
        for e in le.context_evidence[:3]:
            ev += f"<blockquote><b>{esc(CONTEXT_LABEL[e['context']])}</b> ({esc(e['trigger'])}): {esc(_clip(e['sentence'], 300))}</blockquote>"
        forms = sorted({m.text for m in le.mentions}, key=lambda t: -len(t))
        props = le.entity.get("program")
        cards.append(
            f'<div class="card {le.context}" id="e{i}"><h3>{esc(le.entity.caption)}'
            f'<span class="badge {le.context}">{esc(CONTEXT_LABEL[le.context])}</span></h3>'
            f'<div class="meta">{esc(le.entity.id or "")} · {esc(le.entity.schema.name)} · lists: {esc(", ".join(listing["datasets"]))}'
            + (f" · since {esc(listing['since'][:10])}" if listing.get("since") else "")
            + (f"<br>programmes: {esc(', '.join(props))}" if props else "")
            + f'</div><table><tr><td>score</td><td>{format_score(le.score)} — {esc(le.reason)}</td></tr>'
            f'<tr><td>evidence</td><td>{esc("; ".join(le.evidence))}</td></tr>'
            f'<tr><td>mentions</td><td>{len(le.mentions)}: {esc(", ".join(forms))}</td></tr></table>{ev}</div>'
        )
    near = []
    for p in result.unlinked:
        if p.possible:
            c = p.possible[0]
            near.append(f"<tr><td>{esc(p.name)}</td><td>{esc(c.entity.caption)} ({esc(c.entity.id or '')}) "
                        f"{format_score(c.score)}</td><td>{esc(p.reason)}</td></tr>")
    others = [p.name for p in result.unlinked if not p.possible]
    alerts = "".join(f'<div class="alert">{esc(x)}</div>' for x in result.alerts + a.warnings)
    meta = " · ".join(x for x in (a.source, a.date or "", f"language {a.language}",
                                  f"{len(result.entities)} listed entities") if x)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vigil scan: {esc(a.title or a.source)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><header><h1>{esc(a.title or a.source)}</h1><p>{esc(meta)}</p></header>
<main><article>{''.join(parts)}</article>
<aside>{alerts}<h2>Listed entities named in the article</h2>{''.join(cards) or '<p>None.</p>'}
{('<h2>Possible matches, not linked</h2><table>' + ''.join(near) + '</table>') if near else ''}
{('<h2>Other named parties (not listed)</h2><p>' + esc(', '.join(others)) + '</p>') if others else ''}
</aside></main></body></html>
"""
