/* date.c: (being written) */
typedef int S_placeholder_date; /* being written */
