"""`civicgraph risk assess`: who a hazard endangers, ranked, with the reasons, in a table and
optionally a picture."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from civicgraph.settings import get_settings
from graph.model.enums import Severity
from risk.assess import RiskModel
from risk.spread import Hazard

app = typer.Typer(help="Risk propagation over the graph.", no_args_is_help=True)


@app.command()
def assess(
    source: Annotated[
        list[str],
        typer.Option(help="Where the hazard is: an incident, device, building or grid id."),
    ],
    hazard: Annotated[Hazard, typer.Option(help="What happens there.")],
    severity: Annotated[Severity, typer.Option(help="How bad it is.")] = Severity.MEDIUM,
    model: Annotated[
        RiskModel | None, typer.Option(help="Default: cascade for outages, spread otherwise.")
    ] = None,
    max_hops: Annotated[int, typer.Option(min=1, max=12, help="How far it may travel.")] = 4,
    top: Annotated[int, typer.Option(min=1, max=1000, help="How many to list.")] = 20,
    plot: Annotated[
        Path | None, typer.Option(help="Draw the buildings by risk and the supply lines (PNG).")
    ] = None,
) -> None:
    """Rank the residents, households, buildings and devices a hazard endangers, with the
    path each exposure came by and the factors that weighed each person."""
    import numpy as np
    from rich.console import Console
    from rich.table import Table

    from civicgraph.cli.progress import rows_progress_bar
    from civicgraph.wiring import open_store
    from graph.errors import InvalidInputError
    from risk import assess as assessing
    from risk.build import build_projection
    from risk.plot import plot as draw

    console = Console(stderr=True)
    opened = open_store(get_settings())
    try:
        with rows_progress_bar() as bar:
            task = bar.add_task("projection", total=None, rows="", rate="")
            p = build_projection(
                opened.store, date.today().isoformat(), lambda n: bar.advance(task, n)
            )
    finally:
        opened.close()
    missing = [given for given in source if given not in p.index]
    if missing:
        raise typer.BadParameter(f"no node {missing[0]}", param_hint="--source")
    sources = [p.index[given] for given in source]
    try:
        result = assessing.assess(p, hazard, sources, severity, model, max_hops, top)
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.problems[0], param_hint="--source / --model") from None
    table = Table(title=f"{hazard.value} at {', '.join(source)} ({result.model.value})")
    for column in ("rank", "node", "score", "p", "why"):
        table.add_column(column, justify="right" if column in ("rank", "score", "p") else "left")
    for rank, item in enumerate(result.items, start=1):
        why = " → ".join(p.ids[n] for n, _ in item.path[-3:])
        factors = ", ".join(f[3] for f in item.factors)
        table.add_row(
            str(rank),
            p.ids[item.node],
            f"{item.score:.2f}",
            f"{item.probability:.2f}",
            why + (f" ({factors})" if factors else ""),
        )
    Console().print(table)
    affected = ", ".join(f"{n} {label.value.lower()}s" for label, n in result.affected.items())
    console.print(f"affected: {affected}; {result.took_ms} ms")
    if plot is not None:
        failed = np.zeros(p.size, dtype=bool)
        failed[sources] = True
        draw(p, result, result.scores, failed, plot)
        console.print(f"picture: {plot}")
