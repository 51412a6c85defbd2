"""The raw audit log spans every scope: only superusers may open it in the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_with_log_permission_still_cannot_read_the_whole_log(client, committee_staff):
    committee_staff.is_staff = True
    committee_staff.save()
    committee_staff.user_permissions.add(
        Permission.objects.get(codename="view_logentry", content_type__app_label="auditlog")
    )
    client.force_login(committee_staff)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403


def test_superuser_reads_the_log(client, admin_user, member_a):
    client.force_login(admin_user)
    response = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code == 200
