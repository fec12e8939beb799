/* reader.c: (being written) */
typedef int S_placeholder_reader; /* being written */
