from django.db import migrations

# The database cache table the default cache falls back to while Redis is down (the schema
# `createcachetable` gives DatabaseCache). It holds no tenant row: keys carry the cooperative.
CREATE = """
CREATE TABLE core_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX core_cache_expires ON core_cache (expires);
"""


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunSQL(CREATE, reverse_sql="DROP TABLE core_cache;")]
