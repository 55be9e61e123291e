/*
 * test_actions.c: the action table and permission hiding.  Read-only
 * sessions (kiosk, viewer) must get no writing action by any key; admin
 * gets delete; a municipal session may edit its own municipality only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <curses.h>

#include "actions.h"
#include "kinds/kinds.h"
#include "auth.h"
#include "testutil.h"
#include "ui/ui.h"

static const enum action_id directory_like[] = {ACT_OPEN, ACT_EDIT,      ACT_NEW, ACT_DELETE,
                                                ACT_SAVE, ACT_KEEP_MINE, ACT_NONE};

static enum action_id press(const struct session *s, int code, long long record)
{
    struct ui_key k = {0};

    k.code = code;
    return action_for_key(directory_like, &k, s, &kind_municipality, record);
}

static void test_table_is_whole(void **state)
{
    (void)state;
    for (int i = 0; i < ACT_COUNT; i++) {
        const struct action_def *d = action_def((enum action_id)i);

        assert_int_equal(d->id, i);
        assert_true(d->keys[0] != 0);
        assert_non_null(d->bar_key);
        assert_non_null(d->keys_text);
        assert_non_null(d->label);
        assert_non_null(d->help);
    }
}

static void read_only_gets_no_writes(enum role r)
{
    struct session s = tu_session(r, 0);
    int writers = 0;

    for (int i = 0; i < ACT_COUNT; i++) {
        const struct action_def *d = action_def((enum action_id)i);

        if (!d->writes)
            continue;
        writers++;
        assert_false(action_allowed(&s, (enum action_id)i, &kind_municipality, 0));
        assert_false(action_allowed(&s, (enum action_id)i, &kind_municipality, 1));
        /* Neither accepted by any of its keys. */
        for (size_t k = 0; k < 4 && d->keys[k] != 0; k++)
            assert_int_not_equal(press(&s, d->keys[k], 1), i);
    }
    assert_true(writers >= 4);
    assert_int_equal(press(&s, 'e', 1), ACT_NONE);
    assert_int_equal(press(&s, 'd', 1), ACT_NONE);
    assert_int_equal(press(&s, 'n', 1), ACT_NONE);
    assert_int_equal(press(&s, UI_FN | KEY_F(2), 1), ACT_NONE);
    /* Reading is still possible. */
    assert_int_equal(press(&s, '\r', 1), ACT_OPEN);
}

static void test_kiosk_no_writes_no_quit(void **state)
{
    struct session s = tu_session(ROLE_KIOSK, 0);

    (void)state;
    read_only_gets_no_writes(ROLE_KIOSK);
    assert_false(action_allowed(&s, ACT_QUIT, &kind_municipality, 0));
    assert_int_equal(press(&s, UI_FN | KEY_F(10), 0), ACT_NONE);
    assert_int_equal(press(&s, 'q', 0), ACT_NONE);
    assert_false(action_allowed(&s, ACT_HISTORY, &kind_municipality, 1));
}

static void test_viewer_no_writes(void **state)
{
    struct session s = tu_session(ROLE_VIEWER, 0);

    (void)state;
    read_only_gets_no_writes(ROLE_VIEWER);
    assert_int_equal(press(&s, UI_FN | KEY_F(10), 0), ACT_QUIT);
}

static void test_admin_gets_delete(void **state)
{
    struct session s = tu_session(ROLE_ADMIN, 0);

    (void)state;
    assert_true(action_allowed(&s, ACT_DELETE, &kind_municipality, 7));
    assert_int_equal(press(&s, 'd', 7), ACT_DELETE);
    assert_int_equal(press(&s, 'e', 7), ACT_EDIT);
    assert_int_equal(press(&s, 'n', 0), ACT_NEW);
    assert_true(action_allowed(&s, ACT_HISTORY, &kind_municipality, 7));
}

static void test_editor_no_delete(void **state)
{
    struct session s = tu_session(ROLE_EDITOR, 0);

    (void)state;
    assert_false(action_allowed(&s, ACT_DELETE, &kind_municipality, 7));
    assert_int_equal(press(&s, 'd', 7), ACT_NONE);
    assert_int_equal(press(&s, 'e', 7), ACT_EDIT);
}

static void test_municipal_edits_own_only(void **state)
{
    struct session s = tu_session(ROLE_MUNICIPAL, 42);

    (void)state;
    assert_true(action_allowed(&s, ACT_EDIT, &kind_municipality, 42));
    assert_int_equal(press(&s, 'e', 42), ACT_EDIT);
    assert_false(action_allowed(&s, ACT_EDIT, &kind_municipality, 43));
    assert_int_equal(press(&s, 'e', 43), ACT_NONE);
    assert_true(action_allowed(&s, ACT_SAVE, &kind_municipality, 42));
    assert_false(action_allowed(&s, ACT_SAVE, &kind_municipality, 43));
    assert_false(action_allowed(&s, ACT_NEW, &kind_municipality, 0));
    assert_false(action_allowed(&s, ACT_DELETE, &kind_municipality, 42));
    /* Verbs resolve through the kind: the people of its own body are the
     * municipal user's to add and remove, a municipality is not. */
    assert_true(action_allowed(&s, ACT_NEW, &kind_contact, 42));
    assert_false(action_allowed(&s, ACT_NEW, &kind_contact, 43));
    assert_true(action_allowed(&s, ACT_DELETE, &kind_contact, 42));
    assert_false(action_allowed(&s, ACT_DELETE, &kind_contact, 43));
}

static void test_globals_after_screen_keys(void **state)
{
    struct session s = tu_session(ROLE_ADMIN, 0);
    static const enum action_id dialog[] = {ACT_YES, ACT_NO, ACT_NONE};
    struct ui_key k = {0};

    (void)state;
    /* 'n' is "No" in a dialog, "New" only where the screen offers it. */
    k.code = 'n';
    assert_int_equal(action_for_key(dialog, &k, &s, NULL, 0), ACT_NO);
    /* Esc and F1 work everywhere. */
    k.code = 27;
    assert_int_equal(action_for_key(dialog, &k, &s, NULL, 0), ACT_BACK);
    k.code = UI_FN | KEY_F(1);
    assert_int_equal(action_for_key(NULL, &k, &s, NULL, 0), ACT_HELP);
    k.code = 'z';
    assert_int_equal(action_for_key(dialog, &k, &s, NULL, 0), ACT_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_whole),
        cmocka_unit_test(test_kiosk_no_writes_no_quit),
        cmocka_unit_test(test_viewer_no_writes),
        cmocka_unit_test(test_admin_gets_delete),
        cmocka_unit_test(test_editor_no_delete),
        cmocka_unit_test(test_municipal_edits_own_only),
        cmocka_unit_test(test_globals_after_screen_keys),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    tu_cleanup();
    return rc;
}
