"""The Russian labels that name fields in validation messages, taken from where each field is
declared: its `Field(title=…)` (which also titles it in the OpenAPI document and on the site's
forms). A domain's `models.py` builds its `LABELS` with `field_labels` and its handler passes them to
`configure_resolver`.
"""

from collections.abc import Iterator, Mapping
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import AliasChoices, BaseModel
from pydantic.fields import FieldInfo

ITEM = "*"  # a list's item in a label's name: `meters.*.meter_number`
NUMBER = "{n}"  # in a label: the item's number (from 1), filled in by `label_of`


def field_labels(*models: type[BaseModel], also: Mapping[str, str] | None = None) -> dict[str, str]:
    """The title of every titled field of `models`, by the name a validation error gives the field.

    A field is named as the body names it (its name, and each alias it is accepted under); the
    fields of a nested model as `<field>.<name>`; the items of a list as `<field>.*`, each item's
    number told in the label: «Номер прибора учёта (прибор учёта {n})» — the item model's
    ITEM_TITLE names an item, else the list's own title does. `also` labels what no model field
    declares: query, path and header parameters. A name titled differently in two places is a
    mistake (ValueError): an error message could name the field either way. `label_of` reads them.
    """
    labels: dict[str, str] = {}
    for model in models:
        for name, title in _titled(model, "", ""):
            _add(labels, name, title)
    for name, title in (also or {}).items():
        _add(labels, name, title)
    return labels


def _add(labels: dict[str, str], name: str, title: str) -> None:
    if labels.setdefault(name, title) != title:
        raise ValueError(f"{name} is titled «{labels[name]}» and «{title}» in different places")


def _titled(model: type[BaseModel], prefix: str, suffix: str) -> Iterator[tuple[str, str]]:
    """(name, label) of every titled field of `model` and of the models inside it."""
    for name, info in model.model_fields.items():
        if info.title is not None:
            yield from ((prefix + alias, info.title + suffix) for alias in _names(name, info))
            if _lists_values(info):
                yield f"{prefix}{name}.{ITEM}", f"{info.title} (№ {NUMBER}){suffix}"
        for nested, path, more in _nested(name, info):
            yield from _titled(nested, f"{prefix}{path}.", more + suffix)


def label_of(field: str, labels: Mapping[str, str]) -> str | None:
    """The Russian label of the field a validation error names (`meters.1.meter_number` →
    «Номер прибора учёта (прибор учёта 2)»), or None when the field has none."""
    if field in labels:
        return labels[field]
    parts = field.split(".")
    numbers = [int(part) + 1 for part in parts if part.isdigit()]
    found = labels.get(".".join(ITEM if part.isdigit() else part for part in parts))
    if found is None:
        return None
    # The innermost list's number is the label's first {n}: the suffixes were added inside out.
    for number in reversed(numbers):
        found = found.replace(NUMBER, str(number), 1)
    return found


def _choices(info: FieldInfo) -> tuple[Any, ...]:
    """The field's type, or each type of its union (`Reserve | None`)."""
    if get_origin(info.annotation) in (Union, UnionType):
        return get_args(info.annotation)
    return (info.annotation,)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _nested(name: str, info: FieldInfo) -> Iterator[tuple[type[BaseModel], str, str]]:
    """The models inside a field, with their paths and what their labels add: a model field's own
    (`reserve`, `Reserve | None` too), and a list of models' item (`points.*`, «(точка {n})»)."""
    for annotation in _choices(info):
        if _is_model(annotation):
            yield annotation, name, ""
        elif get_origin(annotation) is list and _is_model(item := get_args(annotation)[0]):
            noun = getattr(item, "ITEM_TITLE", None) or f"{info.title or name}, №"
            yield item, f"{name}.{ITEM}", f" ({noun} {NUMBER})"


def _lists_values(info: FieldInfo) -> bool:
    """Whether the field is a list of values (not of models): its items are labelled by number."""
    return any(
        get_origin(annotation) is list and not _is_model(get_args(annotation)[0])
        for annotation in _choices(info)
    )


def _names(name: str, info: FieldInfo) -> Iterator[str]:
    yield name
    if isinstance(info.alias, str):
        yield info.alias
    if isinstance(info.validation_alias, str):
        yield info.validation_alias
    elif isinstance(info.validation_alias, AliasChoices):
        yield from (choice for choice in info.validation_alias.choices if isinstance(choice, str))
