"""`cliffhanger` — the command line. Each command builds its process through the composition root
(agent/bootstrap.py) and only adds what is specific to it (the HTTP server, the terminal loop)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(help="Cliffhanger: a Slack-native AI showrunner for branded TikTok mini-drama seasons.",
                  no_args_is_help=True, add_completion=False)
console = Console()


def _settings():  # type: ignore[no-untyped-def]
    from agent.settings import Settings

    return Settings()


@app.command()
def demo(
    episodes: Annotated[int, typer.Option(help="Episodes in the season (8–12).")] = 8,
    seconds: Annotated[int, typer.Option(help="Target episode length in seconds.")] = 40,
    out: Annotated[Path, typer.Option(help="Where report.json, thread.html and the outbox go.")] = Path("out/demo"),
) -> None:
    """Run a whole season end to end through the emulated Slack workspace (no keys, no internet)."""
    from integrations.demo.season import run_demo

    logging.basicConfig(level=logging.WARNING)
    report = run_demo(out, episodes=episodes, seconds=seconds, console=console)
    published = sum(1 for ep in report["episodes"] if ep["outbox"])
    console.print(f"[bold]{published}/{len(report['episodes'])}[/] episodes in the outbox; "
                  f"{report['slack']['messages_posted']} messages, {report['slack']['files_uploaded']} uploads.")


@app.command()
def status(
    season: Annotated[int | None, typer.Argument(help="Season id (default: the newest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a season and its episodes' states."""
    from agent.store.db import Store
    from tools.status import all_seasons, season_view

    store = Store.open(_settings().effective_database_url)
    seasons = all_seasons(store)
    if not seasons:
        console.print("No seasons yet. Start one in Slack (@mention the app) or with `cliffhanger chat`.")
        raise typer.Exit(1)
    season_id = season if season is not None else seasons[0][0]
    try:
        view = season_view(store, season_id)
    except LookupError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(1) from error
    if as_json:
        typer.echo(json.dumps(view.model_dump(mode="json"), indent=2))
    else:
        console.print(view.to_text())


@app.command("publish-due")
def publish_due_command(
    now: Annotated[str | None, typer.Option(help="ISO time to treat as now (default: the clock).")] = None,
) -> None:
    """Publish every due, approved episode and campaign asset exactly once (safe to run twice or from several
    machines)."""
    from agent.bootstrap import build_runtime, slack_channel, terminal_channel
    from agent.store.db import Store

    settings = _settings()
    try:
        moment = datetime.fromisoformat(now) if now else datetime.now(UTC)
    except ValueError as error:
        console.print(f"[red]--now must be an ISO time like 2026-12-01T18:05:00+00:00 ({error})[/]")
        raise typer.Exit(2) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    store = Store.open(settings.effective_database_url)
    # Slack configured → the notes go to each season's thread; otherwise they are printed here.
    channel = slack_channel(settings, store) or terminal_channel(console)
    runtime = build_runtime(settings, channel, store=store, immediate_queue=True)
    result = runtime.publish_due(moment)
    console.print(f"published {result.published}, already published {result.skipped_already}, "
                  f"held {result.held}, failed {result.failed}; campaign assets: published "
                  f"{result.campaign_published}, held {result.campaign_held}, failed {result.campaign_failed}")
    runtime.close()


