"""(area: member)"""
