"""Pages for members in motion: 介绍信 (issue, accept, receipt, void, re-issue, print), the work queue,
certificates, the 流动党员 register, leaving the Party, and lost contact with its flags.

One module per area; ``urls`` joins theirs (the URL names are the ``members:`` ones).
"""

from . import certificates, leaving, letters, lost_contact, mobile

urls = letters.urls + certificates.urls + mobile.urls + leaving.urls + lost_contact.urls
