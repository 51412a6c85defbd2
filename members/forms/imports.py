"""The member import upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from core.uploads import check_upload, upload_max_bytes


class MemberImportForm(forms.Form):
    """One .xlsx file filled in from the import template."""

    file = forms.FileField(
        label="党员信息表",
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "请使用导入模板填写，或用导出的名册修改后上传（已登记的党员将在确认后更新）；"
            f".xlsx 格式，不超过{upload_max_bytes() // 1024 // 1024} MB。"
        )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能导入 .xlsx 格式的文件（.xls 请先在 Excel/WPS 中另存为 .xlsx）")
        check_upload(upload)  # size (UPLOAD_MAX_MB) and the inflated size, before it is stored
        return upload
