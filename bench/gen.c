/*
 * gen.c: write N made-up municipal bodies as a CSV in the import format of
 * `mabdesk import municipalities` (the field keys of src/muni.c), for the
 * benchmarks.
 *
 *   gen N DISTRICTS.CSV > bodies.csv
 *   gen subscribers N > subscribers.csv
 *   gen events N EVENTS.ICS EVENTS.CSV
 *
 * The second writes N subscribers for `mabdesk import subscribers`:
 * unique addresses, names in either script, a language, and one of the
 * 342 seeded bodies or none.  The third writes N events as iCalendar (what
 * `mabdesk import events` reads) and the same rows as CSV (uid, title,
 * start, end, rrule: the baseline's plain table): titles in both scripts,
 * one in ten repeating weekly ten times, one in fifty every year.
 *
 * Names are built from real Bangladeshi place-name parts in both scripts
 * (Rampur / রামপুর, Char Fasson / চর ফ্যাশন style), districts are the real
 * ones read from data/districts.csv, figures are plausible.  Output is the
 * same for the same N and seed (a fixed pseudo-random sequence; $GEN_SEED,
 * a number, changes the seed).
 *
 * Must never: write anywhere but stdout, or produce a row the importer would
 * reject (every value follows record_check_field(&kind_municipality, )'s rules).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pair {
    const char *en, *bn;
};

/* Directions, placed before a name ("Uttar Rampur"); the first is none. */
static const struct pair directions[] = {
    {"", ""}, {"Uttar", "উত্তর"}, {"Dakshin", "দক্ষিণ"}, {"Purba", "পূর্ব"}, {"Paschim", "পশ্চিম"},
};

static const struct pair stems[] = {
    {"Ram", "রাম"},
    {"Shyam", "শ্যাম"},
    {"Gopal", "গোপাল"},
    {"Madhab", "মাধব"},
    {"Krishna", "কৃষ্ণ"},
    {"Lakshmi", "লক্ষ্মী"},
    {"Sona", "সোনা"},
    {"Rup", "রূপ"},
    {"Chandra", "চন্দ্র"},
    {"Bir", "বীর"},
    {"Shah", "শাহ"},
    {"Nawab", "নবাব"},
    {"Kazi", "কাজী"},
    {"Sher", "শের"},
    {"Mirza", "মির্জা"},
    {"Fatik", "ফটিক"},
    {"Hari", "হরি"},
    {"Durga", "দুর্গা"},
    {"Kali", "কালী"},
    {"Shib", "শিব"},
    {"Raghu", "রঘু"},
    {"Nandi", "নন্দী"},
    {"Bhola", "ভোলা"},
    {"Gazi", "গাজী"},
    {"Khan", "খান"},
    {"Mohan", "মোহন"},
    {"Kamal", "কমল"},
    {"Jamal", "জামাল"},
    {"Nasir", "নাসির"},
    {"Akbar", "আকবর"},
    {"Moheshi", "মহেশী"},
    {"Tara", "তারা"},
    {"Basanta", "বসন্ত"},
    {"Shanti", "শান্তি"},
    {"Golap", "গোলাপ"},
    {"Kusum", "কুসুম"},
    {"Amir", "আমির"},
    {"Din", "দীন"},
    {"Alam", "আলম"},
    {"Hasan", "হাসান"},
    {"Keshab", "কেশব"},
    {"Balaram", "বলরাম"},
    {"Joy", "জয়"},
    {"Debi", "দেবী"},
    {"Mahmud", "মাহমুদ"},
    {"Sultan", "সুলতান"},
    {"Ali", "আলী"},
    {"Bhairab", "ভৈরব"},
    {"Nilphamar", "নীলফামার"},
    {"Madhu", "মধু"},
};

static const struct pair suffixes[] = {
    {"pur", "পুর"},       {"ganj", "গঞ্জ"},    {"nagar", "নগর"},   {"bari", "বাড়ী"},
    {"hat", "হাট"},      {"dia", "দিয়া"},    {"khali", "খালী"},  {"tala", "তলা"},
    {"gachhi", "গাছি"},  {"danga", "ডাঙ্গা"}, {"para", "পাড়া"},   {"kandi", "কান্দি"},
    {"ghat", "ঘাট"},     {"chhari", "ছড়ি"},  {"bazar", "বাজার"}, {"garh", "গড়"},
    {"kona", "কোনা"},    {"pukur", "পুকুর"},   {"dighi", "দীঘি"},  {"kul", "কুল"},
    {"bhanga", "ভাঙ্গা"}, {"shahar", "শহর"},
};

