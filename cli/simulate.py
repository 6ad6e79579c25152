"""``eia simulate``: migrate and seed, plan a year, replay it with a progress bar, print the
figures (the plan and the replay live in ``simulator``)."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.db import session_scope
from flows.runtime import Runtime
from simulator import consultations as simulate_consultations
from simulator import hearings as simulate_hearings
from simulator import liaison as simulate_liaison
from simulator import participation as simulate_participation
from simulator import ratings as simulate_ratings
from simulator.replay import (
    SimulationError,
    plan_for,
    print_summary,
    run_plan,
    summarise,
    use_database_calendar,
)

__all__ = ["SimulationError", "run_simulate"]


def run_simulate(
    console: Console, *, year: int, applications: int, seed: int, database_url: str | None
) -> None:
    """``eia simulate``: migrate and seed, plan, replay with a progress bar, print figures."""
    from cli.database import prepare_database
    from core.settings import get_settings

    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    prepare_database(console, settings)
    rt = Runtime.from_settings(settings)
    try:
        use_database_calendar(rt.engine)
        plan = plan_for(rt, year, applications, seed)
        days = plan.days()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            day_task = progress.add_task("模拟天数 days", total=len(days))
            case_task = progress.add_task("已办结 decided", total=len(plan.cases))

            def on_day(day: date, decided: int) -> None:
                progress.update(day_task, advance=1, description=f"模拟天数 {day.isoformat()}")
                progress.update(case_task, completed=decided)

            result = run_plan(rt, plan, on_day=on_day)
        print_summary(console, result, summarise(rt.engine, result, rt.catalogue))
        simulate_participation.print_notice_figures(console, rt.engine, plan)
        with session_scope(rt.engine) as session:
            heard = simulate_hearings.figures(session, list(result.ids.values()))
        stop = (
            "—"
            if heard.median_paused_working_days is None
            else f"{heard.median_paused_working_days:g}"
        )
        console.print(
            f"  hearings: {heard.held} held, {heard.ordered} ordered by the bureau and announced, "
            f"median clock stop {stop} working days   听证（其中依职权举行并公告）",
            soft_wrap=True,
        )
        simulate_consultations.print_figures(console, rt.engine)
        simulate_liaison.print_figures(console, rt.engine, plan.last_day)
        simulate_ratings.rate_year(rt, plan, list(result.ids.values()))
        simulate_ratings.print_figures(console, rt, plan.last_day)
    finally:
        rt.engine.dispose()
