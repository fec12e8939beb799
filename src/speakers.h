/* speakers.h: who speaks in a transcript.
 *
 *  - The label pattern (--speaker-pattern) finds a speaker label at the
 *    start of a line: `**PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR:** Buenos
 *    días.`, the same without bold, `INTERLOCUTORA:`, `MR. HALVORSEN:`.
 *  - The alias table (--speakers FILE.tsv, `label<TAB>speaker_id<TAB>role`)
 *    maps label variants to one speaker id and a role. A label not in the
 *    table gets a slug of itself as its id.
 *  - The filter (--speaker ID, --role ROLE) says which speakers are coded
 *    and counted.
 *
 * Ownership: sectag_speakers_new returns an owned object; free it with
 * sectag_speakers_free. It is read-only while documents are read. */
#ifndef SECTAG_SPEAKERS_H
#define SECTAG_SPEAKERS_H

#include <stddef.h>
#include <stdint.h>

#include "document.h"
#include "sectag.h"

typedef struct sectag_speakers sectag_speakers;

/* The default label pattern (PCRE2). Its group `label` is the label. */
extern const char sectag_default_speaker_pattern[];

/* pattern: NULL for the default. table: NULL for none. Returns NULL with err
 * (SECTAG_ERR_USAGE; FILE:LINE:COL for a bad table row) on failure. */
sectag_speakers *sectag_speakers_new(const char *pattern, const char *table_path,
                                     const char *const *ids, size_t nids,
                                     const char *const *roles, size_t nroles,
                                     sectag_error *err);
void sectag_speakers_free(sectag_speakers *sp);

/* Whether a filter (--speaker or --role) is set. */
int sectag_speakers_filtered(const sectag_speakers *sp);

/* If a label starts at text[pos] (pos is a line start), returns 1 and sets
 * [*lstart, *lend) to the label's own text (e.g. the name without ** and
 * colon) and *end to where the turn's text starts (after the colon, the
 * closing ** and spaces). Returns 0 when there is no label, and -1 when the
 * pattern hit its match limit (it backtracks too much). Not thread-safe: the
 * object keeps its match data. */
int sectag_speakers_match_label(const sectag_speakers *sp, const char *text, size_t len,
                                size_t pos, size_t *lstart, size_t *lend, size_t *end);

/* The index of the speaker for this label in doc, adding the speaker (id,
 * role, selected) when it is new. label NULL means the unknown speaker of
 * text before the first label. sp may be NULL (no alias table, no filter). */
uint32_t sectag_speakers_intern(const sectag_speakers *sp, sectag_doc *doc, const char *label,
                                size_t len);

/* Whether the alias table names this label. */
int sectag_speakers_known(const sectag_speakers *sp, const char *label, size_t len);

/* A slug of a label: lower case, accents removed, runs of other characters
 * as one '-': "PRESIDENTE ANDRÉS MANUEL LÓPEZ OBRADOR" ->
 * "presidente-andres-manuel-lopez-obrador". Returns an owned string. */
char *sectag_slug(const char *s, size_t len);

#endif
