"""Validation messages name a field by the title it is declared with (functions/common/labels.py)."""

import importlib
import re
from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Param
from pydantic import AliasChoices, BaseModel, Field

from functions.askue.models import LABELS as ASKUE_LABELS
from functions.askue.models import FetchRequest
from functions.auth.models import LABELS as AUTH_LABELS
from functions.auth.models import PasswordChange
from functions.common.api import RESOLVER_LABELS, ResolverLabels
from functions.common.labels import field_labels, label_of
from functions.common.problems import validation_problem
from functions.integration.labels import label_fields


class _Inner(BaseModel):
    t1: str = Field(title="Т1")
    untitled: str


class _Outer(BaseModel):
    values: _Inner = Field(title="Показания")
    operator: str = Field(title="Сотрудник", validation_alias=AliasChoices("operator", "changed_by"))


def test_titles_name_fields_nested_ones_and_aliases() -> None:
    assert field_labels(_Outer, also={"cursor": "Курсор"}) == {
        "values": "Показания",
        "values.t1": "Т1",
        "operator": "Сотрудник",
        "changed_by": "Сотрудник",
        "cursor": "Курсор",
    }


def test_a_name_titled_two_ways_is_refused() -> None:
    class Other(BaseModel):
        operator: str = Field(title="Оператор")

    with pytest.raises(ValueError, match="operator"):
        field_labels(_Outer, Other)


def test_the_domains_labels_are_their_models_titles() -> None:
    assert ASKUE_LABELS["password"] == FetchRequest.model_fields["password"].title == "Пароль"
    assert AUTH_LABELS["new_password"] == PasswordChange.model_fields["new_password"].title == "Новый пароль"


# ---------------------------------------------------------------- every route, every field

# Every domain whose resolver validates its inputs. The docs function validates nothing: its one
# parameter (/api/problems/{code}) is any text, and an unknown code is its own 404.
HANDLERS = ("askue", "auth", "integration", "readings", "requests")


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The request models an annotation holds: itself, a union's members, Annotated's type."""
    if get_origin(annotation) is Annotated:
        yield from _models_in(get_args(annotation)[0])
    elif get_origin(annotation) in (Union, UnionType):
        for member in get_args(annotation):
            yield from _models_in(member)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation


def _field_paths(
    model: type[BaseModel], prefix: tuple[str | int, ...] = ()
) -> Iterator[tuple[str | int, ...]]:
    """Every field's path as a validation error gives it (`loc` without "body"), a list's items at
    indexes 0 and 3 (labels must number any item, not only the first)."""
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        path = (*prefix, alias or name)
        yield path
        choices = (
            get_args(info.annotation)
            if get_origin(info.annotation) in (Union, UnionType)
            else (info.annotation,)
        )
        for choice in choices:
            if get_origin(choice) is list:
                (item,) = get_args(choice)
                for index in (0, 3):
                    if isinstance(item, type) and issubclass(item, BaseModel):
                        yield from _field_paths(item, (*path, index))
                    else:
                        yield (*path, index)
            for nested in _models_in(choice):
                yield from _field_paths(nested, path)


def _route_inputs() -> Iterator[tuple[str, str, tuple[str | int, ...]]]:
    """(route, where, path) of every input of every route of every resolver: each body field and
    each query, path and header parameter."""
    for domain in HANDLERS:
        app = importlib.import_module(f"functions.{domain}.handler").app
        for route in app._static_routes + app._dynamic_routes:
            hints = get_type_hints(route.func, include_extras=True)
            for name, hint in hints.items():
                if name == "return":
                    continue
                marker = next((m for m in getattr(hint, "__metadata__", ()) if isinstance(m, Param)), None)
                models = list(_models_in(hint))
                if models:
                    for model in models:
                        for path in _field_paths(model):
                            yield f"{route.method} {route.path}", "body", path
                elif marker is not None or name not in ("self",):
                    yield (
                        f"{route.method} {route.path}",
                        "param",
                        ((marker.alias if marker and marker.alias else name),),
                    )


def test_every_field_of_every_route_is_named_by_its_russian_title_in_messages() -> None:
    """Walks every pydantic request model of every route (nested models and lists included) and every
    query, path and header parameter: a refusal of each names it by a Russian title, never by its
    internal name (`meters.0.meter_number` is «Номер прибора учёта (прибор учёта 1)»)."""
    unnamed: list[str] = []
    checked = 0
    for route, where, path in _route_inputs():
        resource = route.split(" ", 1)[1]
        app_labels = _labels_of(resource)
        field = ".".join(str(part) for part in path)
        chosen = app_labels.labels
        for under, named in app_labels.under.items():
            if resource.startswith(under):
                chosen = {**chosen, **named}
        label = label_of(field, chosen)
        error = {
            "type": "missing",
            "loc": ("body" if where == "body" else "query", *path),
            "msg": "",
            "input": None,
        }
        message = validation_problem([error], chosen, app_labels.union_tags).errors[0].message
        checked += 1
        russian = label is not None and re.search("[а-яё]", label, re.IGNORECASE) and label in message
        internal = re.search(r"[a-z]+_[a-z]+|\b[a-z]+\.\d", message)
        if not russian or internal:
            unnamed.append(f"{route}: {field} → {message}")
    assert checked > 250
    assert unnamed == [], "\n".join(unnamed)


def _labels_of(resource: str) -> ResolverLabels:
    for domain in HANDLERS:
        app = importlib.import_module(f"functions.{domain}.handler").app
        if any(route.path == resource for route in app._static_routes + app._dynamic_routes):
            if domain == "integration":  # gathered at its first refusal (functions/integration/labels.py)
                label_fields(app)
            return RESOLVER_LABELS[app]
    raise AssertionError(resource)


def test_the_resolvers_walked_are_every_one_that_validates() -> None:
    import functions.docs.handler as docs

    assert not docs.app._enable_validation
    for domain in HANDLERS:
        assert importlib.import_module(f"functions.{domain}.handler").app._enable_validation, domain


def test_a_list_item_s_field_is_named_with_its_number() -> None:
    from functions.objects.models import LABELS as OBJECT_LABELS

    assert label_of("meters.0.meter_number", OBJECT_LABELS) == "Номер прибора учёта (прибор учёта 1)"
    assert label_of("meters.9.digits", OBJECT_LABELS) == "Разрядность прибора учёта (прибор учёта 10)"
    error = {"type": "missing", "loc": ("body", "meters", 1, "meter_number"), "msg": "", "input": None}
    assert (
        validation_problem([error], OBJECT_LABELS).detail
        == "Заполните поле «Номер прибора учёта (прибор учёта 2)»."
    )
