"""The member import upload form."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

#: Large enough for a whole county (~100,000 rows is about 8 MB as .xlsx).
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class MemberImportForm(forms.Form):
    """One .xlsx file filled in from the import template."""

    file = forms.FileField(
        label="党员信息表",
        help_text="请使用导入模板填写，或用导出的名册修改后上传（已登记的党员将在确认后更新）；.xlsx 格式，不超过50MB。",
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control",
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        ),
        error_messages={"required": "请选择要导入的 Excel 文件", "empty": "上传的文件是空的"},
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只能导入 .xlsx 格式的文件（.xls 请先在 Excel/WPS 中另存为 .xlsx）")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过50MB，请分批导入")
        return upload
