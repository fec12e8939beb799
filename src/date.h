/* date.h: dates and periods.
 *
 * Dates are written ISO 8601 everywhere sectag outputs them: YYYY-MM-DD, or
 * YYYY-MM / YYYY when only that much is known. */
#ifndef SECTAG_DATE_H
#define SECTAG_DATE_H

#include <stddef.h>

#include "sectag.h"

/* Parses a whole string (surrounding white space ignored) as a date:
 * ISO (2020-06-15, 2020-06, 2020), 15/06/2020 (day first), Spanish prose
 * ("15 de junio de 2020", "martes 15 de junio de 2020", "1o. de julio de
 * 2020", "junio 15, 2020") and English prose ("June 15, 2020", "15 June
 * 2020", "June 15th, 2020", "Monday, June 15, 2020"). Month names are
 * case- and accent-insensitive; "setiembre" and abbreviations ("jun.",
 * "Sept.") are accepted. Writes the ISO form into iso (at least 11 bytes).
 * Returns 0, or -1 if s is not a date or not a valid one (2020-02-30). */
int sectag_date_parse(const char *s, size_t len, char iso[11]);

/* Finds the first date inside a line of prose, e.g. "Presidencia de la
 * República | 15 de junio de 2020" or "Palacio Nacional, 12 de marzo de
 * 2019". Only full dates (day, month, year) count here. Returns 0 and writes
 * iso, or -1. */
int sectag_date_find(const char *s, size_t len, char iso[11]);

/* Periods: a TSV file of `start<TAB>end<TAB>label` rows with ISO dates
 * (inclusive on both ends; end may be empty for "ongoing"). Lines starting
 * with '#' and blank lines are comments. */
typedef struct sectag_periods sectag_periods;

/* Returns an owned table, or NULL with err (SECTAG_ERR_USAGE, FILE:LINE:COL):
 * a row without three fields, a date that does not parse, end before start,
 * or two periods that overlap (the message names both lines). */
sectag_periods *sectag_periods_load(const char *path, sectag_error *err);
void sectag_periods_free(sectag_periods *p);

/* The label of the period holding an ISO date, or NULL. A partial date
 * (YYYY or YYYY-MM) gets a label only when the whole month or year lies in
 * one period. */
const char *sectag_periods_lookup(const sectag_periods *p, const char *iso);

#endif
