"""One error format for the REST API: `{"code", "message", "fields"}` with Chinese messages.

- bad input (pydantic validation, DomainError): 400; each field message names the field by its
  Chinese label ("出生年月：日期格式无效"); `fields` maps the field key to that message;
- stale version: 409, plus `changes` (what others changed since the client's version);
- out of scope / not found: 404 (never 403: the API does not confirm a record exists);
- unauthenticated: 401; wrong role or CSRF failure: 403.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError, ValidationErrorContext
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .exceptions import DomainError, OutOfScopeError, StaleVersionError

if TYPE_CHECKING:
    from ninja import NinjaAPI

NOT_FOUND = "记录不存在或不在您的数据范围内"
UNAUTHENTICATED = "未登录或访问令牌无效，请登录或在请求头中提供 Authorization: Bearer <令牌>"
DATE_INVALID = "日期格式无效（应为 YYYY-MM-DD 格式的有效日期）"
SOURCE_LABELS = {"body": "请求体", "query": "查询参数", "path": "路径参数"}
MESSAGES = {
    "missing": "不能为空",
    "string_type": "应为文本",
    "string_too_short": "长度不能少于{min_length}个字符",
    "string_too_long": "长度不能超过{max_length}个字符",
    "string_pattern_mismatch": "格式无效",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值超出范围",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "greater_than": "应大于{gt}",
    "greater_than_equal": "不能小于{ge}",
    "less_than": "应小于{lt}",
    "less_than_equal": "不能大于{le}",
    "list_type": "应为列表",
    "too_long": "最多{max_length}项",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "extra_forbidden": "不支持的字段",
    "json_invalid": "不是有效的 JSON",
}


def _strip_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not NoneType]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _options(annotation: Any) -> str:
    """Allowed values of a choices field, as "男（male）、女（female）"."""
    annotation = _strip_optional(annotation)
    if get_origin(annotation) is list:
        annotation = _strip_optional(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, models.Choices):
        return "、".join(f"{label}（{value}）" for value, label in annotation.choices)
    return ""


def resolve_field(
    model: type[BaseModel], loc: tuple[Any, ...]
) -> tuple[str, str, FieldInfo | None]:
    """(field key, Chinese label, FieldInfo) of an error location inside ninja's param model.

    The first level is the operation parameter (`payload`, `filters`): a schema parameter is
    left out of the key, so a body field is reported as `birth_date`, not `payload.birth_date`.
    """
    names: list[str] = []
    label = ""
    info: FieldInfo | None = None
    current: Any = model
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            names.append(str(part))
            if get_origin(current) is list:
                current = _strip_optional(get_args(current)[0])
            continue
        schema = _model_of(current)
        fields = schema.model_fields if schema is not None else {}
        if part not in fields:
            if not fields:
                continue  # a union-member tag pydantic adds to the location
            names.append(str(part))
            info = None
            break
        info = fields[part]
        label = info.title or label
        current = _strip_optional(info.annotation)
        if depth == 0 and _model_of(current) is not None:
            continue  # the schema parameter itself
        names.append(part)
    return ".".join(names), label, info


def error_text(error: Mapping[str, Any], info: FieldInfo | None) -> str:
    """The Chinese text of one pydantic error (without the label)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("too_long", "too_short") and isinstance(error.get("input"), str):
        kind = f"string_{kind}"  # a length limit on an optional text field
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind in ("enum", "literal_error"):
        options = _options(info.annotation) if info is not None else ""
        return f"取值无效，可选值：{options}" if options else "取值无效"
    if kind.startswith(("date", "datetime")):
        return DATE_INVALID
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "不能为空"
    if kind == "string_type" and error.get("input", "") is None:
        return "不能为空"
    if kind in MESSAGES:
        return MESSAGES[kind].format(**ctx)
    message = str(error.get("msg", ""))
    return message if any("\u4e00" <= ch <= "\u9fff" for ch in message) else "取值无效"


