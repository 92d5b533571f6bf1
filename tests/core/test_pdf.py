"""Tagged PDF rendering: Latvian text survives, PDF/UA markers are set, nothing is fetched from outside."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import zlib
from pathlib import Path

import jinja2
import pytest
from flask_babel import force_locale
from werkzeug.http import parse_options_header

from caseflow.core import pdf

LATVIAN = "Ābele, čūska, ģimene, ķirbis, ļoti, ņemt, šķūnis, žurka"
TITLE = "Individuālais atbalsta plāns — Žanis Ķirsis"

TEST_TEMPLATES = {
    "tests/pdf_sample.html": """{% extends "_pdf/base.html" %}
{% block content %}
<p>{{ sentence }}</p>
<table>
  <caption>Pasākumi</caption>
  <thead><tr><th scope="col">Nr.</th><th scope="col">Pasākums</th></tr></thead>
  <tbody>{% for row in rows %}<tr><th scope="row">{{ loop.index }}</th><td>{{ row }}</td></tr>{% endfor %}</tbody>
</table>
{% endblock %}""",
    "tests/pdf_outside.html": """{% extends "_pdf/base.html" %}
{% block head %}<link rel="stylesheet" href="http://example.com/evil.css">{% endblock %}
{% block content %}
<p>{{ sentence }}</p>
<img src="https://example.com/x.png" alt="ārējs attēls">
<img src="file:///etc/passwd" alt="sistēmas fails">
<img src="../caseflow/config.py" alt="ārpus static">
<img src="favicon.svg" alt="caseflow">
{% endblock %}""",
    "tests/pdf_gettext.html": """{% extends "_pdf/base.html" %}
{% block content %}<p>{{ _('Pupils') }}</p>{% endblock %}""",
}


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Rendering a PDF never touches the database: one backend is enough."""
    return request.param


@pytest.fixture
def pdf_app(app):
    """The application with the test-only templates above beside the real ones."""
    app.jinja_loader = jinja2.ChoiceLoader([app.jinja_loader, jinja2.DictLoader(TEST_TEMPLATES)])
    return app


def _render(app, template: str = "tests/pdf_sample.html", rows: int = 3, **kwargs) -> bytes:
    with app.test_request_context():
        return pdf.render_pdf(template, title=kwargs.pop("title", TITLE), sentence=LATVIAN,
                              rows=[f"Saruna ar vecākiem Nr. {i}" for i in range(rows)], **kwargs)


def _all_streams(data: bytes) -> bytes:
    """The file with every Flate stream inflated, so objects inside object streams can be searched."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            parts.append(match.group(1))
    return b"\n".join(parts)


def _poppler(tool: str, data: bytes, tmp_path: Path, *args: str) -> str:
    """Run a poppler-utils tool on the PDF bytes; skip when poppler-utils is not installed."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (Debian's poppler-utils) is not installed; `make test` installs it")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    done = subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def test_latvian_text_survives_extraction(pdf_app, tmp_path):
    data = _render(pdf_app)
    assert data.startswith(b"%PDF-1.7")
    text = _poppler("pdftotext", data, tmp_path, "-enc", "UTF-8")
    assert LATVIAN in text
    assert TITLE in text
    assert "Saruna ar vecākiem Nr. 2" in text


def test_pdf_is_tagged_with_language_and_title(pdf_app, tmp_path):
    data = _render(pdf_app)
    body = _all_streams(data)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true\s*>>", body)
    assert b"/StructTreeRoot" in body
    assert b"/Lang (lv)" in body
    assert re.search(rb"/DisplayDocTitle\s+true", body)
    for tag in (b"/S /H1", b"/S /P", b"/S /Table", b"/S /TH", b"/S /TD"):
        assert tag in body, tag
    assert b"<dc:title>" in body and TITLE.encode() in body  # XMP metadata, UTF-8
    info = _poppler("pdfinfo", data, tmp_path)
    assert re.search(rf"^Title:\s+{re.escape(TITLE)}$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)$", info, re.M)


def test_language_follows_the_argument(pdf_app):
    data = _render(pdf_app, lang="en", title="Support plan")
    assert b"/Lang (en)" in _all_streams(data)


def test_fonts_are_the_bundled_ones_embedded(pdf_app, tmp_path, monkeypatch):
    fetchers = _record_fetchers(monkeypatch)
    data = _render(pdf_app)
    served = " ".join(fetchers[0].served)
    assert "css/pdf.css" in served
    assert "fonts/LiberationSans-Regular.ttf" in served and "fonts/LiberationSans-Bold.ttf" in served
    fonts = _poppler("pdffonts", data, tmp_path).splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    for line in fonts:
        assert "Caseflow-Sans" in line, line
        assert re.search(r"\byes\s+yes\s+yes\b", line), f"not embedded as a subset with ToUnicode: {line}"


