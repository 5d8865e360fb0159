-- 013: leases for work that must run once across every httpd process and
-- host (e-mail digests). A lease is a row: whoever sets holder and a
-- future expiry in one UPDATE (guarded by "expired, or mine") holds it
-- until it lets go or the expiry passes (a holder that died). This
-- replaces GET_LOCK, which MariaDB refuses when wsrep is on (Galera,
-- error 1235): an UPDATE replicates, and two nodes claiming at once
-- conflict at commit, where the loser's transaction is run again and
-- then finds the row taken.
CREATE TABLE IF NOT EXISTS social_leases (
    name        VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    holder      VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
    expires_at  TIMESTAMP(3) NOT NULL DEFAULT '1970-01-01 00:00:01.000'
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

INSERT IGNORE INTO social_leases (name) VALUES ('mail');
