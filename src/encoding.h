/* encoding.h: legacy encodings (iconv). sectag works in UTF-8; a corpus in
 * Latin-1 or Windows-1252 is converted when --encoding names it, input that
 * should be UTF-8 is checked (sectag_utf8_invalid_at), and a UTF-8
 * decoding error says when the bytes look like Latin-1. */
#ifndef SECTAG_ENCODING_H
#define SECTAG_ENCODING_H

#include <stddef.h>

#include "sectag.h"

/* Converts src[0..len) from encoding enc (any name iconv knows: latin1,
 * cp1252, iso-8859-15, utf-16, ...; "utf-8"/"utf8" in any case returns a
 * plain copy) to UTF-8. Returns an owned, NUL-terminated buffer and sets
 * *outlen; or NULL with err (SECTAG_ERR_INPUT: path, line and column of the
 * first byte that cannot be converted; or SECTAG_ERR_USAGE when iconv does
 * not know enc, naming `iconv -l`). path is only used in messages. */
char *sectag_to_utf8(const char *enc, const char *src, size_t len, size_t *outlen,
                     const char *path, sectag_error *err);

/* Offset of the first byte of s[0..len) that is not valid UTF-8 (an
 * ill-formed, overlong, truncated or surrogate sequence, as utf8proc
 * judges it), or (size_t)-1 when all of it is valid. NUL bytes are valid. */
size_t sectag_utf8_invalid_at(const char *s, size_t len);

/* The 1-based line and byte column of offset off in s[0..off) (lines end
 * at '\n'), for error messages about a byte in a file. */
void sectag_line_col(const char *s, size_t off, unsigned long *line, unsigned long *col);

/* Whether the bytes, which are not valid UTF-8, look like Latin-1 or
 * Windows-1252: most bytes >= 0x80 are single letters between ASCII
 * letters (é in "México"), none are NUL. */
int sectag_looks_latin1(const char *s, size_t len);

/* Whether the bytes look binary rather than text (a known magic number:
 * PDF, PNG, JPEG, GIF, ZIP/DOCX, gzip, ELF; or, in the first 4 KiB, at
 * least 8 control bytes and more than 1 in 20). A UTF-16 text (BOM, or
 * NUL in every other byte) is not binary. Such files are skipped with a
 * warning. */
int sectag_looks_binary(const char *s, size_t len);

/* Whether the bytes look like UTF-16 (a BOM FF FE / FE FF, or NUL bytes in
 * every other position of the first bytes). */
int sectag_looks_utf16(const char *s, size_t len);

#endif
