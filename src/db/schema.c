/*
 * schema.c: the database's schema as numbered migrations.
 *
 * Migrations are forward-only and keyed on PRAGMA user_version: entry i of
 * db_migrations[] takes the schema from version i to i + 1, in its own
 * transaction (run by open.c).  Later features append entries; never edit a
 * released one: databases in the field were made by it.
 */
#include <sqlite3.h>

#include "db/internal.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* Bengali vowel signs and virama are category M*: they stay inside words. */
#define FTS_TOKENIZER "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"

static const char migration_1[] =
    "CREATE TABLE division ("
    " id INTEGER PRIMARY KEY,"
    " name_en TEXT NOT NULL UNIQUE,"
    " name_bn TEXT NOT NULL,"
    " alt_name_en TEXT,"
    " website TEXT,"
    " source TEXT"
    ");"
    "CREATE TABLE district ("
    " id INTEGER PRIMARY KEY,"
    " division_id INTEGER NOT NULL REFERENCES division(id),"
    " name_en TEXT NOT NULL UNIQUE,"
    " name_bn TEXT NOT NULL,"
    " alt_name_en TEXT,"
    " lat REAL,"
    " lon REAL,"
    " website TEXT,"
    " source TEXT"
    ");"
    "CREATE INDEX district_division ON district(division_id);"
    "CREATE TABLE municipality ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('paurashava', 'city_corporation')),"
    " name_en TEXT NOT NULL CHECK (name_en <> ''),"
    " name_bn TEXT NOT NULL CHECK (name_bn <> ''),"
    " class TEXT CHECK (class IN ('A', 'B', 'C')),"
    " district_id INTEGER NOT NULL REFERENCES district(id),"
    " established INTEGER,"
    " wards INTEGER CHECK (wards >= 1),"
    " population INTEGER CHECK (population >= 0),"
    " area REAL CHECK (area > 0),"
    " mayor_en TEXT,"
    " mayor_bn TEXT,"
    " phone TEXT,"
    " email TEXT,"
    " website TEXT,"
    " address TEXT,"
    " notes TEXT,"
    " source TEXT,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " updated_by TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX municipality_district ON municipality(district_id);"
    "CREATE INDEX municipality_name_en ON municipality(name_en COLLATE NOCASE);"
    "CREATE INDEX municipality_name_bn ON municipality(name_bn);"
    /* A row here (only ever inside a write transaction) makes the triggers
     * below leave muni_fts alone: a bulk writer (seed, import) then
     * indexes all its rows with one statement at the end, which is many
     * times faster than one FTS5 flush per row (db/import.c). */
    "CREATE TABLE search_defer (on_ INTEGER);"
    "CREATE VIRTUAL TABLE muni_fts USING fts5(name_en, name_bn, district_en, district_bn,"
    " division_en, division_bn, mayor_en, mayor_bn, tokenize = \"" FTS_TOKENIZER "\");"
    /* Kept in sync by triggers, so no code path can forget it. */
    "CREATE TRIGGER municipality_fts_insert AFTER INSERT ON municipality"
    " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
    " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
        "new") " FROM district d"
               " JOIN division v ON v.id = d.division_id WHERE d.id = new.district_id;"
               " END;"
               "CREATE TRIGGER municipality_fts_delete AFTER DELETE ON municipality"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM muni_fts WHERE rowid = old.id;"
               " END;"
               "CREATE TRIGGER municipality_fts_update AFTER UPDATE ON municipality"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM muni_fts WHERE rowid = old.id;"
               " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                   "new") " FROM district d"
                          " JOIN division v ON v.id = d.division_id WHERE d.id = new.district_id;"
                          " END;"
                          "CREATE TRIGGER district_fts_update AFTER UPDATE OF name_en, name_bn, "
                          "alt_name_en,"
                          " division_id ON district BEGIN"
                          " DELETE FROM muni_fts WHERE rowid IN (SELECT id FROM municipality WHERE "
                          "district_id = new.id);"
                          " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                              "m") " FROM municipality m"
                                   " JOIN district d ON d.id = m.district_id JOIN division v ON "
                                   "v.id = d.division_id"
                                   " WHERE d.id = new.id;"
                                   " END;"
                                   "CREATE TRIGGER division_fts_update AFTER UPDATE OF name_en, "
                                   "name_bn, alt_name_en"
                                   " ON division BEGIN"
                                   " DELETE FROM muni_fts WHERE rowid IN (SELECT m.id FROM "
                                   "municipality m"
                                   " JOIN district d ON d.id = m.district_id WHERE d.division_id = "
                                   "new.id);"
                                   " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                                       "m") " FROM municipality m"
                                            " JOIN district d ON d.id = m.district_id JOIN "
                                            "division v ON v.id = d.division_id"
                                            " WHERE v.id = new.id;"
                                            " END;"
                                            "CREATE TABLE audit ("
                                            " id INTEGER PRIMARY KEY,"
                                            " at TEXT NOT NULL,"
                                            " user TEXT NOT NULL,"
                                            " action TEXT NOT NULL,"
                                            " record_kind TEXT NOT NULL,"
                                            " record_id INTEGER NOT NULL,"
                                            " before TEXT,"
                                            " after TEXT"
                                            ");"
                                            "CREATE INDEX audit_record ON audit(record_kind, "
                                            "record_id);"
                                            "CREATE INDEX audit_user ON audit(user);"
                                            "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                                            "BEGIN"
                                            " SELECT RAISE(ABORT, 'the audit log is append-only');"
                                            " END;"
                                            "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                                            "BEGIN"
                                            " SELECT RAISE(ABORT, 'the audit log is append-only');"
                                            " END;"
                                            "CREATE TABLE pages ("
                                            " key TEXT NOT NULL,"
                                            " lang TEXT NOT NULL,"
                                            " body TEXT NOT NULL,"
                                            " version INTEGER NOT NULL DEFAULT 1,"
                                            " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
                                            " updated_by TEXT NOT NULL DEFAULT '',"
                                            " PRIMARY KEY (key, lang)"
                                            ");"
                                            /* SSH users and their public keys (src/db/user.c). */
                                            "CREATE TABLE users ("
                                            " id INTEGER PRIMARY KEY,"
                                            " name TEXT NOT NULL UNIQUE,"
                                            " role TEXT NOT NULL,"
                                            " municipality_id INTEGER REFERENCES municipality(id),"
                                            " password_hash TEXT,"
                                            " disabled INTEGER NOT NULL DEFAULT 0,"
                                            " created_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
                                            " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
                                            " version INTEGER NOT NULL DEFAULT 1"
                                            ");"
                                            "CREATE TABLE user_keys ("
                                            " id INTEGER PRIMARY KEY,"
                                            " user_id INTEGER NOT NULL REFERENCES users(id) ON "
                                            "DELETE CASCADE,"
                                            " algo TEXT NOT NULL,"
                                            " key_b64 TEXT NOT NULL,"
                                            " fingerprint TEXT NOT NULL UNIQUE,"
                                            " comment TEXT,"
                                            " created_at TEXT NOT NULL DEFAULT (" NOW_SQL ")"
                                            ");"
                                            "CREATE INDEX user_keys_user ON user_keys(user_id);";

