"""Django's stock form messages, in Chinese and naming the field: “手机号码”最多20个字符（现有25个）.

Django's messages (reworded in ``locale/zh_Hans``: 最多20个字符（现有25个）)
cannot say which field; a form can.  :func:`name_fields_in_messages` runs on
every project form through ``core.forms.style_widgets`` (and so
``StyledForm``); a message a form sets itself is left alone.
"""

from __future__ import annotations

from django import forms

#: What the user is asked to do about a missing value, by kind of field.
_PICK = (forms.ChoiceField, forms.ModelChoiceField, forms.FileField)


def field_messages(field: forms.Field, label: str) -> dict[str, str]:
    """The messages of ``field`` (labelled ``label``) for Django's error codes."""
    name = f"“{label}”"
    messages = {
        "max_length": f"{name}最多%(limit_value)d个字符（现有%(show_value)d个）",
        "min_length": f"{name}至少%(limit_value)d个字符（现有%(show_value)d个）",
        "max_value": f"{name}不能大于%(limit_value)s",
        "min_value": f"{name}不能小于%(limit_value)s",
        "max_digits": f"{name}最多%(max)s位数字",
        "max_decimal_places": f"{name}最多%(max)s位小数",
        "max_whole_digits": f"{name}整数部分最多%(max)s位",
    }
    if isinstance(field, forms.BooleanField):
        messages["required"] = f"请勾选{name}"
    elif isinstance(field, _PICK):
        messages["required"] = f"请选择{name}"
    else:
        messages["required"] = f"请填写{name}"
    if isinstance(field, forms.ModelChoiceField):
        # The value is a database id, meaningless to the user: say what to do instead.
        messages["invalid_choice"] = f"{name}所选的项不在可选范围内，请从列表中重新选择"
    elif isinstance(field, forms.ChoiceField):
        messages["invalid_choice"] = f"{name}的值“%(value)s”不在可选范围内，请从列表中选择"
    if isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{name}应为整数"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{name}应为数字"
    return messages


def name_fields_in_messages(form: forms.BaseForm) -> None:
    """Give every field of ``form`` the messages of :func:`field_messages`, unless the form chose its own."""
    for field in form.fields.values():
        if not field.label:
            continue
        defaults = _default_messages(field)
        for code, text in field_messages(field, str(field.label)).items():
            current = field.error_messages.get(code)
            if current is None or str(current) == str(defaults.get(code)):
                field.error_messages[code] = text


def _default_messages(field: forms.Field) -> dict[str, str]:
    """Django's messages for ``field``'s class, to tell them from ones a form set itself."""
    messages: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages
