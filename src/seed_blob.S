/*
 * seed_blob.S: the seed data files, compiled into the binary as
 * NUL-terminated byte arrays (declared in seed.h).  Paths are relative to
 * the top of the source tree, where make runs.
 */
#define SEED(sym, file)             \
    .globl sym;                     \
    .type sym, @object;             \
sym:                                \
    .incbin file;                   \
    .byte 0;                        \
    .size sym, . - sym

    .section .rodata
    .balign 16
SEED(seed_divisions_csv, "data/divisions.csv")
SEED(seed_districts_csv, "data/districts.csv")
SEED(seed_city_corporations_csv, "data/city_corporations.csv")
SEED(seed_paurashavas_csv, "data/paurashavas.csv")
SEED(seed_about_en_md, "data/about_en.md")
SEED(seed_about_bn_md, "data/about_bn.md")

    .section .note.GNU-stack, "", @progbits
