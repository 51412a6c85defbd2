"""(area: development)"""

urls: list = []
