/* reader_html.c: (being written) */
typedef int S_placeholder_reader_html; /* being written */
