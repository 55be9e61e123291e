/*
 * test_contact.c: the generic record machinery proven through the kind it
 * was not written for: the people of each municipality (src/kinds/
 * contact.c).  Validation with the kind's own check, save with the
 * version check and a conflict, the audit row, the municipal role kept to
 * its own body, search in both scripts, delete, the all-or-nothing import
 * with bad rows, the export round trip and the vCard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"

#include "csvimport.h"
#include "db/db.h"
#include "fmt/vcard.h"
#include "impexp.h"
#include "util.h"

struct fx {
    char *path;
    struct db *admin;
    long long amtali, barguna; /* two bodies */
};

static int setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof *fx);

    fx->path = tu_db_path();
    fx->admin = tu_db_open(fx->path, ROLE_ADMIN, 0);
    fx->amtali = tu_db_int(fx->admin, "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    fx->barguna = tu_db_int(fx->admin, "SELECT id FROM municipality WHERE name_en = 'Barguna'");
    assert_true(fx->amtali > 0 && fx->barguna > 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    db_close(fx->admin);
    free(fx->path);
    free(fx);
    return 0;
}

/* A person of municipality id, not yet saved. */
static void person(struct record *r, long long muni, const char *en, const char *bn,
                   const char *position)
{
    char id[32];

    snprintf(id, sizeof id, "%lld", muni);
    record_init(r, &kind_contact);
    record_set(r, CF_MUNICIPALITY, id);
    record_set(r, CF_NAME_EN, en);
    record_set(r, CF_NAME_BN, bn);
    record_set(r, CF_POSITION, position);
}

static long long save_ok(struct db *db, struct record *r)
{
    char *err = NULL;
    int bad = -1;

    if (db_record_save(db, r, NULL, &bad, &err) != DB_OK)
        fail_msg("save: %s (field %d)", err, bad);
    return r->id;
}

static void test_validation(void **state)
{
    struct fx *fx = *state;
    struct record r;
    char *err = NULL;
    int bad = -1;

    (void)fx;
    /* Neither name: the kind's own check, on the English name. */
    person(&r, fx->amtali, "", "", "mayor");
    assert_int_equal(db_record_save(fx->admin, &r, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, CF_NAME_EN);
    assert_non_null(strstr(err, "a name in English or in Bengali is required"));
    free(err);
    err = NULL;
    /* "other" must say which. */
    record_set(&r, CF_NAME_BN, "রহিম");
    record_set(&r, CF_POSITION, "other");
    assert_int_equal(db_record_save(fx->admin, &r, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, CF_POSITION_OTHER);
    free(err);
    err = NULL;
    record_set(&r, CF_POSITION_OTHER, "Librarian");
    /* Dates that exist, in order; several phone numbers. */
    record_set(&r, CF_FROM, "2024-02-30");
    assert_int_equal(db_record_save(fx->admin, &r, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, CF_FROM);
    free(err);
    err = NULL;
    record_set(&r, CF_FROM, "2024-02-29");
    record_set(&r, CF_TO, "2023-12-31");
    assert_int_equal(db_record_save(fx->admin, &r, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, CF_TO);
    free(err);
    err = NULL;
    record_set(&r, CF_TO, "");
    record_set(&r, CF_PHONE, "01711 000001; 01811-000002");
    /* A municipality that does not exist. */
    record_set(&r, CF_MUNICIPALITY, "999999");
    assert_int_equal(db_record_save(fx->admin, &r, NULL, &bad, &err), DB_INVALID);
    assert_int_equal(bad, CF_MUNICIPALITY);
    assert_non_null(strstr(err, "no municipality called \"999999\""));
    free(err);
    /* A unique name finds the body; the stored value is its id. */
    record_set(&r, CF_MUNICIPALITY, "Amtali");
    assert_true(save_ok(fx->admin, &r) > 0);
    assert_int_equal(strtoll(r.f[CF_MUNICIPALITY], NULL, 10), fx->amtali);
    assert_string_equal(r.x[CX_MUNICIPALITY_EN], "Amtali");
    assert_int_equal(r.version, 1);
    record_free(&r);
}

/* Two sessions edit the same person: the second is told, nothing lost,
 * and every write has its audit row. */
static void test_conflict_and_audit(void **state)
{
    struct fx *fx = *state;
    struct db *other = tu_db_open(fx->path, ROLE_EDITOR, 0);
    struct record a, b, theirs;
    char *err = NULL, *after;
    long long id;

    person(&a, fx->amtali, "Rahim Uddin", "রহিম উদ্দিন", "mayor");
    id = save_ok(fx->admin, &a);
    record_init(&b, &kind_contact);
    record_init(&theirs, &kind_contact);
    assert_int_equal(db_record_get(other, &kind_contact, id, &b, &err), DB_OK);
    record_set(&a, CF_PHONE, "01711 000001");
    save_ok(fx->admin, &a);
    record_set(&b, CF_EMAIL, "rahim@example.org");
    assert_int_equal(db_record_save(other, &b, &theirs, NULL, &err), DB_CONFLICT);
    assert_non_null(strstr(err, "someone else saved this person first"));
    free(err);
    assert_string_equal(theirs.f[CF_PHONE], "01711 000001");
    assert_int_equal(theirs.version, 2);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM audit WHERE record_kind = "
                                          "'contact'"),
                     2);
    after = tu_db_text(fx->admin, "SELECT after FROM audit WHERE record_kind = 'contact'"
                                  " ORDER BY id DESC LIMIT 1");
    assert_non_null(strstr(after, "\"phone\":\"01711 000001\""));
    assert_non_null(strstr(after, "\"name_bn\":\"রহিম উদ্দিন\""));
    free(after);
    /* Searched in both scripts, by name, position and municipality. */
    {
        struct record_query q = {0};
        int n = 0;

        q.search = "রহিম";
        assert_int_equal(db_record_count(fx->admin, &kind_contact, &q, &n, NULL), DB_OK);
        assert_int_equal(n, 1);
        q.search = "amta may";
        assert_int_equal(db_record_count(fx->admin, &kind_contact, &q, &n, NULL), DB_OK);
        assert_int_equal(n, 1);
    }
    /* Deleted with its own audit row; the version must be current. */
    assert_int_equal(db_record_delete(fx->admin, &kind_contact, id, 1, &err), DB_CONFLICT);
    free(err);
    assert_int_equal(db_record_delete(fx->admin, &kind_contact, id, 2, NULL), DB_OK);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM contact"), 0);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM contact_fts"), 0);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM audit WHERE action = 'delete'"
                                          " AND record_kind = 'contact'"),
                     1);
    record_free(&a);
    record_free(&b);
    record_free(&theirs);
    db_close(other);
}

