"""Files built in the tests, for uploads: a small real PDF (readable by a PDF parser, as the
evidence check requires), and the same PDF with what no upload may carry."""

import io

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def pdf(padding: int = 0, extra=None) -> bytes:
    """A one-page PDF; ``padding`` bytes of metadata make it as big as a test needs;
    ``extra(writer, page)`` adds to it before it is written."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    if padding:
        writer.add_metadata({"/Keywords": "0" * padding})
    if extra is not None:
        extra(writer, page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    """A PDF action dictionary, e.g. action("/JavaScript", JS="app.alert(1)")."""
    value = DictionaryObject({NameObject("/Type"): NameObject("/Action")})
    value[NameObject("/S")] = NameObject(kind)
    for key, entry in entries.items():
        value[NameObject(f"/{key}")] = TextStringObject(entry)
    return value


def open_at_first_page(writer, page) -> None:
    """What harmless generators write: open the document at its first page, fitted."""
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page.indirect_reference, NameObject("/Fit")]
    )