def test_page_numbers_count_all_pages(pdf_app, tmp_path):
    data = _render(pdf_app, rows=120)
    info = _poppler("pdfinfo", data, tmp_path)
    pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
    assert pages >= 2
    text = _poppler("pdftotext", data, tmp_path, "-enc", "UTF-8")
    for page in range(1, pages + 1):
        assert re.search(rf"\b{page}\s*/\s*{pages}\b", text), f"no '{page} / {pages}'"


def _record_fetchers(monkeypatch) -> list[pdf.StaticOnlyFetcher]:
    made: list[pdf.StaticOnlyFetcher] = []

    class Recording(pdf.StaticOnlyFetcher):
        def __init__(self, root):
            super().__init__(root)
            made.append(self)

    monkeypatch.setattr(pdf, "StaticOnlyFetcher", Recording)
    return made


def test_nothing_outside_static_is_fetched(pdf_app, tmp_path, monkeypatch):
    attempts: list[object] = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("the PDF renderer tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    fetchers = _record_fetchers(monkeypatch)

    data = _render(pdf_app, "tests/pdf_outside.html")

    assert attempts == []
    (fetcher,) = fetchers
    refused = " ".join(fetcher.refused)
    for url in ("https://example.com/x.png", "http://example.com/evil.css", "file:///etc/passwd",
                "caseflow/config.py"):
        assert url in refused, url
    assert not any("example.com" in url or "passwd" in url for url in fetcher.served)
    assert any(url.endswith("/static/favicon.svg") for url in fetcher.served)
    assert LATVIAN in _poppler("pdftotext", data, tmp_path, "-enc", "UTF-8")


def test_fetcher_serves_only_files_inside_static(pdf_app):
    root = Path(pdf_app.static_folder).resolve()
    fetcher = pdf.StaticOnlyFetcher(root)
    css = fetcher.fetch(f"file://{root}/css/pdf.css")
    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    for url in (f"file://{root}/../caseflow/config.py", f"file://{root}/css/missing.css",
                f"file://{root}/fonts", "https://example.com/x.png", "data:text/plain,hi",
                f"file://example.com{root}/css/pdf.css", "ftp://example.com/x"):
        with pytest.raises(pdf.RefusedResource):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_renders_outside_a_request(pdf_app):
    with pdf_app.app_context():
        data = pdf.render_pdf("tests/pdf_sample.html", title=TITLE, sentence=LATVIAN, rows=[])
    assert b"/Lang (lv)" in _all_streams(data)


@pytest.mark.parametrize(("lang", "word"), [("lv", "Izglītojamie"), ("en", "Pupils")])
def test_strings_follow_the_document_language_not_the_reader(pdf_app, tmp_path, lang, word):
    other = "en" if lang == "lv" else "lv"
    with pdf_app.test_request_context(), force_locale(other):
        data = pdf.render_pdf("tests/pdf_gettext.html", title=TITLE, lang=lang)
    assert word in _poppler("pdftotext", data, tmp_path, "-enc", "UTF-8")


def test_pdf_response_headers(pdf_app):
    with pdf_app.test_request_context():
        response = pdf.pdf_response(b"%PDF-1.7 test", "Atbalsta plāns — Žanis \"Ķirsis\"; x")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == b"%PDF-1.7 test"
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    assert disposition.startswith('attachment; filename="Atbalsta plans Zanis _Kirsis__ x.pdf"; ')
    assert "filename*=UTF-8''Atbalsta%20pl%C4%81ns%20%E2%80%94%20%C5%BDanis" in disposition
    kind, options = parse_options_header(disposition)
    assert kind == "attachment"
    assert options["filename"] == 'Atbalsta plāns — Žanis "Ķirsis"; x.pdf'


@pytest.mark.parametrize(("given", "ascii_name", "utf8_name"), [
    ("plāns.pdf", "plans.pdf", "pl%C4%81ns.pdf"),
    ("../../etc/ļ.PDF", "l.pdf", "%C4%BC.PDF"),
    ("\r\n", "document.pdf", "document.pdf"),
    ("ŠĶŪNIS", "SKUNIS.pdf", "%C5%A0%C4%B6%C5%AANIS.pdf"),
])
def test_download_names(given, ascii_name, utf8_name):
    assert pdf.content_disposition(given) == (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{utf8_name}")


def test_pdf_response_through_a_view(pdf_app):
    from caseflow.access import public

    @public
    def download():
        return pdf.pdf_response(_render_in_view(), "plāns.pdf")

    def _render_in_view():
        return pdf.render_pdf("tests/pdf_sample.html", title=TITLE, sentence=LATVIAN, rows=[])

    pdf_app.add_url_rule("/__test/pdf", "test_pdf_download", download)
    response = pdf_app.test_client().get("/__test/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data().startswith(b"%PDF-")
