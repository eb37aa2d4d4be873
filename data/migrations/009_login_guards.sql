-- Sign-in limits that hold under parallel attempts. Each sign-in first locks one row for the
-- username and one for the client address (created on first use) and decides, under those
-- locks, whether it may try at all; the failure count and the decision can then not be raced.
-- A username that has no account gets a row like any other, so a lock looks the same whether
-- the account exists or not. The lock moves here from users.locked_until.
CREATE TABLE login_guards (
  kind         text NOT NULL CHECK (kind IN ('account', 'address')),
  key          text NOT NULL,           -- the username as typed (lower-cased), or the address
  locked_until timestamptz,             -- NULL: not locked
  PRIMARY KEY (kind, key)
);

INSERT INTO login_guards (kind, key, locked_until)
  SELECT 'account', username, locked_until FROM users WHERE locked_until > now();
ALTER TABLE users DROP COLUMN locked_until;