def validation_error(error_contexts: list[ValidationErrorContext[Any]]) -> ValidationError:
    """ninja's ValidationError carrying our {field, label, message} entries."""
    entries: list[dict[str, Any]] = []
    for context in error_contexts:
        model = context.model
        source = str(model.__ninja_param_source__ or "")
        for error in context.pydantic_validation_error.errors(include_url=False):
            key, label, info = resolve_field(model, tuple(error["loc"]))
            label = label or key or SOURCE_LABELS.get(source, "请求")
            entries.append(
                {
                    "field": key or source,
                    "label": label,
                    "message": f"{label}：{error_text(error, info)}",
                    "type": error.get("type", ""),
                }
            )
    return ValidationError(entries)


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "fields": dict(fields or {})}


class LabelledError(Exception):
    """A DomainError raised inside `field_labels(...)`: carries the labels of the fields."""

    def __init__(self, error: DomainError, labels: Mapping[str, str]) -> None:
        super().__init__(error.message)
        self.error = error
        self.labels = dict(labels)


@contextmanager
def field_labels(labels: Mapping[str, str]) -> Iterator[None]:
    """Name a service's field errors by their Chinese labels in the API response."""
    try:
        yield
    except DomainError as exc:
        raise LabelledError(exc, labels) from exc


def labelled(field: str, message: str, labels: Mapping[str, str]) -> str:
    label = labels.get(field)
    if not label or message.startswith(label):
        return message
    return f"{label}：{message}"


def domain_error_response(
    api: "NinjaAPI", request: HttpRequest, exc: DomainError, labels: Mapping[str, str]
) -> HttpResponse:
    if isinstance(exc, OutOfScopeError):
        return api.create_response(request, error_body("not_found", NOT_FOUND), status=404)
    if isinstance(exc, StaleVersionError):
        changes = [
            {"field": key, "label": labels.get(key, key), "before": old, "after": new}
            for key, (old, new) in exc.changes.items()
        ]
        body = {**error_body(exc.code, exc.message), "changes": changes}
        return api.create_response(request, body, status=409)
    fields = {key: labelled(key, msg, labels) for key, msg in exc.fields.items()}
    parts = list(fields.values())
    # A service may report two problems of one field; keep the one `fields` could not hold.
    parts += [p for p in exc.message.split("；") if p and not any(p in f for f in parts)]
    message = "；".join(parts)
    return api.create_response(request, error_body(exc.code, message, fields), status=400)


def http_error_response(api: "NinjaAPI", request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, AuthenticationError) or status == 401:
        message = UNAUTHENTICATED if exc.message == "Unauthorized" else exc.message
        response = api.create_response(request, error_body("unauthenticated", message), status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if status == 403:
        message = "无权访问" if exc.message == "Forbidden" else exc.message
        return api.create_response(request, error_body("forbidden", message), status=403)
    if status == 400 and exc.message.startswith("Cannot parse request body"):
        message = "请求体：不是有效的 JSON"
        body = error_body("invalid_json", message, {"body": message})
        return api.create_response(request, body, status=400)
    return api.create_response(request, error_body(f"http_{status}", exc.message), status=status)


def install(api: "NinjaAPI") -> None:
    """Register the handlers on the NinjaAPI (after ninja's defaults, so ours win)."""

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        fields: dict[str, str] = {}
        for entry in exc.errors:
            fields.setdefault(str(entry.get("field", "")), str(entry.get("message", "")))
        message = "；".join(fields.values()) or "请求参数无效"
        return api.create_response(request, error_body("invalid", message, fields), status=400)

    def on_labelled(request: HttpRequest, exc: Any) -> HttpResponse:
        return domain_error_response(api, request, exc.error, exc.labels)

    def on_domain(request: HttpRequest, exc: Any) -> HttpResponse:
        return domain_error_response(api, request, exc, {})

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        return http_error_response(api, request, exc)

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, error_body("not_found", NOT_FOUND), status=404)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(LabelledError, on_labelled)
    api.add_exception_handler(DomainError, on_domain)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)
