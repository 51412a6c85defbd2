"""(area: imports)"""

urls: list = []
