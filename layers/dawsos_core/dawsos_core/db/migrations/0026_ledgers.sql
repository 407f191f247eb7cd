-- Ledgers registered by their owners. A ledger is a Git repository (a remote URL and ref,
-- read with a token kept in Secrets Manager) or, locally, a path; its pushes are signed with
-- its webhook secret (or the secret in Secrets Manager named by its ARN). Its commits are
-- those of ledger_commits with its id (keyed by ledger_id since 0017).
--
-- A portfolio belongs to one ledger, and only that ledger's owner may cut portfolios from
-- it. owner_sub NULL marks a ledger of the operator, whose portfolios the operator cuts for
-- any owner (with the CLI): NULL can never be the subject of a token, where any text
-- could. The ledgers portfolios and commits named so far are registered here: each is
-- owned by the owner of its portfolios if there is exactly one, else by the operator, and
-- has no source (a ledger registered through the API always has one): the operator syncs
-- it from a path, as before.

CREATE TABLE ledgers (
    id                 text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    owner_sub          text CHECK (length(owner_sub) BETWEEN 1 AND 256),
    remote_url         text CHECK (remote_url ~ '^(https?|file)://' AND length(remote_url) <= 2048),
    remote_ref         text CHECK (length(remote_ref) BETWEEN 1 AND 256),
    token_secret_arn   text CHECK (token_secret_arn ~ '^arn:aws[a-z-]*:secretsmanager:'),
    local_path         text CHECK (length(local_path) BETWEEN 1 AND 4096),
    webhook_secret     text CHECK (length(webhook_secret) BETWEEN 16 AND 256),
    webhook_secret_arn text CHECK (webhook_secret_arn ~ '^arn:aws[a-z-]*:secretsmanager:'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (remote_url IS NULL OR local_path IS NULL),
    CHECK ((remote_url IS NULL) = (remote_ref IS NULL)),
    CHECK (token_secret_arn IS NULL OR remote_url IS NOT NULL),
    CHECK (webhook_secret IS NULL OR webhook_secret_arn IS NULL)
);

CREATE INDEX ledgers_owner ON ledgers (owner_sub);

INSERT INTO ledgers (id, owner_sub)
SELECT l.id,
       (SELECT CASE WHEN count(DISTINCT p.owner_sub) = 1 THEN min(p.owner_sub) END
        FROM portfolios p WHERE p.ledger_id = l.id)
FROM (SELECT 'default' AS id UNION SELECT ledger_id FROM portfolios
      UNION SELECT ledger_id FROM ledger_commits) l;

ALTER TABLE portfolios ADD CONSTRAINT portfolios_ledger_fk
    FOREIGN KEY (ledger_id) REFERENCES ledgers (id);

-- The ledger's owner is the portfolio's, or the ledger is the operator's. Checked for each
-- row written, whoever writes it (the API's role, the CLI, a superuser).
CREATE FUNCTION portfolios_of_their_ledgers_owner() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    holder text;
BEGIN
    SELECT owner_sub INTO holder FROM ledgers WHERE id = NEW.ledger_id;
    IF holder IS NOT NULL AND holder <> NEW.owner_sub THEN
        RAISE EXCEPTION 'portfolio % cannot be cut from ledger %: only its owner may cut portfolios from it',
            NEW.id, NEW.ledger_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER portfolios_of_their_ledgers_owner
    BEFORE INSERT OR UPDATE OF ledger_id, owner_sub ON portfolios
    FOR EACH ROW EXECUTE FUNCTION portfolios_of_their_ledgers_owner();

-- A ledger's identity and owner never change; nothing is deleted (its commits stay).
CREATE FUNCTION ledgers_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id
       OR NEW.owner_sub IS DISTINCT FROM OLD.owner_sub OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'ledger %: its id, owner and creation cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER ledgers_guard BEFORE UPDATE OR DELETE ON ledgers
    FOR EACH ROW EXECUTE FUNCTION ledgers_guard();
CREATE TRIGGER ledgers_no_truncate BEFORE TRUNCATE ON ledgers
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

-- The owner sees its own ledgers, without their webhook secret; the pack builder, which
-- syncs every ledger and verifies its pushes, sees them all.
ALTER TABLE ledgers ENABLE ROW LEVEL SECURITY;
GRANT SELECT (id, owner_sub, remote_url, remote_ref, token_secret_arn, local_path,
    webhook_secret_arn, created_at) ON ledgers TO dawsos_execute;
GRANT SELECT ON ledgers TO dawsos_pack_builder;

CREATE POLICY ledgers_of_the_caller ON ledgers FOR SELECT TO dawsos_execute
    USING (owner_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY ledgers_for_the_pack_builder ON ledgers FOR SELECT TO dawsos_pack_builder
    USING (true);
