"""PDF of the 任免审批表 by WeasyPrint, from the same HTML as the printable page.

Each form is laid out as its own document, so its pages are numbered "第 1 页 共 3 页" within the
form, and the documents' pages are then written as one PDF (fonts embedded once). Nothing is
fetched while rendering: the photo is a data: URI and every other URL is refused.
"""

from collections.abc import Callable, Sequence

from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.document import Document  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from .data import FormData
from .html import render_document, stylesheet


def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"})


def _document(html: str, css: CSS, fonts: FontConfiguration, fetcher: URLFetcher) -> Document:
    return HTML(string=html, url_fetcher=fetcher).render(stylesheets=[css], font_config=fonts)


def render_pdf(
    forms: Sequence[FormData],
    *,
    notice: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF of the forms, in order; `notice` lines add a closing 批次说明 page;
    `progress(n)` is called after each form is laid out."""
    # One font configuration per call: WeasyPrint's font objects are not shared across threads.
    fonts = FontConfiguration()
    # One fetcher too: each one sets up an SSL context (≈ 20 ms), though it only ever serves data:.
    fetcher = _fetcher()
    css = CSS(string=stylesheet(), font_config=fonts, url_fetcher=fetcher)
    documents: list[Document] = []
    for done, form in enumerate(forms, start=1):
        documents.append(_document(render_document([form]), css, fonts, fetcher))
        if progress:
            progress(done)
    if notice:
        documents.append(_document(render_document([], notice=notice), css, fonts, fetcher))
    if not documents:
        raise ValueError("没有可生成的任免审批表")
    pages = [page for document in documents for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf()
    return pdf
