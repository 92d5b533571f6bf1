"""Tagged PDF (PDF/UA-1) from Jinja templates with WeasyPrint, never touching the network."""
from __future__ import annotations

import logging
import mimetypes
import re
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

from flask import Response, current_app, render_template
from flask_babel import force_locale

# WeasyPrint narrates every step at INFO (even parsing its own style sheets while it is imported):
# keep the application log for what matters, from before the import on.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url  # noqa: E402

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
_UNSAFE_IN_QUOTES = re.compile(r'[^A-Za-z0-9 ._()\-+,]')


class RefusedResource(ValueError):
    """A resource outside the static folder, which the PDF renderer does not fetch."""


class StaticOnlyFetcher(URLFetcher):
    """Serve files from one folder (file: URLs only) and refuse everything else."""

    def __init__(self, root: str | Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.root = Path(root).resolve()
        self.served: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path | None:
        """The file inside the root that a file: URL names, or None."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(url2pathname(parts.path)).resolve()
        except (OSError, ValueError):
            return None
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def fetch(self, url, headers=None):
        """Return a static file's bytes, or raise RefusedResource (WeasyPrint skips it)."""
        path = self.resolve(url)
        if path is None:
            self.refused.append(url)
            log.warning("PDF renderer refused a resource outside static/: %.200s", url)
            raise RefusedResource(f"not a static file: {url[:200]}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path2url(path), body=path.read_bytes(),
                                  headers={"Content-Type": content_type})


def static_root() -> Path:
    """The application's static folder, the only place the PDF renderer reads from."""
    return Path(current_app.static_folder).resolve()


def html_to_pdf(html: str, *, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """Turn an HTML string into PDF/UA-1 bytes, resolving relative URLs against static/."""
    root = static_root()
    fetcher = StaticOnlyFetcher(root) if fetcher is None else fetcher
    document = HTML(string=html, base_url=path2url(root), url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def render_pdf(template_name: str, *, title: str, lang: str = "lv", **context) -> bytes:
    """Render a template extending _pdf/base.html to tagged PDF bytes, its strings in lang."""
    with force_locale(lang.replace("-", "_")):
        html = render_template(template_name, title=title, lang=lang, **context)
    return html_to_pdf(html)


def ascii_filename(filename: str) -> str:
    """An ASCII-only stand-in for a download name (ā → a), safe inside a quoted header value."""
    folded = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    folded = " ".join(_UNSAFE_IN_QUOTES.sub("_", folded).split()).strip(" ._")
    return folded or "document"


def pdf_filename(filename: str) -> str:
    """The download name without folders or control characters, ending in .pdf."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "document"
    return name if name.lower().endswith(".pdf") else f"{name}.pdf"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII filename and the UTF-8 name as RFC 5987 filename*."""
    name = pdf_filename(filename)
    fallback = ascii_filename(name[:-4]) + ".pdf"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def pdf_response(pdf_bytes: bytes, filename: str) -> Response:
    """A download response for PDF bytes: attachment, never cached."""
    response = Response(pdf_bytes, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
