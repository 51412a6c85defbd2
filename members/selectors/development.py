"""(area: development)"""
