"""`vigil graph ID`: the relations the lists state around one entity, as a tree (or JSON)."""
from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from rich.tree import Tree

from vigil.cli.common import console, examples, fail, print_json, store

MAX_CHILDREN = 30  # per node in the tree; --json has them all


def _label(entity: Any, entity_id: str) -> str:
    if entity is None:
        return f"[dim]{escape(entity_id)} (not in the current lists)[/]"
    lists = ", ".join(entity.datasets)
    return f"[bold]{escape(entity.caption)}[/] [dim]{escape(entity_id)} · {entity.schema.name} · {escape(lists)}[/]"


def register(app: typer.Typer) -> None:
    @app.command("graph", epilog=examples(
        "vigil graph ofac-12111                # MOIS and everyone the lists link to it (Alavi, Khatib ...)",
        "vigil graph gb-hmt-10661 --depth 2    # a UK record, its organisations and their relations",
        "vigil graph ofac-30422 --json         # nodes and edges, with the text each relation is read from"))
    def graph(
        entity_id: str = typer.Argument(..., metavar="ID", help="A list record id (ofac-12111, unsc-IRi.039) or a "
                                        "party id (vp-...): a party shows the relations of all its records."),
        depth: int = typer.Option(1, "--depth", help="How many relations away to walk (1-3)."),
        as_json: bool = typer.Option(False, "--json", help="Print nodes, edges and the stated text as JSON."),
    ) -> None:
        """Relations the lists state (Linked To, member of, owned by, son of ...) around one entity.

        Each edge is read from a list's own text and resolved to the record it names in the same list
        (docs/relations.md); relations naming nobody listed are shown for the root as text."""
        from vigil.service.graph import graph_for
        from vigil.store.relations import entities_by_id

        if not 1 <= depth <= 3:
            fail(f"--depth must be 1, 2 or 3 (got {depth}): the lists' hubs reach thousands of entities beyond that")
        opened = store(with_hooks=False)
        roots = [entity_id] if opened.entity(entity_id) is not None else _party_members(opened, entity_id)
        if not roots:
            fail(f"no entity or party with id {entity_id!r} in the current lists (ids look like ofac-12111, "
                 "unsc-IRi.039, vp-...)")
        g = graph_for(opened)
        nodes, edges, truncated = [], {}, False
        for root in roots:
            found, found_edges, cut = g.walk(root, depth)
            nodes += [n for n in found if n not in nodes]
            edges.update({e.relation_id: e for e in found_edges})
            truncated = truncated or cut
        edges = list(edges.values())
        entities = entities_by_id(opened, nodes)
        unresolved = [r for r in opened.relations(roots, resolved_only=False)
                      if not all(r.get(p) for p in _ends(r))]
        if as_json:
            print_json({
                "root": entity_id, "records": roots, "depth": depth, "truncated": truncated,
                "nodes": [{"id": n, "caption": entities[n].caption if n in entities else n,
                           "schema": entities[n].schema.name if n in entities else None,
                           "datasets": entities[n].datasets if n in entities else []} for n in nodes],
                "edges": [{"id": e.relation_id, "schema": e.schema, "source": e.source, "target": e.target,
                           **{k: (e.props.get(k) or [None])[0] for k in ("role", "relationship", "description")}}
                          for e in edges],
                "unresolved": [{"id": r.id, "schema": r.schema.name, "role": r.first("role"),
                                "summary": r.first("summary"), "description": r.first("description")}
                               for r in unresolved],
            })
            return
        if roots == [entity_id]:
            tree = Tree(_label(entities.get(entity_id), entity_id))
            _grow(tree, g, entities, entity_id, depth, {entity_id})
        else:
            tree = Tree(f"[bold]party {escape(entity_id)}[/] [dim]{len(roots)} record(s)[/]")
            for root in roots:
                _grow(tree.add(_label(entities.get(root), root)), g, entities, root, depth, set(roots))
        for r in unresolved:
            tree.add(f"[yellow]{escape(r.first('role') or r.schema.name)}[/] "
                     f"{escape((r.first('summary') or '').split(' (not resolved')[0].removeprefix((r.first('role') or '') + ' '))}"
                     " [dim](names no listed entity)[/]")
        console.print(tree)
        if not edges and not unresolved:
            console.print("[dim]The lists state no relation for this entity.[/]")
        if truncated:
            console.print(f"[dim]Walk stopped at {len(nodes)} entities; use a smaller --depth or --json.[/]")


def _party_members(opened: Any, any_id: str) -> list[str]:
    """The records of a party id (vp-...), or [] when it is none."""
    try:
        from vigil.parties import Parties

        return list(Parties(opened).members(any_id)) if any_id.startswith("vp-") else []
    except Exception:  # no parties resolved yet: the id is simply unknown
        return []


def _ends(relation: Any) -> tuple[str, str]:
    edge = relation.schema.edge
    return (edge.source, edge.target) if edge else ("", "")


def _grow(branch: Tree, g: Any, entities: dict, node: str, depth: int, path: set[str]) -> None:
    if depth <= 0:
        return
    edges = [e for e in g.of(node) if e.other(node) not in path]
    edges.sort(key=lambda e: (e.label(node), entities[e.other(node)].caption if e.other(node) in entities else "~"))
    for edge in edges[:MAX_CHILDREN]:
        other = edge.other(node)
        child = branch.add(f"[cyan]{escape(edge.label(node))}[/] → {_label(entities.get(other), other)}")
        if other in entities:
            _grow(child, g, entities, other, depth - 1, path | {other})
    if len(edges) > MAX_CHILDREN:
        branch.add(f"[dim]… and {len(edges) - MAX_CHILDREN} more (vigil graph {node} --json lists them all)[/]")
