"""Django's password validators with the project's Chinese messages.

Django 5.2's zh-Hans catalogue has no translation of the minimum-length
message (it comes out in English) and words the others unevenly; these
subclasses keep Django's rules and say them in one voice.  Listed in
``AUTH_PASSWORD_VALIDATORS``.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    #: ``full_name`` too: a password made of one's own name is the first one guessed.
    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "first_name", "last_name", "email")

    def __init__(
        self, user_attributes: tuple[str, ...] = DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7
    ):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return "密码与“%(verbose_name)s”太相似，请换一个"

    def get_help_text(self) -> str:
        return "密码不能与用户名、姓名等个人信息相似。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短，至少需要{self.min_length}个字符"

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}个字符。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return "密码过于常见，容易被猜到，请换一个"

    def get_help_text(self) -> str:
        return "密码不能是常见密码（如 12345678、password）。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return "密码不能全是数字"

    def get_help_text(self) -> str:
        return "密码不能全是数字。"
