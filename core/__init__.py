"""The bottom layer: helpers every app shares (scopes, audit, dates, money, forms, views, xlsx, admin).

``core`` imports no app of the project; ``make lint`` enforces it (import-linter).
"""
