/* reader_text.c: (being written) */
typedef int S_placeholder_reader_text; /* being written */
