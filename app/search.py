"""The one search-box condition: text anywhere in some columns, case-insensitive, with the
LIKE wildcards ``%`` and ``_`` taken literally."""

from sqlalchemy import ColumnElement, func, or_


def contains_text(text: str, *columns) -> ColumnElement[bool]:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))
