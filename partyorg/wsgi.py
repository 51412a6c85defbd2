"""WSGI entry point for gunicorn: `gunicorn partyorg.wsgi` (and what `runserver` serves)."""

import os

from django.core.wsgi import get_wsgi_application

from core.security import refuse_development_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyorg.settings")

application = get_wsgi_application()
# A server with DEBUG=False does not start on the development SECRET_KEY (see core.security).
refuse_development_key()
