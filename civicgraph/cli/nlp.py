"""`civicgraph nlp`: petition extraction, and how well it does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Petition extraction and its scores.", no_args_is_help=True)


@app.command()
def score(
    gold: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help="Hand-labelled lines (JSON Lines)."),
    ],
    predicted: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="Predictions for the same texts, in the same order."
        ),
    ],
    entities: Annotated[
        bool, typer.Option(help="Score entity spans instead of the category.")
    ] = False,
) -> None:
    """Score predictions against hand labels and print one JSON object. Categories: gold
    lines {"text", "label"}, predicted {"text", "category"}; macro-F1, accuracy, per class.
    Entities: both {"text", "entities": [[start, end, label], ...]}; precision, recall and F1
    per label and micro-averaged, under strict and overlap span match. Lines that cannot be
    scored are listed under "rejected" with their reason."""
    from nlp.scored_files import LineError, score_files

    try:
        report = score_files(gold, predicted, entities)
    except LineError as exc:
        raise typer.BadParameter(str(exc), param_hint="predicted") from None
    typer.echo(json.dumps(report, ensure_ascii=False))


@app.command()
def train(
    out: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="Where to save the models (default: nlp/model)."),
    ] = None,
    petitions: Annotated[
        Path | None,
        typer.Option(
            file_okay=False,
            help="The public petition sets [CIVICGRAPH_PETITIONS_DIR] "
            "(default: ../shared/data/petitions).",
        ),
    ] = None,
    compare_spacy: Annotated[
        bool,
        typer.Option(help="Also train spaCy's CNN recogniser and report its held-out scores."),
    ] = False,
    epochs: Annotated[
        int, typer.Option(min=1, max=200, help="Epochs of the spaCy recogniser.")
    ] = 30,
    seed: Annotated[int, typer.Option(help="Random seed of the spaCy recogniser.")] = 7,
) -> None:
    """Train the department and nature classifiers and the entity tagger on CPU, score them
    on the held-out fifth of each set, save them, and print the scores as JSON."""
    from civicgraph.settings import get_settings
    from nlp.corpus import CorpusError
    from nlp.pipeline import MODEL_DIR
    from nlp.train import train_models

    folder = petitions or get_settings().petitions_dir
    try:
        meta = train_models(
            folder,
            out or MODEL_DIR,
            epochs,
            seed,
            progress=lambda message: typer.echo(message, err=True),
            compare_spacy=compare_spacy,
        )
    except CorpusError as exc:
        raise typer.BadParameter(str(exc), param_hint="--petitions") from None
    typer.echo(json.dumps(meta, ensure_ascii=False))


@app.command()
def extract(
    source: Annotated[
        Path,
        typer.Option(
            "--in", exists=True, dir_okay=False, help='JSON Lines, each {"text", "title"?}.'
        ),
    ],
    target: Annotated[
        Path, typer.Option("--out", dir_okay=False, help="Where to write the extractions.")
    ],
    mask: Annotated[
        bool, typer.Option(help="Mask ID and phone numbers in the text written out.")
    ] = False,
) -> None:
    """Write each line with its language, category, nature, entities ([start, end, label]),
    personal numbers and dates. Lines that cannot be read go to OUT.rejects.jsonl with their
    line number and reason; the counts are printed as JSON."""
    from rich.console import Console
    from rich.progress import Progress

    from nlp.batch_files import extract_file
    from nlp.pipeline import Pipeline

    pipeline = Pipeline.load()
    lines = sum(1 for line in source.open(encoding="utf-8") if line.strip())
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("extract", total=lines)
        summary = extract_file(
            pipeline, source, target, mask=mask, progress=lambda n: bar.advance(task, n)
        )
    rejects = target.with_name(target.name + ".rejects.jsonl")
    if summary["rejected"]:
        rejects.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in summary["rejected"])
        )
    typer.echo(
        json.dumps(
            {
                "written": summary["written"],
                "rejected": len(summary["rejected"]),
                "rejects": str(rejects) if summary["rejected"] else None,
            }
        )
    )


@app.command()
def evaluate(
    categories: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help='Lines {"text", "label"}.'),
    ] = None,
    entities: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help='Lines {"text", "entities": [[start, end, label]]}.'
        ),
    ] = None,
) -> None:
    """Run the pipeline on hand-labelled lines and print one JSON object: macro-F1, accuracy
    and per-class figures (--categories), or precision, recall and F1 under strict and
    overlap span match, per label and micro-averaged (--entities)."""
    from nlp.batch_files import evaluate_file
    from nlp.pipeline import Pipeline

    if (categories is None) == (entities is None):
        raise typer.BadParameter("give one of --categories FILE or --entities FILE")
    pipeline = Pipeline.load()
    path = categories or entities
    assert path is not None
    typer.echo(json.dumps(evaluate_file(pipeline, path, entities is not None), ensure_ascii=False))


@app.command("hot-issues")
def hot_issues_command(
    source: Annotated[
        Path,
        typer.Option(
            "--in", exists=True, dir_okay=False, help='JSON Lines, each {"text", "title"?, "time"}.'
        ),
    ],
    since: Annotated[
        datetime | None, typer.Option(help="Window start (default: the earliest post).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Window end (default: just after the latest).")
    ] = None,
    first: Annotated[int, typer.Option(min=1, max=1000, help="How many issues.")] = 10,
) -> None:
    """Group a file's posts into hot issues (the same place and topic) and rank them by the
    heat index; print them as one JSON object, with the lines set aside and why."""
    from nlp.batch_files import hot_issues_file
    from nlp.pipeline import Pipeline

    def zoned(moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment

    report = hot_issues_file(Pipeline.load(), source, zoned(since), zoned(until), first)
    typer.echo(json.dumps(report, ensure_ascii=False))


@app.command()
def propose(
    source: Annotated[str, typer.Option("--set", help="A public set, e.g. fuzhou12345_dev.")],
    lines: Annotated[str, typer.Option(help="Line numbers (0-based), comma-separated.")],
    chars: Annotated[
        int, typer.Option(min=20, help="Excerpt length, cut at a sentence end.")
    ] = 200,
    petitions: Annotated[
        Path | None, typer.Option(file_okay=False, help="[CIVICGRAPH_PETITIONS_DIR]")
    ] = None,
) -> None:
    """Print posts of a public set with the rules' entity spans marked 【words|L】, to correct
    by reading (then `nlp annotate`)."""
    from civicgraph.settings import get_settings
    from nlp.annotating import propose as proposed

    folder = petitions or get_settings().petitions_dir
    numbers = [int(n) for n in lines.split(",") if n.strip()]
    for row in proposed(folder, source, numbers, chars):
        typer.echo(row)


@app.command()
def annotate(
    corrections: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="Lines `line<TAB>words/L words/L ...` (L: P O R F)."
        ),
    ],
    source: Annotated[str, typer.Option("--set", help="The public set the lines are of.")],
    chars: Annotated[int, typer.Option(min=20, help="The excerpt length proposed.")] = 200,
    petitions: Annotated[
        Path | None, typer.Option(file_okay=False, help="[CIVICGRAPH_PETITIONS_DIR]")
    ] = None,
) -> None:
    """Add corrected annotations to nlp/annotations/entities.jsonl (a post annotated again
    replaces its earlier annotation); prints how many texts and entities it holds."""
    from civicgraph.settings import get_settings
    from nlp.annotating import AnnotationError, resolve
    from nlp.corpus import ANNOTATIONS

    folder = petitions or get_settings().petitions_dir
    try:
        added = resolve(folder, source, corrections.read_text(encoding="utf-8").splitlines(), chars)
    except AnnotationError as exc:
        raise typer.BadParameter(str(exc), param_hint="corrections") from None
    kept = {}
    if ANNOTATIONS.exists():
        for line in ANNOTATIONS.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            kept[item["source"], item["line"]] = item
    for item in added:
        kept[item["source"], item["line"]] = item
    ANNOTATIONS.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in kept.values()))
    entities = sum(len(i["entities"]) for i in kept.values())
    typer.echo(json.dumps({"added": len(added), "texts": len(kept), "entities": entities}))


@app.command()
def backfill(
    everything: Annotated[
        bool, typer.Option("--all", help="Every stored petition, not only those never read.")
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(file_okay=False, help="The embedded store's folder [CIVICGRAPH_DATA_DIR]."),
    ] = None,
) -> None:
    """Run petition extraction on stored petitions that have none (loaded with --no-extract,
    written by upsertPetition, or interrupted before their links were written): classify,
    link, raise or join incidents. Prints how many as JSON."""
    from rich.console import Console
    from rich.progress import Progress

    from civicgraph.settings import get_settings
    from civicgraph.wiring import open_store, petition_service
    from graph.filters import Condition, Op
    from graph.model import Label
    from graph.records import Provenance

    settings = get_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    opened = open_store(settings)
    try:
        store = opened.store
        where = None if everything else Condition("language", Op.IS_NULL, True)
        ids: list[str] = []
        after = None
        while True:
            page = store.list_nodes(Label.PETITION, where, first=5000, after=after, fields=())
            ids += [record.id for record in page.records]
            if not page.has_next:
                break
            after = page.keys[-1]
        service = petition_service(store, None)
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("petition extraction", total=len(ids))
            done = service.extract_stored(
                ids, Provenance("nlp", "backfill"), progress=lambda n: bar.advance(task, n)
            )
    finally:
        opened.close()
    typer.echo(json.dumps({"petitions": len(ids), "extracted": done}))
