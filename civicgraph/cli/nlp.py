"""`civicgraph nlp`: petition extraction, and how well it does."""

from __future__ import annotations

import json
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
