#!/bin/sh
# bench/floor.sh KIND DB PLAIN: the floor of an import into mabdesk's own
# schema.  PLAIN holds the generated rows as `sqlite3 .import` left them
# (table bodies, subscriber or events); DB is a fresh mabdesk database.
# The rows go into DB by SQL alone, in one transaction, with what every
# import must also write: the audit rows and the search index (built once
# at the end, as mabdesk's deferred index does).  No checks, no
# normalisation, no conflict or change detection: what is left is the work
# the schema itself asks for.  run.sh times it against `mabdesk import`.
set -eu
kind=$1 db=$2 plain=$3

case $kind in
bodies)
    rows="INSERT INTO municipality(kind, name_en, name_bn, class, district_id, established,
            wards, population, area, mayor_en, mayor_bn, phone, email, website, address, notes,
            updated_by)
        SELECT b.kind, b.name_en, b.name_bn, nullif(b.class, ''), d.id,
            nullif(b.established, ''), nullif(b.wards, ''), nullif(b.population, ''),
            nullif(b.area, ''), nullif(b.mayor_en, ''), nullif(b.mayor_bn, ''),
            nullif(b.phone, ''), nullif(b.email, ''), nullif(b.website, ''),
            nullif(b.address, ''), nullif(b.notes, ''), 'bench'
        FROM p.bodies b JOIN district d ON d.name_en = b.district"
    audit="INSERT INTO audit(at, user, action, record_kind, record_id, after)
        SELECT updated_at, 'bench', 'import', 'municipality', id, json_object('kind', kind,
            'name_en', name_en, 'name_bn', name_bn, 'class', class, 'district_id', district_id,
            'established', established, 'wards', wards, 'population', population, 'area', area,
            'mayor_en', mayor_en, 'mayor_bn', mayor_bn, 'phone', phone, 'email', email,
            'website', website, 'address', address, 'notes', notes)
        FROM municipality WHERE updated_by = 'bench'"
    index="INSERT INTO muni_fts(rowid, name_en, name_bn, district_en, district_bn, division_en,
            division_bn, mayor_en, mayor_bn)
        SELECT m.id, m.name_en, m.name_bn, trim(d.name_en || ' ' || coalesce(d.alt_name_en, '')),
            d.name_bn, trim(v.name_en || ' ' || coalesce(v.alt_name_en, '')), v.name_bn,
            coalesce(m.mayor_en, ''), coalesce(m.mayor_bn, '')
        FROM municipality m JOIN district d ON d.id = m.district_id
            JOIN division v ON v.id = d.division_id
        WHERE m.updated_by = 'bench'"
    ;;
subscribers)
    rows="INSERT INTO subscriber(email, name, municipality_id, lang, status, consent_how,
            consent_by, confirm_token, unsubscribe_token, updated_by)
        SELECT email, name, nullif(municipality, ''), lang, 'pending', 'import', 'bench',
            printf('%08x', unixepoch()) || lower(hex(randomblob(16))),
            printf('%08x', unixepoch()) || lower(hex(randomblob(16))), 'bench'
        FROM p.subscriber"
    audit="INSERT INTO audit(at, user, action, record_kind, record_id, after)
        SELECT updated_at, 'bench', 'import', 'subscriber', id,
            json_object('email', email, 'name', name, 'lang', lang, 'status', status)
        FROM subscriber"
    index="INSERT INTO subscriber_fts(rowid, email, name)
        SELECT id, email, coalesce(name, '') FROM subscriber"
    ;;
events)
    # Local times of Asia/Dhaka (UTC+6 all year) stored as UTC.
    utc="strftime('%Y-%m-%dT%H:%M:%SZ', substr(X, 1, 4) || '-' || substr(X, 5, 2) || '-' ||
        substr(X, 7, 2) || ' ' || substr(X, 10, 2) || ':' || substr(X, 12, 2), '-6 hours')"
    rows="INSERT INTO event(uid, title_en, title_bn, category, location, start_at, end_at, recur,
            recur_count, updated_by)
        SELECT uid, title_en, title_bn, category, location,
            $(echo "$utc" | sed 's/X/e.start/g'), $(echo "$utc" | sed 's/X/e.end/g'),
            CASE WHEN rrule LIKE 'FREQ=WEEKLY%' THEN 'weekly'
                WHEN rrule LIKE 'FREQ=YEARLY%' THEN 'yearly' ELSE 'none' END,
            CASE WHEN instr(rrule, 'COUNT=') > 0
                THEN CAST(substr(rrule, instr(rrule, 'COUNT=') + 6) AS INTEGER) END, 'bench'
        FROM p.events e"
    audit="INSERT INTO audit(at, user, action, record_kind, record_id, after)
        SELECT updated_at, 'bench', 'import', 'event', id, json_object('uid', uid,
            'title_en', title_en, 'title_bn', title_bn, 'category', category,
            'location', location, 'start_at', start_at, 'end_at', end_at, 'recur', recur,
            'recur_count', recur_count)
        FROM event"
    index="INSERT INTO event_fts(rowid, title_en, title_bn, location)
        SELECT id, coalesce(title_en, ''), coalesce(title_bn, ''), coalesce(location, '')
        FROM event"
    ;;
*)
    echo "floor.sh: no floor for '$kind'" >&2
    exit 64
    ;;
esac

sqlite3 "$db" "ATTACH '$plain' AS p" "PRAGMA cache_size = -32768" "BEGIN" \
    "INSERT INTO search_defer VALUES (1)" "$rows" "$audit" "$index" "DELETE FROM search_defer" \
    "COMMIT" >/dev/null
