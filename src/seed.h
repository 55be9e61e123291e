/*
 * seed.h: the files of data/, compiled into the binary (src/seed_blob.S) so
 * that a fresh machine opens straight onto the real directory.  Each is
 * NUL-terminated UTF-8 exactly as in data/ (CRLF line ends in the CSVs).
 */
#ifndef MABDESK_SEED_H
#define MABDESK_SEED_H

extern const char seed_divisions_csv[];
extern const char seed_districts_csv[];
extern const char seed_city_corporations_csv[];
extern const char seed_paurashavas_csv[];
extern const char seed_about_en_md[];
extern const char seed_about_bn_md[];

#endif
