"""(area: transfers)"""
