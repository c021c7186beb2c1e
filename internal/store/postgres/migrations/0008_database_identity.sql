-- 0008: the database's identity, a random id drawn once when the schema is
-- created, so a tool that opens a database itself (`hotel loadtest`'s
-- invariant check) can tell whether it is the one a server uses.

CREATE TABLE database_identity (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    database_id TEXT    NOT NULL CHECK (length(database_id) = 32)
);

INSERT INTO database_identity (id, database_id) VALUES (1, replace(gen_random_uuid()::text, '-', ''));
