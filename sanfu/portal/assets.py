"""Front-end assets installed from the npm registry (`npm ci`), served as static files.

`package.json` at the repository root pins htmx and ECharts; `npm ci` puts them in
`node_modules/`. This finder exposes only the few built files the pages load, under
`vendor/`, so `collectstatic` copies (and WhiteNoise compresses) two files rather than the
packages' 47 MB of sources, maps and alternative builds. Nothing is copied by hand and
nothing comes from a CDN.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

# Static path under vendor/ -> file inside node_modules.
VENDOR_FILES: dict[str, str] = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
}
PREFIX = "vendor"


def node_modules() -> Path:
    configured = getattr(settings, "SANFU_NODE_MODULES", None)
    return Path(configured) if configured else settings.BASE_DIR.parent / "node_modules"


class _FileStorage(FileSystemStorage):
    """One installed file, seen by collectstatic as `vendor/<name>`."""

    def __init__(self, source: Path) -> None:
        super().__init__(location=str(source.parent))
        self.prefix = PREFIX


class NodeModulesFinder(BaseFinder):
    def _sources(self) -> Iterator[tuple[str, Path]]:
        root = node_modules()
        for name, relative in VENDOR_FILES.items():
            source = root / relative
            if source.is_file():
                yield name, source

    @overload
    def find(self, path: str, find_all: Literal[False] = False, **kwargs: Any) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True], **kwargs: Any) -> builtins.list[str]: ...

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        # Django 5.2 renamed `all` to `find_all`; accept both.
        find_all = find_all or bool(kwargs.get("all", False))
        matches = [str(source) for name, source in self._sources() if path == f"{PREFIX}/{name}"]
        if find_all:
            return matches
        return matches[0] if matches else None

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for _name, source in self._sources():
            yield source.name, _FileStorage(source)

    def check(self, **kwargs: Any) -> builtins.list[CheckMessage]:
        missing = [relative for _n, relative in VENDOR_FILES.items()]
        root = node_modules()
        missing = [relative for relative in missing if not (root / relative).is_file()]
        if not missing:
            return []
        return [
            CheckWarning(
                f"front-end assets are not installed ({', '.join(missing)}); run `npm ci`",
                hint="Pages work without them, but without htmx and the dashboard's charts.",
                id="portal.W001",
            )
        ]
