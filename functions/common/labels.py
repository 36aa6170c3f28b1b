"""The Russian labels that name fields in validation messages, taken from where each field is
declared: its `Field(title=…)` (which also titles it in the OpenAPI document and on the site's
forms). A domain's `models.py` builds its `LABELS` with `field_labels` and its handler passes them to
`configure_resolver`.
"""

from collections.abc import Iterator, Mapping
from typing import get_args, get_origin

from pydantic import AliasChoices, BaseModel
from pydantic.fields import FieldInfo


def field_labels(*models: type[BaseModel], also: Mapping[str, str] | None = None) -> dict[str, str]:
    """The title of every titled field of `models`, by the name a validation error gives the field.

    A field is named as the body names it (its name, and each alias it is accepted under); the
    fields of a nested model as `<field>.<name>`. `also` labels what no model field declares: query,
    path and header parameters, the items of a list. A name titled differently in two places is a
    mistake (ValueError): an error message could name the field either way.
    """
    labels: dict[str, str] = {}

    def add(name: str, title: str) -> None:
        if labels.setdefault(name, title) != title:
            raise ValueError(f"{name} is titled «{labels[name]}» and «{title}» in different places")

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            if info.title is not None:
                for alias in _names(name, info):
                    add(prefix + alias, info.title)
            for nested, path in _nested(name, info):
                walk(nested, f"{prefix}{path}.")

    for model in models:
        walk(model, "")
    for name, title in (also or {}).items():
        add(name, title)
    return labels


def _nested(name: str, info: FieldInfo) -> Iterator[tuple[type[BaseModel], str]]:
    """The models inside a field, with their paths: a model field's own (`reserve`, `Reserve | None`
    too), and each item's of a list of models (`points.0`, `points.1`, …)."""
    for annotation in (info.annotation, *get_args(info.annotation)):
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield annotation, name
        if get_origin(annotation) is list:
            (item,) = get_args(annotation)
            if isinstance(item, type) and issubclass(item, BaseModel):
                yield from ((item, f"{name}.{index}") for index in range(_max_items(info)))


def _max_items(info: FieldInfo) -> int:
    """How many items a list field takes (its `max_length`), at most 20 labelled."""
    limits = [getattr(meta, "max_length", None) for meta in info.metadata]
    return min(next((limit for limit in limits if isinstance(limit, int)), 20), 20)


def _names(name: str, info: FieldInfo) -> Iterator[str]:
    yield name
    if isinstance(info.alias, str):
        yield info.alias
    if isinstance(info.validation_alias, str):
        yield info.validation_alias
    elif isinstance(info.validation_alias, AliasChoices):
        yield from (choice for choice in info.validation_alias.choices if isinstance(choice, str))