@app.command()
def slack(
    port: Annotated[int, typer.Option(help="HTTP port for /slack/events (and /slack/install in OAuth mode).")] = 3000,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "0.0.0.0",
    workers: Annotated[int, typer.Option(help="Embedded render workers (0: use `cliffhanger worker`).")] = 2,
) -> None:
    """Serve the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on /slack/events (uvicorn).

    One workspace with SLACK_BOT_TOKEN; several with SLACK_CLIENT_ID + SLACK_CLIENT_SECRET (OAuth install at
    /slack/install, served over HTTP even when events come over Socket Mode).
    """
    import threading

    from agent.bootstrap import build_runtime, build_slack_app, slack_adapters
    from agent.conversation import Conversation
    from agent.logging_setup import configure_logging
    from agent.store.db import Store
    from integrations.slack.server import SlackHttpServer

    settings = _settings()
    missing = [name for name, absent in (
        ("SLACK_SIGNING_SECRET", settings.slack_signing_secret is None),
        ("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID + SLACK_CLIENT_SECRET)",
         settings.slack_bot_token is None and not settings.slack_oauth_enabled),
    ) if absent]
    if missing:
        console.print(f"[red]Set {' and '.join(missing)} (see README: Install the Slack app). "
                      "To try it without Slack, run `cliffhanger demo`.[/]")
        raise typer.Exit(2)
    assert settings.slack_signing_secret is not None
    configure_logging(settings)
    store = Store.open(settings.effective_database_url)
    client, channel, oauth = slack_adapters(settings, store)
    runtime = build_runtime(settings, channel, store=store)
    _warm_understanding()
    consumer = runtime.queue.consumer(workers=workers) if workers else None
    if consumer is not None:
        consumer.start()
    resumed = runtime.resume_interrupted()  # what a killed process of this machine left RUNNING or queued
    if resumed:
        console.print(f"Resuming {resumed} render(s) interrupted by the last stop.")
    with Conversation(runtime.context) as conversation:
        bolt = build_slack_app(runtime, conversation, client=client, oauth=oauth,
                               signing_secret=settings.slack_signing_secret.get_secret_value())
        mode = "OAuth (install at /slack/install)" if oauth else "single workspace (bot token)"
        try:
            if settings.slack_app_token is not None:
                from slack_bolt.adapter.socket_mode import SocketModeHandler

                if oauth is not None:  # the install routes still need HTTP
                    installer = SlackHttpServer(bolt, host=host, port=port)
                    threading.Thread(target=installer.serve_forever, daemon=True, name="slack-install").start()
                    console.print(f"OAuth install page: http://{host}:{port}/slack/install")
                console.print(f"Socket Mode, {mode}: connecting…")
                SocketModeHandler(bolt, settings.slack_app_token.get_secret_value()).start()
            else:
                console.print(f"HTTP mode, {mode}: POST events to http://{host}:{port}/slack/events "
                              "(health: /healthz)")
                SlackHttpServer(bolt, host=host, port=port).serve_forever()
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)


@app.command()
def worker(
    workers: Annotated[int, typer.Option(help="Worker threads.")] = 2,
) -> None:
    """Run a queue consumer (SQLite queue, or Redis when REDIS_URL is set) for renders and the publish sweep."""
    from agent.bootstrap import build_runtime, slack_channel, terminal_channel
    from agent.logging_setup import configure_logging
    from agent.store.db import Store

    settings = _settings()
    configure_logging(settings)
    store = Store.open(settings.effective_database_url)
    channel = slack_channel(settings, store) or terminal_channel(console)
    runtime = build_runtime(settings, channel, store=store)
    console.print(f"worker: {workers} threads on {'Redis' if settings.redis_url else settings.queue_path}")
    resumed = runtime.resume_interrupted()
    if resumed:
        console.print(f"Resuming {resumed} render(s) interrupted by the last stop.")
    runtime.queue.consumer(workers=workers).run()


