"""The JSON API's edge, one way for all of ``/api/v1/``: every path, query and body is checked by
a pydantic model before any rule runs, a malformed value is a 422 naming its field, and the
OpenAPI description (``GET /api/v1/openapi.json``) is generated from the same models.

pydantic rather than marshmallow: its validator is compiled (pydantic-core), so checking a batch
of 200 scans on the check-in hot path costs well under a millisecond, and it emits JSON Schema
itself, which is what OpenAPI 3.1 speaks.

A view declares what it takes and answers::

    @bp.get("/events/<slug>/attendance")
    @login_required
    @api.endpoint(path=EventPath, query=AttendanceQuery, response=AttendanceAnswer)
    def attendance(slug, query): ...

``query`` and ``body`` arrive as model instances; path values as validated keyword arguments.
Response models only describe (the views build their JSON as before); the API fuzz test
(tests/app/test_api_fuzz.py) checks every answer against them.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Annotated, Any

from flask import Blueprint, Flask, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema
from pydantic.json_schema import models_json_schema
from pydantic_core import PydanticCustomError

# Integer columns (PostgreSQL ``integer``): an id beyond them is malformed, not "not found".
MAX_ID = 2**31 - 1
# Text that may reach a query or a stored row: no NUL or other control characters (PostgreSQL
# refuses NUL in text; a CR/LF in a code is never a pass).
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"


def _iso_date(value):
    """A calendar date written YYYY-MM-DD, nothing else (not a number of seconds)."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date_parsing", "YYYY-MM-DD")


DbId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
QueryDate = Annotated[
    date, BeforeValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})
]
QueryId = Annotated[int, Field(ge=1, le=MAX_ID)]  # query strings are text: "12" is 12


def text(max_length: int, min_length: int = 0, **kwargs):
    """A plain-text field of bounded length (no control characters)."""
    return Field(min_length=min_length, max_length=max_length, pattern=PLAIN_TEXT, **kwargs)


