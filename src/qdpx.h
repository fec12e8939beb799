/* qdpx.h: REFI-QDA project and codebook export. Being written: issue 8. */
#ifndef SECTAG_QDPX_H
#define SECTAG_QDPX_H
#endif