/* 0.2: the people of each municipality (src/kinds/contact.c). */
static const char migration_2[] =
    "CREATE TABLE contact ("
    " id INTEGER PRIMARY KEY,"
    " name_en TEXT,"
    " name_bn TEXT,"
    " position TEXT NOT NULL CHECK (position IN ('mayor', 'panel_mayor', 'councillor',"
    " 'reserved_councillor', 'ceo', 'secretary', 'executive_engineer', 'assistant_engineer',"
    " 'focal_person', 'other')),"
    " position_other TEXT,"
    " municipality_id INTEGER NOT NULL REFERENCES municipality(id),"
    " phone TEXT,"
    " email TEXT,"
    " from_date TEXT,"
    " to_date TEXT,"
    " notes TEXT,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " updated_by TEXT NOT NULL DEFAULT '',"
    " CHECK (coalesce(name_en, '') <> '' OR coalesce(name_bn, '') <> '')"
    ");"
    "CREATE INDEX contact_municipality ON contact(municipality_id);"
    "CREATE INDEX contact_name_en ON contact(name_en COLLATE NOCASE);"
    "CREATE INDEX contact_name_bn ON contact(name_bn);"
    "CREATE VIRTUAL TABLE contact_fts USING fts5(name_en, name_bn, position, municipality_en,"
    " municipality_bn, tokenize = \"" FTS_TOKENIZER "\");"
    "CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact"
    " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
    " INSERT INTO contact_fts(" CONTACT_FTS_COLUMNS ") SELECT " CONTACT_FTS_VALUES(
        "new") " FROM municipality m WHERE m.id = new.municipality_id;"
               " END;"
               "CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM contact_fts WHERE rowid = old.id;"
               " END;"
               "CREATE TRIGGER contact_fts_update AFTER UPDATE ON contact"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM contact_fts WHERE rowid = old.id;"
               " INSERT INTO contact_fts(" CONTACT_FTS_COLUMNS ") SELECT " CONTACT_FTS_VALUES(
                   "new") " FROM municipality m WHERE m.id = new.municipality_id;"
                          " END;"
                          /* A body's new name is found in its people too (rare: not deferred). */
                          "CREATE TRIGGER municipality_contact_fts AFTER UPDATE OF name_en, "
                          "name_bn ON municipality"
                          " BEGIN"
                          " DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM contact WHERE "
                          "municipality_id ="
                          " new.id);"
                          " INSERT INTO contact_fts(" CONTACT_FTS_COLUMNS
                          ") SELECT " CONTACT_FTS_VALUES(
                              "c") " FROM contact c JOIN municipality m ON m.id = "
                                   "c.municipality_id WHERE m.id = new.id;"
                                   " END;";

