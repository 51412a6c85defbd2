"""(area: care)"""