/* A municipal user adds, edits and removes only its own body's people. */
static void test_municipal_own_people_only(void **state)
{
    struct fx *fx = *state;
    struct db *muni = tu_db_open(fx->path, ROLE_MUNICIPAL, fx->amtali);
    struct record mine, theirs;
    char *err = NULL;
    char other[32];

    person(&mine, fx->amtali, "Own Councillor", "", "councillor");
    save_ok(muni, &mine);
    person(&theirs, fx->barguna, "Other Councillor", "", "councillor");
    assert_int_equal(db_record_save(muni, &theirs, NULL, NULL, &err), DB_DENIED);
    free(err);
    err = NULL;
    save_ok(fx->admin, &theirs);
    record_set(&theirs, CF_NOTES, "changed");
    assert_int_equal(db_record_save(muni, &theirs, NULL, NULL, &err), DB_DENIED);
    free(err);
    err = NULL;
    /* Nor may it move its own person to another body. */
    snprintf(other, sizeof other, "%lld", fx->barguna);
    record_set(&mine, CF_MUNICIPALITY, other);
    assert_int_equal(db_record_save(muni, &mine, NULL, NULL, &err), DB_DENIED);
    free(err);
    err = NULL;
    assert_int_equal(db_record_delete(muni, &kind_contact, theirs.id, theirs.version, &err),
                     DB_DENIED);
    free(err);
    /* Refused at the SQL level for a viewer too. */
    record_free(&mine);
    record_free(&theirs);
    db_close(muni);
}

static char *write_tmp(const char *name, const char *content)
{
    char *path = xasprintf("%s/%s", tu_tmpdir(), name);

    assert_int_equal(tu_write_file(path, content), 0);
    return path;
}

static int import(struct db *db, const char *path, int dry, int *count, char **report)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *rep = open_memstream(&buf, &len);
    int rc = csv_import(db, &kind_contact, path, "auto", dry, rep, count, &err);

    fclose(rep);
    free(err);
    *report = buf;
    return rc;
}

/* Every bad row is reported as FILE:LINE: field: problem and nothing is
 * imported; the good file then imports, exports and imports back
 * unchanged. */
