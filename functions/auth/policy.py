"""The personal-data policy and the consent text (152-ФЗ «О персональных данных»).

ст. 18.1 ч. 2: the operator publishes its policy where personal data is collected — the site links it
from the registration form and the footer (`GET /api/policy`, the «Политика обработки персональных
данных» page). ст. 9 ч. 1 and ч. 4: consent is specific, informed and conscious, and the operator
proves it — the profile keeps the version of the consent text the registrant was shown, the time and
the SHA-256 of that text. A text is never changed under its version: a changed text is a new entry
of `CONSENT_TEXTS` (tests/unit/test_policy.py holds the hash of every version and fails otherwise).
The facts the policy states are template.yaml parameters without defaults (`OperatorName`,
`OperatorAddress`, `OperatorInn`, `PersonalDataOfficer`, `PersonalDataOfficerContact`: CloudFormation
refuses a stack without them, so no placeholder ships), the AWS contracting party
(`CloudContractingParty`), the deployment's region (the Lambda runtime's `AWS_REGION`) and the
retention table (functions/common/retention.py).

Verified with the search tool (stored copies of the law's text): ст. 12 ч. 1–3 in the edition in force
since 01.03.2023 (266-ФЗ of 14.07.2022: the operator notifies Роскомнадзор before it begins a
cross-border transfer; a state party to the Council of Europe's Convention 108 is an adequate one);
ст. 18 ч. 5 (the databases of Russian citizens' data in Russia: see docs/architecture.md,
«Localisation»); ст. 20 ч. 1 (an answer to the subject within 10 working days, extendable by 5);
ст. 6 ч. 3 (processing by another person on the operator's instruction). Not verified (no stored
copy found): the wording of ст. 22.1 (the responsible person), ст. 14 ч. 7 and ст. 21's parts other
than ч. 5, and whether Germany stands in Роскомнадзор's list of adequate states (it is a party to
Convention 108, which ст. 12 ч. 2 includes in the list by law).
"""

import hashlib
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from functions.common.retention import retention_table
from functions.common.settings import load_settings

# Every consent text ever shown, by version; the last one is shown now (web/index.html, the
# registration form, carries the same text and version: tests/unit/test_policy.py compares them).
CONSENT_TEXTS: dict[str, str] = {
    "2026-11-01": (
        "Даю согласие сетевой компании на обработку моих персональных данных (ФИО или название "
        "организации, email, телефон) для работы личного кабинета, рассмотрения заявок и связи со мной "
        "в соответствии с Федеральным законом № 152-ФЗ «О персональных данных». Согласие можно отозвать "
        "через службу поддержки. Редакция от 01.11.2026."
    ),
    "2026-11-29": (
        "Даю согласие сетевой компании на обработку персональных данных, которые я указываю в личном "
        "кабинете (ФИО или название организации и данные представителя, email, телефон, адреса и "
        "кадастровые номера объектов, показания приборов учёта, учётные данные АСКУЭ, документы и их "
        "сканы), для регистрации и работы личного кабинета, рассмотрения заявок и связи со мной, на "
        "условиях Политики обработки персональных данных, в соответствии с Федеральным законом "
        "№ 152-ФЗ «О персональных данных». Согласие действует до его отзыва; отозвать его можно в "
        "разделе «Профиль» (удаление учётной записи). Редакция от 29.11.2026."
    ),
    "2026-12-04": (
        "Даю согласие оператору, указанному в Политике обработки персональных данных, на обработку "
        "персональных данных, которые я указываю при регистрации (категория потребителя; ФИО — для "
        "физического лица или название организации — для юридического лица; адрес электронной почты; "
        "номер телефона), и данных, которые я укажу в личном кабинете (адреса и кадастровые номера "
        "объектов, показания приборов учёта, учётные данные АСКУЭ, документы и их сканы), для регистрации "
        "и работы личного кабинета, рассмотрения заявок и связи со мной, в том числе на их хранение и "
        "обработку по поручению оператора лицами и в стране, которые названы в Политике, на условиях "
        "Политики и в соответствии с Федеральным законом № 152-ФЗ «О персональных данных». Согласие "
        "действует до его отзыва; отозвать его можно в разделе «Профиль» (удаление учётной записи). "
        "Редакция от 04.12.2026."
    ),
}
CURRENT_CONSENT_VERSION = list(CONSENT_TEXTS)[-1]
POLICY_VERSION = "2026-12-05"


