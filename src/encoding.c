/* encoding.c: (being written) */
typedef int S_placeholder_encoding; /* being written */
