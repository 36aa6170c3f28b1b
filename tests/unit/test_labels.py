"""Validation messages name a field by the title it is declared with (functions/common/labels.py)."""

import pytest
from pydantic import AliasChoices, BaseModel, Field

from functions.askue.models import LABELS as ASKUE_LABELS
from functions.askue.models import FetchRequest
from functions.auth.models import LABELS as AUTH_LABELS
from functions.auth.models import PasswordChange
from functions.common.labels import field_labels


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
