"""(area: imports)"""