def normalized(text: str) -> str:
    """Single spaces: the text as the page shows it, whatever the line breaks of its source."""
    return " ".join(text.split())


def consent_text_sha256(version: str) -> str:
    return hashlib.sha256(normalized(CONSENT_TEXTS[version]).encode()).hexdigest()


def consent_is_outdated(accepted_version: str) -> bool:
    """Whether the consumer accepted an older text than the one in force (versions are ISO dates):
    the cabinet then shows the new text and asks to accept it (`POST /api/profile/consent`)."""
    return accepted_version < CURRENT_CONSENT_VERSION


# AWS regions by the country (and city) their data centres are in, as the policy names the place
# where the data is stored; `adequate`: a party to the Council of Europe's Convention 108 (152-ФЗ
# ст. 12 ч. 2 puts those in the list of states with adequate protection).
@dataclass(frozen=True)
class Place:
    country: str
    city: str
    adequate: bool


REGION_PLACES: dict[str, Place] = {
    "eu-central-1": Place("Германия", "Франкфурт-на-Майне", adequate=True),
    "eu-central-2": Place("Швейцария", "Цюрих", adequate=True),
    "eu-west-1": Place("Ирландия", "Дублин", adequate=True),
    "eu-west-2": Place("Великобритания", "Лондон", adequate=True),
    "eu-west-3": Place("Франция", "Париж", adequate=True),
    "eu-north-1": Place("Швеция", "Стокгольм", adequate=True),
    "eu-south-1": Place("Италия", "Милан", adequate=True),
    "eu-south-2": Place("Испания", "Арагон", adequate=True),
    "us-east-1": Place("США", "Северная Виргиния", adequate=False),
}


