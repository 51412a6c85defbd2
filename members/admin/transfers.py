"""Django admin of transfers, certificates, mobile members, leaving, lost contact and 恢复党籍.

Scoped like every page (``visible_to``; foreign-key choices limited to the
user's scope by :class:`ScopedAdmin`).  These records have a lifecycle with
side effects on the member's history (a move, leaving the roll, the mobile
flag), so the admin only looks: every change goes through the pages and
their services.
"""

from __future__ import annotations

from django.contrib import admin

from core.admin import ViewOnlyScopedAdmin

from ..models import Certificate, Departure, LostContact, MobileRegistration, Restoration, Transfer


@admin.register(Transfer)
class TransferAdmin(ViewOnlyScopedAdmin):
    list_display = (
        "letter_no",
        "kind",
        "status",
        "person_name",
        "masked_id",
        "from_org",
        "to_org",
        "issued_on",
        "valid_until",
        "completed_on",
    )
    list_filter = ("kind", "status")
    # The ID is shown masked: ScopedAdmin.get_search_results matches the whole number only.
    search_fields = ("letter_no", "person_name", "from_external", "to_external")
    list_select_related = ("from_org", "to_org")
    date_hierarchy = "issued_on"
    exclude = ("person_id_number",)
    readonly_fields = ("masked_id",)

    @admin.display(description="公民身份号码")
    def masked_id(self, obj: Transfer) -> str:
        return obj.masked_id_number


@admin.register(Certificate)
class CertificateAdmin(ViewOnlyScopedAdmin):
    list_display = ("number", "member", "organization", "destination", "issued_on", "valid_until")
    search_fields = ("number", "member__name", "destination")
    list_select_related = ("member", "organization")
    date_hierarchy = "issued_on"


@admin.register(MobileRegistration)
class MobileRegistrationAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "destination", "contact", "card_no", "since", "until")
    list_filter = (("until", admin.EmptyFieldListFilter),)
    search_fields = ("member__name", "destination", "card_no")
    list_select_related = ("member", "organization")


@admin.register(Departure)
class DepartureAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "reason", "day", "document_no")
    list_filter = ("reason",)
    search_fields = ("member__name", "document_no", "note")
    list_select_related = ("member", "organization")
    date_hierarchy = "day"


@admin.register(LostContact)
class LostContactAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "since", "resolved_on", "resolution")
    list_filter = (("resolved_on", admin.EmptyFieldListFilter),)
    search_fields = ("member__name", "measures", "resolution")
    list_select_related = ("member", "organization")


@admin.register(Restoration)
class RestorationAdmin(ViewOnlyScopedAdmin):
    list_display = ("member", "organization", "suspended_on", "day", "document_no")
    search_fields = ("member__name", "document_no", "note")
    list_select_related = ("member", "organization")
    date_hierarchy = "day"