/* 0.2: accounts saved by the generic record code (src/kinds/user.c), which
 * stamps who saved a record last, as every other editable table does. */
static const char migration_3[] =
    "ALTER TABLE users ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';";

/*
 * 0.3: the subscribers of the Municipality Digest (src/kinds/subscriber.c,
 * db/subscriber.c).  The address is stored as typed and is unique without
 * regard to case through email_key.  Tokens are hex of 128 random bits
 * (getrandom), unique, so a link's token finds its row through an index;
 * they are in no list, export or audit picture.  Every status a subscriber
 * takes is stamped and written to subscriber_history by the triggers, so
 * no write path can forget it.
 */
static const char migration_4[] =
    "CREATE TABLE subscriber ("
    " id INTEGER PRIMARY KEY,"
    " email TEXT NOT NULL CHECK (email <> ''),"
    " email_key TEXT NOT NULL GENERATED ALWAYS AS (lower(email)) VIRTUAL,"
    " name TEXT,"
    " municipality_id INTEGER REFERENCES municipality(id),"
    " lang TEXT NOT NULL CHECK (lang IN ('bn', 'en')),"
    " status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'bounced')),"
    " status_reason TEXT,"
    " consent_how TEXT NOT NULL CHECK (consent_how IN ('kiosk', 'ssh', 'staff', 'import')),"
    " consent_by TEXT,"
    " consent_note TEXT,"
    " consent_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " confirm_token TEXT NOT NULL UNIQUE,"
    " unsubscribe_token TEXT NOT NULL UNIQUE,"
    " token_issued_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " created_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " confirmed_at TEXT,"
    " unsubscribed_at TEXT,"
    " bounced_at TEXT,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " updated_by TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE UNIQUE INDEX subscriber_email_key ON subscriber(email_key);"
    "CREATE INDEX subscriber_municipality ON subscriber(municipality_id);"
    "CREATE INDEX subscriber_status ON subscriber(status, lang);"
    "CREATE INDEX subscriber_name ON subscriber(name COLLATE NOCASE);"
    "CREATE TABLE subscriber_history ("
    " id INTEGER PRIMARY KEY,"
    " subscriber_id INTEGER NOT NULL REFERENCES subscriber(id) ON DELETE CASCADE,"
    " at TEXT NOT NULL,"
    " from_status TEXT,"
    " to_status TEXT NOT NULL,"
    " by TEXT NOT NULL,"
    " reason TEXT"
    ");"
    "CREATE INDEX subscriber_history_subscriber ON subscriber_history(subscriber_id);"
    "CREATE TRIGGER subscriber_status_insert AFTER INSERT ON subscriber BEGIN"
    " INSERT INTO subscriber_history(subscriber_id, at, from_status, to_status, by, reason)"
    " VALUES (new.id, " NOW_SQL ", NULL, new.status, new.updated_by, new.status_reason);"
    " UPDATE subscriber SET"
    " confirmed_at = CASE new.status WHEN 'active' THEN " NOW_SQL " END,"
    " unsubscribed_at = CASE new.status WHEN 'unsubscribed' THEN " NOW_SQL " END,"
    " bounced_at = CASE new.status WHEN 'bounced' THEN " NOW_SQL " END"
    " WHERE id = new.id AND new.status <> 'pending';"
    " END;"
    "CREATE TRIGGER subscriber_status_update AFTER UPDATE OF status ON subscriber"
    " WHEN old.status IS NOT new.status BEGIN"
    " INSERT INTO subscriber_history(subscriber_id, at, from_status, to_status, by, reason)"
    " VALUES (new.id, " NOW_SQL ", old.status, new.status, new.updated_by, new.status_reason);"
    " UPDATE subscriber SET"
    " confirmed_at = CASE new.status WHEN 'active' THEN " NOW_SQL " ELSE confirmed_at END,"
    " unsubscribed_at = CASE new.status WHEN 'unsubscribed' THEN " NOW_SQL
    " ELSE unsubscribed_at END,"
    " bounced_at = CASE new.status WHEN 'bounced' THEN " NOW_SQL " ELSE bounced_at END"
    " WHERE id = new.id;"
    " END;"
    "CREATE VIRTUAL TABLE subscriber_fts USING fts5(email, name, tokenize = \"" FTS_TOKENIZER "\");"
    "CREATE TRIGGER subscriber_fts_insert AFTER INSERT ON subscriber"
    " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
    " INSERT INTO subscriber_fts(" SUBSCRIBER_FTS_COLUMNS ") VALUES (" SUBSCRIBER_FTS_VALUES(
        "new") ");"
               " END;"
               "CREATE TRIGGER subscriber_fts_delete AFTER DELETE ON subscriber"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM subscriber_fts WHERE rowid = old.id;"
               " END;"
               "CREATE TRIGGER subscriber_fts_update AFTER UPDATE OF email, name ON subscriber"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM subscriber_fts WHERE rowid = old.id;"
               " INSERT INTO subscriber_fts(" SUBSCRIBER_FTS_COLUMNS
               ") VALUES (" SUBSCRIBER_FTS_VALUES("new") ");"
                                                         " END;";

