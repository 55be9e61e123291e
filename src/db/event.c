/*
 * event.c (db/): what the database does for events beyond the generic
 * record code: the SQL function local_time() that reads a stored UTC
 * time in the configured zone (the event kind's fields and list use it;
 * db_record_bind() stores the other way).
 */
#include <sqlite3.h>

#include "db/internal.h"
#include "evtime.h"

/* local_time(x): a stored time (evtime.h) as a local one; NULL stays NULL
 * and anything unreadable comes back as it is. */
static void local_time_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *s = sqlite3_value_text(argv[0]);
    char out[EVTIME_LEN];

    (void)argc;
    if (s == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (evtime_to_local((const char *)s, evtime_zone(), out) != 0) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int db_event_functions(sqlite3 *h)
{
    return sqlite3_create_function(h, "local_time", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
                                   local_time_fn, NULL, NULL);
}
