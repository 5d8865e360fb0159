"""scripts/social-db status and upgrade --dry-run: what an upgrade would do,
said before it is done, with nothing changed (README, "Upgrades never touch
the database")."""

import subprocess
import uuid

import pytest

import harness

TOOL = str(harness.SOCIAL_DB_TOOL)
MIGRATIONS = sorted(p.stem for p in (harness.REPO / "sql" / "migrations")
                    .glob("[0-9][0-9][0-9]_*.sql"))


def social_db(db, *args):
    res = subprocess.run([TOOL] + list(args) + ["--socket=%s" % db.socket, "--user=root"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=120)
    return res.returncode, res.stdout.decode(), res.stderr.decode()


@pytest.fixture
def scratch_db(mariadb):
    """A database name of this test's own, dropped afterwards."""
    name = "social_plan_%s" % uuid.uuid4().hex[:8]
    yield name
    mariadb.sql("DROP DATABASE IF EXISTS `%s`" % name, database=None)


def test_status_of_an_up_to_date_database_lists_nothing(mariadb):
    code, out, err = social_db(mariadb, "status", "--database=%s" % harness.DB_NAME)
    assert code == 0, err
    assert "schema version %d" % int(MIGRATIONS[-1][:3]) in out
    assert "pending migrations: none" in out


def test_dry_run_on_a_missing_database_lists_every_step_and_creates_nothing(mariadb, scratch_db):
    code, out, err = social_db(mariadb, "upgrade", "--dry-run", "--database=%s" % scratch_db)
    assert code == 0, err
    assert "database %s: missing" % scratch_db in out
    assert "pending migrations: %d" % len(MIGRATIONS) in out
    assert "create database %s" % scratch_db in out
    steps = [line.strip() for line in out.splitlines() if line.strip().startswith("apply ")]
    assert steps[0] == "apply %s/sql/schema.sql (creates only what is missing)" % harness.REPO
    assert [s.rsplit("/", 1)[1] for s in steps[1:]] == [m + ".sql" for m in MIGRATIONS]
    assert "nothing was changed" in out
    assert mariadb.sql("SHOW DATABASES LIKE '%s'" % scratch_db, database=None) == []


def test_dry_run_and_status_name_the_pending_migration_and_change_nothing(mariadb, scratch_db):
    code, out, err = social_db(mariadb, "upgrade", "--database=%s" % scratch_db)
    assert code == 0, err
    last = MIGRATIONS[-1]
    version = int(last[:3])
    previous = int(MIGRATIONS[-2][:3])      # numbers may have gaps
    # as the previous release left it: the last migration not recorded
    mariadb.sql("DELETE FROM social_schema_version WHERE version = %d" % version,
                database=scratch_db)
    code, out, err = social_db(mariadb, "upgrade", "--dry-run", "--database=%s" % scratch_db)
    assert code == 0, err
    assert "schema version %d" % previous in out
    assert "pending migrations: 1\n  %s\n" % last in out
    assert "create database" not in out
    assert mariadb.sql("SELECT COUNT(*) FROM social_schema_version WHERE version = %d"
                       % version, database=scratch_db) == [["0"]]
    code, out, err = social_db(mariadb, "status", "--database=%s" % scratch_db)
    assert "pending migrations: 1\n  %s\n" % last in out
    # the migration is not idempotent (ALTER TABLE ... ADD COLUMN), so the
    # real upgrade is not run here; the record goes back as it was
    mariadb.sql("INSERT INTO social_schema_version (version, name) VALUES (%d, '%s')"
                % (version, last), database=scratch_db)
    code, out, err = social_db(mariadb, "status", "--database=%s" % scratch_db)
    assert "pending migrations: none" in out


def test_status_without_a_server_fails_clearly(tmp_path):
    res = subprocess.run([TOOL, "status", "--socket=%s" % (tmp_path / "none.sock"),
                          "--user=root", "--database=social"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert res.returncode == 1
    assert b"social-db: cannot reach the database server" in res.stderr


def test_dry_run_goes_only_with_upgrade():
    res = subprocess.run([TOOL, "status", "--dry-run", "--database=social"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert res.returncode == 2
    assert b"--dry-run goes with upgrade" in res.stderr