/*
 * 0.3: when a subscriber's confirmation message was mailed (NULL: not
 * yet), so "subscribers send-confirmations" mails each pending address
 * once per token.  A new token (re-issued, the form sent again, an
 * unsubscription) clears it through the trigger, so no write path can
 * forget to have the new link mailed.
 */
static const char migration_5[] =
    "ALTER TABLE subscriber ADD COLUMN confirm_mailed_at TEXT;"
    "CREATE TRIGGER subscriber_token_reissued AFTER UPDATE OF confirm_token ON subscriber"
    " WHEN old.confirm_token IS NOT new.confirm_token BEGIN"
    " UPDATE subscriber SET confirm_mailed_at = NULL WHERE id = new.id;"
    " END;";

/*
 * 0.3: what an SSH account chose for itself -- its language and lean mode
 * -- kept for its next login (NULL: not chosen; the server's defaults).
 */
static const char migration_6[] = "ALTER TABLE users ADD COLUMN lang TEXT"
                                  " CHECK (lang IS NULL OR lang IN ('bn', 'en'));"
                                  "ALTER TABLE users ADD COLUMN lean INTEGER"
                                  " CHECK (lean IS NULL OR lean IN (0, 1));";

/*
 * 0.3: events (src/kinds/event.c, issue 8).  Start and end are UTC
 * ("2026-12-01T04:00:00Z"), or dates alone for an all-day event, whose
 * end is its last day.  The recurrence is kept as the form asks it
 * (repeat, interval, weekdays, by day of month or by weekday, until a
 * date in the configured zone, or a count); the RRULE is built from
 * these (src/evrecur.c).  An occurrence cancelled (EXDATE) or moved
 * (RECURRENCE-ID) is a row of event_exception, named by the start the
 * rule gives it; a new start or rule drops them.  The uid is the iCalendar UID that re-imports
 * match.
 */
