/*
 * ical_fields.h: a VEVENT's properties as an event's fields
 * (ical_fields.c).  Internal to src/fmt/ (ical_in.c).
 */
#ifndef MABDESK_ICAL_FIELDS_H
#define MABDESK_ICAL_FIELDS_H

#include <libical/ical.h>

#include "record.h"

/* SUMMARY, DESCRIPTION (each into the English or Bengali field, by its
 * LANGUAGE or script; X-MABDESK-*-BN into the Bengali one), LOCATION,
 * CONTACT and CATEGORIES (the first that is one of ours, else "other"). */
void ical_read_texts(icalcomponent *c, struct record *r);
/* r, of an event starting at start (its local DTSTART, month 1-12), as
 * ev's EF_REPEAT, EF_INTERVAL, EF_WEEKDAYS, EF_MONTHLY and EF_TIMES: 0,
 * or -1 when the fields cannot say it.  EF_UNTIL is the caller's. */
int ical_rule_fields(const struct icalrecurrencetype *r, struct icaltimetype start,
                     struct record *ev);
/* 1 if ev (local to zone) repeats as r from dtstart (of zone z; NULL:
 * floating, in zone) does, over their first occurrences. */
int ical_rule_same(struct icalrecurrencetype r, struct icaltimetype dtstart, icaltimezone *z,
                   const char *zone, const struct record *ev);

#endif
