/* reader_tei.c: (being written) */
typedef int S_placeholder_reader_tei; /* being written */
