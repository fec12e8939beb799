/* teicorpus.h: TEI corpus export. Being written: issue 8. */
#ifndef SECTAG_TEICORPUS_H
#define SECTAG_TEICORPUS_H
#endif
