"""Template helpers of the list include (core.lists)."""

from __future__ import annotations

from django import template

from core.lists import Listing, Section

register = template.Library()


@register.filter
def page_url(listing: Listing, number: int) -> str:
    """The list's URL for page ``number``, keeping filters, sort and page size."""
    return listing.page_url(int(number))


@register.filter
def section_page_url(section: Section, number: int) -> str:
    """A section's URL for its page ``number``, keeping the other sections' pages."""
    return section.page_url(int(number))
