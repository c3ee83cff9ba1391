"""A built site as the quality gates see it: files in an output folder, served at a base URL.

Every gate names what it found by the page it found it on, so this module maps both ways
between URLs (absolute, root-relative or relative to a page) and files in the output.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.html
import yaml


# What Gazette leaves unescaped in a URL path (src/paths.rs): everything else is encoded.
PATH_SAFE = "/!$&'()*+,-.:;=@_~"


def encode_path(path: str) -> str:
    """A URL path encoded the way Gazette encodes page paths; existing escapes are kept."""
    return quote(path, safe=PATH_SAFE + "%")


def config_base_url(root: Path) -> str:
    """The `base_url` of the site at `root`, read from its gazette.yaml."""
    with open(root / "gazette.yaml", encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    return str(config.get("base_url", "/"))


def config_publisher(root: Path) -> str:
    """The publisher's name (`publisher.name`, else the site title)."""
    with open(root / "gazette.yaml", encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    return str((config.get("publisher") or {}).get("name") or config.get("title", ""))


def config_feed_limit(root: Path) -> int:
    """Entries per Atom feed (`feed.limit`, 20 when unset, as the README documents)."""
    with open(root / "gazette.yaml", encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    return int((config.get("feed") or {}).get("limit", 20))


@dataclass
class Site:
    public: Path
    base_url: str
    _docs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        parts = urlsplit(self.base_url)
        self.scheme, self.host = parts.scheme, parts.netloc
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        # Gazette writes the base path percent-encoded (`/劳动/` → `/%E5%8A%B3%E5%8A%A8/`).
        self.base_path = encode_path(parts.path or "/")
        self.base_url = self.origin + self.base_path

    @cached_property
    def html_files(self) -> list[Path]:
        return sorted(p for p in self.public.rglob("*.html") if p.is_file())

    def rel(self, file: Path) -> str:
        """The file's path inside the output, as gates print it."""
        return file.relative_to(self.public).as_posix()

    def url_of(self, file: Path) -> str:
        """The absolute URL a static host serves `file` at (`dir/index.html` → `dir/`)."""
        rel = self.rel(file)
        if rel == "index.html":
            rel = ""
        elif rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.origin + self.base_path + rel

    def name(self, file: Path) -> str:
        """How a finding names a page: its URL path and its file."""
        return f"{unquote(urlsplit(self.url_of(file)).path)} ({self.rel(file)})"

    def is_local(self, url: str) -> bool:
        """True for links into this site: relative, root-relative, or to the site's host
        (over http, https or protocol-relative: `wrong_scheme` tells those apart)."""
        parts = urlsplit(url.strip())
        if parts.scheme and parts.scheme not in ("http", "https"):
            return False
        if parts.netloc:
            return parts.netloc == self.host
        return True

    def wrong_scheme(self, url: str) -> bool:
        """A link to the site's own host over another scheme (http on an https site)."""
        parts = urlsplit(url.strip())
        return bool(parts.netloc) and bool(parts.scheme) and parts.scheme != self.scheme

    def resolve(self, url: str, base: str) -> tuple[Path | None, str, str]:
        """Resolves a local `url` found on a page whose absolute URL is `base`.

        Returns (file, fragment, problem): the file it reaches (None when it reaches none),
        the decoded fragment, and why it fails, or "" when it resolves.
        """
        absolute = urljoin(base, url)
        parts = urlsplit(absolute)
        fragment = unquote(parts.fragment)
        path = unquote(parts.path)
        base_path = unquote(self.base_path)
        if not path.startswith(base_path):
            return None, fragment, f"outside the site's base path {base_path}"
        rel = path[len(base_path) :]
        target = self.public / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        elif target.is_dir():
            # A static host redirects `dir` to `dir/`; it works, but costs a round trip.
            target = target / "index.html"
        try:
            target.resolve().relative_to(self.public.resolve())
        except ValueError:
            return None, fragment, "outside the output folder"
        if not target.is_file():
            return None, fragment, f"no file {target.relative_to(self.public).as_posix()} in the output"
        return target, fragment, ""

    def doc(self, file: Path):
        """The parsed HTML of an output file (parsed once)."""
        if file not in self._docs:
            self._docs[file] = lxml.html.fromstring(file.read_bytes())
        return self._docs[file]

    def ids(self, file: Path) -> set[str]:
        """Fragment targets on a page: every id, and the names of <a name>."""
        doc = self.doc(file)
        found = {e.get("id") for e in doc.iter() if isinstance(e.tag, str) and e.get("id")}
        found |= {a.get("name") for a in doc.iter("a") if a.get("name")}
        return found

    def meta(self, file: Path, prop: str) -> str | None:
        """The content of <meta property=prop> or <meta name=prop>."""
        for m in self.doc(file).iter("meta"):
            if m.get("property") == prop or m.get("name") == prop:
                return m.get("content")
        return None

    def is_redirect(self, file: Path) -> bool:
        return any((m.get("http-equiv") or "").lower() == "refresh" for m in self.doc(file).iter("meta"))

    def is_noindex(self, file: Path) -> bool:
        return "noindex" in (self.meta(file, "robots") or "")


class Findings:
    """Collects a gate's failures and prints them; the gate's exit status follows."""

    def __init__(self, gate: str) -> None:
        self.gate = gate
        self.errors: list[str] = []

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def finish(self, summary: str) -> int:
        for e in self.errors:
            print(f"{self.gate}: FAIL {e}")
        if self.errors:
            print(f"{self.gate}: {len(self.errors)} problem(s); {summary}")
            return 1
        print(f"{self.gate}: ok; {summary}")
        return 0


def main_args(argv: list[str]) -> tuple[Path, str, Path]:
    """`PUBLIC BASE_URL ROOT` from the command line, as scripts/quality.sh passes them."""
    if len(argv) != 4:
        sys.exit(f"usage: {argv[0]} PUBLIC_DIR BASE_URL SITE_ROOT")
    return Path(argv[1]), argv[2], Path(argv[3])


if __name__ == "__main__":
    # `python built_site.py SITE_ROOT` prints the site's base_url and its decoded path (tab-separated), the
    # prefix a static server mounts the output at.
    site = Site(Path("."), config_base_url(Path(sys.argv[1])))
    print(site.base_url, unquote(site.base_path), sep="\t")
