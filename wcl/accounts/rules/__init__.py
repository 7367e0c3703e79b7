"""The permission rules, by domain; the table that names them is ``wcl.accounts.permissions``.

``roles``: roles and the lab-scope helpers. The other modules hold the object rules
(``rule(user, obj) -> bool``) of one area each: ``applications`` (calls, reviews,
pitch days), ``cohorts`` (cohorts, support, alumni), ``campaigns`` (campaigns and
their money, grant funds), ``community`` (demographics, Ashar, events, organisations).
They read other domains only through their ``queries`` modules.
"""