static const char migration_7[] =
    "CREATE TABLE event ("
    " id INTEGER PRIMARY KEY,"
    " uid TEXT NOT NULL UNIQUE CHECK (uid <> ''),"
    " title_en TEXT,"
    " title_bn TEXT,"
    " description_en TEXT,"
    " description_bn TEXT,"
    " category TEXT NOT NULL CHECK (category IN ('training', 'workshop', 'meeting',"
    " 'advocacy', 'holiday', 'other')),"
    " municipality_id INTEGER REFERENCES municipality(id),"
    " location TEXT,"
    " contact TEXT,"
    " start_at TEXT NOT NULL,"
    " end_at TEXT NOT NULL,"
    " all_day INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),"
    " recur TEXT NOT NULL DEFAULT 'none' CHECK (recur IN ('none', 'daily', 'weekly',"
    " 'monthly', 'yearly')),"
    " recur_interval INTEGER CHECK (recur_interval >= 1),"
    " recur_weekdays TEXT,"
    " recur_monthly TEXT CHECK (recur_monthly IN ('day', 'weekday', 'last_weekday')),"
    " recur_until TEXT,"
    " recur_count INTEGER CHECK (recur_count >= 1),"
    " version INTEGER NOT NULL DEFAULT 1,"
    " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " updated_by TEXT NOT NULL DEFAULT '',"
    " CHECK (coalesce(title_en, '') <> '' OR coalesce(title_bn, '') <> ''),"
    " CHECK (end_at >= start_at)"
    ");"
    "CREATE INDEX event_start ON event(start_at);"
    "CREATE INDEX event_municipality ON event(municipality_id, start_at);"
    "CREATE TABLE event_exception ("
    " id INTEGER PRIMARY KEY,"
    " event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
    " original_start TEXT NOT NULL,"
    " cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),"
    " start_at TEXT,"
    " end_at TEXT,"
    " UNIQUE (event_id, original_start),"
    " CHECK (cancelled = 1 OR (start_at IS NOT NULL AND end_at >= start_at))"
    ");"
    /* The exceptions name occurrences by the start the rule gives them: a
     * new start or rule gives other occurrences, and the old names would
     * only linger unmatched. */
    "CREATE TRIGGER event_exception_stale AFTER UPDATE OF start_at, recur, recur_interval,"
    " recur_weekdays, recur_monthly ON event"
    " WHEN old.start_at IS NOT new.start_at OR old.recur IS NOT new.recur"
    " OR old.recur_interval IS NOT new.recur_interval"
    " OR old.recur_weekdays IS NOT new.recur_weekdays"
    " OR old.recur_monthly IS NOT new.recur_monthly BEGIN"
    " DELETE FROM event_exception WHERE event_id = new.id;"
    " END;"
    "CREATE VIRTUAL TABLE event_fts USING fts5(title_en, title_bn, location,"
    " tokenize = \"" FTS_TOKENIZER "\");"
    "CREATE TRIGGER event_fts_insert AFTER INSERT ON event"
    " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
    " INSERT INTO event_fts(" EVENT_FTS_COLUMNS
    ") VALUES (" EVENT_FTS_VALUES("new") ");"
                                         " END;"
                                         "CREATE TRIGGER event_fts_delete AFTER DELETE ON event"
                                         " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
                                         " DELETE FROM event_fts WHERE rowid = old.id;"
                                         " END;"
                                         "CREATE TRIGGER event_fts_update AFTER UPDATE OF "
                                         "title_en, title_bn, location ON event"
                                         " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
                                         " DELETE FROM event_fts WHERE rowid = old.id;"
                                         " INSERT INTO event_fts(" EVENT_FTS_COLUMNS
                                         ") VALUES (" EVENT_FTS_VALUES("new") ");"
                                                                              " END;";

/*
 * 0.3: the calendar's window query (db_event_window()) decides from these
 * columns alone which events can reach a month; covering them, it reads
 * the table only for those (a tenth of the time with 50,000 events).
 */
static const char migration_8[] =
    "CREATE INDEX event_window ON event(start_at, end_at, recur, recur_until, recur_count,"
    " recur_interval, municipality_id);";

const struct db_migration db_migrations[] = {
    {migration_1, db_seed_load}, /* 0.1 */
    {migration_2, NULL},         /* 0.2: contact */
    {migration_3, NULL},         /* 0.2: users.updated_by */
    {migration_4, NULL},         /* 0.3: subscriber */
    {migration_5, NULL},         /* 0.3: subscriber.confirm_mailed_at */
    {migration_6, NULL},         /* 0.3: users.lang, users.lean */
    {migration_7, NULL},         /* 0.3: event, event_exception */
    {migration_8, NULL},         /* 0.3: event_window */
};

const int db_nmigrations = (int)nitems(db_migrations);