class OperatorSettings(BaseModel):
    """The facts the policy states (template.yaml's Operator*, PersonalDataOfficer*,
    CloudContractingParty parameters; AWS_REGION is the Lambda runtime's)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    operator_name: str = Field(min_length=1)
    operator_address: str = Field(min_length=1)
    operator_inn: str = Field(pattern=r"^[0-9]{10}([0-9]{2})?$")
    personal_data_officer: str = Field(min_length=1)
    personal_data_officer_contact: str = Field(min_length=1)
    cloud_contracting_party: str = "Amazon Web Services EMEA SARL"
    aws_region: str = "eu-central-1"

    def place(self) -> str:
        found = REGION_PLACES.get(self.aws_region)
        where = f"{found.country}, {found.city}" if found else "страна не указана в REGION_PLACES"
        return f"{where} (регион AWS {self.aws_region})"


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...]


_LAW = "Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»"


def _processors(operator: OperatorSettings) -> Section:
    """ст. 6 ч. 3: who processes on the operator's instruction; ст. 12: the cross-border transfer."""
    found = REGION_PLACES.get(operator.aws_region)
    transfer = (
        f"Хранение данных за пределами Российской Федерации ({found.country}) — трансграничная "
        "передача персональных данных "
        "(статья 12 152-ФЗ). До её начала сетевая компания направляет в Роскомнадзор уведомление о "
        "намерении осуществлять трансграничную передачу (часть 3 статьи 12 в редакции, действующей с "
        "01.03.2023)."
        if found
        else "Если регион находится за пределами Российской Федерации, хранение данных в нём — "
        "трансграничная передача (статья 12 152-ФЗ), о намерении осуществлять которую сетевая компания "
        "до её начала уведомляет Роскомнадзор (часть 3 статьи 12)."
    )
    if found and found.adequate:
        transfer += (
            f" {found.country} — сторона Конвенции Совета Европы о защите физических лиц при "
            "автоматизированной обработке персональных данных, то есть государство, обеспечивающее "
            "адекватную защиту прав субъектов персональных данных (часть 2 статьи 12)."
        )
    elif found:
        transfer += (
            f" {found.country} не является стороной Конвенции Совета Европы о защите физических лиц при "
            "автоматизированной обработке персональных данных: передача начинается не ранее чем через 10 "
            "рабочих дней после уведомления, если Роскомнадзор её не запретил или не ограничил."
        )
    return Section(
        "5. Кому передаются данные и где они хранятся",
        (
            "Обработку данных по поручению сетевой компании (часть 3 статьи 6 152-ФЗ) выполняет "
            "поставщик облачных услуг Amazon Web Services; сторона договора — "
            f"{operator.cloud_contracting_party}. "
            "У него хранятся все данные личного кабинета: учётные записи и вход (Amazon Cognito), "
            "профили, заявки, показания и учётные данные АСКУЭ (Amazon DynamoDB), приложенные файлы "
            "(Amazon S3), очереди писем и заданий (Amazon SQS), ключи шифрования (AWS KMS). Место "
            f"хранения: {operator.place()}.",
            "Письма (пароль при регистрации, коды, уведомления о заявках) отправляются через сервис "
            "Amazon SES (почтовый сервис Amazon Web Services) того же региона: ему передаются адрес "
            "электронной почты и текст письма.",
            transfer,
            "Показания приборов учёта и сведения, необходимые для расчётов, — гарантирующему "
            "поставщику (энергосбытовой организации), обслуживающему потребителя, в порядке, "
            "установленном постановлением Правительства РФ № 442.",
            "Государственным органам — только в случаях и в порядке, установленных законом. Другим лицам "
            "персональные данные не передаются и не продаются.",
        ),
    )


def _retention() -> Section:
    paragraphs = []
    for entry in retention_table():
        period = f"{entry.period.russian()} {entry.counted_from}" if entry.period else entry.counted_from
        paragraphs.append(f"{entry.what} — {period}. Основание: {entry.basis}.")
    paragraphs.append(
        "Заявки, их история и показания после удаления учётной записи до конца этих сроков хранятся "
        "обезличенными — без ФИО, названия, email, телефона и учётных данных АСКУЭ; это допускает "
        "часть 2 статьи 9 152-ФЗ: после отзыва согласия оператор продолжает обработку при основаниях "
        "пунктов 2–11 части 1 статьи 6. По истечении срока записи удаляются."
    )
    return Section("4. Сроки хранения", tuple(paragraphs))


