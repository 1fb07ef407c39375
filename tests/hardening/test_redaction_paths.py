"""The leak from the issue, end to end: TikTok answers an error that echoes the Authorization header. The bearer
token must reach neither the CLI's output, nor the thread note the sweep writes, nor `publications.error`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agent.settings import Settings
from agent.store.db import Store
from agent.store.models import Publication
from integrations.tiktok import TikTokClient, TikTokPublisher
from tests.tools.test_publish import CADENCE, EP1_AT, NOW, make_season
from tools.publish import publish_due, schedule_season
from tools.publish_ledger import PublicationState

TOKEN = "act.2f9c0e55b1d34f8a9e7c6b5a4d3c2b1a0f9e8d7c"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def echoing_tiktok() -> Iterator[str]:
    """A TikTok API that refuses every call and, carelessly, quotes the request's headers in its error."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            echoed = {"Authorization": self.headers.get("Authorization"), "Content-Type": "application/json"}
            body = json.dumps({"data": {}, "error": {
                "code": "invalid_params", "log_id": "202612010000",
                "message": f"request rejected, headers were {echoed}"}}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_echoed_bearer_token_reaches_neither_cli_nor_database(store: Store, settings: Settings, tmp_path: Path,
                                                              echoing_tiktok: str) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    # the sweep in-process: the thread note it writes
    schedule_season(store, make_season(store, tmp_path / "a", episodes=1), CADENCE, platforms=("tiktok",), now=NOW)
    client = TikTokClient(TOKEN, base_url=echoing_tiktok, sleep=lambda _: None, max_retries=1)
    swept = publish_due(store, [TikTokPublisher(client, PublicationState(store), poll_interval_s=0.01)], EP1_AT)
    [note] = swept.messages
    assert "invalid_params" in note.plain and TOKEN not in note.plain  # the reason is told, the token is not
    # the CLI, for another season
    schedule_season(store, make_season(store, tmp_path / "b", episodes=1), CADENCE, platforms=("tiktok",), now=NOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLIFFHANGER_", "TIKTOK_"))}
    env.update(CLIFFHANGER_HOME=str(settings.cliffhanger_home), DATABASE_URL=settings.effective_database_url,
               CLIFFHANGER_PUBLISHERS="tiktok", TIKTOK_ACCESS_TOKEN=TOKEN, TIKTOK_API_BASE_URL=echoing_tiktok)
    result = subprocess.run([sys.executable, "-m", "agent.cli", "publish-due", "--now", EP1_AT.isoformat()],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert "published 0" in output and "failed" in output, output[-3000:]
    assert TOKEN not in output and TOKEN[4:20] not in output
    with store.session() as session:
        errors = [p.error for p in session.scalars(select(Publication))]
    assert len(errors) == 2 and all(e and "invalid_params" in e for e in errors)
    assert not any(TOKEN in (e or "") for e in errors) and all("[REDACTED]" in (e or "") for e in errors)
