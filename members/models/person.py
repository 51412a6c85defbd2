"""The person fields a member, an applicant and a transfer letter carry, defined once."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.validators import validate_person_name, validate_phone

from ..choices import ETHNICITY_CHOICES, HAN, Education, Gender, Occupation


class PersonFields(models.Model):
    """The person fields ``Member`` and ``Applicant`` define identically (each adds its own ``id_number``)."""

    name = models.CharField("姓名", max_length=50, validators=[validate_person_name])
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=10, choices=ETHNICITY_CHOICES, default=HAN)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=20, choices=Education.choices)
    occupation = models.CharField("人员类别", max_length=20, choices=Occupation.choices)
    is_frontline = models.BooleanField("生产一线", default=False)
    phone = models.CharField("手机号码", max_length=20, blank=True, validators=[validate_phone])
    work_unit = models.CharField("工作单位及职务", max_length=100, blank=True)

    class Meta:
        abstract = True


#: The person fields an applicant carries into the ``Member`` created at admission (in form order).
#: ``id_number`` and ``is_rural`` are on both models but defined differently (uniqueness, label).
PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "occupation",
    "is_frontline",
    "is_rural",
    "phone",
    "work_unit",
)

#: The member fields a transfer letter records; ``Transfer`` stores each as ``person_<name>``.
TRANSFER_PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "status",
    "joined_on",
    "full_on",
    "education",
    "occupation",
    "phone",
    "work_unit",
)


def person_snapshot(
    person: Any, fields: tuple[str, ...] = PERSON_FIELDS, *, prefix: str = ""
) -> dict[str, Any]:
    """A copy of a member's (or applicant's) person fields, keyed ``prefix + name`` for the record that keeps them.

    Admission: ``Member(**person_snapshot(applicant))``; a transfer letter:
    ``Transfer(**person_snapshot(member, TRANSFER_PERSON_FIELDS, prefix="person_"))``.
    """
    return {f"{prefix}{name}": getattr(person, name) for name in fields}