def policy_sections(operator: OperatorSettings) -> list[Section]:
    """The policy's text: who, what is collected, why, how long, to whom and where, the rights."""
    return [
        Section(
            "1. Оператор",
            (
                f"Оператор персональных данных — {operator.operator_name}, ИНН {operator.operator_inn}, "
                f"адрес: {operator.operator_address} (далее — сетевая компания). Политика издана в "
                f"соответствии с частью 2 статьи 18.1 {_LAW} и относится к личному кабинету потребителя.",
                "Лицо, ответственное за организацию обработки персональных данных (статья 22.1 152-ФЗ): "
                f"{operator.personal_data_officer}, контакт: {operator.personal_data_officer_contact}.",
            ),
        ),
        Section(
            "2. Какие данные обрабатываются",
            (
                "При регистрации: категория потребителя (физическое или юридическое лицо), ФИО (для "
                "физического лица) или название организации (для юридического лица), адрес электронной "
                "почты (имя пользователя), номер телефона; сведения о согласии (редакция текста, время, "
                "контрольная сумма текста) и дата регистрации.",
                "Данные заявок: адреса и кадастровые номера объектов, номера и показания приборов учёта, "
                "мощность и иные технические сведения, текст обращений, приложенные документы и их сканы, "
                "история рассмотрения заявки.",
                "Показания приборов учёта, переданные вручную или полученные из системы АСКУЭ, и учётные "
                "данные АСКУЭ (логин и пароль хранятся только по просьбе потребителя, пароль — в "
                "зашифрованном виде).",
                "Сведения о третьих лицах, которые потребитель сам сообщает в заявках (например, в "
                "сообщении о бездоговорном потреблении или хищении электроэнергии): потребитель "
                "указывает их только в объёме, необходимом для рассмотрения заявки.",
                "Технические данные: время входа и выхода, сведения о сеансах, журнал писем; "
                "пароль от личного кабинета сетевая компания не хранит в открытом виде.",
            ),
        ),
        Section(
            "3. Цели и основания обработки",
            (
                "Регистрация и работа личного кабинета, вход и восстановление доступа; рассмотрение "
                "заявок на технологическое присоединение и иные услуги (Правила, утверждённые "
                "постановлением Правительства РФ от 27.12.2004 № 861); учёт показаний приборов учёта "
                "(Основные положения, утверждённые постановлением Правительства РФ от 04.05.2012 № 442); "
                "связь с потребителем по его заявкам.",
                "Основания: согласие потребителя (пункт 1 части 1 статьи 6 152-ФЗ); исполнение договора, "
                "стороной которого является потребитель, и действия по его заявке до заключения договора "
                "(пункт 5 части 1 статьи 6); исполнение обязанностей сетевой компании по закону (пункт 2 "
                "части 1 статьи 6).",
            ),
        ),
        _retention(),
        _processors(operator),
        Section(
            "6. Права потребителя и как ими воспользоваться",
            (
                "Получить сведения о своих персональных данных и их обработке (статья 14 152-ФЗ): в "
                "разделе «Профиль» кнопка «Скачать мои данные» сразу выдаёт всё, что личный кабинет "
                "хранит о потребителе; эта политика называет цели, основания, сроки, обработчиков и место "
                "хранения. По запросу, направленному оператору (ниже), ту же выгрузку готовит служба "
                "поддержки.",
                "Уточнить данные (статьи 14 и 21): телефон, ФИО или название организации и email меняются "
                "в разделе «Профиль»; остальное — через заявку или обращение к ответственному лицу.",
                "Отозвать согласие и потребовать прекратить обработку и уничтожить данные (статья 21): "
                "в разделе «Профиль» — «Удалить учётную запись». Вход закрывается сразу, данные удаляются "
                "или обезличиваются в течение 30 дней (часть 5 статьи 21); отказ принять новую редакцию "
                "согласия — тоже отзыв согласия. По обращению к оператору (ниже) учётную запись так же "
                "удаляет служба поддержки; на её адрес приходит письмо об удалении.",
                "Запрос или обращение можно направить ответственному лицу "
                f"({operator.personal_data_officer}, {operator.personal_data_officer_contact}) или по "
                f"адресу оператора: ответ даётся в течение 10 рабочих дней (часть 1 статьи 20 152-ФЗ; "
                "срок может быть продлён не более чем на 5 рабочих дней с уведомлением о причинах). "
                "Действия оператора можно обжаловать в Роскомнадзоре или в суде.",
            ),
        ),
        Section(
            "7. Защита данных",
            (
                "Данные передаются только по защищённому соединению, хранятся в зашифрованном виде, "
                "доступны потребителю только после входа и только его собственные; пароли АСКУЭ "
                "зашифрованы отдельным ключом.",
            ),
        ),
        Section(
            "8. Изменение политики",
            (
                "Когда меняется текст согласия, при следующем входе личный кабинет показывает новую "
                "редакцию и просит её принять; принятие записывается так же, как первое согласие "
                "(редакция, время, контрольная сумма текста).",
            ),
        ),
    ]


def operator_settings() -> OperatorSettings:
    settings: OperatorSettings = load_settings(OperatorSettings)
    return settings
