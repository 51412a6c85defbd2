"""(area: transfers)"""

urls: list = []
