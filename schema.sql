-- SPDX-License-Identifier: EUPL-1.2
-- schema.sql — the single source of Lotse's database layout.
-- The collector compiles this file in and applies it to a new database; the
-- reporter only reads. PRAGMA user_version records the layout's version: a
-- change of layout raises it and adds an upgrade step to collector/migrate.c
-- (the collector upgrades older databases at start and refuses newer ones);
-- docs/schema.md keeps the history. Times are UTC milliseconds since the
-- epoch. Rows are inserted in arrival order, so rowid order is (nearly) time
-- order; no index on events slows the hot insert path (docs/schema.md).

CREATE TABLE IF NOT EXISTS events (
    id        INTEGER PRIMARY KEY,
    time      INTEGER NOT NULL,  -- event time: receive time minus age, UTC ms
    site      TEXT    NOT NULL,
    type      TEXT    NOT NULL,
    path      TEXT    NOT NULL,  -- reduced path of url (no query, ids as :id)
    ref       TEXT,              -- foreign host, or reduced same-host path
    visit     INTEGER,           -- 64-bit daily keyed hash; NULL with --visit-key off
    device    TEXT,              -- mobile | tablet | desktop
    browser   TEXT,              -- browser family
    os        TEXT,              -- OS family
    service   TEXT,
    flow      TEXT,
    step      INTEGER,
    step_name TEXT,
    field     TEXT,
    error     TEXT,
    q         TEXT,              -- redacted search query
    results   INTEGER,
    href      TEXT,              -- outlink host + reduced path
    rating    INTEGER,
    reason    TEXT,
    ms        INTEGER,
    message   TEXT,              -- redacted script error message
    target    TEXT
);

CREATE TABLE IF NOT EXISTS rejects (
    id     INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL,     -- receive time, UTC ms
    reason TEXT    NOT NULL,     -- names the field and the rule
    site   TEXT,                 -- where it could be read
    type   TEXT,
    path   TEXT                  -- reduced, never the raw url
);

-- Layout 2: reports read only their period's rejects, the prune finds old
-- ones by range. Rejects are written only for refused events, never on the
-- beacon path of valid ones.
CREATE INDEX IF NOT EXISTS rejects_time ON rejects(time);

PRAGMA user_version = 2;
