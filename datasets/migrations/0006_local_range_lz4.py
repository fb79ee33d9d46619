"""Range payloads are stored uncompressed from now on (datasets/stores/local/trees.py):
let PostgreSQL compress them with lz4, far cheaper than zlib, or not at all where the
server was built without lz4. SQLite keeps them as they are."""

from django.db import migrations

LZ4 = """
DO $$ BEGIN
    ALTER TABLE datasets_localrange ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    ALTER TABLE datasets_localrange ALTER COLUMN payload SET STORAGE EXTERNAL;
END $$;
"""
DEFAULT = """
ALTER TABLE datasets_localrange ALTER COLUMN payload SET COMPRESSION default;
ALTER TABLE datasets_localrange ALTER COLUMN payload SET STORAGE EXTENDED;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LZ4)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("datasets", "0005_snapshot_records")]

    operations = [migrations.RunPython(forwards, backwards)]
