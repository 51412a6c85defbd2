"""(area: care)"""

urls: list = []
