/* qdpx.h: REFI-QDA exports (QDA-XML 1.0), the library part of `sectag
 * export qdpx` and `sectag export qdc` (cmd_export_qdpx.c prints). See
 * docs/exports.md for what ATLAS.ti, MAXQDA, NVivo and QualCoder receive.
 *
 * A project (.qdpx) is a ZIP archive, built in memory with libzip and
 * written atomically (sectag_write_file: a temporary ".NAME.XXXXXX" in the
 * target folder, renamed into place), holding:
 *
 *  - project.qde: <Project xmlns="urn:QDA-XML:project:1.0">, valid against
 *    refi-qda-project-1.0.xsd, in the schema's order:
 *      Users      one user, "sectag";
 *      CodeBook   the codebook's codes, nested as in the codebook, every one
 *                 codable, coloured by polarity (sectag_qdpx_color), the
 *                 label as name, the definition as Description;
 *      Variables  documents.csv's date, group and speaker columns and its
 *                 metadata columns (those between speaker and path), each
 *                 only when some document has a value; "role" when some
 *                 speaker has one. date is typed Date when every date is a
 *                 full YYYY-MM-DD, else Text; the others are Text;
 *      Cases      one per speaker (the speaker ids of matches.csv): the
 *                 coded selections in that speaker's turns (SelectionRef),
 *                 the documents without turns whose documents.csv speaker
 *                 it is (SourceRef), its role (VariableValue);
 *      Sources    one TextSource per document (documents.csv order), with
 *                 plainTextPath="internal://GUID.txt", one
 *                 PlainTextSelection per match (the order of matches.csv),
 *                 each with one Coding of its code, and the document's
 *                 variable values;
 *      Sets       one per group (e.g. the administration): its documents;
 *      Description what was exported, from which codebook.
 *  - sources/GUID.txt for every TextSource: the document's text as UTF-8
 *    without a BOM, with CRLF and CR turned into LF. Selection positions
 *    are Unicode code points of this text, 0-based, end exclusive.
 *
 * Where the data comes from: OUTDIR/documents.csv (the documents, their
 * metadata) and OUTDIR/tei/DOC_ID.xml (the text, turns and stand-off
 * matches, rebuilt by sectag_tei_doc_load(); the source file, when it is a
 * txt or md file still in place, restores a BOM or a character XML could
 * not hold, as for `sectag kwic`). The codebook is the TEI header's
 * taxonomy of the first document read (every document of one run has the
 * same). A match whose code is not in it gets a top-level code of its own.
 *
 * A document whose TEI file cannot be read is reported (the `report`
 * callback) and left out; the project is written without it and the
 * status is SECTAG_ERR_INPUT. When no document can be read, nothing is
 * written.
 *
 * GUIDs are RFC 4122 version-5 UUIDs (SHA-1) of a name in sectag's
 * namespace (cd0863c0-ed33-5302-9c56-e17da1f12810, itself
 * uuid5(NAMESPACE_URL, "urn:sectag:refi-qda")):
 *   "user:sectag", "code:CODE_ID", "source:DOC_ID",
 *   "selection:DOC_ID:N", "coding:DOC_ID:N" (N: the match's 0-based index
 *   among the document's matches), "variable:NAME", "case:SPEAKER_ID",
 *   "set:GROUP".
 * So the same OUTDIR gives a byte-identical .qdpx (ZIP entry times are
 * fixed at 2000-01-01 12:00 local time, no time stamps in the XML), and a
 * code has the same GUID in a .qdpx and in a .qdc.
 *
 * Ownership: nothing is returned but the error and the summary. */
#ifndef SECTAG_QDPX_H
#define SECTAG_QDPX_H

#include <stddef.h>

#include "sectag.h"

/* Colours by polarity, from the Okabe-Ito palette (safe for the common
 * forms of colour blindness): securitizing #D55E00 (vermillion),
 * desecuritizing #0072B2 (blue), neutral #999999 (grey). Static string. */
const char *sectag_qdpx_color(sectag_polarity p);

/* The GUID of a name (see above) into out: 36 characters and a NUL,
 * lower-case hex. */
void sectag_qdpx_guid(const char *name, char out[37]);

typedef struct sectag_qdpx_options {
  const char *outdir; /* an OUTDIR of `sectag code` */
  const char *output; /* the .qdpx to write; its folder is created */
  const char *name;   /* the project's name; NULL: OUTDIR's last part */
  /* Called for warnings and for each document that cannot be read (the
   * library never prints). May be NULL. */
  void (*report)(void *userdata, const sectag_error *e);
  void *userdata;
} sectag_qdpx_options;

typedef struct sectag_qdpx_summary {
  size_t documents;  /* written as TextSources */
  size_t failed;     /* left out: their TEI file could not be read */
  size_t selections; /* coded selections (matches) */
  size_t codes, variables, cases, sets;
  size_t bytes;      /* size of the .qdpx */
} sectag_qdpx_summary;

/* Writes the project. Returns SECTAG_OK; SECTAG_ERR_INPUT when some
 * documents were left out (each reported; the project holds the others)
 * or, with err set and nothing written, when none could be read;
 * SECTAG_ERR_USAGE with err when OUTDIR is not one of `sectag code`;
 * SECTAG_ERR_OUTPUT with err when the file cannot be written (no partial
 * file and no temporary file is left). summary may be NULL. */
sectag_status sectag_qdpx_export(const sectag_qdpx_options *opt, sectag_qdpx_summary *summary,
                                 sectag_error *err);

/* Writes a REFI-QDA codebook (<CodeBook xmlns="urn:QDA-XML:codebook:1.0">,
 * valid against refi-qda-codebook-1.0.xsd) of the codes of a codebook
 * file: the same names, descriptions, colours and GUIDs as in a project.
 * Returns SECTAG_OK; SECTAG_ERR_CODEBOOK with err when the codebook does
 * not load; SECTAG_ERR_OUTPUT with err when the file cannot be written.
 * ncodes (may be NULL) receives the number of codes. */
sectag_status sectag_qdc_export(const char *codebook, const char *output, size_t *ncodes,
                                sectag_error *err);

#endif