@app.command()
def chat(
    thread: Annotated[str, typer.Option(help="Conversation name (one name = one season).")] = "terminal",
    workers: Annotated[int, typer.Option(help="Render worker threads beside the conversation.")] = 2,
) -> None:
    """Chat with the showrunner in the terminal (same agent as in Slack). Type 'quit' to leave.

    Renders run on worker threads over the persistent queue, as in Slack: a turn ends (and the conversation is
    checkpointed) as soon as the work is queued, and a chat killed mid-render picks every season up where it was.
    """
    from agent.bootstrap import build_runtime, terminal_channel
    from agent.conversation import Conversation
    from integrations.terminal import split_attachments, terminal_review_command

    settings = _settings()
    runtime = build_runtime(settings, terminal_channel(console))
    _warm_understanding()
    resumed = runtime.resume_interrupted()  # rung before the workers start: the count is what the stop left
    if resumed:
        console.print(f"Resumed {resumed} render(s) interrupted by the last stop.")
    consumer = _start_consumer(runtime, max(workers, 1))
    console.print("[bold]Cliffhanger[/] — tell me about your brand and product. ('help' for the steps, 'quit' to "
                  "leave; attach a logo, font or portrait by typing its path; in review: ':+1: 3' approves episode "
                  "3, ':-1: 3' requests changes)", emoji=False)
    try:
        with Conversation(runtime.context) as conversation:
            while True:
                try:
                    text = console.input("[bold magenta]you ›[/] ").strip()
                except (EOFError, KeyboardInterrupt):
                    break
                if text.lower() in ("quit", "exit"):
                    break
                if not text:
                    continue
                if terminal_review_command(runtime.context, text, thread):
                    continue
                message, files = split_attachments(text)
                try:
                    conversation.handle(team_id="local", channel_id="terminal", thread_ts=thread, user_id="you",
                                        text=message, files=files)
                except Exception as error:
                    from agent.user_errors import message as user_message

                    logging.getLogger(__name__).exception("turn failed")
                    console.print(f"[red]{escape(user_message(error))}[/]")
    finally:
        _stop_consumer(runtime, consumer)


def _start_consumer(runtime, workers: int):  # type: ignore[no-untyped-def]
    """The queue's thread consumer for an interactive command, keeping the terminal's own signal handling.

    huey installs SIGINT/SIGTERM/SIGHUP handlers that only flag its run loop, which an embedded consumer never runs:
    Ctrl-C at the prompt would do nothing. The previous handlers are put back after the start.
    """
    import signal

    names = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {signum: signal.getsignal(signum) for signum in names}
    consumer = runtime.queue.consumer(workers=workers)
    consumer.start()
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    return consumer


def _stop_consumer(runtime, consumer) -> None:  # type: ignore[no-untyped-def]
    """Let the renders in flight finish (Ctrl-C leaves them to the next start), and say what stays queued."""
    from sqlalchemy import func, select

    from agent.store.jobs import QUEUED, RUNNING
    from agent.store.models import Render

    with runtime.context.store.session() as session:
        running = session.scalar(select(func.count()).where(Render.status == RUNNING)) or 0
    if running:
        console.print(f"Finishing {running} render(s) in flight… (Ctrl-C leaves them for the next start)")
    consumer.stop(graceful=True)
    with runtime.context.store.session() as session:
        queued = session.scalar(select(func.count()).where(Render.status == QUEUED)) or 0
    if queued:
        console.print(f"{queued} render(s) stay queued: they continue the next time you run `cliffhanger chat` "
                      "(or `cliffhanger worker`).")
    runtime.close()


def _warm_understanding() -> None:
    """Train the offline understander in the background while the app starts (about 3 s once per process), so the
    marketer's first message is not the one that waits for it."""
    import threading

    from agent.understanding.classifier import classifier

    threading.Thread(target=classifier, daemon=True, name="warm-understanding").start()


@app.command()
def identity(
    reference: Annotated[Path, typer.Argument(help="The locked reference photo of the character.")],
    image: Annotated[Path, typer.Argument(help="The image to check (a keyframe, a frame of a clip, a portrait).")],
    threshold: Annotated[float, typer.Option(help="Lock: distances at or under this are the same person "
                                             "(dlib's usual cut-off is 0.6).")] = 0.5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Face identity distance between a reference photo and an image (exit 0 same person, 1 not, 2 no face)."""
    from tools.identity import command_output

    text, code = command_output(reference, image, threshold, as_json)
    typer.echo(text)
    raise typer.Exit(code)


def main() -> None:
    """Console entry point: the app, with start-up/configuration errors as one line and exit 2."""
    from agent.startup_errors import run

    run(app)


if __name__ == "__main__":
    main()
