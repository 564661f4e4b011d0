"""`sanfu serve` runs the production server, with static files from WhiteNoise."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.cli_helpers import SANFU, production_environment, run_sanfu


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, dict(response.headers), response.read().decode()


def test_serve_answers_in_chinese_and_serves_static_files(tmp_path: Path):
    env = production_environment(tmp_path, SANFU_HTTPS="false", SANFU_ALLOWED_HOSTS="127.0.0.1")
    assert run_sanfu("migrate", "--no-input", env=env).returncode == 0
    assert run_sanfu("collectstatic", "--no-input", env=env).returncode == 0
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [SANFU, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.3)
        assert status == 200
        assert json.loads(body)["status"] == "ok"
        assert "gunicorn" in headers.get("Server", "")

        status, _headers, page = fetch(f"{base}/")
        assert status == 200
        assert "服务企业" in page

        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
        hashed = manifest["paths"]["sanfu/base.css"]
        assert hashed != "sanfu/base.css"
        assert f"/static/{hashed}" in page
        status, headers, css = fetch(f"{base}/static/{hashed}")
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]
        assert ":root" in css
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"serving on {base}/" in output


def test_serve_refuses_an_unmigrated_database(tmp_path: Path):
    env = production_environment(tmp_path, SANFU_HTTPS="false")
    result = run_sanfu("serve", "--port", str(free_port()), env=env)
    assert result.returncode != 0
    assert "sanfu migrate" in result.stderr