static const struct pair given[] = {
    {"Abdul Karim", "আব্দুল করিম"},
    {"Mohammad Ali", "মোহাম্মদ আলী"},
    {"Rafiqul Islam", "রফিকুল ইসলাম"},
    {"Shahidul Haque", "শহিদুল হক"},
    {"Nurul Amin", "নুরুল আমিন"},
    {"Ayesha", "আয়েশা"},
    {"Fatema", "ফাতেমা"},
    {"Anwar Hossain", "আনোয়ার হোসেন"},
    {"Kamrul Hasan", "কামরুল হাসান"},
    {"Selina", "সেলিনা"},
    {"Habibur Rahman", "হাবিবুর রহমান"},
    {"Mizanur Rahman", "মিজানুর রহমান"},
    {"Tapan Kumar", "তপন কুমার"},
    {"Sushil Chandra", "সুশীল চন্দ্র"},
    {"Jahanara", "জাহানারা"},
    {"Golam Mostafa", "গোলাম মোস্তফা"},
    {"Abu Taher", "আবু তাহের"},
    {"Nasima", "নাসিমা"},
};

static const struct pair family[] = {
    {"Chowdhury", "চৌধুরী"},   {"Sarkar", "সরকার"}, {"Mia", "মিয়া"},
    {"Talukder", "তালুকদার"},  {"Bhuiyan", "ভূঁইয়া"}, {"Mollah", "মোল্লা"},
    {"Sheikh", "শেখ"},        {"Khan", "খান"},     {"Das", "দাস"},
    {"Saha", "সাহা"},         {"Begum", "বেগম"},   {"Akhter", "আক্তার"},
    {"Howlader", "হাওলাদার"}, {"Munshi", "মুন্সী"},  {"Pramanik", "প্রামানিক"},
};

#define MAX_DISTRICTS 128

struct district {
    char en[64];
    char slug[64]; /* lower case letters only, for addresses */
};

static struct district districts[MAX_DISTRICTS];
static int ndistricts;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

/* xorshift64*: small, fast, the same on every machine. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(rng() % n);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* districts.csv: district_id,name_en,name_bn,... (no quoted fields before
 * the source column). */
