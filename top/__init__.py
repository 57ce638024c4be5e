"""The top of the house: apps that read and write through every domain app.

`dashboards` (each member's home page and the cooperative's figures), `onboarding` (setting up a
cooperative, its people and its imports) and `demo` (the demo seed, through the same services as
users). Nothing below imports from here; only the composition root (`perspectives.settings`,
`urls`, `celery`) names these apps.
"""