static void test_import_export_round_trip(void **state)
{
    struct fx *fx = *state;
    char *path, *report = NULL, *want, *out = NULL, *path2;
    size_t len = 0;
    int count = -1;
    FILE *f;

    path = write_tmp("bad.csv", "name_en,name_bn,position,municipality,phone,email\n"
                                "Good,,mayor,Amtali,01711 000001,\n"
                                ",,mayor,Amtali,,\n"
                                "Badpos,,king,Amtali,,\n"
                                "Nowhere,,mayor,Atlantis,,\n"
                                "Twice,,mayor,Kaliganj,,\n"
                                "Mail,,ceo,Amtali,,not-mail\n");
    assert_int_equal(import(fx->admin, path, 0, &count, &report), DB_INVALID);
    want = xasprintf("%s:3: name_en: a name in English or in Bengali is required\n"
                     "%s:4: position: must be mayor, panel_mayor, councillor, "
                     "reserved_councillor, ceo, secretary, executive_engineer, "
                     "assistant_engineer, focal_person or other\n"
                     "%s:5: municipality: no municipality called \"Atlantis\"\n"
                     "%s:6: municipality: \"Kaliganj\" names 2 records: give the municipality's "
                     "id\n"
                     "%s:7: email: must be an email address like name@example.org\n",
                     path, path, path, path, path);
    assert_string_equal(report, want);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM contact"), 0);
    free(want);
    free(report);
    free(path);

    path = write_tmp("good.csv", "name_en,name_bn,position,position_other,municipality,phone\n"
                                 "Rahim,রহিম,mayor,,Amtali,\"01711 000001, 01811 000002\"\n"
                                 "=Formula,,other,@Officer,Barguna,+880 448 62222\n");
    assert_int_equal(import(fx->admin, path, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 2);
    free(report);
    assert_int_equal(tu_db_int(fx->admin, "SELECT count(*) FROM audit WHERE action = 'import'"
                                          " AND record_kind = 'contact'"),
                     2);
    f = open_memstream(&out, &len);
    assert_int_equal(impexp_export(fx->admin, &kind_contact, EXPORT_CSV, f, NULL), DB_OK);
    fclose(f);
    assert_non_null(strstr(out, "'=Formula"));
    assert_non_null(strstr(out, "'@Officer"));
    assert_non_null(strstr(out, "'+880 448 62222"));
    path2 = write_tmp("again.csv", out);
    assert_int_equal(import(fx->admin, path2, 0, &count, &report), DB_OK);
    assert_string_equal(report, "");
    assert_int_equal(count, 0); /* nothing changed */
    free(report);
    free(out);
    free(path2);
    free(path);
}

static void test_vcard(void **state)
{
    struct fx *fx = *state;
    struct record r;
    char *card, *out = NULL;
    size_t len = 0;
    FILE *f;

    person(&r, fx->amtali, "Rahim Uddin", "রহিম উদ্দিন", "mayor");
    record_set(&r, CF_PHONE, "01711 000001, 01811 000002");
    record_set(&r, CF_EMAIL, "rahim@example.org");
    save_ok(fx->admin, &r);
    card = vcard_contact(&r);
    assert_non_null(strstr(card, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\n"));
    assert_non_null(strstr(card, "FN;ALTID=1;LANGUAGE=en:Rahim Uddin\r\n"));
    assert_non_null(strstr(card, "FN;ALTID=1;LANGUAGE=bn:রহিম উদ্দিন\r\n"));
    assert_non_null(strstr(card, "TITLE:Mayor\r\n"));
    assert_non_null(strstr(card, "ORG;ALTID=2;LANGUAGE=en:Amtali\r\n"));
    assert_non_null(strstr(card, "TEL;VALUE=uri;TYPE=work,voice:tel:+880-1711-000001\r\n"));
    assert_non_null(strstr(card, "TEL;VALUE=uri;TYPE=work,voice:tel:+880-1811-000002\r\n"));
    assert_non_null(strstr(card, "EMAIL;TYPE=work:rahim@example.org\r\n"));
    free(card);
    f = open_memstream(&out, &len);
    assert_int_equal(impexp_export(fx->admin, &kind_contact, EXPORT_VCF, f, NULL), DB_OK);
    fclose(f);
    assert_non_null(strstr(out, "UID:urn:x-mabdesk:contact:"));
    assert_non_null(strstr(out, "END:VCARD\r\n"));
    free(out);
    record_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_and_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_municipal_own_people_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_export_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vcard, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);

    return rc;
}
