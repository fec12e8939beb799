/* speakers.c: (being written) */
typedef int S_placeholder_speakers; /* being written */