static int read_districts(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[2048];

    if (f == NULL) {
        perror(path);
        return -1;
    }
    if (fgets(line, sizeof line, f) == NULL) {
        fclose(f);
        return -1;
    }
    while (ndistricts < MAX_DISTRICTS && fgets(line, sizeof line, f) != NULL) {
        char *c1 = strchr(line, ','), *c2;
        size_t n, k = 0;

        if (c1 == NULL || (c2 = strchr(c1 + 1, ',')) == NULL)
            continue;
        n = (size_t)(c2 - c1 - 1);
        if (n == 0 || n >= sizeof districts[0].en)
            continue;
        memcpy(districts[ndistricts].en, c1 + 1, n);
        districts[ndistricts].en[n] = '\0';
        for (size_t i = 0; i < n && k + 1 < sizeof districts[0].slug; i++) {
            char ch = c1[1 + i];

            if (ch >= 'A' && ch <= 'Z')
                districts[ndistricts].slug[k++] = (char)(ch - 'A' + 'a');
            else if (ch >= 'a' && ch <= 'z')
                districts[ndistricts].slug[k++] = ch;
        }
        districts[ndistricts].slug[k] = '\0';
        ndistricts++;
    }
    fclose(f);
    return ndistricts > 0 ? 0 : -1;
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void field(const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n") != NULL) {
        putchar('"');
        for (const char *p = s; *p != '\0'; p++) {
            if (*p == '"')
                putchar('"');
            putchar(*p);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    fputs(last ? "\r\n" : ",", stdout);
}

/* A person's name as an address part: "abdul.karim.mia". */
static void address_part(char *out, size_t outsz, const char *name)
{
    size_t k = 0;

    for (const char *p = name; *p != '\0' && k + 1 < outsz; p++) {
        if (*p >= 'A' && *p <= 'Z')
            out[k++] = (char)(*p - 'A' + 'a');
        else if (*p >= 'a' && *p <= 'z')
            out[k++] = *p;
        else if (*p == ' ')
            out[k++] = '.';
    }
    out[k] = '\0';
}

static int gen_subscribers(long n)
{
    fputs("email,name,lang,municipality\r\n", stdout);
    for (long i = 0; i < n; i++) {
        const struct pair *g = &given[pick(NELEM(given))], *fam = &family[pick(NELEM(family))];
        int bn = pick(2) == 0;
        unsigned body = pick(400); /* 342 bodies, or news of all of them */
        char name[400], addr[200], email[260], muni[16] = "";

        snprintf(name, sizeof name, "%s %s", g->en, fam->en);
        address_part(addr, sizeof addr, name);
        snprintf(email, sizeof email, "%s.%ld@example.org", addr, i + 1);
        if (bn)
            snprintf(name, sizeof name, "%s %s", g->bn, fam->bn);
        if (body < 342)
            snprintf(muni, sizeof muni, "%u", body + 1);
        field(email, 0);
        field(name, 0);
        field(bn ? "bn" : "en", 0);
        field(muni, 1);
    }
    return fflush(stdout) == 0 ? 0 : 74;
}

static const struct pair event_titles[] = {
    {"Budget workshop", "বাজেট কর্মশালা"}, {"Waste management training", "বর্জ্য ব্যবস্থাপনা প্রশিক্ষণ"},
    {"Mayors' meeting", "মেয়রদের সভা"},   {"Tax advocacy", "কর অ্যাডভোকেসি"},
    {"Town planning", "নগর পরিকল্পনা"},
};

static int gen_events(long n, const char *ics_path, const char *csv_path)
{
    FILE *ics = fopen(ics_path, "w"), *csv = fopen(csv_path, "w");
    int rc;

    if (ics == NULL || csv == NULL) {
        fprintf(stderr, "gen: cannot write %s\n", ics == NULL ? ics_path : csv_path);
        return 73;
    }
    fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mabdesk bench//EN\r\n", ics);
    fputs("uid,title_en,title_bn,location,category,start,end,rrule\n", csv);
    for (long i = 1; i <= n; i++) {
        const struct pair *t = &event_titles[pick(NELEM(event_titles))];
        unsigned y = 2026 + pick(2), m = 1 + pick(12), d = 1 + pick(28), h = 8 + pick(9);
        const char *rule = i % 10 == 0 ? "FREQ=WEEKLY;COUNT=10" : i % 50 == 1 ? "FREQ=YEARLY" : "";
        unsigned hall = pick(300);
        char start[32], end[32];

        snprintf(start, sizeof start, "%04u%02u%02uT%02u0000", y, m, d, h);
        snprintf(end, sizeof end, "%04u%02u%02uT%02u3000", y, m, d, h + 1);
        fprintf(ics, "BEGIN:VEVENT\r\nUID:bench-%ld@mabdesk\r\nDTSTAMP:20261130T000000Z\r\n", i);
        fprintf(ics, "DTSTART;TZID=Asia/Dhaka:%s\r\nDTEND;TZID=Asia/Dhaka:%s\r\n", start, end);
        fprintf(ics, "SUMMARY:%s %ld\r\nX-MABDESK-SUMMARY-BN:%s %ld\r\n", t->en, i, t->bn, i);
        fprintf(ics, "LOCATION:Pourashava hall %u\r\nCATEGORIES:Workshop\r\n", hall);
        if (*rule != '\0')
            fprintf(ics, "RRULE:%s\r\n", rule);
        fputs("END:VEVENT\r\n", ics);
        fprintf(csv,
                "bench-%ld@mabdesk,\"%s %ld\",\"%s %ld\",Pourashava hall %u,workshop,%s,%s,%s\n", i,
                t->en, i, t->bn, i, hall, start, end, rule);
    }
    fputs("END:VCALENDAR\r\n", ics);
    rc = ferror(ics) || ferror(csv);
    rc |= fclose(ics) != 0;
    rc |= fclose(csv) != 0;
    return rc ? 74 : 0;
}

int main(int argc, char **argv)
{
    const unsigned nnames = (unsigned)(NELEM(directions) * NELEM(stems) * NELEM(suffixes));
    unsigned *order;
    long n;

    if (getenv("GEN_SEED") != NULL && strtoull(getenv("GEN_SEED"), NULL, 10) != 0)
        rng_state ^= strtoull(getenv("GEN_SEED"), NULL, 10) * 0x9E3779B97F4A7C15ULL;
    if (argc == 5 && strcmp(argv[1], "events") == 0 && (n = strtol(argv[2], NULL, 10)) >= 1 &&
        n <= 10000000)
        return gen_events(n, argv[3], argv[4]);
    if (argc == 3 && strcmp(argv[1], "subscribers") == 0 && (n = strtol(argv[2], NULL, 10)) >= 1 &&
        n <= 10000000)
        return gen_subscribers(n);
    if (argc != 3 || (n = strtol(argv[1], NULL, 10)) < 1 || n > 1000000) {
        fprintf(stderr, "usage: gen N DISTRICTS.CSV > bodies.csv\n"
                        "       gen subscribers N > subscribers.csv\n"
                        "       gen events N EVENTS.ICS EVENTS.CSV\n");
        return 64;
    }
    if (read_districts(argv[2]) < 0) {
        fprintf(stderr, "gen: no districts in %s\n", argv[2]);
        return 66;
    }
    /* A shuffled list of every name combination: the first ones are unique;
     * beyond that many bodies a number is appended. */
    order = malloc(nnames * sizeof *order);
    if (order == NULL)
        return 70;
    for (unsigned i = 0; i < nnames; i++)
        order[i] = i;
    for (unsigned i = nnames - 1; i > 0; i--) {
        unsigned j = pick(i + 1), t = order[i];

        order[i] = order[j];
        order[j] = t;
    }

    fputs("kind,name_en,name_bn,class,district,established,wards,population,area,"
          "mayor_en,mayor_bn,phone,email,website,address,notes\r\n",
          stdout);
    for (long i = 0; i < n; i++) {
        unsigned combo = order[(unsigned long)i % nnames];
        unsigned long round = (unsigned long)i / nnames;
        const struct pair *dir = &directions[combo % NELEM(directions)];
        const struct pair *stem = &stems[combo / NELEM(directions) % NELEM(stems)];
        const struct pair *suf =
            &suffixes[combo / NELEM(directions) / NELEM(stems) % NELEM(suffixes)];
        const struct district *d = &districts[pick((unsigned)ndistricts)];
        const struct pair *g = &given[pick(NELEM(given))], *fam = &family[pick(NELEM(family))];
        int city = pick(100) < 3;
        char name_en[160], name_bn[320], slug[160], num[32], tmp[512];
        char mayor_en[160], mayor_bn[320];
        size_t k = 0;
        static const char *const classes[] = {"A", "B", "C", ""};

        num[0] = '\0';
        if (round > 0)
            snprintf(num, sizeof num, " %lu", round + 1);
        snprintf(name_en, sizeof name_en, "%s%s%s%s%s", dir->en, *dir->en ? " " : "", stem->en,
                 suf->en, num);
        snprintf(name_bn, sizeof name_bn, "%s%s%s%s%s %s", dir->bn, *dir->bn ? " " : "", stem->bn,
                 suf->bn, num, city ? "সিটি কর্পোরেশন" : "পৌরসভা");
        if (city)
            strncat(name_en, " City Corporation", sizeof name_en - strlen(name_en) - 1);
        for (const char *p = name_en; *p != '\0' && k + 1 < sizeof slug; p++) {
            if (*p >= 'A' && *p <= 'Z')
                slug[k++] = (char)(*p - 'A' + 'a');
            else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
                slug[k++] = *p;
        }
        slug[k] = '\0';
        snprintf(mayor_en, sizeof mayor_en, "%s %s", g->en, fam->en);
        snprintf(mayor_bn, sizeof mayor_bn, "%s %s", g->bn, fam->bn);

        field(city ? "city_corporation" : "paurashava", 0);
        field(name_en, 0);
        field(name_bn, 0);
        field(classes[pick(NELEM(classes))], 0);
        field(d->en, 0);
        snprintf(tmp, sizeof tmp, "%u", 1869 + pick(150));
        field(pick(5) == 0 ? "" : tmp, 0);
        snprintf(tmp, sizeof tmp, "%u", 9 + pick(city ? 120 : 12));
        field(tmp, 0);
        snprintf(tmp, sizeof tmp, "%u", (city ? 300000 : 15000) + pick(city ? 4000000 : 250000));
        field(tmp, 0);
        snprintf(tmp, sizeof tmp, "%u.%u", 3 + pick(city ? 300 : 60), pick(100));
        field(tmp, 0);
        field(mayor_en, 0);
        field(mayor_bn, 0);
        snprintf(tmp, sizeof tmp, "+880 %u %u", 2 + pick(90), 100000 + pick(899999));
        field(tmp, 0);
        snprintf(tmp, sizeof tmp, "mayor@%s.gov.bd", slug);
        field(tmp, 0);
        snprintf(tmp, sizeof tmp, "https://%s.%s.gov.bd", slug, d->slug);
        field(tmp, 0);
        snprintf(tmp, sizeof tmp, "Paurashava Bhaban, %s, %s", name_en, d->en);
        field(tmp, 0);
        field(pick(4) == 0 ? "Generated for the benchmark; \"not\" a real body." : "", 1);
    }
    free(order);
    return 0;
}