class Model(BaseModel):
    """Base of request models: unknown keys are ignored (devices may send more)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class Query(Model):
    """Base of query-string models: an unknown parameter is refused (a typo in a filter must
    not quietly list everything)."""

    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    """Base of response models: they describe at least what the contract promises."""

    model_config = ConfigDict(extra="allow")


class OpdOut(Answer):
    code: str
    name: str


class ErrorBody(Answer):
    code: int
    message: str
    fields: dict[str, str] | None = None


class ErrorAnswer(Answer):
    error: ErrorBody


class EventPath(Model):
    slug: str = text(80, 1)


@dataclass
class Spec:
    summary: str
    response: type[BaseModel]
    path: type[Model] | None = None
    query: type[Model] | None = None
    body: type[Model] | None = None
    statuses: tuple[int, ...] = (401, 403, 404, 422)
    extra: dict = field(default_factory=dict)


class _Malformed(Exception):
    def __init__(self, fields: dict[str, str], message: str | None = None):
        self.fields, self.message = fields, message


def endpoint(
    *,
    summary: str,
    response: type[BaseModel],
    path: type[Model] | None = None,
    query: type[Query] | None = None,
    body: type[Model] | None = None,
    statuses: tuple[int, ...] = (401, 403, 404, 422),
):
    """Validate the request against the models before the view (and its rules) run."""
    spec = Spec(summary, response, path, query, body, statuses)

    def wrap(view):
        @wraps(view)
        def validated(**kwargs):
            try:
                if path is not None:
                    kwargs.update(_parse(path.model_validate, kwargs).model_dump())
                if query is not None:
                    kwargs["query"] = _parse(query.model_validate, request.args.to_dict())
                if body is not None:
                    if not request.is_json:
                        raise _Malformed(
                            {"body": _("harus JSON (Content-Type: application/json)")},
                            _("Kirim JSON (Content-Type: application/json)."),
                        )
                    kwargs["body"] = _parse(body.model_validate_json, request.get_data())
            except _Malformed as exc:
                return malformed(exc.fields, exc.message)
            return view(**kwargs)

        validated.api_spec = spec
        return validated

    return wrap


def _parse(validate, value):
    try:
        return validate(value)
    except ValidationError as exc:
        raise _Malformed(_fields(exc)) from None


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _fields(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        fields.setdefault(_field_name(error["loc"]), _problem(error))
    return fields


def _problem(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("wajib diisi")
    if kind in ("string_type", "str_type"):
        return _("harus berupa teks")
    if kind.startswith("int_") or kind == "int_type":
        return _("harus berupa bilangan bulat")
    if kind in ("greater_than_equal", "greater_than"):
        return _("terlalu kecil (minimal %(limit)s)", limit=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("terlalu besar (maksimal %(limit)s)", limit=ctx.get("le", ctx.get("lt")))
    if kind == "string_too_long":
        return _("terlalu panjang (maksimal %(limit)s karakter)", limit=ctx["max_length"])
    if kind == "string_too_short":
        return _("terlalu pendek (minimal %(limit)s karakter)", limit=ctx["min_length"])
    if kind == "string_pattern_mismatch":
        return _("memuat karakter kendali yang tidak diizinkan")
    if kind == "too_short":
        return _("minimal %(limit)s isian", limit=ctx["min_length"])
    if kind == "too_long":
        return _("maksimal %(limit)s isian", limit=ctx["max_length"])
    if kind in ("literal_error", "enum"):
        return _("pilih salah satu: %(known)s", known=ctx.get("expected", ""))
    if kind.startswith("datetime") or kind == "timezone_aware":
        return _("harus waktu RFC 3339 dengan zona waktu, mis. 2025-08-04T08:00:00+07:00")
    if kind.startswith("date"):
        return _("harus tanggal YYYY-MM-DD")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("harus berupa objek JSON")
    if kind == "list_type":
        return _("harus berupa daftar")
    if kind == "json_invalid":
        return _("bukan JSON yang sah")
    if kind == "extra_forbidden":
        return _("parameter tidak dikenal")
    if kind == "code_or_registration":
        return _("perlu code atau registration_id")
    return _("tidak valid")


def malformed(fields: dict[str, str], message: str | None = None):
    """The 422 answer: ``{"error": {"code", "message", "fields": {field: problem}}}``."""
    message = message or "; ".join(f"{name}: {problem}" for name, problem in fields.items())
    return jsonify(error={"code": 422, "message": message, "fields": fields}), 422


# --- the OpenAPI description -------------------------------------------------------------------

ERROR_TEXT = {
    400: "Bad request (a cookie request without its CSRF header)",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    422: "Malformed request; error.fields names each field",
    429: "Too many requests",
}


def _openapi_path(rule: str) -> str:
    out, rest = "", rule
    while "<" in rest:
        before, _sep, after = rest.partition("<")
        name, _sep, rest = after.partition(">")
        out += before + "{" + name.split(":")[-1] + "}"
    return out + rest


def openapi_document(app: Flask) -> dict[str, Any]:
    operations = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        spec = getattr(app.view_functions[rule.endpoint], "api_spec", None)
        if spec is not None:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                operations.append((rule, method.lower(), spec))
    models = {ErrorAnswer}
    for _rule, _method, spec in operations:
        models.update(m for m in (spec.response, spec.body) if m is not None)
    keys, schema = models_json_schema(
        [(m, "serialization" if issubclass(m, Answer) else "validation") for m in models],
        ref_template="#/components/schemas/{model}",
    )
    ref = {model: keys[(model, mode)] for (model, mode) in keys}
    paths: dict[str, dict] = {}
    for rule, method, spec in operations:
        operation: dict[str, Any] = {
            "operationId": rule.endpoint.replace(".", "_"),
            "summary": spec.summary,
            "parameters": _parameters(spec.path, "path") + _parameters(spec.query, "query"),
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": ref[spec.response]}},
                },
                **{
                    str(status): {
                        "description": ERROR_TEXT[status],
                        "content": {"application/json": {"schema": ref[ErrorAnswer]}},
                    }
                    for status in spec.statuses
                },
            },
        }
        if spec.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref[spec.body]}},
            }
        paths.setdefault(_openapi_path(rule.rule), {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Sinergi API — {app.config['ORGANISATION_NAME']}",
            "version": "1",
            "description": "Check-in devices, calendars and the city's other systems. "
            "Authenticate with `Authorization: Bearer <token>` "
            "(`flask --app wsgi users token <email>`) or a session cookie.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schema.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _parameters(model: type[Model] | None, where: str) -> list[dict]:
    if model is None:
        return []
    schema = model.model_json_schema()
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        # A query string has no null: an optional parameter is one that may be left out.
        options = [o for o in prop.get("anyOf", ()) if o != {"type": "null"}]
        plain = options[0] if len(options) == 1 else {k: v for k, v in prop.items()}
        plain = {k: v for k, v in plain.items() if k not in ("title", "default")}
        required_here = where == "path" or name in required
        parameters.append({"name": name, "in": where, "required": required_here, "schema": plain})
    return parameters


bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
@login_required
def openapi():
    """The description of this API, for the city's other systems (authenticated like the API)."""
    document = current_app.extensions.get("sinergi_openapi")
    if document is None:
        document = current_app.extensions["sinergi_openapi"] = openapi_document(current_app)
    return jsonify(document)
